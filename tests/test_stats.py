"""Tests for deliberation.analysis.statistics: hand-computed formulas, the selection rules, the
minimum-votes rule, bridging, plain-words notes, bad input, and agreement with red-dwarf's
Polis implementation on the real Polis conversations in ../shared/corpora."""

from __future__ import annotations

import importlib.util
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import CORPORA
from deliberation.analysis.statistics import (
    StatsConfig,
    StatsResult,
    bridging_mf,
    compute_statistics,
    count_votes,
    group_informed_consensus,
    jigsaw_percentile,
    polis_group_stats,
    prop_test,
    select_rep_comments,
    two_prop_test,
)
from deliberation.importers.polis import polis_group_ids, read_polis_export
from deliberation.votematrix import VoteMatrix

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_stats.py"


# ---- helpers ------------------------------------------------------------------------------


def matrix_from_dense(dense, statement_ids=None, moderated_out=None) -> VoteMatrix:
    """Dense array with NaN = not seen -> VoteMatrix (rows = participants 0..n-1)."""
    dense = np.asarray(dense, dtype=float)
    n, m = dense.shape
    r, c = np.nonzero(~np.isnan(dense))
    sids = statement_ids or [str(j) for j in range(m)]
    mod = None if moderated_out is None else np.array([s in moderated_out for s in sids])
    return VoteMatrix([str(i) for i in range(n)], sids, r, c, dense[r, c].astype(np.int8), mod)


def block(n, agree=0, disagree=0, passes=0):
    """A column segment for n participants: the first `agree` agree, then disagree, pass, rest unseen."""
    col = np.full(n, np.nan)
    col[:agree] = 1
    col[agree:agree + disagree] = -1
    col[agree + disagree:agree + disagree + passes] = 0
    return col


def reddwarf():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # red-dwarf's import emits a pydantic warning
        pytest.importorskip("reddwarf", reason="red-dwarf (test extra) is not installed")
        # imported here: red-dwarf is optional (the tests that need it skip without it)
        from reddwarf.utils.consensus import select_consensus_statements
        from reddwarf.utils.stats import (
            calculate_comment_statistics_dataframes,
            select_representative_statements,
        )
    return calculate_comment_statistics_dataframes, select_representative_statements, select_consensus_statements


def reddwarf_frame(matrix: VoteMatrix) -> pd.DataFrame:
    return pd.DataFrame(
        matrix.to_dense(),
        index=pd.Index([int(x) for x in matrix.participant_ids], name="participant_id"),
        columns=pd.Index([int(x) for x in matrix.statement_ids], name="statement_id"),
    )


def reddwarf_lists(matrix: VoteMatrix, labels: np.ndarray):
    """red-dwarf's repness (per group, on group members with labels 0..k-1) and consensus
    (on everyone), as [(statement_id, direction)] / [statement_id]."""
    calc, select_rep, select_cons = reddwarf()
    df = reddwarf_frame(matrix)
    mod = [int(s) for s, x in zip(matrix.statement_ids, matrix.moderated_out) if x]
    members = labels >= 0
    grouped, gac = calc(df[members], labels[members])
    rep = select_rep(grouped, mod)
    cons = select_cons(df, mod)
    rep_lists = {int(g): [(str(x["tid"]), x["repful-for"]) for x in lst] for g, lst in rep.items()}
    return rep, rep_lists, [str(x["tid"]) for x in cons["agree"]], [str(x["tid"]) for x in cons["disagree"]], gac


