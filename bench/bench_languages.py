"""Cost of the language detector's first batch in a fresh process (an import, a first analysis).

    .venv/bin/python bench/bench_languages.py [--rounds 4] [--n 1000]
    .venv/bin/python bench/bench_languages.py --alternatives

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

``--alternatives`` (one fresh interpreter): why the detector loads what it loads. The CPU time of the
models each n-gram length adds (Lingua loads a language's 1- to 5-gram models for a text under 120
characters, trigrams alone for a longer one), then how many of the statements (every one of
``../shared/corpora``, by conversation) each cheaper detector tells differently from the project's:
Lingua restricted to the four languages the app speaks, and its low-accuracy mode (trigrams only).
A cheaper detector is only an option when it differs on none; the baseline is the project's detector
in the same run.
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


_ALTERNATIVES = """
import json, sys, time
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
from deliberation.text import languages as L
def build(codes, low=False):
    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    b = LanguageDetectorBuilder.from_languages(*langs).with_minimum_relative_distance(L.MIN_RELATIVE_DISTANCE)
    return (b.with_low_accuracy_mode() if low else b).build()
ours = L._detector()
load = {}
for n in range(1, 6):  # a text of n letters loads the 1- to n-gram models (the lengths below are loaded)
    t = time.process_time(); ours.detect_language_of("abcde"[:n]); load[n] = time.process_time() - t
sets = json.load(open(sys.argv[1]))
alts = {"four spoken languages": build(["en", "de", "fr", "es"]), "low accuracy": build(L.LANGUAGES, True)}
out = {"load": load, "sets": {}}
for name, texts in sets.items():
    mine = [L._code(x) for x in ours.detect_languages_in_parallel_of(texts)]
    row = {"texts": len(texts), "long": sum(len(t) >= 120 for t in texts)}
    for alt, det in alts.items():
        row[alt] = sum(a != b for a, b in zip(mine, (L._code(x) for x in det.detect_languages_in_parallel_of(texts))))
    out["sets"][name] = row
print(json.dumps(out))
"""


def alternatives() -> None:
    """``--alternatives``: see the module's docstring."""
    sets = {}
    for path in sorted(CORPORA.glob("*/comments.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows = [row["comment-body"] for row in csv.DictReader(f) if row.get("comment-body", "").strip()]
        sets[path.parent.name] = list(dict.fromkeys(rows))
    if not sets:
        raise SystemExit(f"--alternatives needs the real statements of {CORPORA}")
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-languages-alt-{os.getpid()}.json"
    path.write_text(json.dumps(sets), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    try:
        out = json.loads(subprocess.run([sys.executable, "-c", _ALTERNATIVES, str(path)], capture_output=True,
                                        text=True, env=env, check=True).stdout.strip().splitlines()[-1])
    finally:
        path.unlink(missing_ok=True)
    print("CPU s to load the models of each n-gram length (the project's 18 languages; a Latin-script text "
          "loads the 12 Latin-script ones): " + ", ".join(f"{n}-grams {s:.2f}" for n, s in out["load"].items()))
    print(f"{'conversation':45s} {'texts':>6s} {'>=120 chars':>12s} {'4 languages':>12s} {'low accuracy':>13s}")
    for name, r in out["sets"].items():
        print(f"{name:45s} {r['texts']:6d} {r['long']:12d} {r['four spoken languages']:12d} {r['low accuracy']:13d}")
    print("(the last two columns: statements told differently from the project's detector; 0 would be needed)")


def run(path: Path, mode: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", _PROBE, str(path), mode], capture_output=True, text=True, env=env,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--alternatives", action="store_true",
                    help="what each n-gram length costs to load and what cheaper detectors change (see above)")
    args = ap.parse_args()
    if args.alternatives:
        alternatives()
        return
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
