"""`make run` (``python -m ui.launch``) stopped with Ctrl-C while a console run in a process of its
own (or a terminal's ``deliberation run``, its import of a folder too) is still in the steps that
read the vector store (checking statements, finding topics): the launcher keeps the data folder's
Chroma server until that run has ended, and says so, and the run reaches the review; a second
Ctrl-C stops that run (recorded as stopped in its step, as ``deliberation status`` says) and then
the server. It used to stop the server with the app, and the run failed in its step.

Real components: the launcher as a subprocess in a process group of its own (a terminal's
foreground job: Ctrl-C is SIGINT to the whole group) on a copy of the imported sample, its real
Chroma server and Streamlit app, and the console's run process (graphs/runner_process.py), paused
with SIGSTOP inside those steps so that the Ctrl-C lands there whatever the machine's speed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import pytest

from conftest import CLI, CLI_ENV, REPO, SAMPLE, run_cli
from deliberation.config import Settings
from deliberation.processes import free_port, http_ok
from deliberation.storage import chroma_server, runs
from ui_helpers import copy_sample, start_launcher

pytestmark = pytest.mark.slow

#: Seconds the launcher, the app and a run of the sample may take on a loaded 2-core machine.
WAIT_S = 600


def _wait(until, what: str, log=None):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = until()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"not within {WAIT_S} s: {what}" + (f"\n{log.read_text()}" if log else ""))


def _launcher(data, log_path):
    """``python -m ui.launch`` on ``data`` in a process group of its own; returns (process, app url)
    once the app answers and its Chroma server is recorded."""
    port = free_port()
    proc = start_launcher(data, log_path, "--port", str(port), "--no-sample", env=CLI_ENV, new_session=True)
    url = f"http://127.0.0.1:{port}"
    _wait(lambda: proc.poll() is not None or http_ok(f"{url}/_stcore/health", 2), "the app answers", log_path)
    assert proc.poll() is None, log_path.read_text()
    return proc, url


def _paused_in_vector_steps(settings, cid: int, pid: int) -> None:
    """Pause the run's process (SIGSTOP) once its checkpoint says it is in intake or analyse."""
    from graphs import runner
    from graphs.facilitation import compile_graph

    graph = compile_graph(settings)

    def inside() -> bool:
        return bool(set(runner.status(settings, cid, graph).next) & {"intake", "analyse"})

    _wait(inside, "the run reaches its first checkpoint")
    os.kill(pid, signal.SIGSTOP)
    if not inside():
        os.kill(pid, signal.SIGKILL)
        raise AssertionError("the run left the vector store's steps before it was paused")


def test_make_run_keeps_the_vector_store_while_a_run_needs_it(imported, tmp_path):
    from graphs import runner, runner_process
    from ui.launch import SECOND_STOP

    sample = copy_sample(imported, tmp_path / "data")
    data, cid, settings = sample.data_dir, sample.cid, Settings(data_dir=sample.data_dir)

    # --- Ctrl-C: the app stops, the server stays until the run has ended, the run reaches the review
    log1 = tmp_path / "launch1.log"
    launcher, app = _launcher(data, log1)
    chroma = chroma_server.recorded_url(settings)
    pid = runner_process.launch_start(settings, cid)  # as the console's Run
    _paused_in_vector_steps(settings, cid, pid)
    try:
        os.killpg(launcher.pid, signal.SIGINT)
        _wait(lambda: "stays up until this run ends" in log1.read_text(), "the launcher says it keeps the server",
              log1)
        assert not http_ok(f"{app}/_stcore/health", 2) and launcher.poll() is None
        assert chroma_server.heartbeat(chroma)
    finally:
        os.kill(pid, signal.SIGCONT)
    _wait(lambda: launcher.poll() is not None, "the launcher ends once the run has ended", log1)
    said = log1.read_text()
    assert "The runs that needed the vector store have ended: its server stops now." in said, said
    last = runs.last_run(settings, cid)
    assert (last.pid, last.outcome) == (pid, "returned") and runner.status(settings, cid).waiting["type"] == "review"
    assert not chroma_server.heartbeat(chroma) and not (data / chroma_server.SERVER_FILE).exists()

    # --- Ctrl-C twice: the run that needs the server is stopped, in its step, and so is the server
    log2 = tmp_path / "launch2.log"
    launcher, app = _launcher(data, log2)
    chroma = chroma_server.recorded_url(settings)
    pid = runner_process.launch_start(settings, cid)  # the console's Start over
    _paused_in_vector_steps(settings, cid, pid)
    try:
        os.killpg(launcher.pid, signal.SIGINT)
        _wait(lambda: "stays up until this run ends" in log2.read_text(), "the launcher says it keeps the server",
              log2)
        os.killpg(launcher.pid, signal.SIGINT)
        _wait(lambda: launcher.poll() is not None, "the launcher ends at the second Ctrl-C", log2)
    finally:
        if runs.in_progress(settings, cid) is not None:
            os.kill(pid, signal.SIGKILL)  # never left paused, whatever the launcher did
    last = runs.last_run(settings, cid)
    assert (last.pid, last.outcome, last.stopped_by) == (pid, "stopped", SECOND_STOP), last
    assert last.stopped_in in ("checking statements and embeddings", "finding topics and opinion groups")
    said = log2.read_text()
    assert f"was stopped by {SECOND_STOP}" in said and "Retry in the moderator console continues it" in said, said
    assert not chroma_server.heartbeat(chroma) and not (data / chroma_server.SERVER_FILE).exists()
    status = " ".join(run_cli(data, "status", str(cid)).stdout.split())
    assert re.search(rf"was stopped by {re.escape(SECOND_STOP)} at \d\d:\d\d:\d\d UTC while {last.stopped_in}",
                     status), status
    assert "Retry" not in status and f"continue with: deliberation resume {cid}" in status