def random_matrix(seed: int, n=120, m=30, k=3, density=0.6):
    """Random votes with group-dependent agree probabilities; labels 0..k-1, some -1."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    labels[rng.random(n) < 0.1] = -1
    p = rng.random((k + 1, m))
    u = rng.random((n, m))
    dense = np.where(u < p[np.where(labels < 0, k, labels)], 1.0, -1.0)
    dense[rng.random((n, m)) < 0.15] = 0.0
    dense[rng.random((n, m)) > density] = np.nan
    return matrix_from_dense(dense), labels


# ---- hand-computed formulas -----------------------------------------------------------------


def test_prop_test_by_hand():
    # stats.clj prop-test: 2*sqrt(n+1)*((succ+1)/(n+1) - 0.5)
    assert prop_test(3, 4) == pytest.approx(2 * np.sqrt(5) * (4 / 5 - 0.5))  # 1.341641
    assert prop_test(3, 4) == pytest.approx(1.3416407865)
    assert prop_test(0, 0) == pytest.approx(1.0)


def test_two_prop_test_by_hand():
    # +1 on all four counts: pi1 = 4/5, pi2 = 2/5, pooled 6/10
    z = (0.8 - 0.4) / np.sqrt(0.6 * 0.4 * (1 / 5 + 1 / 5))
    assert two_prop_test(3, 1, 4, 4) == pytest.approx(z)
    assert two_prop_test(3, 1, 4, 4) == pytest.approx(1.2909944487)
    # pooled p == 1 -> 0 (stats.clj)
    assert two_prop_test(4, 4, 4, 4) == 0.0


def test_counts_and_polis_group_stats_by_hand():
    # 6 participants: group 0 = rows 0-2, group 1 = rows 3-4, row 5 in no group
    dense = np.array([
        [1, 1, np.nan],
        [1, -1, 0],
        [1, 0, 0],
        [-1, 1, np.nan],
        [1, 1, 1],
        [-1, -1, -1],
    ], dtype=float)
    m = matrix_from_dense(dense)
    labels = np.array([0, 0, 0, 1, 1, -1])
    c = count_votes(m, labels)
    assert c.group_ids.tolist() == [0, 1] and c.group_sizes.tolist() == [3, 2]
    assert c.agree.tolist() == [4, 3, 1]
    assert c.disagree.tolist() == [2, 2, 1]
    assert c.seen.tolist() == [6, 6, 4]
    assert c.group_agree.tolist() == [[3, 1, 0], [1, 2, 1]]
    assert c.group_disagree.tolist() == [[0, 1, 0], [1, 0, 0]]
    assert c.group_seen.tolist() == [[3, 3, 2], [2, 2, 1]]
    assert c.group_passes.tolist() == [[0, 1, 2], [0, 0, 0]]

    s = polis_group_stats(c)
    # statement 0, group 0: na=3, ns=3; rest (group 1 only, not row 5): na=1, ns=2
    pa = (1 + 3) / (2 + 3)
    assert s.pa[0, 0] == pytest.approx(pa)
    assert s.ra[0, 0] == pytest.approx(pa / ((1 + 1) / (2 + 2)))
    assert s.pat[0, 0] == pytest.approx(2 * np.sqrt(4) * (4 / 4 - 0.5))
    assert s.rat[0, 0] == pytest.approx(two_prop_test(3, 1, 3, 2))
    assert s.rdt[0, 0] == pytest.approx(two_prop_test(0, 1, 3, 2))
    # group-informed consensus, statement 1: (1+1)/(3+2) * (2+1)/(2+2)
    gic = group_informed_consensus(c.group_agree, c.group_seen)
    assert gic[1] == pytest.approx((2 / 5) * (3 / 4))
    gicd = group_informed_consensus(c.group_disagree, c.group_seen)
    assert gicd[1] == pytest.approx((2 / 5) * (1 / 4))

    res = compute_statistics(m, labels)
    st = res.statements[1]
    assert (st.n_seen, st.n_agree, st.n_disagree, st.n_pass) == (6, 3, 2, 1)
    assert st.agree_rate == pytest.approx(4 / 8) and st.pass_rate == pytest.approx(2 / 8)
    assert st.gic == pytest.approx(0.3) and st.gic_disagree == pytest.approx(0.1)
    assert st.bridging_min == pytest.approx(min(2 / 5, 3 / 4))
    g0 = st.groups[0]
    assert (g0.n_members, g0.n_seen, g0.n_agree, g0.n_disagree, g0.n_pass) == (3, 3, 1, 1, 1)
    assert g0.agree_rate == pytest.approx(2 / 5)
    assert g0.participation == pytest.approx(1.0)
    # Jigsaw group difference: rate_g - rate of the other groups pooled
    assert g0.agree_diff == pytest.approx(2 / 5 - 3 / 4)
    assert st.max_group_diff == pytest.approx(abs(2 / 5 - 3 / 4))


def test_jigsaw_percentile_averages_neighbours():
    # summary_stats.ts get75thPercentile: (n-1)*0.75 = 2.25 -> mean of 3 and 4, not 3.25
    assert jigsaw_percentile([4, 1, 3, 2]) == 3.5
    assert jigsaw_percentile([1, 2, 3, 4, 5]) == 4.0
    assert np.isnan(jigsaw_percentile([]))


# ---- Polis selection rules ----------------------------------------------------------------


def test_repness_order_best_agree_first_then_agrees_before_disagrees():
    mat, labels = random_matrix(3, n=200, m=40, k=2)
    res = compute_statistics(mat, labels, StatsConfig(mf_enabled=False))
    for g, lst in res.repness.items():
        assert 1 <= len(lst) <= 5
        dirs = [r.direction for r in lst]
        assert dirs == sorted(dirs)  # all agrees before all disagrees
        for r in lst:
            assert r.metric == pytest.approx(r.repness * r.repness_test * r.p_success * r.p_test)
        best = [r for r in lst if r.best_agree]
        assert len(best) <= 1


@pytest.mark.parametrize("seed", range(12))
def test_repness_and_majority_match_reddwarf_on_random_matrices(seed):
    k = 2 + seed % 3
    mat, labels = random_matrix(seed, n=150, m=35, k=k)
    res = compute_statistics(mat, labels, StatsConfig(mf_enabled=False))
    _, rd_rep, rd_agree, rd_disagree, gac = reddwarf_lists(mat, labels)
    for g in range(k):
        ours = [(r.statement_id, r.direction) for r in res.repness[g]]
        assert ours == rd_rep[g], f"group {g}"
    assert res.majority_agree == rd_agree
    assert res.majority_disagree == rd_disagree
    np.testing.assert_allclose([s.gic for s in res.statements], gac["group-aware-consensus"].to_numpy())
    np.testing.assert_allclose([s.gic_disagree for s in res.statements],
                               gac["group-aware-consensus-disagree"].to_numpy())


def test_repness_sufficient_without_best_agree_follows_polis():
    """Group 0 disagrees with everything (so no best-agree candidate) but significantly more than
    group 1: Polis lists the sufficient disagree statements; red-dwarf 0.4.0 returns nothing."""
    n0, n1, m = 30, 30, 6
    dense = np.empty((n0 + n1, m))
    dense[:n0] = -1.0
    dense[n0:] = 1.0
    dense[n0:n0 + 5] = -1.0
    labels = np.array([0] * n0 + [1] * n1)
    mat = matrix_from_dense(dense)
    c = count_votes(mat, labels)
    rep = select_rep_comments(polis_group_stats(c), c.group_ids, mat.statement_ids)
    assert [r.direction for r in rep[0]] == ["disagree"] * 5
    assert not any(r.best_agree for r in rep[0])


def test_majority_is_polis_rule():
    n = 40
    cols = [
        block(n, agree=30, disagree=10),  # pa = 31/42 > 0.5, pat = 2*sqrt(41)*(31/41 - .5) = 3.28
        block(n, agree=21, disagree=19),  # pa = 22/42 > 0.5 but pat = 0.47 < 1.2816
        block(n, disagree=35, passes=5),  # disagree side
        block(n, agree=4),  # pa = 5/6, pat = 2*sqrt(5)*(5/5-.5) = 2.24: thin but Polis lists it
    ]
    mat = matrix_from_dense(np.column_stack(cols))
    res = compute_statistics(mat, None, StatsConfig(mf_enabled=False))
    assert res.majority_agree == ["0", "3"]  # sorted by pa*pat: 0.738*3.28 > 0.833*2.24
    assert res.majority_disagree == ["2"]
    # the optional minimum for the majority lists drops the thin one
    res2 = compute_statistics(mat, None, StatsConfig(mf_enabled=False, majority_min_votes=20))
    assert res2.majority_agree == ["0"]


# ---- real Polis conversations vs red-dwarf --------------------------------------------------


def corpus_folders():
    if not CORPORA.is_dir():
        return []
    return sorted(p.name for p in CORPORA.iterdir() if (p / "participants-votes.csv").exists())


@pytest.mark.skipif(not (CORPORA / "15-per-hour-seattle").is_dir(),
                    reason=f"Polis corpora not found at {CORPORA} (clone shared/ beside the repository)")
@pytest.mark.parametrize("folder", corpus_folders() or ["15-per-hour-seattle"])
def test_matches_reddwarf_on_polis_corpora(folder):
    path = CORPORA / folder
    mat = read_polis_export(path).vote_matrix()
    groups = polis_group_ids(path)
    labels = np.array([int(groups.get(pid, -1)) for pid in mat.participant_ids])
    t = time.perf_counter()
    res = compute_statistics(mat, labels)
    elapsed = time.perf_counter() - t
    rd_rep, rd_lists, rd_agree, rd_disagree, gac = reddwarf_lists(mat, labels)
    n_same = 0
    for g, lst in rd_rep.items():
        ours = res.repness[int(g)]
        assert [(r.statement_id, r.direction) for r in ours] == rd_lists[int(g)], f"group {g}"
        for x, r in zip(lst, ours):
            assert r.repness == pytest.approx(x["repness"])
            assert r.repness_test == pytest.approx(x["repness-test"])
            assert r.p_success == pytest.approx(x["p-success"])
            assert r.p_test == pytest.approx(x["p-test"])
            n_same += 1
    assert res.majority_agree == rd_agree
    assert res.majority_disagree == rd_disagree
    np.testing.assert_allclose([s.gic for s in res.statements], gac["group-aware-consensus"].to_numpy())
    # moderated-out statements are in no list
    mod = {s for s, x in zip(mat.statement_ids, mat.moderated_out) if x}
    listed = set(res.consensus + res.consensus_disagree + res.majority_agree + res.majority_disagree
                 + res.common_ground + res.common_ground_disagree + res.differences + res.uncertain)
    listed |= {s for lst in res.group_representative.values() for s in lst}
    listed |= {r.statement_id for lst in res.repness.values() for r in lst}
    assert not (listed & mod)
    print(f"\n{folder}: {mat.shape}, {mat.n_votes} votes, groups {res.group_sizes}: "
          f"{n_same} repness picks identical to red-dwarf, majority {res.majority_agree}/"
          f"{res.majority_disagree} identical, {elapsed:.2f}s")


# ---- minimum-votes rule (red-dwarf#72) -------------------------------------------------------


def thin_statement_matrix():
    """1,000 participants in two groups of 500. 'thin': 8 votes, all agree. 'broad': 400 votes,
    ~75% agree in both groups. 'one_sided': 33 votes, all agree, 30 of them from group 0."""
    n = 1000
    half = 500
    thin = np.full(n, np.nan)
    thin[:4] = 1
    thin[half:half + 4] = 1
    broad = np.full(n, np.nan)
    broad[:200] = np.where(np.arange(200) < 150, 1, -1)
    broad[half:half + 200] = np.where(np.arange(200) < 148, 1, 0)
    one_sided = np.full(n, np.nan)
    one_sided[10:40] = 1  # 6% of group 0
    one_sided[half + 10:half + 13] = 1  # 0.6% of group 1
    split = np.full(n, np.nan)
    split[:300] = 1
    split[half:half + 300] = -1
    dense = np.column_stack([thin, broad, one_sided, split])
    labels = np.array([0] * half + [1] * half)
    return matrix_from_dense(dense, ["thin", "broad", "one_sided", "split"]), labels


def test_eight_votes_among_1000_do_not_top_consensus():
    mat, labels = thin_statement_matrix()
    res = compute_statistics(mat, labels)
    assert res.consensus == ["broad"]
    assert "thin" not in res.common_ground and "thin" not in res.consensus
    assert "one_sided" not in res.consensus  # 3 of 500 = 0.6% of group 1 voted (< 5%)
    thin = res.statements[0]
    assert thin.n_seen == 8
    # without the rule the thin statement would top the list, by the min rate and by GIC alike
    # (the red-dwarf#72 situation)
    assert thin.bridging_min > res.statements[1].bridging_min
    assert thin.gic > res.statements[1].gic
    off = StatsConfig(min_votes_for_consensus=0, min_group_participation=0.0)
    assert compute_statistics(mat, labels, off).consensus[0] == "thin"
    by_gic = StatsConfig(min_votes_for_consensus=0, min_group_participation=0.0, consensus_score="gic")
    ranked = compute_statistics(mat, labels, by_gic).consensus
    assert ranked.index("thin") < ranked.index("broad")
    # each rule alone keeps it out: 8 < 20 votes; 4 of 500 = 0.8% < 5% of each group
    only_count = StatsConfig(min_group_participation=0.0)
    assert "thin" not in compute_statistics(mat, labels, only_count).consensus
    only_share = StatsConfig(min_votes_for_consensus=0)
    assert "thin" not in compute_statistics(mat, labels, only_share).consensus
    # the participation share is what keeps 'one_sided' (33 votes) out
    assert compute_statistics(mat, labels, only_count).consensus[0] == "one_sided"


def test_participation_share_note_when_it_excludes_everything():
    mat, labels = thin_statement_matrix()
    res = compute_statistics(mat, labels, StatsConfig(min_group_participation=0.7))
    assert res.consensus == [] and res.common_ground == []
    assert any("No statement was voted on by at least 70% of every group (the best reached 60.0%)" in x
               for x in res.notes)


# ---- Jigsaw categories and thresholds --------------------------------------------------------


def jigsaw_matrix():
    """Two groups of 18; everyone votes on every statement, so a group's rate is (A+1)/20."""
    g = 18

    def col(a0, d0, p0, a1, d1, p1):
        return np.concatenate([block(g, a0, d0, p0), block(g, a1, d1, p1)])

    cols = {
        "cg_edge": col(11, 7, 0, 11, 7, 0),  # 12/20 = 0.60 in both -> common ground (>=)
        "cg_below": col(11, 7, 0, 10, 8, 0),  # 0.60 and 0.55 -> not common ground
        "cgd_edge": col(7, 11, 0, 7, 11, 0),  # disagree 0.60 in both
        "split": col(18, 0, 0, 0, 18, 0),  # 0.95 vs 0.05: difference 0.9
        "diff_035": col(13, 5, 0, 6, 12, 0),  # 0.70 vs 0.35: difference 0.35 > 0.3
        "small_diff": col(10, 8, 0, 6, 12, 0),  # 0.55 vs 0.35: difference 0.2 (not > 0.3)
        "unsure": col(2, 1, 15, 1, 2, 15),  # 30 of 36 passed
        "plain": col(9, 9, 0, 9, 9, 0),
    }
    labels = np.array([0] * g + [1] * g)
    return matrix_from_dense(np.column_stack(list(cols.values())), list(cols)), labels


