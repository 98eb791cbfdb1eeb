"""A press on a page drawn before a server restart is kept until the new session has drawn the page, not dropped.

After a server restart an open page reconnects to a new server session that has drawn nothing yet:
Streamlit's page asks it for a full run only when its own last run was a fragment's (after a
reload or any full run it just reconnects), and a first run after a restart takes seconds (it
imports the pages' modules, ui/serve.py). A button pressed meanwhile in a fragment (the participant
page's Vote tab: agree, disagree, pass, on statements and on drafts) asks the server to rerun a
fragment the new session does not hold, and Streamlit drops that request with a line in the
server log only ("The fragment with id … does not exist anymore", ``AppSession.request_rerun``):
the first vote after a restart was lost without a word, and a second press worked (a hand-run room;
reproduced with a real server and chromium: no "Vote stored", nothing in the store).

:func:`install` makes the server keep such a press (not a fragment's own timer tick): with no run
in progress it first runs the whole page with the browser's widget values but without the press,
which draws the page the browser shows and registers its buttons and their callbacks; once that
run (or the run in progress) has ended it hands the press on, to the fragment when the session
holds it now, else as a rerun of the whole page with the same widget states, whose button callback
then runs (a first run after a restart draws the page one element lower, with its "Loading…" line,
so its fragment has another id). The press is handed on once; a second press of the same button
is acknowledged and not stored again (ui/participant_actions.vote). A press for a fragment that is
gone for good (a full run removed its part of the page) reruns the page, which shows what is true now."""

from __future__ import annotations

import asyncio
import logging
import time

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime.app_session import AppSession, AppSessionState

log = logging.getLogger("deliberation.ui")

#: s: how often a kept press checks whether the run in progress has ended.
LATE_PRESS_POLL_S = 0.05
#: s: how long a kept press waits to see the run that draws the page start before it is handed on
#: (a run over before it was seen: the press waits this long, then goes on).
LATE_PRESS_START_S = 5.0
#: s: the longest a kept press waits (a first run after a restart on a loaded machine); after that it
#: is handed on anyway, as Streamlit would have handled it.
LATE_PRESS_WAIT_S = 120.0

_INSTALLED = "_deliberation_late_press"


def install() -> bool:
    """Patch Streamlit's ``AppSession.request_rerun`` in this process (once); False when this
    Streamlit has no such methods (the press is then handled as Streamlit does; said in the log)."""
    original = getattr(AppSession, "request_rerun", None)
    if original is None or not hasattr(AppSession, "has_fragment"):  # pragma: no cover
        log.warning("late_press: AppSession.request_rerun/has_fragment not found; a press right after a restart "
                    "may be lost")
        return False
    if getattr(original, _INSTALLED, False):
        return True

    def request_rerun(self, client_state=None) -> None:
        fragment = client_state.fragment_id if client_state is not None else ""
        if not fragment or client_state.is_auto_rerun or self.has_fragment(fragment):
            return original(self, client_state)
        if self._state != AppSessionState.APP_IS_RUNNING:
            original(self, _page_only(client_state))  # draw the page first: its fragment and buttons
        _hand_on(self, original, client_state, time.monotonic(), False)

    setattr(request_rerun, _INSTALLED, True)
    AppSession.request_rerun = request_rerun
    return True


def _hand_on(session, original, client_state, since: float, ran: bool) -> None:
    """Hand on a press for a fragment ``session`` does not hold once a run has drawn the page (the
    run in progress has ended, or one that started after the press; at most
    :data:`LATE_PRESS_WAIT_S` after it came): to the fragment if the session holds it now, else to
    the whole page. ``ran``: a run was seen in progress since the press came."""
    waited = time.monotonic() - since
    running = session._state == AppSessionState.APP_IS_RUNNING
    wait = running or (not ran and waited < LATE_PRESS_START_S and not session.has_fragment(client_state.fragment_id))
    if wait and waited < LATE_PRESS_WAIT_S:
        asyncio.get_running_loop().call_later(LATE_PRESS_POLL_S, _hand_on, session, original, client_state, since,
                                              ran or running)
        return
    if not session.has_fragment(client_state.fragment_id):
        log.info("a press for fragment %s, which this session does not hold (a page drawn before a restart), "
                 "reruns the whole page", client_state.fragment_id)
        client_state = _whole_page(client_state)
    original(session, client_state)


def _whole_page(client_state):
    """``client_state`` as a rerun of the whole page (a copy)."""
    whole = ClientState()
    whole.CopyFrom(client_state)
    whole.fragment_id = ""
    return whole


def _page_only(client_state):
    """``client_state`` as a rerun of the whole page without its presses (the widgets' triggers): a
    run that draws the page the browser shows, with its values, and registers its buttons."""
    whole = _whole_page(client_state)
    kept = [w for w in whole.widget_states.widgets if not (w.WhichOneof("value") or "").endswith("trigger_value")]
    del whole.widget_states.widgets[:]
    whole.widget_states.widgets.extend(kept)
    return whole
