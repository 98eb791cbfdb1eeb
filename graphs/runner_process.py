"""A consultation's graph run in a process of its own, as the moderator console starts it: the run
goes on when the app server stops or restarts (a crash, a deploy, ``make run`` stopped and started).

A run inside the app server's process stopped with it, and the moderator had to press "Retry the
run". :func:`launch_start` / :func:`launch_resume` take the consultation's run lock
(deliberation/storage/runs.py), refuse in words what ``runner.start`` / ``runner.resume`` would
refuse (before anything runs, so the console shows it at once), then start
``python -m graphs.runner_process ID`` in a session of its own (no signal of the app's terminal or
process group reaches it) with the lock handed over: the lock is held from the moment of the
launch until that process ends, whatever happens to the app, and the kernel drops it when the
process dies (a killed run shows as stopped, with Retry). Its job (``{"start": options}`` or
``{"resume": value}``) goes to it on its standard input: no file is left behind, whatever ends it.
:func:`stop` ends it on the moderator's word (its process group), and records so.

The process appends to ``<data dir>/runs/consultation-ID.log`` (its standard output and error): a
header line per launch (``{"launch": when, "doing": what}``, written by the launcher), a first
JSON line with its pid, one JSON line per completed step (its name and log lines), a last
``{"error": ...}`` line when it failed, and whatever else it prints (a traceback); the launcher
adds ``{"exited": pid, "code": returncode}`` once it ends, while the launcher lives (unless the process
wrote that line itself, as it does when it ends on its own: each exit is in the log once). Earlier runs'
output stays above (moved to ``consultation-ID.log.1`` once the log passes
:data:`LOG_ROTATE_BYTES`); :func:`progress` reads one run's part. The console watches the lock
(the run is in progress while it is held), this log and the checkpoints (``runner.status``).

Linux only (``flock``, descriptors handed to a child); the app runs a graph in its own process
where a run of its own could not reach the vector store (:func:`can_detach`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from deliberation.config import CHROMA_URL_ENV, DATA_DIR_ENV, DATABASE_URL_ENV, EMBEDDING_MODEL_ENV, Settings
from deliberation.errors import DeliberationError
from deliberation.heap import freeze_in_this_process
from deliberation.storage import chroma_server, runs
from deliberation.words import said
from graphs import runner

#: The folder that holds the ``graphs`` package: the run's process imports this very code.
_CODE_ROOT = Path(__file__).resolve().parents[1]
#: A run log larger than this (bytes) at a launch moves to ``consultation-ID.log.1`` (replacing the
#: one there), so the log of a consultation run many times does not grow without end.
LOG_ROTATE_BYTES = 2_000_000
#: How much of the log's end (bytes) the launcher reads, once the run's process has ended, for the
#: exit line the process wrote itself (its last line, but for anything the interpreter printed after it).
EXIT_LINE_TAIL_BYTES = 8192
#: How many of its last lines of output (a traceback) the console and ``status`` show for a run whose
#: process ended before it finished.
OUTPUT_LINES = 15
#: Seconds a stopped run's process (group) has after SIGTERM before it gets SIGKILL: it takes SIGTERM
#: as a stop once it is back in Python code, which a long call into compiled code delays (the language
#: detector's first load took over 20 s on a 2-core machine at load 12).
STOP_GRACE_S = 30.0
#: Seconds to wait, after SIGKILL, for the stopped run's lock to be dropped before giving up in words.
STOP_KILL_WAIT_S = 30.0
#: Seconds a stop waits for a run in a thread of another process (the app server's own run) to reach
#: its next step, where it stops, before it says so and returns (the run still stops there).
STOP_STEP_WAIT_S = 600.0
#: Seconds between two looks at the lock while a stop waits.
STOP_POLL_S = 0.1
#: Who stops a run from the console, in the run's record and in words.
MODERATOR = said("run.by.moderator")
#: Seconds to wait for a run process launched here whose lock is already free to exit (it drops the
#: lock before it writes its error, and the kernel a moment before its status can be collected).
EXIT_WAIT_S = 5.0

#: The steps that read the vector store (intake indexes the statements, analyse reads their
#: vectors): a run before the end of them needs the data folder's Chroma server (ui/launch.py).
VECTOR_STEPS = ("intake", "analyse")

#: The run processes this process launched and has not collected yet, by pid.
_LAUNCHED: dict[int, subprocess.Popen] = {}


def can_detach(settings: Settings) -> bool:
    """Whether a run may go to a process of its own: the vector store is a Chroma server (named by
    the settings, or the data directory's own, as ``make run`` starts it), which any process may
    use. An embedded store is open in the app's process, which no other process may open; settings
    that are not in the environment (a model folder, another backend) would not reach the run."""
    if settings.model_path is not None or settings.embedding_backend != Settings.embedding_backend:
        return False
    return bool(settings.chroma_url or chroma_server.recorded_url(settings))


def launch_start(settings: Settings, cid: int, options: runner.Options | None = None) -> int:
    """Start a run from the start with ``options`` in a process of its own; returns its pid. A
    wrong setting, a graph waiting for votes or a run in progress: refused here, nothing started."""
    options = dict(options or {})
    runner.context(settings, options)  # a wrong setting is named now, not in the run's log

    def check() -> None:
        runner.check_start(runner.status(settings, cid), cid)

    return _launch(settings, cid, {"start": options}, runner.DOING["start"], check)


def launch_resume(settings: Settings, cid: int, value: Any = None) -> int:
    """Answer the graph (the review's decisions, ``{"close": true}``) or continue it after a stop,
    in a process of its own; returns its pid. An answer to a question the graph no longer asks, or
    a run in progress: refused here (``runner.check_answer``), nothing started."""
    def check() -> None:
        st = runner.status(settings, cid)
        runner.check_answer(st, value)
        if runner.answer_kind(value) == "voting":  # at the click, not seconds later once the run's
            runner.close_window(settings, cid, st)  # process has started: a vote after it is refused

    return _launch(settings, cid, {"resume": value}, runner.DOING[runner.answer_kind(value)], check)


def _launch(settings: Settings, cid: int, job: dict, doing: str, check) -> int:
    with runs.hand_over(settings, cid, doing) as lock:
        check()  # under the lock: no other run can change what was checked until the process ends
        log_path = _new_log_part(settings, cid, doing)
        with open(log_path, "ab") as log:  # the process keeps its own descriptor (appending)
            proc = subprocess.Popen([sys.executable, "-m", "graphs.runner_process", str(int(cid))],
                                    stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True, pass_fds=(lock.fd,), cwd=_CODE_ROOT,
                                    env=_environment(settings, lock.env))
        lock.started(proc.pid)
        _LAUNCHED[proc.pid] = proc
    # its job, now (a pipe takes 64 KB at once; more waits until it reads it, after its imports):
    # it is handed over even when this process ends at once
    with contextlib.suppress(OSError):  # BrokenPipeError: it ended before reading its job (its log says why)
        proc.stdin.write(json.dumps(job).encode("utf-8"))
    with contextlib.suppress(OSError):
        proc.stdin.close()
    # its exit in the log, and collected when it ends, while this process lives (no zombie holding
    # its pid); after a restart of this process, init collects it
    threading.Thread(target=_wait_and_log, args=(proc, log_path), name=f"graph-run-{cid}", daemon=True).start()
    return proc.pid


def _new_log_part(settings: Settings, cid: int, doing: str) -> Path:
    """The run log with this launch's header appended (the log moved to ``.log.1`` first when it
    passed :data:`LOG_ROTATE_BYTES`): earlier runs' output is kept, each run's under its own header."""
    path = runs.log_path(settings, cid)
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_size > LOG_ROTATE_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps({"launch": _now(), "doing": doing}) + "\n")
    return path


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _wait_and_log(proc: subprocess.Popen, log_path: Path) -> None:
    """Wait for the run's end and append its exit status to its log (a signal's too), unless the
    process wrote that very line itself as it ended (a room of six's log had each exit twice)."""
    code = proc.wait()
    line = json.dumps({"exited": proc.pid, "code": code})
    if not _said_in_log_end(log_path, line):
        with contextlib.suppress(OSError), open(log_path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
    _LAUNCHED.pop(proc.pid, None)


def _said_in_log_end(log_path: Path, line: str) -> bool:
    """Whether ``line`` is one of the lines in the last :data:`EXIT_LINE_TAIL_BYTES` of the log."""
    with contextlib.suppress(OSError), open(log_path, "rb") as log:
        log.seek(max(0, log.seek(0, os.SEEK_END) - EXIT_LINE_TAIL_BYTES))
        return line.encode() in log.read().splitlines()
    return False


def _environment(settings: Settings, lock_env: dict[str, str]) -> dict[str, str]:
    """This process's environment with ``settings`` spelled out (the run reads its Settings from it)."""
    env = {**os.environ, **lock_env, DATA_DIR_ENV: str(settings.data_dir.resolve()),
           "PYTHONPATH": os.pathsep.join(p for p in (str(_CODE_ROOT), os.environ.get("PYTHONPATH")) if p)}
    for name, value in ((DATABASE_URL_ENV, settings.database_url), (CHROMA_URL_ENV, settings.chroma_url),
                        (EMBEDDING_MODEL_ENV, settings.embedding_model)):
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


@dataclass
class Progress:
    """What a run's process wrote so far: its completed steps and, once it failed, its error."""

    #: (step, its log lines) in the order they completed
    steps: list[tuple[str, list[str]]] = field(default_factory=list)
    #: the error it stopped with, in words, or None
    error: str | None = None
    #: what it printed that is not progress (a library's warning, a traceback), its last lines
    output: list[str] = field(default_factory=list)
    #: its exit status as its launcher or itself wrote it (negative: the signal that ended it), or None
    exit: int | None = None
    #: whether it wrote its first line (its pid): it got past its imports
    started: bool = False

    @property
    def last_output(self) -> str | None:
        """The last line it printed that is not progress (a traceback's last line), or None."""
        return self.output[-1] if self.output else None


def _events(lines: list[str]):
    """Each line of a run log as (its JSON object or None, the line)."""
    for line in lines:
        try:
            event = json.loads(line) if line.startswith("{") else None
        except ValueError:
            event = None
        yield (event if isinstance(event, dict) else None), line


def _parts(lines: list[str]) -> list[list[tuple[dict | None, str]]]:
    """The run log cut into one part per launch (at its header lines)."""
    parts: list[list] = [[]]
    for event, line in _events(lines):
        if event is not None and "launch" in event:
            parts.append([])
        else:
            parts[-1].append((event, line))
    return parts


def progress(settings: Settings, cid: int, pid: int, ended: bool = False) -> Progress:
    """The progress the run of process ``pid`` wrote to the consultation's run log: its own part
    (the launch whose process wrote its pid, or the last launch when its process wrote nothing of
    its own yet: it may fail to start, an import); empty for a run the log does not have.
    ``ended``: its lock is free, so a process launched here is waited for (its lock is dropped
    before it writes its error and exits) and collected for its exit status."""
    here, code = _LAUNCHED.get(pid) if ended else None, None
    if here is not None:  # before the log is read: all it wrote is there
        with contextlib.suppress(subprocess.TimeoutExpired):
            code = here.wait(timeout=EXIT_WAIT_S)
    try:
        lines = runs.log_path(settings, cid).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return Progress()
    parts = _parts(lines)
    exits = {e["exited"]: e.get("code") for part in parts for e, _ in part if e is not None and "exited" in e}
    pids = [{e["pid"] for e, _ in part if e is not None and "pid" in e} for part in parts]
    mine = next((part for part, seen in zip(parts, pids) if pid in seen), None)
    if mine is None and not pids[-1] and not ({e["exited"] for e, _ in parts[-1] if e and "exited" in e} - {pid}):
        mine = parts[-1]
    found = Progress(exit=exits.get(pid, code), started=any(e is not None and "pid" in e for e, _ in mine or []))
    for event, line in mine or []:
        if event is None:
            if line.strip():  # a library's warning, a traceback
                found.output.append(line.rstrip())
        elif "step" in event:
            found.steps.append((str(event["step"]), [str(x) for x in event.get("log") or []]))
        elif "error" in event:
            found.error = str(event["error"])
    found.output = found.output[-OUTPUT_LINES:]
    return found


def ended_words(rec: runs.RunRecord | None, done: Progress) -> str | None:
    """Why the run of ``rec`` stopped before it finished, in words, without the error of a step
    (``done.error``, said where it is shown): stopped by the moderator (and in which step), its
    process ended by a signal or an exit status (as its launcher saw it), or its process ended
    unseen (killed, or the computer restarted); None while it runs or once it returned or failed."""
    if rec is None:
        return None
    if rec.died and rec.detached and done.exit is None and done.output and not done.started:
        return said("run.failed_on_way_in", run=rec.words())
    if not rec.died or done.exit is None or not rec.detached:
        return rec.how_it_stopped()
    where = runner.where_stopped([node for node, _ in done.steps])
    if done.exit < 0:
        return said("run.killed", run=rec.words(), signal=_signal_name(-done.exit), where=where)
    return said("run.exited", run=rec.words(), n_status=done.exit, where=where)


def needs_vector_store(settings: Settings, cid: int, rec: runs.RunRecord) -> bool:
    """Whether the run of ``rec`` (the console's, or a terminal's on the same data folder) may still
    read the vector store: it has not completed the last of :data:`VECTOR_STEPS` (a console run's log
    tells), and its checkpoint's next steps include one of them; until the run has written a
    checkpoint of its own (one written over a second after the record's start, which is cut to the
    millisecond: a checkpoint of its first second counts as the last run's, which only keeps the
    store longer), a run from the start still needs it."""
    if rec.detached and any(node == VECTOR_STEPS[-1] for node, _ in progress(settings, cid, rec.pid).steps):
        return False
    st = runner.status(settings, cid)
    if rec.doing in (runner.DOING["start"], runner.DOING["to_end"]) and not _written_since(st.written, rec.started):
        return True
    return bool(set(st.next) & set(VECTOR_STEPS))


def _written_since(written: str | None, started: str) -> bool:
    try:
        return written is not None and (datetime.fromisoformat(written) - datetime.fromisoformat(started)
                                        ).total_seconds() >= 1
    except (TypeError, ValueError):
        return False


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def stop(settings: Settings, cid: int, pid: int, by: str = MODERATOR, wait: bool = True) -> runs.RunRecord | None:
    """End the run of process ``pid`` on this consultation, wherever on this machine it runs, and
    record that ``by`` stopped it, in the step it was in: a run in a process of its own (the
    console's: its process group) or in a terminal (``deliberation run``: its process) gets SIGTERM,
    which it takes as :class:`runs.RunStopped` (SIGKILL after :data:`STOP_GRACE_S`); a run in a
    thread of another process (the app server's own run) is asked to stop before its next step,
    and waited for when ``wait``. What the step in progress had done is not kept: each step's
    writes to the store are transactions, and a step's retry replaces or reuses what a stopped
    attempt committed (the review's decisions under its key, the drafts it published); the
    checkpoints keep every completed step, so a Retry (``deliberation resume``) continues from the
    last one. A run that ended meanwhile: nothing is done. A run whose process runs on another host
    or in another pid namespace (another container sharing the data volume) is refused in words:
    its pid names another process here. Returns the last run's record."""
    rec = runs.in_progress(settings, cid)
    if rec is None or rec.pid != pid:
        return runs.last_run(settings, cid)
    end_run(settings, cid, rec, by, wait, lambda: runner.steps_words(runner.status(settings, cid).next) or None)
    return runs.last_run(settings, cid)


def end_run(settings: Settings, key: int | str, rec: runs.RunRecord, by: str, wait: bool,
            step: Callable[[], str | None]) -> bool:
    """Stop the run of ``rec`` (of consultation ``key``, or importing the folder ``key``) as
    :func:`stop` says, and record it stopped in ``step()``; False when it was only asked to stop
    (a run in another process's thread, not waited for)."""
    if rec.started_elsewhere():
        here = rec.host == runs.this_machine()["host"]
        raise DeliberationError(said("run.elsewhere_container" if here else "run.elsewhere",
                                     host=rec.host or said("run.another_host")))
    signals = rec.detached or rec.stops_on_signal
    if not signals and isinstance(key, str):  # an import has no next step to stop before: waiting is vain
        raise DeliberationError(said("run.import_no_signal", file=key, run=rec.words()))
    runs.request_stop(settings, key, rec, by)
    if signals:
        for sig in (signal.SIGTERM, signal.SIGCONT):  # SIGCONT: a paused process ends too
            _signal(rec, sig)
    elif not wait:
        return False
    if not _wait_ended(settings, key, rec.pid, STOP_GRACE_S if signals else STOP_STEP_WAIT_S):
        if not signals:
            raise DeliberationError(said("run.no_next_step", seconds=f"{STOP_STEP_WAIT_S:g}"))
        _signal(rec, signal.SIGKILL)
        if not _wait_ended(settings, key, rec.pid, STOP_KILL_WAIT_S):
            waited = f"{STOP_GRACE_S + STOP_KILL_WAIT_S:g}"
            raise DeliberationError(said("run.not_ended", n_pid=rec.pid, seconds=waited))
    runs.mark_stopped(settings, key, rec.pid, by, step())
    return True


def _signal(rec: runs.RunRecord, sig: int) -> None:
    """``sig`` to the run's process: the process group of a run in a process of its own (its own
    session: its group has its pid), the process alone of a terminal's (its group is the shell's job)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if not rec.detached:
            os.kill(rec.pid, sig)
        elif os.getpgid(rec.pid) == rec.pid:
            os.killpg(rec.pid, sig)


def _wait_ended(settings: Settings, key: int | str, pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        rec = runs.in_progress(settings, key) if isinstance(key, int) else runs.import_in_progress(settings, key)
        if rec is None or rec.pid != pid:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(STOP_POLL_S)


def _say(event: dict) -> None:
    print(json.dumps(event), flush=True)


def main(argv: list[str] | None = None) -> int:
    """The run's process: do the job the console handed it on its standard input, report each
    step to the run log (its standard output)."""
    cid = int((argv if argv is not None else sys.argv[1:])[0])
    _say({"pid": os.getpid()})
    freeze_in_this_process()  # this process ends with its run: bulk work may freeze (deliberation.heap)
    try:
        job = json.loads(sys.stdin.read())
        settings = Settings().ensure()  # a bad setting in the environment: said in the log, in words
    except Exception as e:  # noqa: BLE001 - written to the log in words (and the trace for a reader)
        traceback.print_exc()
        _say({"error": f"the run could not start: {runner.error_words(repr(e))}"})
        return 1

    def on_update(node: str, update: dict) -> None:
        _say({"step": node, "log": [str(x) for x in update.get("log") or []]})

    try:
        if "start" in job:
            runner.start(settings, cid, job["start"], on_update=on_update)
        else:
            runner.resume(settings, cid, job["resume"], on_update=on_update)
    except runs.RunStopped as e:  # recorded in its lock file: said in the log too, and the process ends
        _say({"stopped": e.words()})  # now, as a stop always ended it (its launcher logs its exit, once reaped)
        os._exit(128 + signal.SIGTERM)
    except Exception as e:  # noqa: BLE001 - written to the log in words (and the trace for a reader)
        traceback.print_exc()
        _say({"error": str(e) if isinstance(e, DeliberationError) else runner.error_words(repr(e))})
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - the run's process
    status = main()
    _say({"exited": os.getpid(), "code": status})  # in its own words too: read after its launcher restarted
    raise SystemExit(status)
