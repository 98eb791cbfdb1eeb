"""A room of six run by hand in chromium, as a real room uses the app, with the vote-check at its end.

    .venv/bin/python tests/room_hand.py [--lang fr|es|de|en] [--mix LANG] [--out /tmp/room-hand]

Starts the app as ``make run`` does (``python -m ui.launch --no-sample --port N``: the data folder's
Chroma server and ``streamlit run`` on 127.0.0.1, its data folder ``OUT/data``) and drives it with
Debian's chromium: the moderator creates a room whose question is in ``--lang``; six phones (that
browser language) join (``--mix LANG``: phones 3-5 in LANG, picking it from the page's language
menu, as the page speaks the room's language whatever the browser's); they write statements in
``--lang`` and in English and vote on all; the CLI imports a file and analyzes the room while the app serves; a second device opens one participant's
personal link; the moderator runs the graph and reviews the drafts (approve, edit, reject), opens
voting; the phones vote on the drafts; the app is restarted mid-vote (the phones reload, one press is
made on a page left open); the CLI's ``resume --close-voting`` closes the vote; a phone's late press
is refused; the board and the report are opened. Every page is photographed into ``OUT/shots``.
At the end tests/vote_check.py compares every acknowledged press with the Store: prints
"vote-check: N presses acknowledged, ... 0 lost, 0 duplicated, 0 after close" and exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import functools
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from ui_helpers import REPO, idle, idle_all, launch_chromium, start_launcher  # noqa: E402
from vote_check import Press, check_votes  # noqa: E402

#: ms: the longest wait of one step (a graph run on a loaded 2-core machine)
WAIT = 300_000
#: what the room is about in each language (the browser's locale, the room's question and the participants'
#: own statements: data, in tests/data/room_hand_rooms.toml); the app's words the room is driven by are read
#: from its language files (:func:`room_words`)
ROOMS = tomllib.loads((HERE / "data" / "room_hand_rooms.toml").read_text(encoding="utf-8"))
#: where a message's field stands in a text made into a pattern (:func:`pattern_of`)
FIELD = "\x00"
#: where the number of the statement a press was made on stands in the pattern of its "Vote stored"
SID = "\x01"


def literal(text: str) -> str:
    """A regular expression that matches ``text`` as the page shows it: any spacing where it has a space
    (French puts no-break spaces before its colons)."""
    return re.sub(r"(?:\\\s|\s)+", r"\\s*", re.escape(text))


def pattern_of(text: str, field: str = r"(\d+)") -> str:
    """The regular expression of an app's ``text`` in which :data:`FIELD` stands for ``field``, the rest
    :func:`literal`."""
    return field.join(literal(part) for part in text.split(FIELD))


def sentence(text: str) -> str:
    """The first sentence of an app's ``text``, without its full stop."""
    return text.split(". ")[0].removesuffix(".")


