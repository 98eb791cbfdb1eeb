"""Small reads of a room's state that every open page makes often: the counts on the board,
one participant's own votes, and the vote events since a given one (indexed reads, no scan of
every vote)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import exists, func, literal, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from deliberation.models import ModerationStatus, Statement, StatementOrigin
from deliberation.storage.tables import NUMBER_ORDER, ParticipantRow, StatementRow, VoteEventRow, VoteRow
from deliberation.wording import ballot_words

#: moderation states of statements participants do not see (Statement.is_public)
HELD = (ModerationStatus.REJECTED.value, ModerationStatus.NEEDS_REVIEW.value)


def _known_participants(consultation_id: int):
    """The count of everyone the store knows in a consultation (who voted or wrote a statement):
    :meth:`RoomReadsMixin.participant_count` and ``counts()["registered"]``, one figure wherever it is shown."""
    return select(func.count()).select_from(ParticipantRow).where(ParticipantRow.consultation_id == consultation_id)


def _voters(consultation_id: int):
    """The count of the consultation's participants who voted: each participant's first vote found
    through the index on (participant, statement), where counting the distinct voters of the
    consultation's votes sorted all of them (~0.02 CPU s on 225,000 votes). A vote's participant is
    always of the vote's consultation (Store.cast_vote and the import look it up in that consultation;
    tests/test_storage_vote_rooms.py). Not asked again inside the EXISTS: SQLite then reads the
    votes through the consultation's index instead, every vote of the room for each participant."""
    return (select(func.count()).select_from(ParticipantRow)
            .where(ParticipantRow.consultation_id == consultation_id,
                   exists().where(VoteRow.participant_id == ParticipantRow.id)))


def _votes_on(s, *where) -> int:
    """How many votes the statements matching ``where`` hold: counted through the index on the
    votes' statement, so only those statements' votes are read (a join from the consultation's
    votes read all of them, a cost that grows with the room). A vote's statement is always of the
    vote's consultation (Store.cast_vote and the import look it up in that consultation)."""
    return s.scalar(select(func.count()).select_from(VoteRow)
                    .where(VoteRow.statement_id.in_(select(StatementRow.id).where(*where))))


class VoteStamp(NamedTuple):
    """What tells whether a consultation's votes have changed: the largest id of its vote events
    (every vote, vote change and imported vote adds one; none is ever deleted) and of its
    participants, and, when asked for, how many there are. On SQLite writes are serialised, so ids
    follow commit order and an unchanged largest id means unchanged votes. PostgreSQL takes ids at
    insert, so transactions can commit out of id order: an event committed after one with a larger
    id leaves the largest id as it was, and only the count tells. Counting reads every event of the
    room (a scan of the consultation's index), the largest id one index entry: so the count is taken
    only where it is needed (``counted``), e.g. when :class:`deliberation.live_votes.LiveVotes` is due
    to read the votes whole again. The one marker of the vote matrix's memory
    (storage/matrix_reads.py) and of the live pages' votes (deliberation/live_votes.py)."""

    #: how many vote events (-1: not counted)
    events: int
    #: the id of the latest vote event (0: none)
    last_event: int
    #: how many participants (-1: not counted)
    participants: int
    last_participant: int


#: the count in a :class:`VoteStamp` taken without counting
NOT_COUNTED = -1


def vote_stamp(s: Session, consultation_id: int, *, counted: bool = True) -> VoteStamp:
    """The consultation's :class:`VoteStamp`, in one statement (one snapshot on PostgreSQL too); the
    counts only with ``counted`` (else :data:`NOT_COUNTED`)."""
    def count_and_last(table):
        mine = table.consultation_id == consultation_id
        last = select(func.coalesce(func.max(table.id), 0)).where(mine).scalar_subquery()
        if not counted:
            return literal(NOT_COUNTED), last
        return select(func.count()).select_from(table).where(mine).scalar_subquery(), last

    row = s.execute(select(*count_and_last(VoteEventRow), *count_and_last(ParticipantRow))).one()
    return VoteStamp(*(int(x) for x in row))


