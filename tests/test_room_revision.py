"""A room of eight whose common-ground slate cites every statement that could be common ground.

Found in a live trial: a group voted down a common-ground draft, the graph sent it back for
revision, found no other statement to draft it from, and put the very same text back to the
moderator as a "revised draft"; approved, it went to a second vote word for word. A draft with
nothing left to draft from is not sent back: its vote stands, and the report says why.
Then what a participant's page says once voting has closed, and in an empty room.
Real SQLite and Chroma on disk and the bundled embedding model; the participant page in AppTest."""

from __future__ import annotations

import pytest

from deliberation.config import Settings
from deliberation.ratelimit import UNLIMITED
from deliberation.storage import Store

STATEMENTS = ["We need more public toilets in the park.",
              "The playground should be fenced so small children stay safe.",
              "Spend the money on a skate park for teenagers.",
              "Keep the park quiet: no skate park near the houses.",
              "Mehr Bänke im Schatten für ältere Menschen.",
              "Lighting along the paths would make evenings safer.",
              "Dogs should be kept on a lead everywhere in the park.",
              "Allow dogs off lead in a fenced area."]
#: two camps of four (1 agree, -1 disagree); both agree on statements 0, 4 and 5 only
CAMPS = [[1, 1, -1, 1, 1, 1, 1, -1], [1, -1, 1, -1, 1, 1, -1, 1]]


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    from graphs import runner

    settings = Settings(data_dir=tmp_path_factory.mktemp("revision") / "data").ensure()
    store = Store(settings, limits=UNLIMITED)
    c, _ = store.create_consultation("What should the park renovation prioritise?", secret="revision-secret")
    people = [f"xid:p{i}" for i in range(8)]  # as an embedding site's users (?xid=p0) join
    for p, text in zip(people, STATEMENTS):  # each person wrote one statement in the room
        store.add_statement(c.id, p, text)
    for i, p in enumerate(people):
        for sid, v in enumerate(CAMPS[i % 2]):
            store.cast_vote(c.id, p, str(sid), v, create_participant=True)
    st = runner.start(settings, c.id)
    slate = [d for d in st.waiting["drafts"] if d["key"].startswith("all:")]
    assert sorted(c for d in slate for c in d["cited"]) == ["0", "4", "5"]  # every candidate is on the slate
    st = runner.resume(settings, c.id, {"reviewer": "moderator", "approve_all": True})
    runner.open_voting(settings, c.id)
    published = {p["key"]: p["statement_id"] for p in runner.published_now(st.values)}
    for i, p in enumerate(people):  # the second camp votes down the third common-ground draft
        for key, sid in published.items():
            store.cast_vote(c.id, p, sid, -1 if key == "all:3" and i % 2 else 1)
    return settings, c.id, published, runner.resume(settings, c.id, {"close": True})


def test_a_draft_with_nothing_left_to_draft_from_is_not_sent_back(room):
    _settings, _cid, published, st = room
    assert st.waiting is None and not st.next, st.values["log"][-5:]  # finished: no "revision" to review
    assert st.values["revise_rounds"] == 0
    assert [p["key"] for p in st.values["published"]].count("all:3") == 1  # no second vote on the same words
    notes = st.values["tally"]["notes"]
    assert any(f"Common ground 3 ({published['all:3']}) was not endorsed by group " in n
               and "no other statement is left to draft it from" in n and "its vote stands" in n for n in notes), notes


def _participant(monkeypatch, settings, code: str, xid: str):
    pytest.importorskip("streamlit")
    from ui_helpers import app, texts, unescape

    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    at = app("participant")
    at.query_params.update({"code": code, "xid": xid})
    at.run()
    at.run()  # the Vote tab switches to its waiting message once everything is voted on
    assert not at.exception, [e.value for e in at.exception]
    _participant.last = at
    return unescape(texts(at))


def test_after_the_close_a_participant_is_told_voting_closed(room, monkeypatch):
    settings, cid, _published, _st = room
    code = Store(settings).get_consultation(cid).code
    page = _participant(monkeypatch, settings, code, "p0")
    assert "You have voted on every statement. Thank you! Voting has closed and the report is written." in page
    assert "New statements appear here" not in page  # not while the run is over


