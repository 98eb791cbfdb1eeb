"""Synthetic vote matrices with known opinion camps (tests and benchmarks of the grouping)."""

from __future__ import annotations

import numpy as np

from deliberation.votematrix import VoteMatrix

def synthetic_camps(
    n_participants: int,
    n_statements: int,
    votes_per_participant: float,
    n_camps: int,
    rng: np.random.Generator | int = 0,
    *,
    separation: float = 3.0,
    pass_rate: float = 0.2,
    popularity_spread: float = 1.0,
) -> tuple[VoteMatrix, np.ndarray]:
    """A sparse vote matrix with known opinion camps, and each participant's camp (0..n_camps-1).

    Each participant belongs to one camp (uniformly at random). For statement j and camp c the
    agree probability is sigmoid(t_j + separation * z_cj), with a shared tendency t_j ~ N(0, 1)
    and a camp-specific z_cj ~ N(0, 1), so camps differ statement by statement. A participant
    votes on ~Poisson(votes_per_participant) distinct statements (at least 1), drawn with
    probability proportional to a log-normal popularity (sigma ``popularity_spread``: some
    statements are shown far more than others, as with Polis's routing); each vote is a pass
    with probability ``pass_rate``, otherwise agree with the camp's probability, else disagree.
    """
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    n, m = int(n_participants), int(n_statements)
    camps = gen.integers(0, n_camps, n)
    theta = gen.normal(0.0, 1.0, m)[None, :] + separation * gen.normal(0.0, 1.0, (n_camps, m))
    p_agree = 1.0 / (1.0 + np.exp(-theta))
    popularity = gen.lognormal(0.0, popularity_spread, m)
    popularity /= popularity.sum()
    counts = np.clip(gen.poisson(votes_per_participant, n), 1, m)
    rows = np.repeat(np.arange(n, dtype=np.int64), counts)
    cols = gen.choice(m, size=len(rows), p=popularity)
    key = np.unique(rows * m + cols)  # a statement drawn twice for one participant is one vote
    rows, cols = (key // m).astype(np.int32), (key % m).astype(np.int32)
    agree = gen.random(len(rows)) < p_agree[camps[rows], cols]
    passed = gen.random(len(rows)) < pass_rate
    vals = np.where(passed, 0, np.where(agree, 1, -1)).astype(np.int8)
    matrix = VoteMatrix([str(i) for i in range(n)], [str(j) for j in range(m)], rows, cols, vals)
    return matrix, camps
