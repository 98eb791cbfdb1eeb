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
  its index is then created with the other missing indexes.

The rule of that digest changed once (a Chinese text's spaces next to its characters are no longer part of
its words, deliberation.wording.ballot_words): its index is named after the rule (``ix_statements_words``,
then ``ix_statements_words_cjk``, :data:`deliberation.storage.tables.WORDS_INDEX`), so a database whose index
has the old name holds digests of the old rule; :func:`rekey_words` makes them again and renames the index, in
one transaction under the schema lock. Until then (a database opened read-only) only the digests of texts with
such spaces differ, and the same-words check misses those.
* ``text_language`` (the language the detector tells for the text, ISO 639-1, ``""`` undetermined),
  detected here once for every stored statement but published drafts (:func:`fill_languages`;
  Lingua loads once for it),
  so that no later process detects a stored statement's language again.
* ``has_text`` (false on a Polis comment kept without its body,
  :attr:`deliberation.models.Statement.has_text`): true for every stored statement but the
  moderated-out ones that hold the import's placeholder (:func:`mark_textless`): before the column,
  the placeholder was the only sign, so it is read this once.

Tables added so far (``create_all`` makes them in a new database; an existing one gets them here,
with their indexes): ``pending_reviews`` (decisions clicked in a review and not yet submitted,
:class:`deliberation.storage.tables.PendingReviewRow`). A database that lacks only added tables
and cannot take them (opened read-only) opens without them: nothing there can take a click.

A row without ``words_key`` was written by a version from before these columns (an old app server
still running during a rolling deploy, a command from an old install): its ``origin`` is the
column's default, not what the writer meant. Such rows are filled at every open
(:func:`fill_unkeyed`, found through the small partial index ``ix_statements_unkeyed``); until then
the same-words check reads their words (:func:`deliberation.storage.room_reads.same_words`) and
reads give them the origin :data:`ROW_ORIGIN` says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import and_, bindparam, case, inspect, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from deliberation.errors import InputError, StorageError
from deliberation.models import UNUSABLE_TEXT, ModerationStatus, StatementOrigin
from deliberation.storage.room_reads import words_key
from deliberation.storage.tables import WORDS_INDEX, Base, StatementRow
from deliberation.text.languages import detect_languages
from deliberation.wording import listing

log = logging.getLogger(__name__)

#: Statements read and updated per batch while ``words_key`` is filled.
FILL_BATCH = 5_000
#: The columns added to ``statements`` since the first databases (their types and defaults are the
#: table's: :func:`_column_sql`).
ADDED_COLUMNS = ("origin", "words_key", "text_language", "has_text")
_T = StatementRow.__table__
#: The origin of a statement whose writer did not say it (a version from before origins): a
#: published draft, a participant's when it has an author, else "imported" (the moderator's
#: statements were stored like an import's, so nothing tells them apart). The rule of
#: :attr:`deliberation.models.Statement.stored_origin`, in SQL.
ROW_ORIGIN = case((_T.c.is_draft.is_(True), StatementOrigin.DRAFT.value),
                  (_T.c.author_id.is_not(None), StatementOrigin.PARTICIPANT.value),
                  else_=StatementOrigin.IMPORTED.value)
#: A statement's origin as reads give it: the stored one, or :data:`ROW_ORIGIN` for a row an old
#: version wrote (no ``words_key``) that :func:`fill_unkeyed` has not filled yet.
READ_ORIGIN = case((_T.c.words_key.is_(None), ROW_ORIGIN), else_=_T.c.origin)

#: Whether any statement lacks ``words_key`` (read at every open, from ``ix_statements_unkeyed``).
ANY_UNKEYED = select(_T.c.id).where(_T.c.words_key.is_(None)).limit(1)


def upgrade_needed(url: str, what: str = "statement origins") -> InputError:
    """The error of a database this version can only open once it is upgraded, when the upgrade
    cannot be done here (a read-only file, a role that does not own the tables), saying what to do."""
    return InputError("this database was made by an earlier version and needs a one-time "
                      f"upgrade ({what}) before this version can read it: run `deliberation "
                      "consultations` (or open the app once) where the database can be written, with the "
                      "database role that owns its tables", url)


def missing_columns(bind: Engine | Connection) -> list[str]:
    """The added columns an existing ``statements`` table lacks (none on a database made now)."""
    have = {c["name"] for c in inspect(bind).get_columns(StatementRow.__tablename__)}
    return [name for name in ADDED_COLUMNS if name not in have]