def test_jigsaw_common_ground_threshold():
    mat, labels = jigsaw_matrix()
    res = compute_statistics(mat, labels)
    assert "cg_edge" in res.common_ground
    assert "cg_below" not in res.common_ground
    assert res.common_ground_disagree == ["cgd_edge"]
    st = {s.statement_id: s for s in res.statements}
    assert st["cg_edge"].bridging_min == pytest.approx(0.6)
    assert "common_ground" in st["cg_edge"].categories


def test_jigsaw_group_representative_and_differences_use_documented_intent():
    mat, labels = jigsaw_matrix()
    res = compute_statistics(mat, labels)
    st = {s.statement_id: s for s in res.statements}
    assert st["split"].max_group_diff == pytest.approx(0.9)
    assert st["small_diff"].max_group_diff == pytest.approx(0.2)
    assert res.group_representative[0][:2] == ["split", "diff_035"]
    assert "split" not in res.group_representative[1]
    assert res.group_representative[1] == []  # group 1 is never 30 points above group 0
    # "more than 30%": split (0.9) and diff_035 (0.35) qualify; small_diff (0.2) must not,
    # although group_informed.ts's inverted comparison (< 0.3) would select it
    assert res.differences[:2] == ["split", "diff_035"]
    assert "small_diff" not in res.differences
    assert "cg_edge" not in res.differences  # common ground is never a difference
    assert any("No statement was representative of group B" in x for x in res.notes)


