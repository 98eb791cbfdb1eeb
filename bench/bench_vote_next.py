"""Vote to next statement on the participant page, through a real ``streamlit run`` server and
Debian's chromium: the time from pressing Agree / Disagree / Pass until the next statement is on
screen (what a participant waits for, about 40 times in a consultation).

    .venv/bin/python bench/bench_vote_next.py [--votes 30] [--statements 60]

Prints the median and 90th percentile (target: median under 0.5 s) and, as the baseline measured
in the same run, the server's own work for one vote (``Store.cast_vote`` plus reading the
participant's own votes), with the ratio of the two: the rest is Streamlit's round trip
and drawing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from ui_helpers import browser_skip_reason, chromium_page, idle, start_server  # noqa: E402

#: Target for the median time from a vote to the next statement (seconds).
TARGET_S = 0.5
CAPTION_JS = """() => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .map(e => e.innerText).find(t => /^Statement \\S+$/.test(t.trim())) || ''"""


def _setup(data: Path, n_statements: int):
    from deliberation.config import Settings
    from deliberation.ratelimit import UNLIMITED
    from deliberation.storage import Store

    store = Store(Settings(data_dir=data).ensure(), limits=UNLIMITED)
    c, _secret = store.create_consultation("How should the town spend its park budget?")
    for i in range(n_statements):
        store.add_statement(c.id, None, f"Proposal {i}: spend part of the park budget on item number {i}.")
    return store, c


def _server_work(store, cid: int, n: int) -> list[float]:
    """What the server does for one vote and the next draw, without Streamlit: store the vote and
    read the participant's own votes (the statements and everyone's votes come from a snapshot
    shared by all sessions, read at most once a second: not counted per vote)."""
    pid = store.add_participant(cid)
    ids = [s.external_id for s in store.statements(cid)]
    times = []
    for k in range(n):
        t0 = time.perf_counter()
        store.cast_vote(cid, pid, ids[k % len(ids)], (k % 3) - 1)
        store.votes_of(cid, pid)
        times.append(time.perf_counter() - t0)
    return times


def _browser(url: str, code: str, n: int) -> list[float]:
    times = []
    with chromium_page(390, 844) as (_, page):
        page.goto(f"{url}/participate?code={code}")
        idle(page)
        page.get_by_role("button", name="Join", exact=True).click()
        page.get_by_text("Welcome!").first.wait_for()
        idle(page)
        for k in range(n + 2):  # the first two warm the caches and are not counted
            before = page.evaluate(CAPTION_JS)
            button = page.get_by_role("button", name=["Agree", "Disagree", "Pass / unsure"][k % 3], exact=True)
            t0 = time.perf_counter()
            button.first.click()
            page.wait_for_function(f"() => ({CAPTION_JS})() !== {before!r} && ({CAPTION_JS})() !== ''",
                                   polling="raf")
            if k >= 2:
                times.append(time.perf_counter() - t0)
            idle(page)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--votes", type=int, default=30)
    ap.add_argument("--statements", type=int, default=60)
    args = ap.parse_args()
    reason = browser_skip_reason()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-vote-next-") as tmp:
        store, c = _setup(Path(tmp) / "data", max(args.statements, args.votes + 5))
        server = start_server(Path(tmp) / "data", Path(tmp) / "log")
        try:
            page_times = _browser(server.url, c.code, args.votes)
        finally:
            server.stop()
        work = _server_work(store, c.id, args.votes)
    med, p90 = statistics.median(page_times), sorted(page_times)[int(0.9 * (len(page_times) - 1))]
    base = statistics.median(work)
    print(f"vote -> next statement on screen ({len(page_times)} votes, phone-size chromium): "
          f"median {med:.3f} s, p90 {p90:.3f} s, target < {TARGET_S} s: {'met' if med < TARGET_S else 'MISSED'} "
          f"(median / target = {med / TARGET_S:.2f})")
    print(f"baseline, the server's own work per vote (store the vote, read one's own votes): median "
          f"{base * 1000:.1f} ms; page / baseline = {med / base:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
