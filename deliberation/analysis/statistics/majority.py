"""Polis's majority ("consensus") statements over all participants, with their rule, score and
why the lists are empty."""

from __future__ import annotations

import numpy as np

from deliberation.analysis.statistics.config import StatsConfig
from deliberation.analysis.statistics.counting import VoteCounts
from deliberation.words import percent, said
from deliberation.analysis.statistics.significance import prop_test


def select_consensus_comments(
    counts: VoteCounts,
    exclude: np.ndarray | None = None,
    *,
    cfg: StatsConfig = StatsConfig(),
    pick_max: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Polis's "consensus" (majority) statements over all participants: column indices
    (agree, disagree).

    Source: compdemocracy/polis@08e03eb math/src/polismath/math/repness.clj
    ``select-consensus-comments``: pa > 0.5 and pat > 1.2816, sorted by pa*pat descending,
    top 5 (disagree: pd, pdt); the thresholds are ``cfg``'s ``majority_min_prob``, ``z_sig_90``
    and ``majority_pick_max`` (``pick_max`` overrides the last). ``cfg.majority_min_votes``
    (default 0, i.e. Polis) optionally requires n_seen >= min_votes.
    """
    z, min_prob = cfg.z_sig_90, cfg.majority_min_prob
    pick_max = cfg.majority_pick_max if pick_max is None else pick_max
    a, d, s = counts.agree, counts.disagree, counts.seen
    pa, pd = (1.0 + a) / (2.0 + s), (1.0 + d) / (2.0 + s)
    pat, pdt = prop_test(a, s), prop_test(d, s)
    ok = np.ones(len(s), dtype=bool) if exclude is None else ~np.asarray(exclude, dtype=bool)
    ok &= s >= cfg.majority_min_votes

    def top(p, t):
        cand = np.flatnonzero(ok & (p > min_prob) & (t > z))
        order = np.argsort(-(p * t)[cand], kind="stable")
        return cand[order][:pick_max]

    return top(pa, pat), top(pd, pdt)


class Majority:
    """Polis's majority lists (``majority_agree`` / ``majority_disagree``), unchanged.

    Rule: pa > ``majority_min_prob`` and pat > ``z_sig_90`` (and optionally at least
    ``majority_min_votes`` votes). Score: pa * pat; the ``majority_pick_max`` best kept
    [polis repness.clj select-consensus-comments].
    """

    def __init__(self, cfg: StatsConfig, counts: VoteCounts, exclude: np.ndarray):
        self.cfg = cfg
        self.agree, self.disagree = select_consensus_comments(counts, exclude, cfg=cfg)
        #: every statement the rule admits (before the lists are cut to length)
        self.all_agree, self.all_disagree = select_consensus_comments(
            counts, exclude, cfg=cfg, pick_max=len(counts.seen))

    def why_empty(self) -> list[str]:
        of = percent(self.cfg.majority_min_prob)
        notes = []
        if len(self.agree) == 0:
            notes.append(said("analysis.no_majority", share=of))
        if len(self.disagree) == 0:
            notes.append(said("analysis.no_majority_disagree", share=of))
        return notes

    def tags(self) -> dict[str, np.ndarray]:
        return {"majority_agree": self.all_agree, "majority_disagree": self.all_disagree}
