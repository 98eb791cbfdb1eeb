"""The moderator console's run sections: running the facilitation graph with progress, retrying or
restarting a run that stopped, and opening and closing voting on the published drafts (the
window lives in the store: ``runner.open_voting`` / ``runner.resume`` close it before the tally).
Every run goes to a process of its own where it can (graphs/runner_process.py: it goes on when
this server stops or restarts), watched through its run lock, its log and the checkpoints.
Used by ui/views/moderator.py."""

from __future__ import annotations

import contextlib
import threading
import time

import pandas as pd
import streamlit as st

from deliberation.embeddings import MODELS
from deliberation.errors import DeliberationError, text_in_words
from deliberation.report import topic_names
from deliberation.services import MODEL_PIN_SETTING, MODEL_SETTING, fixed_model, pin_consultation_model
from deliberation.storage import runs
from deliberation.tuning import assignment_lines, parse_assignments
from deliberation.wording import first_upper
from deliberation.words import LANGUAGES, retell_list
from graphs import runner, runner_process
from graphs.context import Context
from ui import common, run_stop
from ui.i18n import DEFAULT_LANGUAGE, Words, ballot_text, console_words, step_words, where_stopped
from ui.run_log import log_lines

#: The key of the console's tabs (ui.common.switchable_tabs).
CONSOLE_TABS = "mod-tab"
#: Revision rounds the run form's box offers (facilitation.max_revise_rounds takes any number from 0;
#: the box goes higher when the last run, started in a terminal, had more).
REVISE_ROUNDS_OFFERED = 3
#: The settings the run form's own boxes set; the last run's other given settings (a terminal's
#: `--set NAME=VALUE`) start its "More settings" box.
FORM_SETTINGS = ("drafting.drafter", "drafting.model", "drafting.base_url", "analysis.seed",
                 "facilitation.topic_drafts", "facilitation.max_revise_rounds")
#: How often the console looks whether a run in progress has ended (seconds).
RUNNING_REFRESH_SECONDS = 2.0
#: How often the page that started a run reads its progress (seconds).
WATCH_POLL_SECONDS = 0.5
#: The graph's nodes in the order a first run passes them (for the progress bar).
NODES = ["intake", "analyse", "draft", "ground", "audit", "review", "publish", "voting", "tally", "revise",
         "report"]


#: Consultations whose graph run is in progress in this server process (where a run cannot go to a
#: process of its own: the vector store opened embedded here), with what it does. A run
#: outlives the page that started it: a reload, a closed tab or a click elsewhere in the console
#: used to stop it between two steps (Streamlit stops a script at its next page update), leaving
#: "The last run stopped before it finished" and a Retry to press; the console shows a run in
#: progress instead, and no second run of the same consultation starts meanwhile.
_RUNNING: dict[int, str] = {}
_RUNNING_LOCK = threading.Lock()


def run_in_progress(cid: int) -> str | None:
    """What the run of this consultation in progress does, or None: a run of this server's pages,
    else one of another process on the data directory (the command line; deliberation/storage/runs.py)."""
    with _RUNNING_LOCK:
        here = _RUNNING.get(cid)
    other = None if here else runs.in_progress(common.settings(), cid)
    return here or (common.esc(first_upper(retell_list(other.words(), console_words().lang))) if other else None)


def publishing(cid: int, gs) -> bool:
    """A run in progress publishes drafts (its next stop is the vote): it records the review (its
    record says so: runner.DOING["review"], of this server, another or a terminal) or its next
    step is publish. A console opened meanwhile belongs on the Voting tab (moderator.py)."""
    rec = runs.in_progress(common.settings(), cid)
    return rec is not None and (rec.doing == runner.DOING["review"] or "publish" in (gs.next or ()))


@contextlib.contextmanager
def _running(cid: int | None, label: str):
    if cid is None:
        yield
        return
    with _RUNNING_LOCK:
        if cid in _RUNNING:
            raise DeliberationError(console_words()("run.already_running", what=_RUNNING[cid]))
        _RUNNING[cid] = label
    try:
        yield
    finally:
        with _RUNNING_LOCK:
            _RUNNING.pop(cid, None)


