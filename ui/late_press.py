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

:func:`install` makes the server keep such a press (not a fragment's own timer tick, which
Streamlit drops as before): with no run in progress it first runs the whole page with the browser's
widget values but without the press, which draws the page the browser shows and registers its
buttons and their callbacks; once the session's runs have ended (that one, or the one in progress,
and any rerun it asked for) it hands the press on, to the fragment when the session holds it now,
else as a rerun of the whole page with the same widget states, whose button callback then runs (a
first run after a restart draws the page one element lower, with its "Loading…" line, so its
fragment has another id). Each press is handed on once, in the order they came, the next once the
runs of the one before have ended (a press that comes while some are kept waits behind them): the
last press stands, and two presses of the same button are two requests, the second acknowledged,
not stored again (ui/participant_actions.vote). A press for a fragment that is gone for good (a full
run removed its part of the page) reruns the page, which shows what is true now.

A press kept this way reaches a button's callback only when the page the new session draws has that
button. The page drawn before the restart may show an item the new session no longer draws (a vote
stored just before the server stopped, whose acknowledgement never reached the browser: the new
session draws the next item): Streamlit ignores a press of a button the run does not draw, so that
press (say, the participant changing their mind to "disagree") was dropped without a word and the page
moved on (a hand-run room). :func:`unclaimed_presses` names such presses to the page, which handles
them as their buttons would have (ui/participant_actions.late_votes).

A change of a widget's value outside a fragment (the participant page's My votes: an earlier vote
changed to agree, disagree or pass) reruns the whole page, and Streamlit runs a widget's callback only
for a widget the session has drawn: a new session ran the page with the browser's values and no
callback, the page put the stored answer back into the control, and the change was lost without a word
(a hand-run room: the control snapped back). A rerun of the whole page that carries widget states none
of which the session has drawn is kept the same way: the page is drawn with them (registering the
widgets and their callbacks), then the rerun is handed on once, and the changed widget's callback runs.
(A page just opened or reloaded sends no widget states: it is left to Streamlit.)

It wraps a Streamlit internal (``AppSession.request_rerun``, reading ``has_fragment`` and the
session's ``_state``, ``_scriptrunner`` and the widgets its ``_session_state`` holds; Streamlit
1.67). A Streamlit without those names, or any error in this wrapper, leaves the press to Streamlit
as it came (a warning in the server log): nothing of this module raises into Streamlit's event loop."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
import weakref

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.app_session import AppSession, AppSessionState
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.state import session_state

log = logging.getLogger("deliberation.ui")

#: s: how often a kept press checks whether the session's runs have ended.
LATE_PRESS_POLL_S = 0.05
#: s: the longest a kept press waits (a first run after a restart on a loaded machine); after that it
#: is handed on anyway, as Streamlit would have handled it.
LATE_PRESS_WAIT_S = 120.0

_INSTALLED = "_deliberation_late_press"
#: each session's kept presses, oldest first (a session that ends takes its entry with it).
_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@functools.cache
def unsupported() -> tuple[str, ...]:
    """The Streamlit internals this module reads that this Streamlit lacks (none on 1.67): the
    session's ``request_rerun`` and ``has_fragment``, its run state, and the widgets its session state
    holds (their fields: ``SessionState`` and ``WStates`` are dataclasses). Said once in the server
    log (:func:`install` runs on every run of ui/app.py)."""

    def fields(cls) -> set[str]:
        return set(getattr(cls, "__dataclass_fields__", ()))

    state, widgets = getattr(session_state, "SessionState", None), getattr(session_state, "WStates", None)
    missing = [name for name, there in (
        ("AppSession.request_rerun", callable(getattr(AppSession, "request_rerun", None))),
        ("AppSession.has_fragment", callable(getattr(AppSession, "has_fragment", None))),
        ("AppSessionState.APP_IS_RUNNING", hasattr(AppSessionState, "APP_IS_RUNNING")),
        ("SessionState._new_widget_state", "_new_widget_state" in fields(state)),
        ("WStates.states/widget_metadata", {"states", "widget_metadata"} <= fields(widgets)),
        ("WStates.set_widget_from_proto", callable(getattr(widgets, "set_widget_from_proto", None))),
    ) if not there]
    if missing:
        log.warning("late_press: this Streamlit has no %s; a press right after a restart may be lost",
                    ", ".join(missing))
    return tuple(missing)


def install() -> bool:
    """Patch Streamlit's ``AppSession.request_rerun`` in this process (once); False when this
    Streamlit lacks a name this module reads (:func:`unsupported`: the press is then handled as
    Streamlit does, said once in the log, never a warning a press)."""
    if unsupported():
        return False
    original = AppSession.request_rerun
    if getattr(original, _INSTALLED, False):
        return True

    @functools.wraps(original)
    def request_rerun(self, client_state=None) -> None:
        try:
            kept = _KEPT.get(self)
            press = _late(self, client_state, bool(kept))
            if press is not None:
                loop = asyncio.get_running_loop()  # the session's: Streamlit calls it there
                if kept:  # behind the presses kept before it, in their order
                    kept.append(press)
                    return
                page = None if _busy(self) else _page_only(press)
                _KEPT[self] = [press]
        except Exception:  # noqa: BLE001 - never into Streamlit's event loop: the press goes on as it came
            log.warning("late_press: a press was left to Streamlit as it came", exc_info=True)
            press = None
        if press is None:
            return original(self, client_state)
        loop.call_later(LATE_PRESS_POLL_S, _hand_on, self, original, time.monotonic())
        if page is not None:
            original(self, page)  # draw the page first: its fragment and buttons

    setattr(request_rerun, _INSTALLED, True)
    AppSession.request_rerun = request_rerun
    return True


