"""Deliberation-facilitation agent: domain model, storage, embeddings, analysis, drafting, coverage."""
