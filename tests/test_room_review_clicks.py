"""The moderator's review in a real browser: a decision click (approve / edit / reject on one draft)
reruns that draft's card only, not the whole console (each click reran it: about 2.6 s a click, 44 s
to decide a room of 2,000's 17 drafts; bench/bench_review_clicks.py measures it), and the decisions
clicked in the cards are the ones Submit stores."""

from __future__ import annotations

import re

import pytest

from room_steps import WAIT, expect, sync_playwright
from ui_helpers import copy_sample, idle, launch_chromium, sign_in, start_server, watch_app_messages

from deliberation.config import Settings
from deliberation.storage import Store


def _reruns(page) -> list[str]:
    """The fragment id of every rerun the page asks the server for ('' for a whole-page rerun)."""
    asked: list[str] = []

    def up(msg) -> None:
        if msg.WhichOneof("type") == "rerun_script":
            asked.append(msg.rerun_script.fragment_id)

    watch_app_messages(page, up=up)
    return asked


@pytest.fixture
def review(imported, tmp_path):
    """A copy of the sample whose graph waits for the review of its drafts, served by ``streamlit run``."""
    from graphs import runner

    sample = copy_sample(imported, tmp_path / "data")
    st = runner.start(Settings(data_dir=sample.data_dir), sample.cid)
    assert (st.waiting or {}).get("type") == "review"
    server = start_server(sample.data_dir, tmp_path / "logs")
    try:
        yield sample, server, st.waiting["drafts"]
    finally:
        server.stop()


def test_a_decision_click_reruns_its_card_only(review):
    sample, server, drafts = review
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            mod = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            mod.set_default_timeout(WAIT)
            asked = _reruns(mod)
            sign_in(mod, server.url, sample.code, sample.secret)
            expect(mod.get_by_text("The graph waits for your review of the drafts below.")).to_be_visible()
            idle(mod)
            radios = mod.get_by_role("radiogroup")
            expect(radios).to_have_count(len(drafts))
            before = len(asked)
            # approve every draft but the last, reject the last: one rerun per click, each of a card
            for i in range(len(drafts)):
                radios.nth(i).get_by_text("Reject" if i == len(drafts) - 1 else "Approve", exact=True).click()
                idle(mod)
            clicks = asked[before:]
            assert len(clicks) == len(drafts) and all(clicks), clicks  # fragment reruns only
            assert len(set(clicks)) == len(drafts)  # each card its own fragment
            mod.get_by_role("button", name="Submit the decisions").click()
            expect(mod.get_by_text(re.compile(r"^Review recorded\."))).to_be_visible(timeout=WAIT)
        finally:
            browser.close()
    decided = {d.status for d in Store(Settings(data_dir=sample.data_dir)).drafts(sample.cid)}
    assert decided == {"approved", "rejected"}
    rejected = [d for d in Store(Settings(data_dir=sample.data_dir)).drafts(sample.cid) if d.status == "rejected"]
    assert len(rejected) == 1
