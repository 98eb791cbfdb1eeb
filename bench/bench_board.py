"""Live boards of a 2,000-person room: what their refresh costs the server.

    .venv/bin/python bench/bench_board.py [--boards 3] [--seconds 30] [--no-browser]

Imports Bowling Green (../shared/corpora/american-assembly.bowling-green: 2,031 participants, 896
statements, 225,524 votes) into a temporary data folder, then measures, each against a baseline
taken in the same run:

1. Everyone's current votes as the pages read them (``LiveVotes.current()`` after 20 new votes,
   deliberation/live_votes.py) against a whole read of the store (``Store.current_votes``, what
   every board refresh did before): median of 5 rounds, and the ratio.
2. In Debian's chromium, ``--boards`` live boards open on a ``streamlit run`` server (the launcher's
   command line) for ``--seconds``: the server's CPU seconds per 10 s and its memory, as the app
   runs (without Streamlit's full garbage collection after every script run,
   ``--runner.postScriptGC false``, ui/launch.py) against the same with it (Streamlit's default).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CORPUS = ROOT.parent / "shared" / "corpora" / "american-assembly.bowling-green"
#: seconds the boards run before the CPU is counted (the first analysis of the votes so far)
WARM_S = 20
TCK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TCK


def _rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
    return 0


def _import(data: Path):
    from deliberation.config import Settings
    from deliberation.importers.polis import read_polis_export
    from deliberation.ratelimit import UNLIMITED
    from deliberation.storage import Store

    store = Store(Settings(data_dir=data).ensure(), limits=UNLIMITED)
    rep = store.import_bundle(read_polis_export(CORPUS), secret="bench-board-secret")
    return store, rep.consultation_id, rep.code


def _reads(store, cid: int) -> tuple[float, float]:
    """Median seconds of a whole read and of a live read after 20 new votes."""
    from deliberation.live_votes import LiveVotes

    live = LiveVotes(store, cid)
    live.current()
    ids = [s.external_id for s in store.statements(cid) if s.is_public]
    whole, incremental = [], []
    for r in range(5):
        pid = store.add_participant(cid)
        for k in range(20):
            store.cast_vote(cid, pid, ids[(r * 20 + k) % len(ids)], (k % 3) - 1)
        t0 = time.perf_counter()
        store.current_votes(cid)
        whole.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        live.current()
        incremental.append(time.perf_counter() - t0)
    return statistics.median(whole), statistics.median(incremental)


def _boards(data: Path, log: Path, code: str, n: int, seconds: int, gc: bool) -> tuple[float, int]:
    """Server CPU seconds per 10 s and RSS (MB) with ``n`` boards open; ``gc``: Streamlit's
    post-script garbage collection on (its default) or off (the app's)."""
    import ui.launch
    from ui_helpers import launch_chromium, new_page, start_server

    app_args = ui.launch.streamlit_args

    def args(port, address="127.0.0.1"):
        return app_args(port, address) + ["--runner.postScriptGC", "true" if gc else "false"]

    ui.launch.streamlit_args = args  # start_server builds the launcher's command line with it
    try:
        server = start_server(data, log, board_refresh=3)
    finally:
        ui.launch.streamlit_args = app_args
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            pages = [new_page(browser, 1920, 1080, timeout=300_000) for _ in range(n)]
            for page in pages:
                page.goto(f"{server.url}/board?code={code}")
            for page in pages:
                page.get_by_text("Each dot is a participant").first.wait_for()
            time.sleep(WARM_S)
            c0 = _cpu_s(server.proc.pid)
            time.sleep(seconds)
            cpu = (_cpu_s(server.proc.pid) - c0) * 10 / seconds
            rss = _rss_mb(server.proc.pid)
            browser.close()
    finally:
        server.stop()
    return cpu, rss


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boards", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--no-browser", action="store_true", help="only the votes read (part 1)")
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"cannot run: {CORPUS} is missing (the shared Polis corpora beside the repository)", file=sys.stderr)
        return 2
    from ui_helpers import browser_skip_reason

    with tempfile.TemporaryDirectory(prefix="bench-board-") as tmp:
        data = Path(tmp) / "data"
        store, cid, code = _import(data)
        whole, live = _reads(store, cid)
        print(f"everyone's current votes ({len(store.current_votes(cid)):,} votes): whole read (baseline) "
              f"{whole * 1000:.0f} ms, live read after 20 new votes {live * 1000:.1f} ms; "
              f"baseline / live = {whole / live:.0f}x")
        reason = None if not args.no_browser else "--no-browser"
        reason = reason or browser_skip_reason()
        if reason:
            print(f"boards not measured: {reason}")
            return 0
        store.engine.dispose()
        base_cpu, base_rss = _boards(data, Path(tmp) / "log", code, args.boards, args.seconds, gc=True)
        cpu, rss = _boards(data, Path(tmp) / "log-no-gc", code, args.boards, args.seconds, gc=False)
        print(f"{args.boards} live boards open (refresh 3 s), server CPU per 10 s over {args.seconds} s: "
              f"with Streamlit's full GC after every run (baseline) {base_cpu:.1f} s (RSS {base_rss} MB); "
              f"as the app runs, without it, {cpu:.1f} s (RSS {rss} MB); baseline / app = {base_cpu / cpu:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