def test_jigsaw_uncertainty_threshold():
    mat, labels = jigsaw_matrix()
    res = compute_statistics(mat, labels)
    st = {s.statement_id: s for s in res.statements}
    assert st["unsure"].group_pass_rate == pytest.approx((30 + 1) / (36 + 2))
    rates = [s.group_pass_rate for s in res.statements]
    assert res.uncertainty_threshold == pytest.approx(max(0.2, jigsaw_percentile(rates)))
    assert res.uncertain == ["unsure"]


# ---- bridging ---------------------------------------------------------------------------------


def bridging_matrix(seed=0):
    """Group A: 60 people, group B: 40. Six polarising statements (10% noise). 'everyone':
    seen by 30 of A and 25 of B, all agree (55 agrees). 'big_group': seen by all, A agrees,
    B disagrees (60 agrees)."""
    rng = np.random.default_rng(seed)
    na, nb = 60, 40
    side = np.array([1] * na + [-1] * nb, dtype=float)
    cols = []
    for j in range(6):
        v = side * (1 if j < 3 else -1)
        flip = rng.random(na + nb) < 0.1
        cols.append(np.where(flip, -v, v))
    everyone = np.full(na + nb, np.nan)
    everyone[:30] = 1
    everyone[na:na + 25] = 1
    big_group = side.copy()
    cols += [everyone, big_group]
    ids = [f"p{j}" for j in range(6)] + ["everyone", "big_group"]
    labels = np.array([0] * na + [1] * nb)
    return matrix_from_dense(np.column_stack(cols), ids), labels


