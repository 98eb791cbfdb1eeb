"""Per-group rates and scores the consensus and Jigsaw rules read (Jigsaw's stats_util.ts), and the
ranking every list uses.

When nobody is in a group, everyone who voted is one pseudo-group, so the group-based figures
(GIC, bridging_min, common ground, consensus) still mean something.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deliberation.analysis.statistics.counting import VoteCounts
from deliberation.votematrix import VoteMatrix


def group_informed_consensus(group_success: np.ndarray, group_seen: np.ndarray) -> np.ndarray:
    """Product over groups of (A_g + 1) / (S_g + 2) (pass the disagree counts for the disagree
    version). Source: compdemocracy/polis@08e03eb math/src/polismath/math/conversation.clj
    ``group-aware-consensus``; jigsaw stats_util.ts ``getGroupInformedConsensus`` (includePasses)."""
    return np.prod((np.asarray(group_success, float) + 1.0) / (np.asarray(group_seen, float) + 2.0), axis=0)


@dataclass
class GroupTallies:
    """Arrays of shape (groups, statements) or (statements,), in matrix column order."""

    A: np.ndarray
    """Agrees per group (int), or of everyone as one pseudo-group when nobody is grouped."""
    D: np.ndarray
    S: np.ndarray
    """Votes (agree + disagree + pass) per group."""
    sizes: np.ndarray
    """Members per group (the pseudo-group: everyone who voted)."""
    agree_rate: np.ndarray
    """(A_g+1)/(S_g+2) [jigsaw stats_util.ts getAgreeRate, asProbabilityEstimate, includePasses]."""
    disagree_rate: np.ndarray
    min_agree: np.ndarray
    """bridging_min: the lowest group agree rate [jigsaw getMinAgreeProb]."""
    min_disagree: np.ndarray
    """The lowest group disagree rate [jigsaw getMinDisagreeProb]."""
    gic: np.ndarray
    """Group-informed consensus [polis conversation.clj group-aware-consensus]."""
    gic_disagree: np.ndarray
    """The same with disagree counts [jigsaw getGroupInformedDisagreeConsensus]."""
    group_pass_rate: np.ndarray
    """(sum P_g + 1)/(sum S_g + 2) [jigsaw getTotalPassRate, as group_informed.ts getUncertainScore]."""
    in_group_votes: np.ndarray
    """Votes from group members (what the minimum-votes rules count)."""
    participation: np.ndarray
    """S_g / members of g [polis collectiveStatement.ts participation]."""
    diff: np.ndarray | None
    """agree rate of g minus that of the other groups pooled [jigsaw getGroupAgreeProbDifference];
    None with fewer than two groups."""
    max_diff: np.ndarray | None
    """max_g |diff_g| [jigsaw getMaxGroupAgreeProbDifference]; None with fewer than two groups."""

    @property
    def n_members(self) -> int:
        return int(self.sizes.sum())

    @classmethod
    def of(cls, counts: VoteCounts, matrix: VoteMatrix) -> "GroupTallies":
        n_groups = len(counts.group_ids)
        if n_groups >= 1:
            jA, jD, jS = counts.group_agree, counts.group_disagree, counts.group_seen
            jsize = counts.group_sizes
        else:  # everyone as one pseudo-group
            jA, jD, jS = counts.agree[None, :], counts.disagree[None, :], counts.seen[None, :]
            # the pseudo-group is everyone who voted (registered participants who never voted, such as
            # the authors of an imported statements file, are not in the room)
            voted = np.bincount(matrix.rows, minlength=matrix.shape[0]) > 0
            jsize = np.array([int(voted.sum())], dtype=np.int64)
        jP = jS - jA - jD
        fA, fD, fS, fP = (x.astype(np.float64) for x in (jA, jD, jS, jP))
        ar, dr = (fA + 1) / (fS + 2), (fD + 1) / (fS + 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            participation = np.where(jsize[:, None] > 0, fS / np.maximum(jsize[:, None], 1), 0.0)
        if n_groups >= 2:
            rest_a, rest_s = fA.sum(0) - fA, fS.sum(0) - fS
            diff = ar - (rest_a + 1) / (rest_s + 2)
            max_diff = np.abs(diff).max(axis=0)
        else:
            diff, max_diff = None, None
        return cls(
            A=jA, D=jD, S=jS, sizes=jsize, agree_rate=ar, disagree_rate=dr,
            min_agree=ar.min(axis=0), min_disagree=dr.min(axis=0),
            gic=group_informed_consensus(jA, jS), gic_disagree=group_informed_consensus(jD, jS),
            group_pass_rate=(fP.sum(0) + 1) / (fS.sum(0) + 2),
            in_group_votes=jS.sum(axis=0), participation=participation, diff=diff, max_diff=max_diff,
        )


def ranked(mask: np.ndarray, *keys_desc: np.ndarray, limit: int | None) -> np.ndarray:
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
