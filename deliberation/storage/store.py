"""The relational store: consultations, participants, statements, votes, drafts, reviews.

One :class:`Store` per process; every public method runs in its own transaction, so an import
either stores everything or nothing, and an acknowledged vote is committed before the call
returns. SQLite (default) runs in WAL mode with a busy timeout so several processes can vote at
once; a ``postgresql://`` URL works unchanged.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Integer, event, insert, literal, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from deliberation.config import Settings
from deliberation.errors import (AccessDenied, InputError, NotFoundError, SameWords, filesystem_state,
                                 storage_error, storage_errors)
from deliberation.importers.base import ImportBundle
from deliberation.models import (
    Consultation,
    ModerationStatus,
    Statement,
    StatementOrigin,
    VoteValue,
    validate_statement_text,
)
from deliberation.ratelimit import RateLimits
from deliberation.storage.export import ExportMixin
from deliberation.storage.ids import check_id, check_ids, new_statement_ids, storable_id
from deliberation.storage.matrix_reads import MatrixReadsMixin
from deliberation.storage.migrate import READ_ORIGIN
from deliberation.storage.reviews import ReviewsMixin
from deliberation.storage.seeds import SeedsMixin
from deliberation.storage.room_reads import RoomReadsMixin, last_statement_number, same_words, statement_values
from deliberation.storage.sessions import SessionsMixin, check_secret, hash_secret, new_secret  # noqa: F401
from deliberation.storage.sql import (  # noqa: F401  (tests import some of these from here)
    BULK_BATCH,
    make_engine,
    _bulk_cache,
    _bulk_insert,
    _chunks,
    _create_tables,
    _fetch_all,
    _read_only_sqlite_url,
    _sqlite_pragmas,
    _sqlite_pragmas_ro,
    _unique_violation,
    _upsert_vote,
    _utc,
    _vote_rows,
)
from deliberation.storage.tables import (
    ConsultationRow,
    ParticipantRow,
    StatementRow,
    VoteEventRow,
    VoteRow,
)
from deliberation.text.languages import detect_language, detect_languages, remember_languages
from deliberation.votematrix import _sorted_ids
from deliberation.words import said

if TYPE_CHECKING:
    import pandas as pd

#: Alphabet for consultation codes (no 0/O/1/I to avoid misreading on a projector).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: Attempts of ``add_statement`` when another app instance took the same new statement id first.
STATEMENT_ID_ATTEMPTS = 5

log = logging.getLogger(__name__)

#: Statement text transform applied at intake (e.g. personal-data redaction and flagging).
Intake = Callable[[list[Statement]], list[Statement]]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


@dataclass
class ImportReport:
    consultation_id: int
    code: str
    statements: int
    participants: int  # people with a vote in the import (as Store.counts counts them)
    vote_events: int
    votes: int
    flagged: int
    moderator_secret: str | None = None
    registered: int = 0  # every participant id stored, authors who never voted included
    #: the room's language a new consultation was given (deliberation.text.languages.room_language_of
    #: or the importer's choice); None: English, the default
    room_language: str | None = None
    #: the language a new consultation's question is written in when the app's pages do not speak it
    #: (deliberation.text.languages.unspoken_language_of: Chinese), the room then being English
    unspoken_language: str | None = None


class Store(SessionsMixin, ReviewsMixin, ExportMixin, RoomReadsMixin, MatrixReadsMixin, SeedsMixin):
    def __init__(self, settings: Settings | None = None, *, url: str | None = None,
                 limits: RateLimits | None = None):
        #: per-participant limits on votes and statements (see deliberation/ratelimit.py)
        self.limits = limits or RateLimits()
        settings = settings or Settings()
        external = bool(url or settings.database_url)
        # the data directory is made (and named when that fails) even when the database is a server
        with storage_errors(settings.data_dir):
            self.settings = settings.ensure()
        self.url = url or self.settings.db_url
        #: True when the data directory is on a read-only file system: the SQLite file is opened read-only
        self.read_only = False
        if not external and filesystem_state(settings.data_dir) == "read-only":
            self.url, self.read_only = _read_only_sqlite_url(settings.data_dir / "deliberation.sqlite"), True
        self.engine: Engine = make_engine(self.url)
        if self.engine.dialect.name == "sqlite" and _read_only_query(self.engine.url.query):
            self.read_only = True  # a read-only URL given (a read-only copy or mount): opened as one
        #: True when the database is a server: its disk-full / read-only errors name "the database server"
        self.server = self.engine.dialect.name != "sqlite"
        #: where writes go, named in disk-full / read-only errors (the data directory for SQLite)
        self.location: str | None = None if self.server else str(settings.data_dir)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas_ro if self.read_only else _sqlite_pragmas)
            if external:
                db = self.engine.url.database
                self.location = (str(Path(db.removeprefix("file:")).parent) if db not in (None, "", ":memory:")
                                 else None)
        # disk full, read-only, cannot open: one clear StorageError naming the data directory
        event.listen(self.engine, "handle_error", self._storage_error)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        try:
            _create_tables(self.engine, writable=not self.read_only)
        except SQLAlchemyError as e:  # cannot connect, or may not create the tables (a role without the right)
            self.engine.dispose()
            raise InputError(said("input.database_cannot_open", error=getattr(e, "orig", None) or e), self.url) from None
        except BaseException:  # refused (an upgrade this role may not make): no connection left open behind it
            self.engine.dispose()
            raise

    def _storage_error(self, ctx) -> None:
        mapped = storage_error(ctx.original_exception, self.location, server=self.server)
        if mapped is not None:
            raise mapped

    def session(self) -> Session:
        return self._session()

    # ---- consultations ----------------------------------------------------------------
    def create_consultation(
        self,
        question: str,
        *,
        description: str = "",
        language: str = "und",
        secret: str | None = None,
        settings: dict | None = None,
        source: str = "",
        session: Session | None = None,
    ) -> tuple[Consultation, str]:
        """Create a consultation; returns it and the moderator secret (generated if not given)."""
        question = (question or "").strip()
        if not question:
            raise InputError(said("input.needs_question"))
        secret = secret or new_secret()
        own = session is None
        s = session or self.session()
        try:
            for _ in range(20):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                if s.scalar(select(ConsultationRow.id).where(ConsultationRow.code == code)) is None:
                    break
            row = ConsultationRow(code=code, question=question, description=description, language=language,
                                  secret_hash=hash_secret(secret), settings=settings or {}, source=source,
                                  created_at=_now())
            s.add(row)
            s.flush()
            if own:
                s.commit()
            return _consultation(row), secret
        finally:
            if own:
                s.close()

    def get_consultation(self, ref: int | str) -> Consultation:
        """By numeric id or by join code."""
        with self.session() as s:
            row = None
            if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
                row = s.get(ConsultationRow, int(ref))
            if row is None and isinstance(ref, str) and "\x00" not in ref:
                row = s.scalar(select(ConsultationRow).where(ConsultationRow.code == ref.strip().upper()))
            if row is None:
                raise NotFoundError(said("input.no_consultation_ref", value=repr(ref)))
            return _consultation(row)

    def list_consultations(self) -> list[Consultation]:
        with self.session() as s:
            return [_consultation(r) for r in s.scalars(select(ConsultationRow).order_by(ConsultationRow.id))]

    def update_settings(self, consultation_id: int, values: dict) -> None:
        """Merge ``values`` into the consultation's settings (a new dict: the JSON column is rewritten)."""
        with self.session() as s, s.begin():
            row = self._require(s, consultation_id)
            row.settings = {**(row.settings or {}), **values}

    def require_moderator(self, consultation_id: int, secret: str | None) -> None:
        with self.session() as s:
            row = s.get(ConsultationRow, consultation_id)
            if row is None:
                raise NotFoundError(said("input.no_consultation", n_id=consultation_id))
            if not secret or not check_secret(secret, row.secret_hash):
                raise AccessDenied(said("input.wrong_secret"))

    # ---- import ------------------------------------------------------------------------
    def import_bundle(
        self,
        bundle: ImportBundle,
        *,
        consultation_id: int | None = None,
        question: str | None = None,
        secret: str | None = None,
        intake: Intake | None = None,
        on_commit: Callable[[int, list[Statement]], dict | None] | None = None,
    ) -> ImportReport:
        """Store a whole bundle in one transaction (into a new consultation unless one is given).

        ``intake`` may rewrite statements (redact personal data, flag for review) before anything
        is stored. ``on_commit`` runs inside the transaction after the rows are written (e.g. to
        index embeddings); if it raises, nothing is stored; a dict it returns is merged into the
        consultation's settings in the same transaction (e.g. the embedding model it chose).
        """
        statements = intake(list(bundle.statements)) if intake else list(bundle.statements)
        new_secret = None
        with self.session() as s, s.begin():
            if consultation_id is None:
                consultation, new_secret = self.create_consultation(
                    question or bundle.question or "Untitled consultation",
                    description=bundle.description, language=bundle.language, secret=secret,
                    source=bundle.source, session=s)
                cid = consultation.id
                code = consultation.code
            else:
                row = s.get(ConsultationRow, consultation_id)
                if row is None:
                    raise NotFoundError(said("input.no_consultation", n_id=consultation_id))
                cid, code = row.id, row.code
            existing = set(s.scalars(select(StatementRow.external_id).where(StatementRow.consultation_id == cid)))
            bundle, statements = new_statement_ids(bundle, statements, existing)
            final = bundle.final_votes()
            pids = set(bundle.participants) | {st.author for st in statements if st.author} | set(final["participant"])
            check_ids(statements, pids, bundle.source)
            pmap = self._ensure_participants(s, cid, pids)
            now = _now()
            # one batch call: the intake has just detected these texts, so it is a look-up
            langs = detect_languages([st.text for st in statements])
            srows = [statement_values(cid, st.external_id, st, pmap[st.author] if st.author else None, now=now,
                                      text_language=lang) for st, lang in zip(statements, langs)]
            for chunk in _chunks(srows, BULK_BATCH):
                s.execute(insert(StatementRow), chunk)
            smap = dict(s.execute(select(StatementRow.external_id, StatementRow.id)
                                  .where(StatementRow.consultation_id == cid)).all())
            ev = bundle.votes
            p_int = ev["participant"].map(pmap).to_numpy(dtype=np.int64)
            s_int = ev["statement"].map(smap).to_numpy(dtype=np.int64)
            at = ev["timestamp"].to_numpy(dtype="float64")
            vals = ev["vote"].to_numpy().astype(np.int64)
            cols = ["consultation_id", "participant_id", "statement_id", "value", "at_ms"]
            # the current vote per pair is its last event; written in (participant, statement) order so
            # the unique index grows in order (about 2x faster on SQLite with millions of votes)
            import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import
            keep = pd.DataFrame({"p": p_int, "s": s_int}).drop_duplicates(["p", "s"], keep="last").index.to_numpy()
            keep = keep[np.lexsort((s_int[keep], p_int[keep]))]
            n_events, n_current = len(ev), len(keep)
            # rows are built one batch at a time: 5 million Python tuples at once took over 1 GB
            # COPY / executemany on the raw DBAPI connection bypass the engine's error mapping
            with storage_errors(self.location, server=self.server), _bulk_cache(s):
                for chunk in _vote_rows(cid, p_int, s_int, vals, at):
                    _bulk_insert(s, VoteEventRow.__table__, cols, chunk)
                for chunk in _vote_rows(cid, p_int[keep], s_int[keep], vals[keep], at[keep]):
                    _bulk_insert(s, VoteRow.__table__, cols, chunk)
            if on_commit is not None:
                extra = on_commit(cid, self._statements(s, cid))
                if extra:
                    row = s.get(ConsultationRow, cid)
                    row.settings = {**(row.settings or {}), **extra}
        flagged = sum(st.moderation is ModerationStatus.NEEDS_REVIEW for st in statements)
        return ImportReport(cid, code, len(statements), int(final["participant"].nunique()), n_events, n_current,
                            flagged, new_secret, registered=len(pids))

    def _ensure_participants(self, s: Session, cid: int, external_ids: Iterable[str]) -> dict[str, int]:
        have = dict(s.execute(select(ParticipantRow.external_id, ParticipantRow.id)
                              .where(ParticipantRow.consultation_id == cid)).all())
        new = [pid for pid in _sorted_ids(set(external_ids) - set(have))]
        now = _now()
        for chunk in _chunks([dict(consultation_id=cid, external_id=p, created_at=now) for p in new], BULK_BATCH):
            s.execute(insert(ParticipantRow), chunk)
        if new:
            have = dict(s.execute(select(ParticipantRow.external_id, ParticipantRow.id)
                                  .where(ParticipantRow.consultation_id == cid)).all())
        return have

    # ---- reading -----------------------------------------------------------------------
    def _statements(self, s: Session, cid: int) -> list[Statement]:
        # plain rows, each with its author's id joined in: loading ORM objects and every
        # participant's id (10,000 for 1,000 statements) made this read ~4x slower
        # each text's stored language is handed to the detector's memory, so the readers that ask it
        # (topics, the guard, the model choice) do not load Lingua for statements already told
        t = StatementRow
        rows = s.execute(select(t.id, t.consultation_id, t.external_id, t.text, ParticipantRow.external_id,
                                t.language, t.moderation, t.moderation_reason, t.is_draft, t.created_at, t.updated_at,
                                READ_ORIGIN, t.has_text, t.text_language)
                         .outerjoin(ParticipantRow, t.author_id == ParticipantRow.id)
                         .where(t.consultation_id == cid).order_by(t.id)).all()
        remember_languages([r[3] for r in rows], [r[-1] for r in rows])
        return [_statement(*r[:-1]) for r in rows]

    def statements(self, consultation_id: int) -> list[Statement]:
        with self.session() as s:
            self._require(s, consultation_id)
            return self._statements(s, consultation_id)

    def _require(self, s: Session, cid: int) -> ConsultationRow:
        row = s.get(ConsultationRow, cid)
        if row is None:
            raise NotFoundError(said("input.no_consultation", n_id=cid))
        return row

    def _id_maps(self, s: Session, cid: int) -> tuple[dict[int, str], dict[int, str]]:
        pmap = dict(s.execute(select(ParticipantRow.id, ParticipantRow.external_id)
                              .where(ParticipantRow.consultation_id == cid)).all())
        smap = dict(s.execute(select(StatementRow.id, StatementRow.external_id)
                              .where(StatementRow.consultation_id == cid)).all())
        return pmap, smap

    def vote_events(self, consultation_id: int) -> pd.DataFrame:
        """Every vote event in order: participant, statement (external ids), vote, timestamp (ms or NaN)."""
        import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import
        with self.session() as s:
            self._require(s, consultation_id)
            pmap, smap = self._id_maps(s, consultation_id)
            rows = _fetch_all(s, select(VoteEventRow.participant_id, VoteEventRow.statement_id, VoteEventRow.value,
                                        VoteEventRow.at_ms)
                              .where(VoteEventRow.consultation_id == consultation_id)
                              .order_by(VoteEventRow.id))
        df = pd.DataFrame(rows, columns=["participant", "statement", "vote", "timestamp"])
        df["participant"] = df["participant"].map(pmap)
        df["statement"] = df["statement"].map(smap)
        df["vote"] = df["vote"].astype(np.int8)
        df["timestamp"] = pd.to_numeric(df["timestamp"], errors="coerce").astype("float64")
        return df

    def current_votes(self, consultation_id: int) -> pd.DataFrame:
        """The current vote per (participant, statement): participant, statement (external ids), vote."""
        import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import
        with self.session() as s:
            self._require(s, consultation_id)
            pmap, smap = self._id_maps(s, consultation_id)
            rows = _fetch_all(s, select(VoteRow.participant_id, VoteRow.statement_id, VoteRow.value)
                              .where(VoteRow.consultation_id == consultation_id))
        df = pd.DataFrame(rows, columns=["participant", "statement", "vote"])
        df["participant"] = df["participant"].map(pmap)
        df["statement"] = df["statement"].map(smap)
        df["vote"] = df["vote"].astype(np.int8)
        return df

    def participants(self, consultation_id: int) -> list[str]:
        with self.session() as s:
            return _sorted_ids(s.scalars(select(ParticipantRow.external_id)
                                         .where(ParticipantRow.consultation_id == consultation_id)))

    # ---- participant actions -----------------------------------------------------------
    def add_participant(self, consultation_id: int, external_id: str | None = None) -> str:
        """Register a participant; a new unguessable id is made when none is given."""
        external_id = external_id or secrets.token_urlsafe(12)
        check_id(external_id, "participant id")
        with self.session() as s, s.begin():
            self._require(s, consultation_id)
            self._ensure_participants(s, consultation_id, [external_id])
        return external_id

    @staticmethod
    def _add_participant_row(s: Session, cid: int, external_id: str) -> int:
        """The participant's row id, inserting the row if it is not there (one participant only)."""
        pid = s.scalar(select(ParticipantRow.id).where(ParticipantRow.consultation_id == cid,
                                                       ParticipantRow.external_id == external_id))
        if pid is None:
            row = ParticipantRow(consultation_id=cid, external_id=external_id, created_at=_now())
            s.add(row)
            s.flush()
            pid = row.id
        return pid

    @staticmethod
    def _lock_consultation(s: Session, consultation_id: int) -> None:
        """Serialise statement additions to one consultation by a no-op write on its row: SQLite
        takes its write lock here (before the ids are read), PostgreSQL a row lock that does not
        block votes' foreign-key checks. NotFoundError when there is no such consultation."""
        locked = s.execute(update(ConsultationRow).where(ConsultationRow.id == consultation_id)
                           .values(question=ConsultationRow.question)).rowcount
        if not locked:
            raise NotFoundError(said("input.no_consultation", n_id=consultation_id))

    def add_statement(self, consultation_id: int, author: str | None, text: str, *,
                      intake: Intake | None = None, language: str = "und", is_draft: bool = False) -> Statement:
        """Add one statement with the next free number. A participant's statement (``author`` given,
        not a draft) that says word for word what one of theirs or a public statement says is
        refused with :class:`~deliberation.errors.SameWords` naming it, checked in this transaction
        under the consultation's lock, so two people sending the same words at once store one.
        Statements without an author are the moderator's (origin "seed"; drafts: "draft") and are
        not checked, nor are imports: an import keeps what its source holds. The moderator's seed
        list goes through :meth:`add_seed_statements`, which checks its own."""
        try:
            text = validate_statement_text(text)
        except ValueError as e:
            raise InputError(str(e), "statement") from None
        if author:
            check_id(author, "participant id")
        # intake (redaction, flags) depends on the text only: run once, outside the transaction
        st = Statement(external_id="new", text=text, author=author, language=language, is_draft=is_draft)
        if intake:
            st = intake([st])[0]
        # before the lock (a first detection loads Lingua); a published draft's is not detected:
        # its sentences were read by the guard, and nothing reads a draft's language as a whole
        text_language = None if is_draft else detect_language(st.text)
        for attempt in range(STATEMENT_ID_ATTEMPTS):
            try:
                with self.session() as s, s.begin():
                    self._lock_consultation(s, consultation_id)
                    # the author's row alone (an indexed lookup): _ensure_participants reads every
                    # participant of the consultation, 2,000 rows per statement in a room of 2,000
                    pmap = {author: self._add_participant_row(s, consultation_id, author)} if author else {}
                    limited = bool(author and self.limits.statements_per_window)
                    if limited:
                        self._lock_participant(s, pmap[author])
                    if author and not is_draft:  # under the lock above: two at once cannot both pass
                        same = same_words(s, consultation_id, pmap[author], st.text)
                        if same:
                            raise SameWords(same[0], own=same[1])
                    # the next free number (the retry below is a second line of defence)
                    ext = str(last_statement_number(s, consultation_id) + 1)
                    row = StatementRow(**statement_values(consultation_id, ext, st, pmap.get(author),
                                                          origin=_added_origin(author, is_draft),
                                                          text_language=text_language))
                    s.add(row)
                    s.flush()
                    if limited:  # counted after the insert, in the same transaction (see cast_vote)
                        self._check_statement_rate(s, pmap[author])
                    return _statement(row.id, row.consultation_id, row.external_id, row.text, author or None,
                                      row.language, row.moderation, row.moderation_reason, row.is_draft,
                                      row.created_at, row.updated_at, row.origin, row.has_text)
            except IntegrityError as e:
                if attempt == STATEMENT_ID_ATTEMPTS - 1 or not _unique_violation(e):
                    raise
                log.info("a new statement id was taken by another writer; retrying (attempt %d)", attempt + 2)
        raise AssertionError("unreachable")  # every attempt returns or raises

    def cast_vote(self, consultation_id: int, participant: str, statement: str, value: object, *,
                  create_participant: bool = False) -> VoteValue:
        """Record a vote (or a changed vote) and commit before returning: an acknowledged vote is stored.

        ``create_participant``: register the participant with this first vote if it is not stored
        yet (the app creates no participant before its first vote or statement: no ghosts). A vote
        on a published draft is refused with :class:`~deliberation.errors.VotingClosed` unless its
        voting window is open, checked in this transaction (see ``_check_voting_window``)."""
        try:
            v = VoteValue.parse(value)
        except ValueError as e:
            raise InputError(str(e), "vote") from None
        statement, participant = str(statement), str(participant)
        with self.session() as s, s.begin():
            # consultation, statement and participant in one round trip (votes are the hot path)
            none = literal(None, type_=Integer)
            in_c = (StatementRow.consultation_id == consultation_id, StatementRow.external_id == statement)
            have_c, sid, is_draft, pid = s.execute(select(
                select(ConsultationRow.id).where(ConsultationRow.id == consultation_id).scalar_subquery(),
                select(StatementRow.id).where(*in_c).scalar_subquery() if storable_id(statement) else none,
                select(StatementRow.is_draft).where(*in_c).scalar_subquery() if storable_id(statement) else none,
                select(ParticipantRow.id).where(ParticipantRow.consultation_id == consultation_id,
                                                ParticipantRow.external_id == participant).scalar_subquery()
                if storable_id(participant) else none,
            )).one()
            if have_c is None:
                raise NotFoundError(said("input.no_consultation", n_id=consultation_id))
            if sid is None:
                raise NotFoundError(said("input.no_statement", quoted=repr(statement), n_id=consultation_id))
            if is_draft:  # first write of the transaction: see _check_voting_window
                self._check_voting_window(s, consultation_id, statement)
            if pid is None and create_participant:
                check_id(participant, "participant id")
                pid = self._add_participant_row(s, consultation_id, participant)
            if pid is None:
                raise NotFoundError(said("input.no_participant", quoted=repr(participant), n_id=consultation_id))
            limited = bool(self.limits.votes_per_window)
            if limited:
                self._lock_participant(s, pid)
            at = _ms(_now())  # after the lock: a participant's vote times follow their commit order
            s.execute(insert(VoteEventRow).values(consultation_id=consultation_id, participant_id=pid,
                                                  statement_id=sid, value=int(v), at_ms=at))
            if limited:  # raises RateLimited: the transaction (this event too) is rolled back
                self._check_vote_rate(s, pid, at)
            _upsert_vote(s, self.engine.dialect.name, consultation_id, pid, sid, int(v), at)
        return v

    # ---- moderation --------------------------------------------------------------------
    def set_moderation(self, consultation_id: int, statement: str, status: ModerationStatus, reason: str = "") -> None:
        """Store a moderation decision on one statement. A statement kept without its text
        (:attr:`Statement.has_text`) can only stay moderated out: restoring it would ask participants
        about its placeholder, so that is refused in words."""
        status = ModerationStatus(status)
        if not storable_id(str(statement)):
            raise NotFoundError(said("input.no_statement", quoted=repr(statement), n_id=consultation_id))
        with self.session() as s, s.begin():
            this = (StatementRow.consultation_id == consultation_id, StatementRow.external_id == str(statement))
            has_text = s.scalar(select(StatementRow.has_text).where(*this))
            if has_text is None:
                raise NotFoundError(said("input.no_statement", quoted=repr(statement), n_id=consultation_id))
            if not has_text and status is not ModerationStatus.REJECTED:
                raise InputError(said("input.no_text_to_restore", quoted=repr(str(statement))))
            s.execute(update(StatementRow).where(*this)
                      .values(moderation=status.value, moderation_reason=reason, updated_at=_now()))