def _bar_at(bar, node: str | None) -> None:
    """The progress bar after the step ``node`` (None: before the first)."""
    w = console_words()
    if node is None:
        bar.progress(0.0, text=w("run.starting"))
        return
    frac = (NODES.index(node) + 1) / len(NODES) if node in NODES else 0.5
    bar.progress(min(frac, 1.0), text=first_upper(step_words(w, [node])))


def _draw_step(bar, node: str, lines: list[str], values: dict | None = None) -> None:
    """A completed step in a run's progress: the bar, then its log lines in the console's language
    (``values``: the graph's state the run started from, which names its groups and drafts)."""
    _bar_at(bar, node)
    w = console_words()
    for line in log_lines(lines, w, values) or [w("run.step_done", step=node)]:
        st.markdown(common.code(node) + " " + common.esc(line))


def run_graph(label: str, cid: int, start: bool = False, options: dict | None = None, value=None) -> runner.Status:
    """Run the graph from the start (``start``, with ``options``) or answer it / continue it
    (``value``, as ``runner.resume``), showing its progress in an st.status box; returns where the
    graph stands after it. The run goes to a process of its own (graphs/runner_process.py): it goes
    on when the page goes away and when this server stops or restarts. Where that process could
    not reach the vector store (the app opened it embedded), it runs in this server's process."""
    s = common.settings()
    if not runner_process.can_detach(s):
        return run_with_progress(label, (lambda cb: runner.start(s, cid, options, on_update=cb)) if start else
                                 (lambda cb: runner.resume(s, cid, value, on_update=cb)), cid)
    pid = runner_process.launch_start(s, cid, options) if start else runner_process.launch_resume(s, cid, value)
    return watch_run(label, cid, pid)


def watch_run(label: str, cid: int, pid: int) -> runner.Status:
    """Draw the progress of the run of process ``pid`` until its lock is free (it ended, or died),
    as :func:`run_with_progress` draws a run of this process. The page going away stops only the
    drawing (Streamlit's rerun or stop passes through); the run goes on."""
    s, w = common.settings(), console_words()
    before = runner.status(s, cid).values if w.lang != DEFAULT_LANGUAGE else None  # names the drafts it counts
    stop = st.empty()  # a press reruns the page: the run goes on, and its Stop asks first
    with stop.container():
        run_stop.stop_button(pid, "watch")
    with st.status(label, expanded=True) as box:
        bar = st.progress(0.0, text=w("run.starting"))
        shown = 0
        while True:
            rec = runs.last_run(s, cid)
            over = rec is None or rec.pid != pid or not rec.alive
            # read after the lock: nothing written later is lost; once it is free, its exit too
            done = runner_process.progress(s, cid, pid, ended=over)
            for node, lines in done.steps[shown:]:
                _draw_step(bar, node, lines, before)
            shown = len(done.steps)
            if over:
                break
            # drawn again at every look: Streamlit passes a rerun (a click) or a closed page at an
            # element's update, so the watch ends with the page (the run goes on)
            _bar_at(bar, done.steps[-1][0] if done.steps else None)
            time.sleep(WATCH_POLL_SECONDS)
        stop.empty()  # the run has ended: nothing to stop
        # its error in a step; else stopped by the moderator, killed, or its process exited (said
        # by the stopped run's section from its record and log: not kept here too)
        stopped = done.error or runner_process.ended_words(rec if rec is not None and rec.pid == pid else None, done)
        if stopped and rec is not None and rec.died and done.output:
            run_stop.output_box(done)
        st.session_state.pop("mod-run-error", None)
        if stopped:
            if done.error:
                st.session_state["mod-run-error"] = {"steps": [n for n, _ in done.steps], "text": done.error}
            box.update(label=w("run.label_failed", label=label), state="error", expanded=True)
            raise DeliberationError(stopped)
        bar.progress(1.0, text=w("run.done"))
        box.update(label=w("run.label_done", label=label, n=shown), state="complete", expanded=False)
    return runner.status(s, cid)


