"""Polis's representative statements ("repness") per opinion group: the comparative statistics,
the selection rule and why a group has none.

Source: compdemocracy/polis@08e03eb math/src/polismath/math/repness.clj.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from deliberation.analysis.statistics.config import StatsConfig
from deliberation.analysis.statistics.counting import VoteCounts
from deliberation.analysis.statistics.significance import prop_test, two_prop_test
from deliberation.wording import group_label
from deliberation.words import said


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
    cfg: StatsConfig = StatsConfig(),
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

    z is ``cfg.z_sig_90`` and pick_max ``cfg.repness_pick_max`` (defaults: Polis's 1.2816 and 5).

    red-dwarf 0.4.0 (reddwarf/utils/stats.py select_representative_statements) matches this
    except when there are sufficient statements but no best-agree: Polis returns the sorted
    sufficient statements, red-dwarf an empty list.
    """
    z, pick_max = cfg.z_sig_90, cfg.repness_pick_max
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

        best_agree = _best_agree(stats, gi, keep_idx, z)

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


def _best_agree(stats: PolisGroupStats, gi: int, keep_idx: np.ndarray, z: float) -> int | None:
    """Column of group row gi's best-agree statement: ``beats-best-agr?`` applied sequentially,
    as in the Clojure reduce (repness.clj select-rep-comments); None when no statement qualifies."""
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
    return int(keep_idx[b]) if b >= 0 else None


class Repness:
    """Polis's representative statements per opinion group (``repness``), unchanged.

    Rule and score: :func:`select_rep_comments` (rat/pat or rdt/pdt above ``z_sig_90``, ranked
    by the repness metric, ``repness_pick_max`` per group). Needs at least two groups.
    """

    def __init__(self, cfg: StatsConfig, counts: VoteCounts, statement_ids: list[str], exclude: np.ndarray):
        self.group_ids = [int(g) for g in counts.group_ids]
        self.by_group: dict[int, list[RepStatement]] = {}
        if len(self.group_ids) >= 2 and len(statement_ids):
            self.by_group = select_rep_comments(polis_group_stats(counts), counts.group_ids, statement_ids,
                                                exclude, cfg=cfg)

    def why_empty(self) -> list[str]:
        if len(self.group_ids) < 2:
            return []  # the input notes say why
        return [said("analysis.no_repness", group=group_label(g))
                for g in self.group_ids if not self.by_group.get(g)]