def last_statement_number(s: Session, consultation_id: int) -> int:
    """The largest statement id that is a number (ASCII digits; -1 when none) in one query: the
    digit-only ids compared as numbers (longer without leading zeros is larger, then by their
    digits), so an id of any length compares exactly and no row but the answer leaves the database.
    The order is that of the index ``ix_statements_number`` (:data:`NUMBER_ORDER`), read backwards
    from the consultation's largest until the first id of digits only: without it every statement
    of the consultation was read and sorted on each new statement."""
    t = StatementRow
    digits = (t.external_id.op("NOT GLOB")(literal_column("'*[^0-9]*'")) if s.get_bind().dialect.name == "sqlite"
              else t.external_id.op("!~")(literal_column("'[^0-9]'")))
    last = s.scalar(select(t.external_id).where(t.consultation_id == consultation_id, digits)
                    .order_by(*(c.desc() for c in NUMBER_ORDER)).limit(1))
    return -1 if last is None else int(last)


def words_key(text: str) -> str:
    """The digest of a statement's words as the same-words check compares them (case and spacing
    aside: :func:`deliberation.wording.ballot_words`), stored in ``statements.words_key``."""
    return hashlib.sha256(ballot_words(text).encode("utf-8")).hexdigest()


def statement_values(consultation_id: int, external_id: str, st: Statement, author_id: int | None, *,
                     origin: StatementOrigin | None = None, now: datetime | None = None,
                     text_language: str | None = None) -> dict:
    """The ``statements`` row of ``st`` as column values, the one place a statement's row is built
    (an import's, one added in the app, the moderator's seeds): ``origin`` when given, else
    :attr:`Statement.stored_origin`; the words' digest; ``text_language``, the language the caller
    detected for its text (None: not detected, a published draft's); ``updated_at`` ``now`` when
    ``st`` has none."""
    return dict(consultation_id=consultation_id, external_id=external_id, text=st.text, author_id=author_id,
                language=st.language, moderation=st.moderation.value, moderation_reason=st.moderation_reason,
                is_draft=st.is_draft, created_at=st.created_at, updated_at=st.updated_at or now,
                origin=(origin or st.stored_origin).value, words_key=words_key(st.text),
                text_language=text_language, has_text=st.has_text)


def same_words(s: Session, consultation_id: int, author_id: int | None, text: str) -> tuple[str, bool] | None:
    """The statement that says ``text`` word for word (:func:`deliberation.wording.ballot_words`),
    as (its id, whether the author wrote it), among the consultation's statements that author sees:
    their own and the public ones (a statement held for review is not revealed); with no author (the
    moderator, who sees every statement), among all of them. None when there is none. An indexed
    lookup of the words' digest (``ix_statements_words_cjk``), so only statements with the same words
    are read, and of the statements without a digest (written by a version from before it, not yet
    filled: :func:`deliberation.storage.migrate.fill_unkeyed`; none, usually); their words are
    compared again (a digest could collide). Read inside Store.add_statement's transaction, after
    its lock (see there)."""
    t = StatementRow
    words = ballot_words(text)
    seen = [] if author_id is None else [or_(t.author_id == author_id, t.moderation.not_in(HELD))]

    def keyed(key):
        return (select(t.id, t.external_id, t.text, t.author_id)
                .where(t.consultation_id == consultation_id, key, t.is_draft.is_(False), *seen))

    both = union_all(keyed(t.words_key == words_key(text)), keyed(t.words_key.is_(None))).subquery()
    rows = s.execute(select(both.c.external_id, both.c.text, both.c.author_id).order_by(both.c.id))
    return next(((sid, author_id is not None and own == author_id) for sid, said, own in rows
                 if ballot_words(said) == words), None)