def test_statement_agreed_by_everyone_beats_one_big_group():
    mat, labels = bridging_matrix()
    res = compute_statistics(mat, labels)
    st = {s.statement_id: s for s in res.statements}
    e, b = st["everyone"], st["big_group"]
    assert b.n_agree > e.n_agree  # 60 > 55
    assert e.bridging_min > b.bridging_min
    assert e.gic > b.gic
    assert e.bridging_mf > b.bridging_mf
    assert e.bridging_mf == max(s.bridging_mf for s in res.statements)
    assert res.consensus[0] == "everyone"
    assert "big_group" not in res.consensus
    for score in ("bridging_mf", "gic"):
        assert compute_statistics(mat, labels, StatsConfig(consensus_score=score)).consensus[0] == "everyone"


def test_bridging_mf_is_seeded_and_skips_unvoted():
    mat, labels = bridging_matrix()
    a = bridging_mf(mat, rng=7)
    b = bridging_mf(mat, rng=7)
    np.testing.assert_array_equal(a, b)
    # a statement with passes only has no MF score
    dense = mat.to_dense()
    dense = np.column_stack([dense, np.where(np.arange(len(dense)) < 30, 0.0, np.nan)])
    mat2 = matrix_from_dense(dense, mat.statement_ids + ["passes_only"])
    res = compute_statistics(mat2, labels)
    assert res.statements[-1].bridging_mf is None
    # another seed gives the same ranking of the bridging statement
    c = bridging_mf(mat, rng=1)
    assert np.nanargmax(c) == mat.statement_ids.index("everyone")


