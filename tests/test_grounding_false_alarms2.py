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

Second round (night of 7 Dec 2026):

* "real" that only stresses its noun ("the real reason", "real problems", "a real job", "a true
  friend": the WordNet senses under "worthy of the name" and "not to be taken lightly") may go;
  "real wages" and "real property" (senses WordNet quotes with their noun as terms) may not.
* an evaluation after a copula is a stance on its subject ("closing it is not a good idea" = "is a
  bad idea" = "participants oppose closing it"; "ist keine gute Idee" = "lehnen ab"); "not a bad
  idea", "support" and the bare "good idea" are still reversals;
* "not X until / till / before Y" says "X only once / after Y" (exception_words), German "nicht X,
  bevor Y" says "erst X, wenn Y"; "the only country" says no "only" (only_idioms), so a dropped
  "until" condition is still refused;
* "the majority of", "numerous", "zahlreiche", "die Mehrheit" keep a part a part (partial_words);
* a heart typed as "<3" is no threshold ("<3 km" is); a first-person report ("I do not know anyone
  who uses the night bus") is no claim about everyone, and a draft's "Nobody uses the night bus"
  is refused;
* a currency after a number is a unit, never a name ("zehn Euro am Tag"), and a currency code says
  its name ("EUR" = "euros"); "lacking a car" says "without a car";
* German: a compound's parts regrouped ("die großen Lebensmittelkonzerne" for
  "Lebensmittel-Großkonzerne") say the same; another first part ("Energiekonzerne") does not.

Every statement here is made up (tests/data/grounding_false_alarms2_cases.toml, grouped by class);
each faithful case was refused before its rule, and each refused one shows the rule does not pass a
real change.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind
from guard_cases import assert_statements_judged, guard_cases, needs_wordnet

CASES = guard_cases("grounding_false_alarms2_cases.toml", {"wordnet": needs_wordnet})


@pytest.mark.parametrize(("statements", "draft", "kind"), CASES)
def test_judged(statements: list[str], draft: str, kind: ProblemKind | None) -> None:
    assert_statements_judged(statements, draft, kind)
