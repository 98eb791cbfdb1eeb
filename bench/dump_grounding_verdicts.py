"""Dump the guard's verdicts and reasons on labelled jsonl files, one line per sentence, so two
versions of the guard can be compared byte for byte (``diff``): a change meant for one language
must leave the verdicts on the others' cases unchanged.

Run: .venv/bin/python bench/dump_grounding_verdicts.py tests/data/grounding_cases.jsonl ... > out.txt
Lexical checks only (no encoder), like ``check-draft`` offline; uses bench/score_grounding.py's loader.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score_grounding import check_draft, load  # noqa: E402


def main(paths: list[str]) -> None:
    for path in paths:
        for c in load(Path(path)):
            report = check_draft(c["statements"], c["draft"], c["citations"] or None)
            for s in report.sentences:
                print(json.dumps([Path(path).name, c["_n"], s.supported, s.reason, s.problem_kinds],
                                 ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
