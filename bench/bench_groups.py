"""Speed and peak memory of deliberation.analysis.groups against red-dwarf's Polis pipeline.

Run:  cd /work/main && PYTHONPATH=. .venv/bin/python bench/bench_groups.py [--sizes ...]

Cases (default: all):
  bowling-green      the American Assembly Bowling Green Polis export (../shared/corpora;
                     896 statements, 2,031 participants, 225k votes); ARI against Polis's groups
  camps-20000x2000   synthetic_camps 20,000 x 2,000, ~30 votes each, 3 camps; ARI against the camps
  20000x2000, 50000x5000, 100000x10000
                     synthetic_camps with ~50 votes each and 4 latent camps; ARI against the camps
``--sizes 20000x2000,50000x5000`` picks synthetic sizes (50 votes, 4 camps); ``--cases`` picks
named cases; ``--no-reddwarf`` skips red-dwarf.

Every (case, implementation) runs in a fresh subprocess, which warms up on a tiny matrix (so
lazy imports and thread pools are not timed), builds its input, then times only the grouping
call: ``find_opinion_groups`` for ours (robust and polis modes) and
``reddwarf.implementations.polis.run_pipeline(votes=..., random_state=0)`` for red-dwarf (its
input, a list of vote dicts, is built before the timer, as a caller would hold it).
Memory: the subprocess's peak resident set (``ru_maxrss``), and the part of it added by the
grouping call (peak minus the resident set just before the call). red-dwarf runs under an
address-space limit (``--rd-mem-gb``, default 16) and a time limit (``--rd-timeout``, default
900 s) so that a too-large case fails cleanly ("MemoryError" / "killed" / "timeout") instead of
exhausting the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
BOWLING_GREEN = CORPORA / "american-assembly.bowling-green"

DEFAULT_CASES = ["bowling-green", "camps-20000x2000", "20000x2000", "50000x5000", "100000x10000"]
IMPLS = ["ours-robust", "ours-polis", "red-dwarf"]
#: synthetic sizes: votes per participant and camps (the brief: ~50 votes, a few latent camps)
SYNTH_VOTES, SYNTH_CAMPS = 50, 4
CAMPS_CASE = (20_000, 2_000, 30, 3)


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load(case: str):
    """(VoteMatrix, reference labels per participant id or None, description)."""
    import numpy as np

    from deliberation.analysis.groups import synthetic_camps

    if case == "bowling-green":
        from deliberation.importers.polis import polis_group_ids, read_polis_export

        matrix = read_polis_export(BOWLING_GREEN).vote_matrix()
        return matrix, polis_group_ids(BOWLING_GREEN), "Polis group-id"
    if case.startswith("camps-"):
        n, s, v, c = CAMPS_CASE
        matrix, camps = synthetic_camps(n, s, v, c, rng=1)
    else:
        n, s = (int(x) for x in case.split("x"))
        matrix, camps = synthetic_camps(n, s, SYNTH_VOTES, SYNTH_CAMPS, rng=1)
    return matrix, dict(zip(matrix.participant_ids, np.asarray(camps).astype(str))), "true camps"


def _ari(reference: dict, labels: dict) -> float:
    from sklearn.metrics import adjusted_rand_score

    common = [p for p in labels if p in reference]
    if len(common) < 2:
        return float("nan")
    return float(adjusted_rand_score([reference[p] for p in common], [labels[p] for p in common]))


def _reddwarf_input(matrix) -> tuple[list[dict], list[int]]:
    """red-dwarf's input: one dict per vote, and the moderated-out statement ids."""
    import numpy as np

    pids = np.array([int(p) for p in matrix.participant_ids])
    sids = np.array([int(s) for s in matrix.statement_ids])
    votes = [{"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": 0}
             for p, s, v in zip(pids[matrix.rows], sids[matrix.cols], matrix.vals)]
    return votes, [int(s) for s, o in zip(matrix.statement_ids, matrix.moderated_out) if o]


