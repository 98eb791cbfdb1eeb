"""Polis's clustering of the opinion map: its k-means (compdemocracy/polis
math/src/polismath/math/clusters.clj, ported exactly), the base clusters and the group step with
k chosen by silhouette (conversation.clj), and the seeded cold-start restarts of
deliberation.analysis.groups with the choice of the most typical run.

Why not scikit-learn's ``KMeans``: Polis's k-means drops clusters left without members and stops
when no centre moved by an absolute 0.01, while sklearn relocates empty clusters and stops on a
relative tolerance; on the real conversations that changes the groups (vTaiwan: ARI against
Polis's group-id 0.93 with this port, 0.23 with sklearn's; ``bench/bench_group_fidelity.py
--kmeans`` measures it). Silhouette and the adjusted Rand index between restarts are
scikit-learn's formulas without its input checks (:func:`silhouette`, :func:`adjusted_rand`, why there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from deliberation.analysis.groups import GroupingConfig, GroupingResult

#: up to this many point-centre pairs, distances are computed directly (faster than a tree)
_BRUTE_FORCE_PAIRS = 300_000
#: the silhouette sums each point's distances by cluster for this many (point, point) pairs at a
#: time (a bounded index array: 2,000 sampled participants would need 4 million at once)
_SILHOUETTE_BLOCK = 262_144


def assign(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Nearest centre of each point: directly for small problems, else by k-d tree (the map
    has only a few dimensions)."""
    if len(X) * len(C) <= _BRUTE_FORCE_PAIRS:
        d = (X[:, None, 0] - C[None, :, 0]) ** 2
        for j in range(1, X.shape[1]):
            d += (X[:, None, j] - C[None, :, j]) ** 2
        return d.argmin(1)
    from scipy.spatial import cKDTree  # lazy: scipy.spatial takes ~0.1 s and ~16 MB to import

    return cKDTree(C).query(X, k=1)[1].astype(np.int64)


