"""The moderator's review in a real browser: a decision click (approve / edit / reject on one draft)
reruns that draft's card only, not the whole console (each click reran it: about 2.6 s a click, 44 s
to decide a room of 2,000's 17 drafts; bench/bench_review_clicks.py measures it), and the decisions
clicked in the cards are the ones Submit stores. Clicked decisions are kept in the store: a reload
shows them (an edit typed and clicked away included), a second console's click wins, and a Submit
from a console that had not shown that click submits nothing and says so."""

from __future__ import annotations

import re

import pytest

from room_steps import WAIT, expect  # skips without Streamlit or the browser
from playwright.sync_api import sync_playwright  # noqa: E402 - after room_steps, which skips without a browser
from ui_helpers import (BROWSER_LOCALE, copy_sample, idle, launch_chromium, server_starting, sign_in,
                        watch_app_messages)

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
def review(imported_slice, tmp_path):
    """A copy of the sample whose graph waits for the review of its drafts, served by ``streamlit run``."""
    from graphs import runner

    sample = copy_sample(imported_slice, tmp_path / "data")
    with server_starting(sample.data_dir, tmp_path / "logs") as server:  # starts while the graph runs
        st = runner.start(Settings(data_dir=sample.data_dir), sample.cid)
        assert (st.waiting or {}).get("type") == "review"
        yield sample, server(), st.waiting["drafts"]


def _console(browser, server, sample):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale=BROWSER_LOCALE).new_page()
    page.set_default_timeout(WAIT)
    asked = _reruns(page)
    sign_in(page, server.url, sample.code, sample.secret)
    expect(page.get_by_text("The graph waits for your review of the drafts below.")).to_be_visible()
    idle(page)
    return page, asked


def _checked(page, i: int, choice: str):
    return expect(page.get_by_role("radiogroup").nth(i).get_by_role("radio", name=choice, exact=True))


def test_a_decision_click_reruns_its_card_only_and_is_kept_until_submitted(review):
    sample, server, drafts = review
    store = Store(Settings(data_dir=sample.data_dir))
    edited = drafts[0]["sentences"][0]["text"]  # words the guard accepts: the draft's own first sentence
    with sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook=True)
        try:
            mod, asked = _console(browser, server, sample)
            other, _ = _console(browser, server, sample)  # a second moderator's console, open meanwhile
            radios = mod.get_by_role("radiogroup")
            expect(radios).to_have_count(len(drafts))
            before = len(asked)
            # approve every draft but the last, reject the last: one rerun per click, each of a card
            for i in range(len(drafts)):
                radios.nth(i).get_by_text("Reject" if i == len(drafts) - 1 else "Approve", exact=True).click()
                idle(mod)  # the click's request sent and its run ended (CI once counted 14 for 15 clicks)
            clicks = asked[before:]
            assert len(clicks) == len(drafts) and all(clicks), clicks  # fragment reruns only
            assert len(set(clicks)) == len(drafts)  # each card its own fragment
            # an edit typed and clicked away (no Enter, no Submit) is kept
            radios.nth(0).get_by_text("Edit", exact=True).click()
            idle(mod)
            mod.get_by_role("textbox", name="Edited wording").fill(edited)
            mod.get_by_text("Drafts without a decision stay in review.").click()
            idle(mod)
            # a reload shows every decision, with who clicked it
            mod.reload()
            expect(mod.get_by_text("The graph waits for your review of the drafts below.")).to_be_visible()
            idle(mod)
            _checked(mod, 0, "Edit").to_be_checked()
            expect(mod.get_by_role("textbox", name="Edited wording")).to_have_value(edited)
            _checked(mod, len(drafts) - 1, "Reject").to_be_checked()
            _checked(mod, 1, "Approve" if len(drafts) > 2 else "Reject").to_be_checked()
            expect(mod.get_by_text(re.compile(r"^Approve, by moderator at .* UTC: not submitted yet\."))
                   ).to_have_count(len(drafts) - 2)
            # the other console decides draft 2 (last click wins); the first console has not shown it
            other.get_by_label("Your name (recorded with each decision)").fill("Bea")
            other.get_by_label("Your name (recorded with each decision)").press("Enter")
            idle(other)
            other.get_by_role("radiogroup").nth(1).get_by_text("Reject", exact=True).click()
            idle(other)
            mod.get_by_role("button", name="Submit the decisions").click()
            expect(mod.get_by_text(re.compile(r"^Nothing was submitted: the decision on draft 2 \(now Reject, by "
                                              r"Bea at .* UTC\) changed in another console"))).to_be_visible()
            _checked(mod, 1, "Reject").to_be_checked()  # shown now, as it stands
            mod.get_by_role("button", name="Submit the decisions").click()
            expect(mod.get_by_text(re.compile(r"^Review recorded\."))).to_be_visible(timeout=WAIT)
        finally:
            browser.close()
    saved = {d.speaks_for: d for d in store.drafts(sample.cid)}
    assert {d.status for d in saved.values()} == {"approved", "rejected"}
    first, second = saved[drafts[0]["key"]], saved[drafts[1]["key"]]
    assert first.status == "approved" and first.text == edited
    assert [(r.decision, r.reviewer) for r in store.reviews(first.id)] == [("edit", "moderator")]
    assert [(r.decision, r.reviewer) for r in store.reviews(second.id)] == [("reject", "Bea")]
    assert sum(d.status == "rejected" for d in saved.values()) == (1 if len(drafts) == 2 else 2)
    assert store.clear_pending(sample.cid) == 0  # the answered review left nothing pending
