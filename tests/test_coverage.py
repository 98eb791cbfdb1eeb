"""Coverage audit: every group heard, none amplified, justified representation (via abcvoting)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from abcvoting import properties
from abcvoting.preferences import Profile

from deliberation.coverage import (
    CoverageAudit,
    CoverageConfig,
    audit_coverage,
    draft_approvals,
    fair_seats,
)
from deliberation.models import Draft, DraftKind, DraftSentence


def draft(id_, speaks_for="all", cites=(), status="approved"):
    kind = DraftKind.CONSENSUS if speaks_for == "all" else DraftKind.MINORITY
    return Draft(id=id_, kind=kind, speaks_for=speaks_for, status=status,
                 sentences=[DraftSentence(text=f"Draft {id_}.", citations=list(cites))])


def members(*sizes, prefix="p"):
    """group:i -> sizes[i] distinct participant ids."""
    out, n = {}, 0
    for i, s in enumerate(sizes):
        out[f"group:{i}"] = [f"{prefix}{n + j}" for j in range(s)]
        n += s
    return out


def by_key(audit: CoverageAudit):
    return {g.key: g for g in audit.groups}


# ---- every group heard, none amplified -----------------------------------------------------


def test_one_draft_each_for_45_40_15_passes():
    drafts = [draft(1), draft(2, "group:0"), draft(3, "group:1"), draft(4, "group:2")]
    audit = audit_coverage(drafts, members(45, 40, 15), None)
    assert audit.passed and audit.verdict == "Passed: every group has a draft and none is over-represented."
    assert audit.groups_to_redraft == []
    g = by_key(audit)
    assert [g[k].status for k in ("group:0", "group:1", "group:2")] == ["ok"] * 3
    # the 15% group has 33% of the minority drafts (2.2x its share): that is the point of
    # minority statements, and one draft each is never flagged
    assert g["group:2"].share_participants == pytest.approx(0.15)
    assert g["group:2"].share_drafts == pytest.approx(1 / 3)
    assert g["group:2"].ratio == pytest.approx(1 / 3 / 0.15)
    # and the finding says so as the rule is: it said "none has more than 1.5x its share" of 2.2x
    assert ("Every opinion group has a draft and none is over-represented: none has more drafts than its fair "
            "seats (one each, the rest by size) while holding more than 1.5x its share of the participants."
            in audit.findings)
    # the consensus draft is reported but counted towards no group
    assert audit.n_consensus == 1
    assert sum(x.n_drafts for x in audit.groups) == 3
    # without approval data the audit does not know who took part: the audiences are not everyone
    assert any("1 common-ground draft (1) speaks for everyone" in f for f in audit.findings)
    with_votes = audit_coverage(drafts, members(45, 40, 15), {f"p{i}": set() for i in range(130)})
    assert any("speaks for all 130 participants" in f for f in with_votes.findings)  # not the 100 in groups
    # a room of two: it said "speaks for all 2 participants"
    two = audit_coverage(drafts, members(45, 40, 15), {"p0": set(), "p1": set()})
    assert any("speaks for both participants and" in f for f in two.findings), two.findings
    assert audit.jr is None and any("JR" in f for f in audit.findings)


def test_missing_group_fails_with_its_key():
    drafts = [draft(1, "group:0"), draft(2, "group:1")]
    audit = audit_coverage(drafts, members(48, 40, 12), None)
    assert not audit.passed
    assert by_key(audit)["group:2"].status == "missing"
    assert audit.groups_to_redraft == ["group:2"]
    assert "Group C (12% of participants) has no draft." in audit.findings


def test_three_drafts_vs_one_each_at_similar_size_is_over():
    drafts = [draft(1, "group:0"), draft(2, "group:0"), draft(3, "group:0"),
              draft(4, "group:1"), draft(5, "group:2")]
    audit = audit_coverage(drafts, members(34, 33, 33), None)
    assert not audit.passed
    g = by_key(audit)
    assert g["group:0"].status == "over" and g["group:0"].fair_seats == 2
    assert g["group:1"].status == g["group:2"].status == "ok"
    assert audit.groups_to_redraft == ["group:0"]
    assert any("has 3 of 5 minority drafts" in f and "over-represented" in f for f in audit.findings)


def test_extra_draft_for_a_large_group_is_fair_but_not_for_the_smallest():
    m = members(45, 40, 15)
    ok = audit_coverage([draft(1, "group:0"), draft(2, "group:0"), draft(3, "group:1"),
                         draft(4, "group:2")], m, None)
    assert ok.passed
    # 2 of 4 drafts (50%) for the 40% group: more than its fair seat, but only 1.25x: not flagged
    ok2 = audit_coverage([draft(1, "group:0"), draft(2, "group:1"), draft(3, "group:1"),
                          draft(4, "group:2")], m, None)
    assert ok2.passed
    # 2 of 4 drafts for the 15% group: 3.3x its share and beyond its fair seats
    bad = audit_coverage([draft(1, "group:0"), draft(2, "group:1"), draft(3, "group:2"),
                          draft(4, "group:2")], m, None)
    assert by_key(bad)["group:2"].status == "over" and bad.groups_to_redraft == ["group:2"]


def test_shares_count_distinct_participants_not_entries():
    m = {"group:0": ["a", "a", "a", "b"], "group:1": ["c", "d", "e", "f", "g", "h", "i", "j"]}
    audit = audit_coverage([draft(1, "group:0"), draft(2, "group:1")], m, None)
    g = by_key(audit)
    assert g["group:0"].n_participants == 2
    assert g["group:0"].share_participants == pytest.approx(0.2)
    assert g["group:1"].share_participants == pytest.approx(0.8)


def test_fair_seats_rule():
    assert fair_seats([45, 40, 15], 3) == [1, 1, 1]
    assert fair_seats([34, 33, 33], 5) == [2, 2, 2]  # 2 extra seats, 3-way tie: each may get one
    assert fair_seats([90, 10], 4) == [3, 1]
    assert fair_seats([45, 40, 15], 4) == [2, 1, 1]
    assert fair_seats([50, 50], 1) == [1, 1]  # fewer drafts than groups: floor of one
    assert fair_seats([10, 0], 3) == [3, 0]


def test_unknown_audience_and_empty_slate():
    audit = audit_coverage([draft(1, "group:0"), draft(2, "group:7")], members(5), None)
    assert not audit.passed
    assert by_key(audit)["group:7"].status == "over"
    assert "group:7" in audit.groups_to_redraft
    audit = audit_coverage([draft(1, "group:0", status="rejected")], members(5, 5), None)
    assert not audit.passed and audit.n_slate == 0
    assert audit.groups_to_redraft == ["group:0", "group:1"]
    assert any("No draft is on the slate" in f for f in audit.findings)
    audit = audit_coverage([], members(5), None)
    assert not audit.passed and audit.findings[0] == "There are no drafts to audit."


def test_topics_audited_when_topic_drafts_are_on_the_slate():
    m = {**members(5, 5), "topic:0": ["p0", "p1", "p5"], "topic:1": ["p2", "p3"]}
    drafts = [draft(1, "group:0"), draft(2, "group:1"), draft(3, "topic:0")]
    audit = audit_coverage(drafts, m, None)
    g = by_key(audit)
    assert g["topic:1"].status == "missing" and "topic:1" in audit.groups_to_redraft
    # a topic's "participants" are its authors, its share of all topics' authors: said in words
    assert (g["topic:0"].n_participants, g["topic:0"].share_participants) == (3, 3 / 5)
    assert any(f.startswith("A topic's participants are the authors of its statements (its voices); its share is "
                            "of the 5 distinct authors of all topics") for f in audit.findings)
    # without topic drafts, topics are not audited
    audit = audit_coverage(drafts[:2], m, None)
    assert audit.passed and "topic:1" not in by_key(audit)


def test_a_topic_draft_whose_topic_has_no_members_is_said_not_a_crash():
    """A topic draft whose topic is not among the audiences given (its statements moderated out
    since it was drafted, or a room too small to have topics) raised KeyError: 'topic:3' where the
    audit counts the topics' voices; the draft now fails as a draft for nobody, saying why."""
    for m in ({**members(5), "topic:0": ["p0", "p1"]}, members(5)):
        audit = audit_coverage([draft(1, "group:0"), draft(3, "topic:3")], m, None)
        assert not audit.passed and by_key(audit)["topic:3"].status == "over"
        assert "Draft 3 speaks for topic 4, which has no participants among the audiences given." in audit.findings