# ---- moderation, bad input, notes -------------------------------------------------------------


def test_moderated_out_statements_are_in_no_list():
    mat, labels = bridging_matrix()
    mod = matrix_from_dense(mat.to_dense(), mat.statement_ids, moderated_out={"everyone"})
    res = compute_statistics(mod, labels)
    st = {s.statement_id: s for s in res.statements}
    assert st["everyone"].moderated_out and st["everyone"].categories == []
    assert st["everyone"].bridging_mf is None
    for lst in [res.consensus, res.majority_agree, res.common_ground, res.uncertain, res.differences]:
        assert "everyone" not in lst
    assert all(r.statement_id != "everyone" for lst in res.repness.values() for r in lst)
    assert any("1 moderated-out statement was left out of every list." == x for x in res.notes)


def test_the_analysis_notes_count_statements_in_words():
    """A room of six run by hand: its report's method read "Note: 6 statement(s) count as their author's agree
    vote" (the note had no singular or plural of its own); said in every language from the same id."""
    from deliberation.words import Texts, read_said, said

    assert said("analysis.author_votes", n=6).startswith("6 statements count as their authors' agree votes (")
    assert said("analysis.author_votes", n=1).startswith("1 statement counts as its author's agree vote (")
    assert said("analysis.moderated_out", n=2) == "2 moderated-out statements were left out of every list."
    for n in (1, 6):  # read back (deliberation.words.retell), as the report says it in the room's language
        assert read_said(said("analysis.author_votes", n=n))[:2] == ("said.analysis.author_votes", n)
    assert "(s)" not in said("analysis.author_votes", n=6) + Texts("de")("said.analysis.author_votes", n=6)


