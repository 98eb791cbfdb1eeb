"""What a town hall in French, Spanish and English found, run by hand in the app (a moderator's
console in French, nine participants: four French, three Spanish, two English, one on a phone):

1. a Spanish reader of a French room who joined and then chose "Español" read the French welcome
   ("Bienvenue ! Vous pouvez maintenant voter…") under the Spanish page until their first vote: the
   last message was kept in the language it was written in;
2. on the phone, French lines broke between "vote «" and "d'accord »" (and could break "Merci" from
   its ":"): French keeps a space before ":", ";", "!", "?" and "»" and after "«", and it must not
   break;
3. the French console that set the room's language said "les textes de l'application en Español"
   (the menu's own name, capitalised, in a French sentence): "en espagnol";
4. "My votes" read "le reste du groupe A : 67% d'accord" where French writes "67 %" (no-break space);
   English keeps "67%";
5. the console's sign-in page (no room yet: a moderator about to create one) was English with no
   language menu; the console has one once signed in.
"""

from __future__ import annotations

import re

import pytest

from deliberation.words import LANGUAGES, load

pytest.importorskip("streamlit")

from ui_helpers import app, joined_room, texts, unescape  # noqa: E402

#: a space that may break where French punctuation keeps one
BREAKABLE = re.compile(r" [:;!?»]|« ")


def _all_texts(package: str, lang: str):
    for mid, text in load(package, lang).items():
        for form in text.values() if isinstance(text, dict) else (text,):
            yield mid, form


@pytest.mark.parametrize("package", ["ui", "deliberation"])
def test_french_punctuation_stays_on_the_line_of_its_word(package):
    from ui.i18n import Words

    from deliberation.wording import AUDIENCE_WORDS

    assert [mid for mid, t in _all_texts(package, "fr") if BREAKABLE.search(t)] == []
    assert [wid for wid, t in AUDIENCE_WORDS["fr"].items() if BREAKABLE.search(t)] == []  # "le thème « … »"
    if package == "ui":
        assert Words("fr")("vote.stored", answer="d'accord", sid="4") == "Vote enregistré\u00a0: d'accord (proposition 4)."
    # the other languages are as written (English "Note: a" has no space to keep), but for a figure's
    # "%", written as the language writes a share (German and Spanish "90 %": deliberation.words.PERCENT_SPACE)
    for lang in set(LANGUAGES) - {"fr"}:
        assert all("\u00a0" not in t.replace("\u00a0%", "%") for _, t in _all_texts(package, lang)), lang


def test_a_participant_who_changes_language_reads_no_message_in_the_one_left(tmp_path, monkeypatch):
    at, _ = joined_room(tmp_path / "data", monkeypatch,
                        "Place du Marché : faut-il fermer la place aux voitures le samedi ?", "fr")
    assert "Bienvenue" in unescape(texts(at))  # the welcome, in the room's language
    at.selectbox(key="p-lang-menu@fr").set_value("es").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = unescape(texts(at))
    assert "Bienvenue" not in shown and "Vous pouvez" not in shown, shown
    assert "Todavía no hay afirmaciones" in shown, shown  # the page itself is in Spanish


def test_the_console_names_the_rooms_new_language_in_its_own_words(tmp_path, monkeypatch):
    from deliberation.config import Settings
    from deliberation.storage import Store
    from deliberation.words import ROOM_LANGUAGE_SETTING
    from ui_helpers import console_sign_in

    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings)
    c, _ = store.create_consultation("Place du Marché : que faire le samedi ?", secret="roomfr-secret")
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    at = app("moderator")
    at.query_params["lang"] = "fr"
    at.run()
    console_sign_in(at, c.code, "roomfr-secret", open_label="Ouvrir")
    at.selectbox(key=f"mod-room-language-{c.id}-en").set_value("es").run()
    assert not at.exception, [e.value for e in at.exception]
    assert store.get_consultation(c.id).settings[ROOM_LANGUAGE_SETTING] == "es"
    said = " ".join(str(e.value) for e in at.success)
    assert "textes de l'application en espagnol." in unescape(said), said


def test_my_votes_write_a_share_as_the_language_does():
    import pandas as pd

    from ui.i18n import Words
    from ui.opinion_map import standing

    votes = pd.DataFrame({"participant": ["me", "a", "b", "c"], "statement": ["7"] * 4, "vote": [1, 1, 1, -1]})
    analysis = {"groups": {"me": 0, "a": 0, "b": 0, "c": 0}}
    fr = standing(analysis, votes, "me", Words("fr"))["lines"]["7"]
    assert "67\u00a0% d'accord (2 sur 3)" in fr and "75\u00a0% d'accord (3 sur 4)" in fr, fr
    assert "67% agree (2 of 3)" in standing(analysis, votes, "me", Words("en"))["lines"]["7"]


def test_the_console_sign_in_page_offers_its_language():
    at = app("moderator")
    at.run()
    assert at.title[0].value == "Moderator console"
    at.selectbox(key="mod-lang-menu-en").set_value("fr").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Console d'animation" and at.query_params["lang"] == "fr"
    assert [t.label for t in at.tabs] == ["Ouvrir une consultation", "Créer une consultation"]