def run_with_progress(label: str, fn, cid: int | None = None) -> object:
    """Run a graph step in this process in an st.status box that shows each node and its log
    lines. With ``cid`` the run finishes even when the page goes away (a reload, a click elsewhere):
    its progress stops being drawn, and Streamlit's rerun or stop is passed on once the graph is done."""
    w = console_words()
    with _running(cid, label), st.status(label, expanded=True) as box:
        bar = st.progress(0.0, text=w("run.starting"))
        seen: list[str] = []
        page_gone: list[BaseException] = []
        # the state the run starts from, and each step's update: they name the run's groups and drafts
        before = dict(runner.status(common.settings(), cid).values) if cid is not None and w.lang != DEFAULT_LANGUAGE \
            else {}

        def on_update(node: str, update: dict) -> None:
            seen.append(node)
            if page_gone:
                return
            try:
                before.update(update)
                _draw_step(bar, node, update.get("log") or [], before)
            except BaseException as e:  # Streamlit's stop and rerun signals are BaseExceptions
                if cid is None or not common._is_control_flow(e):
                    raise
                page_gone.append(e)  # the page reran or went away: finish the run, then pass it on

        try:
            result = fn(on_update)
        except runs.RunStopped:  # the console's Stop or `deliberation stop`, before a step: its record says so
            box.update(label=w("run.label_stopped", label=label), state="error", expanded=False)
            if page_gone:
                raise page_gone[0] from None
            st.rerun()
        except Exception as e:
            if not common._is_control_flow(e) and not page_gone and not isinstance(e, runs.RunInProgress):
                # kept for the console's retry section: the run stopped here, and why (said by failed_words)
                st.session_state["mod-run-error"] = {"steps": list(seen), "said": said_in_every_language(e)}
                box.update(label=w("run.label_failed", label=label), state="error", expanded=True)
            raise
        if page_gone:
            raise page_gone[0]
        st.session_state.pop("mod-run-error", None)
        bar.progress(1.0, text=w("run.done"))
        box.update(label=w("run.label_done", label=label, n=len(seen)), state="complete", expanded=False)
    return result


def options_form(c, boxed: bool = True, last_run: dict | None = None) -> dict:
    """The run's settings, starting from those of the consultation's last run (``last_run``: the graph
    state's ``config``), whoever started it: after `deliberation run … --drafter llm --model M
    --base-url U` in a terminal, the console's "Start a new run" offered the extractive drafter and no
    model, so a click on it quietly dropped the LLM (found running a room with SmolLM2). The last
    run's other settings (`--set grounding.min_relevance_overlap=0.5`) start the "More settings" box:
    Start over dropped them without a word."""
    saved, defaults, w = c.settings or {}, _all_settings(), console_words()
    try:
        last = Context.from_json(last_run) if last_run else None
    except DeliberationError:  # a stored config this version refuses: the form starts from the saved ones
        last = None
    ran = last.settings() if last is not None else {}
    kept = {k: v for k, v in (last.given_settings() if last is not None else {}).items() if k not in FORM_SETTINGS}

    def initial(path: str):
        """The last run's value of a setting, else the consultation's (the console's creation form
        saves them under their bare names), else its default (from the configs)."""
        if path in ran:
            return ran[path]
        value = saved.get(path.rsplit(".", 1)[-1])
        return defaults[path] if value is None else value

    with (st.expander(w("run.settings"), expanded=False) if boxed else st.container()):
        drafters = ["extractive", "llm"]
        drafter = st.selectbox(w("run.drafter"), drafters, key="mod-run-drafter",
                               index=drafters.index(initial("drafting.drafter"))
                               if initial("drafting.drafter") in drafters else 0)
        model = st.text_input(w("run.model"), value=initial("drafting.model") or "", key="mod-run-model")
        base_url = st.text_input(w("run.base_url"), value=initial("drafting.base_url") or "",
                                 key="mod-run-base-url")
        seed = st.number_input(w("run.seed"), value=int(initial("analysis.seed") or 0), step=1, key="mod-run-seed")
        topic_drafts = st.checkbox(w("run.topic_drafts"),
                                   value=bool(initial("facilitation.topic_drafts")), key="mod-run-topics")
        rounds = int(initial("facilitation.max_revise_rounds"))
        revise = st.number_input(w("run.revise_rounds"), min_value=0, max_value=max(REVISE_ROUNDS_OFFERED, rounds),
                                 value=rounds, key="mod-run-revise")
        embedding_model = _embedding_model_choice(c, w)
        more = st.text_area(w("run.more"), value="\n".join(assignment_lines(kept)), key="mod-run-more",
                            placeholder="stats.min_votes_room_share=0.5\nfacilitation.consensus_slate_size=2",
                            help=w("run.more_help"))
        with st.popover(w("run.every_setting")):
            st.code("\n".join(f"{k} = {v!r}" for k, v in _all_settings().items()), language=None)
    return {"drafter": drafter, "model": model or None, "base_url": base_url or None, "seed": int(seed),
            "topic_drafts": bool(topic_drafts), "max_revise_rounds": int(revise), "more": more or "",
            "embedding_model": embedding_model}


