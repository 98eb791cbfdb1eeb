"""The room's language, chosen in the moderator console: the language of the participant page,
the live board/projector and the report (ui/i18n.py), and of the console itself unless the
moderator chose another for their browser session. It is stored with the consultation (its
settings, in the store), so every app server shows the same; participants may still pick another
for themselves."""

from __future__ import annotations

import streamlit as st

from deliberation.text.languages import language_name
from deliberation.words import LANGUAGE_NAMES, Texts
from ui.common import error_in, require_moderator, store
from ui.i18n import LANGUAGES, ROOM_LANGUAGE_SETTING, Words, console_words, room_language


def _chosen(cid: int, key: str) -> None:
    lang, w = st.session_state.get(key), console_words()
    try:
        require_moderator(cid)
        store().update_settings(cid, {ROOM_LANGUAGE_SETTING: lang})
    except Exception as e:  # noqa: BLE001 - said in the console, nothing stored
        st.session_state["mod-flash"] = ("error", w("console.language_not_changed", reason=error_in(e, w)))
        return
    # said in the language the moderator chose it in (the console then speaks the new one, unless
    # this session chose its own)
    st.session_state["mod-flash"] = ("success", w("console.language_changed", language=_named_in(w.lang, lang)))


def _named_in(lang: str, code: str) -> str:
    """The language ``code`` as a sentence of ``lang`` names it ("espagnol" in French, "Spanish" in
    English: deliberation's language names); the menu's own name ("Español") read "en Español" in a
    French sentence."""
    name = LANGUAGE_NAMES + language_name(code)
    w = Texts(lang)
    return w(name) if name in w else LANGUAGES[code]


def language_setting(cid: int, c, w: Words) -> None:
    """The menu of the room's language (the question's when the console created the room, see
    :func:`deliberation.text.languages.room_language_of`; else English until the moderator chooses another)."""
    current = room_language(c)
    key = f"mod-room-language-{cid}-{current}"  # a new menu once the stored choice changed, here or elsewhere
    st.selectbox(w("console.room_language"), list(LANGUAGES), index=list(LANGUAGES).index(current),
                 format_func=LANGUAGES.get, key=key, on_change=_chosen, args=(cid, key), width=360,
                 help=w("console.room_language_help"))


def said_at_creation(lang: str | None, w: Words, unspoken: str | None = None) -> str:
    """What the console says of the language :func:`~deliberation.text.languages.room_language_of` chose, in its
    own words; or, for a question in a language the app's pages do not speak (``unspoken``, a Japanese one), that
    they speak English."""
    if unspoken and not lang:  # the first sentence the command line's imports say too (said.room.unspoken)
        said = Texts(w.lang)("said.room.unspoken", language=_named_in(w.lang, unspoken))
        return w("console.created_unspoken", unspoken=said)
    return w("console.created_language", language=_named_in(w.lang, lang))
