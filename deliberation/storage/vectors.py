"""Statement embeddings in Chroma: embedded (``PersistentClient`` in the data directory) or a
Chroma server (``chroma run``) shared by several app instances.

We always pass our own vectors: Chroma's default embedding function would download a model.
Ids are ``"<consultation id>:<statement id>"``; metadata carries the consultation, the statement
id, the moderation status and whether it is a draft, so queries can filter on them. It carries no
participant id (a Chroma server has no authentication of its own); an ``author`` key written by
earlier versions is removed whenever a record's metadata is written again.

``VectorIndex.from_settings(settings)`` picks the client: a server when ``settings.chroma_url``
(``$DELIBERATION_CHROMA_URL``, ``--chroma-url``) is set, else the embedded store in
``settings.chroma_path``.

Every embedding model has a collection of its own, named after its ``model_id`` (name and weights
fingerprint), which records that id in its metadata (``embedding_model``): vectors of two models
are never compared. Opening a collection whose recorded model differs, or upserting vectors made
by another model, raises :class:`EmbeddingModelMismatch`. Switching models therefore starts from
an empty collection, and the statements are re-embedded on first use (the graph's intake and
:func:`deliberation.services.statement_vectors` index what is missing, with a progress bar when
there are many); the previous model's collection stays as it was.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np

from deliberation.errors import DeliberationError, InputError
from deliberation.embeddings import Embedder, EmbeddingConfig
from deliberation.models import Statement
from deliberation.storage.chroma_server import lock_embedded, recorded_url, unlock_embedded
from deliberation.words import said

if TYPE_CHECKING:
    from deliberation.config import Settings

COLLECTION = "statements"
#: Collection metadata key holding the ``model_id`` that made the collection's vectors.
MODEL_KEY = "embedding_model"
#: Chroma accepts at most this many records per add/upsert call.
UPSERT_BATCH = 4000
#: Seconds to wait for a TCP connection to the Chroma server before giving up.
CONNECT_TIMEOUT = 10.0
#: A record that keeps the collection from ever becoming empty (consultation -1, never a real id).
#: Chroma 1.5.9 (embedded and ``chroma run`` alike) sometimes stops returning newly added records
#: from ``query`` after every record was deleted following a large write, until the process
#: restarts (``get`` still sees them); with one record always present this was not seen again.
ANCHOR_ID = "__anchor__"
ANCHOR_CONSULTATION = -1


class VectorStoreUnavailable(DeliberationError):
    """The Chroma server named by ``chroma_url`` could not be reached (shown without a traceback)."""


class EmbeddingModelMismatch(DeliberationError):
    """Vectors of one embedding model were about to meet a collection made by another."""


def collection_name(model_id: str | None) -> str:
    """``statements`` (no model recorded, as before models were selectable) or
    ``statements.<model_id with "@" as ".">``, within Chroma's rules for names."""
    if model_id is None:
        return COLLECTION
    safe = "".join(c if c.isalnum() or c in "-_." else "." for c in model_id).strip("._-")
    return f"{COLLECTION}.{safe}"[:500]


