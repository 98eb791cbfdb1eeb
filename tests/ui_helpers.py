"""Helpers for the UI tests: a data directory with the sample consultation imported once per test
session (copied for each test that changes it), AppTest set-up, and for the browser tests a real
``streamlit run`` server on 127.0.0.1 and Debian's chromium."""

from __future__ import annotations

import atexit
import importlib.util
import inspect
import os
import shutil
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from deliberation.processes import http_ok, start_listening, stop_process

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "ui" / "app.py"
SAMPLE = REPO / "corpora" / "harbour-road"
SECRET = "test-moderator-secret-1"

#: The bowling-green room of test_live_room and screenshots.py: its question, its statements (test_live_room
#: seeds the first six and adds the last two during the session) and two camps' votes on them (1 agree, -1 disagree).
ROOM_QUESTION = "What should happen to the old bowling green on Mill Lane?"
ROOM_STATEMENTS = [
    "The bowling green should become a fenced off-lead dog area.",
    "A dog park would be noisy for the houses on Mill Lane.",
    "Keep the green as open grass for picnics and games.",
    "The council should ask the neighbours before changing anything.",
    "Benches and shade trees would make the green usable for older people.",
    "Parking on Mill Lane is already a problem and must not get worse.",
    "The green needs better lighting at night.",
    "Children need a small playground there.",
]
ROOM_CAMPS = {"a": [1, -1, -1, 1, 1, 1, 1, -1], "b": [-1, 1, 1, 1, 1, 1, 1, 1]}

PAGES = {"home": "views/home.py", "participant": "views/participant.py", "moderator": "views/moderator.py", "board": "views/board.py",
         "report": "views/report.py"}


@dataclass
class Sample:
    data_dir: Path
    cid: int
    code: str
    secret: str


#: :func:`import_sample`'s ``every`` for the tests that run the graph on the sample several times
#: and need its groups, drafts and review, not its size: every third statement (70 of 210, the
#: problem statements among them) with the votes on them; the graph runs to a review of 15 drafts.
SAMPLE_SLICE = 3


def import_sample(data_dir: Path, every: int = 1) -> Sample:
    """Import the sample corpus (moderation + embeddings) into ``data_dir`` with a known secret;
    ``every``: only every ``every``-th statement (in file order) and the votes on those, a real slice."""
    from deliberation.config import Settings
    from deliberation.importers.polis import read_polis_export
    from deliberation.services import import_bundle

    settings = Settings(data_dir=data_dir).ensure()
    bundle = read_polis_export(SAMPLE)
    bundle.source = str(SAMPLE.resolve())
    if every > 1:
        keep = {s.external_id for s in bundle.statements[::every]}
        bundle.statements = [s for s in bundle.statements if s.external_id in keep]
        bundle.votes = bundle.votes[bundle.votes["statement"].isin(keep)].reset_index(drop=True)
    rep = import_bundle(settings, bundle, secret=SECRET)
    return Sample(data_dir, rep.consultation_id, rep.code, SECRET)


def copy_sample(sample: Sample, target: Path) -> Sample:
    """A private copy of an imported data directory (SQLite + Chroma), cheaper than importing again."""
    shutil.copytree(sample.data_dir, target)
    return Sample(target, sample.cid, sample.code, sample.secret)


def app(page: str = "participant", timeout: float = 120):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if page != "home":
        at.run()  # st.navigation registers the pages (custom url paths) on the first run
        at.switch_page(PAGES[page])
    return at