@functools.lru_cache(maxsize=None)
def room_words(lang: str) -> dict:
    """The app's words the room is driven by in ``lang``, read from the app's language files (ui/messages
    through ui.i18n.Words): the buttons, tabs and labels it clicks and the texts it waits for (patterns where
    a text names a number), with the room's locale, question and statements (:data:`ROOMS`)."""
    from deliberation.words import LANGUAGES
    from ui.i18n import Words
    from ui.participant_actions import SAID

    w = Words(lang)
    said = {w(mid): value for value, mid in SAID.items()}
    answer = "(" + "|".join(literal(word) for word in said) + ")"
    draft = w.draft(FIELD, start=True)
    one, other = (w("vote.draft_caption", n=n, draft=draft, sources="") for n in (1, 2))
    return ROOMS[lang] | {
        "language_menu": w("language_label"), "language_name": LANGUAGES[lang],
        "answers": {value: w.vote(value) for value in SAID}, "said": said,
        # the "Vote stored" of a statement or of a draft, its answer's word the first group that is set
        # (its number is put in by :meth:`Room.press`: :data:`SID` here)
        "stored": "|".join(pattern_of(w(mid, answer=FIELD, sid=SID, draft=w.draft(SID, start=True)), answer)
                           for mid in ("vote.stored", "vote.stored_draft")),
        "caption": "^" + pattern_of(w("vote.statement_caption", sid=FIELD)) + "$",
        "draft": "^" + pattern_of(os.path.commonprefix([one, other]).rsplit(" ", 1)[0]),
        "add_tab": w("page.tab_add"), "vote_tab": w("page.tab_vote"), "mine_tab": w("page.tab_mine"),
        "label": w("write.label"), "submit": w("write.submit"),
        "added": "|".join(pattern_of(sentence(w(mid, sid=FIELD)), r"\d+") for mid in ("write.added", "write.received")),
        # "You have voted on every statement", whether voting is still open or closed
        "all_done": sentence(w("vote.all_done")), "code": w("join.code_label"),
        "create_tab": w("console.create_tab"), "question_label": w("console.question"), "create": w("console.create"),
        "secret_label": w("console.new_secret"), "facilitation": w("console.tab_facilitation"), "run": w("run.start"),
        "review_wait": sentence(w("run.waits_for_review")), "approve": w("review.approve"), "edit": w("review.edit"),
        "reject": w("review.reject"), "edited": w("review.edited"), "submit_review": w("review.submit"),
        "recorded": literal(sentence(w("review.recorded"))), "voting_tab": w("console.tab_voting"),
        "open": w("voting.open"), "is_open": w("voting.state_open", page="").split("**")[0].strip(),
        "closed": literal(w("vote.not_stored")),
    }


#: the English statement of the side file (:func:`write_side_file`)
SIDE_ENGLISH = "The station roof should carry solar panels."
ENGLISH = ["The old station should become affordable housing for families.",
           "Keep the station building and turn it into a library.",
           "Parking for the market must not take over the neighbourhood."]


def write_side_file(out: Path, lang: str) -> tuple[Path, str]:
    """The file the CLI imports while the app serves (a room of its own) and its question, in the room's
    language ``lang``: its statement in ``lang`` and :data:`SIDE_ENGLISH`, each with its language."""
    side = out / "extra.csv"
    with side.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([("text", "language"), (ROOMS[lang]["side_statement"], lang), (SIDE_ENGLISH, "en")])
    return side, ROOMS[lang]["side_question"]


