"""Vote load on the on-disk store: many participants in several processes, then an exactness check.

    .venv/bin/python bench/bench_votes.py [--processes 4] [--participants 52] [--votes 20000]
                                          [--database-url postgresql+psycopg://user@host:port/db]

Without ``--database-url`` the store is a SQLite file in a temporary directory; with it, the
sample consultation is imported into that database (a new consultation each run) and the load
runs there, e.g. on PostgreSQL.

Each process drives ``Store.cast_vote`` (the call the participant page makes) for its share of
participants: random statements of the sample consultation, random agree/disagree/pass, about a
fifth of them changes of an earlier vote. Afterwards every acknowledged vote must be in the
history exactly once and every participant's current vote must be their last acknowledged one.
Prints votes/second (target >= 500) and the failure counts (target 0 lost, 0 duplicated).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deliberation.config import SAMPLE_CORPUS, Settings  # noqa: E402
from deliberation.ratelimit import UNLIMITED, RateLimits  # noqa: E402

TARGET_VOTES_PER_S = 500
#: share of votes that change an earlier vote of the same participant
CHANGE_SHARE = 0.2


def worker(args) -> list[tuple[str, str, int]]:
    import numpy as np

    from deliberation.storage import Store

    data_dir, url, cid, participants, statements, n, seed, limits = args
    store = Store(Settings(data_dir=Path(data_dir), database_url=url), limits=limits)
    rng = np.random.default_rng(seed)
    acks: list[tuple[str, str, int]] = []
    for k in range(n):
        pid = participants[k % len(participants)]
        if acks and rng.random() < CHANGE_SHARE:
            _, stmt, _ = acks[int(rng.integers(len(acks)))]
        else:
            stmt = statements[int(rng.integers(len(statements)))]
        value = int(rng.choice([1, -1, 0]))
        store.cast_vote(cid, pid, stmt, value)  # returns only after the commit
        acks.append((pid, stmt, value))
    return acks


def run_load(data_dir: Path, *, processes: int = 4, participants: int = 52, votes: int = 20_000,
             database_url: str | None = None, limits: RateLimits = UNLIMITED) -> dict:
    """Import the sample, then let ``processes`` processes cast ``votes`` votes for ``participants``
    new participants through ``Store.cast_vote``; check every acknowledged vote afterwards.

    Returns votes, elapsed seconds, votes/s, lost, duplicated, wrong_current and the backend name.
    ``limits`` are the per-participant rate limits the voters run under (default: none, since a
    benchmark replays votes faster than people cast them).
    """
    from collections import Counter

    from deliberation.importers.polis import read_polis_export
    from deliberation.storage import Store

    settings = Settings(data_dir=Path(data_dir), database_url=database_url)
    store = Store(settings, limits=limits)
    cid = store.import_bundle(read_polis_export(SAMPLE_CORPUS)).consultation_id
    before = len(store.vote_events(cid))
    statements = [s.external_id for s in store.statements(cid)]
    people = [store.add_participant(cid) for _ in range(participants)]
    shares = [people[i::processes] for i in range(processes)]
    per = votes // processes
    jobs = [(str(settings.data_dir), database_url, cid, shares[i], statements, per, 1000 + i, limits)
            for i in range(processes)]
    t0 = time.perf_counter()
    with mp.get_context("spawn").Pool(processes) as pool:
        results = pool.map(worker, jobs)
    elapsed = time.perf_counter() - t0
    acks = [a for r in results for a in r]
    events = store.vote_events(cid).iloc[before:]
    new = set(people)
    events = events[events["participant"].isin(new)]
    last: dict[tuple[str, str], int] = {}
    for pid, stmt, value in acks:  # each participant votes from one process, in order
        last[(pid, stmt)] = value
    current = store.current_votes(cid)
    current = current[current["participant"].isin(new)].set_index(["participant", "statement"])["vote"].to_dict()
    acked = Counter(acks)
    stored = Counter(zip(events["participant"], events["statement"], events["vote"].astype(int)))
    return {
        "backend": store.engine.dialect.name, "votes": len(acks), "elapsed_s": elapsed,
        "votes_per_s": len(acks) / elapsed,
        "lost": sum((acked - stored).values()), "duplicated": sum((stored - acked).values()),
        "wrong_current": sum(1 for k, v in last.items() if current.get(k) != v) + len(set(current) - set(last)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--processes", type=int, default=4)
    ap.add_argument("--participants", type=int, default=52)
    ap.add_argument("--votes", type=int, default=20_000)
    ap.add_argument("--database-url", default=None,
                    help="SQLAlchemy URL of the database to load (default: SQLite in a temporary directory)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        r = run_load(Path(tmp) / "data", processes=args.processes, participants=args.participants,
                     votes=args.votes, database_url=args.database_url)
    rate = r["votes_per_s"]
    print(f"backend: {r['backend']}")
    print(f"{r['votes']} votes from {args.participants} participants in {args.processes} processes "
          f"in {r['elapsed_s']:.1f} s: {rate:.0f} votes/s; ratio to the {TARGET_VOTES_PER_S} votes/s target "
          f"{rate / TARGET_VOTES_PER_S:.2f}x ({'PASS' if rate >= TARGET_VOTES_PER_S else 'FAIL'})")
    ok = r["lost"] == r["duplicated"] == r["wrong_current"] == 0
    print(f"lost {r['lost']}, duplicated {r['duplicated']}, wrong current votes {r['wrong_current']} "
          f"({'PASS' if ok else 'FAIL'})")


if __name__ == "__main__":
    main()