def joined_room(data_dir: Path, monkeypatch, question: str, lang: str):
    """A consultation of ``question`` whose room speaks ``lang`` in ``data_dir`` (the app's folder for
    this test), and an AppTest participant page that joined it by its code; returns (page, consultation)."""
    from deliberation.config import Settings
    from deliberation.storage import Store
    from deliberation.words import ROOM_LANGUAGE_SETTING

    settings = Settings(data_dir=data_dir).ensure()
    store = Store(settings)
    c, _ = store.create_consultation(question)
    store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: lang})
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    at = app("participant")
    at.run()
    at.text_input(key="join-code").input(c.code)
    at.button(key="join-button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at, c


def texts(at) -> str:
    """Everything a page wrote as text (markdown, captions, alerts, titles, metrics), one string."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "warning", "info",
                 "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(parts)


def unescape(md: str) -> str:
    """Undo ui.common.esc (backslash before punctuation, word joiners that break autolinks) to
    compare with stored text."""
    md = md.replace("\u2060", "")
    out, i = [], 0
    while i < len(md):
        if md[i] == "\\" and i + 1 < len(md):
            out.append(md[i + 1])
            i += 2
        else:
            out.append(md[i])
            i += 1
    return "".join(out)


# ---- real server and browser ------------------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")
LONG_MS = 240_000  # ms: import with embeddings, a graph run, on a loaded machine
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
#: True once Streamlit is not running the script (the status widget does not say "Running..." or
#: show "Stop") and no element on the page is stale (left over from the previous run).
RUNNING_JS = ("() => (!document.querySelector('[data-testid=\"stStatusWidget\"]')"
              " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.match(/Running|Stop/))"
              " && !document.querySelector('[data-stale=\"true\"]')")
#: ms: :func:`idle` on a page without :data:`IDLE_HOOK_JS`: how long it gives an action to start its
#: run before :data:`RUNNING_JS` is asked, and the page to draw after
SETTLE_BEFORE_MS, SETTLE_AFTER_MS = 300, 200

#: ms: how long after the user's last input (a click, a key) :data:`IDLE_JS` waits for the page to ask for the
#: run it causes before it takes the input for one that asks for none (a click on plain text, a letter
#: typed). Counted by the page's own timer, which fires after every shorter timer the input's handlers
#: set (Streamlit sends a widget's request from a ``setTimeout(0)``), and then only once the page's event
#: loop went idle: a loaded machine slows both alike. An idle after such an input waits this long.
INPUT_GRACE_MS = 500

#: Added to each page of :func:`launch_chromium`'s contexts (``idle_hook``) before the app's scripts: it
#: watches the page's Streamlit websocket and keeps in ``window.__stIdle`` (one counter ``seq`` orders
#: the events) when the page last asked for a run (a BackMsg ``rerun_script``: a click, a key, a page
#: load; not a fragment's timer, ``is_auto_rerun``, which the server drops without a word once the
#: fragment is gone: test_live_room's console waited for an answer that never came), when the server
#: last said whether a script runs (a ForwardMsg ``session_status_changed``; the server sends it after
#: the run's ``script_finished``) and what it said, and whether the last run ended early for another
#: (``FINISHED_EARLY_FOR_RERUN``: a rerun, a page switch, a press during the run; another run follows).
#: A timer's run still counts while it runs: the server says so, and the page shows it. It reads the
#: protobuf wire format's top-level fields (numbers of streamlit/proto: BackMsg.rerun_script 11,
#: ClientState.is_auto_rerun 6, ForwardMsg.script_finished 6 and session_status_changed 9,
#: SessionStatus.script_is_running 2).
#: It also keeps when the user last gave the page input (``input``: a trusted click, key, text input or
#: change, seen in the capture phase before the app's own handlers) and, :data:`INPUT_GRACE_MS` later
#: once the page's event loop went idle, that this input's grace is over (``quiet``). Streamlit
#: (1.67's WidgetStateManager.scheduleFlush) sends the rerun request a widget's change asks for from a
#: ``setTimeout(0)``, a task after the click's: :data:`IDLE_JS` looked before it, still saw the
#: previous run as ended and returned (CI counted 14 rerun requests for 15 review clicks).
IDLE_HOOK_JS = """
(() => {
  if (window.top !== window || window.__stIdle) return;
  const s = window.__stIdle = {seq: 0, asked: 0, told: 0, running: false, early: false, sockets: 0, settled: -1, settling: -1,
                               input: 0, quiet: 0};
  const touched = e => {  // the user's input: the request it asks for (if any) follows within the grace
    if (!e.isTrusted) return;
    const mine = s.input = ++s.seq;
    setTimeout(() => requestIdleCallback(() => { s.quiet = Math.max(s.quiet, mine); }, {timeout: 1000}), GRACE_MS);
  };
  for (const type of ['click', 'keydown', 'input', 'change']) window.addEventListener(type, touched, true);
  const varint = (b, i) => { let v = 0, m = 1, c; do { c = b[i++]; v += (c & 127) * m; m *= 128; } while (c & 128); return [v, i]; };
  const field = (b, want) => {  // top-level field `want`: a varint's value, a length-delimited field's bytes, or undefined
    let i = 0;
    while (i < b.length) {
      let key, v; [key, i] = varint(b, i);
      const f = Math.floor(key / 8), w = key & 7;
      if (w === 0) { [v, i] = varint(b, i); if (f === want) return v; }
      else if (w === 2) { [v, i] = varint(b, i); if (f === want) return b.subarray(i, i + v); i += v; }
      else if (w === 1) i += 8;
      else if (w === 5) i += 4;
      else return undefined;
    }
    return undefined;
  };
  const bytes = d => d instanceof ArrayBuffer ? new Uint8Array(d)
    : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : null;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      s.sockets += 1;
      this.addEventListener('message', e => {  // before the app's own listener
        const b = bytes(e.data);
        if (!b) return;
        const finished = field(b, 6), status = field(b, 9);
        if (finished !== undefined) s.early = finished === 2;
        if (status !== undefined) { s.told = ++s.seq; s.running = field(status, 2) === 1; }
      });
    }
    send(data) {
      const b = bytes(data), run = b && field(b, 11);
      if (run && field(run, 6) !== 1) s.asked = ++s.seq;  // not a fragment's timer (is_auto_rerun)
      return super.send(data);
    }
  };
})();
""".replace("GRACE_MS", str(INPUT_GRACE_MS))
#: True once the run the page last asked for has ended (its websocket may not be open yet: it waits for the
#: page's first request; a websocket the test routes, :func:`watch_app_messages`, is seen too): the page asked
#: for a run after the user's last input, or that input's grace is over (an input that asks for none: a
#: click on plain text, a letter typed), the server said "not running" after the
#: page's last request, the last run did not end early for another, and then the page's event loop
#: went idle (requestIdleCallback: the app has drawn what it was sent) with the page showing the end
#: of a run (stApp's data-test-script-state, which the app's React state draws) and :data:`RUNNING_JS`.
IDLE_JS = ("() => { const s = window.__stIdle;"
           " if (s.input > s.asked && s.quiet < s.input) return false;"
           " if (!(s.asked > 0 && s.told > s.asked && !s.running && !s.early)) return false;"
           " if (s.settled !== s.told) {"
           "   if (s.settling !== s.told) { const t = s.settling = s.told;"
           "     requestIdleCallback(() => { s.settled = t; }, {timeout: 1000}); }"
           "   return false; }"
           " const app = document.querySelector('[data-testid=\"stApp\"]');"
           " return !!app && app.getAttribute('data-test-script-state') === 'notRunning'"
           f" && ({RUNNING_JS})(); }}")


#: s: how often :func:`start_server` asks a starting server's /_stcore/health (one local GET: cheap, and each
#: start, restart included, is ready that much sooner)
HEALTH_POLL_S = 0.1


def browser_skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return "Debian's chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install playwright; never `playwright install`)"
    return None


# ---- the servers the tests start: none outlives its test ------------------------------------
# Every app server (start_server) and launcher (start_launcher) a test starts is recorded here until
# it is stopped. tests/conftest.py stops, after each test (failed, errored or interrupted too), those
# its test started and left running, and at the session's end any left; this process's exit stops
# them (atexit), and its death (SIGKILL, a CI timeout) too: each gets SIGTERM when the thread that
# started it ends (Linux's parent-death signal, set by setpriv), and one thread that lives as long as
# this process starts them all.
_STARTED: dict[int, "callable"] = {}
_STARTED_LOCK = threading.Lock()
#: util-linux's setpriv, which sets the parent-death signal of the command it executes (None: not here)
SETPRIV = shutil.which("setpriv") if sys.platform.startswith("linux") else None
#: s: how long a stopped server or launcher has to end before it is killed
STOP_S = 20
_spawner: ThreadPoolExecutor | None = None


def _spawn(cmd: list[str], **kwargs) -> subprocess.Popen:
    """``subprocess.Popen(cmd, **kwargs)`` from the thread that lives as long as this process, the
    command dying with it."""
    global _spawner
    with _STARTED_LOCK:
        if _spawner is None:
            _spawner = ThreadPoolExecutor(1, thread_name_prefix="test-server-spawner")
    if SETPRIV:
        cmd = [SETPRIV, "--pdeathsig", "TERM", "--", *cmd]
    return _spawner.submit(subprocess.Popen, cmd, **kwargs).result()


def _track(proc: subprocess.Popen, stop) -> None:
    with _STARTED_LOCK:
        _STARTED[proc.pid] = stop


def _untrack(proc: subprocess.Popen) -> None:
    with _STARTED_LOCK:
        _STARTED.pop(proc.pid, None)


def started() -> set[int]:
    """The process ids of the servers and launchers started and not stopped yet."""
    with _STARTED_LOCK:
        return set(_STARTED)


def stop_started(keep: set[int] = frozenset()) -> list[int]:
    """Stop every server and launcher still running but those in ``keep``; returns their ids."""
    with _STARTED_LOCK:
        left = {pid: stop for pid, stop in _STARTED.items() if pid not in keep}
    for stop in left.values():
        with suppress(Exception):  # each one stopped, whatever another did
            stop()
    return sorted(left)


atexit.register(stop_started)


@dataclass
class Server:
    url: str
    data_dir: Path
    proc: subprocess.Popen
    log_path: Path
    #: the data directory's Chroma server (``start_server(vector_server=True)``), or None
    chroma: object | None = None

    def stop(self) -> None:
        try:
            stop_process(self.proc, timeout=STOP_S)
        finally:
            _untrack(self.proc)
            if self.chroma is not None:
                self.chroma.stop()
                self.chroma = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def start_server(data_dir: Path, log_dir: Path, *, board_refresh: float = 2, env: dict | None = None,
                 timeout: float = 120, port: int | None = None, vector_server: bool = False) -> Server:
    """``streamlit run ui/app.py`` (the launcher's exact command line) on a free port of 127.0.0.1
    (or ``port``, e.g. to restart a server on the same address), serving ``data_dir``; returns once
    /_stcore/health answers. Stop it with ``Server.stop()``.

    ``vector_server``: first start the data directory's Chroma server as ``make run`` does
    (deliberation/storage/chroma_server.py), so that the CLI and the test process may use the
    data directory while the app runs; without it the app opens Chroma embedded and holds its lock."""
    from ui.launch import streamlit_args

    chroma = None
    if vector_server:
        from deliberation.config import Settings
        from deliberation.storage import chroma_server

        chroma = chroma_server.start(Settings(data_dir=Path(data_dir)))
    full_env = {**os.environ, "DELIBERATION_DATA": str(data_dir), "DELIBERATION_BOARD_REFRESH": str(board_refresh),
                "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **(env or {})}
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "streamlit.log"

    tries: list[subprocess.Popen] = []

    def spawn(port: int) -> subprocess.Popen:
        with open(log_path, "a") as log:  # the child keeps its own descriptor
            proc = _spawn(streamlit_args(port), cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        _track(proc, lambda: stop_process(proc, STOP_S))  # stopped after the test, whichever try it is
        tries.append(proc)
        return proc

    # a port free_port picked, taken by another process before Streamlit's bind: picked again
    proc, port, answered = start_listening(spawn, lambda p: http_ok(f"http://127.0.0.1:{p}/_stcore/health", timeout=2),
                                           log_path, timeout, port=port, poll_s=HEALTH_POLL_S)
    for ended in tries:  # the tries before it ended on their own
        _untrack(ended)
    server = Server(f"http://127.0.0.1:{port}", data_dir, proc, log_path, chroma)
    _track(proc, server.stop)
    if answered:
        return server
    exited = proc.poll() is not None
    server.stop()
    if exited:
        raise RuntimeError(f"streamlit exited with {proc.returncode}: {server.log()[-2000:]}")
    raise RuntimeError(f"streamlit did not start within {timeout:g} s: {server.log()[-2000:]}")


def start_launcher(data_dir: Path, log_path: Path, *args: str, env: dict | None = None,
                   new_session: bool = False) -> subprocess.Popen:
    """``python -m ui.launch *args`` (``make run``) on ``data_dir``, its output in ``log_path``; the
    caller waits for what it needs. ``new_session``: in a process group of its own (a terminal's
    foreground job: the test's Ctrl-C is ``os.killpg(proc.pid, SIGINT)``). Stopped after the test
    if it is still running (SIGTERM, to its group; killed when it has not ended after STOP_S)."""
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO),
                **(env or {}), "DELIBERATION_DATA": str(data_dir)}
    with open(log_path, "a") as log:
        proc = _spawn([sys.executable, "-m", "ui.launch", *args], cwd=REPO, env=full_env, stdout=log,
                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=new_session)

    def stop() -> None:
        try:
            if proc.poll() is None:
                with suppress(ProcessLookupError):
                    (os.killpg if new_session else os.kill)(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=STOP_S)
                except subprocess.TimeoutExpired:
                    with suppress(ProcessLookupError):
                        (os.killpg if new_session else os.kill)(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=STOP_S)
        finally:
            _untrack(proc)

    _track(proc, stop)
    return proc


def launch_chromium(pw, idle_hook: bool = False):
    """Debian's chromium through a (sync or async) Playwright instance. ``idle_hook``: each page of
    each context it makes carries :data:`IDLE_HOOK_JS`, and :func:`idle` on them waits for the end of
    the run rather than fixed settling times (the tests that pass it ran three times with it, once on
    a busy machine; the others keep the fixed times until they have)."""
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    if not idle_hook:
        return browser
    if inspect.isawaitable(browser):
        async def launched():
            return _hook_contexts(await browser)
        return launched()
    return _hook_contexts(browser)


def _hook_contexts(browser):
    """``browser`` whose new_context adds :data:`IDLE_HOOK_JS` to each context it makes (sync or async
    Playwright). A page of ``browser.new_page()`` (a context of its own, made inside Playwright) has no
    hook: :func:`idle` keeps the fixed settling times there."""
    make_context = browser.new_context
    if inspect.iscoroutinefunction(make_context):
        async def new_context(*args, **kwargs):
            ctx = await make_context(*args, **kwargs)
            await ctx.add_init_script(script=IDLE_HOOK_JS)
            ctx.idle_hook = True
            return ctx
    else:
        def new_context(*args, **kwargs):
            ctx = make_context(*args, **kwargs)
            ctx.add_init_script(script=IDLE_HOOK_JS)
            ctx.idle_hook = True
            return ctx
    browser.new_context = new_context
    return browser


#: The browser's language in the tests (``navigator.language``): English whatever the machine's
#: locale, as the pages follow it where no room's language applies (ui.i18n.browser_language).
BROWSER_LOCALE = "en-US"


def new_page(browser, width: int, height: int, timeout: float = 60_000, locale: str = BROWSER_LOCALE):
    """A page in a fresh context of ``browser`` with that viewport and browser language (``locale``),
    each step waiting at most ``timeout`` ms."""
    page = browser.new_context(viewport={"width": width, "height": height}, locale=locale).new_page()
    page.set_default_timeout(timeout)
    return page


@contextmanager
def chromium_page(width: int, height: int, timeout: float = 60_000, locale: str = BROWSER_LOCALE,
                  idle_hook: bool = False):
    """Debian's chromium (sync Playwright, :func:`launch_chromium`'s ``idle_hook``) with one
    :func:`new_page`; yields ``(browser, page)``, closes on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook)
        try:
            yield browser, new_page(browser, width, height, timeout, locale)
        finally:
            browser.close()


