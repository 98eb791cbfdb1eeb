"""Local server processes: a free port to start one on, waiting until it answers, and stopping it.

The one home of these steps for every server this project starts: the data directory's Chroma
server (``storage/chroma_server.py``) and the tests' servers (Streamlit, llama.cpp, Chroma).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

#: Times a server started on a port :func:`free_port` picked is started again on a new pick when it
#: ended because another process took that port between the pick and the server's own bind (the
#: kernel hands a port it picked to the next asker too: about once in 20,000 starts here).
PORT_RETRIES = 3
#: What a server that could not listen on its port writes to its log: the kernel's EADDRINUSE as
#: Python and PostgreSQL say it, Streamlit's "Port 8501 is not available" (exit status 1) and Chroma's
#: "Address 127.0.0.1:8000 is not available" (exit status 0).
PORT_TAKEN = re.compile(r"address already in use|\b(?:Port \d+|Address \S+) is not available",
                        re.IGNORECASE)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port of ``host`` that nothing listens on right now (the kernel's pick)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def http_ok(url: str, timeout: float) -> bool:
    """True when a GET of ``url`` answers 200 within ``timeout`` seconds; False when it fails or
    does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status == 200
    except (OSError, ValueError):
        return False


def wait_until_answers(answers: Callable[[], bool], proc: subprocess.Popen, timeout: float,
                       poll_s: float = 0.1) -> bool:
    """Ask ``answers()`` every ``poll_s`` seconds until it says True (returns True), or until
    ``proc`` has exited or ``timeout`` seconds have passed (returns False; ``proc`` is left as it
    is, for the caller to report and stop)."""
    deadline = time.monotonic() + timeout
    while not answers():
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(poll_s)
    return True


def start_listening(spawn: Callable[[int], subprocess.Popen], answers: Callable[[int], bool], log: Path,
                    timeout: float, *, port: int | None = None, host: str = "127.0.0.1",
                    poll_s: float = 0.1) -> tuple[subprocess.Popen, int, bool]:
    """Start a server with ``spawn(port)`` (its output appended to ``log``) and wait until
    ``answers(port)`` (:func:`wait_until_answers`) from a socket of its own (:func:`listens`): on
    ``port``, or on a port :func:`free_port` picks, picked again (at most :data:`PORT_RETRIES`
    times) when the server ended because another process took that port between the pick and the
    server's own bind (its log says so: :data:`PORT_TAKEN`).
    Returns the process, its port and whether it answered; when it did not, the process is left as
    it is, for the caller to report and stop."""
    for attempt in range(PORT_RETRIES + 1):
        chosen = port or free_port(host)
        start = log.stat().st_size if log.exists() else 0
        proc = spawn(chosen)
        # what answers must be this process: another's server that took the port first answers too
        if wait_until_answers(lambda: answers(chosen) and listens(proc, chosen), proc, timeout, poll_s):
            return proc, chosen, True
        if port is not None or attempt == PORT_RETRIES or not port_taken(proc, log, start):
            return proc, chosen, False
    raise AssertionError("unreachable: the last attempt returns")


def listens(proc: subprocess.Popen, port: int) -> bool:
    """Whether the TCP socket that listens on ``port`` is ``proc``'s or one of the processes it
    started (Linux's /proc): a server that answers on a port we picked may be another's, which took
    the port between our pick and our server's own bind. True where /proc cannot tell."""
    inodes = _listening_sockets(port)
    if inodes is None:
        return True
    for pid in _family(proc.pid):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:  # ended meanwhile
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return True
            except OSError:
                continue
    return False


def _listening_sockets(port: int) -> set[str] | None:
    """``socket:[inode]`` of each socket listening on ``port`` (IPv4 or IPv6); None without /proc."""
    found, readable = set(), False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        readable = True
        for row in rows:
            f = row.split()  # sl local_address rem_address st ... inode; st 0A = LISTEN
            if len(f) > 9 and f[3] == "0A" and int(f[1].rpartition(":")[2], 16) == port:
                found.add(f"socket:[{f[9]}]")
    return found if readable else None


def _family(pid: int) -> list[int]:
    """``pid`` and every process below it (parents read from /proc/<pid>/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            children.setdefault(int(stat.rpartition(")")[2].split()[1]), []).append(int(entry))
    family, todo = [], [pid]
    while todo:
        family.append(todo.pop())
        todo += children.get(family[-1], [])
    return family


def port_taken(proc: subprocess.Popen, log: Path, start: int = 0) -> bool:
    """Whether ``proc`` has ended because its port was taken: its ``log``, from byte ``start`` (what it
    wrote), says so (:func:`log_says_port_taken`)."""
    return proc.poll() is not None and log_says_port_taken(log, start)


def log_says_port_taken(log: Path, start: int = 0) -> bool:
    """Whether a server's ``log``, from byte ``start``, says it could not listen on its port because
    another process holds it (:data:`PORT_TAKEN`)."""
    try:
        with open(log, "rb") as f:
            f.seek(start)
            written = f.read().decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(PORT_TAKEN.search(written))


def stop_process(proc: subprocess.Popen, timeout: float) -> None:
    """End ``proc``: SIGTERM, then SIGKILL when it has not ended after ``timeout`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
