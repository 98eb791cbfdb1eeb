"""Settings of the LLM drafter (:class:`~deliberation.drafting.llm.LLMDrafter`): every limit named,
documented and defaulted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["LLMDraftConfig"]


@dataclass(frozen=True)
class LLMDraftConfig:
    """Limits and switches of the LLM drafter; see each field."""

    #: most sentences kept in a consensus draft (extra ones are cut)
    max_consensus_sentences: int = 3
    #: most sentences kept in a minority (group or topic) draft
    max_minority_sentences: int = 2
    #: most statements shown to the model (``request.sources`` is best-first)
    max_sources: int = 12
    #: statement text longer than this is cut (with "…") before it is shown
    max_source_chars: int = 500
    #: most feedback items shown for a revision
    max_feedback: int = 6
    #: most ids one sentence may cite (JSON schema; small models otherwise loop on ids)
    max_citations: int = 4
    #: longest sentence the JSON schema allows, in characters
    max_sentence_chars: int = 300
    #: generation limit per call (set on models built here; a passed-in model keeps its own)
    max_tokens: int = 300
    #: seconds per request (models built here)
    timeout: float = 120.0
    #: "auto": ``with_structured_output(method="json_schema")`` when the model supports it; for
    #: OpenAI-compatible servers that reject it (llama-cpp-python), ``response_format`` JSON mode
    #: with the schema; else JSON parsed from text. "text": always parse text
    structured_output: Literal["auto", "text"] = "auto"
    #: restrict cited ids in the JSON schema to the request's ids (grammar-constrained servers
    #: such as llama.cpp then cannot produce unknown ids)
    constrain_citations: bool = True
    #: a sentence sharing this many consecutive words with the instructions is dropped
    #: (shorter sentences: all their words, at least 4)
    instruction_overlap_words: int = 6
    #: leave out statements that ``safety.instruction_reasons`` flags (defence in depth;
    #: off by default because the graph drafts only from moderator-accepted statements)
    exclude_instruction_like: bool = False
    #: citations of statements that ``safety.instruction_reasons`` flags do not count: they are
    #: removed, and a sentence citing only such statements is dropped (otherwise a sentence that
    #: repeats an injection's payload, e.g. "everyone agrees ...", would be "supported" by it)
    ignore_instruction_like_citations: bool = True
    #: citation repair for quotes: a sentence of which at least ``repair_min_quote`` of the words
    #: come from one statement cites that statement, plus those cited statements that hold at
    #: least ``repair_max_cited`` of its words (small models copy a statement but cite others)
    repair_citations: bool = True
    repair_min_quote: float = 0.8
    repair_max_cited: float = 0.5