def idle(page, timeout: float = 240_000) -> None:
    """Wait until Streamlit has finished running the script (sync Playwright page)."""
    idle_all([page], timeout)


def _hooked(page) -> bool:
    """Whether ``page`` carries :data:`IDLE_HOOK_JS` (its context was made by a browser of
    ``launch_chromium(pw, idle_hook=True)``); asked of Playwright, not of the page, which may be between
    two documents."""
    return getattr(page.context, "idle_hook", False)


def idle_all(pages, timeout: float = 240_000) -> None:
    """:func:`idle` for several pages (sync Playwright) at once. A page with :data:`IDLE_HOOK_JS`
    waits for :data:`IDLE_JS` (the run its last action asked for has ended on the server and on the
    page); one without waits the fixed settling times before and after :data:`RUNNING_JS`, spent once
    for all of them."""
    hooked = [page for page in pages if _hooked(page)]
    others = [page for page in pages if page not in hooked]
    for page in hooked:
        page.wait_for_function(IDLE_JS, timeout=timeout)
    if others:
        others[0].wait_for_timeout(SETTLE_BEFORE_MS)
        for page in others:
            page.wait_for_function(RUNNING_JS, timeout=timeout)
        others[0].wait_for_timeout(SETTLE_AFTER_MS)


async def aidle(page, timeout: float = 240_000) -> None:
    """:func:`idle` for an async Playwright page."""
    if _hooked(page):
        await page.wait_for_function(IDLE_JS, timeout=timeout)
        return
    await page.wait_for_timeout(SETTLE_BEFORE_MS)
    await page.wait_for_function(RUNNING_JS, timeout=timeout)
    await page.wait_for_timeout(SETTLE_AFTER_MS)