class Room:
    def __init__(self, out: Path, lang: str, mix: str | None = None):
        self.out, self.w, self.lang = out, room_words(lang), lang
        self.mix = mix  # phones 3-5 in this language (their browser's), the others in ``lang``
        self.lang_of: dict[int, str] = {}  # id(page) -> the language its words are in
        self.data = out / "data"
        self.shots = out / "shots"
        self.shots.mkdir(parents=True, exist_ok=True)
        self.presses: list[Press] = []
        self.n_shot = 0
        self.launcher = None
        self.url = None
        self.timings: list[tuple[str, float]] = []

    # ---- the app ---------------------------------------------------------------------------
    def start(self, port: int | None = None) -> None:
        from deliberation.processes import free_port

        port = port or free_port()
        log = self.out / "launch.log"
        start = log.stat().st_size if log.exists() else 0
        env = {"DELIBERATION_PARTICIPANT_REFRESH": "2", "DELIBERATION_BOARD_REFRESH": "3"}
        self.launcher = start_launcher(self.data, log, "--no-sample", "--port", str(port), env=env)
        deadline = time.time() + 300
        while time.time() < deadline:
            text = log.read_text(errors="replace")[start:]
            m = re.search(r"Open (http://127\.0\.0\.1:\d+)", text)
            if m:
                self.url = m.group(1)
                return
            if self.launcher.poll() is not None:
                raise SystemExit(f"the app ended: {text[-2000:]}")
            time.sleep(0.5)
        raise SystemExit("the app did not start in 300 s")

    def stop(self) -> None:
        import signal

        if self.launcher and self.launcher.poll() is None:
            self.launcher.send_signal(signal.SIGINT)
            try:
                self.launcher.wait(60)
            except subprocess.TimeoutExpired:
                self.launcher.kill()

    def cli(self, *args: str) -> str:
        env = {**os.environ, "PYTHONPATH": str(REPO), "DELIBERATION_DATA": str(self.data)}
        t0 = time.time()
        # the `deliberation` command (graphs.cli: the graph's commands, then deliberation.cli's)
        p = subprocess.run([sys.executable, "-m", "graphs.cli", *args], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=900)
        self.timings.append((f"cli {args[0]}", time.time() - t0))
        print(f"$ deliberation {' '.join(args)} -> {p.returncode} ({time.time() - t0:.1f} s)\n"
              + (p.stdout + p.stderr)[-1500:], flush=True)
        if p.returncode != 0:
            raise RuntimeError(f"deliberation {args[0]} failed ({p.returncode})")
        return p.stdout + p.stderr

    def shot(self, page, name: str) -> None:
        """The whole page: Streamlit scrolls inside its main block, so the viewport is made as tall as
        that block's content for the photograph, then put back."""
        self.n_shot += 1
        page.wait_for_timeout(1200)  # charts and some controls draw after the script has finished (screenshots.py)
        size = page.viewport_size
        tall = page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                             "[data-testid=stAppViewContainer]')].map(e => e.scrollHeight), 0)")
        if tall > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": min(tall, 12_000)})
            page.wait_for_timeout(300)  # the browser lays the page out again: no rerun, nothing to wait for
        page.screenshot(path=str(self.shots / f"{self.n_shot:02d}-{name}.png"))
        page.set_viewport_size(size)

    # ---- a phone ---------------------------------------------------------------------------
    def phone(self, browser, link: str | None = None, lang: str | None = None):
        lang = lang or self.lang
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale=room_words(lang)["locale"])
        page = ctx.new_page()
        self.lang_of[id(page)] = lang
        page.set_default_timeout(WAIT)
        page.goto(link or f"{self.url}/participate?code={self.code}")
        if link is None and lang != self.lang:
            # the page speaks the room's language whatever the browser's: this participant picks
            # theirs from the page's menu (the choice goes into the address, ?lang=)
            idle(page)
            page.get_by_label(self.w["language_menu"]).click()
            page.get_by_role("option", name=room_words(lang)["language_name"]).click()
            idle(page)
        if link is None:
            page.get_by_label(room_words(lang)["code"]).press("Enter")
            page.wait_for_url(re.compile(r"[?&]p="))
        idle(page)
        return page

    def words(self, page) -> dict:
        """The words of the language ``page`` was opened in (its browser's)."""
        return room_words(self.lang_of.get(id(page), self.lang))

    def pid(self, page) -> str:
        from deliberation.storage.sessions import participant_for_token

        return participant_for_token(parse_qs(urlsplit(page.url).query)["p"][0])

    def shown(self, page, draft: bool = False, coming: bool = False) -> str | None:
        """The id of the statement or draft the phone asks about, or None once all are voted on;
        ``coming``: one is sure to come (drafts just opened reach a caught-up phone on its timer)."""
        w = self.words(page)
        pattern = w["draft" if draft else "caption"]
        item = page.get_by_text(re.compile(pattern)).first
        done = page.get_by_text(w["all_done"]).first
        (item if coming else item.or_(done)).wait_for(timeout=WAIT)
        if not item.is_visible():
            return None
        return re.match(pattern, item.inner_text()).group(1)

    def press(self, page, sid: str, value: int, label: str, acked: bool = True) -> None:
        """Press ``value`` on item ``sid`` the phone shows; wait for its "Vote stored" (naming ``sid``)
        and record it as a press (``acked=False``: the press is expected to be refused)."""
        w = self.words(page)
        word = w["answers"][value]
        # the button's name, with an icon's name before it ("Pass / unsure"'s words after it); no "/"
        # in the pattern: Playwright's selector ends its regular expression there
        name = re.compile(r"(^|\s)" + re.escape(word) + r"(\s.*)?$")
        page.get_by_role("button", name=name).first.click()
        if not acked:
            idle(page)
            return
        stored = w["stored"].replace(SID, sid)
        ack = page.get_by_text(re.compile(stored)).first
        try:
            ack.wait_for(timeout=WAIT)
        except Exception:
            self.shot(page, f"no-ack-{label.replace(' ', '-')}-{sid}")
            raise
        said = next(g for g in re.search(stored, ack.inner_text()).groups() if g)
        assert w["said"][said] == value, (said, value)
        self.presses.append(Press(self.pid(page), sid, value, label))
        idle(page)

    def vote_all(self, pages, labels, values, draft: bool = False) -> None:
        """Each phone votes on what it shows until it has voted on everything (side by side)."""
        todo = list(range(len(pages)))
        while todo:
            shown = {k: self.shown(pages[k], draft) for k in todo}
            todo = [k for k in todo if shown[k] is not None]
            for k in todo:
                self.press(pages[k], shown[k], values(k, shown[k]), labels[k])

    # ---- the moderator ---------------------------------------------------------------------
    def create(self, browser):
        w = self.w
        mod = browser.new_context(viewport={"width": 1280, "height": 900}, locale=w["locale"]).new_page()
        mod.set_default_timeout(WAIT)
        mod.goto(f"{self.url}/moderator")
        idle(mod)
        mod.get_by_role("tab", name=w["create_tab"]).click()
        mod.get_by_label(w["question_label"]).fill(w["question"])
        mod.get_by_label(w["secret_label"]).fill("roomhand-secret-42")
        mod.get_by_role("button", name=w["create"]).click()
        mod.get_by_text(re.compile(r"\*?\*?[A-Z0-9]{6}")).first.wait_for()
        idle(mod)
        self.shot(mod, "console-created")
        m = re.search(r"/moderator\?.*", mod.url)
        from deliberation.config import Settings
        from deliberation.storage import Store

        self.store = Store(Settings(data_dir=self.data))
        c = max(self.store.list_consultations(), key=lambda x: x.id)
        self.cid, self.code = c.id, c.code
        print(f"room {self.cid}: code {self.code}, console {m and m.group(0)}", flush=True)
        return mod

    def waiting(self) -> str | None:
        """What the graph waits for ("review", "voting") as its checkpoint says, or None."""
        from deliberation.config import Settings
        from graphs import runner

        return (runner.status(Settings(data_dir=self.data), self.cid).waiting or {}).get("type")

    def tab(self, page, name: str) -> None:
        page.get_by_role("tab", name=name, exact=True).click()
        idle(page)


