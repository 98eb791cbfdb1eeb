"""A room of two, one of them on two devices (their personal link open on a phone and on a laptop),
in a real browser (Debian's chromium driven by Playwright against ``streamlit run``):

1. a vote changed on the laptop and changed back on the phone is stored, not only acknowledged
   (the phone took "agree" again for the press it had already stored, and said "Vote stored: agree"
   over a stored disagree);
2. My votes left open on the laptop shows the vote the phone stored since, when it is drawn again
   (each answer control kept the answer it was first drawn with);
3. a look at the live board by the sidebar and back keeps the personal link in the address, so a
   reload brings the participant back (it showed the join form: "Take part" has no token);
4. a participant alone in their opinion group is told so, not "with 0 other people. On 0 of your 3
   votes you voted as most of your group did";
5. a statement that says what one already says, word for word, is not added again (everyone else
   was asked to vote on the same words twice);
6. the moderator's console reloaded while the drafts wait for review opens on the review (it
   opened on Import, and the review was nowhere to be seen);
7. two pages of the one participant show the same new statement; a press on the page that did not
   vote on it says what the other page voted (the press changed that vote silently): the same
   answer again is not stored twice, another answer is stored and said to replace it.
"""

from __future__ import annotations

import re
import time

import pytest

from ui_helpers import BROWSER_LOCALE, idle, launch_chromium, start_server

pytestmark = pytest.mark.slow

from room_steps import WAIT, expect, join, open_console, wait_for_review  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402 - after room_steps, which skips without a browser


#: s: how long My votes is visited again for the group the background analysis puts the phone in: as long
#: as any other step of a loaded 2-core machine (the analysis is a background run of the server, as slow
#: as the rest under load; 60 s had the margin of no other step), and no longer than the analysis takes;
#: ms: the pause between two visits (the analysis reruns at most every ui.opinion_map.FRESH_MIN_SECONDS)
MAP_WAIT_S, MAP_POLL_MS = WAIT / 1000, 300
SECRET = "devices-room-moderator-secret"
QUESTION = "What should happen to the old swimming pool?"
STATEMENTS = ["Turn the pool into a community garden.", "Reopen the pool for swimming lessons.",
              "Sell the land to build affordable housing."]


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    from deliberation.config import Settings
    from deliberation.ratelimit import UNLIMITED
    from deliberation.storage import Store

    base = tmp_path_factory.mktemp("devices")
    store = Store(Settings(data_dir=base / "data").ensure(), limits=UNLIMITED)
    c, _secret = store.create_consultation(QUESTION, secret=SECRET)
    for text in STATEMENTS:
        store.add_statement(c.id, None, text)
    srv = start_server(base / "data", base / "log")
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw, idle_hook=True)
            try:
                yield {"store": store, "c": c, "url": srv.url, "browser": browser}
            finally:
                browser.close()
    finally:
        srv.stop()


def _vote_through(page, value: str) -> dict[str, str]:
    """Vote ``value`` on every statement the page offers; the statement ids by text."""
    ids = {}
    for _ in STATEMENTS:
        cap = page.get_by_text(re.compile(r"^Statement \d+$")).first
        expect(cap).to_be_visible()
        sid = cap.inner_text().split()[1]
        ids[STATEMENTS[int(sid)]] = sid
        page.get_by_role("button", name=re.compile(rf"(^|\s){value}$")).first.click()
        expect(page.get_by_text(f"Vote stored: {value.lower()} (statement {sid}).")).to_be_visible()
        idle(page)
    return ids


def _answer(page, sid: str, word: str):
    """The My votes control of statement ``sid`` (listed in the order of their ids, 0, 1, 2): its
    answer ``word``."""
    return page.get_by_role("radiogroup", name="Your vote").nth(int(sid)).get_by_role("radio", name=word, exact=True)


def _change(page, sid: str, word: str) -> None:
    _answer(page, sid, word).click()
    expect(page.get_by_text(f"Vote stored: {word.lower()} (statement {sid}).")).to_be_visible()
    idle(page)


def _my_votes(page) -> None:
    """Open My votes again (drawn anew on each visit of the tab)."""
    page.get_by_role("tab", name="Vote", exact=True).click()
    idle(page)
    page.get_by_role("tab", name="My votes").click()
    idle(page)


