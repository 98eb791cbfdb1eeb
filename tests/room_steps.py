"""Steps of a live room in a real browser, shared by the room tests (test_live_room,
test_bilingual_room): a participant joining on a phone-size page, and the moderator opening the
console, running the graph, approving and opening or closing voting. Importing it skips the
importing test module where Streamlit or the browser is missing."""

from __future__ import annotations

import re
import time

import pytest

from ui_helpers import BROWSER_LOCALE, browser_skip_reason, idle, idle_all, sign_in, watch_app_messages

pytest.importorskip("streamlit")
if browser_skip_reason():
    pytest.skip(browser_skip_reason(), allow_module_level=True)
from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=120_000)

#: ms: the longest step (a graph run) on a loaded 2-core machine
WAIT = 240_000
#: s: how late the console's tabs reach the browser after what the page shows above them
LATE_TABS_S = 0.5


def join(browser, url: str, code: str):
    """A participant on a phone-size page who joined by pressing Enter in the code box."""
    return join_all(browser, url, code, 1)[0]


def join_all(browser, url: str, code: str, n: int) -> list:
    """``n`` participants as :func:`join` makes one, joining side by side (each on its own page)."""
    pages = []
    for _ in range(n):
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale=BROWSER_LOCALE)
        page = ctx.new_page()
        page.set_default_timeout(WAIT)
        page.goto(f"{url}/participate?code={code}")
        page.get_by_label("Consultation code").press("Enter")  # Enter in the code box joins
        pages.append(page)
    for page in pages:
        expect(page.get_by_text("Welcome!")).to_be_visible()
    idle_all(pages)
    return pages


def _late_tabs(page) -> None:
    """The app's messages reach ``page`` in order, but a set of tabs arrives LATE_TABS_S after what
    the page shows above it, as from a loaded server: the browser draws the page in between (a
    message above the tabs takes their place, and the tabs are drawn anew when they come). On an
    idle machine the two usually arrive together; the console must work either way."""
    def down(msg) -> None:
        if (msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "add_block"
                and msg.delta.add_block.WhichOneof("type") == "tab_container"):
            time.sleep(LATE_TABS_S)  # holds this message and every later one

    watch_app_messages(page, down=down)


def open_console(browser, url: str, code: str, secret: str, tab: str = "Facilitation"):
    """The moderator console, opened with the secret, on ``tab``; its tabs reach the browser late
    (:func:`_late_tabs`)."""
    mod = browser.new_context(viewport={"width": 1280, "height": 900}, locale=BROWSER_LOCALE).new_page()
    mod.set_default_timeout(WAIT)
    _late_tabs(mod)
    sign_in(mod, url, code, secret)
    idle(mod)
    mod.get_by_role("tab", name=tab).click()
    idle(mod)
    return mod


def wait_for_review(mod) -> None:
    expect(mod.get_by_text("The graph waits for your review of the drafts below.")).to_be_visible(timeout=WAIT)
    idle(mod)


def approve_all(mod) -> None:
    mod.get_by_role("button", name="Approve all drafts").click()
    expect(mod.get_by_text(re.compile(r"^Review recorded\. \d+ drafts? (is|are) published"))).to_be_visible(timeout=WAIT)
    idle(mod)


def open_voting(mod) -> None:
    """Open voting from the Voting tab, where publishing the drafts left the console (no click on the tab)."""
    expect(mod.get_by_role("tab", name="Voting", selected=True)).to_be_visible()
    mod.get_by_role("button", name="Open voting").click()
    expect(mod.get_by_text("Voting is open").first).to_be_visible()


def close_voting(mod) -> None:
    mod.get_by_role("button", name="Close voting and count").click()
    expect(mod.get_by_text(re.compile("^Voting closed")).first).to_be_visible(timeout=WAIT)


def report_page(browser, url: str, code: str):
    rep = browser.new_context(viewport={"width": 1280, "height": 1000}, locale=BROWSER_LOCALE).new_page()
    rep.set_default_timeout(WAIT)
    rep.goto(f"{url}/report?code={code}")
    return rep
