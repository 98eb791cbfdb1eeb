"""What the console's runs in a process of their own cost the moderator in waiting: the sample
consultation (corpora/harbour-road) imported into a temporary folder, copied, and the same console
actions (a run from the start, the review's "Approve all", the close of the vote) run on one copy
in this process, warm (as a run in the app's process was: libraries and models loaded), and on the
other in a process of its own (graphs/runner_process.py, as the console starts it: the time until
its lock is free). Prints both and their ratio.

    nice .venv/bin/python bench/bench_console_run.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deliberation.config import SAMPLE_CORPUS, Settings  # noqa: E402
from deliberation.importers.polis import read_polis_export  # noqa: E402
from deliberation.services import import_bundle  # noqa: E402
from deliberation.storage import runs  # noqa: E402
from graphs import runner, runner_process  # noqa: E402

#: Seconds between two looks at the run lock (the console looks every 0.5 s; finer here).
POLL_S = 0.02
APPROVE_ALL = {"reviewer": "bench", "approve_all": True}


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _own(settings: Settings, cid: int, launch) -> float:
    def go() -> None:
        launch()
        while runs.in_progress(settings, cid) is not None:
            time.sleep(POLL_S)
    return _timed(go)


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="bench-console-run-"))
    try:
        warm = Settings(data_dir=base / "warm").ensure()
        rep = import_bundle(warm, read_polis_export(SAMPLE_CORPUS), secret="bench-console-run")
        cid = rep.consultation_id
        cold = _timed(lambda: runner.start(warm, cid))  # loads the libraries and models once
        shutil.copytree(warm.data_dir, base / "own")
        own = Settings(data_dir=base / "own")
        rows = [("run from the start", _timed(lambda: runner.start(warm, cid)),
                 _own(own, cid, lambda: runner_process.launch_start(own, cid)))]
        rows.append(("review: approve all", _timed(lambda: runner.resume(warm, cid, APPROVE_ALL)),
                     _own(own, cid, lambda: runner_process.launch_resume(own, cid, APPROVE_ALL))))
        runner.open_voting(warm, cid)
        runner.open_voting(own, cid)
        rows.append(("close voting and count", _timed(lambda: runner.resume(warm, cid, {"close": True})),
                     _own(own, cid, lambda: runner_process.launch_resume(own, cid, {"close": True}))))
        assert runner.status(own, cid).finished and runner.status(warm, cid).finished
        print(f"sample consultation {cid}; the first run in this process (cold): {cold:.1f} s")
        for name, in_app, in_own in rows:
            print(f"{name}: warm in this process {in_app:.2f} s, in a process of its own {in_own:.2f} s "
                  f"({in_own / in_app:.1f}x)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