# ---- justified representation ---------------------------------------------------------------


def _abc_jr(approval_sets, n_cand, committee):
    profile = Profile(n_cand)
    profile.add_voters(approval_sets)
    return properties.check_JR(profile, committee)


def test_jr_violated_by_a_cohesive_quarter():
    # 8 participants, 4 drafts on the slate -> quota n/k = 2. Draft 5 was rejected by the
    # moderator; p6 and p7 (a quarter) approve only it, so they are left with nothing.
    drafts = [draft(1), draft(2, "group:0"), draft(3, "group:1"), draft(4, "group:2"),
              draft(5, "group:2", status="rejected")]
    m = {"group:0": ["p0", "p1", "p2"], "group:1": ["p3", "p4", "p5"], "group:2": ["p6", "p7"]}
    approvals = {"p0": {"1", "2"}, "p1": {"2"}, "p2": {"1"}, "p3": {"3"}, "p4": {"3", "1"},
                 "p5": {"3"}, "p6": {"5"}, "p7": {"5"}}
    audit = audit_coverage(drafts, m, approvals)
    # the same profile through abcvoting directly (candidates 0-3 = drafts 1-4, 4 = draft 5)
    idx = {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4}
    assert _abc_jr([[idx[c] for c in approvals[p]] for p in sorted(approvals)], 5, {0, 1, 2, 3}) is False
    assert audit.jr is False and audit.ejr is False
    assert not audit.passed
    v = audit.jr_violation
    assert v.candidate == "5" and v.candidate_kind == "draft"
    assert audit.jr_sources == {}  # a rejected draft is not a statement a redraft can cite
    assert v.participant_ids == ["p6", "p7"] and v.share_of_voters == pytest.approx(0.25)
    assert v.n_participants == 2
    # the ids stay in code: the serialised audit (graph state, report) carries the count only
    dumped = audit.model_dump(mode="json")["jr_violation"]
    assert "participant_ids" not in dumped and dumped["n_participants"] == 2
    assert not any(p in audit.model_dump_json() for p in ("p6", "p7"))
    assert v.by_group == {"group:2": 2}
    assert "group:2" in audit.groups_to_redraft
    assert any("fails justified representation" in f and "2 in group C" in f for f in audit.findings)
    # JR alone need not fail the audit
    assert audit_coverage(drafts, m, approvals, CoverageConfig(require_jr=False)).passed


