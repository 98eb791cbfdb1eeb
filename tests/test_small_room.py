"""A town hall of six: statistics that work in a small room, and honest participant counts.

The room: a statements file (eight statements from eight authors who never vote, as a moderator
imports them) plus one statement written in the room, and six people who vote on the SQLite store
on disk. Three want a dog park on the old bowling green, three are against; on five statements
everyone agrees. The analysis must find those as common ground (a fixed 20-vote minimum never
could), count six participants (not fourteen), and count the room author's statement as their
agree vote unless that convention is switched off.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deliberation.analysis.pipeline import AnalysisConfig, analyze
from deliberation.analysis.statistics import StatsConfig, scaled_min_votes
from deliberation.config import Settings
from deliberation.importers.tabular import read_statements_file
from deliberation.storage import Store

_ROOM = json.loads((Path(__file__).parent / "data" / "small_rooms.json").read_text(encoding="utf-8"))["six"]
STATEMENTS = [tuple(s) for s in _ROOM["statements"]]
#: the vote pattern of the room: "dog" people p1-p3, "quiet" people p4-p6 (1 agree, -1 disagree, 0 pass)
VOTES = _ROOM["votes"]
ROOM_TEXT = "Please put a second bench by the duck pond."
PEOPLE = [f"p{i}" for i in range(1, 7)]


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("room")
    csv = tmp / "statements.csv"
    csv.write_text("id,author,text\n" + "".join(f'{i},{a},"{t}"\n' for i, a, t in STATEMENTS), encoding="utf-8")
    store = Store(Settings(data_dir=tmp / "data"))
    bundle = read_statements_file(csv)
    rep = store.import_bundle(bundle, question="What should the town do with the old bowling green?")
    cid = rep.consultation_id
    for p in PEOPLE:
        store.add_participant(cid, p)
    for sid, votes in VOTES.items():
        for p, v in zip(PEOPLE, votes):
            store.cast_vote(cid, p, sid, v)
    # p1 writes a statement in the room; the other five agree with it, p1 does not vote on it
    mine = store.add_statement(cid, "p1", ROOM_TEXT)
    for p in PEOPLE[1:]:
        store.cast_vote(cid, p, mine.external_id, 1)
    return store, cid, mine.external_id


def _analyse(store, cid, **config):
    statements = [s for s in store.statements(cid) if not s.is_draft]
    return analyze(store.vote_matrix(cid), statements, None, config=AnalysisConfig(**config))


def test_six_people_find_their_common_ground(room):
    store, cid, mine = room
    result = _analyse(store, cid)
    # two opinion groups: the dog-park side and the quiet side
    sides = sorted(sorted(m) for m in result.group_members().values())
    assert sides == [["p1", "p2", "p3"], ["p4", "p5", "p6"]], result.notes
    unanimous = {"2", "3", "7", mine}
    assert unanimous <= set(result.consensus), (result.consensus, result.notes)
    assert unanimous <= set(result.common_ground)
    for split in ("0", "1", "6"):
        assert split not in result.consensus and split not in result.common_ground
    # the rule that applied is stated in words with its source
    rule = result.stats["min_votes_rule"]
    assert "at least 3 votes" in rule and "Jigsaw" in rule and "Polis" in rule
    assert "at least 3 votes from group members" in result.stats["consensus_rule"]


def test_participants_are_the_people_who_vote(room):
    store, cid, _ = room
    result = _analyse(store, cid)
    assert len(store.participants(cid)) == 6 + len(STATEMENTS)  # the file's authors are registered ids
    assert result.n_participants == 6
    assert store.counts(cid)["participants"] == 6


def test_the_authors_statement_is_their_agree_vote(room):
    store, cid, mine = room
    on = {s["statement_id"]: s for s in _analyse(store, cid).stats["statements"]}[mine]
    assert (on["n_agree"], on["n_seen"]) == (6, 6)
    result_off = _analyse(store, cid, author_agrees=False)
    off = {s["statement_id"]: s for s in result_off.stats["statements"]}[mine]
    assert (off["n_agree"], off["n_seen"]) == (5, 5)
    assert result_off.n_author_votes == 0
    # the imported file's authors never voted: no vote is made up for them
    assert _analyse(store, cid).n_author_votes == 1


def test_large_conversations_keep_the_published_minimum():
    cfg = StatsConfig()
    assert scaled_min_votes(cfg.min_votes_for_consensus, 6, cfg.min_votes_room_share) == 3
    assert scaled_min_votes(cfg.min_votes_for_consensus, 40, cfg.min_votes_room_share) == 20
    assert scaled_min_votes(cfg.min_votes_for_consensus, 2031, cfg.min_votes_room_share) == 20
    off = cfg.model_copy(update={"min_votes_room_share": 0.0})
    assert scaled_min_votes(off.min_votes_for_consensus, 6, off.min_votes_room_share) == 20


def test_seed_statements_add_no_member_to_a_topics_audience():
    """One person, one voice: a topic's audience (the coverage table's "participants") is its
    authors; the moderator's seed statements (no author) add nobody. A room of 6 with 2 seeds in
    one topic read "participants 8" in the report's topic coverage table before."""
    from deliberation.analysis.pipeline import AnalysisResult
    from deliberation.facilitation import group_members
    from deliberation.models import Statement
    from deliberation.wording import Audience

    statements = [Statement(external_id=f"{i}", text=f"statement {i}", author=f"p{i}" if i < 6 else None)
                  for i in range(8)]
    topics = {"topics": [{"id": 0, "label": "all", "statement_ids": [s.external_id for s in statements]}]}
    analysis = AnalysisResult(n_participants=6, n_statements=8, n_votes=0, groups={}, group_summaries=[],
                              repness={}, consensus=[], topics=topics, stats={}, grouping={}, notes=[])
    assert group_members(analysis, statements)[str(Audience.topic(0))] == [f"p{i}" for i in range(6)]


def test_a_topic_of_seed_statements_alone_is_one_voice_and_passes_the_audit():
    """A topic whose statements the moderator seeded (no author) stands for one voice, not for
    nobody: with no member its draft failed the audit as "speaks for topic 1, which has no
    participants among the audiences given", and the audit sent it back to drafting in vain."""
    from deliberation.analysis.pipeline import AnalysisResult
    from deliberation.coverage import audit_coverage
    from deliberation.facilitation import SEED_VOICE, group_members
    from deliberation.models import Draft, DraftKind, DraftSentence, Statement
    from deliberation.wording import Audience

    statements = [Statement(external_id=f"{i}", text=f"statement {i}", author=f"p{i}" if i < 6 else None)
                  for i in range(8)]
    topics = {"topics": [{"id": 0, "label": "raised", "statement_ids": [str(i) for i in range(6)]},
                         {"id": 1, "label": "seeded", "statement_ids": ["6", "7"]}]}
    analysis = AnalysisResult(n_participants=6, n_statements=8, n_votes=0, groups={}, group_summaries=[],
                              repness={}, consensus=[], topics=topics, stats={}, grouping={}, notes=[])
    members = group_members(analysis, statements)
    assert members[str(Audience.topic(1))] == [SEED_VOICE]
    drafts = [Draft(id=i + 1, kind=DraftKind.MINORITY, speaks_for=str(Audience.topic(i)), status="approved",
                    sentences=[DraftSentence(text=f"Draft {i + 1}.", citations=[str(i * 6)])]) for i in range(2)]
    audit = audit_coverage(drafts, members, None)
    assert not any("no participants among the audiences" in f for f in audit.findings), audit.findings
