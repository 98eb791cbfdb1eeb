"""Bridging by matrix factorisation (Community Notes' model, as Jigsaw ported it): a statement
intercept that is high only for statements agreed with whatever side the voter is on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from deliberation.analysis.statistics.config import StatsConfig
from deliberation.votematrix import VoteMatrix

if TYPE_CHECKING:
    import scipy.sparse as sp


def bridging_mf(
    matrix: VoteMatrix,
    *,
    exclude: np.ndarray | None = None,
    cfg: StatsConfig = StatsConfig(),
    rng: int | np.random.Generator | None = 0,
) -> np.ndarray:
    """Statement intercepts i_n of r_hat = mu + i_u + i_n + f_u * f_n (1-D factor).

    Model: jigsaw library/src/stats/matrix_factorization.ts and Community Notes
    (twitter/communitynotes@3e43254 scoring/src/scoring/matrix_factorization/matrix_factorization.py).
    Data: agree = 1, disagree = 0; passes and moderated-out statements are left out.
    The factor f_u * f_n soaks up the polarising (group-aligned) part of the votes, so i_n is
    high only for statements that are agreed with *whatever side* the voter is on.

    Loss (Community Notes ``_get_loss``/``_get_reg_loss``): mean squared error over the ratings
    + lambda_i * (mean i_u^2 + mean i_n^2) + lambda_i * mu^2 + lambda_f * (mean f_u^2 + mean f_n^2),
    lambda_i = 5 * lambda_f = 0.15. Multiplied by the number of ratings N this is a ridge on each
    statement of strength lambda * N / n_statements (and N / n_participants for participants),
    so a statement with few votes is pulled towards 0. (Jigsaw's TS port instead charges the
    penalty once per rating, which shrinks every statement by the same factor 1/(1+lambda_i) and
    gives no extra caution for thinly voted statements; we follow Community Notes.)

    Fit: alternating least squares; each block (mu, i_n, i_u, f_n, f_u) is solved exactly in
    closed form, so the loss never increases; the sums each block
    needs are sparse matrix-vector products with the 0/1 pattern B and the ratings R (about
    ten passes over the votes per sweep, no per-vote temporaries). Factors start from a
    seeded N(0, 1) draw (``rng``); stops after ``cfg.mf_max_iter`` sweeps or when no statement
    intercept moved by more than ``cfg.mf_tol``. The weights are ``cfg.mf_lambda_i`` and
    ``cfg.mf_lambda_f`` (:class:`StatsConfig`, which holds their defaults and sources).

    Returns one value per matrix column; NaN where the statement has no agree/disagree vote or
    is excluded.
    """
    n_rows, m = matrix.shape
    out = np.full(m, np.nan)
    keep = matrix.vals != 0
    if exclude is not None:
        keep &= ~np.asarray(exclude, dtype=bool)[matrix.cols]
    if not keep.any():
        return out
    ratings = _Ratings.of(matrix, keep)
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    i_n, sweeps = _fit(ratings, cfg.mf_lambda_i, cfg.mf_lambda_f, cfg.mf_max_iter, cfg.mf_tol, gen)
    bridging_mf.last_sweeps = sweeps  # for the benchmark / diagnostics
    out[ratings.notes] = i_n
    return out


@dataclass
class _Ratings:
    """The agree/disagree votes as sparse participant x statement matrices over the participants and
    statements that have one: pattern B (1 per rating), ratings R (1 = agree, 0 = disagree), their
    transposes, and the counts and sums every sweep reuses."""

    B: sp.csr_matrix
    R: sp.csr_matrix
    Bt: sp.csr_matrix
    Rt: sp.csr_matrix
    notes: np.ndarray
    """Matrix column of each statement row."""
    N: int
    cnt_u: np.ndarray
    cnt_n: np.ndarray
    rs_u: np.ndarray
    rs_n: np.ndarray

    @classmethod
    def of(cls, matrix: VoteMatrix, keep: np.ndarray) -> "_Ratings":
        import scipy.sparse as sp  # lazy: scipy.sparse takes ~0.08 s and ~12 MB to import

        n_rows, m = matrix.shape
        # compact participant / statement indices without sorting (O(votes))
        rk, ck = matrix.rows[keep], matrix.cols[keep]
        has_u = np.bincount(rk, minlength=n_rows) > 0
        has_n = np.bincount(ck, minlength=m) > 0
        u = (np.cumsum(has_u) - 1).astype(np.int32)[rk]
        n = (np.cumsum(has_n) - 1).astype(np.int32)[ck]
        notes = np.flatnonzero(has_n)
        N, nu, nn = len(rk), int(has_u.sum()), len(notes)
        # one COO -> CSR conversion carries both the pattern B and the ratings R (2 = agree, 1 = disagree)
        X = sp.coo_matrix((np.where(matrix.vals[keep] == 1, 2.0, 1.0), (u, n)), shape=(nu, nn)).tocsr()
        Xt = X.T.tocsr()
        del rk, ck, u, n
        ones = np.ones(N)  # shared by B and Bt

        def split(x):
            b = sp.csr_matrix((ones, x.indices, x.indptr), shape=x.shape, copy=False)
            r_ = sp.csr_matrix(((x.data == 2.0).astype(np.float64), x.indices, x.indptr), shape=x.shape, copy=False)
            return b, r_

        B, R = split(X)
        Bt, Rt = split(Xt)
        return cls(B=B, R=R, Bt=Bt, Rt=Rt, notes=notes, N=N,
                   cnt_u=np.asarray(B.sum(axis=1)).ravel(), cnt_n=np.asarray(B.sum(axis=0)).ravel(),
                   rs_u=np.asarray(R.sum(axis=1)).ravel(), rs_n=np.asarray(R.sum(axis=0)).ravel())


def _fit(x: _Ratings, lambda_i: float, lambda_f: float, max_iter: int, tol: float,
         gen: np.random.Generator) -> tuple[np.ndarray, int]:
    """Alternating least squares; returns the statement intercepts and the sweeps taken."""
    B, R, Bt, Rt, N = x.B, x.R, x.Bt, x.Rt, x.N
    cnt_u, cnt_n, rs_u, rs_n = x.cnt_u, x.cnt_n, x.rs_u, x.rs_n
    nu, nn = B.shape
    # Community Notes: mean-normalised penalties -> per-parameter ridge of lambda * N / count
    reg_iu, reg_in = lambda_i * N / nu, lambda_i * N / nn
    reg_fu, reg_fn = lambda_f * N / nu, lambda_f * N / nn
    reg_mu = lambda_i * N

    fu = gen.standard_normal(nu)
    fn = gen.standard_normal(nn)
    iu = np.zeros(nu)
    sweeps = 0
    i_n = np.zeros(nn)
    B_fn = B @ fn
    for _ in range(max_iter):
        # global intercept: sum of (r - iu - in - fu*fn) over the votes
        mu = (rs_n.sum() - cnt_u @ iu - cnt_n @ i_n - fu @ B_fn) / (N + reg_mu)
        # statement intercepts
        # (single-vector products: scipy's multi-vector csr_matvecs is slower per vector)
        Bt_fu, Bt_fu2 = Bt @ fu, Bt @ (fu * fu)
        new_in = (rs_n - cnt_n * mu - Bt @ iu - fn * Bt_fu) / (cnt_n + reg_in)
        moved = np.max(np.abs(new_in - i_n))
        i_n = new_in
        # participant intercepts
        iu = (rs_u - cnt_u * mu - B @ i_n - fu * B_fn) / (cnt_u + reg_iu)
        # statement factors: sum_u fu * (r - mu - iu - in) / (sum_u fu^2 + reg)
        fn = (Rt @ fu - mu * Bt_fu - Bt @ (fu * iu) - i_n * Bt_fu) / (Bt_fu2 + reg_fn)
        # participant factors: sum_n fn * (r - mu - iu - in) / (sum_n fn^2 + reg)
        B_fn = B @ fn
        fu = (R @ fn - (mu + iu) * B_fn - B @ (fn * i_n)) / (B @ (fn * fn) + reg_fu)
        sweeps += 1
        if moved < tol:
            break
    return i_n, sweeps


class Bridging:
    """The bridging score ``bridging_mf`` of every statement: a score, not a list (the consensus
    ranking uses it when ``consensus_score`` is ``bridging_mf``), so it has no empty-list note.
    NaN when not fitted (``mf_enabled`` off, no statement or no vote)."""

    def __init__(self, cfg: StatsConfig, matrix: VoteMatrix, exclude: np.ndarray, rng):
        m = matrix.shape[1]
        if cfg.mf_enabled and m and matrix.n_votes:
            self.scores = bridging_mf(matrix, exclude=exclude, cfg=cfg, rng=rng)
        else:
            self.scores = np.full(m, np.nan)