def test_jr_satisfied_when_the_quarter_approves_a_slate_draft():
    drafts = [draft(1), draft(2, "group:0"), draft(3, "group:1"), draft(4, "group:2"),
              draft(5, "group:2", status="rejected")]
    m = {"group:0": ["p0", "p1", "p2"], "group:1": ["p3", "p4", "p5"], "group:2": ["p6", "p7"]}
    approvals = {"p0": {"1", "2"}, "p1": {"2"}, "p2": {"1"}, "p3": {"3"}, "p4": {"3", "1"},
                 "p5": {"3"}, "p6": {"5", "4"}, "p7": {"5"}}
    audit = audit_coverage(drafts, m, approvals)
    idx = {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4}
    assert _abc_jr([[idx[c] for c in approvals[p]] for p in sorted(approvals)], 5, {0, 1, 2, 3}) is True
    assert audit.jr is True and audit.jr_violation is None
    assert audit.ejr is True
    assert audit.passed


def test_ejr_violation_with_jr_satisfied():
    # abcvoting's own EJR example: 4 voters approve {a, b}, 2 approve {c, d}; slate {a, c, d}
    # (drafts go by the keys they were published under, here a-d)
    drafts = [draft(1), draft(2, status="rejected"), draft(3), draft(4)]
    keys = ["a", "b", "c", "d"]
    approvals = {f"v{i}": {"a", "b"} for i in range(4)} | {"v4": {"c", "d"}, "v5": {"c", "d"}}
    audit = audit_coverage(drafts, {}, approvals, draft_keys=keys)
    assert audit.jr is True and audit.ejr is False
    assert audit.passed  # EJR is reported, not required, by default
    assert any("fails extended justified representation" in f for f in audit.findings)
    # the verdict agrees with its own checks: never a plain "Passed" while EJR fails
    assert audit.verdict.startswith("Passed with a warning") and "EJR" in audit.verdict
    strict = audit_coverage(drafts, {}, approvals, CoverageConfig(require_ejr=True), draft_keys=keys)
    assert not strict.passed and strict.verdict.startswith("Not passed") and "EJR" in strict.verdict
    # above the exact-check size EJR is left undecided, and says so
    big = audit_coverage(drafts, {}, approvals, CoverageConfig(ejr_exact_max_cells=0), draft_keys=keys)
    assert big.ejr is None and any("EJR was not decided" in f for f in big.findings)


