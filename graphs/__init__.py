"""LangGraph agents assembled from deliberation/."""
