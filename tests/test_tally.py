"""Tally: Schulze against published examples, GIC by hand, ballots from votes, rejected_by."""

from __future__ import annotations

import json

import numpy as np
import pytest

from deliberation.tally import (
    TallyConfig,
    TallyResult,
    ballots_from_votes,
    group_informed_consensus,
    pairwise_from_ballots,
    schulze_ranking,
    schulze_strongest_paths,
    tally,
)
from deliberation.votematrix import VoteMatrix


def ballots(spec: list[tuple[int, str]]) -> list[list[list[str]]]:
    """(count, 'ACBED') -> count strict ballots A > C > B > E > D."""
    out = []
    for n, order in spec:
        out += [[[c] for c in order]] * n
    return out


# Schulze, "A new monotonic, clone-independent, reversal symmetric, and Condorcet-consistent
# single-winner election method" (Social Choice and Welfare 36, 2011), example 1; it is the
# example of the English Wikipedia article "Schulze method" (45 voters).
WIKIPEDIA = [(5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"), (7, "CAEBD"), (2, "CBADE"),
             (7, "DCEBA"), (8, "EBADC")]


def test_schulze_wikipedia_example_exact_order():
    c = list("ABCDE")
    assert schulze_ranking(ballots(WIKIPEDIA), c) == [["E"], ["A"], ["C"], ["B"], ["D"]]
    d = pairwise_from_ballots(ballots(WIKIPEDIA), c)
    # the pairwise table and strongest paths as printed in the article
    assert d.tolist() == [[0, 20, 26, 30, 22], [25, 0, 16, 33, 18], [19, 29, 0, 17, 24],
                          [15, 12, 28, 0, 14], [23, 27, 21, 31, 0]]
    assert schulze_strongest_paths(d).tolist() == [[0, 28, 28, 30, 24], [25, 0, 28, 33, 24],
                                                   [25, 29, 0, 29, 24], [25, 28, 28, 0, 24],
                                                   [25, 28, 28, 31, 0]]
    # the pairwise matrix is accepted directly, as numpy or nested lists
    assert schulze_ranking(d, c) == schulze_ranking(d.tolist(), c) == [["E"], ["A"], ["C"], ["B"], ["D"]]


def test_schulze_paper_examples_2_3_4():
    """Examples 2-4 of Schulze's paper as given on Electowiki ("Schulze method")."""
    ex2 = [(5, "ACBD"), (2, "ACDB"), (3, "ADCB"), (4, "BACD"), (3, "CBDA"), (3, "CDBA"), (1, "DACB"),
           (5, "DBAC"), (4, "DCBA")]
    assert schulze_ranking(ballots(ex2), list("ABCD")) == [["D"], ["A"], ["C"], ["B"]]
    ex3 = [(3, "ABDEC"), (5, "ADEBC"), (1, "ADECB"), (2, "BADEC"), (2, "BDECA"), (4, "CABDE"),
           (6, "CBADE"), (2, "DBECA"), (5, "DECAB")]
    assert schulze_ranking(ballots(ex3), list("ABCDE")) == [["B"], ["A"], ["D"], ["E"], ["C"]]
    p = schulze_strongest_paths(pairwise_from_ballots(ballots(ex3), list("ABCDE")))
    assert p[0].tolist() == [0, 18, 20, 21, 21] and p[3, 4] == 30
    # example 4: B and D tie for first, A and C tie behind them
    ex4 = [(3, "ABCD"), (2, "DABC"), (2, "DBCA"), (2, "CBDA")]
    assert schulze_ranking(ballots(ex4), list("ABCD")) == [["B", "D"], ["A", "C"]]


def test_schulze_ties_and_partial_ballots():
    # a perfect cycle A > B > C > A of equal strength: all tied
    cyc = [[["A"], ["B"], ["C"]], [["B"], ["C"], ["A"]], [["C"], ["A"], ["B"]]]
    assert schulze_ranking(cyc, ["A", "B", "C"]) == [["A", "B", "C"]]
    # tied tiers on a ballot give no preference between the tied candidates
    assert schulze_ranking([[["A", "B"], ["C"]]], ["A", "B", "C"]) == [["A", "B"], ["C"]]
    # unranked candidates are compared with nothing
    d = pairwise_from_ballots([[["A"], ["B"]]], ["A", "B", "C"])
    assert d.tolist() == [[0, 1, 0], [0, 0, 0], [0, 0, 0]]
    assert schulze_ranking(d, ["A", "B", "C"]) == [["A", "C"], ["B"]]
    # no ballots at all: one tier
    assert schulze_ranking([], ["x", "y"]) == [["x", "y"]]
    assert schulze_ranking([], []) == []
    with pytest.raises(ValueError, match="not a candidate"):
        pairwise_from_ballots([[["Z"]]], ["A"])
    with pytest.raises(ValueError, match="twice"):
        pairwise_from_ballots([[["A"], ["A"]]], ["A"])


def _matrix(triples, participants, statements):
    p, s, v = zip(*triples) if triples else ((), (), ())
    return VoteMatrix.from_long(list(p), list(s), list(v), participant_ids=participants,
                                statement_ids=statements)


def test_ballots_from_votes_tiny_matrix():
    # p1: d1 agree, d2 pass, d3 disagree  -> d1 > d2 > d3
    # p2: d1 disagree, d2 agree           -> d2 > d1 (d3 unseen: no preference)
    # p3: d3 pass only                     -> nothing
    # p4: d1 agree, d2 agree              -> tie, nothing
    m = _matrix([("p1", "d1", 1), ("p1", "d2", 0), ("p1", "d3", -1),
                 ("p2", "d1", -1), ("p2", "d2", 1),
                 ("p3", "d3", 0),
                 ("p4", "d1", 1), ("p4", "d2", 1),
                 ("p4", "s9", 1)],  # a vote on a participant statement, ignored
                ["p1", "p2", "p3", "p4"], ["s9", "d1", "d2", "d3"])
    d = ballots_from_votes(m, ["d1", "d2", "d3"])
    assert d.tolist() == [[0, 1, 1],
                          [1, 0, 1],
                          [0, 0, 0]]
    # order of the requested ids is respected
    assert ballots_from_votes(m, ["d3", "d1"]).tolist() == [[0, 0], [1, 0]]


def test_gic_hand_computed():
    # group 0 = p1, p2; group 1 = p3; p4 unclustered (ignored in GIC)
    m = _matrix([("p1", "d1", 1), ("p2", "d1", 0), ("p3", "d1", 1), ("p4", "d1", -1),
                 ("p1", "d2", -1), ("p3", "d2", 1)],
                ["p1", "p2", "p3", "p4"], ["d1", "d2"])
    labels = np.array([0, 0, 1, -1])
    gic = group_informed_consensus(m, labels, ["d1", "d2", "nope"])
    # d1: g0 A=1 S=2 -> 2/4; g1 A=1 S=1 -> 2/3  => 1/3
    assert gic["d1"] == pytest.approx((2 / 4) * (2 / 3))
    # d2: g0 A=0 S=1 -> 1/3; g1 A=1 S=1 -> 2/3  => 2/9
    assert gic["d2"] == pytest.approx((1 / 3) * (2 / 3))
    # unknown id: A=S=0 in both groups -> 1/4
    assert gic["nope"] == pytest.approx(0.25)
    # nobody grouped: one group of everyone; d1 A=2 S=4 -> 3/6
    assert group_informed_consensus(m, None, ["d1"])["d1"] == pytest.approx(0.5)


def test_tally_counts_rankings_and_rejected_by():
    # group 0: p0..p3 (4 members), group 1: p4..p7 (4 members), p8 unclustered
    votes = []
    for p in ["p0", "p1", "p2", "p3"]:
        votes += [(p, "dA", 1), (p, "dB", 1), (p, "dC", -1)]
    for p in ["p4", "p5", "p6"]:
        votes += [(p, "dA", 1), (p, "dB", -1), (p, "dC", 0)]
    votes += [("p7", "dA", 0), ("p8", "dA", 1)]
    m = _matrix(votes, [f"p{i}" for i in range(9)], ["dA", "dB", "dC", "dD"])
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, -1])
    res = tally(m, labels, ["dA", "dB", "dC", "dD"])
    by = {d.draft_id: d for d in res.drafts}
    assert (by["dA"].n_votes, by["dA"].agree, by["dA"].passes, by["dA"].disagree) == (9, 8, 1, 0)
    g1 = {g.group: g for g in by["dB"].groups}["group:1"]
    assert (g1.n_members, g1.n_votes, g1.agree, g1.disagree, g1.agree_rate) == (4, 3, 0, 3, 0.0)
    # dB: group 1 votes 0/3 agree -> rejected by group 1; dC: rejected by both; dA by none;
    # dD: nobody voted, so no group can judge it
    assert res.rejected_by == {"dB": ["group:1"], "dC": ["group:0", "group:1"]}
    assert res.ranking_gic[0] == "dA"
    # dD has no votes: it is compared with nothing, so it is not ranked (it stood "unbeaten" in the first
    # tier, "tied" with dA: a moderator read a draft nobody voted on as tied with the winner)
    assert res.ranking_schulze == [["dA"], ["dB"], ["dC"]] and "dD" not in res.ranking_gic
    assert by["dA"].schulze_rank == 1 and by["dD"].schulze_rank is None and by["dC"].schulze_rank == 3
    assert "No participant voted on draft dD yet, so it is not ranked yet." in res.notes, res.notes
    # without the unvoted draft, dA wins outright
    res3 = tally(m, labels, ["dA", "dB", "dC"])
    assert res3.ranking_schulze == [["dA"], ["dB"], ["dC"]]
    assert any("Schulze winner: draft dA" in n for n in res3.notes)
    # g0: A=4 S=4 -> 5/6; g1: A=3 S=4 (p7 passed) -> 4/6; p8 (no group) is left out
    assert by["dA"].gic == pytest.approx((5 / 6) * (4 / 6))
    assert any("No participant voted on draft dD" in n for n in res.notes)
    # named as the report names a draft put to the vote, where names are given
    names = {sid: f"Common ground {k} ({sid})" for k, sid in enumerate(["dA", "dB", "dC", "dD"], 1)}
    named = tally(m, labels, ["dA", "dB", "dC", "dD"], names=names).notes
    assert "No participant voted on Common ground 4 (dD) yet, so it is not ranked yet." in named, named  # still open
    # after the close, nobody will: the note says so without "yet" (it said "yet" after the close)
    closed = tally(m, labels, ["dA", "dB", "dC", "dD"], names=names, closed=True).notes
    assert "No participant voted on Common ground 4 (dD), so it is not ranked." in closed, closed
    assert not [n for n in closed if " yet" in n], closed
    assert "Schulze winner: Common ground 1 (dA)." in named and not [n for n in named if "tied" in n], named
    assert any(n.startswith("Common ground 3 (dC) is rejected by group A, group B") for n in named), named
    assert "Schulze winner: Common ground 1 (dA)." in tally(m, labels, ["dA", "dB"], names=names).notes
    # JSON round trip
    assert TallyResult.model_validate_json(res.model_dump_json()) == res
    json.loads(res.model_dump_json())