def test_jr_before_draft_votes_uses_cited_statements_and_statement_candidates():
    # Nobody has voted on drafts yet: a participant approves a draft when they agreed with at
    # least half of the statements it cites. p6 and p7 (group 2) agree with s9, which no draft
    # cites, and with nothing a draft cites -> JR names statement s9 and routes group 2.
    drafts = [draft(1, "group:0", cites=["s1", "s2"]), draft(2, "group:1", cites=["s3"]),
              draft(3, cites=["s1", "s3", "s4"])]
    m = {"group:0": ["p0", "p1", "p2"], "group:1": ["p3", "p4", "p5"], "group:2": ["p6", "p7"]}
    approvals = {"p0": {"s1"}, "p1": {"s1", "s2"}, "p2": {"s2"}, "p3": {"s3"}, "p4": {"s3", "s4"},
                 "p5": {"s3"}, "p6": {"s9"}, "p7": {"s9", "s2"}}
    per = draft_approvals(drafts, ["1", "2", "3"], approvals)
    assert per["p0"] == {"1"}          # 1 of 2 cited by draft 1 (>= 0.5); 1 of 3 of draft 3
    assert per["p4"] == {"2", "3"}     # s3 and s4: 2 of 3 cited by draft 3
    assert per["p7"] == {"1"}          # s2: half of draft 1
    strict = draft_approvals(drafts, ["1", "2", "3"], approvals, CoverageConfig(cited_agree_fraction=0.75))
    assert strict["p0"] == set()
    audit = audit_coverage(drafts, m, approvals)
    # quota 8/3: only p6 is unrepresented (p7 approves draft 1) -> 1 < 8/3: JR holds
    assert audit.jr is True
    approvals["p7"] = {"s9"}
    approvals["p5"] = {"s9"}
    audit = audit_coverage(drafts, m, approvals)
    assert audit.jr is False
    v = audit.jr_violation
    assert v.candidate == "s9" and v.candidate_kind == "statement"
    assert v.participant_ids == ["p5", "p6", "p7"] and v.by_group == {"group:1": 1, "group:2": 2}
    assert v.n_participants == 3
    assert "group:2" in audit.groups_to_redraft  # 2 of the 3 are in group 2
    # and its redraft is told which statement they all agree with, so it can give them a draft
    assert audit.jr_sources == {"group:2": ["s9"]}
    assert any("agreed with statement s9" in f for f in audit.findings)
    # not counting statements as candidates, only drafts can witness a violation
    assert audit_coverage(drafts, m, approvals, CoverageConfig(statements_as_candidates=False)).jr is True