#: Where a bad Chroma address is said to be (``error.source.chroma_url``: said in the console's language).
CHROMA_URL = "Chroma URL"


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    """``http://host:port`` / ``https://host[:port]`` -> (host, port, ssl). Port defaults: 8000 / 443."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as e:
        raise InputError(said("input.url_invalid", quoted=repr(text), error=str(e)), source=CHROMA_URL) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(said("input.url_not_chroma", quoted=repr(text)), source=CHROMA_URL)
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(said("input.url_parts", quoted=repr(text)), source=CHROMA_URL)
    ssl = parts.scheme == "https"
    return parts.hostname, port or (443 if ssl else 8000), ssl


class VectorIndex:
    """Statement vectors in one Chroma collection.

    ``VectorIndex(path)`` opens the embedded store in ``path``; ``VectorIndex(url=URL)`` connects to
    a Chroma server (raises :class:`VectorStoreUnavailable` naming the URL if it cannot be reached).
    ``model_id`` (:attr:`deliberation.embeddings.Embedder.model_id`) selects that model's own
    collection; None = the collection ``statements`` with no model recorded.
    """

    def __init__(self, path: str | Path | None = None, *, url: str | None = None, model_id: str | None = None):
        import chromadb  # lazy: chromadb takes ~0.5 s to import
        from chromadb.config import Settings as ChromaSettings  # lazy: chromadb takes ~0.5 s to import

        if (path is None) == (url is None):
            raise ValueError("VectorIndex needs either a path (embedded Chroma) or url (Chroma server)")
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        self.path = Path(path) if path is not None else None
        self.url = url.strip() if url is not None else None
        self._locked = False
        if self.url is None:
            self.path.mkdir(parents=True, exist_ok=True)
            lock_embedded(self.path)  # one process per embedded folder (see chroma_server.py)
            self._locked = True
            try:
                self.client = chromadb.PersistentClient(str(self.path), settings=chroma_settings)
            except BaseException:
                self.close()
                raise
        else:
            host, port, ssl = parse_chroma_url(self.url)
            try:  # fail fast (the HTTP client itself waits without a timeout)
                socket.create_connection((host, port), timeout=CONNECT_TIMEOUT).close()
            except OSError as e:
                raise self._unavailable(e) from None
            with self._guard():
                self.client = chromadb.HttpClient(host=f"[{host}]" if ":" in host else host,  # IPv6 literal
                                                  port=port, ssl=ssl, settings=chroma_settings)
        self.model_id = model_id
        metadata = {"hnsw:space": "cosine"} | ({MODEL_KEY: model_id} if model_id else {})
        with self._guard():
            self.collection = self.client.get_or_create_collection(
                collection_name(model_id), embedding_function=None, metadata=metadata)
        recorded = (self.collection.metadata or {}).get(MODEL_KEY)
        if model_id is not None and recorded != model_id:
            self.close()
            raise EmbeddingModelMismatch(
                f"the vector collection {self.collection.name!r} in {self.location} records vectors of "
                f"{recorded or 'an unrecorded model'}, not of {model_id}; refusing to mix two models' vectors")
        self._anchored = False

    @classmethod
    def from_settings(cls, settings: "Settings", model: str | None = None) -> "VectorIndex":
        """The Chroma server at ``settings.chroma_url`` if set; else the data directory's own server
        (started by ``ui.launch``) while it answers; else the embedded store in the data directory,
        under its lock (:class:`~deliberation.storage.chroma_server.VectorStoreBusy` if another
        process has it open). The collection is that of the embedding model ``settings`` name, or
        else of ``model`` (a consultation's choice, :func:`deliberation.services.consultation_model`)."""
        model_id = Embedder(EmbeddingConfig.from_settings(settings, model)).model_id
        url = settings.chroma_url or recorded_url(settings)
        if url:
            return cls(url=url, model_id=model_id)
        return cls(settings.chroma_path, model_id=model_id)

    def close(self) -> None:
        """Release the client (and, embedded, this process's lock on the folder)."""
        with contextlib.suppress(Exception):
            if getattr(self, "client", None) is not None:
                self.client.close()
        if self._locked:
            self._locked = False
            unlock_embedded(self.path)

    def __enter__(self) -> "VectorIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def location(self) -> str:
        """Where the vectors live, for messages: the server URL or the embedded store's folder."""
        return self.url if self.url is not None else str(self.path)

    def _unavailable(self, e: BaseException) -> VectorStoreUnavailable:
        detail = " ".join(str(e).split()) or type(e).__name__
        return VectorStoreUnavailable(
            f"the Chroma server at {self.url} could not be reached ({detail[:200]}); "
            f"start it with `chroma run --path DIR --host HOST --port PORT` or fix --chroma-url / "
            f"DELIBERATION_CHROMA_URL")

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Server mode: connection failures become :class:`VectorStoreUnavailable`."""
        if self.url is None:
            yield
            return
        import httpx  # lazy: ~0.05 s of every command's start; server mode only

        try:
            yield
        except (httpx.TransportError, ConnectionError) as e:
            raise self._unavailable(e) from None
        except ValueError as e:  # chromadb: "Could not connect to a Chroma server. Are you sure it is running?"
            if "connect" in str(e).lower():
                raise self._unavailable(e) from None
            raise

    @staticmethod
    def key(consultation_id: int, statement_id: str) -> str:
        return f"{consultation_id}:{statement_id}"

    def upsert(self, consultation_id: int, statements: Sequence[Statement], vectors: np.ndarray,
               model_id: str | None = None) -> None:
        """Store vectors (made by ``model_id``, when given: another model than the collection's is
        refused with :class:`EmbeddingModelMismatch` and nothing is stored)."""
        if len(statements) != len(vectors):
            raise ValueError("one vector per statement is needed")
        if model_id is not None and self.model_id is not None and model_id != self.model_id:
            raise EmbeddingModelMismatch(
                f"vectors of {model_id} cannot go into the collection of {self.model_id} "
                f"({self.location}); nothing was stored")
        with self._guard():
            if len(statements):
                self._anchor(int(np.shape(vectors)[1]))
            for i in range(0, len(statements), UPSERT_BATCH):
                part = statements[i:i + UPSERT_BATCH]
                self.collection.upsert(
                    ids=[self.key(consultation_id, s.external_id) for s in part],
                    embeddings=np.asarray(vectors[i:i + UPSERT_BATCH], dtype=np.float32),
                    documents=[s.text for s in part],
                    # "author": None deletes the participant id earlier versions stored (Chroma
                    # merges metadata on upsert); no participant id is written
                    metadatas=[{"consultation": consultation_id, "statement": s.external_id,
                                "moderation": s.moderation.value, "is_draft": bool(s.is_draft),
                                "author": None} for s in part],
                )

    def _anchor(self, dim: int) -> None:
        """Make sure the anchor record exists (see :data:`ANCHOR_ID`); once per instance."""
        if self._anchored:
            return
        if not self.collection.get(ids=[ANCHOR_ID], include=[])["ids"]:
            vec = np.zeros((1, dim), dtype=np.float32)
            vec[0, 0] = 1.0
            self.collection.upsert(ids=[ANCHOR_ID], embeddings=vec, documents=[""],
                                   metadatas=[{"consultation": ANCHOR_CONSULTATION, "statement": ANCHOR_ID,
                                               "moderation": "rejected", "is_draft": False}])
        self._anchored = True

    def set_moderation(self, consultation_id: int, statement_id: str, status: str) -> None:
        key = self.key(consultation_id, statement_id)
        with self._guard():
            got = self.collection.get(ids=[key], include=["metadatas"])
            if got["ids"]:
                self.collection.update(ids=[key], metadatas=[{**got["metadatas"][0], "moderation": status,
                                                              "author": None}])

    def delete(self, consultation_id: int, statement_ids: Sequence[str] | None = None) -> None:
        with self._guard():
            if statement_ids is None:
                self.collection.delete(where={"consultation": consultation_id})
            elif statement_ids:
                keys = [self.key(consultation_id, s) for s in statement_ids]
                for i in range(0, len(keys), UPSERT_BATCH):
                    self.collection.delete(ids=keys[i:i + UPSERT_BATCH])

    def keep_only(self, consultation_id: int, keep: set[str]) -> int:
        """Delete this consultation's vectors whose statement is not in ``keep``; returns how many."""
        with self._guard():
            got = self.collection.get(where={"consultation": consultation_id}, include=["metadatas"])
        orphans = [str(m["statement"]) for m in got["metadatas"] if str(m["statement"]) not in keep]
        if orphans:
            self.delete(consultation_id, orphans)
        return len(orphans)

    def vectors(self, consultation_id: int, statement_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors for these statements (those not indexed are missing from the result)."""
        out: dict[str, np.ndarray] = {}
        keys = [self.key(consultation_id, s) for s in statement_ids]
        with self._guard():
            for i in range(0, len(keys), UPSERT_BATCH):
                got = self.collection.get(ids=keys[i:i + UPSERT_BATCH], include=["embeddings", "metadatas"])
                for meta, emb in zip(got["metadatas"], got["embeddings"]):
                    out[str(meta["statement"])] = np.asarray(emb, dtype=np.float32)
        return out

    def count(self, consultation_id: int) -> int:
        with self._guard():
            got = self.collection.get(where={"consultation": consultation_id}, include=[])
        return len(got["ids"])

    def total(self) -> int:
        """Statements indexed for all consultations (the anchor record not counted)."""
        with self._guard():
            n = self.collection.count()
            return n - len(self.collection.get(ids=[ANCHOR_ID], include=[])["ids"])

    def similar(self, consultation_id: int, vector: np.ndarray, n: int = 5,
                exclude_rejected: bool = True) -> list[tuple[str, str, float]]:
        """Nearest statements: (statement id, text, cosine similarity), best first."""
        where: dict = {"consultation": consultation_id}
        if exclude_rejected:  # moderated out or still waiting in the moderator queue
            where = {"$and": [where, {"moderation": {"$nin": ["rejected", "needs_review"]}}]}
        with self._guard():
            res = self.collection.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n,
                                        where=where, include=["documents", "metadatas", "distances"])
        return [(str(m["statement"]), d, 1.0 - float(dist))
                for m, d, dist in zip(res["metadatas"][0], res["documents"][0], res["distances"][0])]