def _read_only_query(query) -> bool:
    """Whether a SQLite URL's query opens the file read-only (``mode=ro`` or ``immutable=1``, as
    :func:`_read_only_sqlite_url` writes them)."""
    return query.get("mode") == "ro" or query.get("immutable") == "1"


def _consultation(r: ConsultationRow) -> Consultation:
    return Consultation(id=r.id, code=r.code, question=r.question, description=r.description,
                        moderator_secret_hash=r.secret_hash, language=r.language, settings=r.settings or {},
                        created_at=_utc(r.created_at))


def _added_origin(author: str | None, is_draft: bool) -> StatementOrigin:
    """The origin of a statement added in the app: a participant's, a published draft, else the
    moderator's own (a seed)."""
    if is_draft:
        return StatementOrigin.DRAFT
    return StatementOrigin.PARTICIPANT if author else StatementOrigin.SEED


def _statement(id_, cid, external_id, text, author, language, moderation, reason, is_draft, created_at,
               updated_at, origin, has_text) -> Statement:
    """A statement from its row's columns (as :meth:`Store._statements` selects them)."""
    return Statement.model_construct(
        id=id_, consultation_id=cid, external_id=external_id, text=text, author=author, language=language,
        moderation=ModerationStatus(moderation), moderation_reason=reason or "", is_draft=bool(is_draft),
        origin=StatementOrigin(origin), has_text=bool(has_text), created_at=_utc(created_at),
        updated_at=_utc(updated_at))