def test_a_jr_failure_no_group_holds_goes_to_its_topic_and_a_translation_is_the_same_point():
    # p4-p7 read English only and are in no opinion group; they agree with e1, the translation of
    # d1, and approve no draft: JR fails (quota 8/3), and no group can be routed
    drafts = [draft(1, "group:0", cites=["d2"]), draft(2, "group:1", cites=["d3"]), draft(3, "topic:0", cites=["d4"])]
    m = {"group:0": ["p0", "p1"], "group:1": ["p2", "p3"], "topic:0": ["p0"]}
    approvals = {"p0": {"d2", "d1"}, "p1": {"d2"}, "p2": {"d3"}, "p3": {"d3"},
                 **{f"p{i}": {"e1"} for i in range(4, 8)}}
    audit = audit_coverage(drafts, m, approvals)
    assert audit.jr is False and audit.jr_violation.by_group == {} and audit.groups_to_redraft == []
    assert any(f.startswith("No redraft can answer the JR failure: none of the 4 is in an opinion group")
               for f in audit.findings)
    routed = audit_coverage(drafts, m, approvals, statement_topics={"d1": "topic:0", "e1": "topic:0"})
    assert routed.groups_to_redraft == ["topic:0"] and routed.jr_sources == {"topic:0": ["e1"]}
    assert any("the draft of topic 1, which holds statement e1, is the one to redraft" in f for f in routed.findings)
    # the redraft quotes d1, the statement they read in English: its translation approves it for them
    drafts[2] = draft(3, "topic:0", cites=["d4", "d1"])
    assert audit_coverage(drafts, m, approvals).jr is False
    same = audit_coverage(drafts, m, approvals, translations={"d1": ["e1"], "e1": ["d1"]})
    assert same.jr is True
    # a draft citing a statement and its translation cites one point: agreeing with e1 is half of it
    per = draft_approvals([draft(4, cites=["d1", "e1", "d4"])], ["4"], {"p4": {"e1"}}, translations={"d1": ["e1"], "e1": ["d1"]})
    assert per["p4"] == {"4"}


def test_a_participant_who_did_not_vote_on_a_draft_approves_it_by_what_it_cites():
    # the auto basis told who voted on the draft (``voted``, the audit's draft_voters; a pass is a vote):
    # each voter by their own vote, each non-voter by the statements it cites. a agreed with the draft;
    # d disagreed and p passed though both agreed with both statements it cites; n never voted on it
    # and agreed with both; m never voted on it and agreed with neither
    drafts, keys = [draft(1, cites=["s1", "s2"])], ["1"]
    approvals = {"a": {"1"}, "d": {"s1", "s2"}, "p": {"s1", "s2"}, "n": {"s1", "s2"}, "m": set()}
    voted = {"1": {"a", "d", "p"}}
    per = draft_approvals(drafts, keys, approvals, voted=voted)
    assert {who for who, ok in per.items() if "1" in ok} == {"a", "n"}
    # not told who voted: a draft someone agreed with is read by its own votes alone (n approves nothing)
    per = draft_approvals(drafts, keys, approvals)
    assert {who for who, ok in per.items() if "1" in ok} == {"a"}


def test_audit_is_json_serialisable():
    drafts = [draft(1), draft(2, "group:0"), draft(3, "group:1")]
    audit = audit_coverage(drafts, members(3, 3), {"p0": {"2"}, "p3": {"3"}, "p4": {"1"}})
    text = audit.model_dump_json()
    assert CoverageAudit.model_validate_json(text) == audit
    assert json.loads(text)["passed"] is audit.passed
    assert json.loads(CoverageConfig().model_dump_json())["over_factor"] == 1.5