def test_rejected_by_needs_min_voters_and_threshold_is_configurable():
    votes = [("p0", "d1", -1), ("p1", "d1", -1), ("p2", "d1", 1), ("p3", "d1", 1)]
    people = [f"p{i}" for i in range(12)]
    m = _matrix(votes, people, ["d1"])
    labels = np.array([0, 0, 1, 1] + [0] * 4 + [1] * 4)  # two groups of six
    # only 2 of 6 voted per group: below the default minimum of 3
    res = tally(m, labels, ["d1"])
    assert res.rejected_by == {}
    assert any("too few voters to judge from group A (fewer than 3)" in n for n in res.notes)
    res = tally(m, labels, ["d1"], TallyConfig(min_group_voters=2))
    assert res.rejected_by == {"d1": ["group:0"]}
    assert any("rejected by group A" in n for n in res.notes)
    # a small room: 2 of a group of 3 speak for it (the minimum scales with the group)
    small = tally(m, np.array([0, 0, 1, 1, 0, 1] + [-1] * 6), ["d1"])
    assert small.rejected_by == {"d1": ["group:0"]}
    off = tally(m, np.array([0, 0, 1, 1, 0, 1] + [-1] * 6), ["d1"], TallyConfig(min_voters_group_share=0.0))
    assert off.rejected_by == {}
    # agree rate exactly at the threshold is not a rejection; passes count as votes
    m2 = _matrix([("p0", "d1", 1), ("p1", "d1", 0)], ["p0", "p1"], ["d1"])
    assert tally(m2, np.array([0, 0]), ["d1"], TallyConfig(min_group_voters=2)).rejected_by == {}
    assert tally(m2, np.array([0, 0]), ["d1"],
                 TallyConfig(min_group_voters=2, reject_below=0.6)).rejected_by == {"d1": ["group:0"]}


