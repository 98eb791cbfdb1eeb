"""The guard on a draft that keeps a statement's meaning in other words (issue 11, round of 7 Dec 2026,
"guard16", tuned on the odd halves of holdouts 1-5):

* a draft that joins two statements ("every school should run a breakfast club so no pupil starts the
  day hungry, and give every pupil an hour of sport") has its clause aligned to the statement without
  the negation, while the other says "so no pupil starts the day hungry": a draft negation is the
  statement's own when a negator of a cited statement governs the same words (at least
  ``GroundingConfig.min_words_negated_elsewhere`` of them, some not the aligned clause's: a statement
  that says "not X but Y" shares only subject and verb, words of Y's clause too, with a draft that
  negates Y, a reversal);
* "buys" for a statement's "bought" is the statement's own word, so the statement's "sold" is no
  opposite the draft put in its place (an irregular verb's forms share no stem, only a WordNet lemma);
* "one participant ..., another ..., and a third ..." citing three statements counts speakers, it
  claims no number; "a third of" is still a share the statements must give.

Every statement here is made up; each faithful case below was refused before this round, and each
unfaithful one shows the rule does not pass a real change.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft
from deliberation.grounding import wordnet as wn

K = ProblemKind
needs_wordnet = pytest.mark.skipif(wn.wordnet() is None, reason="needs WordNet (Debian's wordnet-base) at /usr/share/wordnet")

LOANS = ["It took me years to repay my car loan.", "I cannot imagine ever repaying my car loan.",
         "I worry how my kids will repay their car loans."]

FLIGHTS = ["The airport should get more flights to Europe.", "Noise at night must be limited near the airport.",
           "Trains to the airport should run every ten minutes."]

# (statements, draft, the problem kind expected or None for supported)
CASES = [
    (["Every primary school should run a breakfast club so no pupil starts the day hungry.",
      "Schools should give every pupil an hour of sport each day."],
     "Every primary school should run a breakfast club so no pupil starts the day hungry, and give every pupil an "
     "hour of sport each day.", None),
    # the negation the draft adds is about other words than the statement's: still a reversal
    (["New flats on the ring road are good for the town. Landlords do not pay the parking levy."],
     "New flats on the ring road are not good for the town: landlords pay the parking levy.", K.STANCE_REVERSED),
    (["The ferry should run every hour. It does not stop at the pier."],
     "The ferry should not run every hour: it does not stop at the pier.", K.STANCE_REVERSED),
    # "not X but Y": the draft negates Y, whose words the statement's negator does not govern (reviewer's probes)
    (["Cyclists should not ride on busy roads. Cyclists should ride on quiet roads."],
     "Cyclists should not ride on quiet roads.", K.STANCE_REVERSED),
    (["Shops should not open on Sundays in winter. Shops should open on Sundays in summer."],
     "Shops should not open on Sundays in summer.", K.STANCE_REVERSED),
    (["Whenever land is bought by the council, the seller and the amount it sold for must be public."],
     "Participants want the seller and the price made public whenever the council buys land.", None),
    (["The council should sell the old depot."], "The council should buy the old depot.", K.DIRECTION_REVERSED),
    (["Whenever a house is sold by the council, the buyer must be named."],
     "Participants want the buyer named whenever the council buys a house.", K.DIRECTION_REVERSED),
    (LOANS, "Participants describe car loans: one needed years to repay theirs, another cannot imagine ever "
            "repaying theirs, and a third worries how their kids will repay theirs.", None),
    (LOANS, "A third of participants needed years to repay their car loans.", K.ADDED_NUMBER),
    # no enumeration of speakers before it: "a third" is a number the statements must give (reviewer's probes)
    (FLIGHTS, "The airport should get a third runway for flights to Europe, limit noise at night and run trains "
              "every ten minutes.", K.ADDED_NUMBER),
    (FLIGHTS, "A third want more flights to Europe, with night noise limited and trains to the airport every ten "
              "minutes.", K.ADDED_NUMBER),
    (FLIGHTS, "One participant wants more flights to Europe, another wants night noise limited near the airport, and "
              "a third wants trains to the airport every ten minutes.", None),
    (LOANS[:2], "One needed years to repay a car loan, another cannot imagine ever repaying it, and a third worries "
                "about it.", K.ADDED_NUMBER),
]


@needs_wordnet
@pytest.mark.parametrize(("statements", "draft", "kind"), CASES)
def test_a_meaning_kept_in_other_words(statements: list[str], draft: str, kind: ProblemKind | None) -> None:
    cited = [{"id": str(n), "text": t} for n, t in enumerate(statements, start=1)]
    report = check_draft(cited, draft, [c["id"] for c in cited])
    found = [k for s in report.sentences for k in s.problem_kinds]
    if kind is None:
        assert report.supported, [s.reason for s in report.sentences]
    else:
        assert not report.supported and kind in found, [s.reason for s in report.sentences]
