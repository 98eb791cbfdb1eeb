"""SQL plumbing of the store: opening SQLite (WAL, busy timeout, read-only file systems), creating
the schema under a cross-process lock, the vote upsert, and the bulk reads and writes that keep
imports and vote matrices of millions of votes fast on SQLite and PostgreSQL. Used by
:mod:`deliberation.storage.store`."""

from __future__ import annotations

import itertools
import logging
import secrets
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import numpy as np
from sqlalchemy import create_engine, insert, inspect, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from deliberation.errors import InputError, StorageError
from deliberation.storage import migrate
from deliberation.storage.tables import Base, VoteRow
from deliberation.words import said

log = logging.getLogger(__name__)

#: SQLite waits this long (ms) for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Rows per executemany batch in bulk imports.
BULK_BATCH = 50_000
#: Key of the PostgreSQL advisory lock that serialises ``create_all`` between processes.
SCHEMA_LOCK_KEY = 0x64656C6962  # "delib"

def _read_only_sqlite_url(path: Path) -> str:
    """URL that reads a WAL-mode SQLite file on a read-only file system: ``mode=ro`` when its -wal
    and -shm files exist (SQLite reads them), else ``immutable=1`` (nothing can change it)."""
    path = Path(path).resolve()
    wal = all(Path(f"{path}{ext}").exists() for ext in ("-wal", "-shm"))
    # percent-encoded twice (SQLAlchemy's URL parser decodes the path once, SQLite's URI parser once
    # more): a "%", "?" or "#" in the path would otherwise garble or end the file name
    return f"sqlite:///file:{quote(quote(str(path)))}?mode=ro{'' if wal else '&immutable=1'}&uri=true"


def _pragmas(dbapi_conn, pragmas: list[str]) -> None:
    """Run ``pragmas`` on a new SQLite connection (SQLAlchemy's ``connect`` event). Interrupted there
    (Ctrl-C, or SIGTERM's :class:`~deliberation.storage.runs.RunStopped` in an import: raised right
    after a statement ran), the connection is closed before the interruption goes on: SQLAlchemy does
    not close a connection whose connect event raised, and the exception's traceback kept it open with
    the ``journal_mode`` statement unfinished, holding the database's lock (the launcher stopped by
    ``deliberation stop`` then failed to open its own database: "database is locked")."""
    try:
        cur = dbapi_conn.cursor()
        try:
            for pragma in pragmas:
                cur.execute(pragma)
        finally:
            cur.close()
    except BaseException:
        dbapi_conn.close()
        raise


def _sqlite_pragmas_ro(dbapi_conn, _record) -> None:
    _pragmas(dbapi_conn, [f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"])


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    _pragmas(dbapi_conn, [f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",  # first: switching to WAL may wait too
                          "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"])


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


def _index_names(bind: Engine | Connection) -> set[str]:
    """Names of the indexes in the database (one query on SQLite and PostgreSQL; expression indexes,
    such as ``ix_statements_number``, included: SQLAlchemy's reflection skips them on SQLite)."""
    with (bind.connect() if isinstance(bind, Engine) else nullcontext(bind)) as conn:
        if conn.dialect.name == "sqlite":
            return set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars())
        if conn.dialect.name == "postgresql":
            return set(conn.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()").scalars())
    insp = inspect(bind)
    return {ix["name"] for t in Base.metadata.tables for ix in insp.get_indexes(t)}


def _create_tables(engine: Engine, *, writable: bool = True) -> None:
    """Create missing tables, serialised between processes: several processes opening one empty
    database at once would otherwise race between "does the table exist?" and CREATE TABLE.

    When the database has tables (``create_all`` would not add columns or indexes to them), tables
    and columns added since it was made are added (:mod:`deliberation.storage.migrate`), then
    indexes added to the schema since (e.g. ``ix_vote_events_participant``) are created, under
    the same lock. A failure there (a read-only role or replica, a full disk) is logged and the
    store opens anyway: a missing index costs speed, not correctness. Last, statements an earlier
    version stored since are filled (:func:`deliberation.storage.migrate.fill_unkeyed`)."""
    if not set(Base.metadata.tables) & set(inspect(engine).get_table_names()):  # a new database
        with _schema_lock(engine) as conn:
            Base.metadata.create_all(conn)
        return
    migrate.upgrade(engine, _schema_lock, writable=writable)
    if not writable:
        return
    have = _index_names(engine)
    missing = [ix for t in Base.metadata.sorted_tables for ix in t.indexes if ix.name not in have]
    if migrate.WORDS_INDEX in missing:  # digests of an earlier rule: made again, then the index (never before)
        migrate.rekey_words(engine, _schema_lock, _index_names)
        missing.remove(migrate.WORDS_INDEX)
    if missing:
        _create_indexes(engine, missing)
    migrate.fill_unkeyed(engine, _schema_lock)


def _create_indexes(engine: Engine, missing: list) -> None:
    """Create the ``missing`` indexes under the schema lock (logged when that fails)."""
    try:
        with _schema_lock(engine) as conn:
            have = _index_names(conn)  # another process may have made some meanwhile
            for ix in missing:
                if ix.name in have:
                    continue
                log.info("creating index %s (added to the schema after this database was made)", ix.name)
                ix.create(conn)
    except (SQLAlchemyError, StorageError) as e:
        log.warning("could not create the missing indexes %s: %s", [ix.name for ix in missing], e)


def _utc(dt: datetime | None) -> datetime | None:
    """Stored times as aware UTC on every backend (SQLite hands back naive UTC, PostgreSQL aware)."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _unique_violation(e: IntegrityError) -> bool:
    """Whether an IntegrityError is a unique-constraint violation (not e.g. a foreign key)."""
    code = getattr(e.orig, "sqlstate", None)
    if code is not None:  # PostgreSQL: unique_violation
        return code == "23505"
    return "unique constraint" in str(e.orig).lower()


def _upsert_vote(s: Session, dialect: str, cid: int, pid: int, sid: int, value: int, at: int) -> None:
    values = dict(consultation_id=cid, participant_id=pid, statement_id=sid, value=value, at_ms=at)
    if dialect == "sqlite":
        dinsert = sqlite_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dinsert  # lazy: PostgreSQL only, ~0.05 s
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
            # one flat iterator: ~3x faster than np.array over a list of tuples
            parts.append(np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64,
                                     count=len(rows) * n_cols).reshape(len(rows), n_cols))
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


def make_engine(url: str) -> Engine:
    """The engine of a database URL; one SQLAlchemy cannot open (a typo in the scheme, a driver
    not installed) is an InputError naming --database-url, not a NoSuchModuleError traceback."""
    try:
        return create_engine(url, future=True)
    except (ArgumentError, NoSuchModuleError) as e:
        raise InputError(said("input.database_url", error=str(e)), "--database-url") from None


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
            # the import already failed (disk full, Ctrl-C): keep its exception, not this one (a
            # warning with this traceback buried the one-line error); the pool drops the connection
            log.debug("could not reset the SQLite cache size after a failed import", exc_info=True)
            try:
                conn.invalidate()
            except Exception:  # noqa: BLE001 - the import's own error is the one to report
                pass


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]
