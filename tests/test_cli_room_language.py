"""A consultation made on the command line gets the room's language its question is written in, as
the console's "Create a consultation" does (deliberation.text.languages.room_language_of), and the
command says which and how to change it (``--room-language``, the console's menu). Found running a
Spanish room by hand: ``import-statements --question "¿…?"`` left the participant page, the board
and the report in English."""

from __future__ import annotations

import pytest
from conftest import SAMPLE, run_cli

from deliberation.config import Settings
from deliberation.storage import Store
from deliberation.words import ROOM_LANGUAGE_SETTING

STATEMENTS = ("text\nLa calle Mayor debería cerrarse al tráfico los fines de semana.\n"
              "Los autobuses de la línea 5 pasan con muy poca frecuencia por la mañana.\n")
SPANISH = "¿Debería cerrarse la calle Mayor al tráfico los fines de semana?"


def _room(data) -> dict:
    return Store(Settings(data_dir=data)).get_consultation(1).settings or {}


@pytest.fixture
def statements(tmp_path):
    path = tmp_path / "calle.csv"
    path.write_text(STATEMENTS, encoding="utf-8")
    return path


def test_a_spanish_question_makes_a_spanish_room_and_says_so(tmp_path, statements):
    res = run_cli(tmp_path / "data", "import-statements", str(statements), "--question", SPANISH, "--no-embed")
    assert _room(tmp_path / "data").get(ROOM_LANGUAGE_SETTING) == "es"
    assert "Room language: Spanish, the language of the question" in res.stdout, res.stdout
    assert "--room-language en|de|fr|es" in res.stdout and "moderator console's language menu" in res.stdout


def test_room_language_option_chooses_another(tmp_path, statements):
    res = run_cli(tmp_path / "data", "import-statements", str(statements), "--question", SPANISH,
                  "--room-language", "fr", "--no-embed")
    assert _room(tmp_path / "data").get(ROOM_LANGUAGE_SETTING) == "fr"
    assert "Room language: French (--room-language)" in res.stdout, res.stdout


def test_an_unknown_room_language_is_refused_and_nothing_is_stored(tmp_path, statements):
    res = run_cli(tmp_path / "data", "import-statements", str(statements), "--question", SPANISH,
                  "--room-language", "it", "--no-embed", check=False)
    assert res.returncode == 2 and "--room-language 'it': the app speaks en, de, fr, es" in res.stdout + res.stderr
    assert Store(Settings(data_dir=tmp_path / "data")).list_consultations() == []


def test_an_english_question_and_the_english_sample_stay_english(tmp_path, statements):
    res = run_cli(tmp_path / "a", "import-statements", str(statements), "--question",
                  "Should Calle Mayor close to traffic at weekends?", "--no-embed")
    assert ROOM_LANGUAGE_SETTING not in _room(tmp_path / "a") and "Room language" not in res.stdout
    res = run_cli(tmp_path / "b", "import-polis", str(SAMPLE), "--no-embed")
    assert ROOM_LANGUAGE_SETTING not in _room(tmp_path / "b") and "Room language" not in res.stdout
