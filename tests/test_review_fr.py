"""The moderator's review in a French console (found running a French room by hand): the reviewer's
default name is the console's word, a card's heading names its topic once, and a record stored under the command line's default
("moderator") reads "par l'équipe d'animation", never "par moderator"."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from deliberation.config import Settings
from deliberation.storage import Store
from deliberation.storage.reviews import PendingDecision

pytest.importorskip("streamlit")

DRAFT = {"key": "all:0", "text": "Les bus devraient passer toutes les dix minutes.", "notes": "", "drafter": "extractive",
         "sentences": [{"text": "Les bus devraient passer toutes les dix minutes.", "citations": ["0"]}],
         "cited": {"0": "Les bus devraient passer toutes les dix minutes."}}
#: drafts on a topic with no label (named by its number: the heading says it) and on a labelled one
TOPICS = [{**DRAFT, "key": "topic:0", "heading": "What people said about topic 0", "text": "Plus de bancs."},
          {**DRAFT, "key": "topic:1", "heading": "What people said about the topic “parking”", "text": "Moins de voitures."}]


def _french_review():
    from types import SimpleNamespace

    import streamlit as st

    import ui.review_cards as cards
    from ui.i18n import CONSOLE_LANGUAGE_KEY

    st.session_state[CONSOLE_LANGUAGE_KEY] = "fr"
    gs = SimpleNamespace(waiting={"drafts": st.session_state["drafts"]}, values={}, waiting_id="review-1")
    cards.review(int(st.session_state["cid"]), gs)


def test_the_default_reviewer_is_named_in_the_consoles_language(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui.i18n import Words
    from ui.review_cards import changed_words

    settings = Settings(data_dir=tmp_path / "data")
    c, _ = Store(settings).create_consultation("Faut-il fermer la place du Marché aux voitures ?")
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    at = AppTest.from_function(_french_review, default_timeout=60)
    at.session_state["cid"], at.session_state["drafts"] = c.id, [DRAFT, *TOPICS]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key="mod-reviewer").value == "l'équipe d'animation"
    # a card's heading names the topic once ("… sur le thème 0 — le thème 0" repeated it); a label keeps the number
    headings = [m.value for m in at.markdown if m.value[2:3].isdigit()]
    assert headings[1:] == ["**2. Ce qui a été dit sur le thème 0**",
                            "**3. Ce qui a été dit sur le thème « parking »** — le thème 1"], headings
    # a decision stored under the command line's default name, as another console would show it changed
    stored = PendingDecision("all:0", "approve", None, "", "moderator", 2, datetime(2026, 12, 6, 9, 5, tzinfo=timezone.utc))
    said = changed_words(["all:0"], [DRAFT], {"all:0": stored}, Words("fr"))
    assert "par l'équipe d'animation à 09:05:00 UTC" in said and "moderator" not in said, said
    assert "by moderator at" in changed_words(["all:0"], [DRAFT], {"all:0": stored})  # English as before
