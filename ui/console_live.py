"""The moderator console's notice of new statements: the console is drawn once and does not redraw
itself (a moderator may be typing a note in the moderation queue or a review card, and a rerun on a
timer must not take the typed text or a pending click away; see ui/views/participant.py on timers
beside buttons). A small fragment checks every :data:`CONSOLE_REFRESH_SECONDS` whether statements
arrived or the moderation queue changed since the page was drawn (one Store read,
Store.statement_stamp) and, if so, says how many ("3 new statements, 2 waiting for moderation")
with a button that redraws the console. A room of six showed 0 statements and an empty queue while
10 statements (2 flagged) had arrived, until the moderator reloaded."""

from __future__ import annotations

import streamlit as st

from deliberation.config import env_seconds
from deliberation.models import ModerationStatus
from ui.common import act, store
from ui.i18n import console_words

#: How often the console checks for new statements and a changed moderation queue (seconds).
CONSOLE_REFRESH_SECONDS = env_seconds("DELIBERATION_CONSOLE_REFRESH", 5.0)
#: Session key of what the console showed when it was last drawn: consultation, statements, queue.
DRAWN_KEY = "mod-live-drawn"


def remember_drawn(cid: int, statements) -> None:
    """Note what the console shows as it is drawn (from the statements it has read, no extra read):
    participants' statements and those held for review, counted as Store.statement_stamp counts."""
    st.session_state[DRAWN_KEY] = (cid, sum(not s.is_draft for s in statements),
                                   sum(s.moderation is ModerationStatus.NEEDS_REVIEW for s in statements))


def notice_text(w, new: int, waiting: int) -> str:
    """The notice in the console's words: statements arrived (and how many wait for moderation),
    or only the queue changed (decided in another browser, or statements removed)."""
    if new > 0:
        text = w("console.live_new", n=new)
        return f"{text}, {w('console.live_waiting', n=waiting)}" if waiting else text
    return w("console.live_queue", n=waiting)


def _check() -> None:
    drawn = st.session_state.get(DRAWN_KEY)
    if not drawn:
        return
    cid, statements, queue = drawn
    w = console_words()
    with act(w, w("console.live_checking")):  # a failed read said in words, never a stack trace
        now_statements, now_queue = store().statement_stamp(cid)
        if (now_statements, now_queue) == (statements, queue):
            return
        with st.container(border=True):
            st.info(notice_text(w, now_statements - statements, now_queue))
            if st.button(w("console.live_show"), key="mod-live-show", type="primary"):
                st.rerun()  # the whole console, drawn anew with what is stored now


@st.fragment(run_every=CONSOLE_REFRESH_SECONDS)
def live_notice() -> None:
    """The notice, checked on a timer (see the module's docstring)."""
    _check()
