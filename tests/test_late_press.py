"""ui/late_press.py against Streamlit's real server runtime (its Runtime, sessions and script runner
threads, in this process, without the web server): a press sent as the browser sends it, for a
fragment drawn by a session before a restart, to a new session that has drawn nothing yet.

The browser tests (tests/test_room_browser.py, tests/test_live_room.py) press a vote on a page left
open across a real restart; here each case the wrapper has to tell apart is sent on purpose: a page
whose first run reruns itself (as ui/views/participant._switch), a first run that draws a line above
the fragment (as ui/app.py's "Loading…", so the fragment's id differs), a timer tick, two presses, and
Streamlit calling ``request_rerun`` off its event loop (its file watcher does)."""

from __future__ import annotations

import asyncio
import textwrap
import time

import pytest

pytest.importorskip("streamlit")

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ClientState_pb2 import ClientState  # noqa: E402
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage  # noqa: E402
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager  # noqa: E402
from streamlit.runtime.runtime import Runtime, RuntimeConfig  # noqa: E402

from ui.late_press import install  # noqa: E402

#: The page: a fragment with two buttons whose callbacks write what was pressed, one line a press.
PAGE = textwrap.dedent('''
    import pathlib

    import streamlit as st

    PRESSED = pathlib.Path(__file__).with_name("pressed.txt")
    first = "runs" not in st.session_state
    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    if first and st.query_params.get("first") == "rerun":
        st.rerun()  # as ui/views/participant._switch on a session's first run
    if first and st.query_params.get("first") == "loading":
        st.caption("Loading")  # as ui/app.py's first run after a restart: the fragment one element lower


    def press(value):
        with PRESSED.open("a") as f:
            f.write(value + "\\n")


    @st.fragment
    def vote():
        st.button("Agree", key="agree", on_click=press, args=("agree",))
        st.button("Disagree", key="disagree", on_click=press, args=("disagree",))


    vote()
''')
#: A page whose fragment draws the buttons of the item in item.txt (as the participant page draws the
#: next item to vote on) and that writes down the presses no drawn button claims.
MOVED = textwrap.dedent('''
    import pathlib

    import streamlit as st

    import re

    from ui.late_press import unclaimed_presses
    from ui.participant_actions import VOTE_KEY

    HERE = pathlib.Path(__file__).parent
    PRESSED = HERE / "pressed.txt"


    def press(value):
        with PRESSED.open("a") as f:
            f.write(value + "\\n")


    for key in unclaimed_presses(VOTE_KEY):  # the page's own run, as ui/views/participant.main
        press("unclaimed:" + key)


    @st.fragment
    def vote():
        for key in unclaimed_presses(VOTE_KEY):  # as ui/views/participant._voting
            press("unclaimed:" + key)
        for key in unclaimed_presses(re.compile(".")):  # any other button's press is left for its handler
            press("left:" + key)
        item = (HERE / "item.txt").read_text()
        st.button("Agree", key=f"vote-{item}-1", on_click=press, args=("agree",))
        st.button("Disagree", key=f"vote-{item}--1", on_click=press, args=("disagree",))
        st.button("Note", key=f"note-{item}", on_click=press, args=("note",))


    vote()
''')
#: A page whose control holds a stored answer (as ui/views/participant._my_votes: the stored vote is put
#: into the control's state when the session has none; a change reruns the whole page and stores the
#: new answer in its callback), beside the Vote fragment; shown.txt: what the last run's control shows.
CHANGE = PAGE + textwrap.dedent('''
    STORED, SHOWN = PRESSED.with_name("stored.txt"), PRESSED.with_name("shown.txt")


    def change():
        STORED.write_text(st.session_state["myvote"])
        press("changed:" + st.session_state["myvote"])


    if st.session_state.get("myvote:stored") != STORED.read_text() or "myvote" not in st.session_state:
        st.session_state["myvote"] = st.session_state["myvote:stored"] = STORED.read_text()
    SHOWN.write_text(st.segmented_control("Your vote", ["Agree", "Disagree", "Pass"], key="myvote",
                                          on_change=change))
''')
#: s: the longest a session's runs may take here.
SETTLE_S = 60.0


class _Browser:
    """The other end of a session's connection: keeps what the server sends."""

    def __init__(self):
        self.msgs = []

    def write_forward_msg(self, msg) -> None:
        self.msgs.append(msg)

    @property
    def client_context(self):
        return None


