"""Jigsaw's uncertain statements (many passes): rule, score and why the list is empty."""

from __future__ import annotations

import numpy as np

from deliberation.analysis.statistics.config import StatsConfig
from deliberation.analysis.statistics.min_votes import MinVotes
from deliberation.words import percent, said
from deliberation.analysis.statistics.tallies import GroupTallies, ranked


def jigsaw_percentile(values: np.ndarray, q: float = StatsConfig().uncertainty_quantile) -> float:
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


class Uncertain:
    """Jigsaw uncertain statements (``uncertain``).

    Rule: enough votes for the Jigsaw lists and a pass rate over group members above
    max(``min_uncertainty_prob``, the ``uncertainty_quantile`` of those statements' pass rates)
    [jigsaw summary_stats.ts minUncertaintyProb, get75thPercentile; group_informed.ts
    getUncertainComments]. Score: the pass rate (getTotalPassRate); ``max_sample_size`` kept.
    """

    def __init__(self, cfg: StatsConfig, tallies: GroupTallies, eligible: MinVotes):
        self.eligible = eligible
        rate = tallies.group_pass_rate
        p75 = jigsaw_percentile(rate[eligible.jigsaw_ok], cfg.uncertainty_quantile)
        self.threshold = cfg.min_uncertainty_prob if np.isnan(p75) else max(cfg.min_uncertainty_prob, p75)
        self.mask = eligible.jigsaw_ok & (rate > self.threshold)
        self.statements = ranked(self.mask, rate, limit=cfg.max_sample_size)

    def why_empty(self) -> list[str]:
        if not self.eligible.jigsaw_ok.any() or len(self.statements):
            return []
        return [said("analysis.no_uncertain", share=percent(self.threshold))]

    def tags(self) -> dict[str, np.ndarray]:
        return {"uncertain": np.flatnonzero(self.mask)}
