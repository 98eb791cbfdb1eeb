"""The minimum-votes rules, scaled to small rooms: which statements have votes enough to enter the
consensus lists and the Jigsaw lists (see ``StatsConfig.min_votes_room_share``)."""

from __future__ import annotations

import math

import numpy as np

from deliberation.analysis.statistics.config import StatsConfig
from deliberation.analysis.statistics.tallies import GroupTallies
from deliberation.words import percent, said


def scaled_min_votes(rule: int, n_members: int, room_share: float) -> int:
    """The minimum-votes ``rule`` for a room of ``n_members`` (see
    ``StatsConfig.min_votes_room_share``): ``min(rule, max(1, ceil(room_share * n_members)))``;
    the rule unchanged when ``room_share`` is 0 or the rule is already 0."""
    if rule <= 0 or room_share <= 0:
        return int(rule)
    return int(min(rule, max(1, math.ceil(room_share * n_members - 1e-9))))


class MinVotes:
    """Eligibility by votes.

    Rule: the Jigsaw lists need ``min_vote_count`` votes from group members [jigsaw
    filteredComments]; the consensus lists need ``min_votes_for_consensus`` votes from group
    members AND at least ``min_group_participation`` of every group [Jigsaw minVoteCount; Polis
    collectiveStatement.ts]. Each count is capped at ``min_votes_room_share`` of the room
    [after polis conversation.clj ``in-conv``]. Moderated-out statements are never eligible.
    """

    def __init__(self, cfg: StatsConfig, tallies: GroupTallies, active: np.ndarray):
        self.cfg = cfg
        self.tallies = tallies
        self.active = active
        self.n_members = tallies.n_members
        self.for_lists = scaled_min_votes(cfg.min_vote_count, self.n_members, cfg.min_votes_room_share)
        self.for_consensus = scaled_min_votes(cfg.min_votes_for_consensus, self.n_members, cfg.min_votes_room_share)
        votes = tallies.in_group_votes
        m = len(active)
        #: eligible for the Jigsaw lists (group-representative, differences, uncertain)
        self.jigsaw_ok = active & (votes >= self.for_lists)
        part_ok = np.all(tallies.participation >= cfg.min_group_participation, axis=0) if m else np.zeros(0, bool)
        #: eligible for the consensus and common-ground lists
        self.consensus_ok = active & (votes >= self.for_consensus) & part_ok

    def rule(self) -> str:
        """The minimum-votes rule as applied to this room, in words, with its source."""
        return min_votes_rule(self.cfg, self.n_members)

    def considered(self, note: str) -> str:
        """A consensus or common-ground note followed by the sentence saying which statements were considered."""
        return said("analysis.considered", n=self.for_consensus, note=note,
                    share_voted=percent(self.cfg.min_group_participation))

    def why_empty(self) -> list[str]:
        """Why no statement can be consensus or common ground, when that is so."""
        if self.consensus_ok.any():
            return []
        cfg = self.cfg
        enough_n = self.active & (self.tallies.in_group_votes >= self.for_consensus)
        if enough_n.any():
            best = float(self.tallies.participation.min(axis=0)[enough_n].max())
            return [said("analysis.too_little_participation", share_voted=percent(cfg.min_group_participation),
                         best=percent(best, 1))]
        return [said("analysis.too_few_votes_consensus", n=self.for_consensus)]

    def why_no_jigsaw_lists(self) -> list[str]:
        """Why there are no group-representative, difference or uncertain statements, when no
        statement has the votes for them."""
        if self.jigsaw_ok.any():
            return []
        return [said("analysis.too_few_votes_lists", n=self.for_lists)]


def min_votes_rule(cfg: StatsConfig, n_members: int) -> str:
    """The minimum-votes rule as applied to a room of ``n_members``, in words, with its source."""
    cons = scaled_min_votes(cfg.min_votes_for_consensus, n_members, cfg.min_votes_room_share)
    if n_members == 0 and cons != cfg.min_votes_for_consensus:
        # a room without votes read "at least 1 votes ...: 50% of the 0 participants in groups"
        return said("analysis.min_votes_nobody", n=cfg.min_votes_for_consensus, share_room=percent(cfg.min_votes_room_share),
                    share_voted=percent(cfg.min_group_participation))
    if cons == cfg.min_votes_for_consensus:
        return said("analysis.min_votes", n=cons, share_voted=percent(cfg.min_group_participation))
    return said("analysis.min_votes_capped", n=cons, share_room=percent(cfg.min_votes_room_share),
                members=said("analysis.members", n=n_members), n_usual=cfg.min_votes_for_consensus,
                share_voted=percent(cfg.min_group_participation))
