"""Who may act, and when: the voting window on published drafts, moderator sign-in sessions,
participants' personal tokens and the per-participant rate limits. A mixin of :class:`~deliberation.storage.store.Store`.

The voting window lives in the database (not in a file beside one app process), so every app
instance and the command line see the same one, and ``Store.cast_vote`` checks it in the vote's
own transaction: a vote that commits after the close committed is impossible.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from deliberation.errors import AccessDenied, InputError, NotFoundError, RateLimited, VotingClosed
from deliberation.ratelimit import explain
from deliberation.words import said
from deliberation.storage.tables import (
    ConsultationRow,
    ModeratorSessionRow,
    ParticipantRow,
    StatementRow,
    VoteEventRow,
    VotingWindowRow,
)

#: How long a moderator stays signed in on one browser without signing in again (hours).
MODERATOR_SESSION_HOURS = 12
#: Random bytes in a participant's personal token and a moderator's session token.
TOKEN_BYTES = 18
#: Prefixes of participant ids made from a personal token and from an embedding site's ``xid``.
TOKEN_PREFIX, XID_PREFIX = "t-", "xid:"
#: scrypt cost parameters for the moderator secret hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


#: Longest ``xid`` (an embedding site's own id of its user) a participant's address may carry.
MAX_XID_CHARS = 100
#: Shortest moderator secret a moderator may choose (a generated one is 16 characters).
MIN_SECRET_CHARS = 8


#: bytes of a generated moderator secret (16 URL-safe characters)
SECRET_BYTES = 12


def new_secret() -> str:
    """A moderator secret for a new consultation whose moderator chose none."""
    return secrets.token_urlsafe(SECRET_BYTES)


def check_chosen_secret(secret: str | None) -> None:
    """Refuse a moderator's own secret shorter than :data:`MIN_SECRET_CHARS` (None or empty: one is
    generated); the console and the command line share this rule (the CLI took a 1-character one)."""
    if secret and len(secret) < MIN_SECRET_CHARS:
        raise InputError(said("input.short_secret", n_chars=MIN_SECRET_CHARS))


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


def _utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def draft_key(draft_ids) -> str:
    return json.dumps(sorted(str(i) for i in draft_ids))


def new_token() -> str:
    """A random URL-safe token (personal link, moderator session)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def participant_for_token(token: str) -> str:
    """The participant id a personal token stands for: a hash, so the database never holds the
    token itself (whoever reads the database cannot act as the participant)."""
    token = (token or "").strip()
    if not token or len(token) > 200:
        raise AccessDenied(said("input.bad_link"))
    return TOKEN_PREFIX + _sha256("participant:" + token)[:32]


def participant_for_xid(xid: str) -> str:
    """The participant id of an embedding site's external id (Polis's ``xid``): one participant per
    xid and consultation; the site is trusted to pass its own users' ids."""
    xid = " ".join((xid or "").split())
    if not xid or len(xid) > MAX_XID_CHARS or "\x00" in xid:
        raise AccessDenied(said("input.xid_invalid", n_chars=MAX_XID_CHARS))
    return XID_PREFIX + xid


@dataclass(frozen=True)
class VotingWindow:
    """One publication's voting window (see :class:`~deliberation.storage.tables.VotingWindowRow`)."""

    consultation_id: int
    round: int
    draft_ids: tuple[str, ...]
    opened_at: datetime | None
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None

    @property
    def state(self) -> str:
        """``"not opened"``, ``"open"`` or ``"closed"``."""
        if self.closed_at is not None:
            return "closed"
        return "open" if self.opened_at is not None else "not opened"


def _window(r: VotingWindowRow) -> VotingWindow:
    return VotingWindow(r.consultation_id, r.round, tuple(r.draft_ids or ()), _utc(r.opened_at), _utc(r.closed_at))


