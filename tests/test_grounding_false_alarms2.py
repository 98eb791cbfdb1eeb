"""The guard on faithful drafts it used to refuse (issue 11, round "guardp" of the evening of 7 Dec
2026, tuned on holdouts 1-4, the grounding cases and the odd halves of holdouts 6-10), one class of
wording per rule:

* a statement that negates "anyone" ("should not release anyone from the rules") says "nobody" with
  another negator, so a draft may say "no one should be released"; a statement that says neither
  ("a tenant should not face eviction") still does not support "no one should";
* "rather than" / "instead of" negates its first content words up to a comma, however many function
  words come first ("rather than for those of them who are retired" negates "retired" as "rather
  than for retired people" does); a draft that swaps the two sides is still a reversal;
* German: a draft may end a list with "und Ähnliches" / "oder dergleichen" where the statement ends
  it with "usw." or "o. dgl." (the language data's list_end_words and list_end_marks); where the
  statement's list is closed, "und Ähnliches geht" still adds to it;
* a number that counts the cited statements may count them as contributions, submissions or
  "Beiträge" as it may count participants ("Zwei Beiträge wollen ..." citing two statements); a
  number that is not their count is still added;
* a plural quantifier with "of these" / "of those" before its noun is the same claim as with "of
  the": a statement that says "many of these statements" supports a draft's "many statements"; a
  statement that says no "many" still does not;
* a negator written short or without its apostrophe ("w/o", "w/out", "dont", "isnt": the language
  data's abbreviated_negators) is the word it stands for: "w/out more buses" is "without more
  buses", "dont belong" is "do not belong", and a draft that drops it ("with more buses", "belong")
  reverses the statement;
* German: "jeder" / "jede" before an inflected adjective and a noun ("jeder zusätzliche Parkplatz")
  is the determiner of that noun, no claim that everyone agrees; "jeder solle ..." (a function word
  after it) and "Jeder will ..." still are.

Every statement here is made up; each faithful case was refused before its rule, and each refused
one shows the rule does not pass a real change.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind
from guard_cases import assert_statements_judged, needs_wordnet

K = ProblemKind

# (statements, draft, the problem kind expected or None for supported)
CASES = [
    (["A seat on the board should not exempt anyone from the ethics rules."],
     "No one should be exempt from the ethics rules because of a seat on the board.", None),
    (["Wealth must never shield anybody from a fine for speeding."],
     "Nobody should be shielded from a speeding fine by wealth.", None),
    # no negated "anyone": the statement speaks of one kind of person, the draft of everybody
    (["A tenant should not face eviction within two weeks of a missed payment."],
     "No one should face eviction within two weeks of a missed payment.", K.CONSENSUS_CLAIM),
    # "anyone" said without a negator: no "nobody"
    (["A seat on the board should give anyone a vote on the budget."],
     "No one should get a vote on the budget because of a seat on the board.", K.CONSENSUS_CLAIM),
    (["The new clinic should be for families with small children rather than for retired people with private "
      "insurance."],
     "The new clinic should be for families with small children rather than for those of them who are retired and "
     "have private insurance.", None),
    (["Grants should help tenants on low incomes rather than owners of second homes."],
     "Grants should help tenants on low incomes rather than any of those of them who are owners of second homes.",
     None),
    # the two sides swapped: still a reversal
    (["The new clinic should be for families with small children, not for retired people with private insurance."],
     "The new clinic should be for retired people with private insurance rather than for those of them who are "
     "families with small children.", K.STANCE_REVERSED),
    (["Ökologie auch bei Baustoffen für Brücken, Tunnel usw. beachten."],
     "Auch wenn es um Brücken, Tunnel und Ähnliches geht, soll bei Baustoffen auf Ökologie geachtet werden.", None),
    (["Auch ohne eigenes Auto o. dgl. zum Arzt kommen können."],
     "Auch wer kein eigenes Auto oder Ähnliches besitzt, soll zum Arzt kommen können.", None),
    # the statement's list is closed: the draft widens it
    (["Ökologie auch bei Baustoffen für Brücken und Tunnel beachten."],
     "Auch wenn es um Brücken, Tunnel und Ähnliches geht, soll bei Baustoffen auf Ökologie geachtet werden.",
     K.ADDED_ITEM),
    (["Auch ohne eigenes Auto zum Arzt kommen können."],
     "Auch wer kein eigenes Auto oder Ähnliches besitzt, soll zum Arzt kommen können.", K.ADDED_ITEM),
    (["Mehr Bäume in der Innenstadt pflanzen.", "Die Innenstadt braucht mehr Schatten durch Bäume."],
     "Zwei Beiträge wollen mehr Bäume und Schatten in der Innenstadt.", None),
    (["Plant more trees downtown.", "Downtown needs more shade from trees."],
     "Two submissions ask for more trees and shade downtown.", None),
    (["Mehr Bäume in der Innenstadt pflanzen.", "Die Innenstadt braucht mehr Schatten durch Bäume."],
     "Drei Beiträge wollen mehr Bäume und Schatten in der Innenstadt.", K.ADDED_NUMBER),
    (["Plant more trees downtown.", "Downtown needs more shade from trees."],
     "Five submissions ask for more trees and shade downtown.", K.ADDED_NUMBER),
    (["It is odd how many of these statements are about parking. Buses matter more."],
     "One participant finds it odd that many statements are about parking and says buses matter more.", None),
    (["Many of those comments blame cyclists. Drivers speed too."],
     "Many comments blame cyclists, one participant notes, though drivers speed too.", None),
    (["It is odd how these statements are about parking. Buses matter more."],
     "One participant finds it odd that many statements are about parking and says buses matter more.",
     K.PLURAL_CLAIM),
    (["Fare cuts are well meant but a short-term fix at best w/out more buses on the routes."],
     "Fare cuts mean well, yet without more buses on the routes they are a short-term fix at best.", None),
    (["Parks are nicer w/o cars parked on the grass."], "Parks would be nicer without cars parked on the grass.", None),
    (["Parks are nicer w/o cars parked on the grass."], "Parks would be nicer with cars parked on the grass.",
     K.STANCE_REVERSED),
    (["Fare cuts are well meant but a short-term fix at best w/out more buses on the routes."],
     "Fare cuts mean well, yet with more buses on the routes they are a short-term fix at best.", K.STANCE_REVERSED),
    (["Trucks dont belong on Elm Street at night."], "Trucks do not belong on Elm Street at night.", None),
    (["The new bus timetable isnt working for shift workers."],
     "The new bus timetable is not working for shift workers.", None),
    (["Trucks dont belong on Elm Street at night."], "Trucks belong on Elm Street at night.", K.STANCE_REVERSED),
    (["Mit jedem zusätzlichen Parkplatz kommt mehr Verkehr, deshalb keine neuen Parkplätze bauen."],
     "Weil jeder zusätzliche Parkplatz mehr Verkehr bringt, sollen keine neuen Parkplätze gebaut werden.", None),
    (["Reiche sollen mehr Steuern zahlen."], "Eine Stimme meint, jeder solle mehr Steuern zahlen.", K.CONSENSUS_CLAIM),
    (["Reiche sollen mehr Steuern zahlen."], "Jeder will, dass Reiche mehr Steuern zahlen.", K.CONSENSUS_CLAIM),
]


@needs_wordnet
@pytest.mark.parametrize(("statements", "draft", "kind"), CASES)
def test_a_faithful_draft_passes(statements: list[str], draft: str, kind: ProblemKind | None) -> None:
    assert_statements_judged(statements, draft, kind)
