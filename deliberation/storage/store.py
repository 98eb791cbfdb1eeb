"""The relational store: consultations, participants, statements, votes, drafts, reviews.

One :class:`Store` per process; every public method runs in its own transaction, so an import
either stores everything or nothing, and an acknowledged vote is committed before the call
returns. SQLite (default) runs in WAL mode with a busy timeout so several processes can vote at
once; a ``postgresql://`` URL works unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
from sqlalchemy import Integer, create_engine, event, func, insert, inspect, literal, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from deliberation.config import Settings
from deliberation.errors import (
    PREVIEW_CHARS,
    AccessDenied,
    InputError,
    NotFoundError,
    RateLimited,
    StorageError,
    filesystem_state,
    storage_error,
    storage_errors,
)
from deliberation.importers.base import ImportBundle
from deliberation.models import (
    Consultation,
    Draft,
    DraftSentence,
    ModerationStatus,
    ReviewDecision,
    Statement,
    VoteValue,
    validate_statement_text,
)
from deliberation.ratelimit import RateLimits, explain
from deliberation.storage.sessions import SessionsMixin
from deliberation.storage.tables import (
    Base,
    ConsultationRow,
    DraftRow,
    ParticipantRow,
    ReviewRow,
    StatementRow,
    VoteEventRow,
    VoteRow,
)
from deliberation.votematrix import VoteMatrix, _sorted_ids

#: SQLite waits this long (ms) for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Rows per executemany batch in bulk imports.
BULK_BATCH = 50_000
#: Alphabet for consultation codes (no 0/O/1/I to avoid misreading on a projector).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: Longest participant or statement id (the width of the external_id columns).
MAX_ID_CHARS = 128
#: Key of the PostgreSQL advisory lock that serialises ``create_all`` between processes.
SCHEMA_LOCK_KEY = 0x64656C6962  # "delib"
#: scrypt cost parameters for the moderator secret hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: Attempts of ``add_statement`` when another app instance took the same new statement id first.
STATEMENT_ID_ATTEMPTS = 5

log = logging.getLogger(__name__)

#: Statement text transform applied at intake (e.g. personal-data redaction and flagging).
Intake = Callable[[list[Statement]], list[Statement]]


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_secret(secret: str, stored: str) -> bool:
    """Constant-time comparison of a secret with its stored salted hash."""
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt_hex), n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return hmac.compare_digest(digest.hex(), digest_hex)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


@dataclass
class ImportReport:
    consultation_id: int
    code: str
    statements: int
    participants: int
    vote_events: int
    votes: int
    flagged: int
    moderator_secret: str | None = None


class Store(SessionsMixin):
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
        self.engine: Engine = create_engine(self.url, future=True)
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
        except OperationalError as e:
            raise InputError(f"cannot open the database: {e.orig}", self.url) from None

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
            raise InputError("a consultation needs a question")
        secret = secret or secrets.token_urlsafe(12)
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
                raise NotFoundError(f"no consultation with id or code {ref!r}")
            return _consultation(row)

    def list_consultations(self) -> list[Consultation]:
        with self.session() as s:
            return [_consultation(r) for r in s.scalars(select(ConsultationRow).order_by(ConsultationRow.id))]

    def require_moderator(self, consultation_id: int, secret: str | None) -> None:
        with self.session() as s:
            row = s.get(ConsultationRow, consultation_id)
            if row is None:
                raise NotFoundError(f"no consultation with id {consultation_id}")
            if not secret or not check_secret(secret, row.secret_hash):
                raise AccessDenied("the moderator secret is wrong")

    # ---- import ------------------------------------------------------------------------
    def import_bundle(
        self,
        bundle: ImportBundle,
        *,
        consultation_id: int | None = None,
        question: str | None = None,
        secret: str | None = None,
        intake: Intake | None = None,
        on_commit: Callable[[int, list[Statement]], None] | None = None,
    ) -> ImportReport:
        """Store a whole bundle in one transaction (into a new consultation unless one is given).

        ``intake`` may rewrite statements (redact personal data, flag for review) before anything
        is stored. ``on_commit`` runs inside the transaction after the rows are written (e.g. to
        index embeddings); if it raises, nothing is stored.
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
                    raise NotFoundError(f"no consultation with id {consultation_id}")
                cid, code = row.id, row.code
            existing = set(s.scalars(select(StatementRow.external_id).where(StatementRow.consultation_id == cid)))
            clash = [st.external_id for st in statements if st.external_id in existing]
            if clash:
                raise InputError(f"statement id {clash[0]!r} is already stored in this consultation", bundle.source)
            final = bundle.final_votes()
            pids = set(bundle.participants) | {st.author for st in statements if st.author} | set(final["participant"])
            for what, ids in (("statement id", [st.external_id for st in statements]), ("participant id", pids)):
                bad = next((i for i in ids if not _storable_id(i)), None)
                if bad is not None:
                    raise InputError(f"{what} {bad[:PREVIEW_CHARS]!r} is not a valid id (over {MAX_ID_CHARS} characters "
                                     "or a NUL character)", bundle.source)
            pmap = self._ensure_participants(s, cid, pids)
            now = _now()
            srows = [
                dict(consultation_id=cid, external_id=st.external_id, text=st.text,
                     author_id=pmap[st.author] if st.author else None, language=st.language,
                     moderation=st.moderation.value, moderation_reason=st.moderation_reason,
                     is_draft=st.is_draft, created_at=st.created_at, updated_at=st.updated_at or now)
                for st in statements
            ]
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
                stored = self._statements(s, cid)
                on_commit(cid, stored)
        flagged = sum(st.moderation is ModerationStatus.NEEDS_REVIEW for st in statements)
        return ImportReport(cid, code, len(statements), len(pids), n_events, n_current, flagged, new_secret)

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
        authors = dict(s.execute(select(ParticipantRow.id, ParticipantRow.external_id)
                                 .where(ParticipantRow.consultation_id == cid)).all())
        rows = s.scalars(select(StatementRow).where(StatementRow.consultation_id == cid).order_by(StatementRow.id))
        return [_statement(r, authors) for r in rows]

    def statements(self, consultation_id: int) -> list[Statement]:
        with self.session() as s:
            self._require(s, consultation_id)
            return self._statements(s, consultation_id)

    def _require(self, s: Session, cid: int) -> ConsultationRow:
        row = s.get(ConsultationRow, cid)
        if row is None:
            raise NotFoundError(f"no consultation with id {cid}")
        return row

    def _id_maps(self, s: Session, cid: int) -> tuple[dict[int, str], dict[int, str]]:
        pmap = dict(s.execute(select(ParticipantRow.id, ParticipantRow.external_id)
                              .where(ParticipantRow.consultation_id == cid)).all())
        smap = dict(s.execute(select(StatementRow.id, StatementRow.external_id)
                              .where(StatementRow.consultation_id == cid)).all())
        return pmap, smap

    def vote_events(self, consultation_id: int) -> pd.DataFrame:
        """Every vote event in order: participant, statement (external ids), vote, timestamp (ms or NaN)."""
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

    def vote_matrix(self, consultation_id: int, *, include_drafts: bool = False) -> VoteMatrix:
        statements = [st for st in self.statements(consultation_id) if include_drafts or not st.is_draft]
        ids = [st.external_id for st in statements]
        # integer ids straight into the coordinate arrays: no per-vote Python objects or strings
        # (5 million votes: ~1.5 GB and ~40 s through a DataFrame of external ids before)
        with self.session() as s:
            self._require(s, consultation_id)
            pmap, smap = self._id_maps(s, consultation_id)
            p_db, s_db, vals = _fetch_int_columns(
                s, select(VoteRow.participant_id, VoteRow.statement_id, VoteRow.value)
                .where(VoteRow.consultation_id == consultation_id), 3)
        participant_ids = _sorted_ids(pmap.values())
        row_of = {ext: i for i, ext in enumerate(participant_ids)}
        p_keys = np.fromiter(pmap.keys(), dtype=np.int64, count=len(pmap))
        p_rows = np.fromiter((row_of[pmap[k]] for k in p_keys.tolist()), dtype=np.int64, count=len(pmap))
        col_of = {ext: j for j, ext in enumerate(ids)}
        s_keys = np.fromiter(smap.keys(), dtype=np.int64, count=len(smap))
        s_cols = np.fromiter((col_of.get(smap[k], -1) for k in s_keys.tolist()), dtype=np.int64, count=len(smap))
        rows = _lookup(p_keys, p_rows, p_db)
        cols = _lookup(s_keys, s_cols, s_db)
        keep = (cols >= 0) & (rows >= 0)  # votes on statements left out (drafts)
        return VoteMatrix(participant_ids, ids, rows[keep], cols[keep], vals[keep],
                          np.array([st.moderation.excluded_from_analysis for st in statements], dtype=bool))

    def counts(self, consultation_id: int) -> dict[str, int]:
        with self.session() as s:
            self._require(s, consultation_id)
            c = consultation_id
            return {
                "statements": s.scalar(select(func.count()).select_from(StatementRow).where(StatementRow.consultation_id == c)),
                # participants = people who voted; registered ids that never voted (the authors of an
                # imported statements file) are counted apart
                "participants": s.scalar(select(func.count(func.distinct(VoteRow.participant_id)))
                                         .where(VoteRow.consultation_id == c)),
                "registered": s.scalar(select(func.count()).select_from(ParticipantRow).where(ParticipantRow.consultation_id == c)),
                "votes": s.scalar(select(func.count()).select_from(VoteRow).where(VoteRow.consultation_id == c)),
                "vote_events": s.scalar(select(func.count()).select_from(VoteEventRow).where(VoteEventRow.consultation_id == c)),
            }

    # ---- participant actions -----------------------------------------------------------
    def add_participant(self, consultation_id: int, external_id: str | None = None) -> str:
        """Register a participant; a new unguessable id is made when none is given."""
        external_id = external_id or secrets.token_urlsafe(12)
        _check_id(external_id, "participant id")
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

    def add_statement(self, consultation_id: int, author: str | None, text: str, *,
                      intake: Intake | None = None, language: str = "und", is_draft: bool = False) -> Statement:
        try:
            text = validate_statement_text(text)
        except ValueError as e:
            raise InputError(str(e), "statement") from None
        if author:
            _check_id(author, "participant id")
        # intake (redaction, flags) depends on the text only: run once, outside the transaction
        st = Statement(external_id="new", text=text, author=author, language=language, is_draft=is_draft)
        if intake:
            st = intake([st])[0]
        for attempt in range(STATEMENT_ID_ATTEMPTS):
            try:
                with self.session() as s, s.begin():
                    # a no-op write on the consultation row serialises statement additions to one
                    # consultation: SQLite takes its write lock here (before the ids are read), and
                    # PostgreSQL a row lock that does not block votes' foreign-key checks
                    locked = s.execute(update(ConsultationRow).where(ConsultationRow.id == consultation_id)
                                       .values(question=ConsultationRow.question)).rowcount
                    if not locked:
                        raise NotFoundError(f"no consultation with id {consultation_id}")
                    pmap = self._ensure_participants(s, consultation_id, [author]) if author else {}
                    limited = bool(author and self.limits.statements_per_window)
                    if limited:
                        self._lock_participant(s, pmap[author])
                    # the next free number (the retry below is a second line of defence)
                    ids = s.scalars(select(StatementRow.external_id)
                                    .where(StatementRow.consultation_id == consultation_id)).all()
                    numeric = [int(i) for i in ids if i.isdigit()]
                    ext = str(max(numeric) + 1 if numeric else 0)
                    row = StatementRow(consultation_id=consultation_id, external_id=ext, text=st.text,
                                       author_id=pmap.get(author), language=st.language,
                                       moderation=st.moderation.value, moderation_reason=st.moderation_reason,
                                       is_draft=is_draft, created_at=st.created_at, updated_at=st.updated_at)
                    s.add(row)
                    s.flush()
                    if limited:  # counted after the insert, in the same transaction (see cast_vote)
                        self._check_statement_rate(s, pmap[author])
                    return _statement(row, {v: k for k, v in pmap.items()})
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
                select(StatementRow.id).where(*in_c).scalar_subquery() if _storable_id(statement) else none,
                select(StatementRow.is_draft).where(*in_c).scalar_subquery() if _storable_id(statement) else none,
                select(ParticipantRow.id).where(ParticipantRow.consultation_id == consultation_id,
                                                ParticipantRow.external_id == participant).scalar_subquery()
                if _storable_id(participant) else none,
            )).one()
            if have_c is None:
                raise NotFoundError(f"no consultation with id {consultation_id}")
            if sid is None:
                raise NotFoundError(f"no statement {statement!r} in consultation {consultation_id}")
            if is_draft:  # first write of the transaction: see _check_voting_window
                self._check_voting_window(s, consultation_id, statement)
            if pid is None and create_participant:
                _check_id(participant, "participant id")
                pid = self._add_participant_row(s, consultation_id, participant)
            if pid is None:
                raise NotFoundError(f"no participant {participant!r} in consultation {consultation_id}")
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

    # ---- rate limits -------------------------------------------------------------------
    # Check and insert are serialised per participant, so parallel requests of one participant
    # cannot all pass: the new vote event (statement) is inserted first and the participant's
    # events in the window are counted afterwards, in the same transaction, the new one included;
    # over the limit raises RateLimited, which rolls the insert back. On PostgreSQL the transaction
    # first locks the participant's row (a second request of the same participant waits for the
    # first to commit, then counts its row); on SQLite the insert takes the database's write lock
    # (the driver begins the transaction at the first write), so the count after it sees every
    # committed event and no other writer can add one before the commit.
    def _lock_participant(self, s: Session, pid: int) -> None:
        """Serialise this participant's rate-limited writes (PostgreSQL and other servers; a no-op
        on SQLite, where the first write of the transaction takes the database's write lock)."""
        if self.engine.dialect.name != "sqlite":
            # FOR NO KEY UPDATE: does not block the foreign-key checks of other inserts
            s.execute(select(ParticipantRow.id).where(ParticipantRow.id == pid).with_for_update(key_share=True))

    def _check_vote_rate(self, s: Session, pid: int, now_ms: int) -> None:
        """Refuse a vote when this participant cast more than ``votes_per_window`` in the window,
        counting the one just inserted in this transaction (so: already ``votes_per_window`` before it)."""
        limit, window = self.limits.votes_per_window, self.limits.vote_window_s
        if not limit:
            return
        # the (limit+1)-th most recent event, the new one included = the limit-th before it
        # (index ix_vote_events_participant)
        oldest = s.scalar(select(VoteEventRow.at_ms).where(VoteEventRow.participant_id == pid)
                          .order_by(VoteEventRow.id.desc()).offset(limit).limit(1))
        if oldest is not None and now_ms - oldest < window * 1000:
            # at most the window: on SQLite a request that waited for the write lock may carry an
            # earlier time than an event committed before it
            retry = min(window, window - (now_ms - oldest) / 1000)
            raise RateLimited(explain("votes", limit, window, retry), retry)

    def _check_statement_rate(self, s: Session, pid: int) -> None:
        """Refuse a statement when this participant wrote more than ``statements_per_window`` in the
        window, counting the one just inserted in this transaction."""
        limit, window = self.limits.statements_per_window, self.limits.statement_window_s
        if not limit:
            return
        oldest = s.scalar(select(StatementRow.created_at).where(StatementRow.author_id == pid)
                          .order_by(StatementRow.id.desc()).offset(limit).limit(1))
        if oldest is None:
            return
        if oldest.tzinfo is None:  # SQLite hands back naive UTC datetimes
            oldest = oldest.replace(tzinfo=timezone.utc)
        age = (_now() - oldest).total_seconds()
        if age < window:
            raise RateLimited(explain("statements", limit, window, window - age), window - age)

    # ---- moderation --------------------------------------------------------------------
    def set_moderation(self, consultation_id: int, statement: str, status: ModerationStatus, reason: str = "") -> None:
        if not _storable_id(str(statement)):
            raise NotFoundError(f"no statement {statement!r} in consultation {consultation_id}")
        with self.session() as s, s.begin():
            n = s.execute(update(StatementRow)
                          .where(StatementRow.consultation_id == consultation_id, StatementRow.external_id == str(statement))
                          .values(moderation=ModerationStatus(status).value, moderation_reason=reason, updated_at=_now())).rowcount
            if n == 0:
                raise NotFoundError(f"no statement {statement!r} in consultation {consultation_id}")

    # ---- drafts and reviews ------------------------------------------------------------
    def save_draft(self, consultation_id: int, draft: Draft) -> Draft:
        with self.session() as s, s.begin():
            self._require(s, consultation_id)
            row = DraftRow(consultation_id=consultation_id, kind=draft.kind.value, speaks_for=draft.speaks_for,
                           sentences=[x.model_dump() for x in draft.sentences], drafter=draft.drafter,
                           status=draft.status, notes=draft.notes, created_at=draft.created_at)
            s.add(row)
            s.flush()
            return _draft(row)

    def drafts(self, consultation_id: int) -> list[Draft]:
        with self.session() as s:
            return [_draft(r) for r in s.scalars(select(DraftRow).where(DraftRow.consultation_id == consultation_id)
                                                 .order_by(DraftRow.id))]

    def record_review(self, decision: ReviewDecision) -> None:
        with self.session() as s, s.begin():
            row = s.get(DraftRow, decision.draft_id)
            if row is None:
                raise NotFoundError(f"no draft {decision.draft_id}")
            s.add(ReviewRow(draft_id=decision.draft_id, decision=decision.decision, reviewer=decision.reviewer,
                            edited_text=decision.edited_text, reason=decision.reason, created_at=decision.created_at))
            row.status = {"approve": "approved", "edit": "approved", "reject": "rejected"}[decision.decision]
            if decision.decision == "edit" and decision.edited_text:
                row.sentences = [{"text": decision.edited_text, "citations": _draft(row).cited_statement_ids}]

    def reviews(self, draft_id: int) -> list[ReviewDecision]:
        with self.session() as s:
            return [ReviewDecision(draft_id=r.draft_id, decision=r.decision, reviewer=r.reviewer,
                                   edited_text=r.edited_text, reason=r.reason, created_at=_utc(r.created_at))
                    for r in s.scalars(select(ReviewRow).where(ReviewRow.draft_id == draft_id).order_by(ReviewRow.id))]

    # ---- export ------------------------------------------------------------------------
    def pseudonyms(self, consultation_id: int) -> dict[str, str]:
        """Participant id -> the pseudonym exports use: a number 0, 1, 2, ... in a shuffled order.

        Participant ids made by the app are unguessable tokens and imported ids may be names or
        e-mail addresses; neither leaves the store in an export. The order is a keyed hash of the
        id (the key is the consultation's stored secret hash, which never leaves the store), so it
        reveals neither the ids' alphabetical order nor who joined when, and the same consultation
        exports the same pseudonyms every time.
        """
        with self.session() as s:
            row = self._require(s, consultation_id)
            key = f"{row.secret_hash}:{row.code}:{row.id}".encode()
            ids = s.scalars(select(ParticipantRow.external_id)
                            .where(ParticipantRow.consultation_id == consultation_id)).all()
        order = sorted(ids, key=lambda ext: hmac.new(key, ext.encode("utf-8", "surrogatepass"), hashlib.sha256).digest())
        return {ext: str(i) for i, ext in enumerate(order)}

    def export_polis(self, consultation_id: int, folder: str | Path, groups: dict[str, int] | None = None, *,
                     pseudonymise: bool = True) -> Path:
        """Write the consultation in Polis's CSV format.

        By default participants (voters and authors) appear under :meth:`pseudonyms`;
        ``pseudonymise=False`` keeps the stored ids (for reproducing a Polis export cell for cell).
        """
        from deliberation.importers.polis import write_polis_export

        c = self.get_consultation(consultation_id)
        statements, events = self.statements(consultation_id), self.vote_events(consultation_id)
        if pseudonymise:
            alias = self.pseudonyms(consultation_id)
            events = events.assign(participant=events["participant"].map(alias))
            statements = [st.model_copy(update={"author": alias.get(st.author) if st.author else None})
                          for st in statements]
            groups = {alias[p]: g for p, g in groups.items() if p in alias} if groups else groups
        return write_polis_export(folder, statements, events,
                                  question=c.question, description=c.description, groups=groups)