class SessionsMixin:
    """Voting windows, moderator sessions, per-participant rate limits; needs ``self.session()``,
    ``self._require``, ``self.engine`` and ``self.limits``."""

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

    # ---- voting window -----------------------------------------------------------------
    def voting_window(self, consultation_id: int, draft_ids) -> VotingWindow | None:
        """The window of exactly these published drafts, or None if it was never opened."""
        with self.session() as s:
            row = s.scalar(select(VotingWindowRow).where(VotingWindowRow.consultation_id == consultation_id,
                                                         VotingWindowRow.draft_key == draft_key(draft_ids)))
            return _window(row) if row is not None else None

    def open_voting(self, consultation_id: int, draft_ids, round: int = 0) -> VotingWindow:
        """Open voting on these published drafts (closing any other open window of the consultation).
        A window that was closed stays closed: its votes were counted."""
        ids = sorted(str(i) for i in draft_ids)
        if not ids:
            raise NotFoundError(said("input.no_drafts_to_open"))
        key = draft_key(ids)
        with self.session() as s, s.begin():
            self._require(s, consultation_id)
            now = _now()
            s.execute(update(VotingWindowRow)
                      .where(VotingWindowRow.consultation_id == consultation_id, VotingWindowRow.draft_key != key,
                             VotingWindowRow.opened_at.is_not(None), VotingWindowRow.closed_at.is_(None))
                      .values(closed_at=now))
            row = s.scalar(select(VotingWindowRow).where(VotingWindowRow.consultation_id == consultation_id,
                                                         VotingWindowRow.draft_key == key))
            if row is None:
                row = VotingWindowRow(consultation_id=consultation_id, round=int(round), draft_key=key,
                                      draft_ids=ids, opened_at=now, closed_at=None)
                s.add(row)
            elif row.closed_at is not None:
                raise VotingClosed(said("input.closed_for_good"))
            elif row.opened_at is None:
                row.opened_at = now
            s.flush()
            return _window(row)

    def close_voting(self, consultation_id: int, draft_ids) -> VotingWindow | None:
        """Close voting on these drafts; returns once the close is committed (so a tally that starts
        afterwards counts exactly the votes that were accepted). Closing twice is harmless; closing
        a window never opened records it as closed (nobody could vote). No drafts: nothing to close."""
        ids = sorted(str(i) for i in draft_ids)
        if not ids:
            return None
        key = draft_key(ids)
        with self.session() as s, s.begin():
            self._require(s, consultation_id)
            now = _now()
            # one UPDATE: on SQLite it takes the write lock, on PostgreSQL the row lock a racing
            # vote's transaction holds (see ``_check_voting_window``), so it waits for that vote
            n = s.execute(update(VotingWindowRow)
                          .where(VotingWindowRow.consultation_id == consultation_id, VotingWindowRow.draft_key == key,
                                 VotingWindowRow.closed_at.is_(None))
                          .values(closed_at=now)).rowcount
            row = s.scalar(select(VotingWindowRow).where(VotingWindowRow.consultation_id == consultation_id,
                                                         VotingWindowRow.draft_key == key))
            if row is None and n == 0:
                row = VotingWindowRow(consultation_id=consultation_id, round=0, draft_key=key, draft_ids=ids,
                                      opened_at=None, closed_at=now)
                s.add(row)
                s.flush()
            return _window(row)

    def _check_voting_window(self, s: Session, consultation_id: int, statement: str) -> None:
        """Inside a vote's transaction, before its insert: refuse a vote on a draft whose window is
        not open. The no-op UPDATE comes first: on SQLite it takes the database's write lock (the
        driver begins the transaction there), on PostgreSQL it locks the open windows' rows, which
        ``close_voting``'s UPDATE waits for; a close that committed first leaves nothing to match."""
        s.execute(update(VotingWindowRow)
                  .where(VotingWindowRow.consultation_id == consultation_id,
                         VotingWindowRow.opened_at.is_not(None), VotingWindowRow.closed_at.is_(None))
                  .values(round=VotingWindowRow.round))
        open_ids = s.scalars(select(VotingWindowRow.draft_ids)
                             .where(VotingWindowRow.consultation_id == consultation_id,
                                    VotingWindowRow.opened_at.is_not(None), VotingWindowRow.closed_at.is_(None))).all()
        if not any(statement in (ids or ()) for ids in open_ids):
            # the page says "Your vote was not stored: " before it ("…, so this vote was not stored" said it
            # twice), and names the item as its ballot does ("Draft 16"; "statement 16" read as another item)
            closed = any(statement in (ids or ()) for ids in s.scalars(
                select(VotingWindowRow.draft_ids).where(VotingWindowRow.consultation_id == consultation_id,
                                                        VotingWindowRow.closed_at.is_not(None))))
            raise VotingClosed(f"voting on the drafts has closed (Draft {statement})" if closed else
                               f"voting on this draft (Draft {statement}) has not opened yet", draft=statement,
                               closed=closed)

    # ---- moderator sessions ------------------------------------------------------------
    def create_moderator_session(self, consultation_id: int, secret: str | None,
                                 hours: float = MODERATOR_SESSION_HOURS) -> str:
        """Check the secret and return a new session token (only its hash is stored, with an expiry)."""
        self.require_moderator(consultation_id, secret)
        token = new_token()
        with self.session() as s, s.begin():
            s.execute(delete(ModeratorSessionRow).where(ModeratorSessionRow.expires_at < _now()))
            s.add(ModeratorSessionRow(token_hash=_sha256(token), consultation_id=consultation_id,
                                      expires_at=_now() + timedelta(hours=hours)))
        return token

    def moderator_session(self, token: str | None) -> int | None:
        """The consultation a moderator session token signs in to, or None (unknown or expired)."""
        if not token or len(token) > 200:
            return None
        with self.session() as s:
            row = s.get(ModeratorSessionRow, _sha256(token))
            if row is None or _utc(row.expires_at) <= _now():
                return None
            return row.consultation_id

    def require_moderator_session(self, consultation_id: int, token: str | None) -> None:
        if self.moderator_session(token) != consultation_id:
            with self.session() as s:
                if s.get(ConsultationRow, consultation_id) is None:
                    raise NotFoundError(said("input.no_consultation", n_id=consultation_id))
            raise AccessDenied(said("input.session_expired"))

    def end_moderator_session(self, token: str | None) -> None:
        if token:
            with self.session() as s, s.begin():
                s.execute(delete(ModeratorSessionRow).where(ModeratorSessionRow.token_hash == _sha256(token)))
