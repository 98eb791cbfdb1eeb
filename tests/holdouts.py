"""What the faithfulness guard's sealed holdouts (``tests/data/grounding_holdout*_sealed.jsonl``)
share: the kinds of case, reading a set, its seal and the shape of one case. Scoring lives in
bench/score_grounding.py (test_grounding_holdout scores the first set with it)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

UNFAITHFUL_KINDS = {"substitution", "direction_verb", "scope_inflation", "invented_entity", "condition_dropped"}
FAITHFUL_KINDS = {"paraphrase", "direction_kept", "scope_kept", "conditional", "concession"}


def read_cases(path: Path) -> list[dict]:
    """The cases of a holdout, one JSON object per non-empty line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def first_run(path: Path) -> dict:
    """The first and only scoring run of the holdout at ``path`` (tests/data/grounding_holdout_first_runs.json)."""
    runs = json.loads((path.parent / "grounding_holdout_first_runs.json").read_text(encoding="utf-8"))
    return runs[path.name]


def sha256(path: Path) -> str:
    """The seal of a holdout file: its SHA-256, pinned by its test."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_sealed(path: Path, pinned: str) -> None:
    """The holdout at ``path`` is as it was sealed: written blind to the guard, never edited."""
    assert sha256(path) == pinned, f"the sealed holdout {path.name} changed; it must stay as it was written"


def assert_case_shape(case: dict) -> None:
    """A label and a kind of that label, citations among the case's statements, no empty text."""
    name = case.get("case")
    assert case["label"] in {"faithful", "unfaithful"}, name
    assert case["kind"] in (UNFAITHFUL_KINDS if case["label"] == "unfaithful" else FAITHFUL_KINDS), name
    assert set(case["citations"]) <= {s["id"] for s in case["statements"]}, name
    assert case["draft"].strip() and all(s["text"].strip() for s in case["statements"]), name