def _embedding_model_choice(c, w: Words) -> str | None:
    """The embedding model of this consultation: "auto" (chosen by its statements' languages) or a
    model the moderator pins; None when the app was started with a fixed model (``--embedding-model``)."""
    fixed = fixed_model(common.settings())
    saved = c.settings or {}
    if fixed is not None:
        st.caption(common.esc(w("run.model_fixed", model=fixed.model, reason=fixed.reason)))
        return None
    names = ["auto", *MODELS]
    current = saved.get(MODEL_SETTING) if saved.get(MODEL_PIN_SETTING) else "auto"
    now = " " + w("run.model_now", model=saved[MODEL_SETTING]) if saved.get(MODEL_SETTING) else ""
    return st.selectbox(w("run.embedding_model"), names, index=names.index(current) if current in names else 0,
                        key="mod-run-embedding-model", help=w("run.embedding_help") + now)


def run_settings(options: dict) -> dict:
    """The form's options as the runner takes them: the "More settings" lines become settings by
    name (a malformed line or an unknown name: an InputError naming it, shown by ``action``)."""
    lines = [ln.strip() for ln in options.get("more", "").splitlines() if ln.strip()]
    named = {k: v for k, v in options.items() if k != "more"}
    # the box named in the console's words (its label up to its first comma: "Weitere Einstellungen")
    return {**named, **parse_assignments(lines, option=console_words()("run.more").split(",")[0])}


@st.cache_resource(show_spinner=False)
def _all_settings() -> dict:
    return Context().settings()


def running_run(cid: int, where: str = "run") -> None:
    """A run of this consultation goes on (started before a reload or a server restart, on another
    page, or in a terminal): say so, with its log when it runs in a process of its own, and a Stop,
    and redraw the console once it has ended. ``where`` names the section (its Stop's keys)."""
    rec = runs.in_progress(common.settings(), cid)
    if rec is not None:  # drawn once, not by the timer below: a press is never lost to it
        run_stop.stop_controls(cid, rec, where)
    _running_run(cid)


@st.fragment(run_every=RUNNING_REFRESH_SECONDS)
def _running_run(cid: int) -> None:
    what, w = run_in_progress(cid), console_words()
    if what is None:
        st.rerun(scope="app")
    gs = common.graph_status(cid, quiet=True)
    step = step_words(w, gs.next) or w("run.finishing")
    st.info(w("run.in_progress", what=what, step=step))
    rec = runs.in_progress(common.settings(), cid)
    done = runner_process.progress(common.settings(), cid, rec.pid) if rec is not None and rec.detached else None
    if done is not None and done.steps:  # a run in a process of its own writes its log: shown after a restart too
        bar = st.progress(0.0)
        for node, lines in done.steps:
            _draw_step(bar, node, lines)


def stopped_run(cid: int, c, gs) -> None:
    """A run that stopped before it finished (an error, a killed server): say where and why, and
    offer both a retry from the last checkpoint and a fresh start (e.g. with another drafter)."""
    w = console_words()
    failed = st.session_state.get("mod-run-error")  # where and why, said in the console's words as it is drawn
    st.warning(w("run.stopped", step=step_words(w, gs.next)))
    last = runs.last_run(common.settings(), cid)
    logged = (runner_process.progress(common.settings(), cid, last.pid, ended=not last.alive)
              if last and last.detached else None)
    if not failed and logged is not None and logged.error:  # a run in a process of its own: from its log
        failed = {"steps": [n for n, _ in logged.steps], "text": logged.error}
    # stopped by the moderator, killed with its process, its process exited, or Ctrl-C: no error
    # in the checkpoint to show, say so (with its output when its process ended on its own)
    run_stop.ended(last, logged)
    if gs.error:  # kept in the checkpoint: shown after a reload or a server restart too
        st.error(common.esc(w("run.failed_while", step=step_words(w, [gs.failed_node or ""]),
                              error=text_in_words(gs.error, w.lang))))
    elif failed:
        st.error(common.esc(failed_words(failed, w)))
    st.write(w("run.retry_intro"))
    left, right = st.columns(2)
    if left.button(w("run.retry"), type="primary", key="mod-run-continue", width="stretch"):
        with common.act(w, w("run.retrying")):
            common.require_moderator(cid)
            run_graph(w("run.retrying_label"), cid)
            st.rerun()
    options = options_form(c, last_run=gs.values.get("config"))
    if right.button(w("run.start_over"), key="mod-run-restart", width="stretch"):
        start_run(cid, options, w("run.starting_again"))


