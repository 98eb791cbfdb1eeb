"""The console's "Create the consultation" press, made once however often it arrives.

A double click (or Ctrl+Enter in the form and then the button) sends two presses. Streamlit's fast
reruns stop the first run and start the second at once, in another thread of the same process, while
the first is still storing: both made a consultation of the same question, the console showing one
and the other left with a secret nobody saw. Used by ui/views/moderator.py; the lock lives here
because a page script's own globals are made anew on every run."""

from __future__ import annotations

import threading
import time
from collections.abc import MutableMapping

from deliberation.errors import AccessDenied
from deliberation.storage import Store
from deliberation.storage.sessions import new_secret

#: s: a second press of "Create the consultation" with the same question, description and chosen
#: secret this soon after the first is the same press
CREATE_REPEAT_S = 30

#: One create at a time in this app process: the second of two overlapping runs waits until the
#: first has stored its consultation, then finds it instead of making another.
_CREATE_LOCK = threading.Lock()


def create_once(store: Store, session: MutableMapping, question: str, description: str, secret: str, room: dict):
    """The consultation the create form asks for, and its secret, made once per press. The secret is
    chosen before storing and kept in the browser session's state (``st.session_state``), so a repeat
    finds the consultation made with it."""
    with _CREATE_LOCK:
        form, last, now = [question.strip(), description, secret], session.get("mod-create-last"), time.time()
        if last and last["form"] == form and now - last["at"] < CREATE_REPEAT_S:
            for c in reversed(store.list_consultations()):
                if c.question == question.strip() and c.description == description:
                    try:
                        store.require_moderator(c.id, last["secret"])
                    except AccessDenied:
                        continue
                    return c, last["secret"]
        secret = secret or new_secret()
        session["mod-create-last"] = {"form": form, "at": now, "secret": secret}
        return store.create_consultation(question, description=description, settings=room, secret=secret)
