"""Storage: the relational store (SQLAlchemy) and the vector index (Chroma)."""
from deliberation.storage.store import ImportReport, Store
from deliberation.storage.vectors import VectorIndex

__all__ = ["Store", "ImportReport", "VectorIndex"]
