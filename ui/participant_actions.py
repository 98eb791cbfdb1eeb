"""What a participant does on their page (ui/views/participant.py), in the page's language: vote
(and change a vote), write a statement (with the look-up of similar ones), and the message each
action leaves in the tab it was made in. The words come from ui/messages/ (ui/i18n.py)."""

from __future__ import annotations

import hashlib
import re

import streamlit as st

from deliberation.errors import DeliberationError, RateLimited, SameWords, VotingClosed, in_words
from deliberation.models import TYPED_STATEMENT_MAX_CHARS, ModerationStatus
from deliberation.services import intake, similar_statements
from ui.common import embedder, esc, index, log, quote, store, unexpected_in
from ui.i18n import DEFAULT_LANGUAGE, Words, drawn_words
from ui.late_press import unclaimed_presses
from ui.look import OFFLINE_NOTE

#: Longest statement a participant may send from this page (short statements are easier to vote
#: on; the store itself accepts up to MAX_STATEMENT_CHARS, e.g. for imports; seeds share the limit).
PARTICIPANT_MAX_CHARS = TYPED_STATEMENT_MAX_CHARS
# Similar statements are shown before submitting when their cosine similarity is at least the
# embedding model's ``Calibration.similar_min`` (deliberation.embeddings.models: 0.45 for USE,
# 0.5 for all-MiniLM-L6-v2).
#: Session-state key of the language this page was last drawn in (callbacks run before the page).
PAGE_LANGUAGE_KEY = "p-lang"
#: The page's tabs by message id, in order.
TABS = ("page.tab_vote", "page.tab_add", "page.tab_mine")
#: The three answers: value, message id of the label, icon, and the container key that colours the
#: button (ui/look.py).
ANSWERS = [(1, "answer.agree", ":material/thumb_up:", "agree"),
           (-1, "answer.disagree", ":material/thumb_down:", "disagree"),
           (0, "answer.pass_unsure", ":material/help:", "pass")]
SAID = {1: "said.agree", -1: "said.disagree", 0: "said.pass"}


def words() -> Words:
    """The words of the language the page is drawn in (ui.i18n.drawn_words)."""
    return drawn_words(PAGE_LANGUAGE_KEY)


def keyed(key: str) -> str:
    """A widget key per language (its options or labels are words): English keeps the plain key."""
    lang = words().lang
    return key if lang == DEFAULT_LANGUAGE else f"{key}@{lang}"


def open_tab() -> str:
    """The message id of the open tab (the tabs' value is their label, in the page's language)."""
    w = words()
    label = st.session_state.get(keyed("p-tab"))
    return next((t for t in TABS if w(t) == label), TABS[0])


def flash(kind: str, text: str, voted: str | None = None) -> None:
    """Remember a message for the tab the participant acted in (shown there, not in another tab).
    ``voted``: the item a vote's acknowledgement is about."""
    st.session_state["participant-flash"] = {"kind": kind, "text": text, "tab": open_tab(), "voted": voted}


def show_flash(drafts: list[dict] | None = None) -> None:
    """The latest acknowledgement or error in the tab it belongs to, until a newer one replaces it
    (a message shown only once could vanish before it is read when the tab redraws itself).
    ``drafts``: the drafts the tab now offers to vote on. Once they are on screen, an acknowledgement
    of a vote on a statement that an earlier run showed is no longer news: a room of six read
    "Vote stored: agree (statement 8)." above the first draft when the drafts arrived. A press's own
    acknowledgement is always shown once."""
    f = st.session_state.get("participant-flash")
    if not f or f.get("tab", TABS[0]) != open_tab():
        return
    if drafts and f.get("shown") and f.get("voted") not in {p["statement_id"] for p in drafts} | {None}:
        st.session_state.pop("participant-flash", None)
        return
    f["shown"] = True
    # shown as text: messages can quote input and ids (imported ids can be any text)
    getattr(st, f["kind"])(esc(f["text"]))


def reason(e: BaseException) -> str:
    """Why an action failed, in the page's language. A vote on a draft whose voting is not open says
    whether it closed or never opened. English keeps the store's own message otherwise (it names
    the limit and the wait); the others say the two refusals a participant meets in their words,
    and any other refusal as deliberation.errors.in_words says it."""
    w = words()
    if not isinstance(e, DeliberationError):
        return unexpected_in(e, w)
    if isinstance(e, VotingClosed) and e.draft is not None:  # "Draft 16", as the ballot names it
        return w("vote.drafts_closed" if e.closed else "vote.draft_not_open", draft=w.draft(e.draft, start=True))
    if w.lang != DEFAULT_LANGUAGE and isinstance(e, (VotingClosed, RateLimited)):
        return w("vote.closed" if isinstance(e, VotingClosed) else "doing.rate_limited")
    return in_words(e, w.lang)