def test_empty_and_no_vote_inputs_give_notes_not_crashes():
    empty = VoteMatrix([], [], np.zeros(0), np.zeros(0), np.zeros(0))
    res = tally(empty, np.zeros(0, dtype=int), [])
    assert res.drafts == [] and res.notes == ["No drafts to tally."]
    # drafts that are not in the matrix at all
    res = tally(empty, None, ["d1", "d2"])
    assert [d.n_votes for d in res.drafts] == [0, 0]
    assert res.ranking_schulze == [] and res.ranking_gic == []  # nothing voted on: nothing ranked, no tie
    assert any("not in the vote matrix" in n for n in res.notes)
    assert "No votes on any draft yet, so none is ranked yet." in res.notes, res.notes
    # drafts in the matrix but unvoted
    m = _matrix([("p1", "s1", 1)], ["p1", "p2"], ["s1", "d1"])
    res = tally(m, np.array([0, -1]), ["d1"])
    assert res.drafts[0].n_votes == 0 and res.drafts[0].agree_rate is None
    assert "No participant voted on draft d1 yet, so it is not ranked yet." in res.notes
    closed = tally(m, np.array([0, -1]), ["d1"], closed=True).notes
    assert "No participant voted on draft d1, so it is not ranked." in closed
    assert "No votes on any draft, so none is ranked." in closed and not [n for n in closed if "tie" in n], closed
    assert res.rejected_by == {}
    with pytest.raises(ValueError, match="one entry per participant"):
        tally(m, np.array([0]), ["d1"])


