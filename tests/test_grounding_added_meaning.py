"""The guard on unfaithful drafts that passed it and that the reviewer named as classes (issue 11,
round of 7 Dec 2026, evening): an aspect verb turned round ("stop using" -> "start using"), a
condition or restriction the draft adds ("only when there is money", "wo niemand wohnt"), a
statement's condition of which the draft keeps only a noun ("If rents rise, ... cap them" -> "...
cap rents"), and the faithful drafts next to each that must still pass.

Every statement here is made up.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft
from guard_cases import assert_judged, needs_wordnet

K = ProblemKind

# (statement, draft, the problem kind expected or None for supported)
ASPECT = [
    # a verb that begins a doing is the opposite of one that ends it
    ("People in the village should quit burning garden waste.",
     "People in the village should start burning garden waste.", K.STANCE_REVERSED),
    ("The school should cease serving sugary drinks at lunch.",
     "The school should resume serving sugary drinks at lunch.", K.STANCE_REVERSED),
    ("Die Gemeinde soll aufhören, Laubbläser im Park einzusetzen.",
     "Die Gemeinde soll anfangen, Laubbläser im Park einzusetzen.", K.STANCE_REVERSED),
    ("Der Verein soll das Sommerfest am See beenden.", "Der Verein soll das Sommerfest am See fortsetzen.",
     K.STANCE_REVERSED),
    # the same direction said with another aspect verb
    ("The club should start offering free coaching for girls.",
     "The club should begin offering free coaching for girls.", None),
    ("Die Gemeinde soll aufhören, Laubbläser im Park einzusetzen.",
     "Laubbläser soll die Gemeinde im Park nicht mehr einsetzen.", None),
]


ADDED_CLAUSE = [
    # a condition, a place or a purpose the statement does not set, even in one or two words
    ("The town should plant more trees along the river.",
     "The town should plant more trees along the river only if the budget allows.", K.ADDED_CONTENT),
    ("The town should plant more trees along the river.",
     "The town should plant more trees along the river, unless farmers object.", K.ADDED_CONTENT),
    ("The town should plant more trees along the river.",
     "The town should plant more trees along the river where nobody fishes.", K.ADDED_CONTENT),
    ("Der Markt soll samstags länger offen bleiben.",
     "Der Markt soll samstags länger offen bleiben, sofern der Gemeinderat zustimmt.", K.ADDED_CONTENT),
    ("Der Markt soll samstags länger offen bleiben.", "Der Markt soll samstags länger offen bleiben, wo niemand wohnt.",
     K.ADDED_CONTENT),
    ("Der Markt soll samstags länger offen bleiben.", "Der Markt soll samstags länger offen bleiben, damit niemand hetzt.",
     K.ADDED_CONTENT),
    ("Der Markt soll samstags länger offen bleiben.",
     "Der Markt soll erst dann samstags länger offen bleiben, wenn die Händler zustimmen.", K.ADDED_CONTENT),
    # a clause made of the statement's own words, an idiom or a hedge adds nothing
    ("Late trains make commuters drive to work.", "When trains are late, commuters drive to work.", None),
    ("The town should plant more trees along the river.",
     "When it comes to the river, the town should plant more trees along it.", None),
    # an expression WordNet knows is one word: one new verb
    ("The old depot should become a hall for neighbours to meet.",
     "The old depot should become a hall where neighbours can come together.", None),
    # a clause whose one new word is a verb about what the sentence names
    ("There should be more evening classes at the library so adults can retrain.",
     "Participants want more evening classes at the library, believing that if they were held, adults could retrain.",
     None),
    ("Der Markt soll samstags länger offen bleiben, wenn die Händler zustimmen.",
     "Wenn die Händler zustimmen, soll der Markt samstags länger offen bleiben.", None),
]


CONDITION_KEPT = [
    # a draft that keeps a condition's noun but not what happens to it keeps no condition
    ("If bus fares rise, the council should freeze them.", "The council should freeze bus fares.", K.SCOPE_INFLATED),
    ("Wenn die Wasserpreise steigen, soll die Gemeinde sie deckeln.", "Die Gemeinde soll die Wasserpreise deckeln.",
     K.SCOPE_INFLATED),
    # a condition that opens with its verb has no subject to leave out
    ("No shop should get a late licence without paying its staff extra wages that would double at night.",
     "A shop should get a late licence only if it pays its staff extra wages that double at night.", None),
    # the condition's verb kept, in another form or as an adjective
    ("If bus fares rise, the council should freeze them.", "The council should freeze rising bus fares.", None),
    ("If bus fares rise, the council should freeze them.", "When bus fares rise, the council should freeze them.", None),
    ("Wenn die Wasserpreise steigen, soll die Gemeinde sie deckeln.",
     "Steigen die Wasserpreise, soll die Gemeinde sie deckeln.", None),
]


def test_a_dropped_threshold_is_quoted_with_its_unit_letter() -> None:
    report = check_draft([{"id": "1", "text": "Flats renting for over 2k a month should pay a vacancy fee."}],
                         "Flats should pay a vacancy fee.")
    assert not report.supported
    assert "'over 2k'" in report.sentences[0].reason, report.sentences[0].reason


TERMS = [
    # an adjective WordNet quotes with the noun as an example of a sense of its own is a term
    ("Pensioners need higher real incomes this winter.", "Pensioners need higher incomes this winter.", K.SCOPE_INFLATED),
    ("Unions should fight for real wage growth in the care sector.",
     "Unions should fight for wage growth in the care sector.", K.SCOPE_INFLATED),
    # 'real' for emphasis may go
    ("The council must take real action on flooding in the old town.",
     "The council must take action on flooding in the old town.", None),
]


BUT_NOT = [
    # German 'aber nicht für X' restricts as 'but not for X' does
    ("Höhere Parkgebühren ja, aber nicht für Anwohner in der Altstadt.", "Höhere Parkgebühren werden befürwortet.",
     K.SCOPE_INFLATED),
    ("Ein Tempolimit ja, aber nicht auf Landstraßen.", "Ein Tempolimit wird gefordert.", K.SCOPE_INFLATED),
    ("Ein Tempolimit ja, aber nicht auf Landstraßen.", "Ein Tempolimit wird gefordert, jedoch nicht auf Landstraßen.",
     None),
]


SIGNS = [
    # a comparison sign before a number sets a threshold as 'over' does
    ("Parcels >2 kg should be delivered to lockers, not doors.", "Parcels should be delivered to lockers, not doors.",
     K.SCOPE_INFLATED),
    ("Sammelstellen für Sperrmüll >5 Kilo sollen eingeführt werden.", "Sammelstellen für Sperrmüll sollen eingeführt werden.",
     K.SCOPE_INFLATED),
    ("Parcels >2 kg should be delivered to lockers, not doors.",
     "Parcels over 2 kg should be delivered to lockers, not doors.", None),
]


RELATIVE_VERB = [
    # a relative clause kept only by one of its nouns is dropped: its verb says which ones are meant
    ("Give a rent rebate to tenants who insulate their flats in old buildings.",
     "Give a rent rebate to tenants in old buildings with flats.", K.SCOPE_INFLATED),
    # the verb kept, or said by a verb WordNet relates to it
    ("Give a rent rebate to tenants who insulate their flats in old buildings.",
     "Tenants who insulate their flats in old buildings should get a rent rebate.", None),
]


LEVEL_DE = [
    # German 'hoch' / 'niedrig' are on the level axis as 'high' / 'low' are
    ("Hohe Zuschüsse für Lastenräder in der Stadt.", "Die Zuschüsse für Lastenräder in der Stadt sollen gekürzt werden.",
     K.DIRECTION_REVERSED),
    ("Die Gebühren für die Musikschule sind niedrig.", "Die Gebühren für die Musikschule sind hoch.", K.STANCE_REVERSED),
    ("Die Mieten in der Altstadt sind zu hoch.", "Die Mieten in der Altstadt sollen sinken.", None),
]

def _cases(name: str, cases: list, *marks: pytest.MarkDecorator) -> list:
    """``cases`` as parameters named after what they show (``name``-number), with ``marks``."""
    return [pytest.param(*case, id=f"{name}-{n}", marks=list(marks)) for n, case in enumerate(cases)]


CASES = [
    *_cases("aspect_verbs_have_a_direction", ASPECT),
    *_cases("an_added_condition_place_or_purpose_is_refused", ADDED_CLAUSE),
    *_cases("a_condition_is_kept_by_its_verb", CONDITION_KEPT, needs_wordnet),
    *_cases("an_adjective_quoted_with_its_noun_is_a_term", TERMS, needs_wordnet),
    *_cases("german_but_not_for_is_a_restriction", BUT_NOT),
    *_cases("a_comparison_sign_sets_a_threshold", SIGNS),
    *_cases("a_relative_clause_is_kept_by_its_verb", RELATIVE_VERB, needs_wordnet),
    *_cases("german_high_and_low_have_a_direction", LEVEL_DE),
]


@pytest.mark.parametrize(("statement", "draft", "kind"), CASES)
def test_judged(statement: str, draft: str, kind: ProblemKind | None) -> None:
    assert_judged(check_draft([{"id": "1", "text": statement}], draft), kind)
