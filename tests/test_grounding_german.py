"""The guard on German wording (issue 11, round "guardde", tuned on the German cases of holdouts 1-4,
3b and the odd halves of 6-10): "statt" and "anstatt" are one negator, "leistbar" / "teurer" and
"große" / "geringe Rolle" are directions reversed, "umweltfreundlich" / "umweltschädlich" are
opposite endings (the guard's data file deliberation/grounding/data/de.toml).

Every statement here is made up (the cases are in tests/data/grounding_german_cases.toml).
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind
from deliberation.grounding.text import _word_canon
from guard_cases import assert_one_statement_judged, guard_cases

#: the cases, from tests/data/grounding_german_cases.toml
CASES = guard_cases("grounding_german_cases.toml")


@pytest.mark.parametrize(("statement", "draft", "kind"), CASES)
def test_german_wording(statement: str, draft: str, kind: ProblemKind | None) -> None:
    assert_one_statement_judged(statement, draft, kind)


def test_statt_and_anstatt_are_one_word() -> None:
    assert _word_canon("anstatt") == _word_canon("statt") == _word_canon("anstelle")
