"""The guard on unfaithful drafts that passed it and that the reviewer named as classes (issue 11,
round of 7 Dec 2026, evening): an aspect verb turned round ("stop using" -> "start using"), a
condition or restriction the draft adds ("only when there is money", "wo niemand wohnt"), a
statement's condition of which the draft keeps only a noun ("If rents rise, ... cap them" -> "...
cap rents"), and the faithful drafts next to each that must still pass.

The cases, all made up, are in tests/data/grounding_added_meaning_cases.toml, grouped by the class each
shows (an aspect verb, an added clause, a condition or relative clause kept by a noun alone, a term,
German 'aber nicht für X', a comparison sign, German 'hoch' / 'niedrig', a one-word condition, the sides
of 'rather than' swapped, a dropped 'stop', a possibility said as a fact); two statements joined by a
reason neither gives ('so', 'deswegen') are :data:`JOINED`.
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


#: two statements and a draft that links them with a reason or consequence neither statement gives
#: ('so', 'deshalb', 'that is why'), then one that keeps them apart
JOINED = [
    (["Bus fares in the town are too high.", "Fewer people take the bus every year."],
     "Bus fares in the town are too high, so fewer people take the bus every year.", ProblemKind.LINKED),
    (["Bus fares in the town are too high.", "Fewer people take the bus every year."],
     "Fewer people take the bus every year, and that is why bus fares in the town are too high.", ProblemKind.LINKED),
    (["Die Busfahrpreise in der Stadt sind zu hoch.", "Jedes Jahr fahren weniger Menschen Bus."],
     "Die Busfahrpreise in der Stadt sind zu hoch, deswegen fahren jedes Jahr weniger Menschen Bus.", ProblemKind.LINKED),
    (["Bus fares in the town are too high.", "Fewer people take the bus every year."],
     "Bus fares in the town are too high, and fewer people take the bus every year.", None),
]


@pytest.mark.parametrize(("statements", "draft", "kind"), JOINED)
def test_joined_claims(statements: list[str], draft: str, kind: ProblemKind | None) -> None:
    assert_judged(check_draft([{"id": str(k), "text": s} for k, s in enumerate(statements, 1)], draft), kind)
