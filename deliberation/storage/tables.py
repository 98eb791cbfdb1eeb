"""Relational schema (SQLAlchemy 2). Works on SQLite (default) and PostgreSQL.

SQLite ignores declared string lengths and PostgreSQL enforces them, so values whose length the
importers do not bound (languages, drafter and reviewer names) are ``Text``; external ids are
bounded (``MAX_ID_CHARS``) and checked before they are stored. Times in milliseconds are
``BigInteger`` (they overflow a 32-bit integer).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from sqlalchemy import (
    JSON,
    func,
    literal_column,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from deliberation.models import MAX_ID_CHARS, StatementOrigin

# the column kinds several tables share (SQLAlchemy merges a ``mapped_column()`` given beside one)
RowId = Annotated[int, mapped_column(Integer, primary_key=True)]
#: a row of one consultation, deleted with it
ConsultationId = Annotated[int, mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))]
ParticipantId = Annotated[int, mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))]
StatementId = Annotated[int, mapped_column(ForeignKey("statements.id", ondelete="CASCADE"))]
Time = Annotated[datetime, mapped_column(DateTime(timezone=True))]


class Base(DeclarativeBase):
    pass


class ConsultationRow(Base):
    __tablename__ = "consultations"
    id: Mapped[RowId]
    code: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    question: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(Text, default="und")
    secret_hash: Mapped[str] = mapped_column(String(200), default="")
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Time]


class _SourceRecord:
    """A participant or statement: its own id in the source (``external_id``, unique within its
    consultation) beside the database's."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("consultation_id", "external_id"),)  # one per table: a constraint has one

    id: Mapped[RowId]
    consultation_id: Mapped[ConsultationId] = mapped_column(index=True)
    external_id: Mapped[str] = mapped_column(String(MAX_ID_CHARS))
    created_at: Mapped[Time]


class ParticipantRow(_SourceRecord, Base):
    __tablename__ = "participants"


#: Width of ``statements.words_key``: a SHA-256 digest in hex.
WORDS_KEY_CHARS = 64
#: Width of ``statements.text_language``: an ISO 639-1 code (``""``: undetermined).
TEXT_LANGUAGE_CHARS = 8


class StatementRow(_SourceRecord, Base):
    """A statement. ``origin`` says who brought it in (:class:`deliberation.models.StatementOrigin`);
    ``words_key`` is the digest of its words as the same-words check compares them
    (:func:`deliberation.storage.room_reads.words_key`), indexed with the consultation so the check
    reads only the statements with the same words. A digest rather than the words themselves:
    PostgreSQL refuses a b-tree index entry over about 2,700 bytes, and a statement may hold 2,000
    characters of up to 4 bytes each. ``text_language`` is the language the detector told for its text
    (:func:`deliberation.text.detect_language`: an ISO 639-1 code, ``""`` undetermined; ``language``
    is the one its source declared, "und" mostly), written with the row so later readers (topics,
    moderation, the guard, another process) need not load the detector again; ``NULL`` on a
    published draft (the guard read its sentences; no reader asks a draft's language as a whole,
    and detecting it at publish reloaded Lingua after an import's release) and on a row an old
    version wrote. ``has_text`` is false on a Polis comment kept without its body
    (:attr:`deliberation.models.Statement.has_text`). These columns came after the first databases were made:
    :mod:`deliberation.storage.migrate` adds and fills them on open."""

    __tablename__ = "statements"
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"), nullable=True)
    language: Mapped[str] = mapped_column(Text, default="und")
    moderation: Mapped[str] = mapped_column(String(16), default="unmoderated")
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    is_draft: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[Time]
    origin: Mapped[str] = mapped_column(String(16), default=StatementOrigin.IMPORTED.value,
                                        server_default=StatementOrigin.IMPORTED.value)
    words_key: Mapped[str | None] = mapped_column(String(WORDS_KEY_CHARS), nullable=True)
    text_language: Mapped[str | None] = mapped_column(String(TEXT_LANGUAGE_CHARS), nullable=True)
    has_text: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


#: The words' digest (with the consultation) under its current rule: its name says which rule the stored
#: digests follow (``ix_statements_words`` before a Chinese text's spaces next to its characters were left out
#: of its words): a database that lacks it has its digests made again (deliberation.storage.migrate.rekey_words).
WORDS_INDEX = Index("ix_statements_words_cjk", StatementRow.consultation_id, StatementRow.words_key)
#: The rows without ``words_key``, written by a version from before it (none, usually: a small
#: partial index), which :func:`deliberation.storage.migrate.fill_unkeyed` looks for at every open.
Index("ix_statements_unkeyed", StatementRow.id, sqlite_where=StatementRow.words_key.is_(None),
      postgresql_where=StatementRow.words_key.is_(None))


