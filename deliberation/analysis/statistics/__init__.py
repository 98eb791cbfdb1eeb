"""Statement statistics: vote counts, Polis repness and consensus, group-informed consensus,
Jigsaw-style categories and bridging scores.

Every formula follows a published implementation; each block names its source file and commit:

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

Counting is O(number of votes): two ``np.bincount`` calls over the COO triples; no dense
participants x statements array is ever built (bench/bench_stats.py times it).

One module per statistic category, each holding its rule, its score and its note on why its
list came out empty (as Jigsaw's group_informed.ts does): ``min_votes`` (the minimum-votes
rules, scaled to small rooms), ``consensus`` (consensus candidates, common ground), ``majority``
and ``repness`` (Polis), ``divisiveness`` (group-representative statements, differences of
opinion), ``uncertainty``, ``bridging`` (matrix factorisation). ``counting`` and ``tallies``
hold the counts and per-group rates they share, ``prose`` gathers the notes in words,
``records`` builds the per-statement records and ``compute`` runs them all.

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
  (see :func:`~deliberation.analysis.statistics.bridging.bridging_mf`); it is reported for every statement but is not the default ranking.
"""


from __future__ import annotations

from deliberation.analysis.statistics.bridging import bridging_mf
from deliberation.analysis.statistics.compute import compute_statistics
from deliberation.analysis.statistics.config import StatsConfig
from deliberation.analysis.statistics.counting import VoteCounts, count_votes
from deliberation.analysis.statistics.majority import select_consensus_comments
from deliberation.analysis.statistics.min_votes import min_votes_rule, scaled_min_votes
from deliberation.analysis.statistics.repness import (
    PolisGroupStats,
    RepStatement,
    polis_group_stats,
    select_rep_comments,
)
from deliberation.analysis.statistics.result import GroupVotes, StatementStats, StatsResult
from deliberation.analysis.statistics.significance import prop_test, two_prop_test
from deliberation.analysis.statistics.tallies import group_informed_consensus
from deliberation.analysis.statistics.uncertainty import jigsaw_percentile

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
    "scaled_min_votes",
    "min_votes_rule",
]
