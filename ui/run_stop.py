"""The moderator console's Stop for a run going on in any process on this data folder (a process of
its own, graphs/runner_process.py; a terminal's ``deliberation run``; this app's own process), with
the confirmation a moderator expects before a run is ended, and how a run that ended before it
finished is told: who stopped it and in which step, or its process's exit and its last output.
Used by ui/run_console.py."""

from __future__ import annotations

import streamlit as st

from deliberation.storage import runs
from deliberation.words import retell_list
from graphs import runner_process
from ui import common
from ui.i18n import console_words, step_words

#: The session key holding the pid of the run whose Stop the moderator pressed (the confirmation shows).
ASK_KEY = "mod-run-stop-ask"
#: The session key holding (pid, start) of a run in the app's own process asked to stop (before its next step).
ASKED_KEY = "mod-run-stop-asked"


def _ask(pid: int) -> None:
    st.session_state[ASK_KEY] = pid


def stop_button(pid: int, where: str) -> None:
    """The first press of Stop: it only asks (:func:`stop_controls` draws the question)."""
    w = console_words()
    st.button(w("stop.button"), key=f"mod-run-stop-{where}", on_click=_ask, args=(pid,),
              help=w("stop.help", retry=w("run.retry")))


def stop_controls(cid: int, rec: runs.RunRecord, where: str) -> None:
    """Under a run in progress: Stop, then its confirmation, then the stop (the console is redrawn:
    the run shows as stopped by the moderator, with Retry): at once for a run in a process of its own
    or a terminal's, before its next step for one in the app's own process. A run whose process runs
    in another container sharing the data folder is stopped there, not here."""
    w = console_words()
    if rec.started_elsewhere():
        st.info(common.esc(w("stop.elsewhere", host=rec.host or w("stop.another_host"))))
        return
    at_once = rec.detached or rec.stops_on_signal
    if st.session_state.get(ASKED_KEY) == (rec.pid, rec.started):
        st.info(w("stop.asked"))
        return
    if st.session_state.get(ASK_KEY) != rec.pid:
        stop_button(rec.pid, where)
        return
    now = step_words(w, common.graph_status(cid, quiet=True).next) or w("run.finishing")
    how = w("stop.at_once", now=now) if at_once else w("stop.before_next", now=now)
    st.warning(common.esc(w("stop.confirm", how=how, retry=w("run.retry"))))
    yes, no = st.columns(2)
    if yes.button(w("stop.yes"), type="primary", key=f"mod-run-stop-yes-{where}", width="stretch"):
        st.session_state.pop(ASK_KEY, None)
        with common.act(w, w("stop.stopping")):
            common.require_moderator(cid)
            runner_process.stop(common.settings(), cid, rec.pid, wait=False)
            if not at_once:
                st.session_state[ASKED_KEY] = (rec.pid, rec.started)  # its pid is the app's: any run here
            st.session_state.pop("mod-run-error", None)  # an earlier run's failure is not this one's
            st.rerun()
    if no.button(w("stop.no"), key=f"mod-run-stop-no-{where}", width="stretch"):
        st.session_state.pop(ASK_KEY, None)
        st.rerun()


def ended(last: runs.RunRecord | None, logged: runner_process.Progress | None) -> None:
    """How the last run ended before it finished, when its record or its log knows: stopped by the
    moderator (in which step), its process's exit, or killed; with its last output when its
    process ended on its own (a failure to start: an import, a bad setting)."""
    logged = logged or runner_process.Progress()
    words, w = runner_process.ended_words(last, logged), console_words()
    if words:  # made in English (the command line's, deliberation status'): said in the console's language
        st.info(common.esc(w("stop.ended", how=retell_list(words, w.lang))))
    if last is not None and last.died and logged.output:
        output_box(logged)


def output_box(logged: runner_process.Progress) -> None:
    """The last lines a run's process printed (a traceback), as they are."""
    st.caption(console_words()("stop.output", n=len(logged.output)))
    st.code("\n".join(logged.output), language=None)
