"""The guard on a negation or contrast that a draft says another way than its statement (issue 11,
round of 6 Dec 2026, night, "guard14", tuned on the odd halves of holdouts 1-5 and the dev sets):
"as opposed to X" = "instead of X"; "lieber X als Y" / "would rather X than Y" = "X statt Y"; a
German "nicht" that ends its clause negates what came before it ("Verbote darf es nicht geben" =
"keine Verbote"), as "none" does ("slow internet or none"); "too cheap to cover" = "does not cover";
"whether ... or not" negates nothing; German "zu" before an infinitive ("zu verbieten", "zu erhöhen")
is the infinitive marker, not "too", so it does not turn the verb round; "protected from cuts" = "not
cut"; "pro Haushalt" and "universally" speak of all, as "jeder Haushalt" and "everywhere" do.

Every statement here is made up; each faithful case below was refused before this round, and each
unfaithful one shows the rule does not pass a real reversal.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft
from deliberation.grounding import wordnet as wn

K = ProblemKind
needs_wordnet = pytest.mark.skipif(wn.wordnet() is None, reason="needs WordNet (Debian's wordnet-base) at /usr/share/wordnet")

# (statement, draft, the problem kind expected or None for supported)
CASES = [
    # "as opposed to X" after a noun says "instead of X"
    ("Residents should vote on new parks as opposed to councillors deciding alone.",
     "Residents should vote on new parks instead of councillors deciding alone.", None),
    ("We are opposed to the new car park.", "Participants support the new car park.", K.STANCE_REVERSED),
    # a preference said with "lieber ... als" / "rather ... than"
    ("Im Urlaub sollten wir wandern statt fliegen.", "Im Urlaub solle man lieber wandern als fliegen.", None),
    ("On holiday we should hike instead of flying.", "On holiday people would rather hike than fly.", None),
    # a German negation at the end of its clause, "none" at the end of one
    ("Es darf keine Fahrverbote in der Altstadt geben.", "Fahrverbote in der Altstadt darf es nicht geben.", None),
    ("Keine Werbeplakate am Marktplatz.", "Werbeplakate am Marktplatz soll es nicht mehr geben.", None),
    ("Werbeplakate am Marktplatz soll es geben.", "Werbeplakate am Marktplatz soll es nicht geben.",
     K.STANCE_REVERSED),
    ("Half the village has slow or no mobile signal.", "Half the village has slow mobile signal or none.", None),
    # "too X to Y" says "not Y"
    ("Die Ticketpreise decken die Kosten der Fähre nicht.",
     "Die Ticketpreise seien zu niedrig, um die Kosten der Fähre zu decken.", None),
    ("Ferry tickets do not cover the cost of the service.",
     "Ferry tickets are too cheap to cover the cost of the service.", None),
    ("Ferry tickets are too hard to buy online.", "Buying ferry tickets online is too difficult.", None),
    # "whether ... or not" asks, it does not negate
    ("Nobody can tell whether the pool is open or not.", "Nobody can tell whether the pool is open.", None),
    # "zu" + infinitive is no "too"
    ("Die Stadt soll Autos in der Altstadt verbieten.", "Es sei wichtig, Autos in der Altstadt zu verbieten.", None),
    ("Die Stadt soll die Parkgebühren senken.", "Die Stadt solle planen, die Parkgebühren zu erhöhen.",
     K.STANCE_REVERSED),
    # "protected from", "exempted from", "vor ... geschützt" negate what follows
    ("Funding for the lido should not be cut.", "Participants want the lido's funding protected from cuts.", None),
    ("Funding for the lido should be cut.", "Participants want the lido's funding protected from cuts.",
     K.STANCE_REVERSED),
    ("Market traders should not pay the new waste fee.", "Market traders should be exempted from the new waste fee.",
     None),
    ("The youth club needs more help from the council.", "The youth club needs more help from the council.", None),
    # a clause said again without its verb is aligned to itself, not to the negated clause before it
    ("Der Wald braucht uns nicht, aber wir den Wald.", "Der Wald braucht uns nicht, aber wir den Wald.", None),
    # the statement's negation kept word for word in the draft's next clause (the reviewer's case: the
    # clause-end "nicht" reading refused it, as the draft's first clause alone drops it)
    ("Billige Kleidung und Möbel decken die Umweltkosten nicht.",
     "Billige Kleidung und Möbel mögen günstig sein, decken aber die Umweltkosten nicht.", None),
    ("Cheap clothes do not cover their environmental costs.",
     "Cheap clothes may be affordable, but they do not cover their environmental costs.", None),
    ("Billige Kleidung und Möbel decken die Umweltkosten nicht.",
     "Billige Kleidung und Möbel mögen günstig sein, decken aber die Umweltkosten.", K.STANCE_REVERSED),
    ("The council should not close the library, because people need it.",
     "People need it, so the council should close the library.", K.STANCE_REVERSED),
    ("Bus fares should not rise this year.", "Participants say bus fares are high, and they should rise this year.",
     K.STANCE_REVERSED),
    # a reversal by action word is still read clause by clause when no negator of the statement moved
    ("Remove parking spaces on Station Road to make room for a cycle lane.",
     "Some propose adding parking spaces on Station Road instead of a cycle lane.", K.STANCE_REVERSED),
]

# (statement, draft, the problem kind expected or None for supported): "per person" and "universally"
# speak of all, so a draft may say "every" / "everywhere"
SCOPE_CASES = [
    ("Ein Heizkostenzuschuss von 200 Euro pro Haushalt.", "Jeder Haushalt soll 200 Euro Heizkostenzuschuss bekommen.",
     None),
    ("Fireworks should be universally banned.", "Fireworks should be banned everywhere, participants say.", None),
    ("Fireworks should be banned in the park.", "Fireworks should be banned everywhere, participants say.",
     K.SCOPE_INFLATED),
    ("Ten per cent of the budget should go to parks.", "All of the budget should go to parks.", K.SCOPE_INFLATED),
]


@needs_wordnet
@pytest.mark.parametrize(("statement", "draft", "kind"), CASES + SCOPE_CASES)
def test_a_negation_said_another_way(statement: str, draft: str, kind: ProblemKind | None) -> None:
    report = check_draft([{"id": "1", "text": statement}], draft, ["1"])
    found = [k for s in report.sentences for k in s.problem_kinds]
    if kind is None:
        assert report.supported, [s.reason for s in report.sentences]
    else:
        assert not report.supported and kind in found, [s.reason for s in report.sentences]
