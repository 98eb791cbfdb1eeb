"""One :class:`StatementStats` record per matrix column: counts, rates, scores and every list the
statement qualifies for."""

from __future__ import annotations

import numpy as np

from deliberation.analysis.statistics.counting import VoteCounts
from deliberation.analysis.statistics.repness import RepStatement
from deliberation.analysis.statistics.result import GroupVotes, StatementStats
from deliberation.analysis.statistics.significance import prop_test
from deliberation.analysis.statistics.tallies import GroupTallies

CATEGORY_ORDER = [
    "consensus", "consensus_disagree", "majority_agree", "majority_disagree", "common_ground",
    "common_ground_disagree", "group_representative", "difference_of_opinion", "uncertain", "repness",
]


def _categories(statement_ids: list[str], tags: dict[str, np.ndarray], representative: dict[int, np.ndarray],
                repness: dict[int, list[RepStatement]]) -> tuple[list[list[str]], list[list[int]]]:
    """Per statement: the lists it qualifies for (in ``CATEGORY_ORDER``) and the groups it is
    group-representative of."""
    m = len(statement_ids)
    cats: list[set[str]] = [set() for _ in range(m)]
    for name, idx in tags.items():
        for j in np.asarray(idx).tolist():
            cats[j].add(name)
    rep_of: list[list[int]] = [[] for _ in range(m)]
    for g, mk in representative.items():
        for j in np.flatnonzero(mk).tolist():
            rep_of[j].append(g)
            cats[j].add("group_representative")
    sid_pos = {sid: j for j, sid in enumerate(statement_ids)}
    for lst in repness.values():
        for r in lst:
            cats[sid_pos[r.statement_id]].add("repness")
    return [[c for c in CATEGORY_ORDER if c in s] for s in cats], rep_of


def _group_votes(counts: VoteCounts, tallies: GroupTallies) -> list[list[GroupVotes]]:
    """GroupVotes per statement (outer) and group (inner), group members only."""
    gsize = counts.group_sizes.tolist()
    gA, gD, gS = counts.group_agree, counts.group_disagree, counts.group_seen
    # tolist() once: per-element numpy access dominates for 10,000 statements otherwise
    gl = dict(A=gA.tolist(), D=gD.tolist(), S=gS.tolist(), ar=((gA + 1) / (gS + 2)).tolist(),
              dr=((gD + 1) / (gS + 2)).tolist(), pr=((gS - gA - gD + 1) / (gS + 2)).tolist(),
              part=(gS / np.maximum(counts.group_sizes[:, None], 1)).tolist(),
              diff=tallies.diff.tolist() if tallies.diff is not None else None)
    return [[GroupVotes(
        n_members=gsize[gi], n_seen=gl["S"][gi][j], n_agree=gl["A"][gi][j],
        n_disagree=gl["D"][gi][j], n_pass=gl["S"][gi][j] - gl["A"][gi][j] - gl["D"][gi][j],
        participation=gl["part"][gi][j], agree_rate=gl["ar"][gi][j], disagree_rate=gl["dr"][gi][j],
        pass_rate=gl["pr"][gi][j], agree_diff=gl["diff"][gi][j] if gl["diff"] is not None else None,
    ) for gi in range(len(gsize))] for j in range(counts.seen.shape[0])]


def statement_records(
    counts: VoteCounts,
    tallies: GroupTallies,
    statement_ids: list[str],
    exclude: np.ndarray,
    mf: np.ndarray,
    tags: dict[str, np.ndarray],
    representative: dict[int, np.ndarray],
    repness: dict[int, list[RepStatement]],
) -> list[StatementStats]:
    """The records, in column order. ``tags``: list name -> columns qualifying for it;
    ``representative``: group -> mask of its group-representative statements."""
    A, D, S = counts.agree, counts.disagree, counts.seen
    P = S - A - D
    t = tallies
    lists = {name: arr.tolist() for name, arr in dict(
        A=A, D=D, S=S, P=P, a_rate=(A + 1) / (S + 2), d_rate=(D + 1) / (S + 2), p_rate=(P + 1) / (S + 2),
        a_test=prop_test(A, S), d_test=prop_test(D, S), igv=t.in_group_votes, gic=t.gic,
        gic_dis=t.gic_disagree, min_agree=t.min_agree, min_dis=t.min_disagree, mf=mf,
        gpr=t.group_pass_rate).items()}
    md_l = t.max_diff.tolist() if t.max_diff is not None else None
    excl_l = exclude.tolist()
    gid_list = [int(g) for g in counts.group_ids]
    cats, rep_of = _categories(statement_ids, tags, representative, repness)
    group_votes = _group_votes(counts, tallies)
    out: list[StatementStats] = []
    for j, sid in enumerate(statement_ids):
        mfv = lists["mf"][j]
        out.append(StatementStats(
            statement_id=sid, moderated_out=excl_l[j],
            n_seen=lists["S"][j], n_agree=lists["A"][j], n_disagree=lists["D"][j], n_pass=lists["P"][j],
            agree_rate=lists["a_rate"][j], disagree_rate=lists["d_rate"][j], pass_rate=lists["p_rate"][j],
            agree_test=lists["a_test"][j], disagree_test=lists["d_test"][j],
            groups=dict(zip(gid_list, group_votes[j])), n_seen_in_groups=lists["igv"][j],
            gic=lists["gic"][j], gic_disagree=lists["gic_dis"][j],
            bridging_min=lists["min_agree"][j], bridging_min_disagree=lists["min_dis"][j],
            bridging_mf=None if mfv != mfv else mfv,
            max_group_diff=md_l[j] if md_l is not None else None,
            group_pass_rate=lists["gpr"][j],
            representative_of=rep_of[j],
            categories=cats[j],
        ))
    return out
