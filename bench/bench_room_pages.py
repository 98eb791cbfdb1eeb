"""A room of 2,000 in a real browser: how long each step of a town hall takes to show, against the
same steps in the sample room measured in the same run.

    .venv/bin/python bench/bench_room_pages.py

Two rooms, each imported into a temporary data folder and run to the moderator's review by the
CLI (``graphs.cli run ID --max-revise-rounds 0``, so closing the vote ends in the report):

- baseline: the bundled sample (corpora/harbour-road);
- big: Bowling Green (../shared/corpora/american-assembly.bowling-green: 2,031 participants,
  896 statements, 225,524 votes).

Each is served by ``streamlit run`` (the launcher's command line) and driven in Debian's chromium
(tests/room_steps.py, tests/ui_helpers.py): the console opened on the review, "Approve all drafts",
"Open voting", a participant joining and their first vote acknowledged, the live board's opinion
map, the projector's map, the participant's "My votes", "Close voting and count", and the report
page. Prints seconds per step for both rooms and big / baseline.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

SAMPLE = ROOT / "corpora" / "harbour-road"
BIG = ROOT.parent / "shared" / "corpora" / "american-assembly.bowling-green"
SECRET = "bench-room-pages-secret"


def _prepare(corpus: Path, data: Path) -> tuple[str, int]:
    """Import ``corpus`` and run the graph to the review; the join code and participants."""
    from deliberation.config import Settings
    from deliberation.importers.polis import read_polis_export
    from deliberation.services import import_bundle

    rep = import_bundle(Settings(data_dir=data).ensure(), read_polis_export(corpus), secret=SECRET)
    subprocess.run([sys.executable, "-m", "graphs.cli", "--data-dir", str(data), "run", str(rep.consultation_id),
                    "--max-revise-rounds", "0"], check=True, capture_output=True, cwd=ROOT)
    return rep.code, rep.participants


def _timed(times: dict, name: str, step) -> None:
    t0 = time.perf_counter()
    step()
    times[name] = time.perf_counter() - t0


def _steps(browser, url: str, code: str) -> dict[str, float]:
    from room_steps import (approve_all, close_voting, expect, join, open_console, open_voting, report_page,
                            wait_for_review)
    from ui_helpers import idle, new_page

    times: dict[str, float] = {}
    mod = None

    def console():
        nonlocal mod
        mod = open_console(browser, url, code, SECRET)
        wait_for_review(mod)

    _timed(times, "console opens on the review", console)
    _timed(times, "approve all drafts", lambda: approve_all(mod))
    _timed(times, "open voting", lambda: open_voting(mod))
    phone = None

    def joined():
        nonlocal phone
        phone = join(browser, url, code)

    _timed(times, "participant joins", joined)

    def vote():
        phone.get_by_role("button", name=re.compile(r"(^|\s)Agree$")).first.click()
        expect(phone.get_by_text(re.compile(r"^Vote stored: agree"))).to_be_visible()

    _timed(times, "first vote acknowledged", vote)
    idle(phone)

    def my_votes():
        phone.get_by_role("tab", name="My votes").click()
        idle(phone)

    _timed(times, "participant's My votes", my_votes)
    for name, address in (("live board's map", f"/board?code={code}"),
                          ("projector's map", f"/board?code={code}&view=projector")):
        page = new_page(browser, 1920, 1080, timeout=300_000)

        def board():
            page.goto(url + address)
            page.get_by_text("Each dot is a participant").first.wait_for()

        _timed(times, name, board)
        page.context.close()
    _timed(times, "close voting and count", lambda: close_voting(mod))

    def report():
        rep = report_page(browser, url, code)
        expect(rep.get_by_role("button", name=re.compile("Markdown")).first).to_be_visible(timeout=300_000)

    _timed(times, "report page", report)
    return times


def _room(corpus: Path, tmp: Path, pw) -> tuple[int, dict[str, float]]:
    from ui_helpers import launch_chromium, start_server

    data = tmp / corpus.name / "data"
    code, people = _prepare(corpus, data)
    server = start_server(data, tmp / corpus.name / "log", board_refresh=3)
    try:
        browser = launch_chromium(pw)
        try:
            return people, _steps(browser, server.url, code)
        finally:
            browser.close()
    finally:
        server.stop()


def main() -> int:
    from ui_helpers import browser_bench_blocked

    if blocked := browser_bench_blocked(BIG):
        print(f"cannot run: {blocked}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-room-pages-") as tmp, sync_playwright() as pw:
        n_base, base = _room(SAMPLE, Path(tmp), pw)
        n_big, big = _room(BIG, Path(tmp), pw)
    print(f"{'step':32} {'sample (' + str(n_base) + ' people)':>22} {'big (' + str(n_big) + ' people)':>22} {'big / sample':>13}")
    for step, t in base.items():
        print(f"{step:32} {t:20.2f} s {big[step]:20.2f} s {big[step] / t:12.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