def _last_page(msgs) -> tuple[str, dict, str]:
    """The fragment id, the buttons' ids by label and the page's hash of the last run drawn, as the
    browser holds them."""
    frag, ids, page = "", {}, ""
    for m in msgs:
        if m.WhichOneof("type") == "new_session":
            page, ids = m.new_session.page_script_hash, {}
        elif m.WhichOneof("type") == "delta" and m.delta.new_element.WhichOneof("type") == "button":
            ids[m.delta.new_element.button.label] = m.delta.new_element.button.id
            frag = m.delta.fragment_id
        elif m.WhichOneof("type") == "delta" and m.delta.new_element.WhichOneof("type") == "button_group":
            ids[m.delta.new_element.button_group.label] = m.delta.new_element.button_group.id
    return frag, ids, page


async def _settled(rt, sid: str) -> None:
    """Until the session's runs have ended and stay ended (a kept press waits for them too)."""
    session = rt._session_mgr.get_session_info(sid).session
    since, quiet = time.monotonic(), 0
    while quiet < 20:  # 1 s without a run
        await asyncio.sleep(0.05)
        quiet = 0 if session._scriptrunner is not None else quiet + 1
        assert time.monotonic() - since < SETTLE_S


def _press(frag: str, page: str, query: str, *button_ids: str, auto: bool = False) -> ClientState:
    state = ClientState(fragment_id=frag, page_script_hash=page, query_string=query, is_auto_rerun=auto)
    for bid in button_ids:
        state.widget_states.widgets.add(id=bid, trigger_value=True)
    return state


def _run(tmp_path, scenario, page_text: str = PAGE) -> list[str]:
    """Start a runtime on the page, draw it in a first session (the page before the restart), run
    ``scenario(rt, new_session_id, frag, ids, page, query)``; the presses the page's callbacks saw."""
    script = tmp_path / "page.py"
    script.write_text(page_text, encoding="utf-8")
    pressed = tmp_path / "pressed.txt"

    async def main():
        rt = Runtime(RuntimeConfig(str(script), MemoryMediaFileStorage("/media"), MemoryUploadedFileManager("/up")))
        try:
            await rt.start()
            query = scenario.query
            before = _Browser()
            old = rt.connect_session(before, {})
            for _ in range(2):  # a page run more than once: what it shows after its first run
                rt.handle_backmsg(old, BackMsg(rerun_script=ClientState(query_string=query)))
                await _settled(rt, old)
            frag, ids, page = _last_page(before.msgs)
            assert frag and {"Agree", "Disagree"} <= set(ids)
            new = rt.connect_session(_Browser(), {})  # the restarted server's session: nothing drawn
            await scenario(rt, new, frag, ids, page, query)
            await _settled(rt, new)
        finally:
            rt.stop()
            await rt.stopped
            Runtime._instance = None  # as Streamlit's AppTest leaves it

    asyncio.run(main())
    return pressed.read_text().split() if pressed.exists() else []


def _scenario(query: str):
    def wrap(fn):
        fn.query = query
        return fn
    return wrap


@pytest.fixture(autouse=True)
def _installed():
    assert install()


@pytest.mark.parametrize("query", ["", "first=rerun", "first=loading"])
def test_a_press_on_a_page_drawn_before_the_restart_is_handed_on_once(tmp_path, query):
    @_scenario(query)
    async def press_once(rt, sid, frag, ids, page, query):
        rt.handle_backmsg(sid, BackMsg(rerun_script=_press(frag, page, query, ids["Agree"])))

    assert _run(tmp_path, press_once) == ["agree"]


def test_a_timer_tick_is_left_to_streamlit(tmp_path):
    @_scenario("")
    async def tick(rt, sid, frag, ids, page, query):
        rt.handle_backmsg(sid, BackMsg(rerun_script=_press(frag, page, query, auto=True)))
        await asyncio.sleep(0.5)
        assert rt._session_mgr.get_session_info(sid).session._scriptrunner is None  # nothing run, as Streamlit does

    assert _run(tmp_path, tick) == []


@pytest.mark.parametrize("buttons", [("Agree", "Disagree"), ("Agree", "Agree")])
def test_two_presses_are_each_handed_on_once_in_their_order(tmp_path, buttons):
    """The last press stands (both were handed on at once before, in either order: 'agree' could win);
    the same button twice is two presses (ui/participant_actions.vote stores the second no more)."""
    @_scenario("")
    async def two(rt, sid, frag, ids, page, query):
        for label in buttons:
            rt.handle_backmsg(sid, BackMsg(rerun_script=_press(frag, page, query, ids[label])))

    assert _run(tmp_path, two) == [b.lower() for b in buttons]