def camp(k: int, sid: str) -> int:
    """Two camps: even phones agree with odd statements and disagree with even ones, odd phones the
    other way round; phone 5 passes on every third."""
    if k == 5 and int(sid) % 3 == 0:
        return 0
    return 1 if (int(sid) + k) % 2 else -1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="fr", choices=sorted(ROOMS))
    ap.add_argument("--mix", default=None, choices=sorted(ROOMS),
                    help="phones 3-5 in this language (their browser's), writing the English statements")
    ap.add_argument("--out", type=Path, default=Path("/tmp/room-hand"))
    ap.add_argument("--big", type=Path, default=None,
                    help="instead: import this Polis folder by the CLI (e.g. ../shared/corpora/"
                         "march-on.operation-marchin-orders), run it with --approve-all, and time and photograph "
                         "the console, the board, the projector, the report and a phone")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.big:
        return big_room(args.out, args.big)
    room = Room(args.out, args.lang, args.mix)
    room.start()
    print(f"app at {room.url}, data {room.data}", flush=True)
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw, idle_hook=True)
            try:
                run(room, browser)
            finally:
                browser.close()
    finally:
        room.stop()
    check = check_votes(room.store, room.cid, room.presses)
    print("vote-check:", check.summary(), flush=True)
    for what, s in room.timings:
        print(f"  {what}: {s:.1f} s")
    return 0 if check.ok else 1


