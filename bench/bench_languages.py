"""Cost of the language detector's first batch in a fresh process (an import, a first analysis).

    .venv/bin/python bench/bench_languages.py [--rounds 4] [--n 1000]

Each round runs two fresh interpreters on the same ``--n`` texts (real statements from
``../shared/corpora/*/comments.csv`` when present, else the bilingual test statements in
tests/data/multilingual, repeated), and reads each one's CPU time (user + system) around the batch:

* baseline: Lingua's own batch call (``detect_languages_in_parallel_of``) on a cold detector, its
  parallel workers loading the language models as they need them;
* ours: :func:`deliberation.text.detect_languages`, which detects the first text alone (loading the
  models on one thread) and the rest in parallel.

Both must give the same languages (checked). The two are alternated round by round; the figure per
path is its median, the ratio ours / baseline. CPU time rather than wall time: on a shared machine
the wall time moves with the load.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"

_PROBE = """
import json, sys, time
texts = json.load(open(sys.argv[1]))
from deliberation.text import languages as L
t = time.process_time()
if sys.argv[2] == "baseline":
    codes = [L._code(x) for x in L._detector().detect_languages_in_parallel_of(texts)]
else:
    codes = L.detect_languages(texts)
print(json.dumps({"cpu": time.process_time() - t, "codes": codes}))
"""


def statements(n: int) -> list[str]:
    texts: list[str] = []
    for path in sorted(CORPORA.glob("*/comments.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            texts += [row["comment-body"] for row in csv.DictReader(f) if row.get("comment-body", "").strip()]
    if not texts:
        for path in sorted((ROOT / "tests" / "data" / "multilingual").glob("*.jsonl")):
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            texts += [v for row in rows for k, v in row.items()
                      if k not in ("id", "topic", "subject", "language") and isinstance(v, str)]
    texts = list(dict.fromkeys(texts))
    return (texts * (n // max(1, len(texts)) + 1))[:n] if len(texts) < n else texts[:n]


def run(path: Path, mode: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", _PROBE, str(path), mode], capture_output=True, text=True, env=env,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    texts = statements(args.n)
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-languages-{os.getpid()}.json"
    path.write_text(json.dumps(texts), encoding="utf-8")
    try:
        base, ours = [], []
        for _ in range(args.rounds):
            b, o = run(path, "baseline"), run(path, "ours")
            if b["codes"] != o["codes"]:
                raise SystemExit("the two paths told different languages: a bug")
            base.append(b["cpu"])
            ours.append(o["cpu"])
    finally:
        path.unlink(missing_ok=True)
    print(f"texts: {len(texts)} ({'../shared/corpora' if CORPORA.is_dir() else 'tests/data/multilingual'}), "
          f"rounds: {args.rounds}, same languages: yes")
    print(f"baseline, Lingua's parallel batch on a cold detector: {statistics.median(base):.2f} CPU s "
          f"({', '.join(f'{x:.2f}' for x in base)})")
    print(f"ours, first text alone then the batch:               {statistics.median(ours):.2f} CPU s "
          f"({', '.join(f'{x:.2f}' for x in ours)})")
    print(f"ratio ours / baseline: {statistics.median(ours) / statistics.median(base):.2f}")


if __name__ == "__main__":
    main()
