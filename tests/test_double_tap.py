"""Two taps at one spot on a vote button store one vote, on the statement the participant read.

Found in a room run for real (room8, 2026-12-07): on a phone, two taps 200 ms apart on "Agree" stored
agree on the statement shown AND "pass" on the next one, which the participant never saw: the first
tap's "Vote stored" message pushed the next statement's Pass button under the finger before the
second tap. The fresh buttons now ignore the pointer for ui.look.VOTE_ARMING_MS after they appear.
Real Streamlit server on 127.0.0.1, Debian's chromium (a phone's viewport), SQLite on disk."""

from __future__ import annotations

import re

import pytest

from deliberation.config import Settings
from deliberation.storage import Store
from ui.look import VOTE_ARMING_MS

pytest.importorskip("streamlit")
from ui_helpers import browser_skip_reason, chromium_page, idle, server_starting  # noqa: E402

pytestmark = pytest.mark.skipif(browser_skip_reason() is not None, reason=browser_skip_reason() or "")

#: The port of this test's server (each helper of the session has its own range: 8800-8899).
PORT = 8817
#: ms between the two taps: the gap that stored the unseen vote in the room (120 ms landed both taps on
#: the statement read, 300 ms one vote).
TAP_GAP_MS = 200
#: ms the participant reads the statement before the first tap: the buttons drawn with it are armed by then.
READ_MS = 2 * VOTE_ARMING_MS
#: ms the page is given after the second tap, for a vote it might have sent, before the store is read
#: (its run is then awaited too).
AFTER_MS = 3000
STATEMENTS = ["The market square needs more benches and shade.", "Cars should stay out of the square on Saturdays.",
              "The fountain should run all summer.", "Stalls should be allowed to stay open until ten."]


def _shown(page) -> str:
    """The id of the statement on screen (its caption "Statement 3")."""
    caption = page.get_by_text(re.compile(r"^Statement \S+$")).first.inner_text()
    return caption.split()[-1]


def test_a_double_tap_on_agree_stores_one_vote_on_the_statement_read(tmp_path):
    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings)
    c, _ = store.create_consultation("How should the market square be used?", secret="double-tap-1")
    for text in STATEMENTS:
        store.add_statement(c.id, "xid:author0", text)
    with server_starting(settings.data_dir, tmp_path / "logs", port=PORT) as starting:
        with chromium_page(390, 844, timeout=120_000, idle_hook=True) as (_browser, page):
            server = starting()
            page.goto(f"{server.url}/participate?code={c.code}")
            page.get_by_role("button", name="Join", exact=True).click()
            page.get_by_text("Welcome!").wait_for()
            idle(page)
            read = _shown(page)
            page.wait_for_timeout(READ_MS)
            box = page.get_by_role("button", name="Agree").first.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.click(x, y)
            page.wait_for_timeout(TAP_GAP_MS)
            page.mouse.click(x, y)
            page.wait_for_timeout(AFTER_MS)
            idle(page)
            following = _shown(page)
            ev = store.vote_events(c.id)
            mine = ev[ev["participant"] != "xid:author0"]
            assert following != read
            # one vote, agree, on the statement read; the statement that came next is not voted on
            assert [(s, int(v)) for s, v in zip(mine["statement"], mine["vote"])] == [(read, 1)], mine
            # a deliberate press on the next statement still counts
            page.get_by_role("button", name="Disagree").first.click()
            page.get_by_text(f"Vote stored: disagree (statement {following}).").wait_for()
            votes = store.current_votes(c.id)
            mine = votes[votes["participant"] != "xid:author0"]
            assert dict(zip(mine["statement"], mine["vote"].astype(int))) == {read: 1, following: -1}
