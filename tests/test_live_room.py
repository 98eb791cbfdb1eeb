"""A live town hall of six people and a moderator, in a real browser (Debian's chromium driven by
Playwright against ``streamlit run``, with the data folder's ``chroma run`` server as ``make run``
starts it), through every step of issue 10:

1. six participants join by code on phone-size pages and vote in two camps of three; two add
   statements, and the board counts them without a reload; a participant who had voted on
   everything is asked about them without a click;
2. the moderator runs the facilitation graph while the vector store is down: the run fails with the
   reason in words; with the store back, "Retry the run" finishes it while the CLI imports
   statements into the same data folder;
3. the moderator approves the drafts and opens voting: the drafts appear on every participant's
   page without a click; the participants vote on them (all agree, so no revision round follows);
4. a reload and a server restart mid-vote keep every participant's identity (their personal link);
   one press on a draft on a page left open across the restart is stored and acknowledged, once;
5. the moderator closes voting; a vote pressed on a page that still shows the draft (the restarted
   server refreshes participant pages rarely, as a phone that lost its connection would) is refused
   with a message and stores nothing;
6. the board's and the report's counts of the drafts' votes equal the database's, exactly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from ui_helpers import (BROWSER_LOCALE, REPO, ROOM_CAMPS, ROOM_QUESTION, ROOM_STATEMENTS, idle, idle_all,
                        launch_chromium, start_server)

pytestmark = pytest.mark.slow

from room_steps import (WAIT, approve_all, close_voting, expect, join_all, open_console, open_voting,
                        report_page, wait_for_review)
from playwright.sync_api import sync_playwright  # noqa: E402 - after room_steps, which skips without a browser

SECRET = "live-room-moderator-secret"
QUESTION = ROOM_QUESTION
STATEMENTS, NEW = ROOM_STATEMENTS[:6], ROOM_STATEMENTS[6:]
#: each camp's vote on each statement (the dog-park camp and the open-green camp)
CAMPS = [ROOM_CAMPS["a"][:6], ROOM_CAMPS["b"][:6]]
WORD = {1: "Agree", -1: "Disagree", 0: "Pass / unsure"}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    from deliberation.config import Settings
    from deliberation.ratelimit import UNLIMITED
    from deliberation.storage import Store, chroma_server

    base = tmp_path_factory.mktemp("live-room")
    settings = Settings(data_dir=base / "data").ensure()
    chroma = chroma_server.start(settings)
    store = Store(settings, limits=UNLIMITED)
    c, _secret = store.create_consultation(QUESTION, secret=SECRET)
    for text in STATEMENTS:
        store.add_statement(c.id, None, text)
    room = {"base": base, "settings": settings, "store": store, "c": c, "chroma": chroma}
    try:
        yield room
    finally:
        room["chroma"].stop()  # the one the test restarted, if it did


def _press(page, word: str) -> None:
    page.get_by_role("button", name=re.compile(r"(^|\s)" + re.escape(word) + "$")).first.click()


def _shown(page, kind: str = "Statement", done: set[str] = frozenset()) -> str:
    """The id of the statement (or draft) the page asks about, once it is none of ``done``."""
    skip = "|".join(sorted(done)) or "x"
    pattern = rf"^Statement (?!(?:{skip})$)(\d+)$" if kind == "Statement" else rf"^Draft (?!(?:{skip}) )(\d+) · based on"
    cap = page.get_by_text(re.compile(pattern)).first
    expect(cap).to_be_visible(timeout=120_000)
    return re.match(pattern, cap.inner_text()).group(1)


def _vote_all(pages, done: list[set[str]], ballots: list[set[str]], value: int = 1) -> None:
    """On each page, vote ``value`` on every statement of its ``ballot`` (the ids the Store says this
    participant is asked about) not in its ``done``, waiting for the page to offer each (the pages
    side by side, one statement each at a time), then see each page say all are voted on. The
    "voted on every statement" message decides nothing: a waiting page refreshes on a timer, so on
    a loaded machine the message can be an old frame drawn before the page learned of a new statement."""
    while todo := [k for k, ballot in enumerate(ballots) if not ballot <= done[k]]:
        shown = {k: _shown(pages[k], done=done[k]) for k in todo}
        for k in todo:
            assert shown[k] in ballots[k], (shown[k], ballots[k], done[k])
            _press(pages[k], WORD[value])
        _ack_all([pages[k] for k in todo], [value] * len(todo), [shown[k] for k in todo])
        for k in todo:
            done[k].add(shown[k])
    for page in pages:
        expect(page.get_by_text("You have voted on every statement")).to_be_visible(timeout=120_000)


def _ballot(store, cid: int, pid: str) -> set[str]:
    """The statements the Store says ``pid`` is asked to vote on: the public ones others wrote."""
    return {s.external_id for s in store.statements(cid) if s.is_public and not s.is_draft and s.author != pid}


def _ack_all(pages, values: list[int], sids: list[str], item: str = "statement") -> None:
    """Each page says its vote (``values``, on ``sids``) was stored; then all are idle. ``item``: the
    word the page names them by ("Draft" for a draft, as its ballot says)."""
    for page, value, sid in zip(pages, values, sids):
        word = {1: "agree", -1: "disagree", 0: "pass"}[value]
        expect(page.get_by_text(f"Vote stored: {word} ({item} {sid}).")).to_be_visible(timeout=120_000)
    idle_all(pages)


def _counts(store, cid: int, sid: str) -> tuple[int, int, int]:
    v = store.current_votes(cid)
    v = v[v["statement"] == sid]["vote"].astype(int)
    return int((v == 1).sum()), int((v == -1).sum()), int((v == 0).sum())


def _token(page) -> str:
    return parse_qs(urlsplit(page.url).query)["p"][0]


def test_six_people_and_a_moderator(room):
    from deliberation.storage.sessions import participant_for_token

    store, c, base = room["store"], room["c"], room["base"]
    env = {"DELIBERATION_CHROMA_URL": room["chroma"].url, "DELIBERATION_PARTICIPANT_REFRESH": "2"}
    srv = start_server(base / "data", base / "log", env=env)
    port = int(srv.url.rsplit(":", 1)[1])
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw, idle_hook=True)
            try:
                srv = _run(browser, srv, port, room, env, participant_for_token)
            finally:
                browser.close()
    finally:
        srv.stop()
    # nobody else was ever stored: six voters, no ghosts from the reloads and the restart
    assert len(store.participants(c.id)) == 6


def _run(browser, srv, port: int, room: dict, env: dict, participant_for_token):
    store, c, base, settings = room["store"], room["c"], room["base"], room["settings"]
    url = srv.url

    # --- 1. six people join and vote in two camps; two add statements -------------------------
    people = join_all(browser, url, c.code, 6)
    pids = [participant_for_token(_token(p)) for p in people]
    assert len(set(pids)) == 6
    done: list[set[str]] = [set() for _ in people]
    for _round in range(len(STATEMENTS)):
        shown = [_shown(p, done=d) for p, d in zip(people, done)]
        for k, (p, sid) in enumerate(zip(people, shown)):
            _press(p, WORD[CAMPS[k % 2][int(sid)]])
        _ack_all(people, [CAMPS[k % 2][int(sid)] for k, sid in enumerate(shown)], shown)
        for k, sid in enumerate(shown):
            done[k].add(sid)
    votes = store.current_votes(c.id)
    assert len(votes) == 36 and set(votes["participant"]) == set(pids), (
        done, store.vote_events(c.id).sort_values(["participant", "timestamp"]).to_string())
    expect(people[0].get_by_text("You have voted on every statement")).to_be_visible()

    board = browser.new_context(viewport={"width": 1920, "height": 1080}, locale=BROWSER_LOCALE).new_page()
    board.set_default_timeout(WAIT)
    board.goto(f"{url}/board?code={c.code}&view=projector")
    expect(board.get_by_test_id("stMetricValue").nth(3)).to_have_text("6", timeout=WAIT)  # statements
    for p, text in zip(people[:2], NEW):
        p.get_by_role("tab", name="Add a statement").click()
        idle(p)
        p.get_by_label("Your statement").fill(text)
        p.get_by_label("Your statement").press("Control+Enter")  # commit the text before pressing Submit
        idle(p)
        p.get_by_role("button", name="Submit statement").click()
        expect(p.get_by_text(re.compile(r"^Thank you: statement \d+ was added"))).to_be_visible()
        p.get_by_role("tab", name="Vote", exact=True).click()
        idle(p)
    # the projector counts them without a reload; a participant who had voted on everything is
    # asked about them without a click
    expect(board.get_by_test_id("stMetricValue").nth(3)).to_have_text("8", timeout=WAIT)
    assert _shown(people[5], done=done[5]) in {s.external_id for s in store.statements(c.id) if s.text in NEW}
    _vote_all(people, done, [_ballot(store, c.id, pid) for pid in pids])  # everyone is caught up
    mine = store.current_votes(c.id).groupby("participant")["statement"].agg(set)
    assert all(_ballot(store, c.id, pid) <= mine[pid] for pid in pids), mine

    # --- 2. the moderator runs the graph: the vector store is down, then back -----------------
    mod = open_console(browser, url, c.code, SECRET)
    chroma_port = int(room["chroma"].url.rsplit(":", 1)[1])
    room["chroma"].stop()
    mod.get_by_role("button", name="Run the facilitation graph").click()
    expect(mod.get_by_text(re.compile("could not be reached")).first).to_be_visible(timeout=WAIT)
    idle(mod)
    from deliberation.storage import chroma_server

    room["chroma"] = chroma_server.start(settings, port=chroma_port)
    extra = base / "extra.csv"
    extra.write_text("text\nA second consultation's statement imported from the command line.\n", encoding="utf-8")
    cli = subprocess.Popen(  # the CLI writes into the same data folder while the app runs the graph
        [sys.executable, "-m", "deliberation.cli", "--data-dir", str(base / "data"), "import-statements", str(extra),
         "--question", "Imported from the command line during the run"],
        cwd=REPO, env={**os.environ, **env, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    mod.get_by_role("button", name="Retry the run").click()
    out, _ = cli.communicate(timeout=300)
    assert cli.returncode == 0, out
    wait_for_review(mod)
    assert any(x.question.startswith("Imported from the command line") for x in store.list_consultations())

    # --- 3. review, open voting: drafts appear on every page without a click ------------------
    approve_all(mod)
    open_voting(mod)
    drafts = [s.external_id for s in store.statements(c.id) if s.is_draft]
    assert len(drafts) >= 2
    first = [_shown(p, "Draft") for p in people]  # no click: the Vote tab refreshed itself
    assert set(first) <= set(drafts)
    for p in people:
        _press(p, WORD[1])
    _ack_all(people, [1] * len(people), first, "Draft")

    # --- 4. a reload and a server restart keep identity ----------------------------------------
    people[0].reload()
    idle(people[0])
    kept = _shown(people[0], "Draft")
    assert kept != first[0]  # the same participant: the voted draft is done
    srv.stop()
    srv = start_server(base / "data", base / "log", env={**env, "DELIBERATION_PARTICIPANT_REFRESH": "3600"},
                       port=port)
    # the page left open across the restart: ONE press on its draft, as soon as its buttons work again, is
    # stored and acknowledged, once (Streamlit dropped it without a word: ui/late_press.py)
    _press(people[0], WORD[1])
    _ack_all(people[:1], [1], [kept], "Draft")
    events = store.vote_events(c.id)
    assert len(events[(events["participant"] == pids[0]) & (events["statement"] == kept)]) == 1
    for p in people[1:]:
        p.reload()
    idle_all(people[1:])
    second = [kept] + [_shown(p, "Draft") for p in people[1:]]
    assert all(a != b for a, b in zip(first, second))
    for p in people[1:4]:
        _press(p, WORD[1])
    _ack_all(people[1:4], [1] * 3, second[1:4], "Draft")
    assert len(store.participants(c.id)) == 6

    # --- 5. voting closes; a late press on a page still showing a draft is refused ------------
    mod.reload()  # the moderator's session survives the restart too
    idle(mod)
    mod.get_by_role("tab", name="Voting").click()
    idle(mod)
    before = len(store.vote_events(c.id))
    close_voting(mod)
    late = people[5]
    _press(late, WORD[-1])
    expect(late.get_by_text(re.compile(r"Your vote was not stored: voting on the drafts has closed \(Draft \d+\)"))).to_be_visible()
    assert len(store.vote_events(c.id)) == before

    # --- 6. board and report agree with the database ------------------------------------------
    board.goto(f"{url}/board?code={c.code}")
    rep = report_page(browser, url, c.code)
    public = sum(s.is_public for s in store.statements(c.id))  # the board's and the report's count
    counts = store.counts(c.id)
    statements_metric = board.get_by_test_id("stMetric").filter(has_text="Statements")
    expect(statements_metric.get_by_test_id("stMetricValue")).to_have_text(str(public))
    expect(rep.get_by_text(re.compile(rf"{counts['participants']} participants cast {counts['votes']} votes: "
                                      rf"{counts['votes'] - counts['draft_votes']} on {public} statements and "
                                      rf"{counts['draft_votes']} on the"))).to_be_visible(timeout=120_000)
    for sid in drafts:
        a, d, p = _counts(store, c.id, sid)
        if a + d + p == 0:
            continue
        expect(board.get_by_text(f"draft {sid} · {a} agree · {d} disagree · {p} pass")).to_be_visible(timeout=120_000)
        expect(rep.get_by_text(re.compile(
            rf"\(draft {sid}\): {a} agree, {d} disagree, {p} pass"))).to_be_visible(timeout=120_000)
    return srv