def test_no_common_ground_note_in_plain_words():
    mat, labels = bridging_matrix()
    # drop the 'everyone' column: nothing is agreed by 60% of both groups
    keep = [j for j, s in enumerate(mat.statement_ids) if s != "everyone"]
    m2 = matrix_from_dense(mat.to_dense()[:, keep], [mat.statement_ids[j] for j in keep])
    res = compute_statistics(m2, labels)
    assert res.common_ground == [] and res.consensus == []
    assert any(x.startswith("No statement reached common ground: no statement had an agree rate of at "
                            "least 60% in every group.") for x in res.notes)
    assert any(x.startswith("No statement reached cross-group consensus") for x in res.notes)


def _roundtrip(res: StatsResult) -> None:
    assert StatsResult.from_json(res.to_json()) == res


def test_empty_matrices():
    for mat in [
        VoteMatrix([], [], [], [], []),
        VoteMatrix(["1", "2"], [], [], [], []),
        VoteMatrix([], ["a", "b"], [], [], []),
    ]:
        res = compute_statistics(mat, np.full(mat.shape[0], -1))
        _roundtrip(res)
        assert res.consensus == [] and res.repness == {}
        assert any("nothing to analyse" in x for x in res.notes)


def test_no_votes():
    mat = VoteMatrix(["1", "2", "3"], ["a", "b"], [], [], [])
    res = compute_statistics(mat, np.array([0, 1, 1]))
    _roundtrip(res)
    assert res.notes[0] == "No votes have been cast yet, so no statement can be ranked or categorised."
    assert res.statements[0].n_seen == 0 and res.statements[0].bridging_mf is None


def test_all_labels_minus_one_and_labels_none():
    mat, _ = bridging_matrix()
    for labels in (np.full(mat.shape[0], -1), None):
        res = compute_statistics(mat, labels)
        _roundtrip(res)
        assert res.groups == [] and res.repness == {} and res.group_representative == {}
        assert any("No participant was placed in an opinion group" in x for x in res.notes)
        assert any("Fewer than two opinion groups" in x for x in res.notes)
        # everyone is one pseudo-group: the unanimous statement still comes first
        assert res.consensus[0] == "everyone"
        assert res.statements[0].max_group_diff is None


