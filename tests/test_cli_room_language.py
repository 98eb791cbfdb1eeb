"""A consultation made on the command line gets the room's language its question is written in, as
the console's "Create a consultation" does (deliberation.text.languages.room_language_of), and the
command says which and how to change it (``--room-language``, the console's menu). Found running a
Spanish room by hand: ``import-statements --question "¿…?"`` left the participant page, the board
and the report in English."""

from __future__ import annotations

import pytest
from conftest import SAMPLE, corpus, run_cli

from deliberation.config import Settings
from deliberation.storage import Store
from deliberation.words import ROOM_LANGUAGE_SETTING, said
from ui.i18n import Words
from ui.room_language import said_at_creation

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
    assert "--room-language en|de|fr|es|zh|zh-Hans" in res.stdout and "moderator console's language menu" in res.stdout


def test_room_language_option_chooses_another(tmp_path, statements):
    res = run_cli(tmp_path / "data", "import-statements", str(statements), "--question", SPANISH,
                  "--room-language", "fr", "--no-embed")
    assert _room(tmp_path / "data").get(ROOM_LANGUAGE_SETTING) == "fr"
    assert "Room language: French (--room-language)" in res.stdout, res.stdout


def test_an_unknown_room_language_is_refused_and_nothing_is_stored(tmp_path, statements):
    res = run_cli(tmp_path / "data", "import-statements", str(statements), "--question", SPANISH,
                  "--room-language", "it", "--no-embed", check=False)
    assert res.returncode == 2 and "--room-language 'it': the app speaks en, de, fr, es, zh, zh-Hans" in res.stdout + res.stderr
    assert Store(Settings(data_dir=tmp_path / "data")).list_consultations() == []


def test_an_english_question_and_the_english_sample_stay_english(tmp_path, statements):
    res = run_cli(tmp_path / "a", "import-statements", str(statements), "--question",
                  "Should Calle Mayor close to traffic at weekends?", "--no-embed")
    assert ROOM_LANGUAGE_SETTING not in _room(tmp_path / "a") and "Room language" not in res.stdout
    res = run_cli(tmp_path / "b", "import-polis", str(SAMPLE), "--no-embed")
    assert ROOM_LANGUAGE_SETTING not in _room(tmp_path / "b") and "Room language" not in res.stdout


#: the question of the Chinese room run by hand (as tests/test_room_chinese_pages.py's)
CHINESE = "台北市應該如何管理 UberX 這類自用車載客服務？"
#: a question in a language the app's pages do not speak (as tests/test_console_unspoken.py's)
JAPANESE = "東京都はライドシェアをどのように規制すべきですか？"


def test_a_chinese_question_makes_a_chinese_room_and_says_so(tmp_path, statements):
    """A Chinese question made an English room ("a language the app's own words are not written in")
    until the pages spoke Traditional Chinese; it makes a Chinese room now, as a Spanish one does."""
    res = run_cli(tmp_path / "data", "import-statements", str(statements), "--question", CHINESE, "--no-embed")
    assert _room(tmp_path / "data").get(ROOM_LANGUAGE_SETTING) == "zh"
    assert "Room language: Chinese, the language of the question" in res.stdout, res.stdout
    assert "--room-language en|de|fr|es|zh|zh-Hans" in res.stdout


def test_a_japanese_question_makes_an_english_room_and_says_so_as_the_console_does(tmp_path, statements):
    """The command line had the console's gap: a question in a language the app's pages do not speak
    made an English room and the import said nothing of it. It says it in the console's words
    (said.room.unspoken, the first sentence of the console's note) and how to change it."""
    res = run_cli(tmp_path / "data", "import-statements", str(statements), "--question", JAPANESE, "--no-embed")
    assert ROOM_LANGUAGE_SETTING not in _room(tmp_path / "data")
    assert f"Room language: English. {said('room.unspoken', language='Japanese')}" in res.stdout, res.stdout
    assert "--room-language en|de|fr|es|zh|zh-Hans" in res.stdout and "moderator console's language menu" in res.stdout
    assert said_at_creation(None, Words("en"), "ja").startswith(said("room.unspoken", language="Japanese"))


def test_the_vtaiwan_export_makes_a_chinese_room(tmp_path):
    res = run_cli(tmp_path / "data", "import-polis", str(corpus("vtaiwan.uberx")), "--no-embed")
    assert "Room language: Chinese, the language of the question" in res.stdout, res.stdout
    assert _room(tmp_path / "data").get(ROOM_LANGUAGE_SETTING) == "zh"


#: a question in Simplified characters, and a Taiwanese one whose only script-specific character is 台 (Taiwan's
#: standard writes it, though OpenCC's s2t turns it into 臺)
SIMPLIFIED, TAIWANESE = "台北市应该如何管理这类自用车载客服务？", "台北的交通應該怎麼改善？"


def test_a_simplified_question_names_its_room_language_and_a_taiwanese_one_stays_traditional(tmp_path, statements):
    """Found in review (ae454ec): an import of a Simplified question printed "Room language: zh-Hans, the
    language of the question" (no name: Traditional printed "Chinese"), and the English console said
    "中文 (简体)" in an English sentence; and 台 counted as a Simplified character, so a short Taiwanese
    question of shared characters plus 台 ('台北的交通') made a Simplified room."""
    from deliberation.text.languages import chinese_script

    res = run_cli(tmp_path / "hans", "import-statements", str(statements), "--question", SIMPLIFIED, "--no-embed")
    assert _room(tmp_path / "hans").get(ROOM_LANGUAGE_SETTING) == "zh-Hans"
    assert "Room language: Simplified Chinese, the language of the question" in res.stdout, res.stdout
    assert "Simplified Chinese" in said_at_creation("zh-Hans", Words("en"))
    assert "简体中文" in said_at_creation("zh-Hans", Words("zh-Hans"))
    assert chinese_script("台北的交通") == "zh" and chinese_script("台湾的交通") == "zh-Hans"
    res = run_cli(tmp_path / "hant", "import-statements", str(statements), "--question", TAIWANESE, "--no-embed")
    assert _room(tmp_path / "hant").get(ROOM_LANGUAGE_SETTING) == "zh", res.stdout
