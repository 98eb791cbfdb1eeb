"""Load through the real app: 10 browser sessions (Debian's chromium, one browser context each, so
10 Streamlit sessions and 10 participants) join one consultation and vote at the same time
through the running ``streamlit run`` server; every session changes at least one vote.

A vote counts as acknowledged only when its page shows "Vote stored: <vote> (statement <id>)."
Afterwards the database must hold exactly the acknowledged vote events, each once and in each
participant's order, and every participant's current vote on a statement must be the last one
acknowledged. Prints the throughput.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import defaultdict

import pytest

from ui_helpers import BROWSER_LOCALE, aidle, browser_skip_reason, launch_chromium, start_server

pytestmark = pytest.mark.slow

pytest.importorskip("streamlit")
if browser_skip_reason():
    pytest.skip(browser_skip_reason(), allow_module_level=True)
from playwright.async_api import async_playwright, expect  # noqa: E402

SESSIONS = 10
VOTES_EACH = 4        # first votes per session, one statement at a time
STATEMENTS = 8
ACK_MS = 120_000      # a loaded 2-core machine: generous
WORDS = {1: "Agree", -1: "Disagree", 0: "Pass / unsure"}
ACK_WORD = {1: "agree", -1: "disagree", 0: "pass"}

TEXTS = [
    "Harbour Road should be car-free on weekends.",
    "Delivery vans need a loading window before 10am.",
    "The bus lane must stay when the road is rebuilt.",
    "More benches and shade trees along the promenade.",
    "Cyclists need a protected lane separate from the footpath.",
    "Parking for disabled drivers must be kept near the shops.",
    "Night buses should run on Fridays and Saturdays.",
    "Market stalls should be allowed on the widened pavement.",
]


@pytest.fixture(scope="module")
def consultation(tmp_path_factory):
    from deliberation.config import Settings
    from deliberation.storage import Store

    base = tmp_path_factory.mktemp("ui-load")
    data = base / "data"
    store = Store(Settings(data_dir=data).ensure())
    c, _secret = store.create_consultation("Should Harbour Road become car-free?")
    for text in TEXTS[:STATEMENTS]:
        store.add_statement(c.id, None, text)
    # the pages refresh themselves every 2 s here (twice as often as by default), so that
    # presses race the self-refreshing parts of the page: every acknowledged press must still be
    # stored exactly once
    srv = start_server(data, base / "log", env={"DELIBERATION_PARTICIPANT_REFRESH": "2"})
    try:
        yield srv, store, c
    finally:
        srv.stop()


def _watch_timers(page, timers: list[str], where: list[str]) -> None:
    """Note in ``timers`` the tab (``where[-1]``) each self-refresh timer the server starts on the
    page was started in (Streamlit's ``auto_rerun`` message: a fragment that reruns every few s)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    def received(payload) -> None:
        if isinstance(payload, bytes):
            msg = ForwardMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "auto_rerun":
                timers.append(where[-1])

    page.on("websocket", lambda ws: ws.on("framereceived", received))


async def _session(browser, url: str, code: str, seed: int, started: list[float]) -> list[tuple[str, int]]:
    """One participant: join, vote VOTES_EACH times, change one vote (two for even seeds).
    Returns the acknowledged (statement, vote) events in order. No timer may refresh any part of
    "My votes", where the changes are made: a change that met such a timer's runs on a loaded
    server was stored, and its "Vote stored" sent, but the page showed it never."""
    rng = random.Random(seed)
    ctx = await browser.new_context(viewport={"width": 390, "height": 844}, locale=BROWSER_LOCALE)
    acks: list[tuple[str, int]] = []
    timers: list[str] = []
    where = ["Vote"]
    try:
        page = await ctx.new_page()
        page.set_default_timeout(ACK_MS)
        _watch_timers(page, timers, where)
        await page.goto(f"{url}/participate?code={code}")
        await page.get_by_role("button", name="Join", exact=True).click()
        await expect(page.get_by_text("Welcome!")).to_be_visible(timeout=ACK_MS)
        await aidle(page)
        started.append(time.perf_counter())
        for _ in range(VOTES_EACH):
            # the statement on screen: one this participant has not voted on (never a stale one)
            voted = "|".join(sid for sid, _ in acks) or "x"
            cap = page.get_by_text(re.compile(rf"^Statement (?!(?:{voted})$)\d+$")).first
            await expect(cap).to_be_visible(timeout=ACK_MS)
            sid = (await cap.inner_text()).split()[1]
            value = rng.choice([1, -1, 0])
            await page.get_by_role("button", name=re.compile(r"(^|\s)" + WORDS[value].replace("/", "\\/") + "$")).first.click()
            await expect(page.get_by_text(f"Vote stored: {ACK_WORD[value]} (statement {sid}).")) \
                .to_be_visible(timeout=ACK_MS)
            acks.append((sid, value))
            await aidle(page)
        # change the vote on the first statement in "My votes" (sorted by id), twice for even seeds
        where.append("My votes")
        await page.get_by_role("tab", name=re.compile(r"My votes")).click()
        await aidle(page)
        first = min((sid for sid, _ in acks), key=int)
        current = [v for sid, v in acks if sid == first][-1]
        for _ in range(2 if seed % 2 == 0 else 1):
            new = rng.choice([v for v in (1, -1, 0) if v != current])
            group = page.get_by_test_id("stButtonGroup").first
            await group.get_by_text(WORDS[new].split()[0], exact=True).click()
            await expect(page.get_by_text(f"Vote stored: {ACK_WORD[new]} (statement {first}).")) \
                .to_be_visible(timeout=ACK_MS)
            acks.append((first, new))
            current = new
            await aidle(page)
        assert "My votes" not in timers, "a part of My votes refreshes itself beside the change controls"
        return acks
    finally:
        await ctx.close()


async def _run_all(url: str, code: str) -> tuple[list[list[tuple[str, int]]], float, float]:
    started: list[float] = []
    async with async_playwright() as pw:
        browser = await launch_chromium(pw, idle_hook=True)
        try:
            t0 = time.perf_counter()
            results = await asyncio.gather(*[_session(browser, url, code, seed, started)
                                             for seed in range(SESSIONS)])
            t1 = time.perf_counter()
        finally:
            await browser.close()
    return list(results), t1 - t0, t1 - (min(started) if started else t0)


def test_ten_browsers_vote_at_once(consultation):
    srv, store, c = consultation
    sessions, total_s, voting_s = asyncio.run(_run_all(srv.url, c.code))
    n_acks = sum(len(a) for a in sessions)
    print(f"\n{SESSIONS} browser sessions: {n_acks} acknowledged votes and changes in {voting_s:.1f} s "
          f"of voting ({n_acks / voting_s:.2f} votes/s through the app); {total_s:.1f} s with joining")
    assert all(len(a) >= VOTES_EACH + 1 for a in sessions)

    # the database: exactly the acknowledged events, once each, in each participant's order
    events = store.vote_events(c.id)
    per_participant: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for pid, sid, vote in zip(events["participant"], events["statement"], events["vote"]):
        per_participant[pid].append((str(sid), int(vote)))
    assert len(events) == n_acks, f"{len(events)} stored events for {n_acks} acknowledged votes"
    assert len(store.participants(c.id)) == SESSIONS
    assert sorted(per_participant.values()) == sorted(sessions)
    # ...and the current vote is the last acknowledged one, one row per (participant, statement)
    current = store.current_votes(c.id)
    assert not current.duplicated(["participant", "statement"]).any()
    for pid, acked in per_participant.items():
        last = dict(acked)  # later events overwrite earlier ones
        mine = current[current["participant"] == pid]
        assert dict(zip(mine["statement"].astype(str), mine["vote"].astype(int))) == last
    assert len(current) == sum(len(dict(a)) for a in sessions)