def centres(X: np.ndarray, lab: np.ndarray, w: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of each cluster's members, and which clusters have members."""
    d = X.shape[1]
    tot = np.bincount(lab, weights=w, minlength=k)
    cell = (lab[:, None] * d + np.arange(d)[None, :]).ravel()
    C = np.bincount(cell, weights=(w[:, None] * X).ravel(), minlength=k * d).reshape(k, d)
    nonempty = tot > 0
    C[nonempty] /= tot[nonempty][:, None]
    return C, nonempty


def lloyd(X: np.ndarray, C: np.ndarray, w: np.ndarray, max_iters: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Polis's k-means, clusters.clj kmeans / cluster-step.

    Each step assigns every point to its nearest centre, drops clusters left without members
    ("Filter out clusters that don't have any members"), and moves each centre to the weighted
    mean of its members (weighted-mean); the loop stops after max-iters steps or when no
    centre moved by ``tol`` (same-clustering?). Returns the last assignment and the centres
    computed from it (the members and centres Polis keeps).
    """
    lab = np.zeros(len(X), dtype=np.int64)
    for _ in range(max_iters + 1):  # Polis loops from max-iters down to 0 inclusive
        lab = assign(X, C)
        newC, nonempty = centres(X, lab, w, len(C))
        if not nonempty.all():
            lab = (np.cumsum(nonempty) - 1)[lab]
            C = newC[nonempty]
            continue
        moved = np.sqrt(((newC - C) ** 2).sum(1))
        C = newC
        if np.all(moved < tol):
            break
    return lab, C


def first_distinct(X: np.ndarray, k: int, order: np.ndarray | None = None) -> np.ndarray:
    """Polis: clusters.clj init-clusters -- the first k distinct rows (in ``order``)."""
    Xo = X if order is None else X[order]
    _, first = np.unique(Xo, axis=0, return_index=True)
    return Xo[np.sort(first)[:k]].copy()


# ==== base clusters, group step, restarts ======================================================


def silhouette(X: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette, scikit-learn's ``silhouette_score`` (1.9, metrics/cluster/_unsupervised.py
    with pairwise.py's ``_euclidean_distances``: the same operations in the same order, so the same
    float) without its input checks; a point alone in its cluster scores 0, as in Polis's clusters.clj
    silhouette, so k = number of points scores 0. Quadratic: a few thousand points. Why not sklearn's
    call: the group step scores every k of every restart on ~100 centres, where its input checks
    cost more than the arithmetic (bench/bench_silhouette.py times both on a real grouping's calls)."""
    _, labels = np.unique(np.asarray(labels), return_inverse=True)
    labels = labels.reshape(-1)
    freqs = np.bincount(labels)
    if len(freqs) < 2:
        return float("nan")
    if len(freqs) >= len(X):
        return 0.0
    if np.asarray(X).dtype == np.float32:  # sklearn computes those in float64 chunks: left to it
        from sklearn.metrics import silhouette_score  # lazy: scikit-learn takes ~0.8 s and ~120 MB to import

        return float(silhouette_score(X, labels))
    X = np.asarray(X, dtype=np.float64)
    n, k = len(X), len(freqs)
    # _euclidean_distances(X, X) for float64: -2 X.X^T + |x|^2 + |y|^2, clipped at 0, diagonal 0
    norms = np.einsum("ij,ij->i", X, X)[:, None]
    dist = -2 * (X @ X.T)
    dist += norms
    dist += norms.T
    np.maximum(dist, 0, out=dist)
    np.fill_diagonal(dist, 0)
    np.sqrt(dist, out=dist)
    # _silhouette_reduce: each point's summed distance to every cluster (one bincount per row, in
    # blocks of rows: the same sums in the same order)
    sums = np.empty((n, k))
    step = max(1, _SILHOUETTE_BLOCK // n)
    for lo in range(0, n, step):
        rows = np.arange(lo, min(n, lo + step))
        cells = ((rows - lo)[:, None] * k + labels[None, :]).ravel()
        sums[rows] = np.bincount(cells, weights=dist[rows].ravel(), minlength=len(rows) * k).reshape(len(rows), k)
    own = (np.arange(n), labels)
    intra = sums[own]
    sums[own] = np.inf
    sums /= freqs
    inter = sums.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        intra /= (freqs - 1).take(labels, mode="clip")
        scores = inter - intra
        scores /= np.maximum(intra, inter)
    return float(np.mean(np.nan_to_num(scores)))


def adjusted_rand(a: np.ndarray, b: np.ndarray) -> float:
    """scikit-learn's ``adjusted_rand_score`` (1.9, metrics/cluster/_supervised.py: the integer pair
    counts of ``pair_confusion_matrix`` and the same final expression, so the same float) without
    its input checks and sparse contingency table. Why: :func:`typical_run` compares every pair of
    restarts (66 calls a grouping), and sklearn's call costs ~1.7 ms on 2,000 labels against ~0.1 ms
    here, which made Polis-mode grouping slower (bench/bench_groups.py, Bowling Green)."""
    _, a = np.unique(np.asarray(a), return_inverse=True)
    _, b = np.unique(np.asarray(b), return_inverse=True)
    n = len(a)
    if n == 0:
        return 1.0
    cells = np.bincount(a.ravel() * (int(b.max()) + 1) + b.ravel()).astype(np.int64)
    sum_squares = int((cells**2).sum())
    tp = sum_squares - n
    fp = int((np.bincount(b.ravel()).astype(np.int64) ** 2).sum()) - sum_squares
    fn = int((np.bincount(a.ravel()).astype(np.int64) ** 2).sum()) - sum_squares
    tn = n * n - fp - fn - sum_squares
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def max_k(n_base: int, config: GroupingConfig) -> int:
    """Polis: conversation.clj max-k-fn = min(max-k, 2 + floor(n-base-clusters / 12))."""
    return min(config.max_k, 2 + n_base // config.base_clusters_per_extra_group)




@dataclass
class Run:
    k: int
    silhouette: float
    labels: np.ndarray  # group per clustered participant
    base_labels: np.ndarray  # base cluster per clustered participant


def base_clusters(P: np.ndarray, config: GroupingConfig, order: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Polis: conversation.clj :base-clusters -- kmeans of the in-conv projections with k = base-k
    and max-iters = base-iters, cold-started from the first base-k distinct rows."""
    lab, C = lloyd(P, first_distinct(P, config.base_k, order), np.ones(len(P)), config.base_iters, tol)
    return lab, C, np.bincount(lab, minlength=len(C)).astype(float)


def group_step(C: np.ndarray, w: np.ndarray, config: GroupingConfig, tol: float) -> tuple[int, float, np.ndarray, dict]:
    """Polis: conversation.clj :group-clusterings, :group-clusterings-silhouettes, :group-k-smoother.

    For k in 2..max-k-fn: weighted kmeans of the base-cluster centres (weights = base-cluster
    sizes) cold-started from the first k distinct centres in base-cluster id order; silhouette
    of the centres (unweighted, clusters.clj silhouette over bucket-dists); the best k wins
    (Clojure's ``max-key`` returns the last of equal maxima, so a tie goes to the larger k -- it
    arises when a k-means run drops an empty cluster and repeats the grouping of a smaller k, and
    in a room where every two people are as far apart, tests/test_groups.py; the smoother's 4-update buffer needs a history that a single computation does not have).
    """
    n_base = len(C)
    n_distinct = len(np.unique(C, axis=0))
    best = (1, float("nan"), np.zeros(n_base, dtype=np.int64))
    sils: dict[int, float] = {}
    for k in range(2, max_k(n_base, config) + 1):
        if n_distinct < k:
            break
        lab, _ = lloyd(C, first_distinct(C, k), w, config.group_iters, tol)
        if lab.max() < 1:
            continue
        sil = silhouette(C, lab)
        sils[k] = sil
        if not (sil < best[1]):  # ties: the later k, as max-key
            best = (int(lab.max()) + 1, sil, lab)  # k-means may have dropped an empty cluster
    return best[0], best[1], best[2], sils


def _visit(bl: np.ndarray, C: np.ndarray, w: np.ndarray, perm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The base clusters renumbered so that new id i is old id perm[i]."""
    inv = np.empty_like(perm)
    inv[perm] = np.arange(len(perm))
    return inv[bl], C[perm], w[perm]


def cluster(P: np.ndarray, config: GroupingConfig, gen: np.random.Generator,
             res: GroupingResult, tol: float) -> Run:
    """Base clusters + group step, cold-started ``n_restarts`` times; the most typical run."""
    runs = cold_starts(P, config, gen, tol)
    chosen = typical_run(runs)
    res.diagnostics["restarts"] = len(runs)
    res.diagnostics["k_per_restart"] = [r.k for r in runs]
    res.diagnostics["base_clusters"] = int(chosen.base_labels.max() + 1)
    return chosen


def cold_starts(P: np.ndarray, config: GroupingConfig, gen: np.random.Generator, tol: float) -> list[Run]:
    """The ``n_restarts`` seeded cold starts of the points ``P`` (base clusters + group step), which
    :func:`typical_run` chooses among (bench_group_fidelity.py --cold-starts compares other choices)."""
    n_in = len(P)
    restart_base = n_in <= config.restart_base_limit
    runs: list[Run] = []
    base = None
    for _ in range(config.n_restarts):
        # Polis seeds a cold start with the first distinct rows in order of first vote, but its
        # exported groups come from cold group steps on warm-started base clusters (the module
        # docstring of deliberation.analysis.groups): no one order is Polis's, each restart draws one.
        if base is None or restart_base:
            base = base_clusters(P, config, gen.permutation(n_in), tol)
            bl, C, w = base
        else:
            # same base clusters, visited in a new order (base-cluster ids follow the start)
            bl, C, w = _visit(*base, gen.permutation(len(base[1])))
        k, sil, glab, _ = group_step(C, w, config, tol)
        runs.append(Run(k, sil, glab[bl], bl))
    return runs


def typical_run(runs: list[Run]) -> Run:
    """The majority k (ties: the higher mean silhouette, then the smaller k), then among the
    runs with that k the one whose labels have the highest total adjusted Rand index with the
    others (the medoid); ties go to the earliest run."""
    cand = []
    for k in sorted({r.k for r in runs}):
        sel = [r.silhouette for r in runs if r.k == k]
        mean_sil = float(np.mean(sel)) if k >= 2 and np.all(np.isfinite(sel)) else -np.inf
        cand.append((len(sel), mean_sil, -k))
    k_star = -max(cand)[2]
    sel = [r for r in runs if r.k == k_star]
    if len(sel) <= 2:
        return sel[0]
    agreement = np.zeros(len(sel))
    for i in range(len(sel)):
        for j in range(i + 1, len(sel)):
            a = adjusted_rand(sel[i].labels, sel[j].labels)
            agreement[i] += a
            agreement[j] += a
    return sel[int(np.argmax(agreement))]
