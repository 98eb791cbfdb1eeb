"""Identity across a reload and a server restart, in a real browser (Debian's chromium through
Playwright) against `streamlit run`: a participant joins by pressing Enter in the code box, votes,
reloads, votes once on the page left open across a server restart (stored and acknowledged; while the
server is down its vote buttons look disabled and a note, in view however far the page is scrolled, says a
press is not recorded), changes
their vote on an item the page still shows after a second restart although the old server stored a
vote on it (the new session draws the next item), and comes back by their link after it, as the same participant each time; the
moderator console survives a reload, and so does a graph run the console started; "Leave" creates
no new participant."""

from __future__ import annotations

import re

import pytest

from ui_helpers import (LONG_MS, browser_skip_reason, chromium_page, copy_sample, idle, new_page, sign_in,
                        start_server)

pytestmark = pytest.mark.slow

pytest.importorskip("streamlit")
if browser_skip_reason():
    pytest.skip(browser_skip_reason(), allow_module_level=True)
from playwright.sync_api import expect  # noqa: E402

from ui.i18n import Words  # noqa: E402

expect.set_options(timeout=60_000)  # a page run on a loaded machine (as test_ui_browser): 5 s was too short


#: the page's one note while the server is down
OFFLINE = Words("en")("vote.offline")


#: a small phone's viewport (CSS px): the page is about twice as tall, so the offline note drawn above the tabs
#: is out of view once the participant scrolls down to the buttons
SMALL_PHONE = (360, 640)


def _reconnected(page) -> None:
    """Until the page left open across a server restart is connected again: its vote buttons enabled
    (Streamlit enables widgets, and closes its "Connection error" dialog, once its connection is back) and
    the offline note gone. The page reconnects by itself after pings at most 4 s apart, each up to 15 s,
    and a websocket handshake of up to 15 s, again after a failed one: on a loaded machine more than the
    60 s a click waits (a CI run failed with the dialog still up), so the wait is for the reconnection,
    as long as any step (LONG_MS)."""
    expect(page.get_by_role("button", name=re.compile(r"Agree$")).first).to_be_enabled(timeout=LONG_MS)
    expect(page.get_by_text(OFFLINE)).to_be_hidden(timeout=LONG_MS)


def _progress(page) -> int:
    text = page.get_by_text(re.compile(r"You have voted on \d+ of \d+ statements")).first.inner_text()
    return int(re.search(r"voted on (\d+)", text).group(1))


