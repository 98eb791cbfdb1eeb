"""A server started on a port that deliberation.processes.free_port picked, when another process takes
that port between the pick and the server's own bind (the kernel hands a port it picked to the next
asker too: about once in 20,000 starts here): the server ended with "Address already in use" and the
start failed (the data folder's Chroma server: "the vector store's server did not start"; a test's
Streamlit server: a failed test). deliberation.processes.start_listening picks another port then.
The collision is forced: the first pick is a port this test holds bound itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

import deliberation.processes as processes
from deliberation.processes import PORT_RETRIES, http_ok, start_listening, stop_process


@pytest.fixture
def taken_first(monkeypatch):
    """A port of 127.0.0.1 this test holds bound, handed out by the next free_port;
    the picks after it are the kernel's. Yields (that port, the ports handed out)."""
    real = processes.free_port
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        # bound, not listening: the server's bind fails as on a listening one, and a probe is refused at once
        taken = held.getsockname()[1]
        handed: list[int] = []

        def pick(host: str = "127.0.0.1") -> int:
            handed.append(taken if not handed else real(host))
            return handed[-1]

        monkeypatch.setattr(processes, "free_port", pick)
        yield taken, handed


@pytest.fixture
def answered_first(monkeypatch):
    """A port of 127.0.0.1 where another server (an HTTP server of this test process) listens and
    answers, handed out by the next free_port: what another program's server that took our pick
    before our server's bind looks like. Yields (that port, the ports handed out)."""
    import threading
    from http.server import HTTPServer, SimpleHTTPRequestHandler

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    real = processes.free_port
    foreign = HTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    taken = foreign.server_address[1]
    handed: list[int] = []

    def pick(host: str = "127.0.0.1") -> int:
        handed.append(taken if not handed else real(host))
        return handed[-1]

    monkeypatch.setattr(processes, "free_port", pick)
    try:
        yield taken, handed
    finally:
        foreign.shutdown()
        foreign.server_close()


def _http_server(log):
    def spawn(port: int) -> subprocess.Popen:
        with open(log, "ab") as out:
            return subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return spawn


def _answers(port: int) -> bool:
    return http_ok(f"http://127.0.0.1:{port}/", timeout=1)


def test_a_server_whose_picked_port_was_taken_starts_on_another(taken_first, tmp_path):
    taken, handed = taken_first
    log = tmp_path / "server.log"
    proc, port, answered = start_listening(_http_server(log), _answers, log, timeout=60)
    try:
        assert answered and port != taken and handed == [taken, port], (handed, port)
        assert _answers(port)
        assert "Address already in use" in log.read_text(encoding="utf-8")  # the first try's own bind
    finally:
        stop_process(proc, 10)


def test_another_server_answering_on_the_picked_port_is_not_taken_for_ours(answered_first, tmp_path):
    """Another program's server took our pick first and answers there as ours would (another test
    run's app server on a busy machine): start_listening took it for ours, returned at once, and the
    test talked to that server while ours ended on "Address already in use"."""
    taken, handed = answered_first
    log = tmp_path / "server.log"
    proc, port, answered = start_listening(_http_server(log), _answers, log, timeout=60)
    try:
        assert answered and port != taken and handed == [taken, port], (handed, port)
        assert proc.poll() is None and processes.listens(proc, port) and _answers(port)
        assert "Address already in use" in log.read_text(encoding="utf-8")  # the first try's own bind
    finally:
        stop_process(proc, 10)


def test_a_port_the_caller_chose_or_a_server_failing_otherwise_is_not_tried_again(taken_first, tmp_path):
    taken, handed = taken_first
    log = tmp_path / "server.log"
    proc, port, answered = start_listening(_http_server(log), _answers, log, timeout=60, port=taken)
    assert (port, answered, handed) == (taken, False, []) and proc.poll() is not None

    def failing(port: int) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    proc, port, answered = start_listening(failing, _answers, log, timeout=60)
    assert (answered, proc.wait(), len(handed)) == (False, 3, 1)
    assert PORT_RETRIES >= 1


def test_the_data_folders_chroma_server_starts_on_another_port_when_its_pick_was_taken(taken_first, tmp_path):
    pytest.importorskip("chromadb")
    from deliberation.config import Settings
    from deliberation.storage import chroma_server

    taken, handed = taken_first
    settings = Settings(data_dir=tmp_path / "data").ensure()
    server = chroma_server.start(settings)
    try:
        assert server.url == f"http://127.0.0.1:{handed[-1]}" and len(handed) == 2 and handed[0] == taken, handed
        assert chroma_server.recorded_url(settings) == server.url
        assert f"Address 127.0.0.1:{taken} is not available" in (settings.data_dir / chroma_server.LOG_FILE).read_text()
    finally:
        stop_process(server.proc, 10)


def test_a_streamlit_server_whose_port_was_taken_is_read_as_such(taken_first, tmp_path):
    """tests/ui_helpers.start_server starts the app through start_listening: what Streamlit says when its
    port is taken ("Port N is not available", exit status 1) is read as a taken port (one failed
    start only: the retry itself is the first test's)."""
    from deliberation.processes import port_taken
    from ui.launch import streamlit_args

    taken, _handed = taken_first
    log = tmp_path / "streamlit.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(streamlit_args(taken), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, "DELIBERATION_DATA": str(tmp_path / "data")})
    try:
        assert proc.wait(timeout=120) == 1
    finally:
        stop_process(proc, 10)
    assert port_taken(proc, log), log.read_text(encoding="utf-8")


def test_the_tests_postgresql_starts_on_another_port_when_its_pick_was_taken(taken_first, monkeypatch):
    """tests/pg.py's throwaway cluster (the PostgreSQL tests outside .ci/run): pg_ctl failed with
    "could not bind IPv4 address ...: Address already in use" and every PostgreSQL test of the worker
    failed with it."""
    import pg

    taken, handed = taken_first
    monkeypatch.setattr(pg, "free_port", processes.free_port)  # pg.py took the name at its import
    url, stop = pg._start_cluster()
    try:
        assert url.endswith(f"@127.0.0.1:{handed[-1]}/postgres") and len(handed) == 2 and handed[0] == taken, handed
        pg._wait_until_ready(url)
    finally:
        stop()
