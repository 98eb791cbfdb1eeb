"""The guard on a universal word that a statement says in other words (issue 11, round of 7 Dec 2026,
"guard17", tuned on the odd halves of holdouts 6-10 and the older sets): "complete divestment" lets a
draft say "divest completely", "emptied weekly" "every week", "total unnötig" "völlig unnötig", and
"each other" / "one another" speak of no "each" (scope.check_scope, ``universal_source_groups`` and
``universal_idioms`` in the guard's word lists); but such a word lets a draft say nothing broader
("complete" is no "of any kind", "täglich" no "jede Werbung"), and "at all hours" is "all".

Every statement here is made up. Each faithful case below was refused before this round.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft
from guard_cases import assert_judged

K = ProblemKind

# (statement, draft, the problem kind expected or None for supported)
CASES = [
    ("The city should aim for complete divestment from fossil fuels.",
     "The city should divest completely from fossil fuels.", None),
    ("Recycling bins in the old town should be emptied weekly.",
     "Recycling bins in the old town should be emptied every week.", None),
    ("Die Biotonne in der Altstadt sollte wöchentlich geleert werden.",
     "Die Biotonne in der Altstadt sollte jede Woche geleert werden.", None),
    ("Ich finde die neue Umgehungsstraße am Stadtrand total unnötig.",
     "Die neue Umgehungsstraße am Stadtrand wird als völlig unnötig gesehen.", None),
    ("Cyclists and drivers should respect one another on the bridge.",
     "Cyclists and drivers should respect each other on the bridge.", None),
    # a broader claim stays one
    ("The park by the river should be open to walkers for certain hours.",
     "The park by the river should be open to walkers at all hours.", K.SCOPE_INFLATED),
    ("Recycling bins in the old town should be emptied weekly.",
     "All recycling bins in the old town should be emptied weekly.", K.SCOPE_INFLATED),
    ("Werbung für ungesunde Snacks sollte verboten werden, damit Kinder nicht täglich Süßes wollen.",
     "Jede Werbung für Snacks sollte verboten werden, damit Kinder nicht täglich Süßes wollen.", K.SCOPE_INFLATED),
    ("Library fines for pupils should be waived once their course is complete.",
     "Library fines of any kind should be waived for pupils once their course is complete.", K.SCOPE_INFLATED),
]


@pytest.mark.parametrize(("statement", "draft", "kind"), CASES)
def test_a_universal_word_said_in_other_words(statement: str, draft: str, kind: ProblemKind | None) -> None:
    report = check_draft([{"id": "1", "text": statement}], draft, ["1"])
    assert_judged(report, kind)
