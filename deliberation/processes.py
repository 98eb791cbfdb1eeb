"""Local server processes: a free port to start one on, waiting until it answers, and stopping it.

The one home of these steps for every server this project starts: the data directory's Chroma
server (``storage/chroma_server.py``) and the tests' servers (Streamlit, llama.cpp, Chroma).
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable


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


def stop_process(proc: subprocess.Popen, timeout: float) -> None:
    """End ``proc``: SIGTERM, then SIGKILL when it has not ended after ``timeout`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
