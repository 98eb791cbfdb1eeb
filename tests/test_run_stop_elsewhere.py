"""A Stop for a console run whose process runs in another container sharing the data volume is
refused in words: the flock works across containers, but the recorded pid names a process only in
the launching container's pid namespace, so signalling it here would end some other process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from deliberation.config import Settings
from deliberation.errors import DeliberationError
from deliberation.storage import runs
from graphs import runner_process


def test_a_stop_from_another_container_is_refused_and_signals_nothing(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    cid = 1
    with runs.hand_over(settings, cid, "a run from the start") as handover:  # a real process holds the lock
        proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE,
                                pass_fds=(handover.fd,), start_new_session=True)
        handover.started(proc.pid)
    try:
        rec = runs.in_progress(settings, cid)
        assert rec is not None and rec.pid == proc.pid and not rec.started_elsewhere()
        assert (rec.host, rec.pid_ns) == tuple(runs.this_machine().values())
        # the record as the app in another container wrote it (our own data, not a double)
        lock = tmp_path / "data" / runs.RUNS_DIR / f"consultation-{cid}.lock"
        data = json.loads(lock.read_text())
        lock.write_text(json.dumps({**data, "host": "app-b", "pid_ns": "pid:[4026531999]"}))
        rec = runs.in_progress(settings, cid)
        assert rec is not None and rec.started_elsewhere()
        with pytest.raises(DeliberationError, match="this run was started on app-b; stop it there"):
            runner_process.stop(settings, cid, proc.pid)
        assert proc.poll() is None  # not signalled
        assert runs.in_progress(settings, cid) is not None  # and still recorded as running
    finally:
        proc.kill()
        proc.wait()
