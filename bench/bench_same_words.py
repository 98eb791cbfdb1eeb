"""What the same-words check costs a participant's new statement: the indexed lookup against the
read of every visible statement it replaced.

    .venv/bin/python bench/bench_same_words.py [--statements 10000] [--adds 900] [--no-postgres]

``Store.add_statement`` refuses a participant's statement that says word for word what one they see
says, inside its transaction under the consultation's lock (so every add of the room waits for it).
Builds a consultation of ``--statements`` statements (authorless, as an import) in a temporary data
folder on SQLite, and on PostgreSQL when Debian's binaries are installed (a throwaway cluster,
tests/pg.py), then adds ``--adds`` statements of distinct participants, one after another, in the
same run, each way in turn (the adds split into rounds, the ways alternating, so load on the
machine hits them alike):

- before: both reads of an add as they were (b89f882): the check reading and normalising every
  visible statement in Python (:func:`read_all_same_words`), and the next free number read from
  every statement (:func:`scanned_last_number`), both kept here as they were;
- old: the old check with the next number as it is read now;
- new: the indexed lookup of the words' digest (``statements.words_key``, ``ix_statements_words_cjk``)
  and the next number read from ``ix_statements_number``.

Prints adds per second each way and the ratios; one of each way's adds is checked to refuse a
statement the room holds (every way still finds it). On PostgreSQL the statistics are taken after
the import (``ANALYZE``, as autovacuum does soon after a bulk load): without them the planner
reads the consultation's statements for the next number.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

#: rounds the adds are split into, alternating the two ways
ROUNDS = 3


def read_all_same_words(s, consultation_id: int, author_id: int, text: str):
    """The check before the indexed lookup (b89f882, deliberation/storage/room_reads.py): the
    consultation's visible statements read whole and compared in Python."""
    from sqlalchemy import or_, select

    from deliberation.storage.room_reads import HELD
    from deliberation.storage.tables import StatementRow as t
    from deliberation.wording import ballot_words

    words = ballot_words(text)
    rows = s.execute(select(t.external_id, t.text, t.author_id)
                     .where(t.consultation_id == consultation_id, t.is_draft.is_(False),
                            or_(t.author_id == author_id, t.moderation.not_in(HELD)))
                     .order_by(t.id))
    return next(((sid, own == author_id) for sid, said, own in rows if ballot_words(said) == words), None)


def scanned_last_number(s, consultation_id: int) -> int:
    """The next-number read before ix_statements_number (b89f882): its constants bound as parameters,
    so no index matches and every statement of the consultation is read and sorted."""
    from sqlalchemy import func, select

    from deliberation.storage.tables import StatementRow as t

    digits = (t.external_id.op("NOT GLOB")("*[^0-9]*") if s.get_bind().dialect.name == "sqlite"
              else t.external_id.op("!~")("[^0-9]"))
    bare = func.ltrim(t.external_id, "0")
    last = s.scalar(select(t.external_id).where(t.consultation_id == consultation_id, digits)
                    .order_by(func.length(bare).desc(), bare.desc()).limit(1))
    return -1 if last is None else int(last)


def _bundle(n: int):
    import pandas as pd

    from deliberation.importers.base import ImportBundle
    from deliberation.models import Statement

    statements = [Statement(external_id=str(j), text=f"Statement number {j}: the harbour road needs change {j % 97}.")
                  for j in range(n)]
    votes = pd.DataFrame({"participant": [], "statement": [], "vote": [], "timestamp": []})
    return ImportBundle(source="bench", statements=statements, votes=votes, question="A bench room?")


def _adds(store, cid: int, start: int, n: int) -> float:
    """Seconds for ``n`` adds by distinct participants."""
    t0 = time.perf_counter()
    for i in range(start, start + n):
        store.add_statement(cid, f"xid:b{i}", f"A new idea number {i} for the harbour road.")
    return time.perf_counter() - t0


def measure(name: str, settings, n_statements: int, n_adds: int) -> None:
    from deliberation.errors import SameWords
    from deliberation.ratelimit import UNLIMITED
    from deliberation.storage import Store
    from deliberation.storage import store as store_module

    store = Store(settings, limits=UNLIMITED)
    t0 = time.perf_counter()
    cid = store.import_bundle(_bundle(n_statements), secret="bench-same-words").consultation_id
    print(f"{name}: {n_statements:,} statements imported in {time.perf_counter() - t0:.1f} s")
    if store.server:
        with store.engine.begin() as c:  # what autovacuum does within a minute of a bulk load
            c.exec_driver_sql("ANALYZE statements")
        print("  (statistics taken after the import: PostgreSQL's planner uses the number index with them)")
    now = (store_module.same_words, store_module.last_statement_number)
    ways = {"before": (read_all_same_words, scanned_last_number), "old": (read_all_same_words, now[1]), "new": now}
    spent = dict.fromkeys(ways, 0.0)
    per = max(1, n_adds // (len(ways) * ROUNDS))
    done = 0
    for _ in range(ROUNDS):
        for way, (check, number) in ways.items():
            store_module.same_words, store_module.last_statement_number = check, number
            try:
                spent[way] += _adds(store, cid, done, per)
                done += per
                try:
                    store.add_statement(cid, "xid:again", "statement NUMBER 7: the harbour road needs change 7.")
                    raise AssertionError(f"{way}: the same words were stored")
                except SameWords as e:
                    assert e.statement == "7", e
            finally:
                store_module.same_words, store_module.last_statement_number = now
    rate = {way: per * ROUNDS / spent[way] for way in ways}
    print(f"  adds per second, before (both read every statement)           {rate['before']:8.1f}")
    print(f"  adds per second, old check (read every visible statement)     {rate['old']:8.1f}")
    print(f"  adds per second, new (indexed words, indexed next number)     {rate['new']:8.1f}   "
          f"new/old {rate['new'] / rate['old']:5.1f}x   new/before {rate['new'] / rate['before']:5.1f}x")
    store.engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--statements", type=int, default=10_000)
    ap.add_argument("--adds", type=int, default=900)
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = ap.parse_args()

    import pg

    with tempfile.TemporaryDirectory(prefix="bench-same-words-") as tmp:
        for name, settings in pg.bench_backends(Path(tmp), with_postgres=not args.no_postgres):
            measure(name, settings, args.statements, args.adds)


if __name__ == "__main__":
    main()
