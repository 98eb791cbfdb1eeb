"""The guard on what a real LLM drafts: tests/data/grounding_smollm2_drafts.jsonl holds every distinct
sentence SmolLM2-135M-Instruct drafted when the real facilitation graph ran on four real corpora
(bench/collect_llm_drafts.py; Bowling Green, Seattle $15 and March On in English, the Austrian
climate consultation in German), each labelled by hand (see tests/data/grounding_smollm2_PROVENANCE.md).
The lexical guard (``check-draft`` offline, as bench/score_grounding.py scores it) must not fall
below what it reached; and the rules that real output needed hold on their own cases. Left: a phrase of two new words
("... with any proposed changes to existing infrastructure"), an invented claim beside a quote, and
"automatic registration for all citizens" read as a claim that all agree."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from deliberation.grounding import ProblemKind, check_draft, wordnet

REPO = Path(__file__).resolve().parents[1]
SET = REPO / "tests" / "data" / "grounding_smollm2_drafts.jsonl"

#: what the guard reached on the set (bench/score_grounding.py tests/data/grounding_smollm2_drafts.jsonl)
MAX_MISSED = 2
MAX_FALSE_ALARMS = 2

needs_wordnet = pytest.mark.skipif(wordnet.wordnet() is None, reason="WordNet (Debian wordnet-base) is not installed")


@needs_wordnet
def test_the_smollm2_set_does_not_regress():
    sys.path.insert(0, str(REPO / "bench"))
    from score_grounding import load, score

    cases = load(SET)
    assert len(cases) >= 100 and {c["label"] for c in cases} == {"faithful", "unfaithful"}
    result = score(cases)
    assert result["counts"]["fn"] <= MAX_MISSED, "\n".join(result["errors"])
    assert result["counts"]["fp"] <= MAX_FALSE_ALARMS, "\n".join(result["errors"])


CASES = [
    # a quote that runs on with a phrase of the model's own
    ("Churches should not be allowed to form PACs.",
     "Private universities should lose their exemption, and churches should not be allowed to form PACs.",
     ProblemKind.ADDED_CONTENT),
    ("Americans are very concerned with jobs, so we MUST focus on providing good jobs through clean energy and "
     "other climate-restoration policies.",
     "Since Americans care a great deal about jobs, the focus must be on providing good jobs through clean energy "
     "and other climate-restoration policies.", None),
    # one qualifier slipped into a quote
    ("All police must have working experiences with poor neighborhoods.",
     "All urban police must have working experiences with poor neighborhoods.", ProblemKind.SCOPE_INFLATED),
]


@needs_wordnet
@pytest.mark.parametrize("statement,draft,kind", CASES, ids=[c[1][:40] for c in CASES])
def test_what_a_model_adds_to_a_quote(statement, draft, kind):
    report = check_draft([{"id": "1", "text": statement}], draft, ["1"])
    if kind is None:
        assert report.supported, report.sentences[0].reason
    else:
        assert not report.supported and kind in report.sentences[0].problem_kinds, report.sentences[0].reason


def test_a_sentence_restating_one_statement_drops_no_condition_of_another():
    """An LLM's sentence cites every statement its draft used; the condition of a statement it does
    not restate at all is not its to keep."""
    statements = [{"id": "1062", "text": "Crisis Pregnancy Centers should not be funded by the government."},
                  {"id": "537", "text": "Residents should be allowed to vote on city issues if they work in the city."}]
    report = check_draft(statements, "Crisis Pregnancy Centers should not be funded by the government.")
    assert report.supported, report.sentences[0].reason
    report = check_draft(statements, "Residents should be allowed to vote on city issues.")
    assert not report.supported and ProblemKind.SCOPE_INFLATED in report.sentences[0].problem_kinds
