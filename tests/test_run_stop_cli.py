"""``deliberation stop``: a run started in a terminal (``deliberation run FOLDER``) is stopped from
another process, cleanly (recorded as stopped by whom and in which step; ``status`` says so;
``resume`` continues from its last completed step, nothing run twice); two runs of a new folder
started at once: only one takes the lock (it takes it before it imports the folder), the other is
refused in words, and the folder is imported once (``status FOLDER`` meanwhile says so, importing
nothing). A run in a thread of another process (the app's
own run) is not signalled: it stops before its next step.

Real components: ``python -m graphs.cli`` in subprocesses on one data folder (SQLite and Chroma on
disk, the real embedding model), the sample corpus imported by the run itself."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time

import pytest

from conftest import CLI, CLI_ENV, REPO, SAMPLE, run_cli
from deliberation.config import Settings
from deliberation.storage import Store, runs

pytestmark = pytest.mark.slow

#: Seconds an import and a run of the sample may take on a loaded 2-core machine.
WAIT_S = 600


def _said(res) -> str:
    return " ".join((res.stdout + res.stderr).split())


def _run(data, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "--data-dir", str(data), "run", *args], cwd=REPO, env=CLI_ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def test_two_runs_of_a_new_folder_at_once_and_a_stop_from_another_terminal(tmp_path):
    from graphs import runner, runner_process

    data, settings = tmp_path / "data", Settings(data_dir=tmp_path / "data")
    first, second = _run(data, str(SAMPLE)), _run(data, str(SAMPLE))  # typed in two terminals at once
    deadline = time.monotonic() + WAIT_S
    while (importing := runs.import_in_progress(settings, str(SAMPLE))) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(importing.pid, signal.SIGSTOP)  # inside its import: `status FOLDER` says so and imports nothing
    try:
        status = _said(run_cli(data, "status", str(SAMPLE)))
        assert "Running now: importing the folder first, started from the command line (deliberation run " \
            f"{SAMPLE}), pid {importing.pid}," in status, status
    finally:
        os.kill(importing.pid, signal.SIGCONT)
    while first.poll() is None and second.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    loser, winner = (first, second) if first.poll() is not None else (second, first)
    out, err = loser.communicate(timeout=WAIT_S)
    refused = " ".join((out + err).split())
    assert loser.returncode == 2 and "right now" in refused and f"pid {winner.pid}," in refused, refused
    assert winner.poll() is None, refused

    # the winner is paused once its drafts are checkpointed, while it checks them (a stop waits for a
    # call into compiled code to return, such as the language detector's first load while drafting),
    # then stopped from another terminal
    seen = ""
    while "\ndraft: " not in seen and winner.poll() is None and time.monotonic() < deadline:
        seen += winner.stderr.readline()
    os.kill(winner.pid, signal.SIGSTOP)
    try:
        stop = run_cli(data, "stop", str(SAMPLE), check=False)  # by its folder, as it was started
    finally:
        if winner.poll() is None:
            os.kill(winner.pid, signal.SIGCONT)
    out, err = winner.communicate(timeout=WAIT_S)
    said = _said(stop)
    assert stop.returncode == 0 and "was stopped by the command line (deliberation stop" in said, said
    assert "continue with: deliberation resume 1" in said, said
    assert winner.returncode == 143, seen + err
    assert "stopped by the command line (deliberation stop" in err and "continue with: deliberation resume 1" in err

    [cid] = [c.id for c in Store(settings).list_consultations()]  # imported once
    last = runs.last_run(settings, cid)
    assert (last.pid, last.outcome, last.alive) == (winner.pid, "stopped", False), last
    assert last.stopped_by.startswith("the command line (deliberation stop") and last.stopped_in, last
    st = runner.status(settings, cid)
    assert st.next and not st.waiting and runner.steps_words(st.next) == last.stopped_in  # resumable
    assert not list((data / runs.RUNS_DIR).glob("*.stop"))  # the request went with the run
    status = _said(run_cli(data, "status", str(cid)))
    assert re.search(rf"was stopped by the command line \(deliberation stop [^)]+\) at \d\d:\d\d:\d\d UTC while "
                     rf"{last.stopped_in}", status), status

    assert "Waiting for the moderator's review" in run_cli(data, "resume", str(cid)).stdout
    log = runner.status(settings, cid).values["log"]
    assert len([line for line in log if line.startswith(("intake", "analyse"))]) == 2, log  # nothing run twice
    again = run_cli(data, "stop", str(cid))
    assert "Nothing to stop: no run of consultation 1 is going on now" in _said(again)

    # a run in a thread of another process (the app's own run, with the vector store opened embedded):
    # never signalled, it stops before its next step
    gate, reached, ended = threading.Event(), threading.Event(), []

    def held(node, update):
        reached.set()
        gate.wait(WAIT_S)

    def run():
        try:
            runner.start(settings, cid, on_update=held)
        except BaseException as e:  # noqa: BLE001 - what ended it, for the assertion below
            ended.append(e)

    worker = threading.Thread(target=run)
    worker.start()
    assert reached.wait(WAIT_S)
    rec = runs.in_progress(settings, cid)
    assert rec.pid == os.getpid() and not rec.stops_on_signal and not rec.detached
    threading.Timer(1.0, gate.set).start()  # its first step ends a second after the stop was asked
    last = runner_process.stop(settings, cid, rec.pid, by="a test")
    worker.join(WAIT_S)
    assert isinstance(ended[0], runs.RunStopped) and ended[0].by == "a test"
    assert (last.outcome, last.stopped_by, last.stopped_in) == ("stopped", "a test", "finding topics and opinion groups")
    assert runner.status(settings, cid).next == ("analyse",)
