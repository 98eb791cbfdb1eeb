"""All statement statistics for one vote matrix and one grouping: each category computed by its
own object, the notes gathered in words, one result."""

from __future__ import annotations

import numpy as np

from deliberation.analysis.statistics.bridging import Bridging
from deliberation.analysis.statistics.config import StatsConfig
from deliberation.analysis.statistics.consensus import CommonGround, Consensus
from deliberation.analysis.statistics.counting import check_labels, count_votes
from deliberation.analysis.statistics.divisiveness import Differences, GroupRepresentative
from deliberation.analysis.statistics.majority import Majority
from deliberation.analysis.statistics.min_votes import MinVotes
from deliberation.analysis.statistics.prose import notes_in_words
from deliberation.analysis.statistics.records import statement_records
from deliberation.analysis.statistics.repness import Repness
from deliberation.analysis.statistics.result import StatsResult
from deliberation.analysis.statistics.tallies import GroupTallies
from deliberation.analysis.statistics.uncertainty import Uncertain
from deliberation.votematrix import VoteMatrix


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
    labels = check_labels(labels, matrix.shape[0])
    counts = count_votes(matrix, labels)
    sids = list(matrix.statement_ids)
    excl = np.asarray(matrix.moderated_out, dtype=bool).copy()
    tallies = GroupTallies.of(counts, matrix)

    eligible = MinVotes(cfg, tallies, ~excl)
    bridging = Bridging(cfg, matrix, excl, rng)
    consensus = Consensus(cfg, tallies, eligible, bridging.scores, counts.seen)
    majority = Majority(cfg, counts, excl)
    repness = Repness(cfg, counts, sids, excl)
    common_ground = CommonGround(cfg, tallies, eligible)
    representative = GroupRepresentative(cfg, tallies, eligible, counts.group_ids, sids)
    differences = Differences(cfg, tallies, eligible, len(counts.group_ids))
    uncertain = Uncertain(cfg, tallies, eligible)

    notes = notes_in_words(matrix, counts, [
        eligible.why_empty, consensus.why_empty, common_ground.why_empty, majority.why_empty,
        eligible.why_no_jigsaw_lists, representative.why_empty, differences.why_empty, uncertain.why_empty,
        repness.why_empty,
    ])
    tags = {**consensus.tags(), **majority.tags(), **common_ground.tags(), **differences.tags(),
            **uncertain.tags()}
    statements = statement_records(counts, tallies, sids, excl, bridging.scores, tags,
                                   representative.masks, repness.by_group)

    def ids(idx) -> list[str]:
        return [sids[j] for j in np.asarray(idx).tolist()]

    gid_list = [int(g) for g in counts.group_ids]
    return StatsResult(
        statements=statements,
        groups=gid_list,
        group_sizes={g: s for g, s in zip(gid_list, counts.group_sizes.tolist())},
        repness=repness.by_group,
        consensus=ids(consensus.agree),
        consensus_disagree=ids(consensus.disagree),
        majority_agree=ids(majority.agree),
        majority_disagree=ids(majority.disagree),
        common_ground=ids(common_ground.agree),
        common_ground_disagree=ids(common_ground.disagree),
        group_representative=representative.by_group,
        differences=ids(differences.statements),
        uncertain=ids(uncertain.statements),
        uncertainty_threshold=float(uncertain.threshold),
        consensus_rule=consensus.rule(),
        min_votes_rule=eligible.rule(),
        notes=notes,
        config=cfg.model_dump(),
    )

