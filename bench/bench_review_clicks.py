"""The moderator's review in a real browser: decision clicks per second (each draft's card is a
fragment: a click reruns that card) against the old cost of a click, a whole-console rerun,
measured in the same run on the same page.

    .venv/bin/python bench/bench_review_clicks.py [--big]

The room (default: the bundled sample, corpora/harbour-road; ``--big``: Bowling Green,
../shared/corpora/american-assembly.bowling-green, 2,031 participants) is imported into a
temporary data folder and run to the review by the CLI, served by ``streamlit run`` and driven in
Debian's chromium (tests/ui_helpers.py). Two passes over the drafts, ``ROUNDS`` times each:

- click: "Approve" then "Reject" on each draft's card (a fragment rerun);
- full rerun (baseline): a new name in "Your name (recorded with each decision)", a box outside the
  cards, so each change reruns the whole console as every decision click did before.

Each step is timed from the press until the server says the run it started has finished (its
``script_finished`` message on the page's websocket). Prints the seconds per step and per pass,
clicks per second, and full rerun / click.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

SAMPLE = ROOT / "corpora" / "harbour-road"
BIG = ROOT.parent / "shared" / "corpora" / "american-assembly.bowling-green"
SECRET = "bench-review-clicks-secret"
#: passes over all drafts per kind of step
ROUNDS = 2
#: ms: the longest wait for one run to finish
WAIT_MS = 240_000


def _prepare(corpus: Path, data: Path) -> str:
    """Import ``corpus`` and run the graph to the review; the join code."""
    from deliberation.config import Settings
    from deliberation.importers.polis import read_polis_export
    from deliberation.services import import_bundle

    rep = import_bundle(Settings(data_dir=data).ensure(), read_polis_export(corpus), secret=SECRET)
    subprocess.run([sys.executable, "-m", "graphs.cli", "--data-dir", str(data), "run", str(rep.consultation_id),
                    "--max-revise-rounds", "0"], check=True, capture_output=True, cwd=ROOT)
    return rep.code


def _finished_counter(page) -> list[int]:
    """A one-item list counting the ``script_finished`` messages the server sends ``page``."""
    from ui_helpers import watch_app_messages

    done = [0]

    def down(msg) -> None:
        if msg.WhichOneof("type") == "script_finished":
            done[0] += 1

    watch_app_messages(page, down=down)
    return done


def _timed(page, done: list[int], press) -> float:
    """Seconds from ``press()`` until the run it started has finished."""
    seen = done[0]
    t0 = time.perf_counter()
    press()
    while done[0] == seen:
        page.wait_for_timeout(5)
        if time.perf_counter() - t0 > WAIT_MS / 1000:
            raise TimeoutError("the run a press started did not finish")
    return time.perf_counter() - t0


def _measure(page, done: list[int]) -> tuple[int, list[float], list[float]]:
    from ui_helpers import idle

    radios = page.get_by_role("radiogroup")
    radios.first.wait_for()  # the cards may draw after the status widget went idle (a loaded machine)
    n = radios.count()
    name = page.get_by_label("Your name (recorded with each decision)")
    clicks, full = [], []
    for r in range(ROUNDS):
        for i in range(n):
            choice = ("Approve", "Reject")[r % 2]
            clicks.append(_timed(page, done, lambda: radios.nth(i).get_by_text(choice, exact=True).click()))
            idle(page)
        for i in range(n):
            def rename():
                name.fill(f"moderator {r}-{i}")
                name.press("Enter")
            full.append(_timed(page, done, rename))
            idle(page)
    return n, clicks, full


def main() -> int:
    from ui_helpers import browser_bench_blocked, idle, launch_chromium, sign_in, start_server

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--big", action="store_true", help="Bowling Green (2,031 participants) instead of the sample")
    corpus = BIG if ap.parse_args().big else SAMPLE
    if blocked := browser_bench_blocked(corpus):
        print(f"cannot run: {blocked}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-review-clicks-") as tmp, sync_playwright() as pw:
        code = _prepare(corpus, Path(tmp) / "data")
        server = start_server(Path(tmp) / "data", Path(tmp) / "log")
        browser = launch_chromium(pw)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.set_default_timeout(WAIT_MS)
            done = _finished_counter(page)
            sign_in(page, server.url, code, SECRET)
            page.get_by_text("The graph waits for your review of the drafts below.").wait_for(timeout=WAIT_MS)
            idle(page)
            n, clicks, full = _measure(page, done)
        finally:
            browser.close()
            server.stop()
    click_s, full_s = sum(clicks) / len(clicks), sum(full) / len(full)
    print(f"{corpus.name}: {n} drafts, {ROUNDS} passes each")
    print(f"decision click (card rerun):      {click_s:.3f} s each, {1 / click_s:.1f} clicks/s, "
          f"{click_s * n:.1f} s to decide every draft")
    print(f"whole-console rerun (old click):  {full_s:.3f} s each, {1 / full_s:.1f} clicks/s, "
          f"{full_s * n:.1f} s to decide every draft")
    print(f"full rerun / click: {full_s / click_s:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
