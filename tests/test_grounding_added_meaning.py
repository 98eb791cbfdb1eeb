"""The guard on unfaithful drafts that passed it and that the reviewer named as classes (issue 11,
round of 7 Dec 2026, evening): an aspect verb turned round ("stop using" -> "start using"), a
condition or restriction the draft adds ("only when there is money", "wo niemand wohnt"), a
statement's condition of which the draft keeps only a noun ("If rents rise, ... cap them" -> "...
cap rents"), and the faithful drafts next to each that must still pass.

The cases, all made up, are in tests/data/grounding_added_meaning_cases.toml, grouped by the class each
shows (an aspect verb, an added clause, a condition or relative clause kept by a noun alone, a term,
German 'aber nicht für X', a comparison sign, German 'hoch' / 'niedrig').
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft
from guard_cases import assert_judged, guard_cases, needs_wordnet

CASES = guard_cases("grounding_added_meaning_cases.toml", {"wordnet": needs_wordnet})


@pytest.mark.parametrize(("statement", "draft", "kind"), CASES)
def test_judged(statement: str, draft: str, kind: ProblemKind | None) -> None:
    assert_judged(check_draft([{"id": "1", "text": statement}], draft), kind)


def test_a_dropped_threshold_is_quoted_with_its_unit_letter() -> None:
    report = check_draft([{"id": "1", "text": "Flats renting for over 2k a month should pay a vacancy fee."}],
                         "Flats should pay a vacancy fee.")
    assert not report.supported
    assert "'over 2k'" in report.sentences[0].reason, report.sentences[0].reason
