"""The moderator console and the command line on one data folder, across a server restart, in a
real browser (Debian's chromium through Playwright) against ``streamlit run`` with the data
folder's Chroma server, as ``make run`` starts them:

1. the console's run goes to a process of its own (graphs/runner_process.py): the app server is
   killed and restarted in the middle of it (the run's process paused with SIGSTOP after its first
   step, so that the restart lands mid-run whatever the machine's speed); after the restart the
   console shows the run in progress with its log, then, without a click, the drafts for review,
   every step run once; a run whose process is killed shows as stopped, with Retry, in the console
   and in ``deliberation status``;
2. another process continues the run (this test process, its run held after its first step): the
   console shows it in progress with no Retry or Start over, a Retry pressed on a page drawn before
   shows it too and starts no second run, the CLI's ``resume`` is refused and its ``status`` names the run; when the
   run reaches the review, the console shows the review without a click, the same drafts as the CLI;
3. the CLI reviews the drafts while the console shows them: the console's "Approve all drafts",
   pressed afterwards, changes nothing and the page shows the vote open; a close whose process was
   killed before the count is shown as such, with the count to press; while another process
   closes the vote and counts, the Voting tab shows the count in progress (no "Count again"); a
   stale "Close voting and count" pressed afterwards shows the run finished."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from conftest import die_while_closing_voting, run_cli
from ui_helpers import copy_sample, idle, start_server

pytestmark = pytest.mark.slow

from room_steps import WAIT, expect, open_console  # noqa: E402 - skips without a browser
from playwright.sync_api import sync_playwright  # noqa: E402 - after room_steps, which skips without a browser
from ui_helpers import launch_chromium  # noqa: E402

from deliberation.storage.runs import who_am_i  # noqa: E402

#: how the app names this test process when it holds a run: "another process (pytest)", or "(-c)" in a
#: pytest-xdist worker (started as `python -c ...`)
THIS_PROCESS = re.escape(who_am_i())


def _held_run(run, gate: threading.Event, reached: threading.Event, result: list) -> threading.Thread:
    """``run(on_update)`` in a thread of this process (another process than the app's), paused after
    its first step until ``gate`` is set (``reached`` says it got there): a run in progress for as long
    as the test needs, whatever the machine's speed. Its status goes to ``result``."""
    def held(node, update):
        reached.set()
        gate.wait(WAIT / 1000)

    worker = threading.Thread(target=lambda: result.append(run(held)))
    worker.start()
    return worker


#: The steps the console's run is paused in, to be killed or restarted mid-run: several steps before the review.
EARLY_STEPS = {"intake", "analyse", "draft"}


def _pause_mid_run(settings, cid: int, steps: int = 0, detached: bool = True) -> int:
    """The pid of the console's run process, paused with SIGSTOP once it passed its first checkpoint
    (and ``steps`` completed steps) and before it reached the review; not ``detached``: a terminal's run."""
    from deliberation.storage import runs
    from graphs import runner, runner_process
    from graphs.facilitation import compile_graph

    graph = compile_graph(settings)

    def mid_run(rec) -> bool:  # in a step long before the review (the review's own step is over in a moment)
        now = runner.status(settings, cid, graph)
        return bool(now.values and set(now.next) & EARLY_STEPS and now.waiting is None
                    and len(runner_process.progress(settings, cid, rec.pid).steps) >= steps)

    deadline = time.monotonic() + WAIT / 1000
    while time.monotonic() < deadline:
        rec = runs.in_progress(settings, cid)
        if rec is not None and rec.detached == detached and mid_run(rec):
            os.kill(rec.pid, signal.SIGSTOP)
            if not mid_run(rec):
                os.kill(rec.pid, signal.SIGKILL)  # never left paused
                raise AssertionError("the run reached the review before it was paused")
            return rec.pid
        time.sleep(0.05)
    raise AssertionError("the console's run did not reach its first checkpoint")


def _said(res) -> str:
    return " ".join((res.stdout + res.stderr).split())


def _cli_meanwhile(pool: ThreadPoolExecutor, data, *args: str, check: bool = True) -> Future:
    """``run_cli(data, *args)`` in a thread of ``pool``, started while what it looks at holds still (a
    paused or held run, an ended one) and the browser checks the same moment; ``.result()`` is its answer."""
    return pool.submit(run_cli, data, *args, check=check)


@pytest.fixture(scope="module")
def chromium():
    """One chromium for the file's tests."""
    with sync_playwright() as pw:
        launched = launch_chromium(pw, idle_hook=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser(chromium):
    """:func:`chromium` for one test, whose pages (each in a context of its own) close after it."""
    yield chromium
    for context in chromium.contexts:
        context.close()


def test_console_and_cli_across_a_server_restart(imported_slice, browser, tmp_path):
    from deliberation.config import Settings
    from deliberation.storage import Store
    from graphs import runner

    sample = copy_sample(imported_slice, tmp_path / "data")
    data = sample.data_dir
    settings = Settings(data_dir=data)
    server = start_server(data, tmp_path / "log", vector_server=True)
    chroma, port = server.chroma, int(server.url.rsplit(":", 1)[1])
    try:
        with ThreadPoolExecutor(2) as pool:
            server = _scenario(browser, server, chroma, port, sample, settings, runner, Store(settings), pool)
    finally:
        server.stop()
        chroma.stop()


def _scenario(browser, server, chroma, port, sample, settings, runner, store, pool):
    from ui_helpers import start_server as restart

    from deliberation.storage import runs
    from graphs import runner_process

    data, cid = sample.data_dir, sample.cid
    mod = open_console(browser, server.url, sample.code, sample.secret)

    # --- 1. the app server is killed and restarted in the middle of the console's run ---------------
    mod.get_by_role("button", name="Run the facilitation graph").click()
    expect(mod.get_by_text("Running the facilitation graph").first).to_be_visible()
    pid = _pause_mid_run(settings, cid, steps=1)
    try:
        status = _cli_meanwhile(pool, data, "status", str(cid))  # the run holds still while the app restarts
        os.kill(server.proc.pid, signal.SIGKILL)  # a crash: the app's process ends at once
        server.chroma = None  # the app restarts, the data folder's Chroma server stays
        server.stop()
        server = restart(data, server.log_path.parent, port=port)
        mod.reload()
        idle(mod)
        mod.get_by_role("tab", name="Facilitation").click()
        expect(mod.get_by_text(re.compile(rf"^A run from the start, started from the moderator console, pid {pid}, "
                                          r"at .* is in progress \(next step: ")).first).to_be_visible()
        first = runner_process.progress(settings, cid, pid).steps[0]
        expect(mod.get_by_text(first[1][0]).first).to_be_visible()  # its log, read from the run's own
        assert f"Running now: a run from the start, started from the moderator console, pid {pid}" in _said(
            status.result())
    finally:
        os.kill(pid, signal.SIGCONT)
    # no click: the run goes on by itself, and the console shows its drafts when it reaches the review
    expect(mod.get_by_text("The graph waits for your review of the drafts below.")).to_be_visible(timeout=WAIT)
    idle(mod)
    now = runner.status(settings, cid)
    expect(mod.get_by_text(f"Review {len(now.waiting['drafts'])} drafts")).to_be_visible()
    last = runs.last_run(settings, cid)
    assert (last.pid, last.outcome) == (pid, "returned")
    # every step once: the checkpoint's log is the run process's, line for line
    assert [x for _, lines in runner_process.progress(settings, cid, pid).steps for x in lines] == now.values["log"]

    # a run whose process is killed: stopped, with Retry, as a run of a restarted server was
    mod.get_by_text("Start a new run", exact=True).click()
    idle(mod)
    mod.get_by_text("Discard the drafts waiting for review and start over").click()
    idle(mod)  # the tick's rerun enables the button: a press before it was lost under load
    start = mod.get_by_role("button", name="Start a new run with the current statements and votes")
    expect(start).to_be_enabled()
    start.click()
    expect(mod.get_by_text("Running the facilitation graph").first).to_be_visible()
    os.kill(_pause_mid_run(settings, cid), signal.SIGKILL)
    expect(mod.get_by_text("The last run stopped before it finished").first).to_be_visible(timeout=WAIT)
    # its launcher (the app) saw how it ended: said in words
    expect(mod.get_by_text(re.compile(r"ended with its process before it finished: it was killed by "
                                      r"SIGKILL")).first).to_be_visible()
    status = _cli_meanwhile(pool, data, "status", str(cid))  # the run ended: holds still until the resume below
    expect(mod.get_by_role("button", name="Retry the run")).to_be_visible()

    # --- 2. another process continues the run while the console is open ---------------------------
    stale = open_console(browser, server.url, sample.code, sample.secret)  # drawn now: offers Retry
    expect(stale.get_by_role("button", name="Retry the run")).to_be_visible()
    status = _said(status.result())
    assert "ended with its process before it finished" in status and "started from the moderator console" in status
    assert f"continue with: deliberation resume {cid}" in status
    gate, reached, result = threading.Event(), threading.Event(), []
    worker = _held_run(lambda cb: runner.resume(settings, cid, None, on_update=cb), gate, reached, result)
    try:
        assert reached.wait(WAIT / 1000)
        # a Retry pressed on the page drawn before: no second run; the page shows the one in progress
        stale.get_by_role("button", name="Retry the run").click()
        in_progress = re.compile(r"^Continuing the run from its last completed step, started from "
                                 rf"{THIS_PROCESS}, pid \d+, at .* is in progress \(next step: ")
        expect(stale.get_by_text(in_progress).first).to_be_visible()
        resume = _cli_meanwhile(pool, data, "resume", str(cid), check=False)  # while the run is held
        status = _cli_meanwhile(pool, data, "status", str(cid))
        mod.reload()
        idle(mod)
        mod.get_by_role("tab", name="Facilitation").click()
        expect(mod.get_by_text(in_progress).first).to_be_visible()
        for page in (mod, stale):
            expect(page.get_by_role("button", name="Retry the run")).to_have_count(0)
            expect(page.get_by_role("button", name="Start over")).to_have_count(0)
        res = resume.result()
        assert res.returncode == 2 and "is running right now" in _said(res), _said(res)
        assert "Running now: continuing the run from its last completed step" in _said(status.result())
    finally:
        gate.set()
        worker.join()
    assert result and result[0].waiting["type"] == "review"
    n = len(result[0].waiting["drafts"])
    # no click: the console's wait for the run redraws it at the review, with the drafts the CLI lists
    status = _cli_meanwhile(pool, data, "status", str(cid))  # the run waits for the review: holds still
    expect(mod.get_by_text("The graph waits for your review of the drafts below.")).to_be_visible(timeout=WAIT)
    idle(mod)
    expect(mod.get_by_text(f"Review {n} drafts")).to_be_visible()
    assert f"Waiting for the moderator's review of {n} drafts" in status.result().stdout

    # --- 3. the CLI answers what the console shows; the console's late answers change nothing ------
    assert "Voting is open on" in run_cli(data, "review", str(cid), "--approve-all").stdout
    published = [p["statement_id"] for p in runner.published_now(runner.status(settings, cid).values)]
    # pressed on the page drawn before the CLI's review: the rerun shows what is true (the drafts are
    # published, voting is open) and the press answers nothing (runner.resume would refuse an answer
    # to a question no longer asked, tests/test_restart_cli.py, for a press that beats the rerun's read)
    mod.get_by_role("button", name="Approve all drafts").click()
    expect(mod.get_by_text("Drafts are published. Open and close voting in the Voting tab.")).to_be_visible()
    expect(mod.get_by_text(re.compile("^Review recorded"))).to_have_count(0)
    assert store.voting_window(cid, published).state == "open"
    assert runner.status(settings, cid).waiting["type"] == "voting"
    mod.reload()
    idle(mod)
    mod.get_by_role("tab", name="Voting").click()
    idle(mod)
    expect(mod.get_by_text("Voting is open").first).to_be_visible()
    # the process closing the vote is killed before the count: the tab says so, and offers the count
    die_while_closing_voting(data, cid)
    stale.reload()
    idle(stale)
    stale.get_by_role("tab", name="Voting").click()
    expect(stale.get_by_text(re.compile(r"^Voting is closed, but counting did not finish: the process counting them "
                                        r"ended \(closing voting and counting")).first).to_be_visible()
    expect(stale.get_by_role("button", name="Count the votes")).to_be_visible()
    # the count after a close, in another process: the Voting tab shows it in progress (it said "Counting
    # did not finish ... Count again", then "Run the facilitation graph first", while it counted)
    gate, reached, result = threading.Event(), threading.Event(), []
    worker = _held_run(lambda cb: runner.resume(settings, cid, {"close": True}, on_update=cb), gate, reached, result)
    try:
        assert reached.wait(WAIT / 1000)
        status = _cli_meanwhile(pool, data, "status", str(cid))  # while the count is held
        stale.reload()
        idle(stale)
        stale.get_by_role("tab", name="Voting").click()
        expect(stale.get_by_text(re.compile(rf"^Closing voting and counting, started from {THIS_PROCESS}"
                                            r".* is in progress")).first).to_be_visible()
        expect(stale.get_by_text(re.compile("Counting did not finish|Run the facilitation graph first"))).to_have_count(0)
        expect(stale.get_by_role("button", name=re.compile("Count the votes|Close voting and count"))).to_have_count(0)
        assert "Running now: closing voting and counting" in _said(status.result())
    finally:
        gate.set()
        worker.join()
    assert result and result[0].finished
    expect(stale.get_by_text("Voting is closed and the report is written.")).to_be_visible(timeout=WAIT)
    mod.get_by_role("button", name="Close voting and count").click()  # drawn before the vote closed
    expect(mod.get_by_text("Voting is closed and the report is written.")).to_be_visible()
    expect(mod.get_by_text(re.compile("^Voting closed"))).to_have_count(0)
    assert runner.status(settings, cid).finished
    return server


#: A ``sitecustomize`` for the console's run processes (they alone start with the run lock's
#: descriptor in their environment): while the file FLAG exists, LangGraph cannot be imported there,
#: as in a broken install, and the run's process fails before its first step.
BREAK_WHILE_FLAGGED = """import os, sys
if os.environ.get('DELIBERATION_RUN_LOCK_FD') and os.path.exists({flag!r}):
    sys.modules['langgraph'] = None
"""


def test_the_console_stops_a_run_and_says_why_one_could_not_start(imported_slice, browser, tmp_path):
    """A run process that fails before its first step: the console shows its exit and its output,
    after a reload too (it said "killed", without the output). The console's Stop, with its
    confirmation, ends a run in a process of its own: the page and ``deliberation status`` say that
    the moderator stopped it and in which step, and Retry goes on from the last completed step. It
    stops a terminal's ``deliberation run`` too (there was no Stop for it)."""
    from ui_helpers import REPO

    from deliberation.config import Settings
    from deliberation.storage import runs
    from graphs import runner

    sample = copy_sample(imported_slice, tmp_path / "data")
    data, cid, settings = sample.data_dir, sample.cid, Settings(data_dir=sample.data_dir)
    flag, hook = tmp_path / "broken", tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(BREAK_WHILE_FLAGGED.format(flag=str(flag)), encoding="utf-8")
    flag.touch()
    server = start_server(data, tmp_path / "log", vector_server=True,
                          env={"PYTHONPATH": os.pathsep.join([str(hook), str(REPO)])})
    try:
        mod = open_console(browser, server.url, sample.code, sample.secret)
        # --- a run whose process fails on import: its exit and its output, then after a reload
        mod.get_by_role("button", name="Run the facilitation graph").click()
        for page in (mod, None):
            if page is None:
                mod.reload()
                idle(mod)
                mod.get_by_role("tab", name="Facilitation").click()
            exited = "ended with its process before it finished: it exited with status 1, in its first step"
            expect(mod.get_by_text(exited).first).to_be_visible(timeout=WAIT)
            expect(mod.get_by_text(re.compile(r"No module named 'langgraph\.types'")).first).to_be_visible()
            expect(mod.get_by_text(re.compile("killed"))).to_have_count(0)
        flag.unlink()
        _stop_from_the_console(mod, settings, cid, runs)
        # Retry goes on from the last completed step, to the review; every step once
        mod.get_by_role("button", name="Retry the run").click()
        expect(mod.get_by_text("The graph waits for your review of the drafts below.")).to_be_visible(
            timeout=WAIT)
        log = runner.status(settings, cid).values["log"]
        assert len([line for line in log if line.startswith("intake")]) == 1, log
        _stop_a_terminal_run_from_the_console(mod, settings, cid, runs)
    finally:
        server.stop()


def _stop_from_the_console(mod, settings, cid: int, runs) -> None:
    """Run, pause the run's process mid-run, press Stop, say No, press Stop again and confirm: the
    page and ``status`` say the moderator stopped it, in which step; its process group is gone."""
    mod.get_by_role("button", name="Run the facilitation graph").click()
    expect(mod.get_by_text("Running the facilitation graph").first).to_be_visible()
    pid = _pause_mid_run(settings, cid, steps=1)
    try:
        mod.get_by_role("button", name="Stop the run…").click()
        expect(mod.get_by_text(re.compile(r"^Stop this run now\?"))).to_be_visible()
        mod.get_by_role("button", name="No, let it go on").click()
        expect(mod.get_by_text(re.compile(r"^Stop this run now\?"))).to_have_count(0)
        assert runs.in_progress(settings, cid).pid == pid  # No changed nothing
        mod.get_by_role("button", name="Stop the run…").click()
        mod.get_by_role("button", name="Yes, stop the run").click()
        stopped = re.compile(rf"pid {pid}, at .*\) was stopped by the moderator at \d\d:\d\d:\d\d UTC while ")
        expect(mod.get_by_text(stopped).first).to_be_visible()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # never left paused, whatever the page showed
    expect(mod.get_by_role("button", name="Retry the run")).to_be_visible()
    last = runs.last_run(settings, cid)
    assert (last.pid, last.outcome, last.stopped_by) == (pid, "stopped", "the moderator") and last.stopped_in
    status = _said(run_cli(settings.data_dir, "status", str(cid)))
    assert "was stopped by the moderator" in status and f"while {last.stopped_in}" in status, status
    assert f"continue with: deliberation resume {cid}" in status


def _stop_a_terminal_run_from_the_console(mod, settings, cid: int, runs) -> None:
    """A terminal's ``deliberation run`` (paused mid-run) shows in progress with a Stop: confirmed, the
    run stops cleanly (its terminal says who stopped it), and the page says the moderator stopped
    it, in which step."""
    from conftest import CLI, CLI_ENV, REPO

    terminal = subprocess.Popen([*CLI, "--data-dir", str(settings.data_dir), "run", str(cid)], cwd=REPO,
                                env=CLI_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
    try:
        assert _pause_mid_run(settings, cid, detached=False) == terminal.pid
        mod.reload()
        idle(mod)
        mod.get_by_role("tab", name="Facilitation").click()
        expect(mod.get_by_text(re.compile("started from the command line")).first).to_be_visible(timeout=WAIT)
        mod.get_by_role("button", name="Stop the run…").click()
        expect(mod.get_by_text(re.compile(r"^Stop this run now\? It stops at once"))).to_be_visible()
        mod.get_by_role("button", name="Yes, stop the run").click()
        stopped = re.compile(rf"pid {terminal.pid}, at .*\) was stopped by the moderator at \d\d:\d\d:\d\d UTC "
                             "while ")
        expect(mod.get_by_text(stopped).first).to_be_visible(timeout=WAIT)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(terminal.pid, signal.SIGCONT)  # never left paused, whatever the page showed
    said, _ = terminal.communicate(timeout=WAIT / 1000)
    assert terminal.returncode == 143 and "stopped by the moderator:" in said, said
    last = runs.last_run(settings, cid)
    assert (last.pid, last.outcome, last.stopped_by) == (terminal.pid, "stopped", "the moderator") and last.stopped_in
