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
from urllib.parse import urlencode

import streamlit as st

from deliberation.config import env_seconds
from deliberation.errors import AccessDenied
from deliberation.storage.sessions import new_token, participant_for_token, participant_for_xid
from deliberation.wording import group_letter
from ui.common import (
    act, cached_for, current_published, esc, find_consultation, graph_status, quote, room_votes, settings, store,
    voting_open,
)
from ui.i18n import (
    LANGUAGES, ballot_text, choose_language, draft_caption, draft_heading, language_offer, language_param, page_words,
)
from ui.look import vote_button_style
from ui.opinion_map import fresh_analysis, map_chart, run_author_agrees, standing
from ui.participant_actions import (
    PAGE_LANGUAGE_KEY, TABS, add_statement, change_vote, flash, keyed, late_votes, offline_note, show_flash,
    vote_buttons, words,
)

#: The graph's state (drafts put to the vote) is read from its checkpoint at most this often (s).
GRAPH_STATE_SECONDS = 1.5
#: How often the Vote and My votes tabs refresh themselves (seconds).
PARTICIPANT_REFRESH_SECONDS = env_seconds("DELIBERATION_PARTICIPANT_REFRESH", 4.0)


def _me() -> dict | None:
    return st.session_state.get("participant")


def _join(code: str) -> None:
    """Join by code: a new personal token goes into the address (``?p=``), so a reload or a server
    restart keeps the participant. Nothing is stored until the first vote or statement (no ghosts)."""
    c = find_consultation(code)
    if c is None:
        flash("error", words()("join.unknown_code"))
        return
    token = new_token()
    _become(c, participant_for_token(token), token=token)
    _set_language(c)  # the welcome in the language of the room joined
    flash("success", words()("join.welcome"))


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
    except AccessDenied:
        flash("error", words()("doing.link_invalid"))
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
    # with the language this reader chose: an English reader of a Spanish room who kept the link
    # came back to a Spanish page
    return f"{base}?{urlencode({**_link_params(me), **language_param()})}"


def _show_personal_link(me: dict) -> None:
    w = words()
    with st.expander(w("page.link_title")):
        st.write(w("page.link_text"))
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


def _order(pid: str, ids: list[str]) -> list[str]:
    """The same shuffled order for one participant on every run (no order effects across people)."""
    return sorted(ids, key=lambda sid: hashlib.sha256(f"{pid}:{sid}".encode()).hexdigest())


def _join_form() -> None:
    w = words()
    st.title(w("join.title"))
    _language_menu()
    left = st.session_state.pop("participant-left", None)
    if left:
        st.info(w("join.left"))
        st.code(left, language=None)
    st.write(w("join.intro"))
    with st.form("join-form", border=False, enter_to_submit=True):  # Enter in the code box joins
        st.text_input(w("join.code_label"), value=st.query_params.get("code", ""), max_chars=12,
                      key="join-code", placeholder=w("join.code_placeholder"))
        st.form_submit_button(w("join.button"), type="primary", key="join-button",
                              on_click=lambda: _join(st.session_state.get("join-code", "")))


def _set_language(c) -> None:
    """The page's language for this run and its callbacks: this session's choice, else the room's."""
    st.session_state[PAGE_LANGUAGE_KEY] = page_words(c).lang


def _choose_language() -> None:
    lang = st.session_state.get(keyed("p-lang-menu"))
    if lang in LANGUAGES:
        choose_language(lang)
        _drop_flash()


def _drop_flash() -> None:
    """The last message was written in the language left: a Spanish reader of a French room read the
    French welcome under the Spanish page until their first vote."""
    st.session_state.pop("participant-flash", None)


def _language_menu() -> None:
    """The participant's own language for this browser session (and ``?lang=`` in the address, so a
    reload keeps it); the room's language until they choose."""
    w = words()
    st.selectbox(w("language_label"), list(LANGUAGES), index=list(LANGUAGES).index(w.lang), format_func=LANGUAGES.get,
                 key=keyed("p-lang-menu"), on_change=_choose_language, width=200)
    language_offer(w, keyed("p-lang-offer"), then=_drop_flash)