def big_room(out: Path, folder: Path) -> int:
    from playwright.sync_api import sync_playwright

    room = Room(out, "fr")
    said = room.cli("import-polis", str(folder))
    code = re.search(r"join code (\w+)", said).group(1)
    secret = re.search(r"keep it\): (\S+)", said).group(1)
    cid = re.search(r"consultation (\d+)", said).group(1)
    room.cli("run", cid, "--approve-all")
    room.start()

    def timed(what: str, page, address: str | None = None) -> None:
        t0 = time.time()
        if address:
            page.goto(address)
        idle(page, WAIT)
        room.timings.append((what, time.time() - t0))
        room.shot(page, what.replace(" ", "-"))

    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw, idle_hook=True)
            try:
                mod = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
                mod.set_default_timeout(WAIT)
                mod.goto(f"{room.url}/moderator?code={code}")
                idle(mod)
                mod.get_by_label("Moderator secret", exact=True).fill(secret)
                mod.get_by_test_id("stForm").get_by_role("button", name="Open", exact=True).click()
                timed("console sign-in", mod)
                for tab in ("Import", "Moderation queue", "Facilitation", "Voting"):
                    mod.get_by_role("tab", name=tab).click()
                    timed(f"console {tab}", mod)
                board = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US").new_page()
                board.set_default_timeout(WAIT)
                timed("board", board, f"{room.url}/board?code={code}")
                timed("projector", board, f"{room.url}/board?code={code}&view=projector")
                rep = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US").new_page()
                rep.set_default_timeout(WAIT)
                timed("report", rep, f"{room.url}/report?code={code}")
                phone = room.phone(browser, f"{room.url}/participate?code={code}")
                phone.get_by_label("Consultation code").press("Enter")
                timed("phone join", phone)
            finally:
                browser.close()
    finally:
        room.stop()
    for what, s in room.timings:
        print(f"  {what}: {s:.1f} s")
    return 0


