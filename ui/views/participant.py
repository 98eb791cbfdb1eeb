"""Participant page: join by code (no account), read the question, add a statement, vote one
statement at a time, see or change one's own votes and where one stands (one's opinion group on the
map, one's votes beside the group's and everyone's, as Polis shows them). One column, so it works on
a phone.

A vote reruns only the Vote tab (a Streamlit fragment). Nothing that holds a button or a vote
control refreshes itself on a timer, and no timer-driven fragment runs beside one that does: a press
that reaches the server while a timer's run is pending is folded into one run of both fragments,
and the browser may then drop the pressed fragment's new content (measured with ten browsers in
tests/test_ui_load.py: the vote was stored, its page never moved on). So:

- Vote tab: the statement or draft on screen and its buttons stay until they are voted on; after
  each vote the tab shows the next item, drafts first (a draft opened meanwhile comes next). Once
  everything is voted on, the waiting message refreshes itself every
  :data:`PARTICIPANT_REFRESH_SECONDS` and brings the next statement or draft without a click.
- My votes: nothing refreshes itself; "where you stand" and the list of votes with its change
  controls are drawn on each run of the page (a change of vote reruns the whole page). A
  self-refreshing "where you stand" beside the controls lost acknowledgements: a change that met
  its timer's runs on a loaded server was stored and its "Vote stored" sent, but the server let
  the timer's next run replace what the change's run had drawn of that part, and the browser
  showed the page without the message drawn after it (tests/test_ui_load.py).
- Add a statement does not refresh itself (it would disturb typing)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from urllib.parse import urlencode

import streamlit as st

from deliberation.errors import AccessDenied, DeliberationError, SameWords
from deliberation.models import TYPED_STATEMENT_MAX_CHARS, ModerationStatus
from deliberation.services import intake, similar_statements
from deliberation.storage.sessions import new_token, participant_for_token, participant_for_xid
from deliberation.wording import inflect, plural
from ui.common import (
    VOTE_WORDS, action, cached_for, current_published, embedder, esc, find_consultation, graph_status,
    group_name, index, log, plain_error, quote, room_votes, settings, store, voting_open,
)
from ui.look import vote_button_style
from ui.opinion_map import fresh_analysis, group_label, map_chart, run_author_agrees, standing

#: Longest statement a participant may send from this page (short statements are easier to vote
#: on; the store itself accepts up to MAX_STATEMENT_CHARS, e.g. for imports; seeds share the limit).
PARTICIPANT_MAX_CHARS = TYPED_STATEMENT_MAX_CHARS
# Similar statements are shown before submitting when their cosine similarity is at least the
# embedding model's ``Calibration.similar_min`` (deliberation.embeddings.models: 0.45 for USE,
# 0.5 for all-MiniLM-L6-v2).
#: The graph's state (drafts put to the vote) is read from its checkpoint at most this often (s).
GRAPH_STATE_SECONDS = 1.5
#: How often the Vote and My votes tabs refresh themselves (seconds).
PARTICIPANT_REFRESH_SECONDS = float(os.environ.get("DELIBERATION_PARTICIPANT_REFRESH", "4"))
WORD_VALUE = {v: k for k, v in VOTE_WORDS.items()}


def _me() -> dict | None:
    return st.session_state.get("participant")


def _flash(kind: str, text: str) -> None:
    """Remember a message for the tab the participant acted in (shown there, not in another tab)."""
    st.session_state["participant-flash"] = {"kind": kind, "text": text,
                                             "tab": st.session_state.get("p-tab") or "Vote"}


def _attempt(failure: str, fn, *args):
    """Run a participant action; on failure flash ``failure: <reason in plain words>``.

    Returns ``(result, True)``, or ``(None, False)`` after a failure (stack trace to the log only).
    """
    try:
        return fn(*args), True
    except SameWords as e:  # a refusal in the page's own words, the text kept to change
        _flash("warning", _same_words(e))
    except DeliberationError as e:
        _flash("error", f"{failure}: {e}")
    except Exception as e:  # noqa: BLE001
        log.exception(failure)
        _flash("error", f"{failure}: {plain_error(e)}")
    return None, False


def _join(code: str) -> None:
    """Join by code: a new personal token goes into the address (``?p=``), so a reload or a server
    restart keeps the participant. Nothing is stored until the first vote or statement (no ghosts)."""
    c = find_consultation(code)
    if c is None:
        _flash("error", "No consultation has this code. Check the code on the screen or the invitation.")
        return
    token = new_token()
    _become(c, participant_for_token(token), token=token)
    _flash("success", "Welcome! You can vote and add statements now. Your personal link (below) brings you "
                      "back as the same participant on this device or another.")


def _become(c, pid: str, *, token: str | None = None, xid: str | None = None) -> None:
    st.session_state["participant"] = {"cid": c.id, "pid": pid, "code": c.code, "token": token, "xid": xid}
    st.session_state["current_code"] = c.code
    st.query_params["code"] = c.code
    if token:
        st.query_params["p"] = token


def _restore_identity() -> None:
    """A personal link (``?code=C&p=TOKEN``) or an embedding site's id (``?code=C&xid=ID``, as in
    Polis: one participant per xid and consultation) signs the participant in without a form; back
    by the sidebar's "Take part" (no code, no token), the address gets them again, or a reload
    after a look at the board showed the join form to a participant without their link."""
    qp = st.query_params
    token, xid = qp.get("p"), qp.get("xid")
    me = _me()
    if me and not (token or xid) and qp.get("code", me["code"]) == me["code"]:
        qp.update(_link_params(me))
    if not (token or xid) or (me and me.get("code") == (qp.get("code") or "").strip().upper()
                              and (me.get("token") == token if token else me.get("xid") == xid)):
        return
    c = find_consultation(qp.get("code", ""))
    if c is None:
        return
    try:
        pid = participant_for_xid(xid) if xid else participant_for_token(token)
    except AccessDenied as e:
        _flash("error", str(e))
        return
    _become(c, pid, token=None if xid else token, xid=xid)


def _link_params(me: dict) -> dict[str, str]:
    """The address parameters that sign this participant in: the code, and their xid or token."""
    return {"code": me["code"], **({"xid": me["xid"]} if me.get("xid") else {"p": me.get("token") or ""})}


def _personal_link(me: dict) -> str:
    """The address that brings this participant back (relative when the page's own URL is unknown)."""
    base = ""
    with contextlib.suppress(Exception):
        base = str(st.context.url or "").split("?")[0]
    base = base or "/participate"
    return f"{base}?{urlencode(_link_params(me))}"


def _show_personal_link(me: dict) -> None:
    with st.expander("Your personal link"):
        st.write("Keep this link to come back as the same participant, with your votes, after closing the "
                 "page or on another device. Do not share it: whoever opens it votes as you.")
        st.code(_personal_link(me), language=None)


def _leave() -> None:
    """End this session. No new participant is made: the next person who joins on this device is
    stored only once they vote or write; the link shown brings this participant back."""
    me = st.session_state.pop("participant", None)
    st.session_state.pop("similar", None)
    for key in ("p", "xid"):
        st.query_params.pop(key, None)
    if me:
        st.session_state["participant-left"] = _personal_link(me)


def _vote(cid: int, pid: str, sid: str, value: int, allowed: bool = True, ballot: bool = False) -> None:
    """Callback: store the vote; only a stored vote is acknowledged. ``ballot``: pressed on an item
    this page offered as not yet voted on."""
    if not allowed:
        _flash("warning", "Voting on this draft is closed.")
        return
    done = f"Vote stored: {VOTE_WORDS[value].lower()} (statement {sid})."
    if (st.session_state.get("last-vote") == (cid, pid, sid, value)
            and store().votes_of(cid, pid).get(sid) == value):
        # the same press again: a second press on a button that was being redrawn, or a press that
        # Streamlit replays after a self-refresh cut the run short; stored once, acknowledged again.
        # Only while it is still the stored vote: the same participant on another device (their
        # personal link) may have changed it since, and this press changes it back
        _flash("success", done)
        return
    last = st.session_state.get("last-vote")
    # a press on an item that another page of this participant (their link in a second tab or on a
    # device) voted on after this page offered it: said so, never a silent change; a repeat is not
    # stored again. This page's own earlier vote on it is not "elsewhere": a second press changes it
    before = store().votes_of(cid, pid).get(sid) if ballot and tuple((last or ())[:3]) != (cid, pid, sid) else None
    if before == value:
        _flash("info", f"You already voted {VOTE_WORDS[value].lower()} on statement {sid} from another page.")
        return
    _, ok = _attempt("Your vote was not stored",
                     lambda: store().cast_vote(cid, pid, sid, value, create_participant=True))
    if not ok:
        return
    st.session_state["last-vote"] = (cid, pid, sid, value)
    _flash("success", done if before is None else f"You voted on this from another page: "
           f"{VOTE_WORDS[before].lower()}. Your vote is now {VOTE_WORDS[value].lower()}. {done}")


def _change_vote(cid: int, pid: str, sid: str, key: str, old: int, allowed: bool) -> None:
    word = st.session_state.get(key)
    if word is None or WORD_VALUE.get(word) == old:
        st.session_state[key] = VOTE_WORDS[old]
        return
    if not allowed:
        st.session_state[key] = VOTE_WORDS[old]
        _flash("warning", "Voting on this draft is closed, so the vote cannot change.")
        return
    _vote(cid, pid, sid, WORD_VALUE[word])


def _check_similar(cid: int) -> None:
    text = (st.session_state.get("new-statement") or "").strip()
    st.session_state["similar"] = None
    if not text:
        _flash("warning", "Write your statement first.")
        return

    found, ok = _attempt("Similar statements could not be looked up",
                         lambda: similar_statements(store(), index(cid), embedder(cid), cid, text))
    if ok:
        st.session_state["similar"] = found
        st.session_state.pop("participant-flash", None)  # an earlier "Write your statement first." is no longer true


def _submit(cid: int, pid: str) -> None:
    text = st.session_state.get("new-statement") or ""
    if not text.strip():  # said as the similar check says it, not "statement: statement text is empty"
        _flash("warning", "Write your statement first.")
        return
    if len(text.strip()) > PARTICIPANT_MAX_CHARS:
        _flash("error", f"Your statement has {len(text.strip())} characters; please shorten it to "
                        f"{PARTICIPANT_MAX_CHARS} or fewer. Your text is kept below.")
        return
    stmt, ok = _attempt("Your statement was not added",
                        lambda: store().add_statement(cid, pid, text, intake=intake))
    if not ok:
        return
    _shared_room.clear()  # statements are added rarely: everyone's next refresh shows the new one
    st.session_state["new-statement"] = ""  # the typed original is not kept
    st.session_state["similar"] = None
    try:  # for the duplicate preview of later statements; the graph indexes what is missing anyway
        model = embedder(cid)
        index(cid).upsert(cid, [stmt], model.encode([stmt.text]), model_id=model.model_id)
    except Exception:  # noqa: BLE001
        log.exception("indexing a new statement failed")
    msg = f"Thank you: statement {stmt.external_id} was added."
    if stmt.moderation is ModerationStatus.NEEDS_REVIEW:
        msg = (f"Thank you: statement {stmt.external_id} was received. A moderator will look at it "
               "before others see it.")
    _flash("success", msg)
    st.session_state["last-submitted"] = stmt.external_id


def _same_words(e: SameWords) -> str:
    """Why a statement was not added: a statement says it word for word (case and spacing aside), and
    everyone else would be asked to vote on the same words twice (the store checks, see add_statement)."""
    return (f"You have added this statement already (statement {e.statement})." if e.own else
            f"Statement {e.statement} says this already, word for word: vote on it in the Vote tab instead.")


def _order(pid: str, ids: list[str]) -> list[str]:
    """The same shuffled order for one participant on every run (no order effects across people)."""
    return sorted(ids, key=lambda sid: hashlib.sha256(f"{pid}:{sid}".encode()).hexdigest())


def _join_form() -> None:
    st.title("Take part")
    left = st.session_state.pop("participant-left", None)
    if left:
        st.info("You left this consultation. To come back as the same participant, open your personal link:")
        st.code(left, language=None)
    st.write("Enter the code shown on the screen or in your invitation. No account is needed.")
    with st.form("join-form", border=False, enter_to_submit=True):  # Enter in the code box joins
        st.text_input("Consultation code", value=st.query_params.get("code", ""), max_chars=12,
                      key="join-code", placeholder="e.g. K7RM2Q")
        st.form_submit_button("Join", type="primary", key="join-button",
                              on_click=lambda: _join(st.session_state.get("join-code", "")))


def _show_flash() -> None:
    """The latest acknowledgement or error in the tab it belongs to, until a newer one replaces it
    (a message shown only once could vanish before it is read when the tab redraws itself)."""
    flash = st.session_state.get("participant-flash")
    if flash and flash.get("tab", "Vote") == (st.session_state.get("p-tab") or "Vote"):
        # shown as text: messages can quote input and ids (imported ids can be any text)
        getattr(st, flash["kind"])(esc(flash["text"]))


def main() -> None:
    _restore_identity()
    me = _me()
    if me is None or find_consultation(me.get("code", "")) is None:
        flash = st.session_state.pop("participant-flash", None)
        if flash and flash["kind"] == "error":  # e.g. a wrong code; not an earlier "Vote stored"
            st.error(esc(flash["text"]))
        st.session_state.pop("participant", None)
        _join_form()
        return
    cid, pid = me["cid"], me["pid"]
    c = store().get_consultation(cid)
    st.caption(f"Consultation {c.code}")
    st.subheader(esc(c.question), anchor=False)
    if c.description:
        with st.expander("About this consultation"):
            quote(c.description)
    vote_button_style()
    vote_tab, add_tab, mine_tab = st.tabs(["Vote", "Add a statement", "My votes"], key="p-tab", on_change="rerun")
    if vote_tab.open is not False:
        with vote_tab:
            _vote_tab(cid, pid)
    if add_tab.open is not False:
        with add_tab:
            _show_flash()
            r = _room(cid, pid)
            _add_statement(cid, pid, r["statements"], r["my_votes"])
    if mine_tab.open is not False:
        with mine_tab:
            _mine(cid, pid)
    st.divider()
    _show_personal_link(me)
    st.button("Leave this consultation", on_click=_leave, key="leave")


@cached_for(GRAPH_STATE_SECONDS, max_entries=64, show_spinner=False)
def _run_state(data_dir: str, cid: int) -> tuple[list[dict], dict, bool, bool]:
    """The drafts put to the vote, the last run's analysis, whether the run ended with its report
    (voting closed) and whether it counts an author's own statement as their agree vote (its
    ``analysis.author_agrees``; the default, on, before any run), from the graph's checkpoint (read
    at most every GRAPH_STATE_SECONDS for all sessions: the checkpoint holds the whole run's state,
    and the moderator changes it rarely). Shared: callers must not change it."""
    gs = graph_status(cid, quiet=True)
    published = current_published(gs.values) if (gs.waiting or {}).get("type") == "voting" else []
    reported = not gs.next and bool((gs.values.get("report") or {}).get("paths"))
    return published, gs.values.get("analysis") or {}, reported, run_author_agrees(gs.values)


#: Statements and votes are read at most this often (seconds), once for all sessions of a
#: consultation: every open page refreshes itself, and a room of 2,000 must not mean 2,000 reads
#: every few seconds (the votes come from ui.common.room_votes, which reads only the new vote
#: events). A participant's own votes and statements show at once; other people's within this
#: time. Whether voting on drafts is open is read on every run.
ROOM_STATE_SECONDS = 1.0


@cached_for(ROOM_STATE_SECONDS, max_entries=64, show_spinner=False)
def _shared_room(data_dir: str, cid: int) -> dict:
    """Everyone's statements and votes, shared by every session (callers must not change it);
    keyed by the data folder too, as one process may serve several."""
    return {"statements": store().statements(cid), "votes": room_votes(cid)}


def _room(cid: int, pid: str) -> dict:
    """What the tabs show: the shared snapshot, this participant's own votes, and the drafts open
    for voting."""
    data_dir = str(settings().data_dir.resolve())
    room = _shared_room(data_dir, cid)
    my_votes = store().votes_of(cid, pid)  # one's own votes: always current, on every device
    published, analysis, reported, author_agrees = _run_state(data_dir, cid)
    pub_ids = [p["statement_id"] for p in published]
    drafts_open = voting_open(cid, pub_ids)
    return {**room, "my_votes": my_votes, "values": {"analysis": analysis}, "reported": reported,
            "author_agrees": author_agrees,
            "open_drafts": published if drafts_open else [], "open_ids": set(pub_ids) if drafts_open else set()}


def _vote_tab(cid: int, pid: str) -> None:
    """Caught up: a self-refreshing waiting message. Otherwise: the item and its buttons, never
    refreshed by a timer (see the module's docstring)."""
    if st.session_state.get("p-caught-up"):
        _live_waiting(cid, pid)
    else:
        _voting(cid, pid)


def _ballot(statements, pid: str) -> list:
    """The statements a participant is asked to vote on: the public ones they did not write. As in
    Polis, an author is never shown their own statement on the ballot; the analysis counts it as
    their agree vote (``analysis.author_agrees``, on by default; see :func:`_own_counts_as_agree`)."""
    return [s for s in statements if s.is_public and s.author != pid]


def _own_counts_as_agree(data_dir: str, cid: int) -> bool:
    """Whether the last run counted an author's own statement as their agree vote, as the analysis
    and the report do (from :func:`_run_state`'s shared read of the checkpoint)."""
    return _run_state(data_dir, cid)[3]


def _todo(r: dict, pid: str) -> tuple[list[dict], list[str]]:
    """The drafts and the statements this participant has still to vote on, in their order."""
    drafts = [p for p in r["open_drafts"] if p["statement_id"] not in r["my_votes"]]
    ids = _order(pid, [s.external_id for s in _ballot(r["statements"], pid)])
    return drafts, [sid for sid in ids if sid not in r["my_votes"]]


def _switch(caught_up: bool) -> None:
    """The tab's mode changed: redraw the page (a fragment cannot swap itself for another)."""
    st.session_state["p-caught-up"] = caught_up
    st.rerun(scope="app")


@st.fragment
def _voting(cid: int, pid: str) -> None:
    with action("Showing the statements"):
        _show_flash()
        r = _room(cid, pid)
        drafts, todo = _todo(r, pid)
        if not drafts and not todo:
            _switch(True)
        _vote_next(cid, pid, r["statements"], r["my_votes"], drafts, todo)


@st.fragment(run_every=PARTICIPANT_REFRESH_SECONDS)
def _live_waiting(cid: int, pid: str) -> None:
    with action("Waiting for new statements"):
        _show_flash()
        r = _room(cid, pid)
        drafts, todo = _todo(r, pid)
        if drafts or todo:
            _switch(False)
        pool = _ballot(r["statements"], pid)
        if not pool:  # an empty room: nothing was voted on, so no thanks for voting on everything
            own = any(s.is_public and s.author == pid for s in r["statements"])
            st.info("No statements from others yet (you are not asked to vote on your own). New statements "
                    "appear here as they come in." if own else
                    "No statements yet. Be the first: write one in the “Add a statement” tab. "
                    "New statements appear here as they come in.")
            return
        _progress(len(pool), len(pool))
        if r["reported"]:
            st.success("You have voted on every statement. Thank you! Voting has closed and the report "
                       "is written.")
            st.page_link("views/report.py", label="Read the report", icon=":material/description:",
                         query_params={"code": store().get_consultation(cid).code})
        else:
            st.success("You have voted on every statement. Thank you! New statements appear here as they come in.")


def _mine(cid: int, pid: str) -> None:
    """Where this participant stands, then their votes with the controls to change them: drawn on
    each run of the page, never by a timer (see the module's docstring)."""
    with action("Showing your votes"):
        r = _room(cid, pid)
        drafts, todo = _todo(r, pid)
        if drafts or todo:
            n = len(drafts) + len(todo)
            st.info(f"{n} new {inflect(n, 'statement')} to vote on in the Vote tab.")
        analysis, _error = fresh_analysis(cid, r["votes"], reference=r["values"].get("analysis") or None,
                                          author_agrees=r["author_agrees"])
        _where_i_stand(pid, analysis, r["votes"])
        _show_flash()
        by_id = {s.external_id: s for s in r["statements"]}
        _my_votes(cid, pid, by_id, r["my_votes"], r["open_ids"], _compare(analysis, r["votes"], pid))


def _pinned(todo: list[str]) -> str:
    """The statement on screen stays until it is voted on, even when a new statement sorts before it
    (a refresh never swaps the statement under a participant's finger)."""
    sid = st.session_state.get("p-showing")
    if sid not in todo:
        sid = todo[0]
        st.session_state["p-showing"] = sid
    return sid


def _vote_next(cid, pid, statements, my_votes, todo_drafts, todo) -> None:
    if todo_drafts:
        p = _pinned_draft(todo_drafts)
        st.info(f"Proposed statement ({p.get('heading') or group_name(p['key'])}), "
                f"drafted from participants' statements and approved by the moderator. "
                f"{len(todo_drafts)} to vote on.")
        with st.container(border=True):
            quote(p["text"])
            st.caption(f"Draft {esc(p['statement_id'])} · based on statements {esc(', '.join(p.get('citations', [])))}")
        _vote_buttons(cid, pid, p["statement_id"])
        return
    pool = _ballot(statements, pid)
    n_done = sum(1 for s in pool if s.external_id in my_votes)
    _progress(n_done, len(pool))
    sid = _pinned(todo)
    by_id = {s.external_id: s for s in statements}
    with st.container(border=True):
        quote(by_id[sid].text)
        st.caption(f"Statement {esc(sid)}")
    _vote_buttons(cid, pid, sid)


def _progress(done: int, total: int) -> None:
    st.progress(done / total if total else 1.0, text=f"You have voted on {done} of {plural(total, 'statement')}.")


def _pinned_draft(todo_drafts: list[dict]) -> dict:
    """The first draft still to vote on; remembered as the item on screen."""
    st.session_state["p-showing"] = todo_drafts[0]["statement_id"]
    return todo_drafts[0]


#: The three answers: value, label, icon, and the container key that colours the button (ui/look.py).
ANSWERS = [(1, "Agree", ":material/thumb_up:", "agree"), (-1, "Disagree", ":material/thumb_down:", "disagree"),
           (0, "Pass / unsure", ":material/help:", "pass")]


def _vote_buttons(cid: int, pid: str, sid: str, prefix: str = "vote") -> None:
    for col, (value, label, icon, look) in zip(st.columns(3), ANSWERS):
        with col.container(key=f"{look}-{prefix}-{hashlib.sha1(sid.encode()).hexdigest()[:12]}"):
            st.button(label, key=f"{prefix}-{sid}-{value}", type="primary" if value else "secondary", icon=icon,
                      width="stretch", on_click=_vote, args=(cid, pid, sid, value, True, True))


def _add_statement(cid: int, pid: str, statements, my_votes: dict) -> None:
    st.write("Add a short statement others can agree or disagree with: one idea, in your own words. "
             "Please leave out names, phone numbers and addresses.")
    # no max_chars: the browser would drop a longer paste silently or cut a word in half; the
    # length is checked on submit, with a message, and the text is kept for shortening
    text = st.text_area("Your statement", key="new-statement", height=100)
    n = len((text or "").strip())
    st.caption(f"{n} of at most {PARTICIPANT_MAX_CHARS} characters" + (
        f": {n - PARTICIPANT_MAX_CHARS} too many, please shorten it" if n > PARTICIPANT_MAX_CHARS else ""))
    c1, c2 = st.columns(2)
    c1.button("Check for similar statements", key="check-similar", on_click=_check_similar, args=(cid,),
              width="stretch")
    c2.button("Submit statement", key="submit-statement", type="primary", on_click=_submit, args=(cid, pid),
              width="stretch")
    similar = st.session_state.get("similar")
    if similar is not None:
        if similar:
            st.write("Similar statements already exist. If one says what you mean, vote on it instead:")
            for sid, text, sim in similar:
                with st.container(border=True):
                    quote(text)
                    voted = f" · you voted {VOTE_WORDS[my_votes[sid]].lower()}" if sid in my_votes else ""
                    st.caption(f"Statement {esc(sid)} · {sim:.0%} similar{voted}")
                    if sid not in my_votes and sid not in {s.external_id for s in statements if s.author == pid}:
                        _vote_buttons(cid, pid, sid, prefix="similar")
        else:
            st.caption("No similar statement yet: yours adds something new.")
    own = [s for s in statements if s.author == pid and not s.is_draft]
    if own:
        st.markdown("**Your statements**")
        words = {ModerationStatus.NEEDS_REVIEW: "waiting for a moderator",
                 ModerationStatus.REJECTED: "not published by the moderator",
                 ModerationStatus.ACCEPTED: "published", ModerationStatus.UNMODERATED: "published"}
        agree = _own_counts_as_agree(str(settings().data_dir.resolve()), cid)
        for s in own:
            with st.container(border=True):
                quote(s.text)
                # the analysis adds it for an author who voted (an author who never votes is no participant)
                counted = "" if not (agree and s.is_public) or s.external_id in my_votes else (
                    " · counts as your agree vote" + ("" if my_votes else " once you vote on others' statements"))
                st.caption(f"Statement {esc(s.external_id)} · {words[s.moderation]}{counted}")


def _compare(analysis: dict | None, votes, pid: str) -> dict[str, str]:
    return standing(analysis, votes, pid)["lines"]


def _where_i_stand(pid: str, analysis: dict | None, votes) -> None:
    st.markdown("**Where you stand**")
    me = standing(analysis, votes, pid)
    if me["group"] is None:
        st.caption("You are not on the opinion map yet: it places people once they have voted on a few "
                   "statements and enough others have voted too.")
        return
    others = me["size"] - 1
    if others:
        st.write(f"You are in {group_label(me['group'])}, with {others} other {inflect(others, 'person', 'people')}. "
                 f"On {me['same']} of your {plural(me['n_votes'], 'vote')} you voted as most of your group did.")
    else:  # "with 0 other people. On 0 of your 3 votes you voted as most of your group did" (a room of two)
        st.write(f"You are in {group_label(me['group'])} on your own: nobody else has voted like you so far.")
    if (analysis or {}).get("projection"):
        st.altair_chart(map_chart(analysis, me=pid, height=260), width="stretch")
        st.caption("Each dot is a participant, placed by how they vote; you are ringed.")


def _my_votes(cid, pid, by_id, my_votes, open_draft_ids: set[str], compare: dict[str, str] | None = None) -> None:
    if not my_votes:
        st.write("You have not voted yet.")
        return
    st.write("Your current votes. Change one by choosing another answer; the change replaces it.")
    for sid in sorted(my_votes, key=lambda x: (not x.isdigit(), int(x) if x.isdigit() else 0, x)):
        s = by_id.get(sid)
        if s is None:
            continue
        allowed = (sid in open_draft_ids) if s.is_draft else s.is_public
        with st.container(border=True):
            quote(s.text, prefix="Draft:" if s.is_draft else "")
            key = f"myvote-{sid}"
            if st.session_state.get(f"{key}:stored") != my_votes[sid] or key not in st.session_state:
                # the stored vote, also when the participant's other device changed it since this
                # control was drawn (a control keeps its own answer from one run to the next)
                st.session_state[key] = VOTE_WORDS[my_votes[sid]]
                st.session_state[f"{key}:stored"] = my_votes[sid]
            st.segmented_control("Your vote", list(VOTE_WORDS.values()), key=key, label_visibility="collapsed",
                                 on_change=_change_vote, args=(cid, pid, sid, key, my_votes[sid], allowed),
                                 disabled=not allowed)
            if (compare or {}).get(sid):
                st.caption(f"Votes on this: {esc(compare[sid])}")


with action("Showing the participant page"):
    main()