def main() -> None:
    _set_language(find_consultation(st.query_params.get("code") or (_me() or {}).get("code", "")))
    _restore_identity()
    me = _me()
    if me is None or find_consultation(me.get("code", "")) is None:
        msg = st.session_state.pop("participant-flash", None)
        if msg and msg["kind"] == "error":  # e.g. a wrong code; not an earlier "Vote stored"
            st.error(esc(msg["text"]))
        st.session_state.pop("participant", None)
        _join_form()
        return
    cid, pid = me["cid"], me["pid"]
    _late_votes(cid, pid)  # a press that reruns the page (and the Vote tab's fragment, for one that reruns it)
    c, w = store().get_consultation(cid), words()
    st.caption(w("page.consultation", code=esc(c.code)))
    _language_menu()
    st.subheader(esc(c.question), anchor=False)
    if c.description:
        with st.expander(w("page.about")):
            quote(c.description)
    vote_button_style()
    offline_note()
    vote_tab, add_tab, mine_tab = st.tabs([w(t) for t in TABS], key=keyed("p-tab"), on_change="rerun")
    if vote_tab.open is not False:
        with vote_tab:
            _vote_tab(cid, pid)
    if add_tab.open is not False:
        with add_tab:
            show_flash()
            r = _room(cid, pid)
            add_statement(cid, pid, r["statements"], r["my_votes"], r["author_agrees"], _shared_room.clear)
    if mine_tab.open is not False:
        with mine_tab:
            _mine(cid, pid)
    st.divider()
    _show_personal_link(me)
    st.button(w("page.leave"), on_click=_leave, key="leave")


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


def _late_votes(cid: int, pid: str) -> None:
    """A vote pressed on this page as drawn before a server restart, on an item the page does not draw
    now, is stored as its button would have (a draft's after voting closed is refused in words)."""
    def items() -> tuple[set[str], set[str]]:
        statements = _room(cid, pid)["statements"]
        drafts = {s.external_id for s in statements if s.is_draft}
        return {s.external_id for s in _ballot(statements, pid)} | drafts, drafts

    late_votes(cid, pid, items)


def _ballot(statements, pid: str) -> list:
    """The statements a participant is asked to vote on: the public ones they did not write. As in
    Polis, an author is never shown their own statement on the ballot; the analysis counts it as
    their agree vote (``analysis.author_agrees``, on by default; ``author_agrees`` of :func:`_room`)."""
    return [s for s in statements if s.is_public and s.author != pid]


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
    with act(words(), words()("doing.statements")):
        _late_votes(cid, pid)
        r = _room(cid, pid)
        drafts, todo = _todo(r, pid)
        show_flash(drafts)
        if not drafts and not todo:
            _switch(True)
        _vote_next(cid, pid, r["statements"], r["my_votes"], drafts, todo)


@st.fragment(run_every=PARTICIPANT_REFRESH_SECONDS)
def _live_waiting(cid: int, pid: str) -> None:
    w = words()
    with act(w, w("doing.waiting")):
        show_flash()
        r = _room(cid, pid)
        drafts, todo = _todo(r, pid)
        if drafts or todo:
            _switch(False)
        pool = _ballot(r["statements"], pid)
        if not pool:  # an empty room: nothing was voted on, so no thanks for voting on everything
            own = any(s.is_public and s.author == pid for s in r["statements"])
            st.info(w("vote.none_own") if own else w("vote.none_yet", tab=w("page.tab_add")))
            return
        _progress(len(pool), len(pool))
        if r["reported"]:
            st.success(w("vote.all_done_closed"))
            st.page_link("views/report.py", label=w("page.read_report"), icon=":material/description:",
                         query_params={"code": store().get_consultation(cid).code, **language_param()})
        else:
            st.success(w("vote.all_done"))