def test_make_run_keeps_the_vector_store_for_a_terminal_run_on_the_same_folder(imported, tmp_path):
    """A ``deliberation run`` typed in a terminal on the data folder uses the Chroma server the
    launcher recorded: stopping ``make run`` while that run is in intake or analysis used to stop
    the server, and the run failed with VectorStoreUnavailable."""
    from graphs import runner

    sample = copy_sample(imported, tmp_path / "data")
    data, cid, settings = sample.data_dir, sample.cid, Settings(data_dir=sample.data_dir)
    log = tmp_path / "launch.log"
    launcher, app = _launcher(data, log)
    chroma = chroma_server.recorded_url(settings)
    terminal = subprocess.Popen([*CLI, "--data-dir", str(data), "run", str(cid)], cwd=REPO, env=CLI_ENV,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    _paused_in_vector_steps(settings, cid, terminal.pid)
    try:
        rec = runs.in_progress(settings, cid)
        assert rec is not None and rec.pid == terminal.pid and not rec.detached
        os.killpg(launcher.pid, signal.SIGINT)
        _wait(lambda: "stays up until it ends" in log.read_text() or launcher.poll() is not None,
              "the launcher says it keeps the server", log)
        assert launcher.poll() is None, log.read_text()
        assert not http_ok(f"{app}/_stcore/health", 2) and chroma_server.heartbeat(chroma)
    finally:
        os.kill(terminal.pid, signal.SIGCONT)
    said, _ = terminal.communicate(timeout=WAIT_S)
    assert terminal.returncode == 0, said
    _wait(lambda: launcher.poll() is not None, "the launcher ends once the terminal's run has ended", log)
    assert "The runs that needed the vector store have ended: its server stops now." in log.read_text()
    assert runner.status(settings, cid).waiting["type"] == "review"
    assert not chroma_server.heartbeat(chroma) and not (data / chroma_server.SERVER_FILE).exists()


def test_make_run_stopped_while_a_terminal_run_imports_its_folder(tmp_path):
    """``deliberation run FOLDER`` takes its lock before it imports the folder: `make run` stopped
    during that import keeps the Chroma server (it stopped it under the import), and a second Ctrl-C
    stops that run first, as ``deliberation stop`` does (nothing of the folder imported: an import
    is one transaction), then the server."""
    from deliberation.services import find_stored
    from ui.launch import SECOND_STOP

    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    log = tmp_path / "launch.log"
    launcher, app = _launcher(data, log)
    chroma = chroma_server.recorded_url(settings)
    terminal = subprocess.Popen([*CLI, "--data-dir", str(data), "run", str(SAMPLE)], cwd=REPO, env=CLI_ENV,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    rec = _wait(lambda: runs.import_in_progress(settings, str(SAMPLE)), "the terminal's run takes the folder's lock")
    os.kill(terminal.pid, signal.SIGSTOP)  # inside its import, whatever the machine's speed
    try:
        assert rec.pid == terminal.pid and rec.stops_on_signal and runs.all_in_progress(settings) == {}
        os.killpg(launcher.pid, signal.SIGINT)
        _wait(lambda: "stays up until it ends" in log.read_text() or launcher.poll() is not None,
              "the launcher says it keeps the server", log)
        said = " ".join(log.read_text().split())
        assert launcher.poll() is None and (f"{SAMPLE.resolve()} is being imported (importing the folder first, started "
                                            f"from the command line (deliberation run {SAMPLE}), pid {rec.pid},") in said, said
        assert not http_ok(f"{app}/_stcore/health", 2) and chroma_server.heartbeat(chroma)
        os.killpg(launcher.pid, signal.SIGINT)
        _wait(lambda: launcher.poll() is not None, "the launcher ends at the second Ctrl-C", log)
    finally:
        if terminal.poll() is None:
            os.kill(terminal.pid, signal.SIGCONT)
    said, _ = terminal.communicate(timeout=WAIT_S)
    assert terminal.returncode == 143 and f"stopped by {SECOND_STOP}: nothing was imported" in " ".join(said.split())
    assert f"The import of {SAMPLE.resolve()} was stopped: nothing of it was imported." in log.read_text()
    assert find_stored(settings, str(SAMPLE)) is None and runs.import_in_progress(settings, str(SAMPLE)) is None
    assert not chroma_server.heartbeat(chroma) and not (data / chroma_server.SERVER_FILE).exists()


def test_make_run_says_so_when_the_app_process_is_killed(tmp_path):
    """A hand-run room: the Streamlit process killed (kill -9), the launcher ended without a word,
    and the moderator at the terminal did not know the app was down or why."""
    log = tmp_path / "launch.log"
    proc = start_launcher(tmp_path / "data", log, "--port", str(free_port()), "--no-sample", "--embedded-chroma",
                          env=CLI_ENV)
    _wait(lambda: proc.poll() is not None or "Open http" in log.read_text(), "the launcher opens the app", log)
    app = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == proc.pid
           and b"serve.py" in _cmdline(int(p))]
    assert len(app) == 1, (app, log.read_text())
    os.kill(app[0], signal.SIGKILL)
    assert proc.wait(timeout=WAIT_S) == 1
    said = " ".join(log.read_text().split())
    assert "The app's server process ended by itself (killed by signal SIGKILL)" in said, said
    assert "Start it again with `make run`" in said


def _parent(pid: int) -> int | None:
    try:
        return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _cmdline(pid: int) -> bytes:
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        return b""
