"""The first page after the app server restarts, against the second (the same page opened again):
how long a browser shows a blank page.

    .venv/bin/python bench/bench_restart_pages.py [--restarts 3] [--big]

The app is started as ``make run`` starts it (``python -m ui.launch --port P`` on a data folder,
which starts the folder's Chroma server and then ``streamlit run ui/app.py``), on a temporary data
folder with the sample consultation (corpora/harbour-road, imported by the launcher's first start);
``--big`` also on a folder with Bowling Green (../shared/corpora/american-assembly.bowling-green:
2,031 participants, imported by ``deliberation import-polis``). For each page (start, participant,
live board, moderator console) the app is restarted ``--restarts`` times; after each restart, as
soon as /_stcore/health answers, Debian's chromium opens the page (a fresh context), then opens it
again in another fresh context. Two times per opening, from the navigation:

- paint: the page's main area shows any text (a "loading" line counts: the page is no longer blank);
- ready: the page's own first element (its title or question) is visible.

Prints the median of each over the restarts, first and second opening, first / second, the seconds
from starting the launcher until the server answers ("answers"), and from starting the launcher
until the first page is ready ("restart to 1st ready": what a room reloading at once waits).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

BIG = ROOT.parent / "shared" / "corpora" / "american-assembly.bowling-green"
BIG_SECRET = "bench-restart-pages-secret"
#: JS: the page's main area shows text (anything: the page is not blank any more)
PAINT_JS = ("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
            " return !!m && m.innerText.trim().length > 0; }")
#: JS: the page's own first element (a title or heading of the page, not a loading line) is visible
READY_JS = ("() => !!document.querySelector('[data-testid=\"stMain\"] h1, [data-testid=\"stMain\"] h2,"
            " [data-testid=\"stMain\"] h3')")
#: s: at most this long for a launcher to answer (a first launch imports the sample: minutes)
START_TIMEOUT_S = 900
PAGES = {"start": "/start?code={code}", "participant": "/participate?code={code}", "board": "/board?code={code}",
         "console": "/moderator?code={code}"}


def _launch(data: Path, port: int, log: Path) -> tuple[subprocess.Popen, float]:
    """``python -m ui.launch`` on ``data``; returns it once /_stcore/health answers, and the seconds that took."""
    from deliberation.processes import http_ok, wait_until_answers

    env = {**os.environ, "DELIBERATION_DATA": str(data), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    with open(log, "a") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ui.launch", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    if not wait_until_answers(lambda: http_ok(f"http://127.0.0.1:{port}/_stcore/health", timeout=2), proc,
                              START_TIMEOUT_S, poll_s=0.05):
        _stop(proc)
        raise RuntimeError(f"the launcher did not answer: {log.read_text()[-2000:]}")
    return proc, time.perf_counter() - t0


def _stop(proc: subprocess.Popen) -> None:
    """Ctrl-C, as in the terminal: the launcher stops the app and its Chroma server."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _open(browser, url: str) -> tuple[float, float]:
    from ui_helpers import new_page

    page = new_page(browser, 1280, 900, timeout=120_000)
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(PAINT_JS, polling=20)
    paint = time.perf_counter() - t0
    page.wait_for_function(READY_JS, polling=20)
    ready = time.perf_counter() - t0
    page.context.close()
    return paint, ready


def _join_code(data: Path, corpus: Path) -> str:
    from deliberation.config import Settings
    from deliberation.services import find_stored
    from deliberation.storage import Store

    settings = Settings(data_dir=data)
    return Store(settings).get_consultation(find_stored(settings, str(corpus.resolve()))).code


def _folder(name: str, data: Path, log: Path, port: int, browser, restarts: int) -> dict[str, list]:
    from deliberation.config import SAMPLE_CORPUS

    _stop(_launch(data, port, log)[0])  # the first launch imports the sample
    code = _join_code(data, BIG if name == "big" else SAMPLE_CORPUS)
    out: dict[str, list] = {}
    for page, path in PAGES.items():
        for _ in range(restarts):
            proc, answers = _launch(data, port, log)
            try:
                url = f"http://127.0.0.1:{port}" + path.format(code=code)
                out.setdefault(page, []).append((answers, *_open(browser, url), *_open(browser, url)))
            finally:
                _stop(proc)
    return out


def _print(name: str, res: dict[str, list]) -> None:
    print(f"\n{name}: median over {len(next(iter(res.values())))} restarts, seconds from navigation")
    print(f"{'page':12} {'answers':>8} {'1st paint':>10} {'1st ready':>10} {'2nd paint':>10} {'2nd ready':>10}"
          f" {'1st/2nd ready':>14} {'restart to 1st ready':>21}")
    for page, rows in res.items():
        m = [statistics.median(r[i] for r in rows) for i in range(5)]
        whole = statistics.median(r[0] + r[2] for r in rows)
        print(f"{page:12} {m[0]:8.2f} {m[1]:10.2f} {m[2]:10.2f} {m[3]:10.2f} {m[4]:10.2f} {m[2] / m[4]:13.1f}x"
              f" {whole:20.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--restarts", type=int, default=3)
    ap.add_argument("--big", action="store_true", help="also a folder with Bowling Green (2,031 participants)")
    ap.add_argument("--keep", type=Path, default=None, help="use (and keep) data folders under this folder")
    args = ap.parse_args()
    from deliberation.processes import free_port
    from ui_helpers import browser_bench_blocked, launch_chromium

    if blocked := browser_bench_blocked(*([BIG] if args.big else [])):
        print(f"cannot run: {blocked}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-restart-pages-") as tmp, sync_playwright() as pw:
        base = args.keep or Path(tmp)
        browser = launch_chromium(pw)
        try:
            folders = {"sample": base / "sample"}
            if args.big:
                folders["big"] = base / "big"
                if not (folders["big"] / "deliberation.sqlite").exists():
                    subprocess.run([sys.executable, "-m", "deliberation.cli", "--data-dir", str(folders["big"]),
                                    "import-polis", str(BIG), "--secret", BIG_SECRET], check=True, cwd=ROOT,
                                   capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
            for name, data in folders.items():
                data.mkdir(parents=True, exist_ok=True)
                _print(name, _folder(name, data, base / f"{name}.log", free_port(), browser, args.restarts))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