def missing_tables(bind: Engine | Connection) -> list[str]:
    """The schema's tables the database lacks, in the order they can be created."""
    have = set(inspect(bind).get_table_names())
    return [t.name for t in Base.metadata.sorted_tables if t.name not in have]


def upgrade(engine: Engine, lock: Callable[[Engine], AbstractContextManager[Connection]], *,
            writable: bool) -> None:
    """Add the tables and add and fill the columns an old database lacks, in one transaction under
    ``lock`` (the schema lock); nothing to do (the usual case) takes no lock. A database that needs
    the columns but cannot take them here (opened read-only, a role that does not own the tables)
    cannot be read by this version: :func:`upgrade_needed` says what to do; one that lacks only
    tables opens read-only without them."""
    columns, tables = missing_columns(engine), missing_tables(engine)
    if not columns and not tables:
        return
    if not writable:
        if columns:
            raise upgrade_needed(str(engine.url), _what(columns))
        log.info("opened read-only without the tables %s (added to the schema after this database was made)",
                 ", ".join(tables))
        return
    if "text_language" in columns:
        _detect_before_lock(engine)
    try:
        with lock(engine) as conn:
            for name in missing_tables(conn):  # another process may have upgraded it meanwhile
                log.info("creating table %s (added to the schema after this database was made)", name)
                Base.metadata.tables[name].create(conn)
            added = missing_columns(conn)
            for name in added:
                log.info("adding statements.%s (added to the schema after this database was made)", name)
                conn.exec_driver_sql(f"ALTER TABLE {_T.name} ADD COLUMN {_column_sql(conn, name)}")
            if "has_text" in added:
                mark_textless(conn)
            _fill(conn)
            fill_languages(conn)
    except (SQLAlchemyError, StorageError) as e:
        log.warning("could not upgrade the database: %s", e)
        raise upgrade_needed(str(engine.url), _what(columns)) from None


#: What adding each of :data:`ADDED_COLUMNS` upgrades, in words (:func:`_what`).
COLUMN_WORDS = {"origin": "statement origins", "words_key": "statement origins",
                "text_language": "the statements' languages", "has_text": "which statements have no text"}


def _what(columns: list[str]) -> str:
    """What the upgrade that adds ``columns`` (none: only tables) adds, in words: each thing it adds
    ("the statements' languages and which statements have no text")."""
    if not columns:
        return "a table of pending review decisions"
    return listing(list(dict.fromkeys(COLUMN_WORDS[c] for c in columns)))


def _column_sql(conn: Connection, name: str) -> str:
    """A column of ``statements`` as ADD COLUMN takes it: its name, its type compiled for the
    database, and its default (SQLite cannot add a NOT NULL column without one)."""
    col = _T.c[name]
    sql = f"{name} {col.type.compile(dialect=conn.dialect)}"
    if col.server_default is not None:
        sql += f" DEFAULT '{col.server_default.arg}'"
    return sql if col.nullable else f"{sql} NOT NULL"


def fill_unkeyed(engine: Engine, lock: Callable[[Engine], AbstractContextManager[Connection]]) -> None:
    """Fill the rows an old version wrote since (no ``words_key``; see the module's docstring), under
    ``lock``. Nothing to fill (the usual case) is one lookup in the empty ``ix_statements_unkeyed``
    and takes no lock. A failure (a role that may not update) is logged: the same-words check and
    reads do without the filled columns."""
    try:
        with engine.connect() as conn:
            if conn.execute(ANY_UNKEYED).first() is None:
                return
        with lock(engine) as conn:
            _fill(conn)
            fill_languages(conn)
    except (SQLAlchemyError, StorageError) as e:
        log.warning("could not fill the statements an earlier version stored: %s", e)


#: The name of the words' digest's index under the rules before :data:`WORDS_INDEX`'s (see the module's docstring).
OLD_WORDS_INDEXES = ("ix_statements_words",)