def test_notes_of_a_run_stored_before_the_whole_ballot_ranking_keep_their_meaning_in_the_rooms_language():
    """225b577 changed what the tally says of a draft nobody voted on ('not ranked', where it had stood unbeaten
    in Schulze's first tier); a run stored before holds the old English notes, and its report written again in a
    German room said them in English (cannot_compare) or with the new meaning (silent). Reviewer's MEDIUM."""
    from deliberation.words import read_said, retell

    old = "Schulze cannot compare draft dD with any other (no votes), so it stays in the first tier, unbeaten."
    assert read_said(old)[:2] == ("said.tally.stored.cannot_compare", 1)
    assert retell(old, "de") == ("Die Schulze-Methode kann Entwurf dD mit keinem anderen Entwurf vergleichen "
                                 "(keine Stimmen) und bleibt daher ungeschlagen auf dem ersten Rang.")
    assert retell("No participant voted on draft dA and draft dB.", "de") == \
        "Niemand hat über Entwurf dA und Entwurf dB abgestimmt."
    assert retell("No participant voted on draft dA yet.", "fr") == "Personne n'a encore voté sur le projet dA."
    # the new sentences still read as the new ids
    assert read_said("No participant voted on draft dA, so it is not ranked.")[0] == "said.tally.silent"
