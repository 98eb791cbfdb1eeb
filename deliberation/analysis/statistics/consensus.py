"""Cross-group consensus: our ranked consensus candidates and Jigsaw's common ground, each with its
rule, its score and why its list is empty."""

from __future__ import annotations

import numpy as np

from deliberation.analysis.statistics.config import StatsConfig
from deliberation.analysis.statistics.min_votes import MinVotes
from deliberation.analysis.statistics.tallies import GroupTallies, ranked
from deliberation.words import percent, said


class _AcrossGroups:
    """Two lists over every group, agree and its disagree mirror (``agree``, ``disagree``, from the
    masks ``mask``, ``mask_disagree``), whose empty-list notes name the share of every group the
    rule asks for. A subclass names its two tags, its two notes (ids of ``said`` texts whose
    ``{share}`` stands for the share) and the setting that holds the share."""

    TAGS: tuple[str, str]
    EMPTY_NOTES: tuple[str, str]
    SHARE_SETTING: str
    cfg: StatsConfig
    eligible: MinVotes
    mask: np.ndarray
    mask_disagree: np.ndarray
    agree: np.ndarray
    disagree: np.ndarray

    def why_empty(self) -> list[str]:
        of = percent(getattr(self.cfg, self.SHARE_SETTING))
        agree_note, disagree_note = (said(note, share=of) for note in self.EMPTY_NOTES)
        return _why_empty(self.eligible, [(self.agree, agree_note), (self.disagree, disagree_note)])

    def tags(self) -> dict[str, np.ndarray]:
        return dict(zip(self.TAGS, (np.flatnonzero(self.mask), np.flatnonzero(self.mask_disagree))))


class Consensus(_AcrossGroups):
    """Cross-group consensus candidates (``consensus``; ``consensus_disagree`` mirrors it).

    Rule: eligible by votes (``MinVotes.consensus_ok``: at least ``min_votes_for_consensus``
    votes from group members [Jigsaw minVoteCount] and ``min_group_participation`` of every group
    [polis collectiveStatement.ts]), and more than ``consensus_min_group_agree`` of every group
    agrees: Polis's majority threshold (pa > 0.5, select-consensus-comments) applied to each group.
    Score: ``consensus_score`` (default the lowest group agree rate, ``bridging_min``; or the GIC
    product, or the matrix-factorisation intercept); ties: GIC, then number of votes.
    """

    TAGS = ("consensus", "consensus_disagree")
    EMPTY_NOTES = ("analysis.no_consensus", "analysis.no_consensus_disagree")
    SHARE_SETTING = "consensus_min_group_agree"

    def __init__(self, cfg: StatsConfig, tallies: GroupTallies, eligible: MinVotes, mf: np.ndarray,
                 seen: np.ndarray):
        self.cfg = cfg
        self.eligible = eligible
        t = tallies
        score_agree = {"bridging_min": t.min_agree, "gic": t.gic, "bridging_mf": mf}[cfg.consensus_score]
        score_dis = {"bridging_min": t.min_disagree, "gic": t.gic_disagree, "bridging_mf": -mf}[cfg.consensus_score]
        ok = eligible.consensus_ok
        #: every candidate (before the list is cut to length)
        self.mask = ok & (t.min_agree > cfg.consensus_min_group_agree)
        self.mask_disagree = ok & (t.min_disagree > cfg.consensus_min_group_agree)
        seen_f = seen.astype(np.float64)
        self.agree = ranked(self.mask, score_agree, t.gic, seen_f, limit=cfg.consensus_pick_max)
        self.disagree = ranked(self.mask_disagree, score_dis, t.gic_disagree, seen_f, limit=cfg.consensus_pick_max)

    def rule(self) -> str:
        cfg = self.cfg
        return said("analysis.consensus_rule", n=self.eligible.for_consensus,
                    share_voted=percent(cfg.min_group_participation), share_agree=percent(cfg.consensus_min_group_agree),
                    score=cfg.consensus_score)


class CommonGround(_AcrossGroups):
    """Jigsaw common ground (``common_ground``; ``common_ground_disagree`` with disagree rates).

    Rule: eligible by votes as for consensus, and an agree rate of at least
    ``min_common_ground_prob`` in every group [jigsaw summary_stats.ts minCommonGroundProb,
    group_informed.ts getCommonGroundComments]. Score: GIC; the ``max_sample_size`` best kept.
    """

    TAGS = ("common_ground", "common_ground_disagree")
    EMPTY_NOTES = ("analysis.no_common_ground", "analysis.no_common_ground_disagree")
    SHARE_SETTING = "min_common_ground_prob"

    def __init__(self, cfg: StatsConfig, tallies: GroupTallies, eligible: MinVotes):
        self.cfg = cfg
        self.eligible = eligible
        ok = eligible.consensus_ok
        self.mask = ok & (tallies.min_agree >= cfg.min_common_ground_prob)
        self.mask_disagree = ok & (tallies.min_disagree >= cfg.min_common_ground_prob)
        self.agree = ranked(self.mask, tallies.gic, limit=cfg.max_sample_size)
        self.disagree = ranked(self.mask_disagree, tallies.gic_disagree, limit=cfg.max_sample_size)


def _why_empty(eligible: MinVotes, lists: list[tuple[np.ndarray, str]]) -> list[str]:
    """The note of each empty list, followed by which statements were considered; nothing when no
    statement had the votes (``MinVotes.why_empty`` says so)."""
    if not eligible.consensus_ok.any():
        return []
    return [eligible.considered(note) for found, note in lists if len(found) == 0]
