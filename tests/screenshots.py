"""Screenshots of every page at phone (390x844) and projector (1920x1080) sizes, for looking at.

    .venv/bin/python tests/screenshots.py [--out artifacts/screenshots] [--big FOLDER | --no-big]

Builds a data directory in a temporary folder: the sample consultation (harbour-road) run through
the facilitation graph to its report; a six-person room (two camps of three) whose drafts wait for
the participants' vote; and, for the projector's map at scale, a large Polis export (default
../shared/corpora/american-assembly.bowling-green, 2,031 participants; skipped when absent). Then
serves them with ``streamlit run`` on 127.0.0.1 and photographs every page with Debian's chromium:
start, participant join, voting, add a statement (with an over-long text), my votes, the board,
the projector view, the report and the moderator console's tabs. Writes
``OUT/<phone|projector>/NN-page.png`` (artifacts/ is gitignored) and prints each page's height: on
the projector size, the projector view must be exactly one screen (1080 px) tall.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from ui_helpers import (  # noqa: E402
    BROWSER_LOCALE,
    REPO,
    ROOM_CAMPS,
    ROOM_QUESTION,
    ROOM_STATEMENTS,
    SECRET,
    browser_skip_reason,
    idle,
    import_sample,
    launch_chromium,
    sign_in,
    start_server,
)

SIZES = {"phone": {"width": 390, "height": 844}, "projector": {"width": 1920, "height": 1080}}
BIG = REPO.parent / "shared" / "corpora" / "american-assembly.bowling-green"
LONG_TEXT = ("The old bowling green should stay open to everyone, with benches, shade and a path that a "
             "wheelchair can use, because the people who live around it have nowhere else to sit outside. ") * 3


def six_person_room(data: Path) -> tuple[int, str]:
    """Two camps of three who agree on five statements and split on three."""
    from deliberation.config import Settings
    from deliberation.ratelimit import UNLIMITED
    from deliberation.storage import Store

    store = Store(Settings(data_dir=data), limits=UNLIMITED)
    c, _secret = store.create_consultation(ROOM_QUESTION, secret=SECRET)
    ids = [store.add_statement(c.id, None, t).external_id for t in ROOM_STATEMENTS]
    for camp, values in ROOM_CAMPS.items():
        for _ in range(3):
            pid = store.add_participant(c.id)
            for sid, v in zip(ids, values):
                store.cast_vote(c.id, pid, sid, v)
    return c.id, c.code


def build(data: Path, big: Path | None) -> dict:
    from deliberation.config import Settings
    from graphs import runner

    settings = Settings(data_dir=data)
    t0 = time.time()
    sample = import_sample(data)
    runner.run_to_end(settings, sample.cid, reviewer="screenshots")
    room_id, room_code = six_person_room(data)
    st = runner.start(settings, room_id)
    if (st.waiting or {}).get("type") == "review":
        runner.resume(settings, room_id, {"reviewer": "screenshots", "approve_all": True})
    out = {"sample": sample.code, "room": room_code}
    if big is not None:
        from deliberation.importers.polis import read_polis_export
        from deliberation.services import import_bundle

        bundle = read_polis_export(big)
        bundle.source = str(big.resolve())
        out["big"] = import_bundle(settings, bundle, secret=SECRET).code
    print(f"data built in {time.time() - t0:.0f} s: {out}", flush=True)
    return out


class Camera:
    def __init__(self, out: Path, size: str):
        self.folder = out / size
        self.folder.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def shot(self, page, name: str, full: bool = True) -> None:
        """The whole page: Streamlit scrolls inside its main area, so the viewport is grown to the
        content's height for the picture (``full=False``: exactly the viewport)."""
        idle(page)
        # the page has drawn something (a large consultation's first run can take a while) ...
        page.wait_for_function("() => (document.querySelector('[data-testid=\"stMain\"]')?.innerText || '')"
                               ".trim().length > 0", timeout=300_000)
        # ... and a large consultation's map, computed in the background, is there
        page.wait_for_function("() => !document.body.innerText.includes('being computed')", timeout=300_000)
        idle(page)
        page.wait_for_timeout(1200)  # charts draw after the script has finished
        size = page.viewport_size
        js = ("() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], "
              "[data-testid=\"stAppViewContainer\"], [data-testid=\"stMainBlockContainer\"]')]"
              ".map(e => e.scrollHeight), document.body.scrollHeight)")
        tall = int(page.evaluate(js))
        if full and tall > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": min(tall, 12_000)})
            page.wait_for_timeout(800)
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        page.screenshot(path=str(path))
        page.set_viewport_size(size)
        print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: content {tall} px tall", flush=True)


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    idle(page)


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).first.click()
    idle(page)


def photograph(browser, url: str, codes: dict, size: str, out: Path) -> None:
    cam = Camera(out, size)
    ctx = browser.new_context(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone",
                              locale=BROWSER_LOCALE)
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    room = codes["room"]
    page.goto(url)
    cam.shot(page, "start")
    page.goto(f"{url}/participate?code={room}")
    idle(page)
    cam.shot(page, "participant-join")
    _click(page, "Join")
    page.get_by_text("Welcome!").first.wait_for()
    cam.shot(page, "participant-voting")
    _click(page, "Agree")
    cam.shot(page, "participant-voted")
    _tab(page, "Add a statement")
    box = page.get_by_label("Your statement")
    box.fill(LONG_TEXT)
    box.press("Control+Enter")
    idle(page)
    _click(page, "Submit statement")
    cam.shot(page, "participant-add-statement-too-long")
    _tab(page, "My votes")
    cam.shot(page, "participant-my-votes")
    ctx.close()

    ctx = browser.new_context(viewport=SIZES[size], locale=BROWSER_LOCALE)
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    for name, code in (("room", room), ("sample", codes["sample"])):
        page.goto(f"{url}/board?code={code}")
        cam.shot(page, f"board-{name}")
    for name, code in (("room", room), ("sample", codes["sample"]), ("big", codes.get("big"))):
        if code:
            page.goto(f"{url}/board?code={code}&view=projector")
            cam.shot(page, f"projector-{name}", full=False)
    page.goto(f"{url}/report?code={codes['sample']}")
    cam.shot(page, "report")
    page.goto(f"{url}/moderator?code={room}")
    idle(page)
    cam.shot(page, "moderator-sign-in")
    # the form's Open (sign_in): the sign-in page's language menu has an "Open" button first (ac956f0)
    sign_in(page, url, room, SECRET)
    idle(page)
    for tab in ("Import", "Moderation queue", "Facilitation", "Voting"):
        _tab(page, tab)
        cam.shot(page, f"moderator-{tab.lower().replace(' ', '-')}")
    ctx.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "artifacts" / "screenshots")
    ap.add_argument("--big", type=Path, default=BIG, help="a Polis export folder for the map at scale")
    ap.add_argument("--no-big", action="store_true", help="skip the large consultation")
    args = ap.parse_args()
    reason = browser_skip_reason()
    if reason:
        print(f"cannot take screenshots: {reason}", file=sys.stderr)
        return 2
    big = None if args.no_big or not args.big.is_dir() else args.big
    if big is None and not args.no_big:
        print(f"no large consultation: {args.big} is not a folder", flush=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        codes = build(Path(tmp) / "data", big)
        server = start_server(Path(tmp) / "data", Path(tmp) / "log", board_refresh=30)
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                try:
                    for size in SIZES:
                        photograph(browser, server.url, codes, size, args.out)
                finally:
                    browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