#: A statement id compared as a number (for ids of digits only): fewer digits without leading zeros
#: is smaller, then digit by digit. The order of ``ix_statements_number``, which
#: :func:`deliberation.storage.room_reads.last_statement_number` reads backwards; its constants are
#: written into the SQL (not bound), so SQLite and PostgreSQL match the query to the index.
_BARE_ID = func.ltrim(StatementRow.external_id, literal_column("'0'"))
NUMBER_ORDER = (StatementRow.consultation_id, func.length(_BARE_ID), _BARE_ID)
Index("ix_statements_number", *NUMBER_ORDER)


class VoteRow(Base):
    """The current vote of one participant on one statement (at most one)."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("participant_id", "statement_id"),)
    id: Mapped[RowId]
    consultation_id: Mapped[ConsultationId] = mapped_column(index=True)
    participant_id: Mapped[ParticipantId]
    statement_id: Mapped[StatementId] = mapped_column(index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    #: milliseconds since 1970 of the vote event now current (None when the source had no time)
    at_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class VoteEventRow(Base):
    """Every vote ever cast, in order: changing a vote keeps its history."""

    __tablename__ = "vote_events"
    __table_args__ = (Index("ix_vote_events_consultation_seq", "consultation_id", "id"),
                      # the per-participant rate limit reads a participant's latest events
                      Index("ix_vote_events_participant", "participant_id", "id"))
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    consultation_id: Mapped[ConsultationId]
    participant_id: Mapped[ParticipantId]
    statement_id: Mapped[StatementId]
    value: Mapped[int] = mapped_column(SmallInteger)
    at_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class DraftRow(Base):
    __tablename__ = "drafts"
    id: Mapped[RowId]
    consultation_id: Mapped[ConsultationId] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    speaks_for: Mapped[str] = mapped_column(Text, default="all")
    sentences: Mapped[list] = mapped_column(JSON)
    drafter: Mapped[str] = mapped_column(Text, default="extractive")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: the statement participants vote on once the draft is published
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"), nullable=True)
    created_at: Mapped[Time]


class ReviewRow(Base):
    __tablename__ = "reviews"
    id: Mapped[RowId]
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reviewer: Mapped[str] = mapped_column(Text)
    edited_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Time]


class ReviewSaveRow(Base):
    """One review step's stored decisions, by the step's key (the graph's review task, the same for
    every attempt of the step): a retry replaces the drafts (and their reviews) listed here instead
    of storing them again (``Store.record_review``)."""

    __tablename__ = "review_saves"
    __table_args__ = (UniqueConstraint("consultation_id", "save_key"),)
    id: Mapped[RowId]
    consultation_id: Mapped[ConsultationId] = mapped_column(index=True)
    save_key: Mapped[str] = mapped_column(Text)
    #: the ids of the drafts (``drafts.id``) this review stored
    draft_ids: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[Time]


class PendingReviewRow(Base):
    """A decision a moderator clicked on a draft waiting for review (approve, edit, reject) and has
    not submitted yet, one per draft: kept here, not in one browser tab, so a reload, a second tab,
    a restarted server or a second moderator on another app server sees it. ``review_key`` names
    the review it was clicked in (the graph's interrupt, :attr:`graphs.runner.Status.waiting_id`):
    the decisions of another review (an earlier run, a page left open on it) are never shown; the
    review step deletes the consultation's when a review begins and when it is answered. ``version`` grows by one at every
    change of the row: a console submits only the decisions it showed (``Store.stale_pending``).
    Added after the first databases: :mod:`deliberation.storage.migrate` creates it on open."""

    __tablename__ = "pending_reviews"
    __table_args__ = (UniqueConstraint("consultation_id", "review_key", "draft_key"),)
    id: Mapped[RowId]
    consultation_id: Mapped[ConsultationId]
    review_key: Mapped[str] = mapped_column(Text)
    draft_key: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(16))
    #: the wording typed for an edit (kept when the decision changes, for a change back to edit)
    edited_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[Time]


class VotingWindowRow(Base):
    """When participants may vote on one set of published drafts (one row per publication).

    ``draft_ids`` is the sorted JSON list of the drafts' statement ids (external ids); the window
    is open while ``opened_at`` is set and ``closed_at`` is not. ``Store.cast_vote`` checks it in
    the vote's own transaction, so a vote after the close is refused on every app instance.
    """

    __tablename__ = "voting_windows"
    __table_args__ = (UniqueConstraint("consultation_id", "draft_key"),)
    id: Mapped[RowId]
    consultation_id: Mapped[ConsultationId] = mapped_column(index=True)
    #: the revision round of the graph that published these drafts (0 = first)
    round: Mapped[int] = mapped_column(Integer, default=0)
    #: ``json.dumps(sorted(draft_ids))``: identifies the publication (unique per consultation)
    draft_key: Mapped[str] = mapped_column(Text)
    draft_ids: Mapped[list] = mapped_column(JSON)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ModeratorSessionRow(Base):
    """A moderator's signed-in browser: only a SHA-256 hash of the random token is stored (the token
    itself lives in the moderator's address bar), with an expiry; signing out deletes the row."""

    __tablename__ = "moderator_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    consultation_id: Mapped[ConsultationId] = mapped_column(index=True)
    expires_at: Mapped[Time]
