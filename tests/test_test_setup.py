"""The test suite's own setup (tests/conftest.py) works without pytest-xdist: its scheduler hook for
``make test`` (two xdist workers by default, PYTEST_WORKERS=2) is optional. As a plain hook, pytest
refused every run where xdist is not loaded (``-p no:xdist``, or a venv without the test extra's
pytest-xdist) with "INTERNALERROR ... unknown hook 'pytest_xdist_make_scheduler'", before collecting a single test."""

from __future__ import annotations

import subprocess
import sys

from conftest import CLI_ENV, REPO

#: seconds the collection of one small test module may take on a loaded machine
COLLECT_TIMEOUT_S = 120


def test_the_tests_collect_without_pytest_xdist():
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "--collect-only",
                           "-q", "tests/test_wording.py"], cwd=REPO, env=CLI_ENV, capture_output=True, text=True,
                          timeout=COLLECT_TIMEOUT_S)
    said = done.stdout + done.stderr
    assert done.returncode == 0 and "unknown hook" not in said, said[-2000:]
    assert "test_wording.py::" in said, said[-2000:]
