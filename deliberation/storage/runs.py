"""Which process runs a consultation's facilitation graph now, and how its last run ended.

The graph's checkpoints live in the data directory (``checkpoints.sqlite``, thread = consultation)
and every process on that folder may continue them: the app's console, ``deliberation run`` /
``review`` / ``resume`` in a terminal. Two of them at once ran the same steps side by side (a
``resume`` typed while the console's run was drafting drafted again beside it), and the console
showed a run the command line was doing as "stopped before it finished", with a Retry that
started a third.

So a run holds an exclusive ``flock`` on ``<data dir>/runs/consultation-<id>.lock`` for as long as
it runs (:func:`running`); another process, or another page of the same app, is refused with
:class:`RunInProgress` naming who runs it. The kernel drops the lock when the process ends, so a
run that died with its process (a server restart, a killed terminal) never shows as running. The
file keeps a record of the run (who, what, since when, and ``ended`` once it returned or failed),
so a record without ``ended`` whose lock is free is a run whose process ended mid-way
(:func:`last_run`), which the console and ``deliberation status`` say in words.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from deliberation.errors import DeliberationError

if TYPE_CHECKING:
    from deliberation.config import Settings

#: The folder of the data directory holding one lock file per consultation.
RUNS_DIR = "runs"
#: Seconds a new run waits for the lock before it is refused: a reader (:func:`last_run`) holds a
#: shared lock for a moment, which must not refuse a run that nobody else is doing.
ACQUIRE_WAIT_S = 2.0
#: Seconds between two tries of the lock while waiting.
ACQUIRE_POLL_S = 0.05


class RunInProgress(DeliberationError):
    """Another process (or another page of this app) runs this consultation's graph right now."""

    def __init__(self, message: str, record: "RunRecord"):
        super().__init__(message)
        self.record = record


@dataclass(frozen=True)
class RunRecord:
    """One run of a consultation's graph as its lock file records it."""

    pid: int
    #: who runs it, in words: "the moderator console" or "the command line (deliberation run 3)"
    by: str
    #: what it does, in words: "a run from the start", "closing voting and counting", ...
    doing: str
    #: when it began (UTC, ISO 8601)
    started: str
    #: when it returned or failed (UTC, ISO 8601); None while it runs or when its process died mid-way
    ended: str | None = None
    #: True while its process holds the lock (it runs now)
    alive: bool = False
    #: how it ended: "returned", "failed" (an error, kept in the graph's checkpoint) or "interrupted"
    #: (Ctrl-C in its terminal); None while it runs or when its process died
    outcome: str | None = None

    @property
    def died(self) -> bool:
        """Its process ended before the run returned (killed, or the app restarted)."""
        return not self.alive and self.ended is None

    def how_it_stopped(self) -> str | None:
        """Why this run stopped before it finished, in words, when its record knows (its process
        died, or Ctrl-C in its terminal); None otherwise (it runs, returned, or failed with an
        error that the graph's checkpoint keeps)."""
        if self.died:
            return (f"The last run ({self.words()}) ended with its process before it finished: the app or the "
                    "terminal running it was stopped or restarted")
        if self.outcome == "interrupted":
            return f"The last run ({self.words()}) was interrupted in its terminal (Ctrl-C)"
        return None

    def words(self) -> str:
        """'closing voting and counting, started from the command line (deliberation resume 3), pid
        412, at 13:19:20 UTC'."""
        return f"{self.doing}, started from {self.by}, pid {self.pid}, at {_clock(self.started)}"


def _clock(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M:%S UTC")
    except ValueError:
        return iso


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _path(settings: "Settings", cid: int) -> Path:
    return settings.data_dir / RUNS_DIR / f"consultation-{int(cid)}.lock"


#: The commands that run the graph (graphs/cli.py), to name them in a run's record.
GRAPH_COMMANDS = ("run", "review", "resume", "demo")


def who_am_i() -> str:
    """This process in words, for the record: the app (Streamlit) or the graph command it was given."""
    argv = [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv else []
    if any("streamlit" in a or a.endswith("app.py") for a in argv):
        return "the moderator console"
    for i, word in enumerate(argv[1:], start=1):
        if word in GRAPH_COMMANDS:
            target = argv[i + 1] if i + 1 < len(argv) and not argv[i + 1].startswith("-") else ""
            return f"the command line (deliberation {word} {target})".replace(" )", ")")
    name = Path(sys.argv[0]).parent.name if argv and argv[0] == "__main__.py" else (argv[0] if argv else "python")
    return f"another process ({name})"


def _read(fd: int) -> dict:
    try:
        data = json.loads(os.pread(fd, 65536, 0).decode("utf-8", errors="replace") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _write(fd: int, record: dict) -> None:
    raw = json.dumps(record).encode("utf-8")
    os.pwrite(fd, raw, 0)
    os.ftruncate(fd, len(raw))


def _record(data: dict, alive: bool) -> RunRecord | None:
    try:
        return RunRecord(pid=int(data["pid"]), by=str(data["by"]), doing=str(data["doing"]),
                         started=str(data["started"]), ended=data.get("ended"), alive=alive,
                         outcome=data.get("outcome"))
    except (KeyError, TypeError, ValueError):
        return None


def busy(cid: int, record: RunRecord | None) -> RunInProgress:
    """The refusal of a second run while ``record`` runs, in words."""
    record = record or RunRecord(pid=0, by="another process", doing="a run", started=_now(), alive=True)
    return RunInProgress(f"the facilitation graph of consultation {cid} is running right now ({record.words()}); "
                         "wait until it stops (at the moderator's review, or when voting opens) and try again", record)


@contextlib.contextmanager
def running(settings: "Settings", cid: int, doing: str, by: str | None = None) -> Iterator[RunRecord]:
    """Hold this consultation's run lock while the block runs, or raise :class:`RunInProgress`
    naming the run that holds it. The record is marked ``ended`` when the block returns or raises."""
    path = _path(settings, cid)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + ACQUIRE_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise busy(cid, _record(_read(fd), alive=True)) from None
                time.sleep(ACQUIRE_POLL_S)
        data = {"pid": os.getpid(), "by": by or who_am_i(), "doing": doing, "started": _now()}
        _write(fd, data)
        outcome = "failed"
        try:
            yield _record(data, alive=True)
            outcome = "returned"
        except KeyboardInterrupt:
            outcome = "interrupted"
            raise
        finally:
            with contextlib.suppress(OSError):
                _write(fd, {**data, "ended": _now(), "outcome": outcome})
    finally:
        os.close(fd)  # closing the descriptor drops the lock


def last_run(settings: "Settings", cid: int) -> RunRecord | None:
    """This consultation's run now (``alive``), else its last one (``ended``, or ``died`` when its
    process ended mid-way), or None when no run was recorded in this data directory."""
    path = _path(settings, cid)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            alive = False
        except BlockingIOError:
            alive = True
        rec = _record(_read(fd), alive=alive)
        if rec is None and alive:  # held, its record being written this very moment
            rec = RunRecord(pid=0, by="another process", doing="a run", started=_now(), alive=True)
        return rec
    finally:
        os.close(fd)


def in_progress(settings: "Settings", cid: int) -> RunRecord | None:
    """The run of this consultation going on now in any process, or None."""
    rec = last_run(settings, cid)
    return rec if rec is not None and rec.alive else None