def _mine(cid: int, pid: str) -> None:
    """Where this participant stands, then their votes with the controls to change them: drawn on
    each run of the page, never by a timer (see the module's docstring)."""
    w = words()
    with act(w, w("doing.your_votes")):
        r = _room(cid, pid)
        drafts, todo = _todo(r, pid)
        if drafts or todo:
            n = len(drafts) + len(todo)
            st.info(w("vote.left_to_vote", n=n, tab=w("page.tab_vote")))
        analysis, _error = fresh_analysis(cid, r["votes"], reference=r["values"].get("analysis") or None,
                                          author_agrees=r["author_agrees"])
        me = standing(analysis, r["votes"], pid, w)
        _where_i_stand(pid, analysis, me)
        show_flash()
        by_id = {s.external_id: s for s in r["statements"]}
        _my_votes(cid, pid, by_id, r["my_votes"], r["open_ids"], me["lines"])


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
        w = words()
        st.info(w("vote.draft_intro", heading=draft_heading(w, p), n=len(todo_drafts)))
        with st.container(border=True):
            quote(ballot_text(w, p["text"]))
            st.caption(esc(draft_caption(w, p)))
        vote_buttons(cid, pid, p["statement_id"], draft=True)
        return
    pool = _ballot(statements, pid)
    n_done = sum(1 for s in pool if s.external_id in my_votes)
    _progress(n_done, len(pool))
    sid = _pinned(todo)
    by_id = {s.external_id: s for s in statements}
    with st.container(border=True):
        quote(by_id[sid].text)
        st.caption(words()("vote.statement_caption", sid=esc(sid)))
    vote_buttons(cid, pid, sid)


def _progress(done: int, total: int) -> None:
    st.progress(done / total if total else 1.0, text=words()("vote.progress", n=total, done=done))


def _pinned_draft(todo_drafts: list[dict]) -> dict:
    """The first draft still to vote on; remembered as the item on screen."""
    st.session_state["p-showing"] = todo_drafts[0]["statement_id"]
    return todo_drafts[0]


def _where_i_stand(pid: str, analysis: dict | None, me: dict) -> None:
    w = words()
    st.markdown(f"**{w('mine.where')}**")
    if me["group"] is None:
        st.caption(w("mine.not_placed"))
        return
    others, letter = me["size"] - 1, group_letter(me["group"])
    if others:
        st.write(w("mine.in_group", n=others, letter=letter, others=others, same=me["same"],
                   votes=w("mine.votes", n=me["n_votes"])))
    else:  # "with 0 other people. On 0 of your 3 votes you voted as most of your group did" (a room of two)
        st.write(w("mine.alone", letter=letter))
    if (analysis or {}).get("projection"):
        st.altair_chart(map_chart(analysis, me=pid, height=260, words=w), width="stretch")
        st.caption(w("mine.map_caption"))


def _my_votes(cid, pid, by_id, my_votes, open_draft_ids: set[str], compare: dict[str, str] | None = None) -> None:
    w = words()
    if not my_votes:
        st.write(w("mine.none"))
        return
    st.write(w("mine.intro"))
    answers = [w.vote(v) for v in (1, -1, 0)]
    for sid in sorted(my_votes, key=lambda x: (not x.isdigit(), int(x) if x.isdigit() else 0, x)):
        s = by_id.get(sid)
        if s is None:
            continue
        allowed = (sid in open_draft_ids) if s.is_draft else s.is_public
        with st.container(border=True):
            quote(ballot_text(w, s.text) if s.is_draft else s.text, prefix=w("mine.draft") if s.is_draft else "")
            key = keyed(f"myvote-{sid}")
            if st.session_state.get(f"{key}:stored") != my_votes[sid] or key not in st.session_state:
                # the stored vote, also when the participant's other device changed it since this
                # control was drawn (a control keeps its own answer from one run to the next)
                st.session_state[key] = w.vote(my_votes[sid])
                st.session_state[f"{key}:stored"] = my_votes[sid]
            st.segmented_control(w("mine.your_vote"), answers, key=key, label_visibility="collapsed",
                                 on_change=change_vote, args=(cid, pid, sid, key, my_votes[sid], allowed, s.is_draft),
                                 disabled=not allowed)
            if (compare or {}).get(sid):
                st.caption(w("mine.compare", lines=esc(compare[sid])))


with act(words(), words()("doing.page")):
    main()