class RoomReadsMixin:
    """Mixed into :class:`deliberation.storage.store.Store` (uses its ``session`` and ``_require``)."""

    def counts(self, consultation_id: int) -> dict[str, int]:
        with self.session() as s:
            self._require(s, consultation_id)
            c = consultation_id
            return {
                "statements": s.scalar(select(func.count()).select_from(StatementRow).where(StatementRow.consultation_id == c)),
                # participants = people who voted (whom the analysis groups); "registered" = everyone
                # who voted or wrote a statement (the authors of an imported file too): the console's,
                # the board's and the command line's "Participants", :meth:`participant_count`
                "participants": s.scalar(_voters(c)),
                "registered": s.scalar(_known_participants(c)),
                "votes": s.scalar(select(func.count()).select_from(VoteRow).where(VoteRow.consultation_id == c)),
                # of those, votes on published drafts (the ballot items), not on participants' statements
                "draft_votes": _votes_on(s, StatementRow.consultation_id == c, StatementRow.is_draft.is_(True)),
                # of those, votes on statements moderation held or rejected (a Polis export keeps the
                # votes cast before a comment was moderated out): not votes on the statements shown
                "held_votes": _votes_on(s, StatementRow.consultation_id == c, StatementRow.is_draft.is_(False),
                                        StatementRow.moderation.in_(HELD)),
                "vote_events": s.scalar(select(func.count()).select_from(VoteEventRow).where(VoteEventRow.consultation_id == c)),
            }

    def participant_count(self, consultation_id: int) -> int:
        """How many participants the store knows in the consultation: everyone who voted or wrote a
        statement (and the voters and authors of an import), one indexed count. Joining by code
        stores nobody until a first vote or statement (no "ghosts" in the opinion groups), so who
        joined and left without either is not known to the store and not counted."""
        with self.session() as s:
            return s.scalar(_known_participants(consultation_id))

    def votes_of(self, consultation_id: int, participant: str) -> dict[str, int]:
        """One participant's current votes, statement external id -> vote (an indexed read)."""
        with self.session() as s:
            rows = s.execute(select(StatementRow.external_id, VoteRow.value)
                             .join(ParticipantRow, VoteRow.participant_id == ParticipantRow.id)
                             .join(StatementRow, VoteRow.statement_id == StatementRow.id)
                             .where(ParticipantRow.consultation_id == consultation_id,
                                    ParticipantRow.external_id == participant)).all()
        return {sid: int(v) for sid, v in rows}

    def last_statement_number(self, consultation_id: int) -> int:
        """The consultation's largest numeric statement id (-1 when none): :func:`last_statement_number`."""
        with self.session() as s:
            return last_statement_number(s, consultation_id)

    def statement_stamp(self, consultation_id: int) -> tuple[int, int]:
        """(participants' statements, statements held for review) of the consultation in one query:
        what the moderator console checks on its timer to say that statements arrived or the
        moderation queue changed since it was drawn (ui/console_live.py). Drafts are not counted."""
        t, c = StatementRow, consultation_id
        mine = select(func.count()).select_from(t).where(t.consultation_id == c)
        with self.session() as s:
            row = s.execute(select(mine.where(t.is_draft.is_(False)).scalar_subquery(),
                                   mine.where(t.moderation == ModerationStatus.NEEDS_REVIEW.value)
                                   .scalar_subquery())).one()
        return int(row[0]), int(row[1])

    def vote_stamp(self, consultation_id: int, *, counted: bool = True) -> VoteStamp:
        """Whether the votes have changed: :func:`vote_stamp` (without ``counted``, two index lookups)."""
        with self.session() as s:
            return vote_stamp(s, consultation_id, counted=counted)

    def vote_events_after(self, consultation_id: int, after: int) -> list[tuple[int, str, str, int]]:
        """The vote events with an id above ``after``, in order: (id, participant, statement (external
        ids), vote). Applied in order to the current votes as of event ``after``, they give the
        current votes (see deliberation/live_votes.py)."""
        with self.session() as s:
            rows = s.execute(select(VoteEventRow.id, ParticipantRow.external_id, StatementRow.external_id,
                                    VoteEventRow.value)
                             .join(ParticipantRow, VoteEventRow.participant_id == ParticipantRow.id)
                             .join(StatementRow, VoteEventRow.statement_id == StatementRow.id)
                             .where(VoteEventRow.consultation_id == consultation_id, VoteEventRow.id > after)
                             .order_by(VoteEventRow.id)).all()
        return [(int(i), p, sid, int(v)) for i, p, sid, v in rows]
