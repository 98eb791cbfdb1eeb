"""Free ports when pytest-xdist runs the tests in several worker processes at once (``make test
PYTEST_WORKERS=2``).

Every server a test starts (Streamlit, Chroma, PostgreSQL, llama.cpp) listens on a port that
:func:`deliberation.processes.free_port` asked the kernel for. Between that question and the
server's own ``bind`` the port is free again, and so is a port between a server's stop and its
restart on the same address (tests/test_room_browser.py, tests/test_restart_browser.py): another
worker's ``free_port`` could be handed that very port. :func:`install` makes each worker take only
its own share of the kernel's picks, so no two workers can ever pick the same port. Outside xdist,
or with one worker, it changes nothing.
"""

from __future__ import annotations

import os
import sys

import deliberation.processes as processes

#: kernel picks :func:`free_port` may discard before it gives up: each pick is this worker's with
#: probability 1/workers, so 200 misses in a row do not happen unless something is wrong
MAX_PICKS = 200

_kernel_free_port = processes.free_port


def worker_share() -> tuple[int, int]:
    """``(index, workers)`` of this pytest-xdist worker (``gw0`` -> 0); ``(0, 1)`` outside xdist."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    try:
        workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    except ValueError:
        workers = 1
    if not name.startswith("gw") or not name[2:].isdigit() or workers < 2:
        return 0, 1
    return int(name[2:]) % workers, workers


def free_port(host: str = "127.0.0.1") -> int:
    """A port of ``host`` nothing listens on, from this worker's share: ``(port // 2) % workers ==
    index`` (Linux hands ``bind(("", 0))`` odd ports only, so the share is taken on ``port // 2``)."""
    index, workers = worker_share()
    for _ in range(MAX_PICKS):
        port = _kernel_free_port(host)
        if (port // 2) % workers == index:
            return port
    raise RuntimeError(f"free_port: {MAX_PICKS} ports of {host} in a row were not worker {index}'s of {workers}")


def install() -> None:
    """Under xdist with two or more workers, make every ``free_port`` of this process (the one of
    deliberation.processes and each module that imported it by name) :func:`free_port`."""
    if worker_share()[1] < 2:
        return
    for module in list(sys.modules.values()):
        if getattr(module, "free_port", None) is _kernel_free_port:
            module.free_port = free_port
