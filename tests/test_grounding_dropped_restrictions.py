"""The guard on the kinds of misses and false alarms the seventh holdout's per-kind scores named
(issue 11, round of 6 Dec 2026, late evening; the holdout's cases were not read): a restriction of
time or place dropped ("allowed in the park in the early morning" -> "allowed in the park"), "but not
for X" dropped, a condition whose names the draft moves into its main clause, a restriction in the
second sentence of a statement that a draft sentence restates together with the first, an
intensifier added ("so high", "definitely"), and no false alarm on a framing "Given the choice
between ...".

Every statement here is made up.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft
from deliberation.grounding import wordnet as wn
from guard_cases import assert_judged

K = ProblemKind
needs_wordnet = pytest.mark.skipif(wn.wordnet() is None, reason="needs WordNet (Debian's wordnet-base) at /usr/share/wordnet")

# (statements, draft, the problem kind expected or None for supported)
CASES = [
    # a time or a place the statement restricts its claim to
    (["Dogs should be allowed off the lead in the park in the early morning."],
     "Dogs should be allowed off the lead in the park.", K.SCOPE_INFLATED),
    (["Dogs should be allowed off the lead in the park in the early morning."],
     "Participants want dogs allowed off the lead in the park early in the morning.", None),
    (["The city should ban leaf blowers in residential areas."], "The city should ban leaf blowers.", K.SCOPE_INFLATED),
    (["The city should ban leaf blowers in residential areas."],
     "Leaf blowers should be banned by the city in residential areas.", None),
    (["Schools should start an hour later in winter."], "Schools should start an hour later.", K.SCOPE_INFLATED),
    (["Schools should start an hour later in winter."],
     "In the winter months schools should start an hour later.", None),
    (["Parking fees should rise for visitors from out of town."], "Parking fees should rise for visitors.",
     K.SCOPE_INFLATED),
    (["At the moment the bus is the only way to reach the hospital."], "The bus is the only way to reach the hospital.",
     None),
    # a condition written first without a comma ends at "then" / "dann" (round of 7 Dec 2026, afternoon)
    (["If the bakery stays open late then it should hire a second baker."], "The bakery should hire a second baker.",
     K.SCOPE_INFLATED),
    (["If the bakery stays open late then it should hire a second baker."],
     "If it stays open late, the bakery should hire a second baker.", None),
    (["Wenn die Bäckerei länger offen hat dann soll sie einen zweiten Bäcker einstellen."],
     "Die Bäckerei soll einen zweiten Bäcker einstellen.", K.SCOPE_INFLATED),
    # a German date or threshold written as a number after "bis" / "ab"
    (["Alle Ölheizungen sollen bis 2035 durch Wärmepumpen ersetzt werden."],
     "Alle Ölheizungen sollen durch Wärmepumpen ersetzt werden.", K.SCOPE_INFLATED),
    (["Alle Ölheizungen sollen bis 2035 durch Wärmepumpen ersetzt werden."],
     "Bis 2035 sollen alle Ölheizungen durch Wärmepumpen ersetzt werden.", None),
    # "but not for X" is a restriction too
    (["Library fines may rise, but not for children."], "Library fines may rise.", K.SCOPE_INFLATED),
    (["Library fines may rise, but not for children."], "Library fines may rise, though not for children.", None),
    # a condition's names moved into the main clause do not keep the condition
    (["If the Riverside Trust sells the meadow to developers, the village will lose its last green space."],
     "Participants warn that the Riverside Trust's meadow, the village's last green space, will be lost.",
     K.SCOPE_INFLATED),
    (["If the Riverside Trust sells the meadow to developers, the village will lose its last green space."],
     "Should the Riverside Trust sell the meadow to developers, the village will lose its last green space.", None),
    # a draft sentence restating two sentences of one statement keeps the restriction of the second
    (["Build a new footbridge over the canal. Councillors should not sit on unelected boards."],
     "Participants want a new footbridge over the canal and say councillors should not sit on boards.",
     K.SCOPE_INFLATED),
    # an intensifier the statement does not say
    (["Rents in the old town are high."], "Rents in the old town are so high.", K.SCOPE_INFLATED),
    (["Rents in the old town are high."], "Rents in the old town are extremely high.", K.SCOPE_INFLATED),
    (["The council should reconsider the bypass."], "The council should definitely reconsider the bypass.",
     K.SCOPE_INFLATED),
    (["Die Mieten in der Altstadt sind hoch."], "Die Mieten in der Altstadt sind extrem hoch.", K.SCOPE_INFLATED),
    (["Rents in the old town are SO high!"], "Rents in the old town are very high.", None),
    (["The bypass is so far the best plan."], "So far the bypass is the best plan.", None),
    # a framing of a choice adds no claim
    (["Parks are more important than parking lots."],
     "Given the choice between parks and parking lots, participants prefer parks.", None),
    # a threshold before a number ("ab 6 km", "over 50 km/h") is a restriction too (round of 7 Dec, "guard17")
    (["Households should get a delivery subsidy for shopping trips of over 6 km."],
     "Households should get a delivery subsidy for shopping trips.", K.SCOPE_INFLATED),
    (["Eine Vermögenssteuer ab 1 Million Euro Vermögen sollte eingeführt werden."],
     "Eine Vermögenssteuer auf Vermögen sollte eingeführt werden.", K.SCOPE_INFLATED),
    (["The county should have at least 1 more public swimming pool."],
     "The county should have at least one more public swimming pool.", None),
    (["Fines should rise for drivers going over 50 km/h in the village."],
     "In the village, fines should rise for drivers going over 50 km/h.", None),
    # a German place or origin ("in der Innenstadt", "aus Massentierhaltung") is one too (round of 7 Dec, "guard18")
    (["Mehr Radwege in der Innenstadt bauen."], "Eine Stimme fordert, mehr Radwege zu bauen.", K.SCOPE_INFLATED),
    (["Ein Verkaufsverbot für Fleisch aus Massentierhaltung oder Import aus Übersee."],
     "Eine Stimme fordert ein Verkaufsverbot für Fleisch.", K.SCOPE_INFLATED),
    (['Auf "Dorffesten" sollen Vereine selbstgebackenen Kuchen verkaufen dürfen.'],
     "Vereine sollen selbstgebackenen Kuchen verkaufen dürfen.", K.SCOPE_INFLATED),
    (["Mehr Radwege in der Innenstadt bauen."], "Eine Stimme fordert mehr Radwege im Stadtzentrum.", None),
    (["Im Moment fahren zu wenige Busse nach Linz."], "Es fahren zu wenige Busse nach Linz.", None),
    # places joined by a slash restrict as one: a draft that keeps one of them keeps the restriction
    (["Ich würde weniger im Internet/ bei Versandhändlern einkaufen, wenn die Läden länger offen hätten."],
     "Hätten die Läden länger offen, würde diese Person weniger online oder bei Versandhändlern einkaufen.", None),
    # a place WordNet files as a built or laid-out thing, not a location ("yard", "school", "Lane"), is one
    # too, after "next to" as after "in" (round of 7 Dec, "guardr")
    (["Tenants should be allowed to keep hens in their own yard."], "Tenants should be allowed to keep hens.",
     K.SCOPE_INFLATED),
    (["Lorries should be banned next to the school."], "Lorries should be banned.", K.SCOPE_INFLATED),
    (["The council should paint a zebra crossing at Fenwick Lane."], "The council should paint a zebra crossing.",
     K.SCOPE_INFLATED),
    (["Lorries should be banned next to the school."], "Lorries should be banned near the school.", None),
    # nouns joined by "and" / "or" restrict as one: a draft that keeps one keeps the restriction
    (["Nurses should be able to live in the towns and neighbourhoods they serve."],
     "Nurses should be able to live in the neighbourhoods they serve.", None),
    # a restriction the draft has said in a sentence before still holds in the next one
    (["I think we should fight for fair funding in rural libraries, including fighting for library staff and "
      "closing the reading gap."],
     "I think we should fight for fair funding in rural libraries. We need to fight for library staff and closing "
     "the reading gap.", None),
    (["I think we should fight for fair funding in rural libraries, including fighting for library staff and "
      "closing the reading gap."],
     "We need to fight for library staff and closing the reading gap.", K.SCOPE_INFLATED),
    # a relative clause before the main clause's verb ends there, "people" restricted as any noun; a participle
    # phrase restricts as a relative clause does (round of 7 Dec, "guardr")
    (["Drivers who ignore red lights should lose their licence."], "Drivers should lose their licence.",
     K.SCOPE_INFLATED),
    (["People who rent their homes should get a council tax discount."],
     "People should get a council tax discount.", K.SCOPE_INFLATED),
    (["Households burning coal should pay a smoke levy."], "Households should pay a smoke levy.", K.SCOPE_INFLATED),
    (["Drivers who speed near schools should lose their licence."],
     "Drivers caught speeding near schools should lose their licence.", None),
    (["People who rent their homes should get a council tax discount."],
     "Renters should get a council tax discount.", None),
    (["Households burning coal should pay a smoke levy."], "Coal-burning households should pay a smoke levy.", None),
    (["The council should set up a fund that residents can apply to for roof repairs."],
     "The council should set up a fund residents can apply to for roof repairs.", None),
    # a German time or threshold ("ab", "nach") restricts as a place does (round of 7 Dec, "guardr")
    (["Vermieter sollen ab der dritten Wohnung eine Leerstandsabgabe zahlen."],
     "Vermieter sollen eine Leerstandsabgabe zahlen.", K.SCOPE_INFLATED),
    (["Nach Mitternacht sollen Lieferwagen nicht durch den Ort fahren."],
     "Lieferwagen sollen nicht durch den Ort fahren.", K.SCOPE_INFLATED),
    (["Vermieter sollen ab der dritten Wohnung eine Leerstandsabgabe zahlen."],
     "Ab der dritten Wohnung sollen Vermieter eine Leerstandsabgabe zahlen.", None),
    (["Nach Mitternacht sollen Lieferwagen nicht durch den Ort fahren."],
     "In der Nacht sollen Lieferwagen nicht durch den Ort fahren.", None),
    # "nach" / "vor" before a noun that is no time: a model or a manner, no restriction to drop
    (["Die Stadt sollte nach dem Vorbild Kopenhagens mehr Radwege bauen."],
     "Die Stadt sollte wie Kopenhagen mehr Radwege bauen.", None),
    (["Nach dem Gesetz müssen Vermieter die Heizung warten."], "Vermieter müssen die Heizung warten.", None),
]


@needs_wordnet
@pytest.mark.parametrize(("statements", "draft", "kind"), CASES)
def test_dropped_restrictions_and_added_intensifiers(statements: list[str], draft: str, kind: ProblemKind | None) -> None:
    report = check_draft([{"id": str(n), "text": t} for n, t in enumerate(statements, start=1)], draft)
    assert_judged(report, kind)


@needs_wordnet
def test_a_dropped_time_is_named_in_the_reason() -> None:
    report = check_draft([{"id": "7", "text": "Dogs should be allowed off the lead in the park in the early morning."}],
                         "Dogs should be allowed off the lead in the park.")
    assert "in the early morning" in report.sentences[0].reason and "statement 7" in report.sentences[0].reason
