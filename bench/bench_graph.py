"""Cost of a headless facilitation run against embedding + analysis alone, in the same run.

    .venv/bin/python bench/bench_graph.py [--corpus ../shared/corpora/american-assembly.bowling-green]

Baseline: embed every statement (cold cache) + ``analyze`` (topics, groups, statistics).
Headless run: import (store + embed, cold cache) + the whole graph with the extractive drafter and
``--approve-all`` (intake, analyse, draft, ground, audit, review, publish, voting, tally, report),
with the heap frozen for the collector during bulk work as the command line runs them (deliberation.heap).
Prints both times, the ratio (target <= 1.5) and where the time goes, node by node.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deliberation.config import Settings  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "american-assembly.bowling-green"
TARGET = 1.5


def baseline(corpus: Path, data: Path) -> tuple[float, dict]:
    from deliberation.analysis.pipeline import analyze
    from deliberation.importers.polis import read_polis_export
    from deliberation.services import choose_for, embedder_for, intake

    settings = Settings(data_dir=data)
    bundle = read_polis_export(corpus)
    statements = intake(bundle.statements)
    matrix = bundle.vote_matrix()
    t0 = time.perf_counter()
    texts = [s.text for s in statements]  # the model the import chooses too (default "auto")
    vectors = embedder_for(settings, choose_for(settings, texts).model).encode(texts)
    t1 = time.perf_counter()
    analyze(matrix, statements, vectors)
    t2 = time.perf_counter()
    return t2 - t0, {"embed": t1 - t0, "analyse": t2 - t1}


def headless(corpus: Path, data: Path) -> tuple[float, dict]:
    from deliberation.heap import freeze_in_this_process
    from deliberation.importers.polis import read_polis_export
    from deliberation.services import import_bundle
    from graphs import runner

    # as the command line (``deliberation import-polis``, ``run``) and a console run's process do,
    # and as bench_scale does: the import's and the graph's bulk work freeze the heap for the
    # collector (deliberation.heap). Without it this process paid full collections of the ~360,000
    # objects it holds (~0.2 CPU s each, three or four in a run) that the product path does not pay.
    freeze_in_this_process()
    settings = Settings(data_dir=data)
    parts: dict[str, float] = {}
    t0 = time.perf_counter()
    cid = import_bundle(settings, read_polis_export(corpus)).consultation_id
    parts["import+embed"] = time.perf_counter() - t0
    last = [time.perf_counter()]

    def on_update(node: str, _update: dict) -> None:
        now = time.perf_counter()
        parts[node] = parts.get(node, 0.0) + now - last[0]
        last[0] = now

    st = runner.run_to_end(settings, cid, {"drafter": "extractive"}, on_update=on_update)
    assert st.finished, st.next
    total = time.perf_counter() - t0
    parts["interrupt/resume overhead"] = total - sum(parts.values())
    return total, parts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    args = ap.parse_args()
    if not (args.corpus / "comments.csv").exists():
        sys.exit(f"corpus not found: {args.corpus} (needs ../shared/corpora)")
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        # warm the model files into the OS cache once, so neither side pays the first disk read
        from deliberation.embeddings import MODELS
        from deliberation.services import embedder_for

        for model in MODELS:  # "auto" picks one per consultation
            embedder_for(Settings(data_dir=Path(a) / "warm"), model).encode(["warm up"])
        t_base, base_parts = baseline(args.corpus, Path(a) / "base")
        t_run, run_parts = headless(args.corpus, Path(b) / "run")
    ratio = t_run / t_base
    print(f"corpus: {args.corpus.name}")
    print(f"baseline (embedding + analysis alone): {t_base:7.2f} s  "
          + ", ".join(f"{k} {v:.2f} s" for k, v in base_parts.items()))
    print(f"headless run (import + whole graph):  {t_run:7.2f} s")
    for k, v in sorted(run_parts.items(), key=lambda kv: -kv[1]):
        print(f"    {k:28s} {v:7.2f} s  ({v / t_run:5.1%})")
    print(f"ratio headless / baseline: {ratio:.2f}x  (target <= {TARGET}x: {'PASS' if ratio <= TARGET else 'FAIL'})")


if __name__ == "__main__":
    main()
