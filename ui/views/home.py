"""Landing page: what this is and where to go, in the language of the room in the address (``?code=``),
of the room this session last opened (the sidebar's "Start" from a room's page) or of this session's
choice, like the pages it leads to and the sidebar's page names."""

from __future__ import annotations

import streamlit as st

from ui.common import act, session_consultation
from ui.i18n import language_param, words_of


def page_words():
    """The start page's words: those of the sidebar's page names (ui/app.py): the language of the room
    in the address or of the one this session last opened, or of this session's choice. Reached by the
    sidebar from a German room's page (no ``?code=``), it spoke English under a German sidebar."""
    return words_of(session_consultation)


def main(w) -> None:
    code = st.query_params.get("code", "")
    st.title(w("home.title"))
    st.write(w("home.intro"))
    room = {"code": code, **language_param()} if code else (language_param() or None)
    st.page_link("views/participant.py", label=w("home.take_part"), icon=":material/how_to_vote:", query_params=room)
    st.page_link("views/board.py", label=w("home.board"), icon=":material/monitoring:", query_params=room)
    st.page_link("views/report.py", label=w("nav.report"), icon=":material/description:", query_params=room)
    st.page_link("views/moderator.py", label=w("console.title"), icon=":material/admin_panel_settings:")


_words = page_words()
with act(_words, _words("home.showing")):
    main(_words)