def test_a_call_off_the_event_loop_is_left_to_streamlit(tmp_path):
    """Streamlit's file watcher calls ``request_rerun`` from its own thread: the wrapper must not raise
    there (it raised RuntimeError 'no running event loop' before), Streamlit handles the call."""
    @_scenario("")
    async def off_loop(rt, sid, frag, ids, page, query):
        session = rt._session_mgr.get_session_info(sid).session
        await asyncio.to_thread(session.request_rerun, _press(frag, page, query, ids["Agree"]))

    assert _run(tmp_path, off_loop) == []  # dropped by Streamlit, as without ui/late_press.py


@pytest.mark.parametrize("button, seen", [("Disagree", "unclaimed:vote-7--1"), ("Note", "left:note-7")])
def test_a_press_of_a_button_the_new_session_does_not_draw_is_named_to_the_page(tmp_path, button, seen):
    """The page drawn before the restart shows item 7, whose vote the old server stored just before it
    stopped: the new session draws item 8. A press of item 7's Disagree reaches no callback (Streamlit
    ignores a press of a button the run does not draw: dropped without a word in a hand-run room);
    ``unclaimed_presses(VOTE_KEY)`` names it to the page's run, once (the page and its fragment both
    ask). It takes the vote buttons' presses only: a press of another button ("note-7") is left for the
    code that handles it (here a later call with its own pattern), not reset by the vote handling."""
    (tmp_path / "item.txt").write_text("7")

    @_scenario("")
    async def moved_on(rt, sid, frag, ids, page, query):
        (tmp_path / "item.txt").write_text("8")
        rt.handle_backmsg(sid, BackMsg(rerun_script=_press(frag, page, query, ids[button])))

    assert _run(tmp_path, moved_on, MOVED) == [seen]


def test_a_change_of_a_control_on_a_page_drawn_before_the_restart_is_stored_and_shown(tmp_path):
    """My votes after a restart: a change of an earlier answer (a widget's value, not a press; the
    whole page reruns, the control is not in a fragment) reached a session that had drawn nothing, so
    no callback ran, and the page put the stored answer back into the control: nothing stored, the
    control snapped back, not a word (a hand-run room). It is handed on as a press is: its callback
    runs once, the answer is stored, and the page shows it."""
    (tmp_path / "stored.txt").write_text("Agree")

    @_scenario("")
    async def change(rt, sid, frag, ids, page, query):
        state = ClientState(page_script_hash=page, query_string=query)
        state.widget_states.widgets.add(id=ids["Your vote"]).string_array_value.data.append("Disagree")
        rt.handle_backmsg(sid, BackMsg(rerun_script=state))

    assert _run(tmp_path, change, CHANGE) == ["changed:Disagree"]
    assert (tmp_path / "stored.txt").read_text() == "Disagree"
    assert (tmp_path / "shown.txt").read_text() == "Disagree"


def test_a_streamlit_without_the_sessions_widget_state_is_left_to_itself_said_once(monkeypatch, caplog):
    """install() checked request_rerun, has_fragment and APP_IS_RUNNING but not the session state's
    ``_new_widget_state``, which the wrapper reads for every press of the whole page: a Streamlit
    without it was patched anyway and said a warning with a traceback at every such press. It is not
    patched now, and says so once (ui/app.py calls install() on every run)."""
    import dataclasses
    import logging

    from streamlit.runtime.state import session_state

    import ui.late_press as late_press

    older = dataclasses.make_dataclass("SessionState", [f.name for f in dataclasses.fields(session_state.SessionState)
                                                        if f.name != "_new_widget_state"])
    monkeypatch.setattr(session_state, "SessionState", older)
    late_press.unsupported.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="deliberation.ui"):
            assert [late_press.install() for _ in range(3)] == [False] * 3
    finally:
        monkeypatch.undo()
        late_press.unsupported.cache_clear()
    said = [r.getMessage() for r in caplog.records if r.name == "deliberation.ui"]
    assert said == ["late_press: this Streamlit has no SessionState._new_widget_state; a press right after a "
                    "restart may be lost"], said
    assert install()  # the real one again
