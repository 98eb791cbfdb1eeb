"""The guard on a modifier of a noun that a draft drops (issue 11, round of 7 Dec 2026, "guardr"): an
adjective or a number that restricts the noun ("unsafe crossings", "the 2019 rules") left out, so
that the claim is about all of them; and no false alarm where the draft keeps the restriction in
other words, names its own, or drops a modifier that restricts nothing ("political parties" are
parties, "higher fees" is a degree, "luxury or upscale flats" names one of two).

Every statement here is made up.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft
from guard_cases import assert_statements_judged, needs_wordnet

K = ProblemKind

# (statements, draft, the problem kind expected or None for supported)
CASES = [
    # an adjective that restricts the noun, dropped
    (["The council should repair unsafe crossings near the river."],
     "The council should repair crossings near the river.", K.SCOPE_INFLATED),
    (["Landlords should refund deposits for faulty heaters."],
     "Participants want landlords to refund deposits for heaters.", K.SCOPE_INFLATED),
    (["Mayoral candidates should publish their tax returns."],
     "Candidates should publish their tax returns.", K.SCOPE_INFLATED),
    # a number (a year) that restricts the noun, dropped
    (["The council must repeal all 2019 parking rules."], "The council must repeal all parking rules.",
     K.SCOPE_INFLATED),
    # the noun a plural that WordNet knows mostly as a verb ("drinks", "protests"), after the same
    # word as in the statement; after a number; a past participle as the modifier (reviewer's MEDIUM on bc5fa62)
    (["Schools should ban fizzy drinks from the tuck shop."], "Schools should ban drinks from the tuck shop.",
     K.SCOPE_INFLATED),
    (["Officers should not fine people at silent protests on the bridge."],
     "Officers should not fine people at protests on the bridge.", K.SCOPE_INFLATED),
    (["The borough needs more guarded cycle lanes on arterial roads."],
     "The borough needs more cycle lanes on arterial roads.", K.SCOPE_INFLATED),
    (["Only 2021 apprentices should get the travel bursary."], "Only apprentices should get the travel bursary.",
     K.SCOPE_INFLATED),
    (["Schools should ban fizzy drinks from the tuck shop."], "Fizzy drinks should be banned from the tuck shop.", None),
    # kept in other words, or the draft's own modifier
    (["The council should repair unsafe crossings near the river."],
     "The council should repair dangerous crossings near the river.", None),
    (["The council must repeal all 2019 parking rules."],
     "All parking rules from 2019 must be repealed by the council.", None),
    (["Electric scooters should be banned from the towpath."], "E-scooters should be banned from the towpath.", None),
    (["We should stop building new car parks in 2 years."], "We should stop building new car parks in two years.",
     None),
    # modifiers that restrict nothing the claim turns on
    (["Either major political party could win the seat."], "Either major party could win the seat.", None),
    (["The town needs more affordable flats and fewer luxury or upscale flats."],
     "The town needs more affordable flats and fewer luxury flats.", None),
    (["Staff in higher positions should answer for their actions like everyone else."],
     "Staff, whatever their position, should answer for their actions like everyone else.", None),
    # the statement says the noun alone itself: the draft may quote that sentence
    (["The town hall should hear genuine grievances. Today the town hall hears all grievances."],
     "Today the town hall hears all grievances.", None),
    (["Cycling lanes make the town centre a financial burden for shops."],
     "Cycling lanes do not burden shops in the town centre.", K.STANCE_REVERSED),
]


@needs_wordnet
@pytest.mark.parametrize(("statements", "draft", "kind"), CASES)
def test_dropped_modifiers(statements: list[str], draft: str, kind: ProblemKind | None) -> None:
    assert_statements_judged(statements, draft, kind)


@needs_wordnet
def test_the_dropped_modifier_is_named_in_the_reason() -> None:
    report = check_draft([{"id": "4", "text": "The council should repair unsafe crossings near the river."}],
                         "The council should repair crossings near the river.")
    assert "'unsafe crossings'" in report.sentences[0].reason and "statement 4" in report.sentences[0].reason