def test_an_audit_of_the_same_inputs_is_remembered_and_any_change_recomputes(monkeypatch):
    # the report audits the drafts that went to the vote: after an approve-all review they are the
    # audited drafts "published" instead of "draft", made anew (another created_at)
    from deliberation.coverage import audit as audit_module

    m = {"group:0": ["p0", "p1", "p2"], "group:1": ["p3", "p4", "p5"], "group:2": ["p6", "p7"]}
    approvals = {"p0": {"1", "2"}, "p1": {"2"}, "p2": {"1"}, "p3": {"3"}, "p4": {"3", "1"},
                 "p5": {"3"}, "p6": {"5"}, "p7": {"5"}}

    def slate(status):
        return [draft(1, status=status), draft(2, "group:0", status=status), draft(3, "group:1", status=status),
                draft(4, "group:2", status=status), draft(5, "group:2", status="rejected")]

    computed = []
    real = audit_module._audit
    monkeypatch.setattr(audit_module, "_audit", lambda *a: computed.append(1) or real(*a))
    monkeypatch.setattr(audit_module, "_memo", type(audit_module._memo)())
    first = audit_coverage(slate("draft"), m, approvals)
    first.findings.append("changed by a caller")  # a caller's change does not reach the memory
    again = audit_coverage(slate("published"), m, approvals)
    assert len(computed) == 1 and again == real(slate("published"), m, approvals, CoverageConfig(), None)
    assert again.jr is False and "changed by a caller" not in again.findings
    # published, before any vote on them: each draft listed with no voter reads as no entry at all
    nobody = {str(k): set() for k in range(1, 6)}
    assert audit_coverage(slate("published"), m, approvals, draft_voters={}) \
        == audit_coverage(slate("published"), m, approvals, draft_voters=nobody)
    assert len(computed) == 2
    # a changed approval, draft, audience or setting is audited anew, with its own answer
    changed = audit_coverage(slate("published"), m, {**approvals, "p6": {"5", "4"}})
    assert len(computed) == 3 and changed.jr is True
    audit_coverage(slate("published"), m, approvals, CoverageConfig(require_jr=False))
    audit_coverage(slate("published")[:4] + [draft(5, "group:1", status="rejected")], m, approvals)
    audit_coverage(slate("rejected"), m, approvals)  # off the slate: another slate
    audit_coverage(slate("published"), m, approvals, draft_voters={"1": {"p0"}})  # a vote on a draft
    assert len(computed) == 7


def test_jr_and_ejr_plus_give_abcvotings_verdicts():
    # proportionality() is abcvoting's check_JR and check_EJR_plus in one matrix product
    # (bench/bench_jr.py): the same verdicts on seeded random weighted profiles, passing and
    # failing, every committee size
    import numpy as np
    from abcvoting.preferences import Voter

    from deliberation.coverage.jr import proportionality

    rng = np.random.default_rng(3)
    verdicts = Counter()
    for _ in range(600):
        n_cand = int(rng.integers(2, 12))
        k = int(rng.integers(1, n_cand))
        density = rng.uniform(0.05, 0.8)
        ballots = [(tuple(c for c in range(n_cand) if rng.random() < density), int(rng.integers(1, 6)))
                   for _ in range(int(rng.integers(1, 40)))]
        profile = Profile(n_cand)
        profile.add_voters([Voter(list(b), weight=w) for b, w in ballots])
        # the committee drawn at random, or the k candidates with the fewest approvers (fails more often)
        fewest = np.argsort([sum(c in b for b, _ in ballots) for c in range(n_cand)], kind="stable")[:k]
        committee = set((rng.choice(n_cand, k, replace=False) if rng.random() < 0.5 else fewest).tolist())
        expected = (bool(properties.check_JR(profile, committee)), bool(properties.check_EJR_plus(profile, committee)))
        assert proportionality(ballots, n_cand, committee) == expected, (ballots, committee)
        verdicts[expected] += 1
    assert min(verdicts[True, True], verdicts[True, False], verdicts[False, False]) > 20, verdicts
