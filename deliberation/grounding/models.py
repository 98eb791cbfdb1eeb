"""Public models of the guard: sources, verdicts, the report, thresholds and the check-draft
request."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from deliberation.embeddings.models import calibration_for

from .problems import ProblemKind


@runtime_checkable
class TextEncoder(Protocol):
    """Anything that turns texts into one embedding row per text."""

    def encode(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - protocol
        ...


class SourceStatement(BaseModel):
    """A participant statement a draft may cite (integer ids are turned into strings)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    text: str

    @field_validator("id", mode="before")
    @classmethod
    def _id_to_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


class SentenceVerdict(BaseModel):
    """Verdict for one draft sentence."""

    text: str
    """The sentence with inline citation markers removed."""
    supported: bool
    citations: list[str] = Field(default_factory=list)
    """Ids of the statements the sentence was checked against."""
    reason: str
    """Why the sentence is (un)supported, in words."""
    problems: list[str] = Field(default_factory=list)
    """One entry per failed check (empty when supported)."""
    best_match: str | None = None
    """Id of the cited statement closest to the sentence."""
    overlap: float = 0.0
    """Share of the sentence's content words found in the best-matching statement."""
    similarity: float | None = None
    """Embedding cosine to the best-matching statement (None without an encoder)."""

    problem_kinds: list[ProblemKind] = Field(default_factory=list)
    """The kind of each entry of ``problems`` (same order); the public report words these."""
    problem_statements: list[list[str]] = Field(default_factory=list)
    """The cited statements each entry of ``problems`` names (same order; ``Problem.statements``): the
    moderator's console names them in its language."""
    model_verdict: str | None = None
    """The language model's judgement (entailed / contradicted / not_stated), when one was asked."""

class GroundingReport(BaseModel):
    """Verdict for a whole draft: supported only when every sentence is."""

    supported: bool
    sentences: list[SentenceVerdict]
    lexical_resource: str = ""
    """Which lexical resources the checks used, or in words what is missing (WordNet; OpenThesaurus
    for German)."""


@dataclass(frozen=True)
class GroundingConfig:
    """Thresholds of the faithfulness checks (tuned on the dev split of
    ``tests/data/grounding_cases.jsonl``)."""

    min_relevance_overlap: float = 0.4
    """A sentence is relevant to its cited statements when at least this share
    of its content words occurs in them (after light stemming and synonyms)..."""

    min_relevance_similarity: float | None = None
    """...or when its embedding cosine to one cited statement is at least this
    (only with an encoder).  Below both, the sentence "cites nothing relevant".
    None: the encoder's model's value (``Calibration.grounding_relevance`` in
    deliberation/embeddings/models.py; all-MiniLM-L6-v2: 0.55, where on the dev
    split faithful sentences scored 0.60 or more, irrelevant citations 0.47 or less)."""

    max_new_content_words: int = 2
    """How many content words without any support in the cited statements a
    sentence may add before it is rejected as adding content."""

    max_new_content_ratio: float = 0.34
    """...and the share of such words in the sentence above which it is
    rejected.  Both limits must be exceeded."""

    word_similarity: float | None = None
    """With an encoder, a sentence word counts as supported when its embedding
    cosine to some content word of the cited statements is at least this
    (catches synonyms that the built-in list lacks). None: the encoder's
    model's value (``Calibration.grounding_word``; all-MiniLM-L6-v2: 0.62)."""

    paraphrase_similarity: float | None = None
    """With an encoder, a sentence whose cosine to one cited statement is at
    least this is not rejected for new content words alone. None: the
    encoder's model's value (``Calibration.grounding_paraphrase``; all-MiniLM-L6-v2: 0.8)."""

    def for_encoder(self, encoder: object | None) -> "GroundingConfig":
        """This config with every cosine threshold left at None filled in from the calibration
        of the model that makes the vectors (a cosine means different things in different
        models' spaces); an encoder without a model name gets all-MiniLM-L6-v2's values."""
        cal = calibration_for(str(getattr(encoder, "model_id", None) or getattr(encoder, "model_name", "")))
        defaults = {"min_relevance_similarity": cal.grounding_relevance, "word_similarity": cal.grounding_word,
                    "paraphrase_similarity": cal.grounding_paraphrase}
        return replace(self, **{k: v for k, v in defaults.items() if getattr(self, k) is None})

    min_alignment_overlap: float = 0.4
    """Share of a clause's content words that must occur in a source clause
    before their stances are compared (negation / antonym check)."""

    min_alignment_words: int = 2
    """...and the minimum number of shared content words for that comparison."""

    min_words_negated_elsewhere: int = 2
    """A draft negation the aligned source clause lacks is the statement's own when a negator in
    another sentence of a cited statement governs at least this many of the same content words
    (all of them when it governs fewer): "renters pay no property tax" / "Renters do not pay property tax"."""

    min_negated_base_letters: int = 4
    """A word WordNet does not know negates by one of its negating_prefixes ("unersetzbar" = "nicht
    ersetzbar", :mod:`.affixes`) only when the rest of it has at least this many letters ("unter"
    has no base "ter")."""

    min_statements_for_plural: int = 2
    """"Several / many / both participants" needs at least this many cited statements."""

    merge_max_single_coverage: float = 0.75
    """A clause that draws distinctive words from two cited statements is a
    merged claim when no single statement covers more than this share of it."""

    merge_max_common_share: float = 0.4
    """...and when the two statements themselves share less than this share of the content words
    of its clause: two statements making one claim (both ask schools to offer comprehensive sex
    education against teen pregnancy) may be restated as one with the details of each."""

    min_new_words_in_addition: int = 2
    """An added reason or consequence ("..., which would also reduce
    congestion") is rejected when it brings at least this many unsupported
    content words (and they are at least half of its content words)."""

    polarity_window: int = 2
    """Tokens on each side of a direction word (more/fewer, better/worse,
    cheap/expensive) that must overlap between sentence and source for the
    two direction words to be compared."""


# ---------------------------------------------------------------------------
# Lexicon

    min_scope_overlap: float = 0.5
    """Share of a draft clause's content words a source clause must share before the scope
    (some -> all, limit -> ban) and direction (raise -> cut) of the two are compared."""

    max_replaced_words: int = 3
    """A substitution is a stretch of at most this many content words of a statement replaced by
    at most this many in the draft, the rest of the two lining up (difflib ratio at least
    ``min_scope_overlap``), where a noun of the statement gives way to a noun no cited statement
    names, nor a synonym or hypernym of one."""


class CheckDraftRequest(BaseModel):
    """The input of ``check-draft``: ``{"statements": [{"id", "text"}], "draft", "citations"?}``.

    Integer ids are accepted and turned into strings; unknown fields, duplicate ids, an empty draft
    and citations of unknown ids are errors that name the problem.
    """

    model_config = ConfigDict(extra="forbid")

    statements: list[SourceStatement] = Field(min_length=1)
    draft: str
    citations: list[str] | None = None

    @field_validator("citations", mode="before")
    @classmethod
    def _cite_ids(cls, v: Any) -> Any:
        if v is None:
            return v
        if not isinstance(v, list) or not all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in v):
            raise ValueError("'citations' must be a list of statement ids")
        return [str(c) for c in v]

    @model_validator(mode="after")
    def _consistent(self) -> "CheckDraftRequest":
        if not self.draft.strip():
            raise ValueError("'draft' is empty")
        ids = [s.id for s in self.statements]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate statement ids: {', '.join(dupes)}")
        unknown = [c for c in self.citations or [] if c not in set(ids)]
        if unknown:
            raise ValueError(f"citations name unknown statement ids: {', '.join(unknown)}")
        return self
