"""The room's language a new consultation starts with, in the console and on the command line
(deliberation.text.languages.room_language_of): the question's language when most of its words are in it, English otherwise.

Found in review: one short English question naming a German place or thing ("Should Kreuzberg have
more Spielplätze?", "Hauptstraße: bike lanes or parking?") made the room German, because the
language of the whole text was the only evidence. Real questions in en/de/fr/es, and the real Polis
conversations' topics and descriptions in ../shared/corpora, keep their language."""

from __future__ import annotations

import csv

import pytest
from conftest import ALL, corpus

from deliberation.importers.polis import read_summary
from deliberation.text.languages import detect_language, language_of_most_words
from deliberation.text.languages import room_language_of

#: questions in one language that name a few things in another: the room stays English
MIXED_ENGLISH = ["Should Kreuzberg have more Spielplätze?", "Hauptstraße: bike lanes or parking?",
                 "Should Paris ban cars from the Champs-Élysées?", "Should the Plaza Mayor be pedestrian-only?"]
#: questions of the project's rooms (tests/test_room_languages.py, the Spanish room run by hand,
#: tests/test_bilingual_room.py's German half) and the like, with the room language they must get
QUESTIONS = {
    "¿Debería cerrarse la calle Mayor al tráfico los fines de semana?": "es",
    "¿Cómo mejorar el transporte y la vivienda en nuestra ciudad?": "es",
    "¿Debería Madrid prohibir los coches diésel en el centro?": "es",
    "Comment améliorer les transports et le logement dans notre ville ?": "fr",
    "Faut-il plus de pistes cyclables à Paris ?": "fr",
    # the Chinese room run by hand (Traditional, vTaiwan's), and the same question in Simplified characters:
    # one Chinese to the detector, its script told by its characters (a Simplified room had Traditional pages)
    "台北市應該如何管理 UberX 這類自用車載客服務？": "zh",
    "台北市应该如何管理 UberX 这类自用车载客服务？": "zh-Hans",
    "上海市应该如何管理网约车？": "zh-Hans",
    "Wie soll der Uferweg genutzt werden?": "de",
    "Sollte die Stadt mehr E-Scooter und Carsharing erlauben?": "de",
    "Kreuzberg: mehr Spielplätze?": "de",
    "Should the library open on Sundays?": None,
    "How should the riverside path be used?": None,
}
#: the room language each real Polis conversation's topic and description give (vTaiwan's Chinese:
#: the pages speak Traditional Chinese)
POLIS = {"15-per-hour-seattle": None, "american-assembly.bowling-green": None,
         "austria-climate.5twd2jsnkf.2022-08-08": "de", "march-on.operation-marchin-orders": None,
         "vtaiwan.uberx": "zh"}


@pytest.mark.parametrize("question", MIXED_ENGLISH)
def test_an_english_question_naming_a_german_place_or_thing_makes_an_english_room(question):
    assert room_language_of(question) is None


@pytest.mark.parametrize("question", QUESTIONS)
def test_questions_in_english_german_french_and_spanish_keep_their_language(question):
    assert room_language_of(question) == QUESTIONS[question]


@pytest.mark.parametrize("name", ALL)
def test_real_polis_topics_with_their_descriptions_keep_their_language(name):
    summary = read_summary(corpus(name))
    assert room_language_of(summary["topic"], summary.get("conversation-description", "")) == POLIS[name]


def test_real_german_polis_statements_keep_german_when_most_of_their_words_are_german():
    """The Austrian climate assembly's statements, each taken as a room's question: of those Lingua
    tells German as a whole, only ones half in English lose it (2 of 553, measured)."""
    with (corpus("austria-climate.5twd2jsnkf.2022-08-08") / "comments.csv").open(encoding="utf-8") as f:
        german = [t for r in csv.DictReader(f) if detect_language(t := r["comment-body"].strip()) == "de"]
    lost = [t for t in german if language_of_most_words(t) != "de"]
    assert len(german) > 500 and len(lost) <= 2, lost
    assert "There is no economy on a dead planet! Klimazerstörung schadet auch der Wirtschaft" in lost
