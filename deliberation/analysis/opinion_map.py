"""The opinion maps of deliberation.analysis.groups: the vote data the grouping works on, who is
clustered (Polis's in-conversation rule), Polis's PCA map and the robust map, and the robust
mode's latent-class refinement. See the module docstring of deliberation.analysis.groups for
what each map is for; each ported Polis rule is cited where it is implemented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from deliberation.votematrix import VoteMatrix
from deliberation.words import said

if TYPE_CHECKING:
    import scipy.sparse as sp

    from deliberation.analysis.groups import GroupingConfig, GroupingResult


@dataclass
class VoteData:
    matrix: VoteMatrix
    X: sp.csr_matrix  # n x s_active: vote - statement mean at cast votes (mean-imputed, centred)
    active: np.ndarray  # statements used: voted and not moderated out
    center_full: np.ndarray  # (s,) statement means
    count_votes: np.ndarray  # votes per participant for the in-conversation rule
    active_votes: np.ndarray  # votes per participant on active statements
    n_voted_statements: int  # statements with at least one vote (moderated-out included)
    n_moderated_voted: int  # moderated-out statements with at least one vote


def prepare(matrix: VoteMatrix, config: GroupingConfig) -> VoteData:
    import scipy.sparse as sp  # lazy: scipy.sparse takes ~0.08 s and ~12 MB to import

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
    return VoteData(matrix, X, active, center, count_votes, active_votes,
                 int(voted.sum()), int((voted & mod).sum()))


def in_conversation(votes: np.ndarray, n_voted_statements: int, config: GroupingConfig) -> np.ndarray:
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


def why_no_spread(data: VoteData) -> str:
    vals = data.matrix.vals[~data.matrix.moderated_out[data.matrix.cols]]
    if len(vals) and np.all(vals == 0):
        return said("groups.all_passes")
    return said("groups.no_spread")


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


def truncated_svd(X: sp.csr_matrix, k: int, gen: np.random.Generator,
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
        from scipy.sparse.linalg import svds  # lazy: scipy.sparse.linalg takes ~0.07 s and ~10 MB to import

        v0 = gen.uniform(-1.0, 1.0, min(n, m))
        _, S, Vt = svds(X, k=k, v0=v0, tol=tol or _SVD_TOL)
        order = np.argsort(-S)
        S, Vt = S[order], Vt[order]
    # deterministic orientation: the largest loading of each axis is positive
    idx = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(len(idx)), idx])
    signs[signs == 0] = 1.0
    return S, Vt * signs[:, None]


def full_components(data: VoteData, Vt: np.ndarray, n_components: int) -> np.ndarray:
    out = np.zeros((n_components, data.matrix.shape[1]))
    out[: Vt.shape[0], data.active] = Vt[:n_components]
    return out


def pad(P: np.ndarray, d: int) -> np.ndarray:
    if P.shape[1] >= d:
        return P[:, :d]
    return np.hstack([P, np.zeros((len(P), d - P.shape[1]))])


def polis_map(data: VoteData, rows: np.ndarray, config: GroupingConfig, gen: np.random.Generator,
               res: GroupingResult) -> np.ndarray:
    """Polis: pca.clj powerit-pca + sparsity-aware-project-ptpts."""
    # Polis: conversation.clj :pca runs on :mat, i.e. every participant with a vote (not only
    # the in-conv ones); projections are then taken for all (:proj) and clustered for in-conv.
    S, Vt = truncated_svd(data.X, config.n_components, gen)
    res.components = full_components(data, Vt, config.n_components)
    res.explained_variance = pad((S ** 2 / max(data.X.shape[0] - 1, 1))[None, :], config.n_components)[0]
    P = np.asarray(data.X[rows] @ Vt.T)
    # Polis: pca.clj sparsity-aware-project-ptpt scales by sqrt(n-cmnts / max(n-votes, 1)) where
    # n-cmnts is the row length (every statement with a vote) and n-votes its non-nil cells; the
    # zeroed moderated-out columns are non-nil, so they count as votes for everyone.
    n_votes = data.active_votes[rows] + data.n_moderated_voted
    P *= np.sqrt(data.n_voted_statements / np.maximum(n_votes, 1))[:, None]
    return pad(P, config.n_components)


def robust_map(data: VoteData, rows: np.ndarray, config: GroupingConfig, gen: np.random.Generator,
                res: GroupingResult) -> np.ndarray | None:
    """Standardised-column PCA of the clustered participants; returns the clustering
    coordinates (n_rows x d, d >= n_components chosen by parallel analysis), or None when the
    votes have no spread."""
    import scipy.sparse as sp  # lazy: scipy.sparse takes ~0.08 s and ~12 MB to import

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
    S, Vt = truncated_svd(Z, d_max, gen, tol=_ROBUST_SVD_TOL)
    d = signal_dims(Z, S, config, gen)
    res.components = full_components(data, Vt, config.n_components)
    res.explained_variance = pad((S ** 2 / max(n_in - 1, 1))[None, :], config.n_components)[0]
    res.diagnostics["cluster_dims"] = int(d)
    # the same sparsity-aware scaling as Polis, over the statements used
    n_votes = np.diff(Z.indptr)
    return np.asarray(Z @ Vt[:d].T) * np.sqrt(Z.shape[1] / np.maximum(n_votes, 1))[:, None]


def signal_dims(Z: sp.csr_matrix, S: np.ndarray, config: GroupingConfig, gen: np.random.Generator) -> int:
    """Parallel analysis (Horn): component i beyond n_components is kept while its singular
    value exceeds ``parallel_analysis_margin`` times the i-th singular value of the same matrix
    with each statement's votes shuffled among the participants who voted on it (same
    sparsity pattern and vote shares, no opinion structure)."""
    base = min(config.n_components, len(S))
    if len(S) <= base:
        return len(S)
    import scipy.sparse as sp  # lazy: scipy.sparse takes ~0.08 s and ~12 MB to import

    Zc = Z.tocsc()
    col_of = np.repeat(np.arange(Zc.shape[1], dtype=np.float64), np.diff(Zc.indptr))
    perm = np.argsort(col_of + gen.random(len(Zc.data)))  # random order within each column
    shuffled = sp.csc_matrix((Zc.data[perm], Zc.indices, Zc.indptr), shape=Zc.shape).tocsr()
    # only the singular values are needed, and only roughly: a loose tolerance
    S_null, _ = truncated_svd(shuffled, len(S), gen, tol=_NULL_SVD_TOL)
    d = base
    while d < len(S) and S[d] > config.parallel_analysis_margin * S_null[d]:
        d += 1
    return d


def latent_class_refine(data: VoteData, rows: np.ndarray, labels: np.ndarray, k: int,
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
