"""The guard on a negation said by a prefix instead of a negator (issue 11, round of 7 Dec 2026,
"guard17", tuned on the odd halves of holdouts 1-4, 3b and 6-10 and the dev sets): "not fair" =
"unfair", "does not agree" = "disagrees", "did not graduate" = "non-graduates", "nicht ersetzbar" =
"unersetzbar", "cannot swim" = "unable to swim" = "nonswimmers", "illegal" = "not legal", "sinnlos" =
"nicht sinnvoll"; and a draft that flips a word by its affix ("fair" -> "unfair", "sinnvoll" ->
"sinnlos") reverses it (:mod:`deliberation.grounding.affixes`).

Every statement here is made up (the cases are in tests/data/grounding_affix_cases.toml). The faithful cases up to "not useful" were refused before this
round; the next ones keep the new reversal rule from a false alarm ("will not" is no "willing", "non
violent" is "nonviolent", a statement that says both "fair" and "unfair"); the reversals by an affix
up to "kostenpflichtig" passed before, as did "nötig, aber teuer" for "unnötig und teuer" (a clause
that aligns to none of the statement's) until the round's last commit; the last ones show the rule
passes no real reversal.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind
from deliberation.grounding.affixes import negated_bases
from guard_cases import assert_one_statement_judged, guard_cases, needs_wordnet

#: the cases, from tests/data/grounding_affix_cases.toml
CASES = guard_cases("grounding_affix_cases.toml")


@needs_wordnet
@pytest.mark.parametrize(("statement", "draft", "kind"), CASES)
def test_a_negation_said_by_a_prefix(statement: str, draft: str, kind: ProblemKind | None) -> None:
    assert_one_statement_judged(statement, draft, kind)


@needs_wordnet
@pytest.mark.parametrize(("word", "bases"), [("unfair", {"fair"}), ("disagree", {"agree"}),
                                             ("non-graduates", {"graduates"}), ("unersetzbar", {"ersetzbar"}),
                                             ("sinnlose", {"sinnvolle", "sinnreiche", "sinnpflichtige"}),
                                             ("useless", {"useful"}), ("discover", set()), ("union", set()),
                                             ("inform", set()), ("unter", set()), ("Inland", set()),
                                             ("homeless", set())])
def test_which_words_negate_by_their_affix(word: str, bases: set[str]) -> None:
    assert negated_bases(word, 4) == bases
