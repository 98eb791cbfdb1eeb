"""Which embedding model a consultation uses when none is named ("auto", the default).

On English consultations the English model all-MiniLM-L6-v2 makes topics that follow the subjects
far better than the multilingual Universal Sentence Encoder, while on consultations in several
languages only the multilingual model groups statements by subject rather than by language
(README, "Languages"; ``bench/bench_models.py``). So a consultation gets the English model when
nearly all of its statements whose language can be told are English, else the multilingual one.

The rule reads the languages with :func:`deliberation.text.detect_languages` (the project's one
detector); statements whose language cannot be told (too short, no letters) are not counted. With
no statement told at all (an empty consultation) the multilingual model is chosen: it serves any
language, and the choice is made again whenever the analysis runs.

Naming a model (``--embedding-model NAME``, ``DELIBERATION_EMBEDDING_MODEL``, a local
``--model-path``) fixes it for every consultation instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from deliberation.embeddings.models import MINILM, USE_M3, model_info
from deliberation.text import detect_languages, language_name
from deliberation.words import percent, said

__all__ = ["AUTO", "ModelChoice", "ModelChoiceConfig", "choose_model", "is_auto"]

#: The model name that asks for a choice per consultation (the default).
AUTO = "auto"
#: Other languages named in the reason, most frequent first.
OTHERS_NAMED = 3


def is_auto(name: str | None) -> bool:
    """True when ``name`` (a setting) leaves the model to the per-consultation choice."""
    return name is None or name.strip().lower() in ("", AUTO)


@dataclass(frozen=True)
class ModelChoiceConfig:
    """The rule's models and threshold."""

    #: Used when at least ``english_min_share`` of the statements whose language was told are English.
    english_model: str = MINILM.name
    #: Used otherwise (several languages, another language, nothing told yet).
    multilingual_model: str = USE_M3.name
    #: Share of the language-determined statements that must be English for the English model. 0.9
    #: keeps a few misdetected or foreign statements (Seattle: 2 Spanish of 43, March On: 4 of 2,097)
    #: from switching an English consultation, and sends a consultation with one statement in ten
    #: in another language to the model that reads it.
    english_min_share: float = 0.9

    def __post_init__(self) -> None:
        model_info(self.english_model)  # ValueError naming the choices
        model_info(self.multilingual_model)
        if not 0.0 < self.english_min_share <= 1.0:
            raise ValueError(f"english_min_share must be in (0, 1], not {self.english_min_share}")


@dataclass(frozen=True)
class ModelChoice:
    """A model chosen for a consultation, and why, in words."""

    #: The model's name (:data:`deliberation.embeddings.MODELS`).
    model: str
    #: Why, e.g. "41 of 43 statements whose language could be told (95%) are in English".
    reason: str
    #: The consultation's stored choice this one replaces, when it differs (the statements are then
    #: embedded into this model's own collection); None = unchanged or nothing stored before.
    previous: str | None = None

    @property
    def switched(self) -> bool:
        return self.previous is not None and self.previous != self.model

    def __str__(self) -> str:
        text = f"{self.model}: {self.reason}"
        if self.switched:
            text = f"{self.model}: {said('topics.model_switched', reason=self.reason, previous=self.previous)}"
        return text


def choose_model(texts: Sequence[str], config: ModelChoiceConfig | None = None) -> ModelChoice:
    """The model for a consultation with these statements (see the module docstring)."""
    config = config or ModelChoiceConfig()
    told = [code for code in detect_languages(list(texts)) if code]
    if not told:
        return ModelChoice(config.multilingual_model, said("topics.model_untold", n_all=len(texts)))
    english = sum(code == "en" for code in told)
    share = english / len(told)
    counted = said("topics.model_english", n_en=english, n_told=len(told), share=percent(share))
    if share >= config.english_min_share:
        return ModelChoice(config.english_model, counted)
    others = Counter(code for code in told if code != "en").most_common(OTHERS_NAMED)
    named = ", ".join(f"{language_name(code)} {n}" for code, n in others)
    return ModelChoice(config.multilingual_model,
                       said("topics.model_others", counted=counted, others=named,
                            share=percent(config.english_min_share)))
