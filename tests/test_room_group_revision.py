"""A room of six whose opinion group voted down its own draft, and nothing else to draft it from.

Found in a room run by hand in chromium (tests/room_hand.py, French and English statements): group A
rejected "What group A asks for", the graph sent it back for revision, found no statement of the
group's but the two the draft had quoted (the sources fall back to the excluded ones), and put the
very same text back to the moderator as a revised draft, for a second vote word for word. As for a
common-ground draft (tests/test_room_revision.py), a draft with nothing left to draft from is not
sent back: its vote stands, and the tally says why. Real SQLite and Chroma on disk and the bundled
embedding model; the room's votes are those of the hand-run room, its statements the hand-run room's
in English (a bilingual room's group drafts keep to one language now, so there that group's draft
quotes one statement and has the other left to be revised from: the second test)."""

from __future__ import annotations

import pytest

from deliberation.config import Settings
from deliberation.ratelimit import UNLIMITED
from deliberation.storage import Store

#: the hand-run room's statements, the French ones in English: every draft quotes one language, as
#: in the room the test was found in (a bilingual room's drafts keep to one language since 623aff8)
STATEMENTS = ["Build affordable homes there for families.",
              "A park with trees and benches would be better than blocks of flats.",
              "The station should host a covered market on Saturdays.",
              "The old station should become affordable housing for families.",
              "Keep the station building and turn it into a library.",
              "Parking for the market must not take over the neighbourhood."]
#: the hand-run room's own statements, French and English, three and three
BILINGUAL = ["Il faut y construire des logements abordables pour les familles.",
             "Un parc avec des arbres et des bancs serait mieux que des immeubles.",
             "La gare devrait accueillir un marché couvert le samedi.", *STATEMENTS[3:]]
#: person i wrote statement i; their votes on the others' (1 agree, -1 disagree, 0 pass)
VOTES = [{1: 1, 5: 1, 4: -1, 3: 1, 2: -1}, {0: 1, 4: 1, 2: 1, 3: -1, 5: -1}, {0: -1, 1: 1, 3: 1, 5: 1, 4: -1},
         {0: 1, 4: 1, 1: -1, 2: 1, 5: -1}, {0: -1, 5: 1, 1: 1, 2: -1, 3: 1}, {0: 0, 1: -1, 3: 0, 4: 1, 2: 1}]


def vote_down_a_group_draft(data_dir, question: str, statements: list[str], cited: list[str]):
    """The room of ``statements`` run to its first vote, in which every one votes down the group draft
    quoting ``cited`` and agrees with the rest; the published ids, that draft's key and the graph's
    state after the close."""
    from graphs import runner

    settings = Settings(data_dir=data_dir).ensure()
    store = Store(settings, limits=UNLIMITED)
    c, _ = store.create_consultation(question, secret="group-revision-secret")
    people = [f"xid:p{i}" for i in range(6)]
    for p, text in zip(people, statements):
        store.add_statement(c.id, p, text)
    for p, votes in zip(people, VOTES):
        for sid, v in votes.items():
            store.cast_vote(c.id, p, str(sid), v)
    st = runner.start(settings, c.id)
    st = runner.resume(settings, c.id, {"reviewer": "moderator", "approve_all": True})
    runner.open_voting(settings, c.id)
    now = runner.published_now(st.values)
    published = {key: p["statement_id"] for p in now for key in [p["key"], *p["also"]]}
    [rejected] = [p["key"] for p in now if p["key"].startswith("group:") and sorted(p["citations"]) == cited]
    for p in people:
        for key, sid in published.items():
            store.cast_vote(c.id, p, sid, -1 if key == rejected else 1)
    return published, rejected, runner.resume(settings, c.id, {"close": True})


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    # the group whose draft quotes statements 2 and 4, as in the hand-run room: it agrees with no other
    return vote_down_a_group_draft(tmp_path_factory.mktemp("group-revision") / "data",
                                   "What should be done with the neighbourhood's old goods station?",
                                   STATEMENTS, ["2", "4"])


def test_a_group_draft_with_nothing_left_to_draft_from_is_not_sent_back(room):
    published, rejected, st = room
    assert st.waiting is None and not st.next, (st.waiting, st.values["log"][-6:])  # no "revision" to review
    assert st.values["revise_rounds"] == 0
    keys = [k for p in st.values["published"] for k in [p["key"], *p.get("also", [])]]
    assert keys.count(rejected) == 1  # one vote on its words
    notes = st.values["tally"]["notes"]
    assert any(f"({published[rejected]}) was not endorsed by group " in n
               and "no other statement is left to draft it from" in n for n in notes), notes


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory):
    """The hand-run room itself, French and English, run to its revision round."""
    data = tmp_path_factory.mktemp("group-revision-bilingual") / "data"
    return data, *vote_down_a_group_draft(data, "Que faut-il faire de l'ancienne gare de marchandises du quartier ?",
                                          BILINGUAL, ["2"])


def test_in_the_bilingual_room_the_group_draft_is_revised_from_its_statement_in_the_other_language(bilingual):
    """In the hand-run room itself the group's draft quotes its French statement alone; voted down, it
    is sent back drafted from the group's English one: new words to vote on, not the same again."""
    _, _, rejected, st = bilingual
    assert st.waiting and st.waiting["type"] == "review", st.values["log"][-6:]
    [revised] = st.waiting["drafts"]
    assert revised["key"] == rejected and list(revised["cited"]) == ["4"], revised
    assert revised["text"] == BILINGUAL[4]


def test_the_revision_round_ranks_the_whole_ballot_and_names_a_draft_nobody_voted_on(bilingual):
    """A moderator ran the revision round and nobody voted on the redraft: "How the drafts ranked" listed
    the redraft alone and said "No votes on any draft: every ranking is a tie". The ranking covers every
    draft on the ballot (those of the first vote that were not replaced, by their votes), and the redraft
    nobody voted on is said to have no votes and left out of the order, not tied. (Runs after the test
    above: it goes on with the same room.)"""
    from deliberation.report import build_report, to_markdown
    from deliberation.wording import ballot_name
    from graphs import runner

    data, published, rejected, _st = bilingual
    settings = Settings(data_dir=data)
    cid = max(c.id for c in Store(settings).list_consultations())
    st = runner.resume(settings, cid, {"reviewer": "moderator", "approve_all": True})
    runner.open_voting(settings, cid)
    [redraft] = runner.published_now(st.values)
    st = runner.resume(settings, cid, {"close": True})  # nobody voted on the redraft
    tally = st.values["tally"]
    kept = sorted({sid for key, sid in published.items() if key != rejected})
    assert sorted(tally["ranking_gic"]) == kept and sorted(sum(tally["ranking_schulze"], [])) == kept, tally
    store = Store(settings)
    md = to_markdown(build_report(st.values, store.statements(cid), store.counts(cid))).replace("\\", "")
    ranking = md.split("## How the drafts ranked", 1)[1].split("\n## ", 1)[0]
    name = ballot_name(redraft["heading"], redraft["statement_id"])
    assert f"No participant voted on {name}, so it is not ranked." in ranking, ranking
    assert name not in ranking.split("By agreement across groups:", 1)[1].split("\n")[0], ranking
    assert not [line for line in ranking.splitlines() if name in line and "tie" in line], ranking
    assert "No votes on any draft" not in ranking and "every ranking is a tie" not in ranking, ranking
