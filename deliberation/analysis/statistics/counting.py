"""Vote counts per statement, overall and per opinion group, straight from the COO triples.

Counting is O(number of votes): two ``np.bincount`` calls; no dense participants x statements
array is ever built (bench/bench_stats.py prints the time on a 100,000 x 10,000 matrix).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deliberation.votematrix import VoteMatrix


@dataclass
class VoteCounts:
    """Vote counts per statement, overall and per group (arrays indexed by matrix column).

    ``group_*`` arrays have shape (n_groups, n_statements); row k is group ``group_ids[k]``.
    """

    group_ids: np.ndarray  # (G,) the group labels, ascending
    group_sizes: np.ndarray  # (G,) members per group
    agree: np.ndarray  # (M,)
    disagree: np.ndarray
    seen: np.ndarray  # agree + disagree + pass
    group_agree: np.ndarray  # (G, M)
    group_disagree: np.ndarray
    group_seen: np.ndarray

    @property
    def passes(self) -> np.ndarray:
        return self.seen - self.agree - self.disagree

    @property
    def group_passes(self) -> np.ndarray:
        return self.group_seen - self.group_agree - self.group_disagree


def check_labels(labels, n_rows: int) -> np.ndarray:
    """One int64 group label per matrix row (-1 = in no group; None = nobody grouped), or a
    ValueError naming the problem."""
    if labels is None:
        return np.full(n_rows, -1, dtype=np.int64)
    arr = np.asarray(labels)
    if arr.ndim != 1 or len(arr) != n_rows:
        raise ValueError(
            f"labels must have one entry per participant (matrix row): got {arr.shape}, "
            f"expected ({n_rows},)"
        )
    if len(arr) and not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.isfinite(arr.astype(float))) or np.any(arr.astype(float) % 1 != 0):
            raise ValueError("labels must be integers (-1 = participant in no group)")
    arr = arr.astype(np.int64)
    return np.where(arr < 0, -1, arr)


def count_votes(matrix: VoteMatrix, labels: np.ndarray | None) -> VoteCounts:
    """A_g, D_g, S_g per statement and group, plus the overall counts.

    Two ``np.bincount`` calls over the COO triples (key = (group, column, vote)): O(votes) time
    and O(groups x statements) memory. It gives the same figures as multiplying
    a group-membership matrix by the CSR views ``matrix.values()`` / ``matrix.seen()`` without
    building (and sorting) those CSR matrices.
    """
    n, m = matrix.shape
    labels = check_labels(labels, n)
    in_group = labels >= 0
    group_ids = np.unique(labels[in_group])
    g = len(group_ids)
    # int32 keys while they fit (halves the memory of the per-vote temporaries)
    kt = np.int32 if 3 * (g + 1) * max(m, 1) < 2**31 else np.int64
    code = matrix.vals.astype(kt) + 1  # 0 disagree, 1 pass, 2 agree
    cols = matrix.cols.astype(kt)
    # overall: one bincount over key = column * 3 + code
    c3 = np.bincount(cols * 3 + code, minlength=3 * m).reshape(m, 3).astype(np.int64)

    row_group = np.full(n, -1, dtype=kt)
    row_group[in_group] = np.searchsorted(group_ids, labels[in_group])
    group_sizes = np.bincount(row_group[in_group], minlength=g).astype(np.int64)
    vg = row_group[matrix.rows]
    keep = vg >= 0
    # per group: one bincount over key = (group * n_statements + column) * 3 + code
    key = (vg[keep] * m + cols[keep]) * 3 + code[keep]
    del vg, keep, cols, code
    g3 = np.bincount(key, minlength=3 * g * m).reshape(g, m, 3).astype(np.int64)
    return VoteCounts(
        group_ids=group_ids,
        group_sizes=group_sizes,
        agree=c3[:, 2].copy(),
        disagree=c3[:, 0].copy(),
        seen=c3.sum(axis=1),
        group_agree=g3[:, :, 2].copy(),
        group_disagree=g3[:, :, 0].copy(),
        group_seen=g3.sum(axis=2),
    )