def said_in_every_language(e: BaseException) -> dict[str, str]:
    """Why a run failed in each of the app's languages, for :func:`failed_words` to say in the
    console's at each draw. Its words, not the error: the error's traceback holds every frame's
    locals (the graph state, a large room's votes) for as long as the session keeps it."""
    return {lang: common.error_in(e, Words(lang)) for lang in LANGUAGES}


def failed_words(failed: dict, w) -> str:
    """Where a run stopped and why (kept as ``mod-run-error``: the steps it completed, and the error
    raised in this process said in every language, or the English text of a run's log), said in
    ``w``'s language at each draw: kept in one language's words, it stayed in the language of the
    moment it failed when the console's changed."""
    said = failed.get("said")
    why = said.get(w.lang, said[DEFAULT_LANGUAGE]) if said else text_in_words(failed["text"], w.lang)
    return w("run.failed_where", where=where_stopped(w, failed["steps"]), error=why)


def unstarted_run(cid: int) -> None:
    """Before the graph's first checkpoint: the last run, when it did not get that far (its process
    failed to start, an import or a bad setting; it was killed or stopped), said in words with its
    output; it was not shown at all after a reload."""
    s = common.settings()
    last = runs.last_run(s, cid)
    if last is None or not last.detached or last.alive or last.outcome == "returned":
        return
    logged, w = runner_process.progress(s, cid, last.pid, ended=True), console_words()
    if logged.error:
        where = where_stopped(w, [n for n, _ in logged.steps])
        st.error(common.esc(w("run.last_failed", where=where, error=text_in_words(logged.error, w.lang))))
    run_stop.ended(last, logged)


def start_run(cid: int, options: dict, what: str | None = None) -> None:
    """Run the graph from the start with the form's options, showing its progress; then redraw the
    console (also when the run stopped in a step: it shows where, why, and Retry). A wrong setting
    is named before anything runs."""
    w = console_words()
    with common.act(w, what or w("run.running")):
        common.require_moderator(cid)
        options = dict(options)
        embedding_model = options.pop("embedding_model", None)
        run_opts = run_settings(options)
        runner.context(common.settings(), run_opts)  # a wrong setting is named here, before anything is stored
        if embedding_model is not None:
            pin_consultation_model(common.settings(), cid, embedding_model)
        run_graph(w("run.running"), cid, start=True, options=run_opts)
        st.rerun()
    stopped = common.graph_status(cid, quiet=True)
    if stopped.next and not stopped.waiting:
        st.rerun()


# ---- voting ------------------------------------------------------------------------------
def _why_not_counted(cid: int, gs, w: Words) -> str:
    """Why a closed vote was not counted, in words (the Facilitation tab showed no error for it: the
    graph still waits for the vote, so it is not a stopped run there)."""
    last = runs.last_run(common.settings(), cid)
    if gs.error:
        return common.esc(w("voting.count_failed", error=text_in_words(gs.error, w.lang)))
    run = retell_list(last.words(), w.lang) if last is not None else ""  # its record's English, said again
    if last is not None and last.outcome == "stopped":
        who = (w("voting.the_moderator") if last.stopped_by in (None, runner_process.MODERATOR)
               else retell_list(last.stopped_by, w.lang))
        return common.esc(w("voting.count_stopped", who=who, run=run))
    if last is not None and last.died:
        ended = w("voting.process_stopped") if last.detached else w("voting.app_stopped")
        return common.esc(w("voting.count_ended", run=run, ended=ended))
    return w("voting.count_not_reached")


