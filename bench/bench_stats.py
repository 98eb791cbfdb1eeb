"""Speed of deliberation.analysis.statistics on a synthetic sparse matrix.

Run: cd /work/main && PYTHONPATH=. .venv/bin/python bench/bench_stats.py [n_participants n_statements votes_each]
Defaults: 100,000 participants x 10,000 statements, 50 votes each (5 million votes), 4 groups.
Prints the time of each stage, the peak RSS of the process and the peak memory that
compute_statistics itself allocates (tracemalloc).
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc

import numpy as np

from deliberation.analysis.statistics import StatsConfig, bridging_mf, compute_statistics, count_votes
from deliberation.votematrix import VoteMatrix


def synthetic(n: int, m: int, k: int, n_groups: int = 4, seed: int = 0) -> tuple[VoteMatrix, np.ndarray]:
    """Each participant votes on k distinct random statements; agree probability depends on
    the participant's group and the statement (so there is structure to find)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_groups, n)
    labels[rng.random(n) < 0.1] = -1  # 10% not in a group
    rows = np.repeat(np.arange(n, dtype=np.int32), k)
    # k distinct columns per row: random offset + stride trick (distinct since k < m)
    start = rng.integers(0, m, n)
    step = rng.integers(1, m // k, n)
    cols = ((start[:, None] + np.arange(k)[None, :] * step[:, None]) % m).astype(np.int32).ravel()
    p_agree = rng.random((n_groups + 1, m)) * 0.8
    g = np.where(labels < 0, n_groups, labels)[rows]
    u = rng.random(len(rows))
    pa = p_agree[g, cols]
    vals = np.where(u < pa, 1, np.where(u < pa + 0.15, 0, -1)).astype(np.int8)
    mat = VoteMatrix([str(i) for i in range(n)], [str(j) for j in range(m)], rows, cols, vals)
    return mat, labels


def main() -> None:
    n, m, k = (int(x) for x in sys.argv[1:4]) if len(sys.argv) >= 4 else (100_000, 10_000, 50)
    t = time.perf_counter()
    mat, labels = synthetic(n, m, k)
    print(f"synthetic matrix {n:,} x {m:,}, {mat.n_votes:,} votes: built in {time.perf_counter() - t:.2f}s")
    t = time.perf_counter()
    count_votes(mat, labels)
    print(f"count_votes (A_g, D_g, S_g):             {time.perf_counter() - t:.2f}s")
    t = time.perf_counter()
    bridging_mf(mat, rng=0)
    print(f"bridging_mf (ALS, {bridging_mf.last_sweeps} sweeps to tol 1e-3):    {time.perf_counter() - t:.2f}s")
    t = time.perf_counter()
    res = compute_statistics(mat, labels, StatsConfig(mf_enabled=False))
    print(f"compute_statistics without MF:            {time.perf_counter() - t:.2f}s")
    t = time.perf_counter()
    res = compute_statistics(mat, labels)
    print(f"compute_statistics with MF (default):     {time.perf_counter() - t:.2f}s")
    t = time.perf_counter()
    js = res.to_json()
    print(f"StatsResult -> JSON ({len(js) / 1e6:.0f} MB):              {time.perf_counter() - t:.2f}s")
    print(f"peak RSS of the whole run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    del res, js
    for label, cfg in [("without MF", StatsConfig(mf_enabled=False)), ("with MF", StatsConfig())]:
        tracemalloc.start()
        res = compute_statistics(mat, labels, cfg)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"compute_statistics {label}: peak extra memory {peak / 1e6:.0f} MB (tracemalloc)")
    print(f"consensus {len(res.consensus)}, majority {len(res.majority_agree)}, uncertain {len(res.uncertain)}, notes: {res.notes}")


if __name__ == "__main__":
    main()
