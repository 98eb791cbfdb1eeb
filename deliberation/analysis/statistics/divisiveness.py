"""Where the groups part: Jigsaw's group-representative statements and differences of opinion,
each with its rule, its score and why its list is empty (jigsaw group_informed.ts)."""

from __future__ import annotations

import numpy as np

from deliberation.analysis.statistics.config import StatsConfig
from deliberation.analysis.statistics.min_votes import MinVotes
from deliberation.analysis.statistics.tallies import GroupTallies, ranked
from deliberation.wording import group_label
from deliberation.words import said


def _points(cfg: StatsConfig) -> str:
    return f"{cfg.min_agree_prob_difference * 100:.0f}"


class GroupRepresentative:
    """Jigsaw group-representative statements per group (``group_representative``).

    Rule: enough votes for the Jigsaw lists (``MinVotes.jigsaw_ok``), not common ground (lowest
    group agree rate below ``min_common_ground_prob``) and the group's agree rate more than
    ``min_agree_prob_difference`` above the other groups' pooled [jigsaw group_informed.ts
    getGroupRepresentativeComments]. Score: that difference; ``max_sample_size`` kept per group.
    Needs at least two groups.
    """

    def __init__(self, cfg: StatsConfig, tallies: GroupTallies, eligible: MinVotes, group_ids: np.ndarray,
                 statement_ids: list[str]):
        self.cfg = cfg
        self.eligible = eligible
        self.masks: dict[int, np.ndarray] = {}
        self.by_group: dict[int, list[str]] = {}
        if len(group_ids) < 2:
            return
        for gi, g in enumerate(group_ids):
            mk = (eligible.jigsaw_ok & (tallies.min_agree < cfg.min_common_ground_prob)
                  & (tallies.diff[gi] > cfg.min_agree_prob_difference))
            self.masks[int(g)] = mk
            self.by_group[int(g)] = [statement_ids[j] for j in ranked(mk, tallies.diff[gi], limit=cfg.max_sample_size)]

    def why_empty(self) -> list[str]:
        if not self.eligible.jigsaw_ok.any():
            return []  # MinVotes says why
        return [said("analysis.no_representative", group=group_label(g), points=_points(self.cfg))
                for g, lst in self.by_group.items() if not lst]


class Differences:
    """Jigsaw differences of opinion (``differences``).

    Rule: enough votes for the Jigsaw lists, not common ground, and some group's agree rate
    differs from the other groups' by MORE than ``min_agree_prob_difference``. Score: the largest
    such difference; ``max_sample_size`` kept. group_informed.ts getDifferenceOfOpinionComments
    compares maxGroupDiff *<* 0.3 although its comment and message say "more than 30%" (inverted
    in 1c1b7a3, 2025-02-04); we implement the documented intent. Needs at least two groups.
    """

    def __init__(self, cfg: StatsConfig, tallies: GroupTallies, eligible: MinVotes, n_groups: int):
        self.cfg = cfg
        self.eligible = eligible
        self.n_groups = n_groups
        m = len(eligible.active)
        self.mask = np.zeros(m, dtype=bool)
        if n_groups >= 2:
            self.mask = (eligible.jigsaw_ok & (tallies.min_agree < cfg.min_common_ground_prob)
                         & (tallies.max_diff > cfg.min_agree_prob_difference))
        score = tallies.max_diff if tallies.max_diff is not None else np.zeros(m)
        self.statements = ranked(self.mask, score, limit=cfg.max_sample_size)

    def why_empty(self) -> list[str]:
        if not self.eligible.jigsaw_ok.any() or self.n_groups < 2 or len(self.statements):
            return []
        return [said("analysis.no_difference", points=_points(self.cfg))]

    def tags(self) -> dict[str, np.ndarray]:
        return {"difference_of_opinion": np.flatnonzero(self.mask)}
