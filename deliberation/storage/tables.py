"""Relational schema (SQLAlchemy 2). Works on SQLite (default) and PostgreSQL.

SQLite ignores declared string lengths and PostgreSQL enforces them, so values whose length the
importers do not bound (languages, drafter and reviewer names) are ``Text``; external ids are
bounded (``MAX_ID_CHARS``) and checked before they are stored. Times in milliseconds are
``BigInteger`` (they overflow a 32-bit integer).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ConsultationRow(Base):
    __tablename__ = "consultations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    question: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(Text, default="und")
    secret_hash: Mapped[str] = mapped_column(String(200), default="")
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ParticipantRow(Base):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("consultation_id", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StatementRow(Base):
    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("consultation_id", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"), nullable=True)
    language: Mapped[str] = mapped_column(Text, default="und")
    moderation: Mapped[str] = mapped_column(String(16), default="unmoderated")
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    is_draft: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VoteRow(Base):
    """The current vote of one participant on one statement (at most one)."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("participant_id", "statement_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id", ondelete="CASCADE"), index=True)
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
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(SmallInteger)
    at_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class DraftRow(Base):
    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    speaks_for: Mapped[str] = mapped_column(Text, default="all")
    sentences: Mapped[list] = mapped_column(JSON)
    drafter: Mapped[str] = mapped_column(Text, default="extractive")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: the statement participants vote on once the draft is published
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewRow(Base):
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reviewer: Mapped[str] = mapped_column(Text)
    edited_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VotingWindowRow(Base):
    """When participants may vote on one set of published drafts (one row per publication).

    ``draft_ids`` is the sorted JSON list of the drafts' statement ids (external ids); the window
    is open while ``opened_at`` is set and ``closed_at`` is not. ``Store.cast_vote`` checks it in
    the vote's own transaction, so a vote after the close is refused on every app instance.
    """

    __tablename__ = "voting_windows"
    __table_args__ = (UniqueConstraint("consultation_id", "draft_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
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
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