def test_the_report_link_keeps_the_language_the_reader_chose(room, monkeypatch):
    """A reader who chose German in this English room, back after a reload or a server restart (the
    choice then lives in the address only, ``?lang=de``): "Bericht lesen" and the start page's links
    open the report in German. Found in a hand-run room: the English readers of a German room got the
    report in German (the link carried the room's code only)."""
    from urllib.parse import parse_qsl

    from ui_helpers import app, texts

    settings, cid, _published, _st = room
    code = Store(settings).get_consultation(cid).code
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    at = app("participant")
    at.query_params.update({"code": code, "xid": "p1", "lang": "de"})
    at.run()
    at.run()
    assert "Die Abstimmung ist beendet und der Bericht ist fertig." in texts(at)
    [link] = [e.proto for e in at.get("page_link") if e.proto.label == "Bericht lesen"]
    assert dict(parse_qsl(link.query_string)) == {"code": code, "lang": "de"}
    report = app("report")
    report.query_params.update(dict(parse_qsl(link.query_string)))
    report.run()
    assert not report.exception and "Herunterladen" in texts(report) and "Download" not in texts(report)
    home = app("home")
    home.query_params.update({"code": code, "lang": "de"})
    home.run()
    links = [dict(parse_qsl(e.proto.query_string)) for e in home.get("page_link") if e.proto.query_string]
    assert links and all(q == {"code": code, "lang": "de"} for q in links), links
    board = app("board")  # and the board's link to its projector view
    board.query_params.update({"code": code, "lang": "de"})
    board.run()
    [projector] = [dict(parse_qsl(e.proto.query_string)) for e in board.get("page_link")
                   if "view=projector" in e.proto.query_string]
    assert projector == {"code": code, "view": "projector", "lang": "de"}, projector


def test_an_empty_room_does_not_thank_anyone_for_voting_on_everything(room, monkeypatch):
    settings, _cid, _published, _st = room
    c, _ = Store(settings).create_consultation("An empty room?", secret="empty-room-secret")
    page = _participant(monkeypatch, settings, c.code, "first")
    assert "No statements yet. Be the first" in page
    assert "You have voted on every statement" not in page and "0 of 0" not in page


def test_the_report_says_which_way_each_group_leans_and_counts_votes_apart(room):
    """The report listed every representative statement under "Statements its members agree with
    more than others do", also those the group had voted down; and "8 participants cast 97 votes on
    8 statements" counted the votes on the drafts as votes on the statements."""
    from deliberation.report import build_report, participation_line, to_markdown

    settings, cid, _published, st = room
    store = Store(settings)
    rep = build_report(st.values, store.statements(cid), store.counts(cid))
    stats = {s["statement_id"]: s["groups"] for s in st.values["analysis"]["stats"]["statements"]}
    sides = 0
    for g in rep["groups"]:
        for sid in g["agrees_more"]:
            votes = stats[sid][str(g["id"])]
            assert votes["n_agree"] > votes["n_disagree"], (g["name"], sid, votes)
        for sid in g["disagrees_more"]:
            votes = stats[sid][str(g["id"])]
            assert votes["n_disagree"] > votes["n_agree"], (g["name"], sid, votes)
            sides += 1
    md = to_markdown(rep)
    assert sides and "Statements its members disagree with more than others do:" in md
    # how the groups were formed, in words (it was the grouping's JSON, cut at 400 characters)
    assert ("- Opinion groups: 2 groups (sizes 4 and 4) among the 8 participants placed on the map by "
            "their votes, by the polis method.") in md
    counts = store.counts(cid)
    on_drafts = 8 * 6  # eight people voted on the six published drafts
    assert counts["draft_votes"] == on_drafts
    assert participation_line(rep["participation"]) == (
        f"8 participants cast {counts['votes']} votes: {counts['votes'] - on_drafts} on 8 statements and "
        f"{on_drafts} on the 6 drafts put to the vote.")


def test_adding_a_statement_says_what_is_missing_and_forgets_it_once_fixed(room, monkeypatch):
    """An empty submit said "Your statement was not added: statement: statement text is empty"; and
    "Write your statement first." stayed above the similar statements found once the text was there."""
    from ui_helpers import texts, unescape

    from ui.i18n import Words

    settings, cid, _published, _st = room
    code = Store(settings).get_consultation(cid).code
    _participant(monkeypatch, settings, code, "p1")
    at = _participant.last
    at.session_state["p-tab"] = "Add a statement"
    at.run()
    at.button(key="submit-statement").click().run()
    offline = Words("en")("vote.offline")  # drawn once a page, shown only while the connection is lost
    assert [unescape(w.value) for w in at.warning if w.value != offline] == ["Write your statement first."]
    assert "statement text is empty" not in unescape(texts(at))
    at.text_area(key="new-statement").input("Put a fence around the playground")
    at.button(key="check-similar").click().run()
    assert "Write your statement first." not in unescape(texts(at))
    assert "Similar statements already exist" in unescape(texts(at))


