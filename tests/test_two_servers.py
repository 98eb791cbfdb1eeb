"""Two app servers on one data folder (a bigger room behind two ``streamlit run``, or the overlap of
a restart), in a real browser (Debian's chromium through Playwright), with the folder's Chroma server
as ``make run`` starts it. A small room whose drafts are published (as the console's review leaves
them: voting not opened yet):

1. a participant votes on server A: the live board on server B counts the vote;
2. the moderator opens voting on A: a participant on B, waiting on the page after voting on every
   statement, is offered the drafts without a reload and votes on one;
3. the moderator closes voting on B: a late vote on A (a page drawn while voting was open) is refused
   in words and not stored.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from ui_helpers import BROWSER_LOCALE, idle, launch_chromium, start_server

pytestmark = pytest.mark.slow

from room_steps import WAIT, close_voting, expect, join, open_console  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402 - after room_steps, which skips without a browser

SECRET = "two-servers-secret"
QUESTION = "What should the town do with the empty market hall?"
STATEMENTS = ["Turn the market hall into a covered weekly farmers' market.",
              "Open a youth centre with music rooms in the hall.",
              "Sell the hall and use the money to repair the school roof.",
              "Keep the hall open in winter as a warm space for older people."]
#: two camps' votes on the statements (1 agree, -1 disagree)
VOTES = {"a1": [1, 1, -1, 1], "a2": [1, 1, -1, 1], "b1": [-1, -1, 1, 1], "b2": [-1, -1, 1, 1]}


@pytest.fixture
def room(tmp_path):
    """The room with its drafts published and voting not opened, the data folder's Chroma server and
    two app servers on the folder; yields (store, consultation, published drafts, A, B)."""
    from deliberation.config import Settings
    from deliberation.ratelimit import UNLIMITED
    from deliberation.storage import Store, chroma_server
    from graphs import runner

    settings = Settings(data_dir=tmp_path / "data").ensure()
    chroma = chroma_server.start(settings)
    with ThreadPoolExecutor(2) as pool:  # the servers start while the graph runs
        starting = [pool.submit(start_server, settings.data_dir, tmp_path / f"log-{name}") for name in "AB"]
        try:
            store = Store(settings, limits=UNLIMITED)
            c, _ = store.create_consultation(QUESTION, secret=SECRET)
            for text in STATEMENTS:
                store.add_statement(c.id, None, text)
            for person, votes in VOTES.items():
                for sid, v in enumerate(votes):
                    store.cast_vote(c.id, "xid:" + person, str(sid), v, create_participant=True)
            runner.start(settings, c.id)
            st = runner.resume(settings, c.id, {"reviewer": "moderator", "approve_all": True})
            yield store, c, [p["statement_id"] for p in st.waiting["published"]], *(f.result() for f in starting)
        finally:
            for f in starting:
                if f.exception() is None:
                    f.result().stop()
            chroma.stop()


def _votes_on_board(board):
    return board.get_by_test_id("stMetric").filter(has=board.get_by_text("Votes", exact=True)) \
        .get_by_test_id("stMetricValue")


def _vote(page, answer: str = "Agree") -> str:
    """Press ``answer`` on the item the page shows; the id of the item."""
    cap = page.get_by_text(re.compile(r"^(Statement|Draft) \d+")).first
    expect(cap).to_be_visible()
    sid = re.match(r"^(?:Statement|Draft) (\d+)", cap.inner_text()).group(1)
    page.get_by_role("button", name=re.compile(rf"(^|\s){answer}$")).first.click()
    return sid


def test_two_app_servers_on_one_data_folder(room):
    store, c, drafts, a, b = room
    with sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook=True)
        try:
            # 1. a vote on A reaches the live board on B
            board = browser.new_context(viewport={"width": 1280, "height": 900}, locale=BROWSER_LOCALE).new_page()
            board.set_default_timeout(WAIT)
            board.goto(f"{b.url}/board?code={c.code}")
            before = len(store.current_votes(c.id))
            expect(_votes_on_board(board)).to_have_text(str(before))
            early = join(browser, a.url, c.code)
            sid = _vote(early)
            expect(early.get_by_text(f"Vote stored: agree (statement {sid}).")).to_be_visible()
            expect(_votes_on_board(board)).to_have_text(str(before + 1))

            # 2. voting opened on A: a participant on B, who had voted on every statement and waits
            # on the page, is offered the drafts without a reload
            late = join(browser, b.url, c.code)
            for _ in STATEMENTS:
                sid = _vote(late)
                expect(late.get_by_text(f"Vote stored: agree (statement {sid}).")).to_be_visible()
                idle(late)
            expect(late.get_by_text(re.compile("^You have voted on every statement"))).to_be_visible()
            mod_a = open_console(browser, a.url, c.code, SECRET, tab="Voting")
            mod_a.get_by_role("button", name="Open voting").click()
            expect(mod_a.get_by_text("Voting is open").first).to_be_visible()
            expect(late.get_by_text(re.compile(r"^Draft \d+")).first).to_be_visible()
            idle(late)
            on_b = _vote(late)
            assert on_b in drafts
            expect(late.get_by_text(f"Vote stored: agree (Draft {on_b}).")).to_be_visible()  # as its ballot names it
            # the participant on A, drawn anew (a reload), is offered a draft too and keeps the page open
            early.reload()
            idle(early)
            expect(early.get_by_text(re.compile(r"^Draft \d+")).first).to_be_visible()

            # 3. voting closed on B: the page on A, drawn while it was open, cannot vote any more
            mod_b = open_console(browser, b.url, c.code, SECRET, tab="Voting")
            close_voting(mod_b)
            late_sid = _vote(early)
            assert late_sid in drafts
            expect(early.get_by_text(re.compile(
                rf"^Your vote was not stored: voting on the drafts has closed \(Draft {late_sid}\)"))).to_be_visible()
            # the console on A, drawn while voting was open, shows it closed and counted
            mod_a.reload()
            idle(mod_a)
            mod_a.get_by_role("tab", name="Voting").click()
            expect(mod_a.get_by_text("Voting is closed and the report is written.")).to_be_visible()
            votes = store.current_votes(c.id)
            on_drafts = votes[votes["statement"].isin(drafts)]
            assert on_drafts["statement"].tolist() == [on_b], on_drafts  # the one vote cast while open
        finally:
            browser.close()