def rekey_words(engine: Engine, lock: Callable[[Engine], AbstractContextManager[Connection]],
                index_names: Callable[[Connection], set[str]]) -> None:
    """The words' digest of every statement made again under today's rule, then its index under today's
    name (:data:`WORDS_INDEX`) and the old one dropped: one transaction under ``lock``, each row rewritten only
    where its digest changed (a Chinese statement with spaces next to its characters), a batch at a time.
    Done by the first process that opens the database after the rule changed; a failure (a role that may
    not update) is logged, and the next open tries again."""
    try:
        with lock(engine) as conn:
            if WORDS_INDEX.name in index_names(conn):  # another process did it meanwhile
                return
            set_key = update(_T).where(_T.c.id == bindparam("row_id")).values(words_key=bindparam("key"))
            after, changed = 0, 0
            while rows := conn.execute(select(_T.c.id, _T.c.text, _T.c.words_key).where(
                    _T.c.words_key.is_not(None), _T.c.id > after).order_by(_T.c.id).limit(FILL_BATCH)).all():
                new = [{"row_id": i, "key": k} for i, text, key in rows if (k := words_key(text)) != key]
                if new:
                    conn.execute(set_key, new)
                changed, after = changed + len(new), rows[-1][0]
            log.info("made the words' digest of %d statements again under its new rule", changed)
            for old in OLD_WORDS_INDEXES:
                conn.exec_driver_sql(f"DROP INDEX IF EXISTS {old}")
            WORDS_INDEX.create(conn)
    except (SQLAlchemyError, StorageError) as e:
        log.warning("could not make the statements' words' digests again under the new rule: %s", e)


def mark_textless(conn: Connection, *where) -> None:
    """``has_text`` false on the statements (of ``where``; all by default) that a version from before
    the column stored without their text: moderated out, under the import's placeholder."""
    conn.execute(update(_T).where(_T.c.text == UNUSABLE_TEXT, _T.c.moderation == ModerationStatus.REJECTED.value,
                                  *where).values(has_text=False))


def _fill(conn: Connection) -> None:
    """The origin (:data:`ROW_ORIGIN`), ``words_key`` and ``has_text`` (:func:`mark_textless`) of every
    row without ``words_key`` (an old version wrote it), a batch at a time in id order."""
    no_key = _T.c.words_key.is_(None)
    mark_textless(conn, no_key)
    set_row = (update(_T).where(_T.c.id == bindparam("row_id"))
               .values(words_key=bindparam("key"), origin=bindparam("row_origin")))
    after = 0
    while True:
        rows = conn.execute(select(_T.c.id, _T.c.text, ROW_ORIGIN).where(no_key, _T.c.id > after)
                            .order_by(_T.c.id).limit(FILL_BATCH)).all()
        if not rows:
            return
        log.info("filling the origin and words' digest of %d statements stored without them", len(rows))
        conn.execute(set_row, [{"row_id": i, "key": words_key(text), "row_origin": o} for i, text, o in rows])
        after = rows[-1][0]


def _detect_before_lock(engine: Engine) -> None:
    """Ask Lingua about the statements :func:`fill_languages` will fill before the schema lock is
    taken (a read: other processes go on): loading Lingua's models is ~3 s of CPU, a minute on a busy
    machine, and held the lock so long that the other processes opening the database at that moment
    gave up waiting (SQLite's busy timeout: "database is locked", then "needs a one-time upgrade").
    :func:`detect_languages` remembers its answers, so the fill under the lock reads them from memory."""
    with engine.connect() as conn:
        texts = conn.execute(select(_T.c.text).where(_T.c.is_draft.is_(False))).scalars().all()
    detect_languages(texts)


def fill_languages(conn: Connection) -> None:
    """``text_language`` of every statement without it (all of a database from before the column;
    those an old version wrote since; not published drafts: see ``StatementRow``), detected (:func:`deliberation.text.detect_languages`) a
    batch at a time in id order. Until then readers detect those statements' languages themselves."""
    unknown = and_(_T.c.text_language.is_(None), _T.c.is_draft.is_(False))
    set_row = update(_T).where(_T.c.id == bindparam("row_id")).values(text_language=bindparam("lang"))
    after = 0
    while True:
        rows = conn.execute(select(_T.c.id, _T.c.text).where(unknown, _T.c.id > after)
                            .order_by(_T.c.id).limit(FILL_BATCH)).all()
        if not rows:
            return
        log.info("detecting the language of %d statements stored without it", len(rows))
        langs = detect_languages([text for _, text in rows])
        conn.execute(set_row, [{"row_id": i, "lang": lang} for (i, _), lang in zip(rows, langs)])
        after = rows[-1][0]
