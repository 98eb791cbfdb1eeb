"""The guard on a negation said by a prefix instead of a negator (issue 11, round of 7 Dec 2026,
"guard17", tuned on the odd halves of holdouts 1-4, 3b and 6-10 and the dev sets): "not fair" =
"unfair", "does not agree" = "disagrees", "did not graduate" = "non-graduates", "nicht ersetzbar" =
"unersetzbar", "cannot swim" = "unable to swim" = "nonswimmers", "illegal" = "not legal", "sinnlos" =
"nicht sinnvoll"; and a draft that flips a word by its affix ("fair" -> "unfair", "sinnvoll" ->
"sinnlos") reverses it (:mod:`deliberation.grounding.affixes`).

Every statement here is made up. The faithful cases up to "not useful" were refused before this
round; the next ones keep the new reversal rule from a false alarm ("will not" is no "willing", "non
violent" is "nonviolent", a statement that says both "fair" and "unfair"); the reversals by an affix
up to "kostenpflichtig" passed before, as did "nötig, aber teuer" for "unnötig und teuer" (a clause
that aligns to none of the statement's) until the round's last commit; the last ones show the rule
passes no real reversal.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft
from deliberation.grounding import wordnet as wn
from deliberation.grounding.affixes import negated_bases
from guard_cases import assert_judged

K = ProblemKind
needs_wordnet = pytest.mark.skipif(wn.wordnet() is None, reason="needs WordNet (Debian's wordnet-base) at /usr/share/wordnet")

# (statement, draft, the problem kind expected or None for supported)
CASES = [
    ("The new parking tax would not be fair to small farms.", "The new parking tax would be unfair to small farms.",
     None),
    ("The new parking tax would be unfair to small farms.", "The new parking tax would not be fair to small farms.",
     None),
    ("Many residents cannot swim in the quarry lake.", "Many residents are unable to swim in the quarry lake.", None),
    ("Many residents do not agree with the new bus plan.", "Many residents disagree with the new bus plan.", None),
    ("Grants should go to non-graduates of the art college.",
     "Grants should go to people who did not graduate from the art college.", None),
    ("Nonswimmers need free lessons at the quarry lake.",
     "People who cannot swim need free lessons at the quarry lake.", None),
    ("Geräte mit unersetzbaren Akkus sollen verboten werden.",
     "Geräte, deren Akkus nicht ersetzbar sind, sollen verboten werden.", None),
    ("Street parking on the bridge should be illegal.", "Street parking on the bridge should not be legal.", None),
    ("The new measure for the old bridge is useless.", "The new measure for the old bridge is not useful.", None),
    ("Eine Tempo-30-Zone vor der Grundschule am Markt ist sinnlos.",
     "Eine Tempo-30-Zone vor der Grundschule am Markt ist nicht sinnvoll.", None),
    ("Das Verbot von Feuerwerk in der Altstadt ist unverhältnismäßig.",
     "Das Verbot von Feuerwerk in der Altstadt ist nicht verhältnismäßig.", None),
    ("The clinics are unable or unwilling to check their own staff.",
     "The clinics either cannot or will not check their own staff.", None),
    ("The town needs new rules for non violent young offenders.",
     "The town needs new rules for nonviolent young offenders.", None),
    ("The new parking tax is fair to some farms and unfair to others.", "The new parking tax is unfair to some farms.",
     None),
    # a reversal by an affix
    ("The new parking tax is fair to small farms.", "The new parking tax is unfair to small farms.", K.STANCE_REVERSED),
    ("The new parking tax is unfair to small farms.", "The new parking tax is fair to small farms.", K.STANCE_REVERSED),
    ("The plan is possible within the budget.", "The plan is impossible within the budget.", K.STANCE_REVERSED),
    ("Die neue Regel zum Parken ist gerecht.", "Die neue Regel zum Parken ist ungerecht.", K.STANCE_REVERSED),
    ("Eine Tempo-30-Zone vor der Grundschule am Markt ist sinnvoll.",
     "Eine Tempo-30-Zone vor der Grundschule am Markt ist sinnlos.", K.STANCE_REVERSED),
    ("Das Parken in der Altstadt sollte kostenlos sein.", "Das Parken in der Altstadt sollte kostenpflichtig sein.",
     K.STANCE_REVERSED),
    ("The new measure for the old bridge is useful.", "The new measure for the old bridge is useless.",
     K.STANCE_REVERSED),
    # the affixed word the only word its clause shares with the statement: read in the whole sentence
    ("Ich finde es total unnötig und teuer, die Kälber zum Schlachten ins Ausland zu fahren.",
     "Eine Stimme findet es nötig, aber teuer, die Kälber zum Schlachten ins Ausland zu fahren.", K.STANCE_REVERSED),
    ("Ich finde es total unnötig und teuer, die Kälber zum Schlachten ins Ausland zu fahren.",
     "Eine Stimme findet es unnötig und teuer, die Kälber zum Schlachten ins Ausland zu fahren.", None),
    # a real reversal stays one
    ("Many residents can swim in the quarry lake.", "Many residents cannot swim in the quarry lake.",
     K.STANCE_REVERSED),
    ("Grants should go to graduates of the art college.",
     "Grants should go to people who did not graduate from the art college.", K.STANCE_REVERSED),
    ("The new parking tax would be fair to small farms.", "The new parking tax would not be fair to small farms.",
     K.STANCE_REVERSED),
]


@needs_wordnet
@pytest.mark.parametrize(("statement", "draft", "kind"), CASES)
def test_a_negation_said_by_a_prefix(statement: str, draft: str, kind: ProblemKind | None) -> None:
    report = check_draft([{"id": "1", "text": statement}], draft, ["1"])
    assert_judged(report, kind)


@needs_wordnet
@pytest.mark.parametrize(("word", "bases"), [("unfair", {"fair"}), ("disagree", {"agree"}),
                                             ("non-graduates", {"graduates"}), ("unersetzbar", {"ersetzbar"}),
                                             ("sinnlose", {"sinnvolle", "sinnreiche", "sinnpflichtige"}),
                                             ("useless", {"useful"}), ("discover", set()), ("union", set()),
                                             ("inform", set()), ("unter", set()), ("Inland", set()),
                                             ("homeless", set())])
def test_which_words_negate_by_their_affix(word: str, bases: set[str]) -> None:
    assert negated_bases(word, 4) == bases
