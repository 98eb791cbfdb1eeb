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
guard was tuned on it; it is scored once, at the end of the work.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HOLDOUT = Path(__file__).resolve().parent / "data" / "grounding_holdout_sealed.jsonl"
SEALED_SHA256 = "48d00a76af40d485bf20f2400139989342a4f253a05cb4ed2d67abd17b4865ea"

UNFAITHFUL_KINDS = {"substitution", "direction_verb", "scope_inflation", "invented_entity", "condition_dropped"}
FAITHFUL_KINDS = {"paraphrase", "direction_kept", "scope_kept", "conditional", "concession"}


def load_holdout() -> list[dict]:
    with HOLDOUT.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_holdout_is_sealed() -> None:
    assert hashlib.sha256(HOLDOUT.read_bytes()).hexdigest() == SEALED_SHA256, (
        "the sealed holdout changed; it must stay as written before the guard was tuned"
    )


def test_holdout_shape() -> None:
    cases = load_holdout()
    assert len(cases) >= 150
    for c in cases:
        assert c["label"] in {"faithful", "unfaithful"}
        assert c["kind"] in (UNFAITHFUL_KINDS if c["label"] == "unfaithful" else FAITHFUL_KINDS)
        assert set(c["citations"]) <= {s["id"] for s in c["statements"]}
        assert c["draft"].strip() and all(s["text"].strip() for s in c["statements"])
    assert {c["language"] for c in cases} == {"en", "de"}
