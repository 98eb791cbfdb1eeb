"""Settings of the LLM drafter (:class:`~deliberation.drafting.llm.LLMDrafter`): every limit named,
documented, defaulted and bounded (a value outside its bounds is refused naming the field)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from deliberation.drafting.base import DraftLength

__all__ = ["LLMDraftConfig"]


class LLMDraftConfig(DraftLength):
    """Limits and switches of the LLM drafter (the draft length is :class:`DraftLength`'s); see each field."""

    max_sources: int = Field(12, ge=1)
    """Most statements shown to the model (``request.sources`` is best-first)."""
    max_source_chars: int = Field(500, ge=1)
    """Statement text longer than this is cut (with "…") before it is shown."""
    max_feedback: int = Field(6, ge=0)
    """Most feedback items shown for a revision."""
    max_refused: int = Field(3, ge=0)
    """Most sentences of the previous draft shown to a redraft after the guard refused them all
    (each with the guard's problems; 0: the redraft is not told)."""
    max_citations: int = Field(4, ge=1)
    """Most ids one sentence may cite (JSON schema; small models otherwise loop on ids)."""
    max_sentence_chars: int = Field(300, ge=1)
    """Longest sentence the JSON schema allows, in characters."""
    max_tokens: int = Field(300, ge=1)
    """Generation limit per call (set on models built here; a passed-in model keeps its own)."""
    timeout: float = Field(120.0, gt=0.0)
    """Seconds per request (models built here)."""
    structured_output: Literal["auto", "text"] = "auto"
    """``auto``: ``with_structured_output(method="json_schema")`` when the model supports it; for
    OpenAI-compatible servers that reject it (llama-cpp-python), ``response_format`` JSON mode
    with the schema; else JSON parsed from text. ``text``: always parse text."""
    constrain_citations: bool = True
    """Restrict cited ids in the JSON schema to the request's ids (grammar-constrained servers
    such as llama.cpp then cannot produce unknown ids)."""
    instruction_overlap_words: int = Field(6, ge=1)
    """A sentence sharing this many consecutive words with the instructions is dropped
    (shorter sentences: all their words, at least 4)."""
    exclude_instruction_like: bool = False
    """Leave out statements that ``safety.instruction_reasons`` flags (defence in depth;
    off by default because the graph drafts only from moderator-accepted statements)."""
    ignore_instruction_like_citations: bool = True
    """Citations of statements that ``safety.instruction_reasons`` flags do not count: they are
    removed, and a sentence citing only such statements is dropped (otherwise a sentence that
    repeats an injection's payload, e.g. "everyone agrees ...", would be "supported" by it)."""
    repair_citations: bool = True
    """Citation repair for quotes: a sentence of which at least ``repair_min_quote`` of the words
    come from one statement cites that statement, plus those cited statements that hold at
    least ``repair_max_cited`` of its words (small models copy a statement but cite others)."""
    repair_min_quote: float = Field(0.8, ge=0.0, le=1.0)
    """See ``repair_citations``."""
    repair_max_cited: float = Field(0.5, ge=0.0, le=1.0)
    """See ``repair_citations``."""
