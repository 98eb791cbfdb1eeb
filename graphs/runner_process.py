"""A consultation's graph run in a process of its own, as the moderator console starts it: the run
goes on when the app server stops or restarts (a crash, a deploy, ``make run`` stopped and started).

A run inside the app server's process stopped with it, and the moderator had to press "Retry the
run". :func:`launch_start` / :func:`launch_resume` take the consultation's run lock
(deliberation/storage/runs.py), refuse in words what ``runner.start`` / ``runner.resume`` would
refuse (before anything runs, so the console shows it at once), then start
``python -m graphs.runner_process ID`` in a session of its own (no signal of the app's terminal or
process group reaches it) with the lock handed over: the lock is held from the moment of the
launch until that process ends, whatever happens to the app, and the kernel drops it when the
process dies (a killed run shows as stopped, with Retry).

The process writes ``<data dir>/runs/consultation-ID.log``: a first JSON line with its pid, one JSON
line per completed step (its name and log lines), a last ``{"error": ...}`` line when it failed,
and whatever else it prints (a traceback). The console watches the lock (the run is in progress
while it is held), this log (:func:`progress`) and the checkpoints (``runner.status``).

Linux only (``flock``, descriptors handed to a child); the app runs a graph in its own process
where a run of its own could not reach the vector store (:func:`can_detach`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deliberation.config import CHROMA_URL_ENV, DATA_DIR_ENV, DATABASE_URL_ENV, EMBEDDING_MODEL_ENV, Settings
from deliberation.errors import DeliberationError
from deliberation.storage import chroma_server, runs
from graphs import runner

#: The folder that holds the ``graphs`` package: the run's process imports this very code.
_CODE_ROOT = Path(__file__).resolve().parents[1]


def _job_path(settings: Settings, cid: int) -> Path:
    """What the run's process is to do (``{"start": options}`` or ``{"resume": value}``), as JSON."""
    return runs.log_path(settings, cid).with_suffix(".job.json")


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
        _job_path(settings, cid).write_text(json.dumps(job), encoding="utf-8")
        with open(runs.log_path(settings, cid), "wb") as log:  # the process keeps its own descriptor
            proc = subprocess.Popen([sys.executable, "-m", "graphs.runner_process", str(int(cid))],
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True, pass_fds=(lock.fd,), cwd=_CODE_ROOT,
                                    env=_environment(settings, lock.env))
        lock.started(proc.pid)
    # collected when it ends, while this process lives (no zombie holding its pid); after a restart
    # of this process, init collects it
    threading.Thread(target=proc.wait, name=f"graph-run-{cid}", daemon=True).start()
    return proc.pid


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
    #: the last line it printed that is not progress (a traceback's last line), or None
    last_output: str | None = None


def progress(settings: Settings, cid: int, pid: int) -> Progress:
    """The progress the run of process ``pid`` wrote to the consultation's run log (empty for a
    log another process wrote, or none)."""
    try:
        lines = runs.log_path(settings, cid).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return Progress()
    # before its first line the process may fail to start (an import): what it printed is this
    # launch's, the log being emptied at every launch
    found, mine = Progress(), None
    for line in lines:
        try:
            event = json.loads(line) if line.startswith("{") else None
        except ValueError:
            event = None
        if not isinstance(event, dict):
            if mine is not False and line.strip():  # a library's warning, a traceback: for the reader of the file
                found.last_output = line.strip()
            continue
        if "pid" in event:
            mine = event["pid"] == pid
            found.last_output = found.last_output if mine else None
        elif mine and "step" in event:
            found.steps.append((str(event["step"]), [str(x) for x in event.get("log") or []]))
        elif mine and "error" in event:
            found.error = str(event["error"])
    return found


def _say(event: dict) -> None:
    print(json.dumps(event), flush=True)


def main(argv: list[str] | None = None) -> int:
    """The run's process: do the job the console wrote, report each step to the run log."""
    cid = int((argv if argv is not None else sys.argv[1:])[0])
    settings = Settings().ensure()
    job = json.loads(_job_path(settings, cid).read_text(encoding="utf-8"))
    _say({"pid": os.getpid()})

    def on_update(node: str, update: dict) -> None:
        _say({"step": node, "log": [str(x) for x in update.get("log") or []]})

    try:
        if "start" in job:
            runner.start(settings, cid, job["start"], on_update=on_update)
        else:
            runner.resume(settings, cid, job["resume"], on_update=on_update)
    except Exception as e:  # noqa: BLE001 - written to the log in words (and the trace for a reader)
        traceback.print_exc()
        _say({"error": str(e) if isinstance(e, DeliberationError) else runner.error_words(repr(e))})
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - the run's process
    raise SystemExit(main())
