"""Upgrades of a database made by an earlier version, run when a Store opens it.

The schema has no version number: ``create_all`` makes missing tables, and
:func:`deliberation.storage.sql._create_tables` then adds what later versions put into existing
tables, found by looking (indexes by name, columns here), each step idempotent and run under the
cross-process schema lock, so several processes opening one old database at once upgrade it once.

Columns added so far, to ``statements``:

* ``origin`` (who brought the statement in, :class:`deliberation.models.StatementOrigin`): a
  statement with an author becomes "participant", a published draft "draft", and one without an
  author "imported". The moderator's seed statements were stored like an import's authorless
  statements before, so nothing tells them apart: they become "imported" too.
* ``words_key`` (the digest the same-words check looks up,
  :func:`deliberation.storage.room_reads.words_key`), computed here for every stored statement;
  its index ``ix_statements_words`` is then created with the other missing indexes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.engine import Connection, Engine

from deliberation.errors import InputError
from deliberation.models import StatementOrigin
from deliberation.storage.room_reads import words_key
from deliberation.storage.tables import StatementRow

log = logging.getLogger(__name__)

#: Statements read and updated per batch while ``words_key`` is filled.
FILL_BATCH = 5_000
#: The columns added to ``statements`` since the first databases, with their SQL (both dialects).
ADDED_COLUMNS = {
    "origin": f"VARCHAR(16) NOT NULL DEFAULT '{StatementOrigin.IMPORTED.value}'",
    "words_key": "VARCHAR(64)",
}


def missing_columns(bind: Engine | Connection) -> list[str]:
    """The added columns an existing ``statements`` table lacks (none on a database made now)."""
    have = {c["name"] for c in inspect(bind).get_columns(StatementRow.__tablename__)}
    return [name for name in ADDED_COLUMNS if name not in have]


def upgrade(engine: Engine, lock: Callable[[Engine], AbstractContextManager[Connection]], *,
            writable: bool) -> None:
    """Add and fill the columns an old database lacks, in one transaction under ``lock`` (the schema
    lock); nothing to do (the usual case) takes no lock. A database that needs it but is opened
    read-only cannot be read by this version: that is said in words."""
    if not missing_columns(engine):
        return
    if not writable:
        raise InputError("this database was made by an earlier version and must be upgraded once "
                         "(statement origins); open it once where it can be written", str(engine.url))
    with lock(engine) as conn:
        missing = missing_columns(conn)  # another process may have upgraded it meanwhile
        for name in missing:
            log.info("adding statements.%s (added to the schema after this database was made)", name)
            conn.exec_driver_sql(f"ALTER TABLE {StatementRow.__tablename__} ADD COLUMN {name} {ADDED_COLUMNS[name]}")
        if "origin" in missing:
            _fill_origin(conn)
        if "words_key" in missing:
            _fill_words_key(conn)


def _fill_origin(conn: Connection) -> None:
    t = StatementRow.__table__
    conn.execute(update(t).where(t.c.author_id.is_not(None)).values(origin=StatementOrigin.PARTICIPANT.value))
    conn.execute(update(t).where(t.c.is_draft.is_(True)).values(origin=StatementOrigin.DRAFT.value))


def _fill_words_key(conn: Connection) -> None:
    """Every statement's ``words_key``, a batch at a time in id order."""
    t = StatementRow.__table__
    set_key = update(t).where(t.c.id == bindparam("row_id")).values(words_key=bindparam("key"))
    after = 0
    while True:
        rows = conn.execute(select(t.c.id, t.c.text).where(t.c.id > after).order_by(t.c.id).limit(FILL_BATCH)).all()
        if not rows:
            return
        conn.execute(set_key, [{"row_id": i, "key": words_key(text)} for i, text in rows])
        after = rows[-1][0]
