"""The words the moderator reads when the guard refuses a draft that drops a statement's threshold
(efbd042): the statement's own words from the threshold word to the number, quoted once, in English
and (through problem_in) in another console language. It quoted "'ab ... 6'" before, words that are
in neither text.

Every statement here is made up.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft
from deliberation.grounding import wordnet as wn
from deliberation.grounding.problems import problem_in

needs_wordnet = pytest.mark.skipif(wn.wordnet() is None, reason="needs WordNet (Debian's wordnet-base) at /usr/share/wordnet")


def _refused(statement: str, draft: str):
    report = check_draft([{"id": "4", "text": statement}], draft)
    sentence = report.sentences[0]
    assert not sentence.supported and sentence.problem_kinds == [ProblemKind.SCOPE_INFLATED]
    return sentence


@needs_wordnet
def test_a_dropped_threshold_is_quoted_as_the_statement_says_it() -> None:
    sentence = _refused("Households should get a delivery subsidy for shopping trips of over 6 km.",
                        "Households should get a delivery subsidy for shopping trips.")
    assert sentence.problems == ["drops the threshold 'over 6' of statement 4"]


@needs_wordnet
def test_the_threshold_reads_cleanly_in_another_console_language() -> None:
    sentence = _refused("Eine Vermögenssteuer ab 1 Million Euro Vermögen sollte eingeführt werden.",
                        "Eine Vermögenssteuer auf Vermögen sollte eingeführt werden.")
    assert sentence.problems == ["drops the threshold 'ab 1 Million' of statement 4"]
    words = problem_in(ProblemKind.SCOPE_INFLATED, sentence.problems[0], "fr", sentence.problem_statements[0])
    assert words == ("élargit la portée d'une proposition citée, comme certains en tous ou limiter en interdire "
                     "(proposition 4)\u00a0: 'ab 1 Million'")
