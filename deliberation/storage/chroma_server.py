"""One vector store per data directory, shared safely by every process.

Embedded Chroma (``PersistentClient``) keeps each collection's HNSW vector index in the memory of
the process that opened it and writes it whole to ``<data dir>/chroma/<segment>/``; ids, texts
and metadata go to ``chroma.sqlite3`` beside it. Two processes on one folder therefore hold two
diverging indexes: reading records the other process added fails with Chroma's "Error finding
id", and when one process persists its stale index over the other's, the folder keeps ids in
SQLite that its HNSW files lack, so the error survives every restart (reproduced in
``tests/test_vector_sharing.py``).

So:

- ``python -m ui.launch`` (``make run``) starts ``chroma run --path <data dir>/chroma`` on
  127.0.0.1 and a free port, and records it in ``<data dir>/chroma-server.json``; every process
  that opens this data directory (the app, the CLI in a second terminal, the graph) uses that
  server while it answers (:func:`recorded_url`).
- Otherwise a process opens the folder embedded, under an exclusive lock
  (``<data dir>/chroma.lock``, :func:`lock_embedded`); a second process gets one line naming the
  process that holds it.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deliberation.errors import DeliberationError
from deliberation.words import said
from deliberation.processes import http_ok, start_listening, stop_process

if TYPE_CHECKING:
    from deliberation.config import Settings

#: The record of the data directory's Chroma server (url, pid, path), written by :func:`start`.
SERVER_FILE = "chroma-server.json"
#: The lock file of the embedded store (beside the ``chroma`` folder).
LOCK_FILE = "chroma.lock"
#: The server's log file in the data directory.
LOG_FILE = "chroma-server.log"
#: Seconds to wait for a started server to answer its heartbeat.
START_TIMEOUT_S = 60.0
#: Seconds a heartbeat or connection check may take before the server counts as not answering.
PROBE_TIMEOUT_S = 2.0


class VectorStoreBusy(DeliberationError):
    """The embedded vector store is open in another process (and no shared server answers)."""


@dataclass
class ChromaServer:
    url: str
    proc: subprocess.Popen
    record: Path

    def stop(self, timeout: float = 20) -> None:
        with contextlib.suppress(OSError):
            if json.loads(self.record.read_text(encoding="utf-8")).get("pid") == self.proc.pid:
                self.record.unlink()
        stop_process(self.proc, timeout)


def chroma_command() -> list[str]:
    """The ``chroma`` command of this Python environment."""
    exe = Path(sys.executable).with_name("chroma")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from chromadb.cli.cli import app; sys.argv[0] = 'chroma'; app()"]


def die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the server gets SIGTERM when the process that started it dies (even by SIGKILL)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def heartbeat(url: str, timeout: float = PROBE_TIMEOUT_S) -> bool:
    return http_ok(f"{url}/api/v2/heartbeat", timeout)


def start(settings: "Settings", host: str = "127.0.0.1", port: int | None = None,
          timeout: float = START_TIMEOUT_S) -> ChromaServer:
    """Start ``chroma run`` on the data directory's Chroma folder and record it; returns once it answers."""
    settings.ensure()
    path = settings.chroma_path.resolve()
    path.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    log_path = settings.data_dir / LOG_FILE

    def spawn(port: int) -> subprocess.Popen:
        with open(log_path, "ab") as log:
            return subprocess.Popen([*chroma_command(), "run", "--path", str(path), "--host", host, "--port", str(port)],
                                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                    # a session of its own: a Ctrl-C in the terminal stops the app, not this
                                    # server, which the launcher stops once no run needs it (ui/launch.py)
                                    start_new_session=True,
                                    preexec_fn=die_with_parent if sys.platform.startswith("linux") else None)

    # a port picked here and taken by another process before the server's bind: picked again
    proc, port, answered = start_listening(spawn, lambda p: heartbeat(f"http://{host}:{p}"), log_path, timeout,
                                           port=port, host=host)
    url = f"http://{host}:{port}"
    if not answered:
        if proc.poll() is None:
            proc.kill()
        raise DeliberationError(said("input.chroma_not_started", file=path, log_file=settings.data_dir / LOG_FILE))
    record = settings.data_dir / SERVER_FILE
    tmp = record.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"url": url, "pid": proc.pid, "path": str(path)}), encoding="utf-8")
    os.replace(tmp, record)
    return ChromaServer(url, proc, record)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def recorded_url(settings: "Settings") -> str | None:
    """The URL of the data directory's Chroma server if one is recorded and answers, else None."""
    try:
        rec = json.loads((settings.data_dir / SERVER_FILE).read_text(encoding="utf-8"))
        url, pid, path = str(rec["url"]), int(rec["pid"]), str(rec["path"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if path != str(settings.chroma_path.resolve()):
        return None  # a copied data directory: its record names another folder's server
    if Path("/proc").is_dir() and path not in _cmdline(pid):
        return None  # that server is gone (its pid may belong to another process now)
    return url if heartbeat(url) else None


# ---- the embedded store's lock -----------------------------------------------------------------
_held: dict[str, list[int]] = {}  # lock path -> [open file descriptor, users] (flock is per open file)


def lock_embedded(chroma_path: Path) -> None:
    """Take the exclusive lock of an embedded Chroma folder for this process (counted: every
    :func:`lock_embedded` needs an :func:`unlock_embedded`), or raise :class:`VectorStoreBusy`
    naming the process that holds it. The kernel drops the lock when the process ends."""
    lock = Path(chroma_path).resolve().parent / LOCK_FILE
    key = str(lock)
    if key in _held:
        _held[key][1] += 1
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 4096, 0).decode(errors="replace").strip() or "another process"
        os.close(fd)
        raise VectorStoreBusy(
            f"the vector store {chroma_path} is open in another process ({holder}); embedded Chroma must "
            "not be opened by two processes at once. Start the app with `make run` / `python -m ui.launch` "
            "(it starts a Chroma server that every process uses), or stop that process first.") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}: {_cmdline(os.getpid()) or sys.argv[0]}"[:4000].encode(), 0)
    _held[key] = [fd, 1]


def unlock_embedded(chroma_path: Path) -> None:
    """One user of this process fewer; the last one releases the lock (its client is closed)."""
    key = str(Path(chroma_path).resolve().parent / LOCK_FILE)
    entry = _held.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] <= 0:
        del _held[key]
        with contextlib.suppress(OSError):
            os.ftruncate(entry[0], 0)
        os.close(entry[0])  # closing the descriptor drops the flock
