"""The guard on a statement's typo that a draft corrects (issue 11, round of 7 Dec 2026, "guard15"):
the draft's word is in the language's dictionary (WordNet; OpenThesaurus for German), the statement's
word is not, and the two are a typing slip apart after the same first letter (a short word: a
letter left out or added, or two neighbours swapped; German: two neighbours swapped only, since
OpenThesaurus lacks many words). A real word put for another
real word, or a word a slip away from a statement's word the dictionary knows, is still new.

The English statement is a real one (american-assembly.bowling-green, comment 871, CC BY 4.0),
refused before this round; the German ones are made up (the only German statements of the corpora
with such a typo are used by the holdouts).
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft, thesaurus_de
from deliberation.grounding import wordnet as wn
from deliberation.grounding.spelling import corrects_typo, slips, swapped

K = ProblemKind
needs_wordnet = pytest.mark.skipif(wn.wordnet() is None, reason="needs WordNet (Debian's wordnet-base) at /usr/share/wordnet")
needs_thesaurus = pytest.mark.skipif(thesaurus_de._index() is None,
                                     reason="needs OpenThesaurus (Debian's mythes-de) at /usr/share/mythes")


def _verdict(statement: str, draft: str) -> tuple[bool, set[ProblemKind]]:
    report = check_draft([{"id": "871", "text": statement}], draft, ["871"])
    return report.supported, {k for s in report.sentences for k in s.problem_kinds}


@needs_wordnet
def test_a_corrected_english_typo_is_no_new_name() -> None:
    ok, kinds = _verdict("Emphasize that ALL immigrants should learn and speak ENGLLISH.",
                         "Participants stress that all immigrants should learn and speak English.")
    assert ok, kinds


@needs_wordnet
def test_a_name_a_slip_from_a_known_word_is_still_new() -> None:
    ok, kinds = _verdict("Emphasize that ALL immigrants should learn and speak ENGLLISH.",
                         "Participants stress that all immigrants should learn and speak English and Spanish.")
    assert not ok and K.ADDED_ENTITY in kinds


@needs_wordnet
@pytest.mark.parametrize(("statement", "draft"), [
    ("Councillor Smyth should resign over the budget.", "Councillor Smith should resign over the budget."),
    ("Vote Kemper out of office.", "Vote Keeper out of office."),
    ("Mayor Wilkerson failed us.", "Mayor Wilkinson failed us."),
    ("Hire more Latinx teachers.", "Hire more Latin teachers."),
])
def test_a_name_one_slip_from_a_word_is_another_name(statement: str, draft: str) -> None:
    """The reviewer's made-up cases on 1a3b34b: a name written as a name is no typo of a word."""
    ok, kinds = _verdict(statement, draft)
    assert not ok and K.ADDED_ENTITY in kinds, kinds


@needs_thesaurus
def test_a_german_typo_of_two_swapped_letters_is_the_word_meant() -> None:
    statement = "Bei Grundnahrungsmitteln wie Bort und Reis soll kein Gewinn erlaubt sein."
    ok, kinds = _verdict(statement, "Bei Grundnahrungsmitteln wie Brot und Reis soll kein Gewinn erlaubt sein.")
    assert ok, kinds
    ok, kinds = _verdict(statement, "Bei Grundnahrungsmitteln wie Boot und Reis soll kein Gewinn erlaubt sein.")
    assert not ok


@needs_wordnet
@needs_thesaurus
def test_the_rule_needs_an_unknown_word_in_the_statement() -> None:
    assert corrects_typo("Square", "Squre", "en")
    assert not corrects_typo("progressive", "moderate", "en")
    assert not corrects_typo("cordon", "Gordon", "en")  # another first letter: another word
    assert not corrects_typo("cars", "care", "en")  # "care" is a word: no typo
    assert not corrects_typo("baker", "biker", "en")  # a letter changed in a short word: another word
    assert corrects_typo("comprehensive", "comprehesive", "en")  # a long word may hold two slips
    assert not corrects_typo("Forderung", "Förderung", "de")  # a German letter changed: another word
    assert not corrects_typo("Brot", "Bort", "fr")  # no dictionary for the language


def test_slips_counts_typing_slips() -> None:
    assert slips("bort", "brot", 1) == 1
    assert slips("netzwekes", "netzwerks", 2) == 2
    assert slips("square", "squre", 1) == 1
    assert slips("abcdef", "uvwxyz", 2) == 3
    assert swapped("bort", "brot") and not swapped("bort", "boot")