def test_a_new_run_is_refused_while_votes_on_drafts_are_open(tmp_path):
    """From a live room: `run ID` in the CLI while participants voted on the published drafts started
    over: the graph forgot the drafts, the votes cast on them were never counted, and their voting
    window stayed open. It is refused, saying how to go on, and nothing changes."""
    from deliberation.errors import DeliberationError
    from graphs import runner

    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings, limits=UNLIMITED)
    c, _ = store.create_consultation("What should the park renovation prioritise?", secret="refuse-secret")
    for i, text in enumerate(STATEMENTS[:4]):
        store.add_statement(c.id, f"xid:p{i}", text)
    for i in range(4):
        for sid, v in enumerate(CAMPS[i % 2][:4]):
            store.cast_vote(c.id, f"xid:p{i}", str(sid), v, create_participant=True)
    runner.start(settings, c.id)
    st = runner.resume(settings, c.id, {"reviewer": "moderator", "approve_all": True})
    runner.open_voting(settings, c.id)
    first = runner.published_now(st.values)[0]["statement_id"]
    store.cast_vote(c.id, "xid:p0", first, 1)
    with pytest.raises(DeliberationError, match=rf"consultation {c.id} waits for votes on \d+ published drafts; "
                                                rf"close voting first \(deliberation resume {c.id} --close-voting"):
        runner.start(settings, c.id)
    after = runner.status(settings, c.id)
    assert after.waiting["type"] == "voting" and after.values["published"] == st.values["published"]
    st = runner.resume(settings, c.id, {"close": True})  # the vote cast before is counted
    assert any(d["draft_id"] == first and d["n_votes"] == 1 for d in st.values["tally"]["drafts"])


def test_a_text_only_statements_file_imports_into_a_room_that_has_statements(room, tmp_path):
    """From the moderator console's Import tab, live: a CSV with only a text column, imported into
    the running consultation, failed with "statement id '0' is already stored in this consultation"
    (the importer numbers such files 0, 1, ...). Its statements now follow the room's own numbers,
    with the votes of its votes file; a file that names its ids still may not reuse one."""
    from deliberation.errors import InputError
    from deliberation.importers.tabular import read_statements_file
    from deliberation.services import import_bundle

    settings, cid, _published, _st = room
    store = Store(settings)
    before = {s.external_id for s in store.statements(cid)}
    csv = tmp_path / "more.csv"
    csv.write_text('text\n"Longer opening hours in winter would help students."\n"A reading garden behind the library."\n',
                   encoding="utf-8")
    votes = tmp_path / "votes.csv"
    votes.write_text("participant,statement,vote\nvisitor,1,1\n", encoding="utf-8")
    rep = import_bundle(settings, read_statements_file(csv, votes_path=votes), consultation_id=cid, embed=False)
    assert rep.consultation_id == cid
    after = {s.external_id: s.text for s in store.statements(cid)}
    start = 1 + max(int(x) for x in before)
    assert after[str(start)].startswith("Longer opening hours") and after[str(start + 1)].startswith("A reading garden")
    v = store.current_votes(cid)
    assert v[v["participant"] == "visitor"]["statement"].tolist() == [str(start + 1)]  # the vote follows its statement
    named = tmp_path / "named.csv"
    named.write_text('id,text\n0,"The same id as the first statement."\n', encoding="utf-8")
    with pytest.raises(InputError, match="statement id '0' is already stored in this consultation"):
        import_bundle(settings, read_statements_file(named), consultation_id=cid, embed=False)


def test_the_tally_notes_name_each_draft_as_the_report_does(room):
    """The tally's notes said "No participant voted on drafts 8, 9 …", "Schulze winner: draft 8": a
    number no reader could find. They name each draft as the report's ranking does, by heading and
    number ("Common ground 1 (8)"), in the run's log (what the CLI prints and the console's run log
    shows) and in the report."""
    import re

    from deliberation.wording import ballot_name, draft_heading

    settings, cid, published, st = room
    notes = st.values["tally"]["notes"]
    assert not [n for n in notes if re.search(r"\bdrafts? \d", n, re.I)], notes
    names = [ballot_name(draft_heading(key), sid) for key, sid in published.items()]
    named = [n for n in notes if any(name in n for name in names)]
    assert any(n.startswith(("Schulze winner: Common ground", "Common ground")) for n in named), notes
    tally_line = next(line for line in st.values["log"] if line.startswith("tally: "))
    assert any(name in tally_line for name in names) and not re.search(r"\bdrafts? \d", tally_line), tally_line
    md = (settings.data_dir / "reports" / str(cid) / "report.md").read_text(encoding="utf-8").replace("\\", "")
    assert all(n in md for n in named), md