def _late(session, client_state, queue: bool):
    """A copy of ``client_state`` when it is a press to keep: for a fragment ``session`` does not
    hold, for the whole page with widget states none of which ``session`` has drawn (:func:`_drawn`),
    or any press while ``queue`` (presses are kept already: it comes after them); else None (Streamlit
    handles it: a timer tick, a press for a fragment it holds or for a page it has drawn)."""
    if client_state is None or client_state.is_auto_rerun:
        return None
    fragment = client_state.fragment_id
    if not queue and (session.has_fragment(fragment) if fragment else _drawn(session, client_state)):
        return None
    press = ClientState()
    press.CopyFrom(client_state)
    return press


def _drawn(session, client_state) -> bool:
    """A rerun of the whole page is Streamlit's to handle: it carries no widget states (a page just
    opened or reloaded), or ``session`` has drawn one of its widgets (it holds their callbacks). A
    session that has drawn none of them is new (a restart): Streamlit would run the page with the
    browser's values without any widget's callback, and a change of value (My votes) was lost."""
    drawn = session._session_state._new_widget_state.widget_metadata
    widgets = client_state.widget_states.widgets
    return not widgets or any(w.id in drawn for w in widgets)


def _busy(session) -> bool:
    """A run of ``session`` is in progress or still to come (its script runner lives until its last
    requested rerun has ended, and until then a new run would race its cleanup)."""
    return session._state == AppSessionState.APP_IS_RUNNING or session._scriptrunner is not None


def _hand_on(session, original, since: float) -> None:
    """Hand on the session's oldest kept press once its runs have ended (at most
    :data:`LATE_PRESS_WAIT_S` after ``since``): to its fragment if the session holds it now, else to
    the whole page; then the next one, once the runs of this one have ended. An event loop callback:
    nothing raises out of it."""
    kept = _KEPT.get(session)
    if not kept:
        return
    try:
        if _busy(session) and time.monotonic() - since < LATE_PRESS_WAIT_S:
            asyncio.get_running_loop().call_later(LATE_PRESS_POLL_S, _hand_on, session, original, since)
            return
    except Exception:  # noqa: BLE001
        log.warning("late_press: a kept press is handed on without waiting", exc_info=True)
    press = kept.pop(0)
    try:
        if press.fragment_id and not session.has_fragment(press.fragment_id):
            log.info("a press for fragment %s, which this session does not hold (a page drawn before a restart), "
                     "reruns the whole page", press.fragment_id)
            press = _whole_page(press)
        original(session, press)
    except Exception:  # noqa: BLE001 - outside Streamlit's message handler here: logged, the next goes on
        log.exception("late_press: Streamlit could not take a kept press")
    if kept:
        asyncio.get_running_loop().call_later(LATE_PRESS_POLL_S, _hand_on, session, original, time.monotonic())
    else:
        _KEPT.pop(session, None)


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


#: A widget's id as Streamlit makes it from the user's key (``elements/lib/utils.py``): ``$$ID-<hash>-<key>``.
_KEYED_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(?P<key>.+)$", re.S)


def unclaimed_presses(key: re.Pattern[str]) -> list[str]:
    """The keys matching ``key`` (the buttons the caller handles, e.g. ui/participant_actions.VOTE_KEY)
    of the buttons pressed in the browser message this run answers that no button this session has
    drawn claims (a page drawn before a server restart, whose item the new session does not draw):
    their callbacks will never run. Each is named once (taken: a later call in the same run, the page's
    or a fragment's, does not see it again); a press whose key does not match is left as it is. Read
    in the run's own thread (a script run); empty when there is none, or when this Streamlit keeps its
    widget states otherwise (a warning in the log)."""
    try:
        ctx = get_script_run_ctx()
        if ctx is None or unsupported():  # said once already
            return []
        widgets = ctx.session_state._state._new_widget_state
        keys = []
        for wid, held in list(widgets.states.items()):
            state = getattr(held, "value", None)
            if (wid not in widgets.widget_metadata and isinstance(state, WidgetState)
                    and state.WhichOneof("value") == "trigger_value" and state.trigger_value
                    and (m := _KEYED_ID.match(wid)) and key.match(m.group("key"))):
                widgets.set_widget_from_proto(WidgetState(id=wid, trigger_value=False))
                keys.append(m.group("key"))
        return keys
    except Exception:  # noqa: BLE001 - a Streamlit without these names: the press is left to it, as before
        log.warning("late_press: the presses of buttons this page does not draw cannot be read", exc_info=True)
        return []
