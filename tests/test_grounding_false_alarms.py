"""The guard on faithful drafts it used to refuse (issue 11, round "guardp" of 7 Dec 2026, tuned on
the odd halves of holdouts 6-10 and on holdouts 1-4):

* a name a statement writes abbreviated is read as the statement writes it: "Bowling Green" for
  "BG" (initials), "Kentucky" for "KY", "County" for "Co." (the letters of a capitalised or listed
  abbreviation in order from the first); a name with other initials is still a name the statements
  lack, and the checks that compare words see the draft's name as the statement's abbreviation;
* "against" after a noun of an act ("tougher enforcement against fly-tipping", "the fight against
  litter": WordNet's noun.act) says what the act is aimed at, no stance; after a stance verb ("are
  against", "voted against") or any other word it is still one;
* German: a word about the deliberation ("eine Stimme", "eine Person": the language data's
  meta_words) is a noun of the sentence, never part of a name ("schreibt eine Stimme Produktion und
  Konsum ... zu" adds no name "Stimme Produktion"); a name beside it is still one;
* two words of a statement written as one ("by pass" -> "bypass", "health care" -> "healthcare")
  are the statement's word; a word neither is still new;
* German "Mio." and "Mrd." are the numbers "Million" and "Milliarde" ("1 Mio." = "einer Million"),
  and a number word is never part of a name ("einer Million Euro" adds no name "Million Euro"); a
  draft that drops the scale ("1 Euro") adds a number;
* an English draft that restates two cited statements joined by a bare "and" has each claim lined
  up with the statements too, so a noun swapped in the second claim is still found;
* German function words of the closed classes the English list has ("wer", "solche", "seinen",
  "damit", "statt") add no content: "Wer einen Garten besitzt" restates "Personen mit einem
  Garten"; a noun swapped beside them is still found;
* a German condition that opens with its verb ("Senkt die Stadt die Parkgebühren, ...") says that
  verb: a draft that keeps one noun of the condition and drops the rest drops it;
* an adjective that says of its noun only that it is one in fact ("real action", "true reform",
  "actual changes": WordNet's head adjectives real, true, actual) restricts nothing, so a draft
  may drop it; "high fees", "serious crimes" (degree, seriousness) are still kinds of fees and crimes;
* German: a compound written with a hyphen whose last part OpenThesaurus knows, its first part the
  beginning of a statement's word ("Bio-Mittagessen" for "biologisches Mittagessen"), is said by the
  statement; a first part no statement says is an addition ("Fleisch-Mittagessen", "Berlin-Mitte");
  "zurückfahren" is a direction word (down, as "scale back"), and ", deshalb" ends a clause as
  ", so" does, so "X, deshalb sollen Y zurückgefahren werden" for "X. Mehr Y" is a reversal.

Every statement here is made up; each faithful case below was refused before this round, and each
unfaithful one shows the rule does not pass a real change.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind
from guard_cases import assert_statements_judged, needs_wordnet

K = ProblemKind

HALLS = ["Music halls in BG should open later on Fridays.", "The library in KY towns should lend tools."]

# (statements, draft, the problem kind expected or None for supported)
CASES = [
    (["The ring road around BG needs a cycle lane."], "The ring road around Bowling Green needs a cycle lane.", None),
    (["Rents in KY have doubled since 2010."], "Rents in Kentucky have doubled since 2010.", None),
    (["Bus stops in Marion Co. have no shelters."], "Bus stops in Marion County have no shelters.", None),
    # other initials, other letters: another place
    (["The ring road around BG needs a cycle lane."], "The ring road around Glasgow needs a cycle lane.",
     K.ADDED_ENTITY),
    (["Rents in KY have doubled since 2010."], "Rents in Ohio have doubled since 2010.", K.ADDED_ENTITY),
    # a name with the abbreviation's letters is no spelling out of it unless it names the same thing
    # (WordNet for "NY", "KY", "DC"; the language data's forms for "Co.")
    (["Rents in NY have doubled since 2010."], "Rents in New York have doubled since 2010.", None),
    (["Rents in NY have doubled since 2010."], "Rents in Norway have doubled since 2010.", K.ADDED_ENTITY),
    (["Rents in KY have doubled since 2010."], "Rents in Kennedy have doubled since 2010.", K.ADDED_ENTITY),
    (["Police in DC need more training."], "Police in Dodge City need more training.", K.ADDED_ENTITY),
    (["Bus stops in Marion Co. have no shelters."], "Bus stops in Marion Colorado have no shelters.",
     K.ADDED_ENTITY),
    # "NOT" in capitals is emphasis, no abbreviation of "North ..."
    (["Lorries should NOT park on the green."], "Lorries should not park on North Tarn.", K.ADDED_ENTITY),
    # the name read as the statement's abbreviation: "every" where the statement says "the poorest parts of BG"
    (["We need more parks in the poorest parts of BG."], "Participants want more parks in every part of Bowling Green.",
     K.SCOPE_INFLATED),
    (HALLS, "Participants want music halls in Bowling Green to open later on Fridays and libraries in Kentucky "
            "towns to lend tools.", None),
    (HALLS, "Participants want music halls in Bowling Green to open later on Fridays and libraries in Kentucky "
            "towns to lend books.", K.SUBSTITUTION),
    (["We need stricter enforcement of fly-tipping on the canal path."],
     "Participants call for stricter enforcement against fly-tipping on the canal path.", None),
    (["Fighting litter in the parks should be a priority."],
     "Participants see the fight against litter in the parks as a priority.", None),
    (["Residents support the new cycle lane on Mill Road."], "Residents are against the new cycle lane on Mill Road.",
     K.STANCE_REVERSED),
    (["Many residents support the new cycle lane on Mill Road."],
     "Many residents against the new cycle lane on Mill Road.", K.STANCE_REVERSED),
    # an act's aim reversed: "for" where the statement says "against" after the same act, or the other way
    (["The union backs action for the pay deal."], "The union backs action against the pay deal.",
     K.STANCE_REVERSED),
    (["We support the fight for the wind farm."], "Participants support the fight against the wind farm.",
     K.STANCE_REVERSED),
    (["The council should run a campaign against fly-tipping."],
     "Participants want the council to run a campaign for fly-tipping.", K.STANCE_REVERSED),
    (["The union backs action for the pay deal."], "The union supports action for the pay deal.", None),
    (["Produktion und Konsum spielen eine große Rolle im Klimaschutz."],
     "Dabei schreibt eine Stimme Produktion und Konsum eine große Rolle im Klimaschutz zu.", None),
    (["Produktion und Konsum spielen eine große Rolle im Klimaschutz."],
     "Dabei schreibt eine Stimme der Wiener Produktion und Konsum eine große Rolle im Klimaschutz zu.",
     K.ADDED_ENTITY),
    (["Busy roads like the by pass need turn lanes."], "Busy roads such as the bypass need turn lanes.", None),
    (["Busy roads like the ring road need turn lanes."], "Busy roads such as the bypass need turn lanes.",
     K.SCOPE_INFLATED),
    (["Vermögenssteuer ab einer Grenze von 1 Mio. Euro einführen!"],
     "Eine Vermögenssteuer soll ab einer Grenze von einer Million Euro eingeführt werden.", None),
    (["Vermögenssteuer ab einer Grenze von 1 Mio. Euro einführen!"],
     "Eine Vermögenssteuer soll ab einer Grenze von 1 Euro eingeführt werden.", K.ADDED_NUMBER),
    (["Personen mit einem eigenen Garten sollen Kompost selbst verwerten."],
     "Wer einen eigenen Garten besitzt, soll seinen Kompost selbst verwerten.", None),
    (["Personen mit einem eigenen Garten sollen Kompost selbst verwerten."],
     "Wer einen eigenen Balkon besitzt, soll seinen Kompost selbst verwerten.", K.SUBSTITUTION),
    (["Wer ein Lastenrad kauft, soll einen Zuschuss von der Gemeinde bekommen."],
     "Menschen, die ein Lastenrad kaufen, sollen einen Zuschuss von der Gemeinde bekommen.", None),
    (["Menschen mit einem kleinen Einkommen sollen beim Kauf von Monatskarten entlastet werden."],
     "Wer ein kleines Einkommen hat, soll beim Kauf von Monatskarten entlastet werden.", None),
    (["Senkt die Stadt die Parkgebühren, kommen mehr Touristen."],
     "Eine Stimme ist überzeugt, dass mehr Touristen in die Stadt kommen.", K.SCOPE_INFLATED),
    (["Senkt die Stadt die Parkgebühren, kommen mehr Touristen."],
     "Wenn die Stadt die Parkgebühren senkt, kommen mehr Touristen.", None),
    (["We need real action on flooding in the valley now."], "We need action on flooding in the valley now.", None),
    (["The council needs a true plan for the river path."], "The council needs a plan for the river path.", None),
    (["We need actual changes to the bus timetable."], "We need changes to the bus timetable.", None),
    (["Families on low incomes should not pay high fees for school trips."],
     "Families on low incomes should not pay fees for school trips.", K.SCOPE_INFLATED),
    (["Police should focus on serious crimes in the town centre."],
     "Police should focus on crimes in the town centre.", K.SCOPE_INFLATED),
    # the opposite poles of "real" and "true" do restrict their noun: dropping them changes the claim
    (["Officials should correct false claims about the flood risk."],
     "Officials should correct claims about the flood risk.", K.SCOPE_INFLATED),
    (["The leaflet warns about fictitious charities at the door."],
     "The leaflet warns about charities at the door.", K.SCOPE_INFLATED),
    (["The council should remove spurious fines from the records."],
     "The council should remove fines from the records.", K.SCOPE_INFLATED),
    (["Schulen sollen biologisches Mittagessen anbieten."], "Schulen sollen ein Bio-Mittagessen anbieten.", None),
    # ... but a first part no statement says is the draft's own (the reviewer's HIGH on 8438ff2)
    (["Schulen sollen vegetarisches Mittagessen anbieten."], "Schulen sollen ein Fleisch-Mittagessen anbieten.",
     K.ADDED_ENTITY),
    (["Die Stadt soll mehr Radwege bauen."], "Die Stadt soll in Berlin-Mitte mehr Radwege bauen.", K.ADDED_ENTITY),
    (["Die Stadt soll mehr Radwege bauen."], "Die Stadt soll mit der Nord-Allianz mehr Radwege bauen.",
     K.ADDED_ENTITY),
    (["Die Gemeinde soll mehr Radwege bauen."], "Die Gemeinde soll mit Baden-Württemberg mehr Radwege bauen.",
     K.ADDED_ENTITY),
    (["Die Gemeinde soll mehr Radwege bauen."], "Die Gemeinde soll mit der EU-Kommission mehr Radwege bauen.",
     K.ADDED_ENTITY),
    (["Mehr Radwege in der Stadt bauen."], "Radwege in der Stadt sollen zurückgefahren werden.", K.DIRECTION_REVERSED),
    (["Die Busse sind überfüllt. Mehr Busse einsetzen."],
     "Die Busse sind überfüllt, deshalb sollen mehr Busse eingesetzt werden.", None),
]


@needs_wordnet
@pytest.mark.parametrize(("statements", "draft", "kind"), CASES)
def test_a_faithful_draft_passes(statements: list[str], draft: str, kind: ProblemKind | None) -> None:
    assert_statements_judged(statements, draft, kind)
