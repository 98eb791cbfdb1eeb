"""Two imports of one folder at once: the second is refused in words naming the first's process
(exit 2), whether it is ``deliberation import-polis`` again or the launcher's first import of the
sample (``make run``), and imports nothing beside it. Both took no lock before: each imported it.

Real components: ``python -m graphs.cli import-polis`` in subprocesses on one data folder (SQLite on
disk; ``--no-embed``: the folder's lock is under test, not the vector store), the launcher's
``ensure_sample`` in this process."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from conftest import CLI, CLI_ENV, REPO, SAMPLE, run_cli
from deliberation.config import Settings
from deliberation.storage import Store, runs

#: Seconds the first import may take to take its lock on a loaded 2-core machine.
WAIT_S = 120


def test_a_second_import_of_a_folder_at_once_is_refused_naming_the_first(tmp_path, monkeypatch):
    from ui.launch import ensure_sample

    monkeypatch.setattr(runs, "ACQUIRE_WAIT_S", 0.2)  # this process's wait for the lock: refused sooner
    data, settings = tmp_path / "data", Settings(data_dir=tmp_path / "data")
    first = subprocess.Popen([*CLI, "--data-dir", str(data), "import-polis", str(SAMPLE), "--no-embed"], cwd=REPO,
                             env=CLI_ENV, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    deadline = time.monotonic() + WAIT_S
    while (importing := runs.import_in_progress(settings, str(SAMPLE))) is None and first.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.02)
    assert importing is not None and importing.pid == first.pid, first.communicate()
    os.kill(first.pid, signal.SIGSTOP)  # held inside its import while the others try
    try:
        second = run_cli(data, "import-polis", str(SAMPLE), "--no-embed", check=False)
        try:
            ensure_sample(settings, say=lambda _: None)
            launcher = "imported"
        except runs.RunInProgress as e:
            launcher = str(e)
    finally:
        os.kill(first.pid, signal.SIGKILL)  # its import is one transaction: nothing of it is kept
        first.communicate(timeout=WAIT_S)
    refused = " ".join((second.stdout + second.stderr).split())
    assert second.returncode == 2, refused
    assert (f"{SAMPLE.resolve()} is being imported right now (importing the folder as a new consultation, started "
            f"from the command line (deliberation import-polis {SAMPLE}), pid {first.pid},") in refused, refused
    assert "is being imported right now (importing the folder as a new consultation" in launcher, launcher
    assert f"pid {first.pid}," in launcher, launcher
    assert Store(settings).list_consultations() == []  # neither imported it beside the first
