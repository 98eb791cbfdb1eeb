"""Statement statistics: vote counts, Polis repness and consensus, group-informed consensus,
Jigsaw-style categories and bridging scores.

Every formula follows a published implementation; each block names its source file and commit
(see /work/shared/reference/polis-math.md and jigsaw-sensemaking.md):

* Polis math, compdemocracy/polis @ 08e03eb (2024-10-23):
  ``math/src/polismath/math/repness.clj`` (comment-stats, add-comparitive-stats,
  select-rep-comments, select-consensus-comments), ``math/src/polismath/math/stats.clj``
  (prop-test, two-prop-test, z-sig-90?), ``math/src/polismath/math/conversation.clj``
  (group-aware-consensus).
* Polis collective statements, compdemocracy/polis @ 3850d48
  ``server/src/routes/collectiveStatement.ts``: only comments with >= 5% participation from
  every group.
* Jigsaw sensemaking-tools, TS library read at bfbe40b^ (last commit before its removal):
  ``library/src/stats/summary_stats.ts``, ``stats_util.ts``, ``group_informed.ts``,
  ``matrix_factorization.ts``.
* Community Notes, twitter/communitynotes @ 3e43254
  ``scoring/src/scoring/matrix_factorization/matrix_factorization.py`` (``_get_reg_loss``).

Vote coding: +1 agree, -1 disagree, 0 pass (Polis's *export* coding). Note that the Clojure
code counts ``-1`` as agree (its internal coding is flipped); the formulas below are written
in terms of agree/disagree counts, so they are unaffected.

Groups come from the caller as ``labels`` (one int per matrix row; -1 = in no group). Group
figures use only the members of groups, as Polis and Jigsaw do; participants without a group
count in the overall figures (``n_seen`` ... ``pass_rate``) and in Polis's majority lists.

Counting is O(number of votes): two ``np.bincount`` calls over the COO triples, so a
100,000 x 10,000 matrix with 50 votes per participant (5 million votes) is counted in well
under a second; no dense participants x statements array is ever built.

Choices made here (each also documented where it is implemented):

* ``consensus`` is our ranked list of cross-group consensus candidates: at least
  ``min_votes_for_consensus`` (20, Jigsaw's minVoteCount; in a room of fewer than 40 group
  members half of them, ``min_votes_room_share``) votes from group members, at least
  ``min_group_participation`` (5%, Polis collective statements) of *every* group voted, and more
  than half of every group agrees; ranked by ``bridging_min`` (the lowest group agree rate) by
  default. Polis's own lists are kept unchanged as ``majority_agree`` / ``majority_disagree``
  and ``repness``.
* Jigsaw's differences of opinion use the documented intent (a group differs by *more* than
  0.3), not the inverted comparison in group_informed.ts.
* ``bridging_mf`` is fitted by alternating least squares with Community Notes' regularisation
  (see :func:`bridging_mf`); it is reported for every statement but is not the default ranking.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp

from deliberation.votematrix import VoteMatrix
from deliberation.wording import group_label

__all__ = [
    "StatsConfig",
    "VoteCounts",
    "PolisGroupStats",
    "GroupVotes",
    "StatementStats",
    "RepStatement",
    "StatsResult",
    "count_votes",
    "prop_test",
    "two_prop_test",
    "polis_group_stats",
    "select_rep_comments",
    "select_consensus_comments",
    "group_informed_consensus",
    "bridging_mf",
    "jigsaw_percentile",
    "compute_statistics",
]


# ==========================================================================================
# configuration
# ==========================================================================================


@dataclass(frozen=True)
class StatsConfig:
    """Thresholds of the statistics. Defaults are the published values (source in brackets)."""

    z_sig_90: float = 1.2816
    """One-sided 90% z threshold [polis stats.clj ``z-sig-90?``: z > 1.2816]."""

    repness_pick_max: int = 5
    """Representative statements kept per group [polis repness.clj select-rep-comments: take 5]."""

    majority_pick_max: int = 5
    """Majority statements kept per direction [polis repness.clj select-consensus-comments: top 5]."""

    majority_min_prob: float = 0.5
    """Majority needs pa (or pd) above this [polis select-consensus-comments: (> pa 0.5)]."""

    majority_min_votes: int = 0
    """Votes a statement needs to enter the majority lists. Polis has no such rule (0); raise it
    to keep thinly voted statements out of the majority lists too."""

    min_common_ground_prob: float = 0.6
    """Common ground needs this agree (or disagree) rate in every group
    [jigsaw summary_stats.ts ``minCommonGroundProb``]."""

    min_agree_prob_difference: float = 0.3
    """A group differs from the rest when its agree rate differs by more than this
    [jigsaw summary_stats.ts ``minAgreeProbDifference``]."""

    min_uncertainty_prob: float = 0.2
    """Floor of the pass-rate threshold for uncertain statements
    [jigsaw summary_stats.ts ``minUncertaintyProb``]."""

    uncertainty_quantile: float = 0.75
    """The pass-rate threshold is max(min_uncertainty_prob, this quantile of the pass rates)
    [jigsaw summary_stats.ts ``get75thPercentile``]."""

    max_sample_size: int = 12
    """Statements kept per Jigsaw list [jigsaw summary_stats.ts ``maxSampleSize``]."""

    min_vote_count: int = 20
    """Votes (agree + disagree + pass, from group members) a statement needs to enter any
    Jigsaw list [jigsaw summary_stats.ts ``minVoteCount``]."""

    min_votes_for_consensus: int = 20
    """Votes (agree + disagree + pass, from group members) a statement needs to enter the
    consensus lists (``consensus``, ``consensus_disagree``, ``common_ground*``)
    [Jigsaw ``minVoteCount``; guards against red-dwarf#72: 8 of 1,165 voted, GIC topped]."""

    min_votes_room_share: float = 0.5
    """Small rooms: a minimum-votes rule (``min_vote_count``, ``min_votes_for_consensus``) never
    asks for more votes than this share of the participants it counts (the members of the
    opinion groups; everyone when nobody is grouped), rounded up: the rule applied is
    ``min(rule, ceil(min_votes_room_share x members))``, at least 1. With six people a statement
    needs 3 votes, with 40 or more Jigsaw's 20 (so large conversations are unchanged). Jigsaw's
    fixed 20 presumes a conversation of far more than 20 people: in a room of six it excluded
    every statement. The cap follows Polis's own rule for small conversations
    [polis conversation.clj ``in-conv``: a participant needs min(7, number of comments) votes: a
    fixed threshold capped by what the conversation can supply]. 0 switches the cap off."""

    min_group_participation: float = 0.05
    """Share of every group's members that must have voted on a statement for it to enter the
    consensus lists [polis server/src/routes/collectiveStatement.ts @3850d48: >= 5% participation
    from every group]. Participation of group g = S_g / members of g. (A Polis helper,
    canGenerateCollectiveStatement, sums A + D + S, which counts agrees and disagrees twice since
    S already includes them; we use S.) In very sparse conversations (each participant sees well
    under 5% of the statements) this excludes everything, and a note says so: lower it there."""

    consensus_min_group_agree: float = 0.5
    """A consensus candidate must have an agree rate above this in every group: Polis's
    majority threshold (pa > 0.5) applied to each group instead of to everyone."""

    consensus_score: Literal["bridging_min", "bridging_mf", "gic"] = "bridging_min"
    """Score that ranks the consensus candidates. Default ``bridging_min`` (the lowest group
    agree rate): deterministic, explainable in one sentence ("at least x% of every group
    agrees"), and the weakest group decides, whereas the GIC product lets one enthusiastic group
    make up for a lukewarm one and the MF intercept depends on a non-convex fit."""

    consensus_pick_max: int | None = None
    """Length of the consensus lists; None keeps every candidate, ranked."""

    mf_enabled: bool = True
    """Fit the Community-Notes-style matrix factorisation (``bridging_mf``)."""

    mf_lambda_f: float = 0.03
    """L2 weight on the factors [communitynotes matrix_factorization.py; jigsaw
    matrix_factorization.ts ``lambdaF = 0.03``]."""

    mf_lambda_i: float = 0.15
    """L2 weight on the intercepts, 5 x ``mf_lambda_f`` [same sources: ``lambdaI = 0.15``]."""

    mf_max_iter: int = 100
    """Alternating-least-squares sweeps at most."""

    mf_tol: float = 1e-3
    """Stop when no statement intercept moved by more than this in a sweep. ALS has a slow tail;
    on the 100k x 10k benchmark 1e-3 takes ~20 sweeps and ranks statements like a 150-sweep fit
    (Spearman > 0.999)."""


# ==========================================================================================
# counting
# ==========================================================================================


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


def _check_labels(labels, n_rows: int) -> np.ndarray:
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
    labels = _check_labels(labels, n)
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


# ==========================================================================================
# Polis: tests, repness, majority ("consensus") statements
# ==========================================================================================


def prop_test(succ, n):
    """One-proportion z-test against 1/2 with a +1 pseudo-count on both counts.

    Source: compdemocracy/polis@08e03eb math/src/polismath/math/stats.clj ``prop-test``:
    ``2 * sqrt(n+1) * ((succ+1)/(n+1) - 0.5)``.
    """
    succ = np.asarray(succ, dtype=np.float64) + 1.0
    n = np.asarray(n, dtype=np.float64) + 1.0
    return 2.0 * np.sqrt(n) * (succ / n - 0.5)


def two_prop_test(succ_in, succ_out, n_in, n_out):
    """Pooled two-proportion z-test, +1 added to all four counts; 0 when the pooled p is 1.

    Source: compdemocracy/polis@08e03eb math/src/polismath/math/stats.clj ``two-prop-test``.
    """
    s1 = np.asarray(succ_in, dtype=np.float64) + 1.0
    s2 = np.asarray(succ_out, dtype=np.float64) + 1.0
    n1 = np.asarray(n_in, dtype=np.float64) + 1.0
    n2 = np.asarray(n_out, dtype=np.float64) + 1.0
    pi1, pi2 = s1 / n1, s2 / n2
    pi_hat = (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (pi1 - pi2) / np.sqrt(pi_hat * (1.0 - pi_hat) * (1.0 / n1 + 1.0 / n2))
    return np.where(pi_hat == 1.0, 0.0, z)


@dataclass
class PolisGroupStats:
    """Polis comment stats per group (rows) and statement (columns).

    Source: compdemocracy/polis@08e03eb math/src/polismath/math/repness.clj ``comment-stats``
    and ``add-comparitive-stats``: n=#, p=prob, r=rep, t=test, a=agree, d=disagree, s=seen.
    """

    na: np.ndarray
    nd: np.ndarray
    ns: np.ndarray
    pa: np.ndarray
    pd: np.ndarray
    pat: np.ndarray
    pdt: np.ndarray
    ra: np.ndarray
    rd: np.ndarray
    rat: np.ndarray
    rdt: np.ndarray


def polis_group_stats(counts: VoteCounts) -> PolisGroupStats:
    """pa=(1+na)/(2+ns), pd=(1+nd)/(2+ns), pat/pdt=prop_test; ra = pa_g / ((1+na_rest)/(2+ns_rest)),
    rd likewise; rat/rdt = two_prop_test(n*_g, n*_rest, ns_g, ns_rest). "rest" = the members of
    the *other groups* (participants in no group are not in it), as in repness.clj."""
    na = counts.group_agree.astype(np.float64)
    nd = counts.group_disagree.astype(np.float64)
    ns = counts.group_seen.astype(np.float64)
    na_rest = na.sum(axis=0, keepdims=True) - na
    nd_rest = nd.sum(axis=0, keepdims=True) - nd
    ns_rest = ns.sum(axis=0, keepdims=True) - ns
    pa = (1.0 + na) / (2.0 + ns)
    pd = (1.0 + nd) / (2.0 + ns)
    return PolisGroupStats(
        na=na, nd=nd, ns=ns, pa=pa, pd=pd,
        pat=prop_test(na, ns), pdt=prop_test(nd, ns),
        ra=pa / ((1.0 + na_rest) / (2.0 + ns_rest)),
        rd=pd / ((1.0 + nd_rest) / (2.0 + ns_rest)),
        rat=two_prop_test(na, na_rest, ns, ns_rest),
        rdt=two_prop_test(nd, nd_rest, ns, ns_rest),
    )


@dataclass
class RepStatement:
    """A statement representative of one opinion group (Polis ``finalize-cmt-stats``)."""

    statement_id: str
    group: int
    direction: Literal["agree", "disagree"]
    """``agree`` when rat > rdt, else ``disagree`` (repness.clj finalize-cmt-stats)."""
    repness: float
    """ra or rd: the group's agree (disagree) probability over the other groups'."""
    repness_test: float
    """rat or rdt: two-proportion z of the group against the other groups."""
    p_success: float
    """pa or pd: the group's smoothed agree (disagree) probability."""
    p_test: float
    """pat or pdt: one-proportion z of the group against 1/2."""
    metric: float
    """repness * repness_test * p_success * p_test (repness.clj repness-metric)."""
    n_success: int
    n_trials: int
    best_agree: bool = False
    """True for the group's "best agree" statement that Polis puts first."""


def _finalized(s: PolisGroupStats, gi: int):
    """finalize-cmt-stats for every statement of group row gi, vectorised:
    agree if rat > rdt else disagree; metric = repness * repness-test * p-success * p-test."""
    agree = s.rat[gi] > s.rdt[gi]
    pick = lambda a_, d_: np.where(agree, a_[gi], d_[gi])  # noqa: E731
    rep, rep_t, p, p_t = pick(s.ra, s.rd), pick(s.rat, s.rdt), pick(s.pa, s.pd), pick(s.pat, s.pdt)
    return agree, rep, rep_t, p, p_t, pick(s.na, s.nd), rep * rep_t * p * p_t


def select_rep_comments(
    stats: PolisGroupStats,
    group_ids: np.ndarray,
    statement_ids: list[str],
    exclude: np.ndarray | None = None,
    *,
    z: float = 1.2816,
    pick_max: int = 5,
) -> dict[int, list[RepStatement]]:
    """Polis's representative statements per group.

    Source: compdemocracy/polis@08e03eb math/src/polismath/math/repness.clj
    ``select-rep-comments``, walking the statements in column order:

    * sufficient = passes-by-test: (rat > z and pat > z) or (rdt > z and pdt > z);
    * best-agree = running best by ``beats-best-agr?`` (skip unvoted; once the best has ra > 1
      compare ra*rat*pa*pat, else pa*pat; the first candidate needs pat > z or (ra > 1 and pa > 0.5));
    * best = the statement with the highest max(rat, rdt) (used only when nothing is sufficient);
    * result: no sufficient -> [best-agree] or else [best]; otherwise best-agree first, then the
      sufficient ones (minus best-agree) sorted by the repness metric (stable), take ``pick_max``,
      then agrees before disagrees (stable). The best-agree statement keeps the direction
      finalize-cmt-stats gives it (it can come out as "disagree" when rdt >= rat).

    red-dwarf 0.4.0 (reddwarf/utils/stats.py select_representative_statements) matches this
    except when there are sufficient statements but no best-agree: Polis returns the sorted
    sufficient statements, red-dwarf an empty list.
    """
    m = len(statement_ids)
    keep_idx = np.arange(m) if exclude is None else np.flatnonzero(~np.asarray(exclude, dtype=bool))
    out: dict[int, list[RepStatement]] = {}
    for gi, group in enumerate(group_ids):
        group = int(group)
        agree, rep, rep_t, p, p_t, n_succ, metric = _finalized(stats, gi)

        def make(j: int, best: bool = False) -> RepStatement:
            return RepStatement(
                statement_id=statement_ids[j], group=group,
                direction="agree" if agree[j] else "disagree",
                repness=float(rep[j]), repness_test=float(rep_t[j]), p_success=float(p[j]),
                p_test=float(p_t[j]), metric=float(metric[j]), n_success=int(n_succ[j]),
                n_trials=int(stats.ns[gi, j]), best_agree=best,
            )

        # beats-best-agr?, sequential as in the Clojure reduce
        na_l, nd_l = stats.na[gi, keep_idx].tolist(), stats.nd[gi, keep_idx].tolist()
        pa_l, pat_l = stats.pa[gi, keep_idx].tolist(), stats.pat[gi, keep_idx].tolist()
        ra_l, rat_l = stats.ra[gi, keep_idx].tolist(), stats.rat[gi, keep_idx].tolist()
        b = -1
        for k in range(len(keep_idx)):
            if na_l[k] == 0 and nd_l[k] == 0:
                continue
            if b >= 0 and ra_l[b] > 1.0:
                ok = ra_l[k] * rat_l[k] * pa_l[k] * pat_l[k] > ra_l[b] * rat_l[b] * pa_l[b] * pat_l[b]
            elif b >= 0:
                ok = pa_l[k] * pat_l[k] > pa_l[b] * pat_l[b]
            else:
                ok = pat_l[k] > z or (ra_l[k] > 1.0 and pa_l[k] > 0.5)
            if ok:
                b = k
        best_agree = int(keep_idx[b]) if b >= 0 else None

        rat, rdt = stats.rat[gi], stats.rdt[gi]
        passes = ((rat > z) & (stats.pat[gi] > z)) | ((rdt > z) & (stats.pdt[gi] > z))
        sufficient = keep_idx[passes[keep_idx]]
        head = [make(best_agree, True)] if best_agree is not None else []
        if len(sufficient) == 0:
            if not head and len(keep_idx):
                # beats-best-by-test?: first statement, then strictly higher max(rat, rdt)
                head = [make(int(keep_idx[int(np.argmax(np.maximum(rat, rdt)[keep_idx]))]))]
            out[group] = head
            continue
        if best_agree is not None:
            sufficient = sufficient[sufficient != best_agree]
        order = sufficient[np.argsort(-metric[sufficient], kind="stable")]
        chosen = (head + [make(int(j)) for j in order[:pick_max]])[:pick_max]
        out[group] = [r for r in chosen if r.direction == "agree"] + [r for r in chosen if r.direction == "disagree"]
    return out


def select_consensus_comments(
    counts: VoteCounts,
    exclude: np.ndarray | None = None,
    *,
    z: float = 1.2816,
    min_prob: float = 0.5,
    pick_max: int = 5,
    min_votes: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Polis's "consensus" (majority) statements over all participants: column indices
    (agree, disagree).

    Source: compdemocracy/polis@08e03eb math/src/polismath/math/repness.clj
    ``select-consensus-comments``: pa > 0.5 and pat > 1.2816, sorted by pa*pat descending,
    top 5 (disagree: pd, pdt). ``min_votes`` (default 0, i.e. Polis) optionally requires
    n_seen >= min_votes.
    """
    a, d, s = counts.agree, counts.disagree, counts.seen
    pa, pd = (1.0 + a) / (2.0 + s), (1.0 + d) / (2.0 + s)
    pat, pdt = prop_test(a, s), prop_test(d, s)
    ok = np.ones(len(s), dtype=bool) if exclude is None else ~np.asarray(exclude, dtype=bool)
    ok &= s >= min_votes

    def top(p, t):
        cand = np.flatnonzero(ok & (p > min_prob) & (t > z))
        order = np.argsort(-(p * t)[cand], kind="stable")
        return cand[order][:pick_max]

    return top(pa, pat), top(pd, pdt)


def group_informed_consensus(group_success: np.ndarray, group_seen: np.ndarray) -> np.ndarray:
    """Product over groups of (A_g + 1) / (S_g + 2) (pass the disagree counts for the disagree
    version). Source: compdemocracy/polis@08e03eb math/src/polismath/math/conversation.clj
    ``group-aware-consensus``; jigsaw stats_util.ts ``getGroupInformedConsensus`` (includePasses)."""
    return np.prod((np.asarray(group_success, float) + 1.0) / (np.asarray(group_seen, float) + 2.0), axis=0)


# ==========================================================================================
# Jigsaw helpers
# ==========================================================================================


def jigsaw_percentile(values: np.ndarray, q: float = 0.75) -> float:
    """Jigsaw's ``get75thPercentile`` (summary_stats.ts): sort, index=(n-1)*q; an integer index
    takes that element, otherwise the *mean of the two neighbours* (not linear interpolation).
    Returns NaN for no values (the caller then uses the floor)."""
    v = np.sort(np.asarray(values, dtype=np.float64))
    if len(v) == 0:
        return float("nan")
    idx = (len(v) - 1) * q
    lo = int(np.floor(idx))
    if lo == idx:
        return float(v[lo])
    return float((v[lo] + v[lo + 1]) / 2.0)


# ==========================================================================================
# Community-Notes-style matrix factorisation
# ==========================================================================================


def bridging_mf(
    matrix: VoteMatrix,
    *,
    exclude: np.ndarray | None = None,
    lambda_i: float = 0.15,
    lambda_f: float = 0.03,
    max_iter: int = 100,
    tol: float = 1e-3,
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
    seeded N(0, 1) draw (``rng``); stops after ``max_iter`` sweeps or when no statement
    intercept moved by more than ``tol``.

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

    ones = np.ones(N)  # shared by B and Bt

    def split(x):
        b = sp.csr_matrix((ones, x.indices, x.indptr), shape=x.shape, copy=False)
        r_ = sp.csr_matrix(((x.data == 2.0).astype(np.float64), x.indices, x.indptr), shape=x.shape, copy=False)
        return b, r_

    B, R = split(X)
    Bt, Rt = split(Xt)
    del X, Xt, rk, ck, u, n, keep
    cnt_u = np.asarray(B.sum(axis=1)).ravel()
    cnt_n = np.asarray(B.sum(axis=0)).ravel()
    rs_u = np.asarray(R.sum(axis=1)).ravel()
    rs_n = np.asarray(R.sum(axis=0)).ravel()
    # Community Notes: mean-normalised penalties -> per-parameter ridge of lambda * N / count
    reg_iu, reg_in = lambda_i * N / nu, lambda_i * N / nn
    reg_fu, reg_fn = lambda_f * N / nu, lambda_f * N / nn
    reg_mu = lambda_i * N

    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
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
    bridging_mf.last_sweeps = sweeps  # for the benchmark / diagnostics
    out[notes] = i_n
    return out


# ==========================================================================================
# result types
# ==========================================================================================


@dataclass
class GroupVotes:
    """One statement's votes within one group; rates are Jigsaw's MAP estimates
    (A+1)/(S+2) with S = agree + disagree + pass (stats_util.ts getAgreeRate, includePasses)."""

    n_members: int
    n_seen: int
    n_agree: int
    n_disagree: int
    n_pass: int
    participation: float
    """n_seen / n_members (the Polis collective-statement participation share)."""
    agree_rate: float
    disagree_rate: float
    pass_rate: float
    agree_diff: float | None
    """agree_rate minus the agree rate of all other groups pooled (Jigsaw
    getGroupAgreeProbDifference); None with fewer than two groups."""


@dataclass
class StatementStats:
    """Counts, rates and scores of one statement. Group figures cover group members only."""

    statement_id: str
    moderated_out: bool
    n_seen: int
    """Votes cast: agree + disagree + pass, by anyone."""
    n_agree: int
    n_disagree: int
    n_pass: int
    agree_rate: float
    """(A+1)/(S+2) over all participants (= Polis pa over everyone)."""
    disagree_rate: float
    pass_rate: float
    """(P+1)/(S+2) over all participants."""
    agree_test: float
    """Polis pat = prop_test(A, S) over all participants."""
    disagree_test: float
    groups: dict[int, GroupVotes]
    n_seen_in_groups: int
    """Votes from group members (the count the minimum-votes rules use)."""
    gic: float
    """Group-informed consensus, product over groups of (A_g+1)/(S_g+2)."""
    gic_disagree: float
    bridging_min: float
    """Lowest group agree rate min_g (A_g+1)/(S_g+2) (Jigsaw getMinAgreeProb)."""
    bridging_min_disagree: float
    bridging_mf: float | None
    """Matrix-factorisation statement intercept (see ``bridging_mf``); None if not fitted or no
    agree/disagree vote."""
    max_group_diff: float | None
    """max_g |agree_diff_g| (Jigsaw getMaxGroupAgreeProbDifference); None with < 2 groups."""
    group_pass_rate: float
    """(sum P_g + 1)/(sum S_g + 2) over group members (Jigsaw getTotalPassRate)."""
    representative_of: list[int] = field(default_factory=list)
    """Groups for which this is a Jigsaw group-representative statement."""
    categories: list[str] = field(default_factory=list)
    """Every list this statement qualifies for (before the lists are cut to length):
    consensus, consensus_disagree, majority_agree, majority_disagree, common_ground,
    common_ground_disagree, group_representative, difference_of_opinion, uncertain, repness."""


@dataclass
class StatsResult:
    """Everything :func:`compute_statistics` found. Lists hold statement ids, best first;
    moderated-out statements are in no list. JSON: ``to_json()`` / ``from_json()``."""

    statements: list[StatementStats]
    """One record per matrix column (moderated-out ones too, flagged), in column order."""
    groups: list[int]
    group_sizes: dict[int, int]
    repness: dict[int, list[RepStatement]]
    """Polis representative statements per group (select-rep-comments), up to 5 each."""
    consensus: list[str]
    """Ranked cross-group consensus candidates (see ``consensus_rule``)."""
    consensus_disagree: list[str]
    """The same rule with disagree rates: statements every group rejects."""
    majority_agree: list[str]
    """Polis "consensus" statements (select-consensus-comments), agree side, up to 5."""
    majority_disagree: list[str]
    common_ground: list[str]
    """Jigsaw common ground: agree rate >= 60% in every group, by GIC, up to 12."""
    common_ground_disagree: list[str]
    """Jigsaw common ground in disagreement: disagree rate >= 60% in every group, up to 12."""
    group_representative: dict[int, list[str]]
    """Jigsaw group-representative statements per group, up to 12 each."""
    differences: list[str]
    """Jigsaw differences of opinion (documented intent: a group differs by > 30 points)."""
    uncertain: list[str]
    """Jigsaw uncertain statements: pass rate above ``uncertainty_threshold``."""
    uncertainty_threshold: float
    consensus_rule: str
    """The consensus rule in words."""
    min_votes_rule: str
    """The minimum-votes rule as applied to this room (scaled for small rooms), with its source."""
    notes: list[str]
    """Plain-language sentences: input problems and every list that came out empty, and why."""
    config: dict
    """The StatsConfig used."""

    # ---- JSON (pydantic v2 TypeAdapter over these dataclasses) ---------------------------
    def to_dict(self) -> dict:
        """Plain JSON-compatible dict (int dict keys stay ints; ``json.dumps`` turns them into strings)."""
        return _adapter().dump_python(self, mode="json")

    def to_json(self, indent: int | None = None) -> str:
        return _adapter().dump_json(self, indent=indent).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> "StatsResult":
        return _adapter().validate_json(text)


_ADAPTER = None


def _adapter():
    global _ADAPTER
    if _ADAPTER is None:
        from pydantic import TypeAdapter

        _ADAPTER = TypeAdapter(StatsResult)
    return _ADAPTER


# ==========================================================================================
# main entry point
# ==========================================================================================

_CATEGORY_ORDER = [
    "consensus", "consensus_disagree", "majority_agree", "majority_disagree", "common_ground",
    "common_ground_disagree", "group_representative", "difference_of_opinion", "uncertain", "repness",
]


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def scaled_min_votes(rule: int, n_members: int, room_share: float) -> int:
    """The minimum-votes ``rule`` for a room of ``n_members`` (see
    ``StatsConfig.min_votes_room_share``): ``min(rule, max(1, ceil(room_share * n_members)))``;
    the rule unchanged when ``room_share`` is 0 or the rule is already 0."""
    if rule <= 0 or room_share <= 0:
        return int(rule)
    return int(min(rule, max(1, math.ceil(room_share * n_members - 1e-9))))


def min_votes_rule(cfg: StatsConfig, n_members: int) -> str:
    """The minimum-votes rule as applied to a room of ``n_members``, in words, with its source."""
    cons = scaled_min_votes(cfg.min_votes_for_consensus, n_members, cfg.min_votes_room_share)
    if cons == cfg.min_votes_for_consensus:
        return (f"A statement needs at least {cons} votes from group members to count as common ground "
                f"(Jigsaw's minVoteCount) and votes from at least {_pct(cfg.min_group_participation)} "
                "of every group (Polis's collective-statement rule).")
    return (f"A statement needs at least {cons} votes from group members to count as common ground: "
            f"{_pct(cfg.min_votes_room_share)} of the {n_members} participants in groups, because the "
            f"usual minimum of {cfg.min_votes_for_consensus} votes (Jigsaw's minVoteCount) is more than "
            "this room can give (capped as Polis caps its own minimum for small conversations), and "
            f"votes from at least {_pct(cfg.min_group_participation)} of every group.")


def _ranked(mask: np.ndarray, *keys_desc: np.ndarray, limit: int | None) -> np.ndarray:
    """Indices where mask holds, sorted by keys descending (first key first; NaN last), stable."""
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return idx
    sort_keys = []
    for k in reversed(keys_desc):  # np.lexsort: last key is primary
        v = np.asarray(k, dtype=np.float64)[idx]
        sort_keys.append(np.where(np.isnan(v), np.inf, -v))
    order = np.lexsort(sort_keys) if sort_keys else np.arange(len(idx))
    out = idx[order]
    return out if limit is None else out[:limit]


def compute_statistics(
    matrix: VoteMatrix,
    labels: np.ndarray | None,
    config: StatsConfig = StatsConfig(),
    rng: int | np.random.Generator | None = 0,
) -> StatsResult:
    """All statement statistics for one vote matrix and one grouping.

    ``labels``: one int per matrix row, -1 = participant in no group (None = nobody grouped).
    ``rng`` seeds the matrix factorisation (the only random step).

    Consensus rule (``consensus``; ``consensus_disagree`` mirrors it with disagree rates):
    a statement is a candidate when it is not moderated out, has at least
    ``min_votes_for_consensus`` votes (agree/disagree/pass) from group members, was voted on by
    at least ``min_group_participation`` of the members of every group, and has an agree rate
    (A_g+1)/(S_g+2) above ``consensus_min_group_agree`` in every group; candidates are ranked by
    ``consensus_score`` (default: the lowest group agree rate), ties broken by GIC then votes.
    The same minimum-votes rule applies to the common-ground lists. Polis's own majority lists
    (``majority_*``) and repness are reproduced unchanged.

    When nobody is in a group, the group-based figures (GIC, bridging_min, common ground,
    consensus) treat all participants as a single group; representative statements and
    differences between groups need at least two groups.
    """
    cfg = config
    n_rows, m = matrix.shape
    labels = _check_labels(labels, n_rows)
    counts = count_votes(matrix, labels)
    sids = list(matrix.statement_ids)
    excl = np.asarray(matrix.moderated_out, dtype=bool).copy()
    active = ~excl
    notes: list[str] = []
    G = len(counts.group_ids)

    # ---- input checks, in plain words ----------------------------------------------------
    if m == 0:
        notes.append("There are no statements, so there is nothing to analyse.")
    if n_rows == 0:
        notes.append("There are no participants, so there is nothing to analyse.")
    if m and n_rows and matrix.n_votes == 0:
        notes.append("No votes have been cast yet, so no statement can be ranked or categorised.")
    elif matrix.n_votes and counts.agree.sum() + counts.disagree.sum() == 0:
        notes.append(f"All {matrix.n_votes} votes were passes: nobody agreed or disagreed with any "
                     "statement, so there is no agreement or disagreement to report.")
    if excl.any():
        if active.any():
            notes.append(f"{int(excl.sum())} moderated-out statement(s) were left out of every list.")
        else:
            notes.append("Every statement was moderated out, so there is nothing to list.")
    if G == 0 and n_rows:
        notes.append("No participant was placed in an opinion group, so group-informed consensus, "
                     "bridging and common ground treat all participants as one group.")
    elif G == 1:
        notes.append(f"Only one opinion group ({group_label(int(counts.group_ids[0]))}) was given, so its "
                     "members' votes stand for everyone in the group-based figures.")
    if G < 2 and m and n_rows:
        notes.append("Fewer than two opinion groups were given, so representative statements "
                     "(Polis repness), group-representative statements and differences of opinion "
                     "between groups were not computed.")

    # ---- tallies the Jigsaw / consensus rules use -----------------------------------------
    if G >= 1:
        jA, jD, jS = counts.group_agree, counts.group_disagree, counts.group_seen
        jsize = counts.group_sizes
    else:  # everyone as one pseudo-group
        jA, jD, jS = counts.agree[None, :], counts.disagree[None, :], counts.seen[None, :]
        # the pseudo-group is everyone who voted (registered participants who never voted, such as
        # the authors of an imported statements file, are not in the room)
        jsize = np.array([int((np.bincount(matrix.rows, minlength=n_rows) > 0).sum())], dtype=np.int64)
    jP = jS - jA - jD
    fA, fD, fS, fP = (x.astype(np.float64) for x in (jA, jD, jS, jP))
    # jigsaw stats_util.ts getAgreeRate/getDisagreeRate/getPassRate (asProbabilityEstimate, includePasses)
    ar, dr, pr = (fA + 1) / (fS + 2), (fD + 1) / (fS + 2), (fP + 1) / (fS + 2)
    min_agree, min_dis = ar.min(axis=0), dr.min(axis=0)  # getMinAgreeProb / getMinDisagreeProb
    gic = group_informed_consensus(jA, jS)  # conversation.clj group-aware-consensus
    gic_dis = group_informed_consensus(jD, jS)  # jigsaw getGroupInformedDisagreeConsensus
    # getTotalPassRate over group tallies (jigsaw group_informed.ts getUncertainScore)
    group_pass_rate = (fP.sum(0) + 1) / (fS.sum(0) + 2)
    in_group_votes = jS.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        participation = np.where(jsize[:, None] > 0, fS / np.maximum(jsize[:, None], 1), 0.0)
    if G >= 2:
        # jigsaw getGroupAgreeProbDifference: rate_g - rate of the other groups pooled
        rest_a, rest_s = fA.sum(0) - fA, fS.sum(0) - fS
        diff = ar - (rest_a + 1) / (rest_s + 2)
        max_diff = np.abs(diff).max(axis=0)  # getMaxGroupAgreeProbDifference
    else:
        diff, max_diff = None, None

    # ---- minimum-votes rules ---------------------------------------------------------------
    # scaled to the room: min(rule, ceil(min_votes_room_share x members)) (StatsConfig docs)
    n_members = int(jsize.sum())
    min_list = scaled_min_votes(cfg.min_vote_count, n_members, cfg.min_votes_room_share)
    min_cons = scaled_min_votes(cfg.min_votes_for_consensus, n_members, cfg.min_votes_room_share)
    jig_ok = active & (in_group_votes >= min_list)  # jigsaw filteredComments
    # consensus lists: Jigsaw minVoteCount AND Polis collectiveStatement.ts >= 5% of every group
    part_ok = np.all(participation >= cfg.min_group_participation, axis=0) if m else np.zeros(0, bool)
    cons_ok = active & (in_group_votes >= min_cons) & part_ok

    # ---- bridging MF -----------------------------------------------------------------------
    if cfg.mf_enabled and m and matrix.n_votes:
        mf = bridging_mf(matrix, exclude=excl, lambda_i=cfg.mf_lambda_i, lambda_f=cfg.mf_lambda_f,
                         max_iter=cfg.mf_max_iter, tol=cfg.mf_tol, rng=rng)
    else:
        mf = np.full(m, np.nan)

    # ---- consensus (ranked candidates) ----------------------------------------------------
    score_agree = {"bridging_min": min_agree, "gic": gic, "bridging_mf": mf}[cfg.consensus_score]
    score_dis = {"bridging_min": min_dis, "gic": gic_dis, "bridging_mf": -mf}[cfg.consensus_score]
    cons_mask = cons_ok & (min_agree > cfg.consensus_min_group_agree)
    cons_dis_mask = cons_ok & (min_dis > cfg.consensus_min_group_agree)
    seen_f = counts.seen.astype(np.float64)
    consensus = _ranked(cons_mask, score_agree, gic, seen_f, limit=cfg.consensus_pick_max)
    consensus_dis = _ranked(cons_dis_mask, score_dis, gic_dis, seen_f, limit=cfg.consensus_pick_max)
    consensus_rule = (
        f"A statement is a consensus candidate when it has at least {min_cons} "
        f"votes from group members, was voted on by at least {_pct(cfg.min_group_participation)} of "
        f"every group, and more than {_pct(cfg.consensus_min_group_agree)} of every group agrees "
        f"(agree rate (A+1)/(S+2), passes counted); candidates are ranked by {cfg.consensus_score} "
        "(ties: group-informed consensus, then number of votes). Moderated-out statements are "
        "never candidates."
    )

    # ---- Polis majority and repness --------------------------------------------------------
    maj_a, maj_d = select_consensus_comments(
        counts, excl, z=cfg.z_sig_90, min_prob=cfg.majority_min_prob,
        pick_max=cfg.majority_pick_max, min_votes=cfg.majority_min_votes)
    maj_a_all, maj_d_all = select_consensus_comments(
        counts, excl, z=cfg.z_sig_90, min_prob=cfg.majority_min_prob, pick_max=m,
        min_votes=cfg.majority_min_votes)
    repness: dict[int, list[RepStatement]] = {}
    if G >= 2 and m:
        pstats = polis_group_stats(counts)
        repness = select_rep_comments(pstats, counts.group_ids, sids, excl, z=cfg.z_sig_90,
                                      pick_max=cfg.repness_pick_max)

    # ---- Jigsaw categories (group_informed.ts) ----------------------------------------------
    k = cfg.max_sample_size
    cg_mask = cons_ok & (min_agree >= cfg.min_common_ground_prob)
    cgd_mask = cons_ok & (min_dis >= cfg.min_common_ground_prob)
    common_ground = _ranked(cg_mask, gic, limit=k)
    common_ground_dis = _ranked(cgd_mask, gic_dis, limit=k)
    group_rep: dict[int, list[str]] = {}
    rep_masks: dict[int, np.ndarray] = {}
    diff_mask = np.zeros(m, dtype=bool)
    if G >= 2:
        for gi, g in enumerate(counts.group_ids):
            mk = jig_ok & (min_agree < cfg.min_common_ground_prob) & (diff[gi] > cfg.min_agree_prob_difference)
            rep_masks[int(g)] = mk
            group_rep[int(g)] = [sids[j] for j in _ranked(mk, diff[gi], limit=k)]
        # group_informed.ts getDifferenceOfOpinionComments compares maxGroupDiff *<* 0.3 although
        # its comment and message say "more than 30%" (inverted in 1c1b7a3, 2025-02-04). We
        # implement the documented intent: some group differs from the rest by MORE than 0.3,
        # and the statement is not common ground (min agree rate < 0.6).
        diff_mask = jig_ok & (min_agree < cfg.min_common_ground_prob) & (max_diff > cfg.min_agree_prob_difference)
    differences = _ranked(diff_mask, max_diff if max_diff is not None else np.zeros(m), limit=k)
    # uncertainty: pass rate > max(0.2, 75th percentile over the statements with enough votes)
    p75 = jigsaw_percentile(group_pass_rate[jig_ok], cfg.uncertainty_quantile)
    unc_thr = cfg.min_uncertainty_prob if np.isnan(p75) else max(cfg.min_uncertainty_prob, p75)
    unc_mask = jig_ok & (group_pass_rate > unc_thr)
    uncertain = _ranked(unc_mask, group_pass_rate, limit=k)

    # ---- notes for empty lists -------------------------------------------------------------
    have_data = bool(m and n_rows and matrix.n_votes and active.any())
    if have_data:
        few = (f" Only statements with at least {min_cons} votes from group members, "
               f"including votes from at least {_pct(cfg.min_group_participation)} of every group, "
               "were considered.")
        if not cons_ok.any():
            enough_n = active & (in_group_votes >= min_cons)
            if enough_n.any():
                best = float(participation.min(axis=0)[enough_n].max())
                notes.append(
                    f"No statement was voted on by at least {_pct(cfg.min_group_participation)} of every "
                    f"group (the best reached {best:.1%}), so no statement can be listed as consensus or "
                    "common ground. In a large conversation where each participant sees only a small share of "
                    "the statements, lower min_group_participation.")
            else:
                notes.append(
                    f"No statement had at least {min_cons} votes from group members, "
                    "so no statement can be listed as consensus or common ground.")
        if cons_ok.any():
            if len(consensus) == 0:
                notes.append("No statement reached cross-group consensus: no statement was agreed with by "
                             f"more than {_pct(cfg.consensus_min_group_agree)} of every group." + few)
            if len(consensus_dis) == 0:
                notes.append("No statement was rejected across groups: no statement was disagreed with by "
                             f"more than {_pct(cfg.consensus_min_group_agree)} of every group." + few)
            if len(common_ground) == 0:
                notes.append("No statement reached common ground: no statement had an agree rate of at least "
                             f"{_pct(cfg.min_common_ground_prob)} in every group." + few)
            if len(common_ground_dis) == 0:
                notes.append("No statement reached common ground in disagreement: no statement had a "
                             f"disagree rate of at least {_pct(cfg.min_common_ground_prob)} in every group."
                             + few)
        if len(maj_a) == 0:
            notes.append("No statement had majority agreement: no statement was agreed with by more than "
                         f"{_pct(cfg.majority_min_prob)} of voters with 90% confidence (Polis's rule).")
        if len(maj_d) == 0:
            notes.append("No statement had majority disagreement: no statement was disagreed with by more "
                         f"than {_pct(cfg.majority_min_prob)} of voters with 90% confidence (Polis's rule).")
        pts = f"{cfg.min_agree_prob_difference * 100:.0f} percentage points"
        if not jig_ok.any():
            notes.append(f"No statement had at least {min_list} votes from group members, so "
                         "there are no group-representative, difference-of-opinion or uncertain statements.")
        else:
            if G >= 2:
                for g, lst in group_rep.items():
                    if not lst:
                        notes.append(
                            f"No statement was representative of {group_label(g)}: no statement had an agree rate "
                            f"more than {pts} above the other groups' while falling short of common ground.")
                if len(differences) == 0:
                    notes.append(
                        "No statement showed a difference of opinion: no statement had a group whose agree "
                        f"rate differed from the other groups' by more than {pts}.")
            if len(uncertain) == 0:
                notes.append("No statement stood out as uncertain: no statement had a pass rate above "
                             f"{_pct(unc_thr)}.")
        if G >= 2:
            for g in counts.group_ids:
                if not repness.get(int(g)):
                    notes.append(f"Polis found no representative statement for {group_label(int(g))}.")

    # ---- per-statement records ----------------------------------------------------------
    cats: list[set[str]] = [set() for _ in range(m)]

    def tag(idx, name):
        for j in np.asarray(idx).tolist():
            cats[j].add(name)

    tag(np.flatnonzero(cons_mask), "consensus")
    tag(np.flatnonzero(cons_dis_mask), "consensus_disagree")
    tag(maj_a_all, "majority_agree")
    tag(maj_d_all, "majority_disagree")
    tag(np.flatnonzero(cg_mask), "common_ground")
    tag(np.flatnonzero(cgd_mask), "common_ground_disagree")
    tag(np.flatnonzero(diff_mask), "difference_of_opinion")
    tag(np.flatnonzero(unc_mask), "uncertain")
    rep_of: list[list[int]] = [[] for _ in range(m)]
    for g, mk in rep_masks.items():
        for j in np.flatnonzero(mk).tolist():
            rep_of[j].append(g)
            cats[j].add("group_representative")
    sid_pos = {sid: j for j, sid in enumerate(sids)}
    for lst in repness.values():
        for r in lst:
            cats[sid_pos[r.statement_id]].add("repness")

    A, D, S = counts.agree, counts.disagree, counts.seen
    P = S - A - D
    a_rate, d_rate, p_rate = (A + 1) / (S + 2), (D + 1) / (S + 2), (P + 1) / (S + 2)
    a_test, d_test = prop_test(A, S), prop_test(D, S)
    gid_list = [int(g) for g in counts.group_ids]
    gsize = counts.group_sizes.tolist()
    gA, gD, gS = counts.group_agree, counts.group_disagree, counts.group_seen
    g_ar = (gA + 1) / (gS + 2)
    g_dr = (gD + 1) / (gS + 2)
    g_pr = (gS - gA - gD + 1) / (gS + 2)
    g_part = gS / np.maximum(counts.group_sizes[:, None], 1)
    statements: list[StatementStats] = []
    # tolist() once: per-element numpy access dominates for 10,000 statements otherwise
    lists = {name: arr.tolist() for name, arr in dict(
        A=A, D=D, S=S, P=P, a_rate=a_rate, d_rate=d_rate, p_rate=p_rate, a_test=a_test, d_test=d_test,
        igv=in_group_votes, gic=gic, gic_dis=gic_dis, min_agree=min_agree, min_dis=min_dis, mf=mf,
        gpr=group_pass_rate).items()}
    md_l = max_diff.tolist() if max_diff is not None else None
    gl = dict(A=gA.tolist(), D=gD.tolist(), S=gS.tolist(), ar=g_ar.tolist(), dr=g_dr.tolist(),
              pr=g_pr.tolist(), part=g_part.tolist(), diff=diff.tolist() if diff is not None else None)
    excl_l = excl.tolist()
    for j in range(m):
        groups = {}
        for gi, g in enumerate(gid_list):
            groups[g] = GroupVotes(
                n_members=gsize[gi], n_seen=gl["S"][gi][j], n_agree=gl["A"][gi][j],
                n_disagree=gl["D"][gi][j], n_pass=gl["S"][gi][j] - gl["A"][gi][j] - gl["D"][gi][j],
                participation=gl["part"][gi][j], agree_rate=gl["ar"][gi][j], disagree_rate=gl["dr"][gi][j],
                pass_rate=gl["pr"][gi][j], agree_diff=gl["diff"][gi][j] if gl["diff"] is not None else None,
            )
        mfv = lists["mf"][j]
        statements.append(StatementStats(
            statement_id=sids[j], moderated_out=excl_l[j],
            n_seen=lists["S"][j], n_agree=lists["A"][j], n_disagree=lists["D"][j], n_pass=lists["P"][j],
            agree_rate=lists["a_rate"][j], disagree_rate=lists["d_rate"][j], pass_rate=lists["p_rate"][j],
            agree_test=lists["a_test"][j], disagree_test=lists["d_test"][j],
            groups=groups, n_seen_in_groups=lists["igv"][j],
            gic=lists["gic"][j], gic_disagree=lists["gic_dis"][j],
            bridging_min=lists["min_agree"][j], bridging_min_disagree=lists["min_dis"][j],
            bridging_mf=None if mfv != mfv else mfv,
            max_group_diff=md_l[j] if md_l is not None else None,
            group_pass_rate=lists["gpr"][j],
            representative_of=rep_of[j],
            categories=[c for c in _CATEGORY_ORDER if c in cats[j]],
        ))

    def ids(idx) -> list[str]:
        return [sids[j] for j in np.asarray(idx).tolist()]

    return StatsResult(
        statements=statements,
        groups=gid_list,
        group_sizes={g: s for g, s in zip(gid_list, gsize)},
        repness=repness,
        consensus=ids(consensus),
        consensus_disagree=ids(consensus_dis),
        majority_agree=ids(maj_a),
        majority_disagree=ids(maj_d),
        common_ground=ids(common_ground),
        common_ground_disagree=ids(common_ground_dis),
        group_representative=group_rep,
        differences=ids(differences),
        uncertain=ids(uncertain),
        uncertainty_threshold=float(unc_thr),
        consensus_rule=consensus_rule,
        min_votes_rule=min_votes_rule(cfg, n_members),
        notes=notes,
        config=asdict(cfg),
    )