def run(room: Room, browser) -> None:
    w = room.w
    mod = room.create(browser)
    phones = [room.phone(browser, lang=room.mix if room.mix and k >= 3 else None) for k in range(6)]
    labels = [f"phone {k}" for k in range(6)]
    room.shot(phones[0], "phone-joined")
    # statements in two languages
    for k, text in enumerate(w["own"] + ENGLISH):
        p = phones[k]
        pw = room.words(p)
        room.tab(p, pw["add_tab"])
        p.get_by_label(pw["label"]).fill(text)
        p.get_by_label(pw["label"]).press("Control+Enter")
        idle(p)
        p.get_by_role("button", name=pw["submit"]).click()
        p.get_by_text(re.compile(pw["added"])).first.wait_for()
        idle(p)
        if k in (0, 3):
            room.shot(p, f"phone{k}-added")
        room.tab(p, pw["vote_tab"])
    # the CLI on the same folder while the app serves: an import (a room of its own) and an analysis
    extra, question = write_side_file(room.out, room.lang)
    room.cli("import-statements", str(extra), "--question", question)
    room.vote_all(phones, labels, camp)
    room.shot(phones[1], "phone-all-voted")
    room.cli("analyze", str(room.cid))
    # a second device for phone 0: its personal link
    second = room.phone(browser, phones[0].url)
    room.tab(second, w["mine_tab"])
    room.shot(second, "second-device-my-votes")
    room.tab(second, w["vote_tab"])
    # the graph, the review
    room.tab(mod, w["facilitation"])
    t0 = time.time()
    mod.get_by_role("button", name=w["run"]).click()
    mod.get_by_text(w["review_wait"]).first.wait_for(timeout=WAIT)
    idle(mod)
    room.timings.append(("console run to review", time.time() - t0))
    room.shot(mod, "console-review")
    groups = mod.get_by_role("radiogroup")
    n = groups.count()
    print(f"{n} drafts to review", flush=True)
    decisions = [w["approve"]] * n
    if n >= 3:
        decisions[1], decisions[2] = w["edit"], w["reject"]
    for i, d in enumerate(decisions):
        groups.nth(i).get_by_text(d, exact=True).click()
        idle(mod)
        if d == w["edit"]:
            box = mod.get_by_role("textbox", name=w["edited"]).first
            box.fill(box.input_value().rstrip(". ") + ".")
            box.press("Control+Enter")
            idle(mod)
    mod.reload()  # the clicked decisions stay
    idle(mod)
    room.tab(mod, w["facilitation"])
    room.shot(mod, "console-review-after-reload")
    mod.get_by_role("button", name=w["submit_review"]).click()
    mod.get_by_text(re.compile(w["recorded"])).first.wait_for(timeout=WAIT)
    idle(mod)
    room.shot(mod, "console-published")
    room.tab(mod, w["voting_tab"])
    mod.get_by_role("button", name=w["open"]).click()
    mod.get_by_text(w["is_open"]).first.wait_for()
    idle(mod)
    room.shot(mod, "console-voting-open")
    # phones vote on the first draft each, without a reload
    first = {k: room.shown(phones[k], draft=True, coming=True) for k in range(6)}
    room.shot(phones[2], "phone2-draft")
    room.shot(phones[4], "phone4-draft")
    for k in range(3):
        room.press(phones[k], first[k], 1, labels[k])
    # a restart mid-vote: phones 0-4 reload, phone 5 presses on its page left open
    port = int(room.url.rsplit(":", 1)[1])
    room.stop()
    room.start(port)
    room.press(phones[5], first[5], -1, labels[5])
    for p in phones[:5]:
        p.reload()
    idle_all(phones[:5])
    room.vote_all(phones[:5], labels, lambda k, sid: 1 if k % 2 == 0 else -1, draft=True)
    second.reload()
    idle(second)
    room.shot(second, "second-device-after-votes")
    # the CLI closes the vote while the app serves; phone 5 presses late on the draft it still shows
    late = room.shown(phones[5], draft=True)
    out = room.cli("resume", str(room.cid), "--close-voting")
    room.cli("status", str(room.cid))
    if room.waiting() == "review":  # a group rejected its drafts: the redrafts wait for a review
        room.cli("review", str(room.cid), "--approve-all")
        out = room.cli("resume", str(room.cid), "--close-voting")
    if late is not None:
        room.press(phones[5], late, 1, labels[5], acked=False)
        phones[5].get_by_text(re.compile(room.words(phones[5])["closed"])).first.wait_for()
        room.shot(phones[5], "phone-late-press")
    for p in phones:
        p.reload()
    idle_all(phones)
    room.shot(phones[0], "phone0-after-close")
    room.shot(phones[3], "phone3-after-close")
    mod.reload()
    idle(mod)
    room.tab(mod, w["voting_tab"])
    room.shot(mod, "console-after-close")
    board = browser.new_context(viewport={"width": 1920, "height": 1080}, locale=w["locale"]).new_page()
    board.set_default_timeout(WAIT)
    board.goto(f"{room.url}/board?code={room.code}")
    idle(board)
    room.shot(board, "board")
    board.goto(f"{room.url}/board?code={room.code}&view=projector")
    idle(board)
    room.shot(board, "projector")
    rep = browser.new_context(viewport={"width": 1280, "height": 1000}, locale=w["locale"]).new_page()
    rep.set_default_timeout(WAIT)
    t0 = time.time()
    rep.goto(f"{room.url}/report?code={room.code}")
    idle(rep)
    room.timings.append(("report page", time.time() - t0))
    room.shot(rep, "report")
    print("close said:", out[-300:], flush=True)


if __name__ == "__main__":
    sys.exit(main())
