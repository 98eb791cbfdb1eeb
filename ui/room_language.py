"""The room's language, chosen in the moderator console: the language of the participant page and
the live board/projector (ui/i18n.py). It is stored with the consultation (its settings, in the
store), so every app server shows the same; participants may still pick another for themselves.
The console itself stays English."""

from __future__ import annotations

import streamlit as st

from deliberation.errors import DeliberationError
from ui.common import plain_error, require_moderator, store
from ui.i18n import LANGUAGES, ROOM_LANGUAGE_SETTING, room_language

LABEL = "Language of the participant page and the board"


def _chosen(cid: int, key: str) -> None:
    lang = st.session_state.get(key)
    try:
        require_moderator(cid)
        store().update_settings(cid, {ROOM_LANGUAGE_SETTING: lang})
    except Exception as e:  # noqa: BLE001 - said in the console, nothing stored
        st.session_state["mod-flash"] = ("error", f"The language was not changed: "
                                                  f"{e if isinstance(e, DeliberationError) else plain_error(e)}")
        return
    st.session_state["mod-flash"] = ("success", f"Participants and the board now see the app's words in "
                                                f"{LANGUAGES[lang]}. Statements are not translated.")


def language_setting(cid: int, c) -> None:
    """The menu of the room's language (English until the moderator chooses another)."""
    current = room_language(c)
    key = f"mod-room-language-{cid}-{current}"  # a new menu once the stored choice changed, here or elsewhere
    st.selectbox(LABEL, list(LANGUAGES), index=list(LANGUAGES).index(current), format_func=LANGUAGES.get, key=key,
                 on_change=_chosen, args=(cid, key), width=360,
                 help="The participant page, the live board and the projector speak this language; a "
                      "participant may choose another on their page. The moderator console stays English.")
