"""The guard and the languages it reads: a sentence in a language without word lists is never
passed on its words (it said "supported" to a French draft that added "ne ... pas"), a word-for-word
quote still passes in every language, and French / Spanish have lists of their own.

Statements: tests/data/multilingual/translations.jsonl (the French and Spanish rooms of
tests/test_room_languages.py); the Italian ones are written for this test, in the same style.
"""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from deliberation.grounding import ProblemKind, check_draft, public_reason

TRANSLATIONS = [json.loads(line) for line in
                (REPO / "tests" / "data" / "multilingual" / "translations.jsonl").read_text(encoding="utf-8").splitlines()]
IT = "I bus dovrebbero passare ogni dieci minuti la sera."


def _one(source: str, draft: str):
    report = check_draft([{"id": "0", "text": source}], draft, ["0"])
    assert len(report.sentences) == 1
    return report.sentences[0]


@pytest.mark.parametrize("draft", [
    "I bus non dovrebbero passare ogni dieci minuti la sera.",
    "Tutti sono d'accordo che i bus dovrebbero passare ogni cinque minuti la sera.",
    "I partecipanti chiedono autobus più frequenti la sera.",  # a fair paraphrase is not passed either
])
def test_a_sentence_the_guard_cannot_read_is_not_passed_and_says_why(draft):
    v = _one(IT, draft)
    assert not v.supported
    assert v.problem_kinds == [ProblemKind.NOT_CHECKED]
    assert v.reason == ("not checked: the guard has no word lists for Italian; "
                        "read it against its sources by hand")
    assert public_reason(v.problem_kinds[0]) == "was not checked: the guard has no word lists for its language"


def test_a_word_for_word_quote_passes_in_any_language():
    v = _one(IT + " Oggi si aspetta mezz'ora.", "i bus  dovrebbero passare ogni dieci minuti la sera")
    assert v.supported and v.best_match == "0"
    assert "quoted word for word from statement 0" in v.reason and "Italian" in v.reason
    # a part of a sentence is not a quote: it may drop what the rest said
    assert not _one("Non credo che i bus dovrebbero passare ogni dieci minuti la sera.", IT).supported


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_the_real_statements_quoted_verbatim_still_pass(lang):
    statements = [{"id": t["id"], "text": t[lang]} for t in TRANSLATIONS]
    for t in statements:
        report = check_draft(statements, t["text"], [t["id"]])
        assert report.supported, (t, report.sentences[0].reason)
