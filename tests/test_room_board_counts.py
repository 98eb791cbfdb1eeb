"""The live board's and the projector's "Participants" and "Have voted" in a real browser: they
showed the same number (both the voters). The store records a participant at their first vote or
statement (joining stores nobody, README "Who is who"), so "Participants" is everyone the store
knows (who voted or wrote a statement) and "Have voted" who cast at least one vote; someone who only
joined and looked cannot be counted, and the metric's help says so."""

from __future__ import annotations

import pytest

from room_steps import WAIT, expect  # skips without Streamlit or the browser
from playwright.sync_api import sync_playwright  # noqa: E402 - after room_steps, which skips without a browser
from ui_helpers import BROWSER_LOCALE, copy_sample, launch_chromium, start_server

from deliberation.config import Settings
from deliberation.storage import Store


def _metric(page, name: str):
    return page.get_by_test_id("stMetric").filter(has_text=name).get_by_test_id("stMetricValue")


@pytest.fixture
def room(imported, tmp_path):
    sample = copy_sample(imported, tmp_path / "data")
    server = start_server(sample.data_dir, tmp_path / "logs", board_refresh=1)
    try:
        yield sample, server
    finally:
        server.stop()


def test_participants_and_voters_are_told_apart(room):
    sample, server = room
    store = Store(Settings(data_dir=sample.data_dir))
    voters = store.counts(sample.cid)["participants"]
    # a newcomer who writes a statement and does not vote: a participant, not a voter
    store.add_statement(sample.cid, "writer-only", "The harbour road needs a crossing by the school.")
    people = store.participant_count(sample.cid)
    assert people > voters
    with sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook=True)
        try:
            for view in ("", "&view=projector"):
                page = browser.new_context(viewport={"width": 1920, "height": 1080}, locale=BROWSER_LOCALE).new_page()
                page.set_default_timeout(WAIT)
                page.goto(f"{server.url}/board?code={sample.code}{view}")
                # no idle(): the board's timer runs it again every second, and on a loaded machine one
                # run's end met the next one's start (idle_hook's wait never settled, 240 s; the fixed
                # waits assumed the run had begun after 300 ms). expect() retries until the metric says
                # the number; the first one waits as long as idle() did for the page's first run.
                expect(_metric(page, "Participants")).to_have_text(str(people), timeout=WAIT)
                expect(_metric(page, "Have voted")).to_have_text(str(voters))
            # the writer's first vote makes them a voter too; the board counts it on its next refresh
            store.cast_vote(sample.cid, "writer-only", store.statements(sample.cid)[0].external_id, "agree")
            expect(_metric(page, "Have voted")).to_have_text(str(voters + 1))
            expect(_metric(page, "Participants")).to_have_text(str(people))
        finally:
            browser.close()
