"""The opinion groups' silhouette (deliberation.analysis.polis_kmeans.silhouette) against
scikit-learn's ``silhouette_score``, on the calls a grouping of a real conversation makes.

Run: cd /work/main && PYTHONPATH=. .venv/bin/python bench/bench_silhouette.py [--corpus FOLDER] [--repeats N]

Groups the corpus's participants once (``find_opinion_groups``, default settings), recording the
points and labels of every silhouette it asks for (the group step scores every k of every
restart on the base-cluster centres); then times both functions on those calls, ``--repeats``
times each, alternated, on the CPU clock, and checks that they return the same float on each.
Why it exists: polis_kmeans repeats sklearn's operations without its input checks, which cost
more than the arithmetic on ~100 centres (the module's docstring cites this bench).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deliberation.analysis import groups, polis_kmeans  # noqa: E402
from deliberation.importers.polis import read_polis_export  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "american-assembly.bowling-green"


def recorded_calls(corpus: Path) -> list[tuple]:
    """(points, labels) of every silhouette one grouping of ``corpus`` asks for."""
    if not (corpus / "comments.csv").exists():
        sys.exit(f"corpus not found: {corpus} (needs ../shared/corpora)")
    calls: list[tuple] = []
    ours = polis_kmeans.silhouette

    def recording(X, labels):
        calls.append((X.copy(), labels.copy()))
        return ours(X, labels)

    groups.silhouette = polis_kmeans.silhouette = recording
    try:
        groups.find_opinion_groups(read_polis_export(corpus).vote_matrix())
    finally:
        groups.silhouette = polis_kmeans.silhouette = ours
    return calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5, help="timed passes over the calls, each function")
    ap.add_argument("--corpus", type=Path, default=DEFAULT, help="a Polis export folder")
    args = ap.parse_args()
    from sklearn.metrics import silhouette_score

    calls = recorded_calls(args.corpus)
    scored = [(X, lab) for X, lab in calls if 2 <= len(set(lab.tolist())) < len(X)]  # the calls sklearn accepts
    same = sum(polis_kmeans.silhouette(X, lab) == silhouette_score(X, lab) for X, lab in scored)
    cpu: dict[str, list[float]] = {"scikit-learn": [], "polis_kmeans": []}
    for _ in range(args.repeats):
        for name, fn in (("scikit-learn", silhouette_score), ("polis_kmeans", polis_kmeans.silhouette)):
            t = time.process_time()
            for X, lab in scored:
                fn(X, lab)
            cpu[name].append(time.process_time() - t)
    sizes = sorted(len(X) for X, _ in scored)
    print(f"corpus: {args.corpus.name}: {len(calls)} silhouette calls in one grouping, {len(scored)} scored "
          f"({sizes[0]}-{sizes[-1]} points, median {sizes[len(sizes) // 2]})" if sizes else "no calls")
    print(f"same float as scikit-learn: {same} of {len(scored)}")
    for name, times in cpu.items():
        print(f"{name:13s} all calls {statistics.median(times):.3f} CPU s (median of {args.repeats}), "
              f"{statistics.median(times) / max(len(scored), 1) * 1000:.2f} ms a call")


if __name__ == "__main__":
    main()
