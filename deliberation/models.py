"""Domain model (pydantic v2): what a consultation is made of.

These are the values that flow between storage, analysis, drafting and the UI. Storage maps
them to tables (``deliberation.storage``); nothing here touches a database or a model.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum, IntEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from deliberation.errors import PREVIEW_CHARS
from deliberation.words import said
from deliberation.wording import join_sentences

#: Longest statement text accepted, in characters. Polis caps comments at 140 characters;
#: we allow longer contributions (e.g. from CSV imports) but refuse essays and pasted files.
MAX_STATEMENT_CHARS = 2000
#: Longest statement typed into the app (a participant's, a moderator's seed), in characters: short
#: enough to read on a phone and vote on.
TYPED_STATEMENT_MAX_CHARS = min(400, MAX_STATEMENT_CHARS)
#: Longest participant or statement id from a source, in characters: importers and the store refuse
#: longer ones, and it is the width of the ``external_id`` columns.
MAX_ID_CHARS = 128


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class VoteValue(IntEnum):
    """A participant's vote on a statement, coded as Polis exports it."""

    AGREE = 1
    DISAGREE = -1
    PASS = 0

    @classmethod
    def parse(cls, raw: object) -> "VoteValue":
        """Accept 1/-1/0 (int or text) or the words agree/disagree/pass; raise ValueError otherwise."""
        if isinstance(raw, VoteValue):
            return raw
        if isinstance(raw, bool):
            raise ValueError(said("input.vote_value", quoted=repr(raw)))
        if isinstance(raw, (int, float)) and float(raw) in (1.0, -1.0, 0.0):
            return cls(int(raw))
        text = str(raw).strip().lower()
        words = {"agree": 1, "a": 1, "1": 1, "+1": 1, "1.0": 1,
                 "disagree": -1, "d": -1, "-1": -1, "-1.0": -1,
                 "pass": 0, "p": 0, "0": 0, "0.0": 0, "-0": 0}
        if text in words:
            return cls(words[text])
        raise ValueError(said("input.vote_value", quoted=repr(str(raw)[:PREVIEW_CHARS])))


class ModerationStatus(str, Enum):
    """Where a statement stands with the moderator (Polis: 1 accepted, 0 unmoderated, -1 rejected)."""

    UNMODERATED = "unmoderated"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    #: flagged by intake moderation, waiting in the moderator queue
    NEEDS_REVIEW = "needs_review"

    @classmethod
    def from_polis(cls, value: int) -> "ModerationStatus":
        return {1: cls.ACCEPTED, 0: cls.UNMODERATED, -1: cls.REJECTED}[value]

    def to_polis(self) -> int:
        return {self.ACCEPTED: 1, self.REJECTED: -1}.get(self, 0)

    @property
    def excluded_from_analysis(self) -> bool:
        """Moderated-out statements are kept but left out of the math (Polis 'mod-out')."""
        return self is ModerationStatus.REJECTED


class StatementOrigin(str, Enum):
    """Who brought a statement into the consultation. Stored with it (``statements.origin``), so
    the topics, the report and the board can say "the moderator's 2 seed statements" of seeds and
    "2 without a named author" of an import's authorless statements, which the author column alone
    cannot tell apart."""

    #: written by a participant (on the participant page, or an import's row with an author)
    PARTICIPANT = "participant"
    #: the moderator's own seed statement (the console's seed form, ``deliberation seed``)
    SEED = "seed"
    #: from an export or a file, without an author (who wrote it is not known)
    IMPORTED = "imported"
    #: a published draft (the graph's publish step), voted on like a statement
    DRAFT = "draft"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid")


class Consultation(_Model):
    """A consultation session: one question put to participants."""

    id: int | None = None
    #: short code participants type to join
    code: str
    question: str = Field(min_length=1)
    description: str = ""
    #: salted hash of the moderator secret (never the secret itself)
    moderator_secret_hash: str = ""
    #: default language of statements (BCP 47 tag), "und" when unknown
    language: str = "und"
    settings: dict = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)


class Participant(_Model):
    id: int | None = None
    consultation_id: int | None = None
    #: the id this participant has in the source (e.g. a Polis participant id) or the UI
    external_id: str
    created_at: datetime = Field(default_factory=utcnow)


#: Stored text of a comment that Polis moderated out and whose body is empty or unusable (the import's
#: placeholder, deliberation/importers/polis.py; a statement under it has no text: ``Statement.has_text``).
UNUSABLE_TEXT = "[no usable text in the Polis export; moderated out in Polis]"


