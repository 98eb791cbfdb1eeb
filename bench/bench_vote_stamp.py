"""What each look of a live page costs the store: the vote stamp, with and without counting the events.

    .venv/bin/python bench/bench_vote_stamp.py [--participants 2000] [--statements 100] [--rounds 200]
                                               [--no-postgres]

Every open page of a room (board, projector, participant pages) asks about once a second per
server whether the votes have changed (``LiveVotes.current()``, deliberation/live_votes.py, through
``Store.vote_stamp``). Builds a synthetic room where every participant voted on every statement
(2,000 x 100: 200,000 vote events) in a temporary data folder on SQLite, and on PostgreSQL when
Debian's binaries are installed (a throwaway cluster, tests/pg.py), then measures per look, median
of ``--rounds``, in the same run:

- old: the stamp as every look took it before (the count and the largest id of the vote events
  and of the participants: ``vote_stamp(counted=True)``, the same SQL);
- new: the stamp as a look takes it now (the largest ids only: ``vote_stamp(counted=False)``);
- a whole look (``LiveVotes.current()`` on an unchanged room, not due for its full read).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

#: one seeded RNG for the synthetic votes
SEED = 0


def _bundle(n_p: int, n_s: int):
    import numpy as np
    import pandas as pd

    from deliberation.importers.base import ImportBundle
    from deliberation.models import Statement

    rng = np.random.default_rng(SEED)
    statements = [Statement(external_id=str(j), text=f"Statement number {j} about the harbour road.")
                  for j in range(n_s)]
    people = [f"p{i}" for i in range(n_p)]
    votes = pd.DataFrame({"participant": np.repeat(people, n_s), "statement": np.tile([str(j) for j in range(n_s)], n_p),
                          "vote": rng.integers(-1, 2, n_p * n_s), "timestamp": np.arange(n_p * n_s, dtype="float64")})
    return ImportBundle(source="bench", statements=statements, votes=votes, question="A bench room?",
                        participants=people)


def _median_ms(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def measure(name: str, settings, bundle, rounds: int) -> None:
    from deliberation.live_votes import LiveVotes
    from deliberation.ratelimit import UNLIMITED
    from deliberation.storage import Store

    store = Store(settings, limits=UNLIMITED)
    t0 = time.perf_counter()
    cid = store.import_bundle(bundle, secret="bench-stamp-secret").consultation_id
    print(f"{name}: room of {len(bundle.participants):,} x {len(bundle.statements):,} "
          f"({len(bundle.votes):,} vote events) imported in {time.perf_counter() - t0:.1f} s")
    live = LiveVotes(store, cid, full_read_s=3600.0)
    live.current()
    old = _median_ms(lambda: store.vote_stamp(cid, counted=True), rounds)
    new = _median_ms(lambda: store.vote_stamp(cid, counted=False), rounds)
    look = _median_ms(live.current, rounds)
    assert live.whole_reads == 1
    print(f"  stamp per look, old (counted)       {old:8.3f} ms")
    print(f"  stamp per look, new (largest ids)   {new:8.3f} ms   old/new {old / new:6.1f}x")
    print(f"  LiveVotes.current(), unchanged room {look:8.3f} ms   old stamp/look {old / look:6.1f}x")
    store.engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--participants", type=int, default=2000)
    ap.add_argument("--statements", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = ap.parse_args()

    bundle = _bundle(args.participants, args.statements)
    import pg

    with tempfile.TemporaryDirectory(prefix="bench-stamp-") as tmp:
        for name, settings in pg.bench_backends(Path(tmp), with_postgres=not args.no_postgres):
            measure(name, settings, bundle, args.rounds)


if __name__ == "__main__":
    main()
