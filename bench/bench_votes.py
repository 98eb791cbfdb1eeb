"""Vote load on the on-disk store: many participants in several processes, then an exactness check.

    .venv/bin/python bench/bench_votes.py [--processes 4] [--participants 52] [--votes 20000]

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

TARGET_VOTES_PER_S = 500
#: share of votes that change an earlier vote of the same participant
CHANGE_SHARE = 0.2


def worker(args) -> list[tuple[str, str, int]]:
    import numpy as np

    from deliberation.storage import Store

    data_dir, cid, participants, statements, n, seed = args
    store = Store(Settings(data_dir=Path(data_dir)))
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--processes", type=int, default=4)
    ap.add_argument("--participants", type=int, default=52)
    ap.add_argument("--votes", type=int, default=20_000)
    args = ap.parse_args()
    from deliberation.importers.polis import read_polis_export
    from deliberation.storage import Store

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        store = Store(settings)
        cid = store.import_bundle(read_polis_export(SAMPLE_CORPUS)).consultation_id
        before = len(store.vote_events(cid))
        statements = [s.external_id for s in store.statements(cid)]
        people = [store.add_participant(cid) for _ in range(args.participants)]
        shares = [people[i::args.processes] for i in range(args.processes)]
        per = args.votes // args.processes
        jobs = [(str(settings.data_dir), cid, shares[i], statements, per, 1000 + i) for i in range(args.processes)]
        t0 = time.perf_counter()
        with mp.get_context("spawn").Pool(args.processes) as pool:
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
        from collections import Counter

        acked = Counter(acks)
        stored = Counter(zip(events["participant"], events["statement"], events["vote"].astype(int)))
        lost = sum((acked - stored).values())
        duplicated = sum((stored - acked).values())
        wrong_current = sum(1 for k, v in last.items() if current.get(k) != v) + len(set(current) - set(last))
    rate = len(acks) / elapsed
    print(f"{len(acks)} votes from {args.participants} participants in {args.processes} processes "
          f"in {elapsed:.1f} s: {rate:.0f} votes/s (target >= {TARGET_VOTES_PER_S}: "
          f"{'PASS' if rate >= TARGET_VOTES_PER_S else 'FAIL'})")
    print(f"lost {lost}, duplicated {duplicated}, wrong current votes {wrong_current} "
          f"({'PASS' if lost == duplicated == wrong_current == 0 else 'FAIL'})")


if __name__ == "__main__":
    main()