def attempt(failure: str, fn, *args):
    """Run a participant action; on failure flash ``failure: <reason in plain words>``.

    Returns ``(result, True)``, or ``(None, False)`` after a failure (stack trace to the log only).
    """
    try:
        return fn(*args), True
    except SameWords as e:  # a refusal in the page's own words, the text kept to change
        flash("warning", same_words(e))
    except Exception as e:  # noqa: BLE001
        if not isinstance(e, DeliberationError):
            log.exception(failure)
        flash("error", words()("doing.reason", what=failure, reason=reason(e)))
    return None, False


def vote(cid: int, pid: str, sid: str, value: int, allowed: bool = True, ballot: bool = False,
         draft: bool = False) -> None:
    """Callback: store the vote; only a stored vote is acknowledged. ``ballot``: pressed on an item
    this page offered as not yet voted on; ``draft``: the item is a draft, named as the ballot names
    it ("projet 25", never by the statements' word)."""
    w = words()
    if not allowed:
        flash("warning", w("vote.closed"))
        return
    done = w("vote.stored_draft", answer=w(SAID[value]), draft=w.draft(sid, start=True)) if draft else \
        w("vote.stored", answer=w(SAID[value]), sid=sid)
    if (st.session_state.get("last-vote") == (cid, pid, sid, value)
            and store().votes_of(cid, pid).get(sid) == value):
        # the same press again: a second press on a button that was being redrawn, or a press that
        # Streamlit replays after a self-refresh cut the run short; stored once, acknowledged again.
        # Only while it is still the stored vote: the same participant on another device (their
        # personal link) may have changed it since, and this press changes it back
        flash("success", done, voted=sid)
        return
    last = st.session_state.get("last-vote")
    # a press on an item that another page of this participant (their link in a second tab or on a
    # device) voted on after this page offered it: said so, never a silent change; a repeat is not
    # stored again. This page's own earlier vote on it is not "elsewhere": a second press changes it
    before = store().votes_of(cid, pid).get(sid) if ballot and tuple((last or ())[:3]) != (cid, pid, sid) else None
    if before == value:
        flash("info", w("vote.elsewhere_same_draft", answer=w(SAID[value]), draft=w.draft(sid)) if draft else
              w("vote.elsewhere_same", answer=w(SAID[value]), sid=sid))
        return
    _, ok = attempt(w("vote.not_stored"), lambda: store().cast_vote(cid, pid, sid, value, create_participant=True))
    if not ok:
        return
    st.session_state["last-vote"] = (cid, pid, sid, value)
    flash("success", done if before is None else
          w("vote.elsewhere_changed", before=w(SAID[before]), answer=w(SAID[value]), done=done), voted=sid)


def change_vote(cid: int, pid: str, sid: str, key: str, old: int, allowed: bool, draft: bool = False) -> None:
    """Callback of a vote's control in My votes (its options are the answers' words)."""
    w = words()
    value = {w.vote(v): v for v in (1, -1, 0)}.get(st.session_state.get(key))
    if value is None or value == old:
        st.session_state[key] = w.vote(old)
        return
    if not allowed:
        st.session_state[key] = w.vote(old)
        flash("warning", w("vote.closed_no_change"))
        return
    vote(cid, pid, sid, value, draft=draft)


#: The key of a vote button (:func:`vote_buttons`): its prefix, the item's id and the answer.
VOTE_KEY = re.compile(r"^(?:vote|similar)-(?P<sid>.+?)-(?P<value>-1|0|1)$", re.S)  # "vote-7--1": 7, -1


def late_votes(cid: int, pid: str, items) -> None:
    """The vote buttons pressed on a page drawn before a server restart that the page does not draw
    now (ui.late_press.unclaimed_presses: a vote stored just before the server stopped moved the page
    on): each handled as its button would have been, in the order they came, for an item this
    participant may vote on. ``items()``: those ids, and the set of them that are drafts (read only
    when there is such a press)."""
    pressed = [VOTE_KEY.match(k) for k in unclaimed_presses(VOTE_KEY)]  # each key matches: it was taken by it
    offered, drafts = items() if pressed else (set(), set())
    for m in pressed:
        if m["sid"] in offered:
            vote(cid, pid, m["sid"], int(m["value"]), True, True, m["sid"] in drafts)


def vote_buttons(cid: int, pid: str, sid: str, prefix: str = "vote", draft: bool = False) -> None:
    """The three answers' buttons (while the connection to the server is lost, :func:`offline_note`
    says that a press is not recorded)."""
    w, tag = words(), hashlib.sha1(sid.encode()).hexdigest()[:12]
    for col, (value, label, icon, look) in zip(st.columns(3), ANSWERS):
        with col.container(key=f"{look}-{prefix}-{tag}"):
            st.button(w(label), key=f"{prefix}-{sid}-{value}", type="primary" if value else "secondary", icon=icon,
                      width="stretch", on_click=vote, args=(cid, pid, sid, value, True, True, draft))


def offline_note() -> None:
    """The note shown only while the connection to the server is lost (ui/look.py: Streamlit disables the
    vote buttons then, and a press is not sent): once a page, however many sets of vote buttons it draws
    (under each set, a list of similar statements said it again under every one)."""
    with st.container(key=OFFLINE_NOTE):
        st.warning(words()("vote.offline"), icon=":material/cloud_off:")


