"""What a town hall in French, Spanish and English found, run by hand in the app (a moderator's
console in French, nine participants: four French, three Spanish, two English, one on a phone):

1. a Spanish reader of a French room who joined and then chose "Español" read the French welcome
   ("Bienvenue ! Vous pouvez maintenant voter…") under the Spanish page until their first vote: the
   last message was kept in the language it was written in.
"""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from ui_helpers import app, texts, unescape  # noqa: E402


def test_a_participant_who_changes_language_reads_no_message_in_the_one_left(tmp_path, monkeypatch):
    from deliberation.config import Settings
    from deliberation.storage import Store
    from deliberation.words import ROOM_LANGUAGE_SETTING

    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings)
    c, _ = store.create_consultation("Place du Marché : faut-il fermer la place aux voitures le samedi ?")
    store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: "fr"})
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))

    at = app("participant")
    at.run()
    at.text_input(key="join-code").input(c.code)
    at.button(key="join-button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Bienvenue" in unescape(texts(at))  # the welcome, in the room's language
    at.selectbox(key="p-lang-menu@fr").set_value("es").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = unescape(texts(at))
    assert "Bienvenue" not in shown and "Vous pouvez" not in shown, shown
    assert "Todavía no hay afirmaciones" in shown, shown  # the page itself is in Spanish