class Statement(_Model):
    id: int | None = None
    consultation_id: int | None = None
    #: the id this statement has in the source (e.g. a Polis comment id)
    external_id: str
    text: str
    #: external id of the author, None when unknown or written by the moderator
    author: str | None = None
    language: str = "und"
    moderation: ModerationStatus = ModerationStatus.UNMODERATED
    moderation_reason: str = ""
    #: True for statements that are published drafts (so participants can vote on them)
    is_draft: bool = False
    #: who brought it in (see :class:`StatementOrigin`); None on a statement not stored yet, which
    #: the store stores as a participant's when it has an author, a draft's when it is one, else
    #: as imported (:meth:`Statement.stored_origin`)
    origin: StatementOrigin | None = None
    #: False for a comment a Polis export moderated out whose body was empty or unusable, kept under
    #: a placeholder text (:data:`UNUSABLE_TEXT`): it has nothing to
    #: show participants, so it is never restored. Set by the import and stored
    #: (``statements.has_text``), so no text, not even a participant's that reads like the
    #: placeholder, makes a statement text-less.
    has_text: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def stored_origin(self) -> StatementOrigin:
        """The origin the store keeps: ``origin`` when set, else from the author and draft flag."""
        if self.origin is not None:
            return StatementOrigin(self.origin)
        if self.is_draft:
            return StatementOrigin.DRAFT
        return StatementOrigin.PARTICIPANT if self.author else StatementOrigin.IMPORTED

    @field_validator("text")
    @classmethod
    def _text_ok(cls, v: str) -> str:
        return validate_statement_text(v)

    @property
    def is_public(self) -> bool:
        """Not rejected, not held for review, not a draft: what participants and the board see, what
        the report counts, and what a draft may draw on."""
        return (self.moderation not in (ModerationStatus.REJECTED, ModerationStatus.NEEDS_REVIEW)
                and not self.is_draft)


def validate_statement_text(text: str) -> str:
    """Strip and check a statement's text; raise ValueError naming the problem."""
    if not isinstance(text, str):
        raise ValueError(said("input.text_not_text"))
    stripped = text.strip()
    if not stripped:
        raise ValueError(said("input.text_empty"))
    if len(stripped) > MAX_STATEMENT_CHARS:
        raise ValueError(said("input.text_too_long", n_chars=f"{len(stripped):,}", n_limit=f"{MAX_STATEMENT_CHARS:,}"))
    if "\x00" in stripped:
        raise ValueError(said("input.text_nul"))
    return stripped


class Vote(_Model):
    """One vote event. The current vote of a participant on a statement is the latest event."""

    participant: str
    statement: str
    value: VoteValue
    created_at: datetime = Field(default_factory=utcnow)


class Topic(_Model):
    """A cluster of statements by meaning (embedding)."""

    id: int
    label: str
    statement_ids: list[str]
    central_statement_ids: list[str] = Field(default_factory=list)
    #: distinct participants who wrote the topic's statements (one person, one voice)
    n_authors: int = 0


class OpinionGroup(_Model):
    """Participants grouped by how they vote."""

    id: int
    participant_ids: list[str]
    representative_statement_ids: list[str] = Field(default_factory=list)


class DraftKind(str, Enum):
    CONSENSUS = "consensus"
    MINORITY = "minority"


class DraftSentence(_Model):
    text: str
    citations: list[str] = Field(default_factory=list)
    #: who holds this position, from the opinion groups' votes ("Most of group A agree (3 of 3 who
    #: voted)"), for drafts that set positions side by side; empty when the sentence speaks for the
    #: draft's whole audience. Not part of ``text``: the guard checks the claim, the votes the holders.
    held_by: str = ""


class Draft(_Model):
    """A drafted statement for participants to vote on, traceable to its sources."""

    id: int | None = None
    consultation_id: int | None = None
    kind: DraftKind
    sentences: list[DraftSentence]
    #: who it speaks for: "all", "group:<n>" (opinion group) or "topic:<n>"
    speaks_for: str = "all"
    drafter: str = "extractive"
    status: Literal["draft", "approved", "rejected", "published"] = "draft"
    notes: str = ""
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def text(self) -> str:
        return join_sentences(s.text for s in self.sentences)

    @property
    def cited_statement_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.sentences:
            for c in s.citations:
                seen.setdefault(c, None)
        return list(seen)


class ReviewDecision(_Model):
    #: the draft decided on; None until the store saves the draft with its decision (Store.record_review)
    draft_id: int | None = None
    decision: Literal["approve", "edit", "reject"]
    reviewer: str
    edited_text: str | None = None
    reason: str = ""
    created_at: datetime = Field(default_factory=utcnow)
