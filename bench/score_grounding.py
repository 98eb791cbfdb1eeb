"""Score the faithfulness guard on any labelled jsonl file and print every misclassified case.

Run: cd /work/main && .venv/bin/python bench/score_grounding.py tests/data/grounding_holdout_sealed.jsonl
     [--half odd|even] [--encoder] [--quiet]

A case is one JSON object per line with ``statements`` ([{"id", "text"}]), ``draft``, ``citations``
and ``label`` ("faithful" / "unfaithful"); its kind is ``kind`` (or ``category``), its number the
digits of ``case`` (or its line number, from 1). ``--half odd`` / ``--half even`` keeps the cases
with an odd / even number: tune on one half, check on the other whether a change generalises.

Prints precision and recall for "unfaithful" (the positive class), the counts, the share judged
right per kind and, unless ``--quiet``, each error with the guard's reasons. Without
``--encoder`` the guard runs on its lexical checks alone (``check-draft`` offline); with it, with
the project's embedding model.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from deliberation.grounding import check_draft, wordnet  # noqa: E402


def load(path: Path, half: str | None = None) -> list[dict]:
    """The cases of ``path``, each with ``_n`` (its number) and ``_kind``; only one half if asked."""

    out = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate((x for x in fh if x.strip()), start=1):
            case = json.loads(line)
            digits = re.sub(r"\D", "", str(case.get("case", "")))
            case["_n"] = int(digits) if digits else line_no
            case["_kind"] = case.get("kind") or case.get("category") or "?"
            out.append(case)
    if half:
        out = [c for c in out if c["_n"] % 2 == (1 if half == "odd" else 0)]
    return out


def score(cases: list[dict], encoder=None) -> dict:
    """Precision and recall for "unfaithful", per-kind (right, total) and the errors in words."""

    tp = fp = fn = tn = 0
    kinds: dict[str, list[bool]] = defaultdict(list)
    errors = []
    for c in cases:
        report = check_draft(c["statements"], c["draft"], c["citations"] or None, encoder=encoder)
        gold, pred = c["label"] == "unfaithful", not report.supported
        tp += gold and pred
        fp += pred and not gold
        fn += gold and not pred
        tn += not gold and not pred
        kinds[c["_kind"]].append(gold == pred)
        if gold != pred:
            why = "; ".join(s.reason for s in report.sentences if not s.supported)
            cited = " | ".join(s["text"] for s in c["statements"] if not c["citations"] or s["id"] in c["citations"])
            errors.append(f"{'MISSED' if gold else 'FALSE ALARM'} [{c.get('case', c['_n'])} {c['_kind']}]\n"
                          f"    source: {cited}\n    draft:  {c['draft']}" + (f"\n    guard:  {why}" if why else ""))
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "counts": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        "per_kind": {k: (sum(v), len(v)) for k, v in sorted(kinds.items())},
        "errors": errors,
    }


#: sealed holdouts scored once and closed: no round may tune on them, so the script refuses them unless
#: told ``--closed`` (a glob such as ``grounding_holdout*_sealed.jsonl`` scored them once by accident)
CLOSED = ("grounding_holdout11_sealed.jsonl", "grounding_holdout12_sealed.jsonl",
          "grounding_holdout13_sealed.jsonl", "grounding_holdout14_sealed.jsonl",
          "grounding_holdout15_sealed.jsonl", "grounding_holdout16_sealed.jsonl")


def _encoder():
    from deliberation.embeddings import EmbeddingConfig, Embedder

    return Embedder(EmbeddingConfig())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", type=Path, help="labelled jsonl file(s)")
    ap.add_argument("--half", choices=("odd", "even"), help="only the odd- or even-numbered cases")
    ap.add_argument("--encoder", action="store_true", help="with the embedding model (default: lexical only)")
    ap.add_argument("--quiet", action="store_true", help="figures only, no list of errors")
    ap.add_argument("--closed", action="store_true", help="also score a closed holdout (CLOSED)")
    args = ap.parse_args()
    closed = [p for p in args.paths if p.name in CLOSED]
    if closed and not args.closed:
        ap.error(f"{', '.join(p.name for p in closed)}: a closed holdout, scored once and not to be tuned on "
                 "(name the files you mean, or pass --closed)")
    encoder = _encoder() if args.encoder else None
    print(f"lexical resource: {wordnet.status()}; encoder: {'yes' if encoder else 'no'}")
    for path in args.paths:
        cases = load(path, args.half)
        r = score(cases, encoder)
        print(f"\n{path} ({args.half or 'all'}, {len(cases)} cases): precision {r['precision']:.3f}, "
              f"recall {r['recall']:.3f} for 'unfaithful', {r['counts']}")
        for kind, (ok, n) in r["per_kind"].items():
            print(f"  {kind:<22}{ok:>4} / {n}")
        if not args.quiet and r["errors"]:
            print("\n".join(r["errors"]))


if __name__ == "__main__":
    main()
