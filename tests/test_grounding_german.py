"""The guard on German wording (issue 11, round "guardde", tuned on the German cases of holdouts 1-4,
3b and the odd halves of 6-10): "statt" and "anstatt" are one negator, "leistbar" / "teurer" and
"große" / "geringe Rolle" are directions reversed, "umweltfreundlich" / "umweltschädlich" are
opposite endings (the guard's data file deliberation/grounding/data/de.toml); a compound with its last
part swapped for an OpenThesaurus synonym ("Modefirmen" for "Modeunternehmen") names the same thing
(:mod:`deliberation.grounding.german_compounds`).

Every statement here is made up (the cases are in tests/data/grounding_german_cases.toml).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberation.grounding import ProblemKind, thesaurus_de
from deliberation.grounding.german_compounds import synonym_compound
from deliberation.grounding.text import _word_canon
from guard_cases import assert_one_statement_judged, guard_cases

#: a test that needs OpenThesaurus (Debian's mythes-de) is skipped, saying so, where it is not installed
needs_thesaurus_de = pytest.mark.skipif(not Path(f"{thesaurus_de.DEFAULT_BASE}.idx").is_file(),
                                        reason="needs OpenThesaurus (Debian's mythes-de)")
#: the cases, from tests/data/grounding_german_cases.toml
CASES = guard_cases("grounding_german_cases.toml", {"thesaurus_de": needs_thesaurus_de})


@pytest.mark.parametrize(("statement", "draft", "kind"), CASES)
def test_german_wording(statement: str, draft: str, kind: ProblemKind | None) -> None:
    assert_one_statement_judged(statement, draft, kind)


@needs_thesaurus_de
@pytest.mark.parametrize(("word", "said", "same"), [("Modefirmen", ["Modeunternehmen"], True),
                                                    ("Modefirmen", ["Modeverbot"], False),
                                                    ("Baufirmen", ["Modeunternehmen"], False)])
def test_a_compound_with_a_synonym_for_its_last_part(word: str, said: list[str], same: bool) -> None:
    assert synonym_compound(word, said) is same


def test_statt_and_anstatt_are_one_word() -> None:
    assert _word_canon("anstatt") == _word_canon("statt") == _word_canon("anstelle")