def test_one_group_only():
    mat, labels = bridging_matrix()
    res = compute_statistics(mat, np.where(labels == 0, 0, -1))
    _roundtrip(res)
    assert res.groups == [0] and res.repness == {}
    assert any("Only one opinion group (group A)" in x for x in res.notes)


def test_all_pass_votes():
    dense = np.zeros((30, 4))
    mat = matrix_from_dense(dense)
    res = compute_statistics(mat, np.array([0] * 15 + [1] * 15))
    _roundtrip(res)
    assert any(x.startswith("All 120 votes were passes") for x in res.notes)
    assert res.consensus == [] and res.majority_agree == [] and res.common_ground == []
    assert res.uncertain == []  # all pass rates equal: none is above the 75th percentile
    assert any(x.startswith("No statement stood out as uncertain") for x in res.notes)
    assert all(s.bridging_mf is None for s in res.statements)


def test_everything_moderated_out():
    mat, labels = bridging_matrix()
    mod = matrix_from_dense(mat.to_dense(), mat.statement_ids, moderated_out=set(mat.statement_ids))
    res = compute_statistics(mod, labels)
    assert res.notes == ["Every statement was moderated out, so there is nothing to list."]
    assert res.repness == {0: [], 1: []}


def test_bad_labels_length_is_refused():
    mat, labels = bridging_matrix()
    with pytest.raises(ValueError, match="one entry per participant"):
        compute_statistics(mat, labels[:-1])


def test_json_roundtrip_and_categories():
    mat, labels = jigsaw_matrix()
    res = compute_statistics(mat, labels)
    _roundtrip(res)
    d = res.to_dict()
    assert set(d) >= {"statements", "repness", "consensus", "common_ground", "notes", "consensus_rule"}
    st = {s.statement_id: s for s in res.statements}
    assert "difference_of_opinion" in st["split"].categories
    assert st["split"].representative_of == [0]


# ---- speed (printed, not asserted) ---------------------------------------------------------


def test_speed_synthetic_print():
    """Bench-style print on a 20,000 x 2,000 matrix with 50 votes each; the full
    100,000 x 10,000 run is bench/bench_stats.py."""
    spec = importlib.util.spec_from_file_location("bench_stats", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    mat, labels = bench.synthetic(20_000, 2_000, 50)
    t = time.perf_counter()
    res = compute_statistics(mat, labels, StatsConfig(mf_enabled=False))
    t_counts = time.perf_counter() - t
    t = time.perf_counter()
    compute_statistics(mat, labels)
    t_all = time.perf_counter() - t
    print(f"\n20,000 x 2,000, {mat.n_votes:,} votes: {t_counts:.2f}s without MF, {t_all:.2f}s with MF")
    assert len(res.statements) == 2_000


def test_notes_stored_in_the_words_of_before_are_still_said_in_the_rooms_language():
    """16aaf74 and cf1ff51 changed three English notes' words; an analysis or an audit stored before holds the
    old words, and a report written again from it said them in English in a German room (reviewer's LOWs):
    the old words are kept in deliberation/said_before.toml and read back as their ids."""
    from deliberation.words import read_said, retell

    old = "6 statement(s) count as their author's agree vote (Polis's convention; AnalysisConfig.author_agrees switches it off)."
    assert read_said(old)[:2] == ("said.analysis.author_votes", 6)
    assert retell(old, "de").startswith("6 Aussagen zählen als Zustimmung")
    assert retell("1 moderated-out statement(s) were left out of every list.", "de") == \
        "1 von der Moderation entfernte Aussage wurde in keiner Liste berücksichtigt."
    audit = ("2 common-ground drafts (item 1, item 2) speak for all 6 participants and are not counted towards any "
             "single group's share.")
    assert "(Gemeinsamer Nenner 1, Gemeinsamer Nenner 2)" in retell(audit, "de")
