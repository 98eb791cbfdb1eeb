"""Opinion groups from votes: Polis's participant clustering, and a robust map for sparse data.

Pipeline (all modes): participants "in the conversation" (enough votes) -> a map of the
participants from a PCA of the mean-imputed vote matrix -> ~100 base clusters (k-means on the
map) -> weighted k-means of the base-cluster centres into k = 2..max_k groups, k chosen by the
silhouette of the base-cluster centres -> subgroups by the same procedure inside each group.
The modes differ only in the map:

``mode="polis"`` -- Polis's own math, for parity with what Polis shows
    (compdemocracy/polis ``math/src/polismath/math/``; each ported rule is cited where it is
    implemented below): votes on moderated-out statements count toward the in-conversation
    rule and their columns are zeroed before PCA (so, as in Polis, they count as "votes" in the
    sparsity scaling); 2 components; each participant's projection is scaled by
    sqrt(n_statements / n_votes).

``mode="robust"`` -- a map that keeps opinion camps visible in sparse data
    When thousands of participants each see a few dozen out of thousands of statements and
    some statements are shown far more often than others (Polis's routing does this),
    mean-filled PCA follows how many votes each statement received rather than how people
    split: a statement's weight in the PCA grows with its number of votes. Robust mode divides
    every statement column by its spread over all clustered participants (shrunk toward the
    median spread, so that near-consensus or barely-voted statements are not blown up), so each
    statement weighs about the same whatever its exposure; keeps up to ``max_k - 1`` components
    for clustering when a permutation test (parallel analysis: votes shuffled within each
    statement) shows they carry more than noise, so up to 5 camps can be told apart (the map
    still shows the first 2); and can refine the groups with a latent-class model
    (``refine_iters``; off by default because refined groups are no longer regions of the map).
    On :func:`synthetic_camps` data (20,000 participants x 2,000 statements, ~30 votes each,
    3 camps) it recovers the camps (adjusted Rand index 0.98) where Polis's map does not (0.75),
    and on every synthetic size tried it is at least as accurate as Polis's map.

``mode="auto"`` (the default) -- Polis's map where Polis is on home ground, robust elsewhere
    If the median clustered participant voted on at least ``auto_min_coverage`` (10%) of the
    usable statements, "polis"; otherwise "robust". Why: on conversations of the kind Polis
    hosts (the four real ones in ../shared/corpora have a median coverage of 12-45%; the
    project's harbour-road sample 55%) Polis mode reproduces Polis's groups (adjusted Rand index
    against Polis's own group-id, seed 0: 0.86 / 0.93 / 0.96 / 0.42, above red-dwarf's port on
    three and level on the fourth; means over seeds 0-9: 0.71 / 0.90 / 0.96 / 0.48), is the more
    stable of the two under resampling, and lets results be compared with Polis reports, while
    robust mode finds Polis's number of groups but draws their borders differently (seed 0:
    0.61 / 0.67 / 0.78 / 0.49). On large sparse conversations (coverage 0.5-3% in the 20k-100k
    participant benchmarks) Polis's map loses the camps (ARI 0.02-0.75) and robust mode recovers
    them (ARI >= 0.97). The choice and the coverage are in ``diagnostics`` and, when robust mode
    is used, in a note.

Clustering details shared by the modes. Polis's live groups depend on the conversation's
history (each update warm-starts k-means from the previous clusters and a smoother holds k for
4 updates; a cold start seeds k-means with the first distinct points in hash-set order). No
computation on the final votes can reproduce that history, and a single cold start is a
lottery between near-equal k-means optima. So the cold-start procedure is run ``n_restarts``
times with seeded orders and the most typical outcome is kept: the majority k, then the run
whose labels agree best (mean adjusted Rand index) with the other runs of that k.

Everything is sparse: imputing a statement's mean vote and then centring on that mean leaves
exactly 0 in every unseen cell, so the centred matrix is the sparse matrix of (vote - mean) at
the cast votes; PCA runs on it directly (ARPACK ``svds``), and a 100,000 x 10,000 matrix is never
densified. One ``numpy.random.Generator`` (from the ``rng`` argument) drives every random
choice, so a seed fixes the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds
from scipy.spatial import cKDTree

from deliberation.votematrix import VoteMatrix

Mode = Literal["auto", "polis", "robust"]

__all__ = [
    "GroupingConfig",
    "GroupingResult",
    "find_opinion_groups",
    "synthetic_camps",
    "adjusted_rand",
]


@dataclass(frozen=True)
class GroupingConfig:
    """Settings of :func:`find_opinion_groups`. Defaults are Polis's where Polis has one."""

    #: "auto" (default): "polis" when participants voted on a median share of the statements of
    #: at least ``auto_min_coverage``, else "robust"; see the module docstring for why.
    mode: Mode = "auto"
    #: In "auto" mode, the median share of the (non-moderated, voted) statements that clustered
    #: participants voted on, from which Polis's map is used. Real Polis conversations sit at
    #: 0.12-0.45 (the four in ../shared/corpora); Polis's map fails on synthetic camps at 0.005-0.03.
    auto_min_coverage: float = 0.10
    #: A participant is clustered after voting on at least min(min_votes, number of statements
    #: with votes) statements. Polis: conversation.clj :in-conv, ``(>= cnt (min 7 n-cmts))``.
    min_votes: int = 7
    #: If fewer participants qualify, the top voters are added until there are this many.
    #: Polis: conversation.clj :in-conv, ``greedy-n 15``.
    min_in_conv: int = 15
    #: Count votes on moderated-out statements toward ``min_votes``. None = the mode's rule:
    #: True in polis mode (Polis counts on raw-rating-mat, which keeps those votes), False in
    #: robust mode (such votes carry no information once the statement is excluded).
    count_moderated_votes: bool | None = None
    #: Dimensions of the opinion map (``GroupingResult.projection``). Polis: :n-comps 2.
    n_components: int = 2
    #: Number of base clusters. Polis: conversation.clj :base-k 100.
    base_k: int = 100
    #: Iteration cap of the base-cluster k-means. Polis: :base-iters 100.
    base_iters: int = 100
    #: Iteration cap of the group k-means. Polis passes :group-iters 100 under a key its kmeans
    #: does not read, so the default of clusters.clj kmeans, 20, is what Polis runs.
    group_iters: int = 20
    #: k-means stops when no centre moved by this much. Polis: clusters.clj same-clustering?
    #: threshold 0.01 (map units; robust mode scales it by the spread of its map).
    center_tolerance: float = 0.01
    #: Largest number of groups. Polis: :max-k 5.
    max_k: int = 5
    #: max_k is also capped at 2 + (number of base clusters) // this. Polis: max-k-fn.
    base_clusters_per_extra_group: int = 12
    #: Seeded cold starts of the clustering; the most typical outcome is returned.
    n_restarts: int = 12
    #: Above this many clustered participants the base clusters are computed once and only the
    #: group step is restarted: base clusters of large conversations barely depend on the
    #: start, and this keeps the run time linear in participants.
    restart_base_limit: int = 5_000
    #: The participant-level silhouette reported in ``diagnostics`` is computed on a sample of
    #: at most this many participants (silhouette is quadratic in the number of points). The
    #: choice of k uses the silhouette of the <= base_k base-cluster centres, as Polis does.
    silhouette_sample: int = 2_000
    #: Robust mode: a component beyond ``n_components`` is used for clustering only while its
    #: singular value exceeds that of the vote matrix with votes shuffled within each statement
    #: by this factor (parallel analysis).
    parallel_analysis_margin: float = 1.05
    #: Robust mode: statement columns are divided by sqrt(spread^2 + this x median spread^2).
    #: 0 = plain standardisation, which blows up the noise of statements with little spread
    #: (few votes, or near-consensus); 0.3 keeps those near their raw weight (it recovers the
    #: small third camp of the harbour-road sample, which plain standardisation merges).
    standardise_shrinkage: float = 0.3
    #: Robust mode: EM steps of the latent-class refinement (0 = off). The refinement uses every
    #: vote (groups agree with each statement at their own rate) and recovers synthetic camps
    #: almost perfectly, but the refined groups are no longer regions of the 2-D map.
    refine_iters: int = 0
    #: Robust mode: pseudo-votes (at the statement's overall agree share) added to each group's
    #: counts in the refinement, so statements with few votes stay neutral.
    refine_prior: float = 2.0
    #: Also split each group into subgroups by the same procedure. Polis: :subgroup-clusters.
    subgroups: bool = True

    def __post_init__(self) -> None:
        if self.mode not in ("auto", "polis", "robust"):
            raise ValueError(f"mode must be 'auto', 'polis' or 'robust', not {self.mode!r}")
        if not 0.0 <= self.auto_min_coverage <= 1.0:
            raise ValueError("auto_min_coverage must be between 0 and 1")
        for name in ("min_votes", "min_in_conv", "n_components", "base_iters", "group_iters",
                     "n_restarts", "silhouette_sample", "base_clusters_per_extra_group"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.base_k < 2 or self.max_k < 2:
            raise ValueError("base_k and max_k must be at least 2")
        if self.center_tolerance < 0 or self.standardise_shrinkage < 0:
            raise ValueError("center_tolerance and standardise_shrinkage must be >= 0")
        if self.refine_iters < 0 or self.refine_prior <= 0:
            raise ValueError("refine_iters must be >= 0 and refine_prior > 0")

    def counts_moderated(self) -> bool:
        if self.count_moderated_votes is not None:
            return self.count_moderated_votes
        return self.mode == "polis"


@dataclass
class GroupingResult:
    """Opinion groups of one vote matrix (rows in the order of ``participant_ids``)."""

    #: every row of the matrix, clustered or not
    participant_ids: list[str]
    #: group per participant, numbered 0.. by size (largest first, ties by first member);
    #: -1 = not clustered (too few votes)
    labels: np.ndarray
    #: number of groups (0 = nobody could be clustered, 1 = no distinct groups)
    k: int
    #: silhouette of the chosen grouping on the base-cluster centres (what chose k); NaN if k < 2
    silhouette: float
    #: (n, n_components) coordinates of the opinion map; NaN rows for unclustered participants
    projection: np.ndarray
    #: (n_components, n_statements) map axes in statement space (0 for moderated-out and
    #: unvoted statements; robust mode: axes of the standardised votes)
    components: np.ndarray
    #: (n_statements,) mean vote per statement, the imputed value (0 where no votes)
    center: np.ndarray
    #: variance of the participants along each map axis (squared singular value / (n - 1))
    explained_variance: np.ndarray
    #: clustered participants (Polis's "in-conv")
    in_conv: np.ndarray
    #: group -> sub-label per participant (-1 outside the group); empty when disabled or k < 2
    subgroups: dict[int, np.ndarray] = field(default_factory=dict)
    #: group -> number of subgroups
    subgroup_k: dict[int, int] = field(default_factory=dict)
    #: plain-words remarks, e.g. why no groups were formed
    notes: list[str] = field(default_factory=list)
    #: the mode that produced the result
    mode: str = "robust"
    #: k per restart, silhouettes, clustering dimensions, participant-level silhouette, ...
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def groups(self) -> dict[str, int]:
        """participant id -> group, clustered participants only."""
        return {pid: int(g) for pid, g in zip(self.participant_ids, self.labels) if g >= 0}

    def subgroup_map(self) -> dict[int, dict[str, int]]:
        """group -> participant id -> subgroup."""
        return {g: {self.participant_ids[i]: int(sub[i]) for i in np.flatnonzero(sub >= 0)}
                for g, sub in self.subgroups.items()}

    def sizes(self) -> list[int]:
        if self.k == 0:
            return []
        return [int(x) for x in np.bincount(self.labels[self.labels >= 0], minlength=self.k)]

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary (no per-participant arrays)."""
        return {
            "mode": self.mode,
            "k": int(self.k),
            "sizes": self.sizes(),
            "silhouette": float(self.silhouette) if np.isfinite(self.silhouette) else None,
            "n_clustered": int(self.in_conv.sum()),
            "explained_variance": [float(x) for x in self.explained_variance],
            "subgroup_k": {str(g): int(k) for g, k in self.subgroup_k.items()},
            "notes": list(self.notes),
            **{k: v for k, v in self.diagnostics.items() if isinstance(v, (int, float, str, list))},
        }


# ==== public entry point ======================================================================


def find_opinion_groups(
    matrix: VoteMatrix,
    config: GroupingConfig = GroupingConfig(),
    rng: np.random.Generator | int = 0,
) -> GroupingResult:
    """Opinion groups of the participants of ``matrix`` (see the module docstring).

    ``rng``: a seed or a ``numpy.random.Generator`` (used, and advanced, for every random
    choice); the same seed gives the same labels.
    """
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    n, s = matrix.shape
    res = _empty_result(matrix, config)
    if n == 0 or s == 0:
        res.notes.append("The conversation has no participants, so no opinion groups were formed."
                         if n == 0 else "The conversation has no statements, so no opinion groups were formed.")
        return res
    if matrix.n_votes == 0:
        res.notes.append("No votes have been cast yet, so no opinion groups were formed.")
        return res

    if config.mode == "auto":
        config, coverage = _resolve_auto(matrix, config)
        res.mode = config.mode
        res.diagnostics["median_coverage"] = round(coverage, 4)
        if config.mode == "robust":
            res.notes.append(f"Participants voted on few of the statements (half of them on less than "
                             f"{coverage:.1%}), so the groups come from the robust map, which weighs every "
                             "statement equally, rather than from Polis's map.")
    data = _prepare(matrix, config)
    res.center = data.center_full
    if len(data.active) == 0:
        res.notes.append("Every statement that received votes has been moderated out, so there are "
                         "no votes to form opinion groups from.")
        return res
    in_conv = _in_conversation(data.count_votes, data.n_voted_statements, config)
    n_in = int(in_conv.sum())
    threshold = min(config.min_votes, data.n_voted_statements)
    if n_in < 2:
        who = "Only 1 participant has" if n_in == 1 else "No participant has"
        res.notes.append(f"{who} voted, so no opinion groups were formed (at least 2 participants "
                         f"with {threshold} or more votes are needed).")
        return res
    res.in_conv = in_conv
    if data.X.nnz == 0 or not np.any(data.X[np.flatnonzero(in_conv)].data):
        res.notes.append(_why_no_spread(data))
        _single_group(res, in_conv)
    elif config.mode == "polis":
        _run_polis(data, in_conv, config, gen, res)
    else:
        _run_robust(data, in_conv, config, gen, res)
    n_out = n - n_in
    if n_out:
        res.notes.append(f"{n_out} of {n} participants voted on fewer than {threshold} statements "
                         "and are not placed in a group.")
    return res


# ==== data preparation ========================================================================


def _resolve_auto(matrix: VoteMatrix, config: GroupingConfig) -> tuple[GroupingConfig, float]:
    """The mode "auto" stands for, and the median coverage that decided it: the share of the
    usable statements (voted, not moderated out) that the median clustered participant voted on
    (clustered by Polis's rule)."""
    n, s = matrix.shape
    voted = np.bincount(matrix.cols, minlength=s) > 0
    usable = voted & ~matrix.moderated_out
    on_usable = usable[matrix.cols]
    active_votes = np.bincount(matrix.rows[on_usable], minlength=n)
    in_conv = _in_conversation(np.bincount(matrix.rows, minlength=n), int(voted.sum()), config)
    coverage = float(np.median(active_votes[in_conv])) / max(int(usable.sum()), 1) if in_conv.any() else 1.0
    mode = "polis" if coverage >= config.auto_min_coverage else "robust"
    return replace(config, mode=mode), coverage



@dataclass
class _Data:
    matrix: VoteMatrix
    X: sp.csr_matrix  # n x s_active: vote - statement mean at cast votes (mean-imputed, centred)
    active: np.ndarray  # statements used: voted and not moderated out
    center_full: np.ndarray  # (s,) statement means
    count_votes: np.ndarray  # votes per participant for the in-conversation rule
    active_votes: np.ndarray  # votes per participant on active statements
    n_voted_statements: int  # statements with at least one vote (moderated-out included)
    n_moderated_voted: int  # moderated-out statements with at least one vote


def _prepare(matrix: VoteMatrix, config: GroupingConfig) -> _Data:
    n, s = matrix.shape
    rows, cols = matrix.rows, matrix.cols
    per_statement = np.bincount(cols, minlength=s)
    voted = per_statement > 0
    mod = matrix.moderated_out
    # Polis: conversation.clj :rating-mat applies named_matrix.clj zero-out-columns to the
    # mod-out tids, setting every cell of those columns to 0: no variance, no effect on the PCA.
    active_mask = voted & ~mod
    active = np.flatnonzero(active_mask)
    keep = active_mask[cols]
    r, c, v = rows[keep], cols[keep], matrix.vals[keep].astype(np.float64)
    sums = np.bincount(c, weights=v, minlength=s)
    center = np.zeros(s)
    center[active] = sums[active] / per_statement[active]
    # Polis: conversation.clj :mat replaces nil by the column average, and pca.clj powerit-pca
    # centres on the column means, which equal those averages: imputed cells become exactly 0.
    new_col = np.full(s, -1, dtype=np.int64)
    new_col[active] = np.arange(len(active))
    X = sp.csr_matrix((v - center[c], (r, new_col[c])), shape=(n, len(active)))
    X.sum_duplicates()
    active_votes = np.bincount(r, minlength=n)
    # Polis: conversation.clj :user-vote-counts counts the non-nil cells of raw-rating-mat,
    # which keeps the votes on moderated-out statements.
    count_votes = np.bincount(rows, minlength=n) if config.counts_moderated() else active_votes
    return _Data(matrix, X, active, center, count_votes, active_votes,
                 int(voted.sum()), int((voted & mod).sum()))


def _in_conversation(votes: np.ndarray, n_voted_statements: int, config: GroupingConfig) -> np.ndarray:
    """Polis: conversation.clj :in-conv (minus its history: once in, Polis keeps a participant in)."""
    threshold = min(config.min_votes, n_voted_statements)
    in_conv = (votes >= threshold) & (votes > 0)
    if in_conv.sum() < config.min_in_conv:
        # "If you are left with fewer than 15 participants, take the top most contributing
        # participants" (sort-by votes descending; participants without votes are not in the matrix)
        order = np.argsort(-votes, kind="stable")
        order = order[(votes[order] > 0) & ~in_conv[order]]
        in_conv[order[: config.min_in_conv - int(in_conv.sum())]] = True
    return in_conv


def _why_no_spread(data: _Data) -> str:
    vals = data.matrix.vals[~data.matrix.moderated_out[data.matrix.cols]]
    if len(vals) and np.all(vals == 0):
        return ("Every vote was a pass, so there is no agreement or disagreement to tell opinions "
                "apart: all clustered participants form one group.")
    return ("Everyone who voted on a statement voted the same way on it, so the votes show no "
            "differing opinions: all clustered participants form one group.")


# ==== PCA =====================================================================================

#: relative accuracy requested from ARPACK; far below anything that could move a group
_SVD_TOL = 1e-7
#: robust mode's components (up to 4, the later ones often near the noise level, where ARPACK
#: converges slowly); ample for clustering
_ROBUST_SVD_TOL = 1e-5
#: accuracy of the null singular values in the parallel analysis (compared with a 5% margin)
_NULL_SVD_TOL = 1e-3
#: below this size in either dimension a dense SVD is exact and cheaper than ARPACK
_DENSE_SVD_MAX = 50


def _truncated_svd(X: sp.csr_matrix, k: int, gen: np.random.Generator,
                   tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Top-k singular values and right singular vectors (k x cols) of sparse X.

    Polis computes these by power iteration (pca.clj power-iteration, 100 iterations warm-started
    from the previous components), i.e. to convergence; ARPACK converges to the same vectors.
    """
    n, m = X.shape
    k = max(0, min(k, n, m))
    if k == 0:
        return np.zeros(0), np.zeros((0, m))
    if min(n, m) <= max(2 * k + 1, _DENSE_SVD_MAX):
        _, S, Vt = np.linalg.svd(X.toarray(), full_matrices=False)
        S, Vt = S[:k], Vt[:k]
    else:
        v0 = gen.uniform(-1.0, 1.0, min(n, m))
        _, S, Vt = svds(X, k=k, v0=v0, tol=tol or _SVD_TOL)
        order = np.argsort(-S)
        S, Vt = S[order], Vt[order]
    # deterministic orientation: the largest loading of each axis is positive
    idx = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(len(idx)), idx])
    signs[signs == 0] = 1.0
    return S, Vt * signs[:, None]


def _full_components(data: _Data, Vt: np.ndarray, n_components: int) -> np.ndarray:
    out = np.zeros((n_components, data.matrix.shape[1]))
    out[: Vt.shape[0], data.active] = Vt[:n_components]
    return out


def _pad(P: np.ndarray, d: int) -> np.ndarray:
    if P.shape[1] >= d:
        return P[:, :d]
    return np.hstack([P, np.zeros((len(P), d - P.shape[1]))])


def _polis_map(data: _Data, rows: np.ndarray, config: GroupingConfig, gen: np.random.Generator,
               res: GroupingResult) -> np.ndarray:
    """Polis: pca.clj powerit-pca + sparsity-aware-project-ptpts."""
    # Polis: conversation.clj :pca runs on :mat, i.e. every participant with a vote (not only
    # the in-conv ones); projections are then taken for all (:proj) and clustered for in-conv.
    S, Vt = _truncated_svd(data.X, config.n_components, gen)
    res.components = _full_components(data, Vt, config.n_components)
    res.explained_variance = _pad((S ** 2 / max(data.X.shape[0] - 1, 1))[None, :], config.n_components)[0]
    P = np.asarray(data.X[rows] @ Vt.T)
    # Polis: pca.clj sparsity-aware-project-ptpt scales by sqrt(n-cmnts / max(n-votes, 1)) where
    # n-cmnts is the row length (every statement with a vote) and n-votes its non-nil cells; the
    # zeroed moderated-out columns are non-nil, so they count as votes for everyone.
    n_votes = data.active_votes[rows] + data.n_moderated_voted
    P *= np.sqrt(data.n_voted_statements / np.maximum(n_votes, 1))[:, None]
    return _pad(P, config.n_components)


def _robust_map(data: _Data, rows: np.ndarray, config: GroupingConfig, gen: np.random.Generator,
                res: GroupingResult) -> np.ndarray | None:
    """Standardised-column PCA of the clustered participants; returns the clustering
    coordinates (n_rows x d, d >= n_components chosen by parallel analysis), or None when the
    votes have no spread."""
    Xin = data.X[rows]
    n_in = len(rows)
    # each statement's spread over all clustered participants (unseen cells count as 0)
    var = np.asarray(Xin.multiply(Xin).sum(0)).ravel() / n_in
    if not np.any(var > 0):
        return None
    floor = config.standardise_shrinkage * float(np.median(var[var > 0]))
    colw = np.zeros_like(var)
    colw[var > 0] = 1.0 / np.sqrt(var[var > 0] + floor)
    Z = (Xin @ sp.diags(colw)).tocsr()
    d_max = max(config.n_components, config.max_k - 1)
    S, Vt = _truncated_svd(Z, d_max, gen, tol=_ROBUST_SVD_TOL)
    d = _signal_dims(Z, S, config, gen)
    res.components = _full_components(data, Vt, config.n_components)
    res.explained_variance = _pad((S ** 2 / max(n_in - 1, 1))[None, :], config.n_components)[0]
    res.diagnostics["cluster_dims"] = int(d)
    # the same sparsity-aware scaling as Polis, over the statements used
    n_votes = np.diff(Z.indptr)
    return np.asarray(Z @ Vt[:d].T) * np.sqrt(Z.shape[1] / np.maximum(n_votes, 1))[:, None]


def _signal_dims(Z: sp.csr_matrix, S: np.ndarray, config: GroupingConfig, gen: np.random.Generator) -> int:
    """Parallel analysis (Horn): component i beyond n_components is kept while its singular
    value exceeds ``parallel_analysis_margin`` times the i-th singular value of the same matrix
    with each statement's votes shuffled among the participants who voted on it (same
    sparsity pattern and vote shares, no opinion structure)."""
    base = min(config.n_components, len(S))
    if len(S) <= base:
        return len(S)
    Zc = Z.tocsc()
    col_of = np.repeat(np.arange(Zc.shape[1], dtype=np.float64), np.diff(Zc.indptr))
    perm = np.argsort(col_of + gen.random(len(Zc.data)))  # random order within each column
    shuffled = sp.csc_matrix((Zc.data[perm], Zc.indices, Zc.indptr), shape=Zc.shape).tocsr()
    # only the singular values are needed, and only roughly: a loose tolerance
    S_null, _ = _truncated_svd(shuffled, len(S), gen, tol=_NULL_SVD_TOL)
    d = base
    while d < len(S) and S[d] > config.parallel_analysis_margin * S_null[d]:
        d += 1
    return d


# ==== k-means and silhouette ==================================================================


#: up to this many point-centre pairs, distances are computed directly (faster than a tree)
_BRUTE_FORCE_PAIRS = 300_000


def _assign(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Nearest centre of each point: directly for small problems, else by k-d tree (the map
    has only a few dimensions)."""
    if len(X) * len(C) <= _BRUTE_FORCE_PAIRS:
        d = (X[:, None, 0] - C[None, :, 0]) ** 2
        for j in range(1, X.shape[1]):
            d += (X[:, None, j] - C[None, :, j]) ** 2
        return d.argmin(1)
    return cKDTree(C).query(X, k=1)[1].astype(np.int64)


def _centres(X: np.ndarray, lab: np.ndarray, w: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of each cluster's members, and which clusters have members."""
    d = X.shape[1]
    tot = np.bincount(lab, weights=w, minlength=k)
    cell = (lab[:, None] * d + np.arange(d)[None, :]).ravel()
    C = np.bincount(cell, weights=(w[:, None] * X).ravel(), minlength=k * d).reshape(k, d)
    nonempty = tot > 0
    C[nonempty] /= tot[nonempty][:, None]
    return C, nonempty


def _lloyd(X: np.ndarray, C: np.ndarray, w: np.ndarray, max_iters: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Polis's k-means, clusters.clj kmeans / cluster-step.

    Each step assigns every point to its nearest centre, drops clusters left without members
    ("Filter out clusters that don't have any members"), and moves each centre to the weighted
    mean of its members (weighted-mean); the loop stops after max-iters steps or when no
    centre moved by ``tol`` (same-clustering?). Returns the last assignment and the centres
    computed from it (the members and centres Polis keeps).
    """
    lab = np.zeros(len(X), dtype=np.int64)
    for _ in range(max_iters + 1):  # Polis loops from max-iters down to 0 inclusive
        lab = _assign(X, C)
        newC, nonempty = _centres(X, lab, w, len(C))
        if not nonempty.all():
            lab = (np.cumsum(nonempty) - 1)[lab]
            C = newC[nonempty]
            continue
        moved = np.sqrt(((newC - C) ** 2).sum(1))
        C = newC
        if np.all(moved < tol):
            break
    return lab, C


def _first_distinct(X: np.ndarray, k: int, order: np.ndarray | None = None) -> np.ndarray:
    """Polis: clusters.clj init-clusters -- the first k distinct rows (in ``order``)."""
    Xo = X if order is None else X[order]
    _, first = np.unique(Xo, axis=0, return_index=True)
    return Xo[np.sort(first)[:k]].copy()


def _silhouette(X: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette coefficient (sklearn's definition). A point alone in its cluster scores
    0, as in Polis's clusters.clj silhouette. Quadratic: call on at most a few thousand points."""
    labs, lab_idx = np.unique(labels, return_inverse=True)
    if len(labs) < 2:
        return float("nan")
    n = len(X)
    counts = np.bincount(lab_idx, minlength=len(labs)).astype(float)
    onehot = np.zeros((n, len(labs)))
    onehot[np.arange(n), lab_idx] = 1.0
    sq = (X * X).sum(1)
    sums = np.empty((n, len(labs)))
    for a in range(0, n, _SIL_CHUNK):
        d = sq[a:a + _SIL_CHUNK, None] + sq[None, :] - 2.0 * (X[a:a + _SIL_CHUNK] @ X.T)
        np.sqrt(np.maximum(d, 0.0, out=d), out=d)
        sums[a:a + _SIL_CHUNK] = d @ onehot
    own = counts[lab_idx]
    a_ = sums[np.arange(n), lab_idx] / np.maximum(own - 1, 1)
    mean_other = sums / counts[None, :]
    mean_other[np.arange(n), lab_idx] = np.inf
    b_ = mean_other.min(1)
    s = np.where(own > 1, (b_ - a_) / np.maximum(np.maximum(a_, b_), 1e-300), 0.0)
    return float(s.mean())


#: rows of the distance matrix computed at once in _silhouette (bounds its memory)
_SIL_CHUNK = 2048


def _max_k(n_base: int, config: GroupingConfig) -> int:
    """Polis: conversation.clj max-k-fn = min(max-k, 2 + floor(n-base-clusters / 12))."""
    return min(config.max_k, 2 + n_base // config.base_clusters_per_extra_group)


def adjusted_rand(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings (equal to sklearn's adjusted_rand_score)."""
    a = np.unique(np.asarray(a), return_inverse=True)[1].astype(np.int64)
    b = np.unique(np.asarray(b), return_inverse=True)[1].astype(np.int64)
    n = len(a)
    if n < 2:
        return 1.0
    nb = int(b.max()) + 1
    cont = np.bincount(a * nb + b).astype(float)

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2.0).sum())

    sum_ij = pairs(cont)
    sa, sb = pairs(np.bincount(a).astype(float)), pairs(np.bincount(b).astype(float))
    expected = sa * sb / (n * (n - 1) / 2.0)
    maximum = (sa + sb) / 2.0
    if maximum == expected:
        return 1.0
    return (sum_ij - expected) / (maximum - expected)


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Groups numbered by size, largest first; ties by first member (lowest row)."""
    out = np.full(len(labels), -1, dtype=np.int64)
    valid = labels >= 0
    if not valid.any():
        return out
    ids, first, counts = np.unique(labels[valid], return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    new = np.empty(len(ids), dtype=np.int64)
    new[order] = np.arange(len(ids))
    out[valid] = new[np.searchsorted(ids, labels[valid])]
    return out


# ==== clustering (both modes) =================================================================


@dataclass
class _Run:
    k: int
    silhouette: float
    labels: np.ndarray  # group per clustered participant
    base_labels: np.ndarray  # base cluster per clustered participant


def _base_clusters(P: np.ndarray, config: GroupingConfig, order: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Polis: conversation.clj :base-clusters -- kmeans of the in-conv projections with k = base-k
    and max-iters = base-iters, cold-started from the first base-k distinct rows."""
    lab, C = _lloyd(P, _first_distinct(P, config.base_k, order), np.ones(len(P)), config.base_iters, tol)
    return lab, C, np.bincount(lab, minlength=len(C)).astype(float)


def _group_step(C: np.ndarray, w: np.ndarray, config: GroupingConfig, tol: float) -> tuple[int, float, np.ndarray, dict]:
    """Polis: conversation.clj :group-clusterings, :group-clusterings-silhouettes, :group-k-smoother.

    For k in 2..max-k-fn: weighted kmeans of the base-cluster centres (weights = base-cluster
    sizes) cold-started from the first k distinct centres in base-cluster id order; silhouette
    of the centres (unweighted, clusters.clj silhouette over bucket-dists); the best k wins
    (max-key keeps the first maximum; the smoother's 4-update buffer needs a history that a
    single computation does not have).
    """
    n_base = len(C)
    n_distinct = len(np.unique(C, axis=0))
    best = (1, float("nan"), np.zeros(n_base, dtype=np.int64))
    sils: dict[int, float] = {}
    for k in range(2, _max_k(n_base, config) + 1):
        if n_distinct < k:
            break
        lab, _ = _lloyd(C, _first_distinct(C, k), w, config.group_iters, tol)
        if lab.max() < 1:
            continue
        sil = _silhouette(C, lab)
        sils[k] = sil
        if not (sil <= best[1]):
            best = (int(lab.max()) + 1, sil, lab)  # k-means may have dropped an empty cluster
    return best[0], best[1], best[2], sils


def _cluster(P: np.ndarray, rows: np.ndarray, config: GroupingConfig, gen: np.random.Generator,
             res: GroupingResult, tol: float) -> _Run:
    """Base clusters + group step, cold-started ``n_restarts`` times; the most typical run."""
    n_in = len(rows)
    restart_base = n_in <= config.restart_base_limit
    runs: list[_Run] = []
    base = None
    for _ in range(config.n_restarts):
        # Polis seeds a cold start with the first distinct rows in the iteration order of the
        # in-conv hash set, i.e. an arbitrary order: each restart draws one.
        if base is None or restart_base:
            base = _base_clusters(P, config, gen.permutation(n_in), tol)
            bl, C, w = base
        else:
            # same base clusters, visited in a new order (base-cluster ids follow the start)
            bl0, C0, w0 = base
            perm = gen.permutation(len(C0))
            inv = np.empty_like(perm)
            inv[perm] = np.arange(len(perm))
            bl, C, w = inv[bl0], C0[perm], w0[perm]
        k, sil, glab, _ = _group_step(C, w, config, tol)
        runs.append(_Run(k, sil, glab[bl], bl))
    chosen = _typical_run(runs)
    res.diagnostics["restarts"] = len(runs)
    res.diagnostics["k_per_restart"] = [r.k for r in runs]
    res.diagnostics["base_clusters"] = int(chosen.base_labels.max() + 1)
    return chosen


def _typical_run(runs: list[_Run]) -> _Run:
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


def _subgroups(res: GroupingResult, P: np.ndarray, rows: np.ndarray, run: _Run, config: GroupingConfig,
               tol: float) -> None:
    """Polis: conversation.clj :subgroup-clusterings -- for each group, the same weighted kmeans
    and silhouette over the base clusters of its members."""
    final = res.labels[rows]
    for g in range(res.k):
        members = np.flatnonzero(final == g)
        bases, local = np.unique(run.base_labels[members], return_inverse=True)
        C, _ = _centres(P[members], local, np.ones(len(members)), len(bases))
        w = np.bincount(local, minlength=len(bases)).astype(float)
        k, lab = 1, np.zeros(len(bases), dtype=np.int64)
        if len(bases) >= 2:
            k, _, lab, _ = _group_step(C, w, config, tol)
        sub = np.full(len(res.labels), -1, dtype=np.int64)
        sub[rows[members]] = _renumber(lab[local])
        res.subgroups[g] = sub
        res.subgroup_k[g] = int(sub.max() + 1)


def _finish(res: GroupingResult, P: np.ndarray, rows: np.ndarray, labels: np.ndarray, sil: float,
            config: GroupingConfig, gen: np.random.Generator) -> None:
    full = np.full(len(res.labels), -1, dtype=np.int64)
    full[rows] = labels
    res.labels = _renumber(full)
    res.k = int(res.labels.max() + 1) if (res.labels >= 0).any() else 0
    res.silhouette = float(sil) if res.k >= 2 else float("nan")
    if res.k >= 2:
        n = len(rows)
        sample = np.sort(gen.choice(n, config.silhouette_sample, replace=False)) if n > config.silhouette_sample else np.arange(n)
        res.diagnostics["participant_silhouette"] = round(_silhouette(P[sample], res.labels[rows][sample]), 4)
    else:
        res.notes.append("The votes show no distinct opinion groups: all clustered participants "
                         "form one group.")


def _run_polis(data: _Data, in_conv: np.ndarray, config: GroupingConfig, gen: np.random.Generator,
               res: GroupingResult) -> None:
    rows = np.flatnonzero(in_conv)
    P = _polis_map(data, rows, config, gen, res)
    _cluster_map(P, P, rows, in_conv, config, gen, res, config.center_tolerance)


def _run_robust(data: _Data, in_conv: np.ndarray, config: GroupingConfig, gen: np.random.Generator,
                res: GroupingResult) -> None:
    rows = np.flatnonzero(in_conv)
    Y = _robust_map(data, rows, config, gen, res)
    if Y is None:
        res.notes.append(_why_no_spread(data))
        _single_group(res, in_conv)
        return
    # robust coordinates are in standardised units: the tolerance follows their spread
    tol = config.center_tolerance * float(Y.std())
    _cluster_map(Y, _pad(Y, config.n_components), rows, in_conv, config, gen, res, tol, data=data)


def _cluster_map(Y: np.ndarray, P: np.ndarray, rows: np.ndarray, in_conv: np.ndarray, config: GroupingConfig,
                 gen: np.random.Generator, res: GroupingResult, tol: float, data: _Data | None = None) -> None:
    """Cluster the participants at coordinates Y (map P is what the result shows)."""
    res.projection[rows] = P
    if len(np.unique(Y, axis=0)) < 2:
        res.notes.append("All clustered participants sit at the same point of the opinion map "
                         "(their votes do not differ), so they form one group.")
        _single_group(res, in_conv)
        return
    run = _cluster(Y, rows, config, gen, res, tol)
    labels = run.labels
    if data is not None and run.k >= 2 and config.refine_iters > 0:
        labels = _latent_class_refine(data, rows, labels, run.k, config)
    _finish(res, Y, rows, labels, run.silhouette, config, gen)
    if res.k > 2 and int(Y.shape[1]) > config.n_components:
        res.notes.append(f"The groups were found in {Y.shape[1]} dimensions; the {config.n_components}-D "
                         "opinion map can show them partly overlapping.")
    if config.subgroups and res.k >= 2:
        _subgroups(res, Y, rows, run, config, tol)


def _latent_class_refine(data: _Data, rows: np.ndarray, labels: np.ndarray, k: int,
                         config: GroupingConfig) -> np.ndarray:
    """Refine groups with a latent-class model: members of group g agree with statement j with
    probability p[g, j] (Beta prior at the statement's overall agree share, weight
    ``refine_prior``); passes and unseen statements carry no information. EM from the given
    labels; returns each participant's most likely group."""
    matrix = data.matrix
    n_rows = len(rows)
    local = np.full(matrix.shape[0], -1, dtype=np.int64)
    local[rows] = np.arange(n_rows)
    col_map = np.full(matrix.shape[1], -1, dtype=np.int64)
    col_map[data.active] = np.arange(len(data.active))
    r, c = local[matrix.rows], col_map[matrix.cols]
    keep = (r >= 0) & (c >= 0) & (matrix.vals != 0)
    r, c = r[keep], c[keep]
    m = len(data.active)
    cell = c * 2 + (matrix.vals[keep] > 0)  # 2j: disagree with j, 2j + 1: agree with j
    overall = np.bincount(cell, minlength=2 * m).reshape(m, 2) + 0.5
    prior = config.refine_prior * overall / overall.sum(1, keepdims=True)
    resp = np.zeros((n_rows, k))
    resp[np.arange(n_rows), labels] = 1.0
    current = labels.copy()
    for _ in range(config.refine_iters):
        nk = resp.sum(0)
        if np.any(nk <= 0):
            break
        ll = np.tile(np.log(nk / nk.sum()), (n_rows, 1))
        for g in range(k):
            counts = np.bincount(cell, weights=resp[r, g], minlength=2 * m).reshape(m, 2) + prior
            logp = np.log(counts / counts.sum(1, keepdims=True)).ravel()
            ll[:, g] += np.bincount(r, weights=logp[cell], minlength=n_rows)
        ll -= ll.max(1, keepdims=True)
        resp = np.exp(ll)
        resp /= resp.sum(1, keepdims=True)
        new = resp.argmax(1)
        if np.array_equal(new, current):
            break
        current = new
    return current


# ==== result assembly =========================================================================


def _empty_result(matrix: VoteMatrix, config: GroupingConfig) -> GroupingResult:
    n, s = matrix.shape
    return GroupingResult(
        participant_ids=list(matrix.participant_ids),
        labels=np.full(n, -1, dtype=np.int64),
        k=0,
        silhouette=float("nan"),
        projection=np.full((n, config.n_components), np.nan),
        components=np.zeros((config.n_components, s)),
        center=np.zeros(s),
        explained_variance=np.zeros(config.n_components),
        in_conv=np.zeros(n, dtype=bool),
        mode=config.mode,
    )


def _single_group(res: GroupingResult, in_conv: np.ndarray) -> None:
    res.labels = np.where(in_conv, 0, -1).astype(np.int64)
    res.k = 1
    res.silhouette = float("nan")
    rows = np.flatnonzero(in_conv)
    unset = ~np.isfinite(res.projection[rows]).all(1)
    res.projection[rows[unset]] = 0.0


# ==== synthetic data ==========================================================================


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