def _read_only_sqlite_url(path: Path) -> str:
    """URL that reads a WAL-mode SQLite file on a read-only file system: ``mode=ro`` when its -wal
    and -shm files exist (SQLite reads them), else ``immutable=1`` (nothing can change it)."""
    path = Path(path).resolve()
    wal = all(Path(f"{path}{ext}").exists() for ext in ("-wal", "-shm"))
    # percent-encoded twice (SQLAlchemy's URL parser decodes the path once, SQLite's URI parser once
    # more): a "%", "?" or "#" in the path would otherwise garble or end the file name
    return f"sqlite:///file:{quote(quote(str(path)))}?mode=ro{'' if wal else '&immutable=1'}&uri=true"


def _sqlite_pragmas_ro(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")  # first: switching to WAL may wait too
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


@contextmanager
def _schema_lock(engine: Engine):
    """A transaction holding the cross-process schema lock: PostgreSQL takes an advisory lock,
    SQLite the write lock (BEGIN IMMEDIATE, waits the busy timeout)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK_KEY})")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn


def _index_names(engine: Engine) -> set[str]:
    """Names of the indexes in the database (one query on SQLite and PostgreSQL)."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars())
        if conn.dialect.name == "postgresql":
            return set(conn.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()").scalars())
    insp = inspect(engine)
    return {ix["name"] for t in Base.metadata.tables for ix in insp.get_indexes(t)}


def _create_tables(engine: Engine, *, writable: bool = True) -> None:
    """Create missing tables, serialised between processes: several processes opening one empty
    database at once would otherwise race between "does the table exist?" and CREATE TABLE.

    When the tables exist (``create_all`` would not add indexes to them), indexes added to the
    schema since the database was made (e.g. ``ix_vote_events_participant``) are created, under
    the same lock. A failure there (a read-only role or replica, a full disk) is logged and the
    store opens anyway: a missing index costs speed, not correctness."""
    if not set(Base.metadata.tables) <= set(inspect(engine).get_table_names()):
        with _schema_lock(engine) as conn:
            Base.metadata.create_all(conn)
        return
    if not writable:
        return
    have = _index_names(engine)
    missing = [ix for t in Base.metadata.sorted_tables for ix in t.indexes if ix.name not in have]
    if not missing:
        return  # the usual case: nothing to create, no lock taken
    try:
        with _schema_lock(engine) as conn:
            for ix in missing:
                log.info("creating index %s (added to the schema after this database was made)", ix.name)
                ix.create(conn, checkfirst=True)
    except (SQLAlchemyError, StorageError) as e:
        log.warning("could not create the missing indexes %s: %s", [ix.name for ix in missing], e)


def _storable_id(value: str) -> bool:
    """Whether an external id fits the columns on every backend (PostgreSQL text cannot hold NUL)."""
    return 0 < len(value) <= MAX_ID_CHARS and "\x00" not in value


def _check_id(value: object, what: str) -> None:
    if not isinstance(value, str) or not _storable_id(value):
        raise InputError(f"{str(value)[:PREVIEW_CHARS]!r} is not a valid id (empty, over {MAX_ID_CHARS} characters "
                         "or a NUL character)", what)


def _unique_violation(e: IntegrityError) -> bool:
    """Whether an IntegrityError is a unique-constraint violation (not e.g. a foreign key)."""
    code = getattr(e.orig, "sqlstate", None)
    if code is not None:  # PostgreSQL: unique_violation
        return code == "23505"
    return "unique constraint" in str(e.orig).lower()


def _utc(dt: datetime | None) -> datetime | None:
    """Stored times as aware UTC on every backend (SQLite hands back naive UTC, PostgreSQL aware)."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _upsert_vote(s: Session, dialect: str, cid: int, pid: int, sid: int, value: int, at: int) -> None:
    values = dict(consultation_id=cid, participant_id=pid, statement_id=sid, value=value, at_ms=at)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dinsert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dinsert
    else:  # generic fallback
        n = s.execute(update(VoteRow).where(VoteRow.participant_id == pid, VoteRow.statement_id == sid)
                      .values(value=value, at_ms=at)).rowcount
        if n == 0:
            s.execute(insert(VoteRow).values(**values))
        return
    stmt = dinsert(VoteRow).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["participant_id", "statement_id"],
                                      set_={"value": value, "at_ms": at})
    s.execute(stmt)


def _fetch_int_columns(s: Session, stmt, n_cols: int, batch: int = 500_000) -> list[np.ndarray]:
    """Run a SELECT of integer columns on the DBAPI cursor into int64 arrays, a batch at a time:
    at most ``batch`` rows exist as Python tuples at once. SQLite's cursor steps through the
    result as it is fetched; on PostgreSQL (psycopg) a server-side cursor does the same (psycopg's
    default cursor would load the whole result into memory at execute)."""
    conn = s.connection()  # begins the session's transaction: a server-side cursor lives in it
    compiled = stmt.compile(dialect=conn.dialect)
    params = compiled.params
    if compiled.positional:
        params = tuple(params[k] for k in compiled.positiontup)
    dbapi_conn = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        cur = dbapi_conn.cursor(name=f"deliberation_fetch_{secrets.token_hex(8)}")
    else:
        cur = dbapi_conn.cursor()
    parts = []
    try:
        cur.execute(str(compiled), params)
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                break
            parts.append(np.array(rows, dtype=np.int64).reshape(len(rows), n_cols))
    finally:
        cur.close()
    out = np.concatenate(parts) if parts else np.zeros((0, n_cols), dtype=np.int64)
    return [np.ascontiguousarray(out[:, j]) for j in range(n_cols)]


def _lookup(keys: np.ndarray, values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """values[i] where keys[i] == x, for every element of x (keys distinct); -1 where x is no key."""
    if not len(x) or not len(keys):
        return np.full(len(x), -1, dtype=np.int64)
    order = np.argsort(keys)
    sk, sv = keys[order], values[order]
    pos = np.minimum(np.searchsorted(sk, x), len(sk) - 1)
    return np.where(sk[pos] == x, sv[pos], -1)


def _fetch_all(s: Session, stmt) -> list[tuple]:
    """Run a SELECT on the DBAPI cursor: plain tuples, no Row objects (5x faster for big vote tables)."""
    conn = s.connection()
    compiled = stmt.compile(dialect=conn.dialect)
    params = compiled.params
    if compiled.positional:
        params = tuple(params[k] for k in compiled.positiontup)
    cur = conn.connection.dbapi_connection.cursor()
    try:
        cur.execute(str(compiled), params)
        return cur.fetchall()
    finally:
        cur.close()


def _bulk_insert(s: Session, table, columns: list[str], rows: list[tuple]) -> None:
    """Plain DBAPI executemany: ~10x faster than ORM inserts for hundreds of thousands of votes."""
    if not rows:
        return
    conn = s.connection()
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        # COPY: ~5x faster than executemany on PostgreSQL; same connection, same transaction
        cur = conn.connection.dbapi_connection.cursor()
        try:
            with cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cur.close()
        return
    style = conn.dialect.paramstyle
    ph = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(style)
    if ph is None:  # named / numeric styles: let SQLAlchemy bind the values
        for chunk in _chunks([dict(zip(columns, r)) for r in rows], BULK_BATCH):
            s.execute(insert(table), chunk)
        return
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([ph] * len(columns))})"
    for chunk in _chunks(rows, BULK_BATCH):
        conn.exec_driver_sql(sql, chunk)


def _vote_rows(cid: int, p: np.ndarray, s: np.ndarray, v: np.ndarray, at: np.ndarray):
    """Vote rows (consultation, participant, statement, value, at_ms or None) in batches of BULK_BATCH."""
    for i in range(0, len(p), BULK_BATCH):
        a = at[i:i + BULK_BATCH]
        at_obj = np.where(np.isnan(a), None, np.nan_to_num(a).astype(np.int64)).astype(object).tolist()
        yield list(zip([cid] * len(a), p[i:i + BULK_BATCH].tolist(), s[i:i + BULK_BATCH].tolist(),
                       v[i:i + BULK_BATCH].tolist(), at_obj))


#: SQLite page cache (KiB) during a bulk import: with the default 2 MB, inserting millions of votes
#: spent most of its time re-reading index pages; the cache is set back afterwards (pages freed).
BULK_CACHE_KIB = 256_000


@contextmanager
def _bulk_cache(s: Session):
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    old = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    done = False
    try:
        yield
        done = True
    finally:
        try:
            conn.exec_driver_sql(f"PRAGMA cache_size={int(old)}")
        except Exception:
            if done:
                raise
            # the import already failed (e.g. disk full): keep its exception, not this one
            log.warning("could not reset the SQLite cache size after a failed import", exc_info=True)


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _consultation(r: ConsultationRow) -> Consultation:
    return Consultation(id=r.id, code=r.code, question=r.question, description=r.description,
                        moderator_secret_hash=r.secret_hash, language=r.language, settings=r.settings or {},
                        created_at=_utc(r.created_at))


def _statement(r: StatementRow, authors: dict[int, str]) -> Statement:
    return Statement.model_construct(
        id=r.id, consultation_id=r.consultation_id, external_id=r.external_id, text=r.text,
        author=authors.get(r.author_id) if r.author_id else None, language=r.language,
        moderation=ModerationStatus(r.moderation), moderation_reason=r.moderation_reason or "",
        is_draft=bool(r.is_draft), created_at=_utc(r.created_at), updated_at=_utc(r.updated_at))


def _draft(r: DraftRow) -> Draft:
    return Draft(id=r.id, consultation_id=r.consultation_id, kind=r.kind, speaks_for=r.speaks_for,
                 sentences=[DraftSentence(**x) for x in r.sentences], drafter=r.drafter, status=r.status,
                 notes=r.notes or "", created_at=_utc(r.created_at))
