"""The sealed holdout for the faithfulness guard (issue 11).

``tests/data/grounding_holdout_sealed.jsonl``: 188 cases written from real statements in
../shared/corpora (Seattle $15/hour, Bowling Green, Austrian climate council, March On) BEFORE
any change to the guard was made for issue 11. Each case holds the cited statements (real ids and
verbatim text), a draft sentence, the label (faithful / unfaithful) and the kind:

* unfaithful: ``substitution`` (a new thing swapped in), ``direction_verb`` (a direction reversed
  by a verb or adjective), ``scope_inflation`` (some -> all, limit -> ban, "including X"),
  ``invented_entity``, ``condition_dropped``;
* faithful: ``paraphrase``, ``direction_kept``, ``scope_kept``, ``conditional``, ``concession``.

The file is sealed: its sha256 is pinned below, so any edit fails this test. Nothing in the
guard was tuned on it; it was scored once, at the end of the work, with the final guard (WordNet
installed): :data:`FIRST_RUN`. The issue's targets (precision and recall >= 0.95 for "unfaithful")
were NOT met. A change made because of the errors this set shows makes it a tuning set: then write
a new holdout.
"""

from __future__ import annotations

import sys
from pathlib import Path

from holdouts import assert_case_shape, assert_sealed, first_run, read_cases

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

HOLDOUT = Path(__file__).resolve().parent / "data" / "grounding_holdout_sealed.jsonl"
SEALED_SHA256 = "48d00a76af40d485bf20f2400139989342a4f253a05cb4ed2d67abd17b4865ea"

#: the first and only scoring run (tests/data/grounding_holdout_first_runs.json)
FIRST_RUN = first_run(HOLDOUT)


def test_holdout_is_sealed() -> None:
    assert_sealed(HOLDOUT, SEALED_SHA256)


def test_holdout_shape() -> None:
    cases = read_cases(HOLDOUT)
    assert len(cases) >= 150
    for c in cases:
        assert_case_shape(c)
    assert {c["language"] for c in cases} == {"en", "de"}


def test_holdout_score_does_not_fall_below_the_first_run() -> None:
    """Scores the holdout (lexical checks, as check-draft runs offline) and prints the table; the
    figures may not fall below the first run's (they are no target: see FIRST_RUN)."""

    from deliberation.grounding import wordnet

    if wordnet.wordnet() is None:
        import pytest

        pytest.skip(f"the first run was scored with WordNet: {wordnet.status()}")
    from score_grounding import load, score  # the scorer of any labelled set (bench/)

    result = score(load(HOLDOUT))
    print(f"\nsealed holdout, lexical only: precision {result['precision']:.3f}, recall {result['recall']:.3f}, "
          f"{result['counts']}; first run {FIRST_RUN['lexical only']}")
    for kind, (ok, n) in result["per_kind"].items():
        print(f"  {kind:<20}{ok:>4} / {n}")
    print("\n".join("  " + e for e in result["errors"]))
    assert result["precision"] >= FIRST_RUN["lexical only"]["precision"] - 1e-3
    assert result["recall"] >= FIRST_RUN["lexical only"]["recall"] - 1e-3