def test_reload_and_server_restart_keep_identity(imported, tmp_path):
    from deliberation.config import Settings
    from deliberation.storage import Store

    sample = copy_sample(imported, tmp_path / "data")  # the sample as imported once per test run (conftest)
    server = start_server(sample.data_dir, tmp_path / "log")
    store = Store(Settings(data_dir=sample.data_dir))
    before = set(store.participants(sample.cid))
    port = int(server.url.rsplit(":", 1)[1])
    try:
        with chromium_page(*SMALL_PHONE, idle_hook=True) as (browser, page):
            page.goto(f"{server.url}/participate")
            idle(page, LONG_MS)
            box = page.get_by_label("Consultation code")
            box.fill(sample.code)
            box.press("Enter")  # Enter in the code box joins
            expect(page.get_by_text("Welcome!")).to_be_visible()
            idle(page)
            assert set(store.participants(sample.cid)) == before  # joined: nobody stored yet
            link = page.url
            assert "p=" in link and f"code={sample.code}" in link
            page.get_by_role("button", name=re.compile(r"Agree$")).first.click()
            expect(page.get_by_text(re.compile(r"^Vote stored: agree"))).to_be_visible()
            idle(page)
            [pid] = set(store.participants(sample.cid)) - before
            # a reload: same participant, the vote still counted on the page
            page.reload()
            idle(page, LONG_MS)
            assert _progress(page) == 1
            # a server restart on the same address: the open page reconnects by itself, and ONE press, as
            # soon as its buttons work again (while the new session's first run still draws the page),
            # is stored and acknowledged (Streamlit dropped it without a word: ui/late_press.py), once
            # while the server is down, the Agree and Disagree buttons look disabled (Streamlit disables them
            # without a connection; in colour they looked pressable, and a press was lost without a word: a
            # hand-run room) and the page's note says a press is not recorded (ui/look.py)
            agree, offline = page.get_by_role("button", name=re.compile(r"Agree$")).first, page.get_by_text(OFFLINE)
            expect(offline).to_be_hidden()
            opacity = float(agree.evaluate("b => getComputedStyle(b).opacity"))
            # ... and the note is in view wherever the page is scrolled: drawn above the tabs, it was out of
            # view for a participant scrolled down to the buttons on a phone, where a press is not sent
            page.get_by_role("button", name="Leave this consultation").scroll_into_view_if_needed()
            server.stop()
            expect(agree).to_be_disabled()
            expect(offline).to_be_visible()
            expect(offline).to_be_in_viewport(ratio=1)
            header = page.get_by_test_id("stHeader").bounding_box()
            assert offline.bounding_box()["y"] >= header["y"] + header["height"]  # not under the header
            assert float(agree.evaluate("b => getComputedStyle(b).opacity")) < opacity
            server = start_server(sample.data_dir, tmp_path / "log", port=port)
            _reconnected(page)
            page.get_by_role("button", name=re.compile(r"Disagree$")).first.click()
            expect(page.get_by_text(re.compile(r"^Vote stored: disagree"))).to_be_visible(timeout=LONG_MS)
            expect(offline).to_be_hidden()
            idle(page)
            assert _progress(page) == 2
            assert set(store.participants(sample.cid)) == before | {pid}
            votes, events = store.current_votes(sample.cid), store.vote_events(sample.cid)
            assert sorted(votes[votes["participant"] == pid]["vote"]) == [-1, 1]
            assert len(events[events["participant"] == pid]) == 2  # no vote stored twice
            # a press stored just before the server stopped, its acknowledgement lost (written here as the
            # old server wrote it): the page left open shows the same item, which the new session no
            # longer draws (it draws the next one). The participant changes their mind on the item the
            # page shows: stored and said, not dropped as a press of a button the page no longer had
            # (a hand-run room: nothing stored, no word, the page moved on)
            shown = page.get_by_text(re.compile(r"^Statement \d+$")).first.inner_text().split()[1]
            server.stop()
            expect(agree).to_be_disabled()  # the page saw the server go: the wait below is for its reconnection
            store.cast_vote(sample.cid, pid, shown, 1)
            server = start_server(sample.data_dir, tmp_path / "log", port=port)
            _reconnected(page)
            page.get_by_role("button", name=re.compile(r"Disagree$")).first.click()
            expect(page.get_by_text(re.compile(r"Your vote is now disagree\. Vote stored: disagree "
                                               rf"\(statement {shown}\)"))).to_be_visible(timeout=LONG_MS)
            idle(page)
            votes, events = store.current_votes(sample.cid), store.vote_events(sample.cid)
            mine = votes[votes["participant"] == pid]
            assert mine[mine["statement"] == shown]["vote"].tolist() == [-1] and len(mine) == 3
            assert len(events[events["participant"] == pid]) == 4  # the old server's vote, then the change
            assert _progress(page) == 3
            page.goto(link)  # the personal link after the restart: the same participant
            idle(page, LONG_MS)
            assert _progress(page) == 3
            # Leave: back to the join form with the personal link; nobody new
            page.get_by_role("button", name="Leave this consultation").click()
            idle(page)
            expect(page.get_by_text("To come back as the same participant")).to_be_visible()
            assert "p=" not in page.url
            page.reload()
            idle(page, LONG_MS)
            expect(page.get_by_label("Consultation code")).to_be_visible()
            assert set(store.participants(sample.cid)) == before | {pid}

            # the moderator console survives a reload
            mod = new_page(browser, 1280, 900)
            sign_in(mod, server.url, sample.code, sample.secret)
            expect(mod.get_by_role("tab", name="Facilitation")).to_be_visible()
            idle(mod)
            assert "session=" in mod.url and sample.secret not in mod.url
            mod.reload()
            idle(mod, LONG_MS)
            expect(mod.get_by_role("tab", name="Facilitation")).to_be_visible()

            # a reload while the graph runs: the run goes on and the console says so (it used to stop
            # between two steps: "The last run stopped before it finished", and a Retry to press)
            mod.get_by_role("tab", name="Facilitation").click()
            idle(mod)
            mod.get_by_role("button", name="Run the facilitation graph").click()
            expect(mod.get_by_text("Running the facilitation graph")).to_be_visible()
            mod.reload()
            running = mod.get_by_text(re.compile(r"^Running the facilitation graph is in progress \(next step: "))
            review = mod.get_by_text("The graph waits for your review of the drafts below.")
            expect(mod.get_by_role("tab", name="Facilitation")).to_be_visible()
            mod.get_by_role("tab", name="Facilitation").click()
            expect(running.or_(review).first).to_be_visible(timeout=LONG_MS)
            expect(review).to_be_visible(timeout=LONG_MS)
            expect(mod.get_by_text("The last run stopped before it finished")).to_have_count(0)
    finally:
        server.stop()
