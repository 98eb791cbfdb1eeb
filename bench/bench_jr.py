"""The coverage audit's JR and EJR+ checks: ours (``deliberation.coverage.jr.proportionality``) against abcvoting's.

    .venv/bin/python bench/bench_jr.py [--corpus ../shared/corpora/american-assembly.bowling-green] [--rounds 3]

Baseline: abcvoting's ``Profile.add_voters``, ``properties.check_JR`` and ``check_EJR_plus`` (what
the audit ran before) on the same profiles, in the same run. The
profiles are those the audit builds (``deliberation.coverage.jr``): each participant approves
the statements they agreed with, identical approval sets merged into one voter weighted by their
number, candidates with fewer than n/k approvers dropped; the committee (the "slate") is the k
statements with most approvals, then k statements drawn at random (one seeded RNG), for several
k. A passing committee is abcvoting's slowest case (EJR+ tries every l for every left-out
candidate). Prints both CPU times, the verdicts (JR, EJR+; they must be the same: exits 1
otherwise) and the ratio ours / abcvoting's.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT = ROOT.parent / "shared" / "corpora" / "american-assembly.bowling-green"
SEED = 7
SIZES = (5, 10, 17, 25)


def approvals_of(corpus: Path) -> dict[str, set[str]]:
    """Participant -> the statements they agreed with (latest vote), from a Polis export folder."""
    from deliberation.importers.polis import read_polis_export

    m = read_polis_export(corpus).vote_matrix()
    out: dict[str, set[str]] = {}
    for r, c in zip(m.rows[m.vals == 1], m.cols[m.vals == 1]):
        out.setdefault(m.participant_ids[r], set()).add(m.statement_ids[c])
    return out


def profiles(approvals: dict[str, set[str]], rng: np.random.Generator):
    """(label, merged ballots, number of candidates, committee) as the audit builds them, per size."""
    support = Counter(x for s in approvals.values() for x in s)
    ranked = [c for c, _ in support.most_common()]
    for k in SIZES:
        for how, slate in (("top", ranked[:k]), ("random", list(rng.choice(ranked, k, replace=False)))):
            quota = len(approvals) / k
            cands = list(slate) + sorted(c for c, n in support.items() if n >= quota - 1e-9 and c not in slate)
            index = {c: i for i, c in enumerate(cands)}
            same = Counter(tuple(sorted(index[c] for c in s if c in index)) for s in approvals.values())
            yield f"k={k} {how}", sorted(same.items()), len(cands), set(range(k))


def with_abcvoting(ballots, n_cand: int, committee: set[int]) -> tuple[bool, bool]:
    from abcvoting import properties
    from abcvoting.preferences import Profile, Voter

    profile = Profile(n_cand)
    profile.add_voters([Voter(list(b), weight=w) for b, w in ballots])
    return bool(properties.check_JR(profile, committee)), bool(properties.check_EJR_plus(profile, committee))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not (args.corpus / "comments.csv").exists():
        sys.exit(f"corpus not found: {args.corpus} (needs ../shared/corpora)")
    from abcvoting.output import WARNING, output

    from deliberation.coverage.jr import proportionality

    output.set_verbosity(WARNING)
    cases = list(profiles(approvals_of(args.corpus), np.random.default_rng(SEED)))
    print(f"corpus: {args.corpus.name}; best of {args.rounds} rounds, CPU s")
    print(f"   {'committee':14s} {'voters':>7s} {'cands':>6s} {'abcvoting':>10s} {'ours':>8s}  JR, EJR+")
    total = {"abc": 0.0, "ours": 0.0}
    same = True
    for label, ballots, n_cand, committee in cases:
        best = {}
        for name, fn in (("abc", lambda: with_abcvoting(ballots, n_cand, committee)),
                         ("ours", lambda: proportionality(ballots, n_cand, committee))):
            times = []
            for _ in range(args.rounds):
                t = time.process_time()
                verdict = fn()
                times.append(time.process_time() - t)
            best[name] = (min(times), verdict)
            total[name] += min(times)
        same &= best["abc"][1] == best["ours"][1]
        print(f"   {label:14s} {len(ballots):7d} {n_cand:6d} {best['abc'][0]:10.4f} {best['ours'][0]:8.4f}  "
              f"{best['abc'][1]} / {best['ours'][1]}")
    print(f"all verdicts the same: {same}")
    print(f"total: abcvoting {total['abc']:.3f} s, ours {total['ours']:.3f} s; "
          f"ratio ours / abcvoting: {total['ours'] / total['abc']:.3f}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
