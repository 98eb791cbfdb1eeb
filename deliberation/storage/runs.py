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
(:func:`last_run`), which the console and ``deliberation status`` say in words; a run the moderator
stopped is recorded so once its process has ended (:func:`mark_stopped`).

The record also names where the run's process runs (:func:`this_machine`: the host name and the
pid namespace): two app servers in separate containers may share a data volume, and the lock works
across them, but a pid means a process only in its own pid namespace, so a Stop from another
container must not signal that number (:meth:`RunRecord.started_elsewhere`).

A run is stopped from anywhere on this machine (``deliberation stop``, the console's Stop) by a stop
request beside its lock file (:func:`request_stop`) and, when its record says its process takes it
(``stops_on_signal``: a run in its process's main thread, the command line's or the console's run
process), SIGTERM: the run raises :class:`RunStopped` there, which unwinds as Ctrl-C does (the step in
progress is not kept: its writes are transactions; every completed step is, in the checkpoints), and
its record says ``stopped``. A run in a thread of another process (the app server's own run) is never
signalled: it stops before its next step (:func:`check_stop`).

``deliberation run FOLDER`` takes its lock before it imports the folder: the import holds a lock of
its own on the folder (``runs/import-<hash>.lock``, :func:`running_after`), dropped once the
consultation's lock is held, so a second run is refused from the first moment and the app's launcher
sees the import as a run that needs the vector store (:func:`imports_in_progress`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from deliberation.errors import DeliberationError
from deliberation.words import said
from deliberation.storage.run_signals import (  # noqa: F401 - RunStopped, STOP_SUFFIX: named by callers as runs.*
    STOP_SUFFIX, STOPPED_BY_SIGNAL, RunStopped, held_locks, release_sigterm, stop_request, takes_sigterm, unwound)

if TYPE_CHECKING:
    from deliberation.config import Settings

#: The folder of the data directory holding one lock file per consultation.
RUNS_DIR = "runs"
#: Seconds a new run waits for the lock before it is refused: a reader (:func:`last_run`) holds a
#: shared lock for a moment, which must not refuse a run that nobody else is doing.
ACQUIRE_WAIT_S = 2.0
#: Seconds between two tries of the lock while waiting.
ACQUIRE_POLL_S = 0.05
#: The environment variable naming the lock descriptor a process was started with (:func:`hand_over`).
HANDED_LOCK_ENV = "DELIBERATION_RUN_LOCK_FD"


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
    #: how it ended: "returned", "failed" (an error, kept in the graph's checkpoint), "interrupted"
    #: (Ctrl-C in its terminal) or "stopped" (its process ended by the moderator, :func:`mark_stopped`);
    #: None while it runs or when its process died
    outcome: str | None = None
    #: True for a run in a process of its own, started by another (the console: :func:`hand_over`)
    detached: bool = False
    #: who stopped it ("the moderator") and the step it was in then, in words ("drafting statements")
    stopped_by: str | None = None
    stopped_in: str | None = None
    #: where its process runs (:func:`this_machine`); None in a record written before they were kept
    host: str | None = None
    pid_ns: str | None = None
    #: True when its process ends the run cleanly on SIGTERM (it runs in the process's main thread:
    #: the command line, the console's run process); else it is asked to stop before its next step
    stops_on_signal: bool = False
    #: the folder it imports first (a record of an import lock, :func:`running_after`), else None
    source: str | None = None

    def started_elsewhere(self) -> bool:
        """Its process runs on another host or in another pid namespace (another container sharing
        the data volume): its pid names some other process here, never to be signalled."""
        here = this_machine()
        return ((self.host is not None and self.host != here["host"])
                or (self.pid_ns is not None and self.pid_ns != here["pid_ns"]))

    @property
    def died(self) -> bool:
        """Its process ended before the run returned (killed, or the app restarted)."""
        return not self.alive and self.ended is None

    def how_it_stopped(self) -> str | None:
        """Why this run stopped before it finished, in words, when its record knows (its process
        died, or Ctrl-C in its terminal); None otherwise (it runs, returned, or failed with an
        error that the graph's checkpoint keeps)."""
        if self.died and self.detached:  # it outlives the app: only its own end stops it
            return said("run.died_detached", run=self.words())
        if self.died:
            return said("run.died", run=self.words())
        if self.outcome == "interrupted":
            return said("run.interrupted", run=self.words())
        if self.outcome == "stopped":
            by, clock = self.stopped_by or STOPPED_BY_SIGNAL, _clock(self.ended or "")
            return said("run.stopped_while", run=self.words(), by=by, clock=clock, step=self.stopped_in) \
                if self.stopped_in else said("run.stopped", run=self.words(), by=by, clock=clock)
        return None

    def words(self) -> str:
        """'closing voting and counting, started from the command line (deliberation resume 3), pid
        412, at 13:19:20 UTC' (``said.run.record``: the console says it in its language)."""
        return said("run.record", doing=self.doing, by=self.by, n_pid=self.pid, clock=_clock(self.started))


def _clock(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M:%S UTC")
    except ValueError:
        return iso


def this_machine() -> dict[str, str]:
    """Where this process runs, for a run's record: the host name and the pid namespace (a pid means
    a process only there)."""
    try:
        pid_ns = os.readlink("/proc/self/ns/pid")
    except OSError:  # no /proc: the host name alone tells
        pid_ns = ""
    return {"host": socket.gethostname(), "pid_ns": pid_ns}


def _now() -> str:
    """UTC now to the millisecond: a run's ``started`` is part of how the console tells two runs of
    one process apart (ui/run_stop.py), and two runs can begin within one second."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _path(settings: "Settings", cid: int) -> Path:
    return settings.data_dir / RUNS_DIR / f"consultation-{int(cid)}.lock"


def _import_path(settings: "Settings", source: str) -> Path:
    """The lock file of a run importing ``source`` (a folder, by its resolved path) first."""
    key = hashlib.sha256(str(Path(source).resolve()).encode("utf-8")).hexdigest()[:16]
    return settings.data_dir / RUNS_DIR / f"import-{key}.lock"


def log_path(settings: "Settings", cid: int) -> Path:
    """The output of this consultation's last run started in a process of its own (:func:`hand_over`)."""
    return settings.data_dir / RUNS_DIR / f"consultation-{int(cid)}.log"


#: The commands that run the graph (graphs/cli.py), or import a folder under its lock (import-polis),
#: to name them in a record.
GRAPH_COMMANDS = ("run", "review", "resume", "demo", "stop", "import-polis")


def who_am_i() -> str:
    """This process in words, for the record: the app (Streamlit) or the graph command it was given."""
    argv = [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv else []
    if any("streamlit" in a or a.endswith("app.py") for a in argv):
        return said("run.by.console")
    for i, word in enumerate(argv[1:], start=1):
        if word in GRAPH_COMMANDS:
            target = argv[i + 1] if i + 1 < len(argv) and not argv[i + 1].startswith("-") else ""
            return said("run.by.command", command=f"deliberation {word} {target}".rstrip())
    name = Path(sys.argv[0]).parent.name if argv and argv[0] == "__main__.py" else (argv[0] if argv else "python")
    return said("run.by.other", process=name)


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
                         outcome=data.get("outcome"), detached=bool(data.get("detached")),
                         stopped_by=data.get("stopped_by"), stopped_in=data.get("stopped_in"),
                         host=data.get("host"), pid_ns=data.get("pid_ns"),
                         stops_on_signal=bool(data.get("stops_on_signal")), source=data.get("source"))
    except (KeyError, TypeError, ValueError):
        return None


def busy(cid: int | str, record: RunRecord | None) -> RunInProgress:
    """The refusal of a second run while ``record`` runs (``cid``: a consultation id, or the folder
    that run imports first), in words."""
    record = record or _someone()
    if not isinstance(cid, int):
        return RunInProgress(said("run.busy_import", file=cid, run=record.words()), record)
    return RunInProgress(said("run.busy", n_consultation=cid, run=record.words()), record)


def _someone() -> RunRecord:
    """A run whose record cannot be read (being written): another process's, in words."""
    return RunRecord(pid=0, by=said("run.by.another"), doing=said("run.doing.any"), started=_now(), alive=True)


def _acquire(settings: "Settings", cid: int | str) -> int:
    """An open descriptor of this consultation's lock file (or, for a folder, its import's) holding
    its exclusive lock, or :class:`RunInProgress` naming the run that holds it."""
    path = _path(settings, cid) if isinstance(cid, int) else _import_path(settings, cid)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + ACQUIRE_WAIT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                error = busy(cid, _record(_read(fd), alive=True))
                os.close(fd)
                raise error from None
            time.sleep(ACQUIRE_POLL_S)


def _handed_over(settings: "Settings", cid: int) -> int | None:
    """The lock descriptor a parent handed to this process (:func:`hand_over`), if it is this
    consultation's lock file; taken once (a process it starts in turn does not see it)."""
    raw = os.environ.get(HANDED_LOCK_ENV, "")
    if not raw.isdigit():
        return None
    fd = int(raw)
    try:
        same = os.path.samestat(os.fstat(fd), os.stat(_path(settings, cid)))
    except OSError:
        return None
    if same:
        os.environ.pop(HANDED_LOCK_ENV, None)
        return fd
    return None


@contextlib.contextmanager
def _holding(settings: "Settings", cid: int | str, data: dict, fd: int | None = None,
             shared: bool = False) -> Iterator[dict]:
    """Hold the lock of ``cid`` (a consultation, or the folder a run imports first: :func:`_acquire`),
    or the descriptor ``fd`` holding it already, with ``data`` as its record while the block runs;
    ``ended`` and its outcome are recorded when it returns or raises. Held by a ``shared`` block of
    this thread already (:func:`running_after`): the block runs under that lock, whose record says
    what it does now; held otherwise, by this thread too: refused, as by another process."""
    path = _path(settings, cid) if isinstance(cid, int) else _import_path(settings, cid)
    outer = held_locks().get(path)
    if outer is not None and outer["shared"]:
        outer["data"] = {**outer["data"], "doing": data["doing"]}
        _write(outer["fd"], outer["data"])
        yield outer["data"]
        return
    fd = _acquire(settings, cid) if fd is None else fd
    try:
        with contextlib.suppress(OSError):  # a request for an earlier run is not this one's
            path.with_suffix(STOP_SUFFIX).unlink()
        held = held_locks()[path] = {"fd": fd, "shared": shared,
                                     "data": {**data, **this_machine(), "stops_on_signal": takes_sigterm()}}
        _write(fd, held["data"])
        end = {"outcome": "failed"}
        try:
            yield held["data"]
            end = {"outcome": "returned"}
        except RunStopped as e:
            unwound()  # stopped: SIGTERM's stop is not raised again
            end = {"outcome": "stopped", "stopped_by": e.by or STOPPED_BY_SIGNAL}
            raise
        except KeyboardInterrupt:
            end = {"outcome": "interrupted"}
            raise
        finally:
            with contextlib.suppress(OSError):
                _write(fd, {**held["data"], "ended": _now(), **end})
                path.with_suffix(STOP_SUFFIX).unlink()
    finally:
        if held_locks().get(path, {}).get("fd") == fd:
            held_locks().pop(path)
        release_sigterm()
        os.close(fd)  # closing the descriptor drops the lock


@contextlib.contextmanager
def running(settings: "Settings", cid: int, doing: str, by: str | None = None,
            shared: bool = False) -> Iterator[RunRecord]:
    """Hold this consultation's run lock while the block runs, or raise :class:`RunInProgress`
    naming the run that holds it. The record is marked ``ended`` when the block returns or raises.
    A process started with the lock handed over (:func:`hand_over`) runs under that lock, held
    since it was started, keeping who started it and when. Nested in a ``shared`` block of this
    thread that holds it already (:func:`running_after`), the block runs under that lock."""
    fd = _handed_over(settings, cid)
    handed = _read(fd) if fd is not None else {}
    data = {"pid": os.getpid(), "by": handed.get("by") or by or who_am_i(), "doing": doing,
            "started": handed.get("started") or _now(), **({"detached": True} if handed else {})}
    with _holding(settings, cid, data, fd, shared) as held:
        yield _record(held, alive=True)


@contextlib.contextmanager
def running_after(settings: "Settings", source: str | None, resolve: Callable[[], int], doing: str,
                  by: str | None = None) -> Iterator[int]:
    """Hold the run lock of the consultation ``resolve()`` names (it may import the folder
    ``source`` first) from before ``resolve`` is called: under the lock of the folder's import, held
    until the consultation's is, so no second run of it starts meanwhile and the app's launcher keeps
    the vector store for the import. A ``resolve`` that fails (or is stopped) drops both."""
    with contextlib.ExitStack() as run:
        with importing(settings, source, said("run.doing.import_first"), by) if source else contextlib.nullcontext():
            cid = resolve()
            run.enter_context(running(settings, cid, doing, by, shared=True))
        yield cid


@contextlib.contextmanager
def importing(settings: "Settings", source: str, doing: str, by: str | None = None) -> Iterator[RunRecord]:
    """Hold the lock of the folder ``source``'s import (``runs/import-<hash>.lock``) while the block
    runs, or raise :class:`RunInProgress` naming the process that holds it: every import of a folder
    takes it (``deliberation import-polis``, the launcher's first import of the sample, a run that
    imports its folder first: :func:`running_after`), so two of them at once cannot both import it."""
    data = {"pid": os.getpid(), "by": by or who_am_i(), "doing": doing, "started": _now(),
            "source": str(Path(source).resolve())}
    with _holding(settings, source, data) as held:
        yield _record(held, alive=True)


def _last(path: Path) -> RunRecord | None:
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
            rec = _someone()
        return rec
    finally:
        os.close(fd)


def last_run(settings: "Settings", cid: int) -> RunRecord | None:
    """This consultation's run now (``alive``), else its last one (``ended``, or ``died`` when its
    process ended mid-way), or None when no run was recorded in this data directory."""
    return _last(_path(settings, cid))


def import_in_progress(settings: "Settings", source: str) -> RunRecord | None:
    """The run importing the folder ``source`` before it runs (:func:`running_after`) now, or None."""
    rec = _last(_import_path(settings, source))
    return rec if rec is not None and rec.alive else None


def imports_in_progress(settings: "Settings") -> dict[str, RunRecord]:
    """The runs importing a folder now on this data folder, by the folder."""
    found = {}
    for path in sorted((settings.data_dir / RUNS_DIR).glob("import-*.lock")):
        rec = _last(path)
        if rec is not None and rec.alive:
            found[rec.source or path.stem] = rec
    return found


def request_stop(settings: "Settings", cid: int | str, rec: RunRecord, by: str) -> None:
    """Ask the run of ``rec`` (of consultation ``cid``, or importing the folder ``cid``) to stop:
    it raises :class:`RunStopped` at SIGTERM (the caller sends it when ``rec.stops_on_signal``) or
    before its next step (:func:`check_stop`), and records who stopped it. Written whole (a new file
    renamed), beside its lock file."""
    path = (_path(settings, cid) if isinstance(cid, int) else _import_path(settings, cid)).with_suffix(STOP_SUFFIX)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"pid": rec.pid, "started": rec.started, "by": by, "requested": _now()}),
                   encoding="utf-8")
    os.replace(tmp, path)


def check_stop(settings: "Settings", cid: int) -> None:
    """Raise :class:`RunStopped` when the run of this consultation that this thread holds was asked
    to stop (:func:`request_stop`); the graph's runner asks between two steps."""
    held = held_locks().get(_path(settings, cid))
    request = stop_request(_path(settings, cid), held["data"]) if held is not None else None
    if request is not None:
        raise RunStopped(request.get("by"))


def mark_stopped(settings: "Settings", cid: int | str, pid: int, by: str, stopped_in: str | None) -> bool:
    """Record that the run of process ``pid``, whose process has ended, was stopped by ``by`` in the
    step ``stopped_in`` (in words): taken under the lock, so only that run's record is changed, and
    only when it did not end otherwise meanwhile (it returned, or failed: a run that recorded its
    own stop is completed). Returns whether it did."""
    try:
        fd = _acquire(settings, cid)
    except RunInProgress:  # another run started meanwhile: its record is not this one's to change
        return False
    try:
        data = _read(fd)
        if data.get("pid") != pid or data.get("outcome", "stopped") != "stopped":
            return False
        _write(fd, {**data, "ended": data.get("ended") or _now(), "outcome": "stopped", "stopped_by": by,
                    "stopped_in": stopped_in})
        return True
    finally:
        os.close(fd)


def in_progress(settings: "Settings", cid: int) -> RunRecord | None:
    """The run of this consultation going on now in any process, or None."""
    rec = last_run(settings, cid)
    return rec if rec is not None and rec.alive else None


def all_in_progress(settings: "Settings") -> dict[int, RunRecord]:
    """The runs going on now in any process on this data folder (the console's, a terminal's), by
    consultation id."""
    found = {}
    for path in sorted((settings.data_dir / RUNS_DIR).glob("consultation-*.lock")):
        cid = path.stem.removeprefix("consultation-")
        rec = in_progress(settings, int(cid)) if cid.isdigit() else None
        if rec is not None:
            found[int(cid)] = rec
    return found


def detached_in_progress(settings: "Settings") -> dict[int, RunRecord]:
    """The runs going on now in a process of their own (:func:`hand_over`), by consultation id."""
    return {cid: rec for cid, rec in all_in_progress(settings).items() if rec.detached}


class Handover:
    """This consultation's run lock, held by this process for a run it starts in another one
    (:func:`hand_over`): ``fd`` goes to the new process, :meth:`started` records its pid."""

    def __init__(self, fd: int, data: dict):
        self.fd, self._data, self.pid = fd, data, None

    @property
    def env(self) -> dict[str, str]:
        """The environment entry that tells the new process which descriptor is its lock."""
        return {HANDED_LOCK_ENV: str(self.fd)}

    def started(self, pid: int) -> None:
        self.pid = pid
        _write(self.fd, {**self._data, "pid": pid})


@contextlib.contextmanager
def hand_over(settings: "Settings", cid: int, doing: str, by: str | None = None) -> Iterator[Handover]:
    """Take this consultation's run lock for a process the block starts (pass ``fd`` to it, with
    :attr:`Handover.env`, and call :meth:`Handover.started` with its pid). The lock is then held by
    the open file both processes share, so from this moment on until the new process ends, whatever
    happens to this one (a server restart): no window in which a second run could start, and the
    kernel drops it when the new process dies. Refused with :class:`RunInProgress` like
    :func:`running`; a block that raises before a process was started leaves the last record."""
    fd = _acquire(settings, cid)
    before = _read(fd)
    try:
        handover = Handover(fd, {"pid": os.getpid(), "by": by or who_am_i(), "doing": doing, "started": _now(),
                                 "detached": True, **this_machine()})
        _write(fd, handover._data)
        try:
            yield handover
        except BaseException:
            if handover.pid is None:  # nothing started: the last run's record stays true
                with contextlib.suppress(OSError):
                    _write(fd, before)
            raise
    finally:
        os.close(fd)  # the started process keeps the lock through its own descriptor