def watch_app_messages(page, down=None, up=None) -> None:
    """Route ``page``'s Streamlit websocket through this process: ``down(ForwardMsg)`` sees each
    message of the server before the page gets it (it may sleep to hold it and every later one),
    ``up(BackMsg)`` each message of the page before the server gets it."""
    import re

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    def route(ws) -> None:
        server = ws.connect_to_server()

        def relay(kind, callback, send):
            def on(message) -> None:
                if callback and isinstance(message, bytes):
                    msg = kind()
                    msg.ParseFromString(message)
                    callback(msg)
                send(message)
            return on

        server.on_message(relay(ForwardMsg, down, ws.send))
        ws.on_message(relay(BackMsg, up, server.send))

    page.route_web_socket(re.compile(r"/_stcore/stream$"), route)


def sign_in(page, url: str, code: str, secret: str) -> None:
    """Open the moderator console of consultation ``code`` on ``page`` and sign in with ``secret``."""
    page.goto(f"{url}/moderator?code={code}")
    page.get_by_label("Moderator secret", exact=True).fill(secret)
    # the form's button: the sign-in page's language menu has an "Open" button of its own (ac956f0)
    page.get_by_test_id("stForm").get_by_role("button", name="Open", exact=True).click()


def browser_bench_blocked(*needed: Path) -> str | None:
    """Why a browser benchmark cannot run here (a data folder it needs is missing, or no browser),
    or None."""
    for path in needed:
        if not path.exists():
            return f"{path} is missing (the shared Polis corpora beside the repository)"
    return browser_skip_reason()