def _reddwarf(matrix, votes=None, mod=None) -> dict[str, int]:
    """red-dwarf's groups (participant id -> cluster) for a matrix or prepared input."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from reddwarf.implementations.polis import run_pipeline

        if votes is None:
            votes, mod = _reddwarf_input(matrix)
        res = run_pipeline(votes=votes, mod_out_statement_ids=mod, random_state=0)
    clusters = res.participants_df["cluster_id"].dropna()
    return {str(p): int(c) for p, c in clusters.items()}


def worker(case: str, impl: str) -> dict:
    """Runs in the subprocess: build input, time the grouping, report JSON."""
    from deliberation.analysis.groups import synthetic_camps

    # warm-up on a tiny matrix first, so that lazy imports and thread pools are not timed
    tiny, _ = synthetic_camps(300, 40, 15, 2, rng=0)
    if impl.startswith("ours"):
        from deliberation.analysis.groups import GroupingConfig, find_opinion_groups

        find_opinion_groups(tiny, GroupingConfig(mode=impl.split("-")[1]), rng=0)
    else:
        _reddwarf(tiny)

    matrix, reference, ref_name = _load(case)
    out = {"case": case, "impl": impl, "shape": list(matrix.shape), "votes": matrix.n_votes, "reference": ref_name}
    if impl.startswith("ours"):

        from deliberation.analysis.groups import _resolve_auto

        auto_cfg, coverage = _resolve_auto(matrix, GroupingConfig())
        out["auto"] = f"{auto_cfg.mode} (coverage {coverage:.3f})"
        cfg = GroupingConfig(mode=impl.split("-")[1])
        rss0 = _rss_mb()
        t = time.perf_counter()
        res = find_opinion_groups(matrix, cfg, rng=0)
        out["seconds"] = time.perf_counter() - t
        labels = res.groups()
        out["k"] = res.k
    else:
        votes, mod = _reddwarf_input(matrix)
        rss0 = _rss_mb()
        t = time.perf_counter()
        labels = _reddwarf(None, votes, mod)
        out["seconds"] = time.perf_counter() - t
        out["k"] = len(set(labels.values()))
    out["peak_mb"] = _peak_mb()
    out["extra_mb"] = max(0.0, out["peak_mb"] - rss0)
    out["ari"] = _ari(reference, labels)
    return out


def run_case(case: str, impl: str, args) -> dict:
    """One fresh subprocess; red-dwarf gets an address-space and a time limit."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", case, impl]
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    limit_gb = args.rd_mem_gb if impl == "red-dwarf" else args.ours_mem_gb
    timeout = args.rd_timeout if impl == "red-dwarf" else args.ours_timeout

    def limit():
        if limit_gb:
            cap = int(limit_gb * 1024 ** 3)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    t = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return {"case": case, "impl": impl, "error": f"timeout after {timeout:.0f}s"}
    wall = time.perf_counter() - t
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode == 0 and lines:
        res = json.loads(lines[-1])
        res["wall"] = wall
        return res
    err = proc.stderr.strip().splitlines()
    if "MemoryError" in proc.stderr:
        why = "MemoryError"
    elif proc.returncode < 0:
        why = f"killed (signal {-proc.returncode})"
    else:
        why = (err[-1] if err else f"exit {proc.returncode}")[:120]
    return {"case": case, "impl": impl, "error": why, "wall": wall}


