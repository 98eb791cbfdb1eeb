"""Statement embeddings in Chroma (PersistentClient in the data directory).

We always pass our own vectors: Chroma's default embedding function would download a model.
Ids are ``"<consultation id>:<statement id>"``; metadata carries the consultation, the author
and the moderation status so queries can filter on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from deliberation.models import Statement

COLLECTION = "statements"
#: Chroma accepts at most this many records per add/upsert call.
UPSERT_BATCH = 4000


class VectorIndex:
    def __init__(self, path: str | Path):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.client = chromadb.PersistentClient(str(self.path), settings=ChromaSettings(anonymized_telemetry=False))
        self.collection = self.client.get_or_create_collection(
            COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"})

    @staticmethod
    def key(consultation_id: int, statement_id: str) -> str:
        return f"{consultation_id}:{statement_id}"

    def upsert(self, consultation_id: int, statements: Sequence[Statement], vectors: np.ndarray) -> None:
        if len(statements) != len(vectors):
            raise ValueError("one vector per statement is needed")
        for i in range(0, len(statements), UPSERT_BATCH):
            part = statements[i:i + UPSERT_BATCH]
            self.collection.upsert(
                ids=[self.key(consultation_id, s.external_id) for s in part],
                embeddings=np.asarray(vectors[i:i + UPSERT_BATCH], dtype=np.float32),
                documents=[s.text for s in part],
                metadatas=[{"consultation": consultation_id, "statement": s.external_id,
                            "author": s.author or "", "moderation": s.moderation.value,
                            "is_draft": bool(s.is_draft)} for s in part],
            )

    def set_moderation(self, consultation_id: int, statement_id: str, status: str) -> None:
        key = self.key(consultation_id, statement_id)
        got = self.collection.get(ids=[key], include=["metadatas"])
        if got["ids"]:
            self.collection.update(ids=[key], metadatas=[{**got["metadatas"][0], "moderation": status}])

    def delete(self, consultation_id: int, statement_ids: Sequence[str] | None = None) -> None:
        if statement_ids is None:
            self.collection.delete(where={"consultation": consultation_id})
        elif statement_ids:
            self.collection.delete(ids=[self.key(consultation_id, s) for s in statement_ids])

    def vectors(self, consultation_id: int, statement_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors for these statements (those not indexed are missing from the result)."""
        out: dict[str, np.ndarray] = {}
        keys = [self.key(consultation_id, s) for s in statement_ids]
        for i in range(0, len(keys), UPSERT_BATCH):
            got = self.collection.get(ids=keys[i:i + UPSERT_BATCH], include=["embeddings", "metadatas"])
            for meta, emb in zip(got["metadatas"], got["embeddings"]):
                out[str(meta["statement"])] = np.asarray(emb, dtype=np.float32)
        return out

    def count(self, consultation_id: int) -> int:
        got = self.collection.get(where={"consultation": consultation_id}, include=[])
        return len(got["ids"])

    def similar(self, consultation_id: int, vector: np.ndarray, n: int = 5,
                exclude_rejected: bool = True) -> list[tuple[str, str, float]]:
        """Nearest statements: (statement id, text, cosine similarity), best first."""
        where: dict = {"consultation": consultation_id}
        if exclude_rejected:  # moderated out or still waiting in the moderator queue
            where = {"$and": [where, {"moderation": {"$nin": ["rejected", "needs_review"]}}]}
        res = self.collection.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n,
                                    where=where, include=["documents", "metadatas", "distances"])
        return [(str(m["statement"]), d, 1.0 - float(dist))
                for m, d, dist in zip(res["metadatas"][0], res["documents"][0], res["distances"][0])]