def test_one_participant_on_two_devices_in_a_room_of_two(room):
    from deliberation.storage.sessions import participant_for_token

    store, c, browser = room["store"], room["c"], room["browser"]
    phone = join(browser, room["url"], c.code)
    ids = _vote_through(phone, "Agree")
    pid = participant_for_token(re.search(r"[?&]p=([^&]+)", phone.url).group(1))
    first, last = list(ids)[0], list(ids)[-1]  # last: the phone's latest press

    laptop = browser.new_context(viewport={"width": 1280, "height": 900}, locale=BROWSER_LOCALE).new_page()
    laptop.set_default_timeout(WAIT)
    laptop.goto(phone.url)  # the personal link on another device
    idle(laptop)
    laptop.get_by_role("tab", name="My votes").click()
    idle(laptop)
    _change(laptop, ids[last], "Disagree")
    assert store.votes_of(c.id, pid)[ids[last]] == -1

    # 1. the phone changes it back to the agree it had pressed last
    phone.get_by_role("tab", name="My votes").click()
    idle(phone)
    expect(_answer(phone, ids[last], "Disagree")).to_have_attribute("aria-checked", "true")
    _change(phone, ids[last], "Agree")
    assert store.votes_of(c.id, pid)[ids[last]] == 1

    # 2. the laptop, still on My votes, changes another vote: the first shows the stored agree
    _change(laptop, ids[first], "Pass")
    expect(_answer(laptop, ids[last], "Agree")).to_have_attribute("aria-checked", "true")
    assert sorted(store.votes_of(c.id, pid).values()) == [0, 1, 1]

    # 3. to the board and back by the sidebar, then a reload: still the same participant
    laptop.get_by_role("link", name="Live board").click()
    idle(laptop)
    laptop.get_by_role("link", name="Take part").click()
    idle(laptop)
    laptop.reload()
    idle(laptop)
    expect(laptop.get_by_text(f"Consultation {c.code}")).to_be_visible()
    assert participant_for_token(re.search(r"[?&]p=([^&]+)", laptop.url).group(1)) == pid

    # 4. a second person votes against everything: two groups of one
    other = join(browser, room["url"], c.code)
    _vote_through(other, "Disagree")
    placed = phone.get_by_text(re.compile(r"^You are in group [A-Z]"))
    deadline = time.monotonic() + MAP_WAIT_S
    while True:  # the map is computed in the background: each visit shows the latest
        _my_votes(phone)
        if placed.count() or time.monotonic() > deadline:
            break
        phone.wait_for_timeout(MAP_POLL_MS)
    expect(placed).to_have_text(re.compile(r"^You are in group [A-Z] on your own: nobody else has voted like you"))
    expect(phone.get_by_text(re.compile("with 0 other people"))).to_have_count(0)

    # 5. the same words again, in other case and spacing: refused with the statement that says them
    phone.get_by_role("tab", name="Add a statement").click()
    idle(phone)
    box = phone.get_by_label("Your statement")
    box.fill("  turn the pool into a COMMUNITY   garden.")
    box.press("Control+Enter")  # commit the text before pressing Submit
    idle(phone)
    phone.get_by_role("button", name="Submit statement").click()
    expect(phone.get_by_text(f"Statement {ids[STATEMENTS[0]]} says this already, word for word")).to_be_visible()
    assert len(store.statements(c.id)) == len(STATEMENTS)

    # 6. the moderator's console, reloaded while the drafts wait for review, opens on the review
    mod = open_console(browser, room["url"], c.code, SECRET)
    mod.get_by_role("button", name="Run the facilitation graph").click()
    wait_for_review(mod)
    mod.reload()
    idle(mod)
    expect(mod.get_by_role("tab", name="Facilitation", selected=True)).to_be_visible()
    expect(mod.get_by_text("The graph waits for your review of the drafts below.")).to_be_visible()

    # 7. two new statements: the phone and the laptop show the same one (one order per participant)
    new = [store.add_statement(c.id, None, text).external_id
           for text in ("Fill the pool with sand for beach volleyball.", "Keep the pool as it is for now.")]
    shown = {}
    for page in (phone, laptop):
        page.get_by_role("tab", name="Vote", exact=True).click()
        cap = page.get_by_text(re.compile(rf"^Statement ({new[0]}|{new[1]})$")).first
        expect(cap).to_be_visible()  # the waiting message brings it without a click
        shown[page] = cap.inner_text().split()[1]
    x = shown[phone]
    assert shown[laptop] == x
    y = next(s for s in new if s != x)

    def press(page, word: str) -> None:
        page.get_by_role("button", name=re.compile(rf"(^|\s){word}$")).first.click()

    press(laptop, "Agree")
    expect(laptop.get_by_text(f"Vote stored: agree (statement {x}).")).to_be_visible()
    expect(laptop.get_by_text(f"Statement {y}", exact=True)).to_be_visible()
    press(phone, "Agree")  # still on x: a repeat of the laptop's vote, said so, and on to y
    expect(phone.get_by_text(f"You already voted agree on statement {x} from another page.")).to_be_visible()
    expect(phone.get_by_text(f"Statement {y}", exact=True)).to_be_visible()
    press(phone, "Disagree")
    expect(phone.get_by_text(f"Vote stored: disagree (statement {y}).")).to_be_visible()
    press(laptop, "Agree")  # still on y: replaces the phone's disagree, and says so
    expect(laptop.get_by_text(f"You voted on this from another page: disagree. Your vote is now agree. "
                              f"Vote stored: agree (statement {y}).")).to_be_visible()
    assert {s: store.votes_of(c.id, pid)[s] for s in new} == {x: 1, y: 1}
    expect(laptop.get_by_text("You have voted on every statement", exact=False)).to_be_visible()
