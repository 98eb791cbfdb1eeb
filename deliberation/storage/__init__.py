"""Storage: the relational store (SQLAlchemy) and the vector index (Chroma)."""
from deliberation.storage import chroma_server
from deliberation.storage.store import ImportReport, Store
from deliberation.storage.vectors import VectorIndex

__all__ = ["Store", "ImportReport", "VectorIndex", "chroma_server"]
