"""Start-up cost of the entry points: CPU seconds and peak memory of importing each one in a fresh process.

    .venv/bin/python bench/bench_imports.py [--rounds 5] [--against /path/to/other/checkout]

For each entry point (the graph runner, both command lines, the pages' shared module, the opinion
groups) it imports the module in a fresh interpreter and reads the process's CPU time (user +
system) and peak resident set. The baseline, measured in the same run and alternated round by
round, is the third-party floor: the libraries that entry point cannot start without (LangGraph,
SQLAlchemy, numpy, pydantic, typer, Streamlit), so the ratio is what our own code adds on top.
``--against DIR`` also measures the same imports from another checkout (e.g. an older commit,
``git archive <commit> | tar -x -C DIR``) in the same rounds and prints that ratio too.

CPU time rather than wall time: on a shared machine the wall time of a one-second import moves by
50-100% with the load. Which module pulls in what: ``python -X importtime -c "import <module>"``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: entry point -> the third-party imports it needs anyway (its floor)
ENTRY_POINTS = {
    "graphs.runner": "import numpy, pydantic, sqlalchemy.orm, langgraph.graph, langgraph.types, "
                     "langgraph.checkpoint.sqlite",
    "graphs.cli": "import numpy, pydantic, sqlalchemy.orm, typer, rich.console",
    "deliberation.cli": "import numpy, pydantic, sqlalchemy.orm, typer, rich.console",
    "ui.common": "import numpy, pydantic, sqlalchemy.orm, streamlit",
    "deliberation.analysis.groups": "import numpy",
}

_PROBE = """
import resource, sys, time
{code}
u = resource.getrusage(resource.RUSAGE_SELF)
print(u.ru_utime + u.ru_stime, u.ru_maxrss / 1024)
"""


def measure(code: str, tree: Path) -> tuple[float, float]:
    """(CPU s, peak RSS MB) of a fresh interpreter running ``code`` with ``tree`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    res = subprocess.run([sys.executable, "-c", _PROBE.format(code=code)], cwd=tree, env=env,
                         capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        raise SystemExit(f"{code!r} failed in {tree}:\n{res.stderr[-2000:]}")
    cpu, rss = res.stdout.split()[-2:]
    return float(cpu), float(rss)


def _has(tree: Path, module: str) -> bool:
    base = tree.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def run(rounds: int, against: Path | None) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Every measurement, alternated round by round: {entry point: {column: [(cpu, rss), ...]}}."""
    out: dict[str, dict[str, list[tuple[float, float]]]] = {
        m: {"bare": [], "floor": [], "ours": [], "against": []} for m in ENTRY_POINTS}
    for r in range(rounds):
        for module, floor in ENTRY_POINTS.items():
            cols = out[module]
            cols["bare"].append(measure("pass", ROOT))
            cols["floor"].append(measure(floor, ROOT))
            cols["ours"].append(measure(f"import {module}", ROOT))
            if against is not None and _has(against, module):
                cols["against"].append(measure(f"import {module}", against))
        print(f"round {r + 1}/{rounds} done (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
    return out


def _med(xs: list[tuple[float, float]], i: int) -> float:
    return statistics.median(x[i] for x in xs)


def report(out: dict, against: Path | None) -> None:
    print(f"{'entry point':30s} {'CPU s':>6s} {'+MB':>5s} | {'floor CPU':>9s} {'+MB':>5s} | "
          f"{'ours/floor CPU':>14s} {'+MB':>6s}" + (f" | {'against CPU':>11s} {'+MB':>5s} {'ours/against':>12s}"
                                                   if against else ""))
    for module, cols in out.items():
        bare_mb = _med(cols["bare"], 1)
        cpu, mb = _med(cols["ours"], 0), _med(cols["ours"], 1) - bare_mb
        fcpu, fmb = _med(cols["floor"], 0), _med(cols["floor"], 1) - bare_mb
        line = (f"{module:30s} {cpu:6.2f} {mb:5.0f} | {fcpu:9.2f} {fmb:5.0f} | "
                f"{cpu / fcpu:13.2f}x {mb / max(fmb, 1):5.2f}x")
        if against is not None and not cols["against"]:
            line += f" | {'(not in that checkout)':>30s}"
        elif against is not None:
            acpu, amb = _med(cols["against"], 0), _med(cols["against"], 1) - bare_mb
            line += f" | {acpu:11.2f} {amb:5.0f} {cpu / acpu:11.2f}x"
        print(line)
    print("\nCPU s: user + system of the whole process (median of the rounds); +MB: peak RSS above a bare "
          "interpreter's. floor: the third-party libraries the entry point needs anyway (ENTRY_POINTS).")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--against", type=Path, help="another checkout to measure in the same rounds")
    args = ap.parse_args()
    against = args.against.resolve() if args.against else None
    report(run(args.rounds, against), against)


if __name__ == "__main__":
    main()
