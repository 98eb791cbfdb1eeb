"""How a run is stopped where it runs (deliberation/storage/runs.py): :class:`RunStopped`, raised in
the run by SIGTERM (in a process whose main thread runs it) or before its next step when a stop
request beside its lock file names it; and the locks each thread holds, which say which run a
signal or a request is for."""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path

from deliberation.words import said

#: The suffix of a run's stop request beside its lock file (``runs.request_stop``).
STOP_SUFFIX = ".stop"


class RunStopped(KeyboardInterrupt):
    """This process's run was asked to stop (``runs.request_stop``): raised in the run by SIGTERM or
    before its next step. A KeyboardInterrupt, so that it unwinds as Ctrl-C does everywhere."""

    def __init__(self, by: str | None):
        super().__init__(by)
        #: who asked, in words ("the command line (deliberation stop 3)"), or None (a bare SIGTERM)
        self.by = by

    def words(self) -> str:
        return said("run.stopped_by", by=self.by or STOPPED_BY_SIGNAL)


#: Who stopped a run whose process got SIGTERM without a stop request (a service manager, ``kill``).
STOPPED_BY_SIGNAL = said("run.by.signal")


#: The locks this thread holds, by lock file: ``{"fd": descriptor, "data": its record}``. A run
#: nested in one of this thread's (the command line takes the lock before it imports, then runs the
#: graph under it) runs under the same lock.
_HELD = threading.local()
#: SIGTERM's handler before this process's first run in its main thread installed :func:`_on_sigterm`.
_SIGTERM_BEFORE: list = []
#: s: how long after a dropped :class:`RunStopped` it is raised again while the main thread still holds a
#: run's lock. Python drops an exception raised where it cannot go on (a weakref callback or ``__del__``,
#: which the garbage collector runs wherever the signal's handler then runs: "Exception ignored in ..."):
#: the run went on as if never stopped, and ``deliberation stop`` waited, then killed it (the app's
#: launcher with its sample import). Only a stop Python reports dropped (``sys.unraisablehook``) is raised
#: again, on SIGALRM, in the main thread: a stop that unwinds as it should lets the run's cleanup finish.
RESTOP_S = 0.5
#: Who SIGTERM's stop was from (``[by]``) while the run has not unwound it and :func:`_stop_again` takes
#: SIGALRM (only when nothing else did: a process's alarm of its own is left alone, as its SIGTERM is).
_STOPPING: list = []
#: ``sys.unraisablehook`` before :func:`_on_dropped` wrapped it, while a stop is unwinding (``[hook]``).
_HOOK_BEFORE: list = []


def held_locks() -> dict[Path, dict]:
    """The locks this thread holds, by lock file."""
    if not hasattr(_HELD, "locks"):
        _HELD.locks = {}
    return _HELD.locks


def stop_request(path: Path, data: dict) -> dict | None:
    """The stop request beside ``path`` for the run ``data`` records (same pid and start), or None."""
    try:
        request = json.loads(path.with_suffix(STOP_SUFFIX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    mine = isinstance(request, dict) and request.get("pid") == data.get("pid") and \
        request.get("started") == data.get("started")
    return request if mine else None


def _on_sigterm(signum, frame) -> None:
    """SIGTERM in a process whose main thread runs a graph: stop that run (:class:`RunStopped`)."""
    request = next((r for p, h in list(held_locks().items()) if (r := stop_request(p, h["data"]))), None)
    by = request.get("by") if request else None
    if _STOPPING or signal.getsignal(signal.SIGALRM) is signal.SIG_DFL:
        signal.signal(signal.SIGALRM, _stop_again)
        _STOPPING[:] = [by]
        if not _HOOK_BEFORE:
            _HOOK_BEFORE.append(sys.unraisablehook)
            sys.unraisablehook = _on_dropped
    raise RunStopped(by)


def _on_dropped(unraisable) -> None:
    """Python dropped an exception where it could not go on (a finalizer): when it is the run's stop,
    :func:`_stop_again` raises it again RESTOP_S later; the hook before says it as it would have."""
    if _STOPPING and isinstance(unraisable.exc_value, RunStopped):
        signal.setitimer(signal.ITIMER_REAL, RESTOP_S)
    (_HOOK_BEFORE[0] if _HOOK_BEFORE else sys.__unraisablehook__)(unraisable)


def _stop_again(signum, frame) -> None:
    """SIGALRM, RESTOP_S after a dropped stop: the run still holds its lock: raised again (dropped once
    more, :func:`_on_dropped` sets the alarm again)."""
    if _STOPPING and held_locks():
        raise RunStopped(_STOPPING[0])


def unwound() -> None:
    """The run of this thread unwound its :class:`RunStopped` (``runs._holding``) or ended: not raised
    again, and SIGALRM's handler as it was."""
    if _STOPPING and threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)
        _STOPPING.clear()
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        if _HOOK_BEFORE and sys.unraisablehook is _on_dropped:
            sys.unraisablehook = _HOOK_BEFORE.pop()
        _HOOK_BEFORE.clear()


def takes_sigterm() -> bool:
    """Install :func:`_on_sigterm` when this is the main thread and SIGTERM is not handled otherwise
    (an app server's thread, or a process with a handler of its own, is never signalled); True when
    this thread's run ends on SIGTERM."""
    if threading.current_thread() is not threading.main_thread():
        return False
    now = signal.getsignal(signal.SIGTERM)
    if now is _on_sigterm:
        return True
    if now not in (signal.SIG_DFL, None):
        return False
    _SIGTERM_BEFORE[:] = [now]
    signal.signal(signal.SIGTERM, _on_sigterm)
    return True


def release_sigterm() -> None:
    """SIGTERM's handler back as it was once this thread (the main one) holds no lock any more."""
    if not held_locks() and _SIGTERM_BEFORE and threading.current_thread() is threading.main_thread():
        unwound()
        signal.signal(signal.SIGTERM, _SIGTERM_BEFORE.pop())