def fmt(r: dict | None, key: str, spec: str) -> str:
    if r is None:
        return "-"
    if "error" in r:
        return r["error"] if key == "seconds" else "-"
    v = r.get(key)
    return format(v, spec) if isinstance(v, (int, float)) else "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worker", nargs=2, metavar=("CASE", "IMPL"), help=argparse.SUPPRESS)
    ap.add_argument("--sizes", help="comma-separated synthetic sizes NxS, e.g. 20000x2000,50000x5000")
    ap.add_argument("--cases", help=f"comma-separated cases (default: {','.join(DEFAULT_CASES)})")
    ap.add_argument("--impls", default=",".join(IMPLS), help=f"comma-separated (default: {','.join(IMPLS)})")
    ap.add_argument("--no-reddwarf", action="store_true", help="skip red-dwarf")
    ap.add_argument("--rd-mem-gb", type=float, default=16.0, help="red-dwarf address-space limit (GB)")
    ap.add_argument("--rd-timeout", type=float, default=900.0, help="red-dwarf time limit (s)")
    ap.add_argument("--ours-mem-gb", type=float, default=0.0, help="address-space limit for ours (0 = none)")
    ap.add_argument("--ours-timeout", type=float, default=1800.0, help="time limit for ours (s)")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return

    cases = DEFAULT_CASES
    if args.cases:
        cases = args.cases.split(",")
    if args.sizes:
        cases = [c for c in cases if not c[0].isdigit()] if args.cases else []
        cases += args.sizes.split(",")
    impls = [i for i in args.impls.split(",") if not (args.no_reddwarf and i == "red-dwarf")]
    if "bowling-green" in cases and not BOWLING_GREEN.is_dir():
        print(f"skipping bowling-green: {BOWLING_GREEN} not found")
        cases.remove("bowling-green")

    results: dict[tuple[str, str], dict] = {}
    for case in cases:
        for impl in impls:
            r = run_case(case, impl, args)
            results[case, impl] = r
            status = r.get("error") or f"{r['seconds']:.2f}s, peak {r['peak_mb']:.0f} MB, ARI {r['ari']:.3f}, k={r['k']}"
            print(f"  {case:18s} {impl:12s} {status}", flush=True)

    print()
    head = (f"{'case':18s} {'shape':>15s} {'votes':>10s} | {'impl':12s} {'time s':>10s} {'peak MB':>8s} "
            f"{'extra MB':>8s} {'k':>2s} {'ARI':>6s} | {'rd/ours time':>12s} {'rd/ours peak':>12s}")
    print(head)
    print("-" * len(head))
    for case in cases:
        rd = results.get((case, "red-dwarf"))
        ok = [results[case, i] for i in impls if "shape" in results[case, i]]
        for impl in impls:
            r = results[case, impl]
            if "shape" not in r and ok:
                r = {**r, "shape": ok[0]["shape"], "votes": ok[0]["votes"]}
            shape = "x".join(str(x) for x in r.get("shape", [])) or "-"
            ratio_t = ratio_m = "-"
            if impl != "red-dwarf" and rd is not None:
                if "error" in rd:
                    ratio_t = ratio_m = "rd failed"
                elif "error" not in r:
                    ratio_t = f"{rd['seconds'] / r['seconds']:.1f}x"
                    ratio_m = f"{rd['peak_mb'] / r['peak_mb']:.1f}x"
            votes = f"{r['votes']:,}" if "votes" in r else "-"
            print(f"{case:18s} {shape:>15s} {votes:>10s} | {impl:12s} {fmt(r, 'seconds', '.2f'):>10s} "
                  f"{fmt(r, 'peak_mb', '.0f'):>8s} {fmt(r, 'extra_mb', '.0f'):>8s} {fmt(r, 'k', 'd'):>2s} "
                  f"{fmt(r, 'ari', '.3f'):>6s} | {ratio_t:>12s} {ratio_m:>12s}")
    autos = {c: results[c, i]["auto"] for c in cases for i in impls if "auto" in results.get((c, i), {})}
    if autos:
        print("\nmode=\"auto\" (the default): the coverage rule names " + "; ".join(f"{c}: {a}" for c, a in autos.items())
              + " (the other map replaces it only if its groups are more stable by auto_stability_margin)")
    print("\ntime = the grouping call only (with its 6 stability resamples); peak = peak RSS of the case's subprocess (input included);"
          " extra = peak minus RSS before the call. ARI against Polis's group-id (bowling-green) or the"
          " true camps (synthetic).")


if __name__ == "__main__":
    main()