# ---- writing a statement -----------------------------------------------------------------
def same_words(e: SameWords) -> str:
    """Why a statement was not added: a statement says it word for word (case and spacing aside), and
    everyone else would be asked to vote on the same words twice (the store checks, see add_statement)."""
    w = words()
    return w("write.same_own", sid=e.statement) if e.own else w("write.same_other", sid=e.statement,
                                                                tab=w("page.tab_vote"))


def check_similar(cid: int) -> None:
    text = (st.session_state.get("new-statement") or "").strip()
    st.session_state["similar"] = None
    if not text:
        flash("warning", words()("write.empty"))
        return
    found, ok = attempt(words()("write.similar_failed"),
                        lambda: similar_statements(store(), index(cid), embedder(cid, words()), cid, text))
    if ok:
        st.session_state["similar"] = found
        st.session_state.pop("participant-flash", None)  # an earlier "Write your statement first." is no longer true


def submit(cid: int, pid: str, added) -> None:
    """Callback: add the statement; ``added()`` is called once it is stored (the room's shared
    snapshot is cleared, so everyone's next refresh shows it)."""
    w = words()
    text = st.session_state.get("new-statement") or ""
    if not text.strip():  # said as the similar check says it, not "statement: statement text is empty"
        flash("warning", w("write.empty"))
        return
    if len(text.strip()) > PARTICIPANT_MAX_CHARS:
        flash("error", w("write.too_long", n=len(text.strip()), limit=PARTICIPANT_MAX_CHARS))
        return
    stmt, ok = attempt(w("write.not_added"), lambda: store().add_statement(cid, pid, text, intake=intake))
    if not ok:
        return
    added()
    st.session_state["new-statement"] = ""  # the typed original is not kept
    st.session_state["similar"] = None
    try:  # for the duplicate preview of later statements; the graph indexes what is missing anyway
        model = embedder(cid, w)
        index(cid).upsert(cid, [stmt], model.encode([stmt.text]), model_id=model.model_id)
    except Exception:  # noqa: BLE001
        log.exception("indexing a new statement failed")
    review = stmt.moderation is ModerationStatus.NEEDS_REVIEW
    flash("success", w("write.received" if review else "write.added", sid=stmt.external_id))
    st.session_state["last-submitted"] = stmt.external_id


def add_statement(cid: int, pid: str, statements, my_votes: dict, author_agrees: bool, added) -> None:
    """The "Add a statement" tab: the form, similar statements, the participant's own statements.
    ``author_agrees``: whether the analysis counts an author's own statement as their agree vote."""
    w = words()
    st.write(w("write.intro"))
    # no max_chars: the browser would drop a longer paste silently or cut a word in half; the
    # length is checked on submit, with a message, and the text is kept for shortening
    text = st.text_area(w("write.label"), key="new-statement", height=100)
    n = len((text or "").strip())
    st.caption(w("write.too_many" if n > PARTICIPANT_MAX_CHARS else "write.count", n=n,
                 limit=PARTICIPANT_MAX_CHARS, over=n - PARTICIPANT_MAX_CHARS))
    c1, c2 = st.columns(2)
    c1.button(w("write.check"), key="check-similar", on_click=check_similar, args=(cid,), width="stretch")
    c2.button(w("write.submit"), key="submit-statement", type="primary", on_click=submit, args=(cid, pid, added),
              width="stretch")
    similar = st.session_state.get("similar")
    if similar is not None:
        if similar:
            st.write(w("write.similar_intro"))
            for sid, text, sim in similar:
                with st.container(border=True):
                    quote(text)
                    voted = w("write.similar_voted", answer=w(SAID[my_votes[sid]])) if sid in my_votes else ""
                    st.caption(w("write.similar_caption", sid=esc(sid), share=w.percent(sim)) + voted)
                    if sid not in my_votes and sid not in {s.external_id for s in statements if s.author == pid}:
                        vote_buttons(cid, pid, sid, prefix="similar")
        else:
            st.caption(w("write.no_similar"))
    own = [s for s in statements if s.author == pid and not s.is_draft]
    if own:
        st.markdown(f"**{w('write.yours')}**")
        status = {ModerationStatus.NEEDS_REVIEW: "write.status_waiting", ModerationStatus.REJECTED: "write.status_rejected",
                  ModerationStatus.ACCEPTED: "write.status_published",
                  ModerationStatus.UNMODERATED: "write.status_published"}
        for s in own:
            with st.container(border=True):
                quote(s.text)
                # the analysis adds it for an author who voted (an author who never votes is no participant)
                counted = "" if not (author_agrees and s.is_public) or s.external_id in my_votes else (
                    w("write.counts_as_agree") + ("" if my_votes else w("write.counts_once_you_vote")))
                st.caption(w("write.own_caption", sid=esc(s.external_id), status=w(status[s.moderation]),
                             counted=counted))