@contextmanager
def server_starting(data_dir: Path, log_dir: Path, **kwargs):
    """:func:`start_server` in a thread of its own while the test prepares the data folder (a graph
    run, an import): Streamlit's start-up overlaps it. Yields a function that returns the
    :class:`Server` once it answers (raising what the start raised); stops the server on exit.
    Not with ``vector_server``: the Chroma server dies with the thread that started it (PR_SET_PDEATHSIG)."""
    from concurrent.futures import ThreadPoolExecutor

    if kwargs.get("vector_server"):
        raise ValueError("server_starting: start the data folder's Chroma server in the test's own thread")

    with ThreadPoolExecutor(1) as pool:
        starting = pool.submit(start_server, data_dir, log_dir, **kwargs)
        try:
            yield starting.result
        finally:
            if starting.exception() is None:
                starting.result().stop()


def console_sign_in(at, code: str, secret: str, open_label: str = "Open", tab: str | None = None):
    """The moderator console's sign-in on an AppTest page that has run once: the room's code and
    secret typed, its Open button clicked (``open_label`` in the console's language), then the
    ``tab`` of that name chosen if given. Returns the page."""
    at.text_input(key="mod-open-ref").input(code)
    at.text_input(key="mod-open-secret").input(secret)
    at.button[[b.label for b in at.button].index(open_label)].click().run()
    if tab is not None:
        at.session_state["mod-tab"] = tab
        at.run()
    return at
