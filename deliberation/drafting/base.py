"""What a drafter is asked for and what it returns.

A drafter turns a :class:`DraftRequest` (who the statement speaks for, and the participants'
statements it may draw on) into sentences, each carrying the ids of the statements it draws on.
Statements are data, never instructions: drafters must pass them as delimited data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from deliberation.models import DraftKind, DraftSentence


class DraftLength(BaseModel):
    """How many sentences a draft keeps: one rule for every drafter (the LLM drafter's and the
    extractive drafter's settings extend it)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    max_consensus_sentences: int = Field(3, ge=1)
    """Most sentences kept in a consensus draft (extra ones are cut)."""
    max_minority_sentences: int = Field(2, ge=1)
    """Most sentences kept in a minority (group or topic) draft."""

    def max_sentences(self, kind: DraftKind) -> int:
        """Most sentences a draft of this kind keeps."""
        return self.max_consensus_sentences if kind is DraftKind.CONSENSUS else self.max_minority_sentences


@dataclass(frozen=True)
class SourceRef:
    """A participant statement a draft may cite, with the vote support that made it a candidate."""

    id: str
    text: str
    #: share of voters who agreed (overall, or within the group the draft speaks for)
    agree_rate: float | None = None
    #: number of participants who voted on it
    n_votes: int = 0
    #: who holds this position (see DraftSentence.held_by); set when a draft sets positions side by side
    held_by: str = ""


@dataclass(frozen=True)
class RefusedSentence:
    """A sentence of an earlier draft that the faithfulness guard refused, and why: shown to a
    redraft as data (never instructions), so that the model does not send the same draft again."""

    #: the refused sentence as the model wrote it (untrusted: it may quote an injected statement)
    text: str
    #: the kinds of its problems in the guard's fixed public wording (e.g. "adds a number not
    #: found in the cited statements")
    problems: tuple[str, ...] = ()
    #: the statement ids the sentence cited
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftRequest:
    kind: DraftKind
    #: the draft's key: "all:<i>" (item i of the common-ground slate), "group:<n>" (opinion group)
    #: or "topic:<n>" (topic cluster); see deliberation.wording
    speaks_for: str
    #: the consultation's question, for context
    question: str
    #: what the statement should do, in words (shown to an LLM drafter and in the report)
    purpose: str
    #: the statements the draft may draw on, best candidates first
    sources: list[SourceRef]
    #: for revisions: what the group objected to, in words (data, never instructions)
    feedback: list[str] = field(default_factory=list)
    #: a human-readable name of who it speaks for, e.g. "group C (41 participants)"
    audience: str = ""
    #: the sources are positions that divide the groups, each with who holds it: they are quoted
    #: side by side with their holders, never merged into one claim
    split: bool = False
    #: for a redraft after the guard refused every sentence of the previous draft: those sentences
    #: and why (data, never instructions)
    refused: tuple[RefusedSentence, ...] = ()


class Drafter(Protocol):
    #: e.g. "extractive" or "llm:openai:gpt-4o-mini"
    name: str

    def draft(self, request: DraftRequest) -> list[DraftSentence]:
        """Sentences of the draft; each cites the ids (from ``request.sources``) it draws on."""
        ...