#: The Voting tab's columns (message ids ``voting.col_<column>``), counts before the text so that a
#: long draft cannot push them out of view.
VOTING_COLUMNS = ["draft", "speaks_for", "agree", "disagree", "pass", "text"]


def _not_voting(gs, w: Words) -> None:
    """The Voting tab while the graph waits for no vote: why, and where to go."""
    waiting = gs.waiting or {}
    if waiting.get("type") == "review":
        st.info(w("voting.after_review", tab=w("console.tab_facilitation")))
    elif gs.finished:
        st.success(w("voting.report_written"))
    elif gs.next:  # stopped mid-way (an error, or its process ended), e.g. while counting
        st.warning(w("voting.stopped", step=step_words(w, gs.next), tab=w("console.tab_facilitation")))
    else:
        st.info(w("voting.run_first", tab=w("console.tab_facilitation")))


def _vote_counts(published: list[dict], votes, w: Words, topics: dict[str, str] | None = None) -> None:
    """The drafts put to the vote with their counts so far (none: no table); a topic named by its
    label (``topics``: id -> label, deliberation.report.topic_names), as the report names it."""
    rows = []
    for p in published:
        v = votes[votes["statement"] == p["statement_id"]]["vote"].astype(int)
        # the text as the ballot says it (who holds a position in the console's language, as the
        # participants' page and the board say it; stored in English, it was English in a German console)
        rows.append({"draft": p["statement_id"], "speaks_for": common.group_name(p["key"], w, topics),
                     "text": ballot_text(w, p["text"]),
                     "agree": int((v == 1).sum()), "disagree": int((v == -1).sum()), "pass": int((v == 0).sum())})
    # the counts before the text: a long draft's text pushed them off the grid at 1280 px (a room of
    # six). A data grid, not st.table: st.table renders its cells as Markdown, and a draft's text
    # is participants' words, shown as text (tests/test_web_safety.py)
    if rows:  # a checkpoint waiting for a vote on nothing (before the graph skipped it): no table, no KeyError
        names = {col: w(f"voting.col_{col}") for col in VOTING_COLUMNS}
        st.dataframe(pd.DataFrame(rows)[VOTING_COLUMNS].rename(columns=names), hide_index=True,
                     column_config={names["text"]: st.column_config.TextColumn(names["text"], width="large")})


def voting_tab(cid: int, w: Words | None = None) -> None:
    w = w or console_words()
    if run_in_progress(cid):  # e.g. the count after a close: not "did not finish", nor "run the graph first"
        running_run(cid, "vote")
        return
    gs = common.graph_status(cid)
    if (gs.waiting or {}).get("type") != "voting":
        _not_voting(gs, w)
        return
    published = common.current_published(gs.values)
    ids = [p["statement_id"] for p in published]
    state = common.voting_state(cid, ids)
    votes = common.room_votes(cid)
    votes = votes[votes["statement"].isin(set(ids))]
    st.write(w(f"voting.state_{state.replace(' ', '_')}", page=w("nav.take_part")))
    _vote_counts(published, votes, w, topic_names((gs.values.get("analysis") or {}).get("topics")))
    if state == "not opened":
        if st.button(w("voting.open"), type="primary", key="mod-vote-open"):
            with common.act(w, w("voting.opening")):
                common.require_moderator(cid)
                runner.open_voting(common.settings(), cid)
                st.rerun()
        return
    if state == "open":
        st.write(w("voting.voted_so_far", n=len(set(votes["participant"]))))
    else:
        st.warning(w("voting.not_counted", why=_why_not_counted(cid, gs, w)))
    label = w("voting.close") if state == "open" else w("voting.count_again")
    if st.button(label, type="primary", key="mod-vote-close"):
        with common.act(w, w("voting.closing")):
            common.require_moderator(cid)
            # runner.resume closes the window in the store first, then tallies
            st_ = run_graph(w("voting.closing_steps"), cid, value={"close": True})
            if (st_.waiting or {}).get("type") == "review":
                common.switch_tab(CONSOLE_TABS, w("console.tab_facilitation"))
                msg = w("voting.closed_revisions", tab=w("console.tab_facilitation"))
            else:
                msg = w("voting.closed_report", page=w("nav.report"))
            st.session_state["mod-flash"] = ("success", msg)
            st.rerun()
