"""The moderator's review of the drafts (the console's Facilitation tab while the graph waits for
it): the coverage audit, one card per draft (a Streamlit fragment: a decision click reruns its card
only, bench/bench_review_clicks.py) and Submit.

A decision clicked in a card (approve, edit with its wording, reject with its reason) is stored at
once (``Store.save_pending``, under the review's key, the id of the graph's interrupt): a reload, a
second tab, a restarted server and a second moderator's console on another app server show it
(last click wins, with who and when). A card shows the stored decision whenever it draws and the
decision changed since it last did. Submit sends the decisions this page shows, and only when
none was changed elsewhere since the page showed them (``stale_pending``); otherwise nothing is
submitted and the page says which drafts changed and how. The review step deletes the stored
decisions once it is answered (graphs/review.py).
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pandas as pd
import streamlit as st

from deliberation.analysis.pipeline import repness_by_direction
from deliberation.grounding.problems import problem_in
from deliberation.report import held_candidates, topic_names
from deliberation.report_text import coverage_status, drafter_words, held_lines
from deliberation.storage.reviews import PendingDecision, stale_pending
from deliberation.wording import Audience, ballot_words, sentence_text
from deliberation.words import notes_in
from ui import run_console
from ui.run_log import said_words
from ui.charts import coverage_bars
from ui.common import (
    act,
    code,
    current_published,
    esc,
    group_name,
    require_moderator,
    store,
    switch_tab,
)
from ui.i18n import DEFAULT_LANGUAGE, ENGLISH, LANGUAGES, Words, console_words, draft_heading, term

#: The decisions on a draft, each named by the message ``review.<decision>``.
DECISIONS = ("approve", "edit", "reject")
#: what the review's key is when the graph's interrupt has no id (an old LangGraph): the drafts'
#: keys and words, which a new run changes as often as not
_NO_ID = "drafts:"
#: session key of the stored decisions the whole console read for its cards: (review key, by draft)
_BATCH = "mod-pending-batch"
#: the reviewer's name the store, the graph's review step and the command line record when none is
#: given; a console shows it as its own word for it (``review.default_reviewer``)
DEFAULT_REVIEWER = "moderator"
#: session key (+ the draft's widget suffix) of an edit the guard refused, as the moderator typed it
#: (its words, its reason): a page drawn without the card (the run's progress) drops its boxes, and
#: the reason came back empty
_KEPT_EDIT = "mod-kept-edit-"
#: the console's address keeps the reviewer's name typed (as ``lang`` keeps its language): a reload or
#: a restarted app put the console's default back in the box, and the next clicks were stored under
#: it instead of the name typed before (found running a room by hand: "Katrin Vogel", then "Moderation")
REVIEWER_PARAM = "reviewer"


def review(cid: int, gs) -> None:
    """The review the graph waits for (``gs``: its status)."""
    payload, w = gs.waiting, console_words()
    drafts = payload.get("drafts") or []
    values = gs.values
    analysis = values.get("analysis") or {}
    grouped, everyone = sum(g["size"] for g in analysis.get("group_summaries") or []), analysis.get("n_participants")
    of = w("board.of_grouped", n=grouped) if everyone and 0 < grouped < everyone else ""
    summaries = {str(Audience.group(g['id'])): {**g, "by_direction": repness_by_direction(analysis, g["id"]), "of": of}
                 for g in analysis.get("group_summaries") or []}
    stored = store().statements(cid)
    statements = {s.external_id: s.text for s in stored}
    key = review_key(gs)
    topics = topic_names(analysis.get("topics"))  # a topic named by its label, as the report names it
    st.subheader(w("review.title", n=len(drafts)))
    st.write(w("review.intro"))
    # a common-ground item lost to a candidate set aside for the moderator (instruction-like) says so
    for line in held_lines(held_candidates(analysis.get("consensus") or [], stored), w.lang):
        st.info(esc(line))
    coverage(values, w)
    reviewer = st.text_input(w("review.your_name"), value=st.query_params.get(REVIEWER_PARAM) or w("review.default_reviewer"),
                             key="mod-reviewer", on_change=_keep_reviewer)
    # what this page showed before this run: the cards below draw what changed elsewhere since
    shown = {d["key"]: st.session_state.get(_shown_key(key, d)) for d in drafts}
    same = _same_words(drafts)
    st.session_state[_BATCH] = (key, store().pending(cid, key))  # one read for every card of this run
    try:
        for i, d in enumerate(drafts):
            _review_draft(cid, key, i, d, summaries, statements, same.get(i), topics)
    finally:
        st.session_state.pop(_BATCH, None)  # a card's own rerun reads its decision
    st.caption(w("review.buttons_caption"))
    c1, c2 = st.columns(2)
    # the decisions are read from the cards' widgets when pressed (a label counting them would go stale)
    submit = c1.button(w("review.submit"), type="primary", key="mod-review-submit", width="stretch")
    approve_all = c2.button(w("review.approve_all"), key="mod-review-approve-all", width="stretch",
                            help=w("review.approve_all_help"))
    if not (submit or approve_all):
        return
    now = store().pending(cid, key)
    decisions = _approve_the_rest(drafts, now) if approve_all else \
        [dec for d in drafts if (dec := _decision(d, now.get(d["key"])))]
    changed = stale_pending(now, shown)
    if changed:
        st.warning(esc(changed_words(changed, drafts, now, w)))
    elif drafts and not decisions:  # a review of no drafts (none was made) goes on to publish nothing
        st.warning(w("review.no_decision"))
    else:
        value = {"reviewer": stored_reviewer(reviewer), "decisions": decisions}
        value["seen"] = {d["key"]: d["text"] for d in drafts}  # refused if another run or review replaced them
        _submit_review(cid, value)


def _approve_the_rest(drafts: list[dict], now: dict[str, PendingDecision]) -> list[dict]:
    """"Approve all": the decision clicked and kept on each draft (``now``: the stored ones), an
    approval on every draft without one. It approved every draft, a draft clicked Reject too. An
    edit the guard refused is no kept decision (the review that refused it dropped the stored
    ones): that draft is approved in its own words."""
    return [(_decision(d, now[d["key"]]) if d["key"] in now else None) or {"key": d["key"], "decision": "approve"}
            for d in drafts]


def review_key(gs) -> str:
    """The key the decisions clicked in this review are stored under: the graph's interrupt id."""
    if gs.waiting_id:
        return str(gs.waiting_id)
    drafts = (gs.waiting or {}).get("drafts") or []
    return _NO_ID + hashlib.sha1("\x00".join(d["key"] + "\x01" + d["text"] for d in drafts).encode()).hexdigest()


def changed_words(changed: list[str], drafts: list[dict], now: dict[str, PendingDecision], w: Words = ENGLISH) -> str:
    """Why nothing was submitted: the drafts whose decision another console changed since this page
    showed it, each with its decision now (or that it has none), in words."""
    number = {d["key"]: i + 1 for i, d in enumerate(drafts)}
    parts = []
    for k in changed:
        p = now.get(k)
        what = (w("review.now_decided", decision=w(f"review.{p.decision}"), who=reviewer_name(p.reviewer, w),
                  time=f"{p.updated_at:%H:%M:%S}") if p else w("review.now_undecided"))
        parts.append(w("review.draft_changed", number=number.get(k, k), what=what))
    return w("review.changed", n=len(parts), drafts="; ".join(parts))


def _default_names() -> set[str]:
    """The default reviewer's name in every language the console speaks (``review.default_reviewer``)."""
    return {Words(lang)("review.default_reviewer") for lang in LANGUAGES}


def _keep_reviewer() -> None:
    """The name typed into the address (``?reviewer=``); none while it is the default."""
    name = stored_reviewer(st.session_state.get("mod-reviewer"))
    if name == DEFAULT_REVIEWER:
        st.query_params.pop(REVIEWER_PARAM, None)
    else:
        st.query_params[REVIEWER_PARAM] = name


def stored_reviewer(typed: str | None) -> str:
    """The reviewer's name as the store keeps it: the name typed, or :data:`DEFAULT_REVIEWER` when
    none was, or the box still holds the console's own word for the default (a French console
    stored "l'équipe d'animation", so the records depended on the console's language)."""
    name = (typed or "").strip()
    return DEFAULT_REVIEWER if not name or name in _default_names() else name


def reviewer_name(name: str, w: Words = ENGLISH) -> str:
    """Who decided, as a console says it: the default name (:data:`DEFAULT_REVIEWER`, stored by the
    command line and the consoles; or a console's word for it, which older consoles stored) in the
    console's own word ("par l'équipe d'animation", not "par moderator"); any other name as it was typed."""
    return w("review.default_reviewer") if not name or name == DEFAULT_REVIEWER or name in _default_names() else name


def coverage(values: dict, w: Words = ENGLISH) -> None:
    audit, said = values.get("audit") or {}, said_words(values, w)
    analysis = values.get("analysis") or {}
    stability = (analysis.get("grouping") or {}).get("stability")
    if stability:  # how sure the opinion groups are, in words
        st.caption(w("review.stability", text=esc(said(stability["text"]))))
    st.markdown("#### " + w("review.coverage"))
    if not audit:
        st.write(w("review.no_audit"))
        return
    verdict = audit.get("verdict") or (w("review.passed") if audit.get("passed") else w("review.not_passed"))
    (st.success if verdict.startswith("Passed:") else st.warning if audit.get("passed") else st.error)(esc(said(verdict)))
    for f in audit.get("findings") or []:
        st.markdown("- " + esc(said(f)))
    st.caption(esc(f"{term(w, 'jr')} {term(w, 'ejr')}"))
    if audit.get("groups"):
        _coverage_chart(audit["groups"], w, topic_names(analysis.get("topics")))


def _coverage_chart(groups: list[dict], w: Words, topics: dict[str, str] | None = None) -> None:
    """Each audience's share of participants beside its share of drafts: bars (the report's chart,
    ui.charts.coverage_bars), then the numbers; a topic named by its label (``topics``: id -> label),
    as the report names it (a Spanish room's review said "el tema 1" where its report said
    "el tema «plaza · niños · sábados»")."""
    people, drafts = w("report.share_participants"), w("report.share_drafts")
    audience, status = w("report.col_audience"), w("review.col_status")
    names = [group_name(g["key"], w, topics) for g in groups]
    # the status in the console's word ("fehlt"; a German console said "missing")
    statuses = [coverage_status(g["status"], w.lang) for g in groups]
    st.altair_chart(coverage_bars(groups, names, w, statuses), width="stretch")
    st.dataframe(pd.DataFrame([{audience: name, w("board.participants"): g["n_participants"],
                                people: w.percent(g["share_participants"]), w("review.col_drafts"): g["n_drafts"],
                                drafts: w.percent(g["share_drafts"]), status: said}
                               for g, name, said in zip(groups, names, statuses)]),
                 hide_index=True)


def _same_words(drafts: list[dict]) -> dict[int, int]:
    """Draft index -> the index of an earlier draft with the same words (case and spacing aside): in a
    small room a topic's draft can quote the very statement a group's draft quotes; approved, both go
    to the vote as one ballot item (graphs.nodes.publish), which the warning says."""
    first: dict[str, int] = {}
    out = {}
    for i, d in enumerate(drafts):
        words = ballot_words(d.get("text") or "")
        if words in first:
            out[i] = first[words]
        first.setdefault(words, i)
    return out


def _draft_nonce(d: dict) -> str:
    """Widget keys per draft: its key and text only, so a decision on one draft never resets the
    boxes of another (an edit the guard rejected keeps its text for correction)."""
    return hashlib.sha1((d["key"] + "\x00" + d["text"]).encode()).hexdigest()[:8]


def _suffix(d: dict) -> str:
    return f"{_draft_nonce(d)}-{d['key']}"


def _shown_key(review: str, d: dict) -> str:
    """Session key of the version of the stored decision this page last showed on draft ``d``."""
    return f"mod-shown-{review}-{_suffix(d)}"


def second_opinion_line(model_verdicts: list[str], w: Words = ENGLISH) -> str:
    """What the language model said of the kept sentences (the guard's second opinion), in words;
    empty when it was not asked (extractive drafter, or ``second_opinion`` off)."""
    said = Counter(model_verdicts)
    if not said:
        return ""
    return w("review.second_opinion", verdicts="; ".join(
        w(f"review.verdict_{k}", n=n) if f"review.verdict_{k}" in w else f"{n} {k}" for k, n in said.most_common()))


def _decision(d: dict, stored: PendingDecision | None) -> dict | None:
    """The decision on draft ``d`` as its card's widgets hold it (None: none yet), with who clicked
    it when it is the stored one."""
    suffix = _suffix(d)
    choice = st.session_state.get(f"mod-dec-{suffix}")
    if not choice:
        return None
    text = st.session_state.get(f"mod-edit-{suffix}", "") if choice == "edit" else ""
    reason = st.session_state.get(f"mod-why-{suffix}", "") if choice in ("edit", "reject") else ""
    dec = {"key": d["key"], "decision": choice, "text": text, "reason": reason}
    if stored is not None and stored.decision == choice:
        dec["reviewer"] = stored.reviewer
    return dec


def _default_text(d: dict) -> str:
    """The wording an edit starts from: the last edit the guard refused, else the draft's."""
    return (d.get("edit_rejected") or {}).get("text") or d.get("plain_text") or d["text"]


def _clicked(cid: int, review: str, d: dict) -> None:
    """A decision widget of draft ``d`` changed: store the decision it now holds (last click wins)."""
    suffix, ss = _suffix(d), st.session_state
    choice = ss.get(f"mod-dec-{suffix}")
    if not choice:
        return
    try:
        require_moderator(cid)
        saved = store().save_pending(cid, review, d["key"], choice, stored_reviewer(ss.get("mod-reviewer")),
                                     edited_text=ss.get(f"mod-edit-{suffix}"), reason=ss.get(f"mod-why-{suffix}"))
    except Exception as e:  # noqa: BLE001 - shown in the card (a callback's error would be a traceback)
        ss[f"mod-unsaved-{suffix}"] = str(e)
        return
    ss.pop(f"mod-unsaved-{suffix}", None)
    ss[_shown_key(review, d)] = saved.version
    ss[f"mod-saved-{suffix}"] = saved  # the card drawn next shows it without reading it back


def _stored(cid: int, review: str, d: dict) -> PendingDecision | None:
    """The stored decision on draft ``d``: the one a click on it just saved, else from the batch
    the whole console read (:data:`_BATCH`), else read (a card's own rerun after another click)."""
    ss = st.session_state
    saved = ss.pop(f"mod-saved-{_suffix(d)}", None)
    if saved is not None:
        return saved
    batch = ss.get(_BATCH)
    if batch is not None and batch[0] == review:
        return batch[1].get(d["key"])
    return store().pending(cid, review, d["key"]).get(d["key"])


def _sync(review: str, d: dict, stored: PendingDecision | None) -> bool:
    """Put the stored decision on draft ``d`` into its widgets when it changed since this page last
    showed it (a reload, another console); fill the edit box when it has no value yet. Whether it
    replaced a decision this page showed (another console changed it)."""
    suffix, ss = _suffix(d), st.session_state
    before = ss.get(_shown_key(review, d))
    if stored is not None and before != stored.version:
        ss[f"mod-dec-{suffix}"] = stored.decision
        ss[f"mod-why-{suffix}"] = stored.reason
        if stored.edited_text is not None:
            ss[f"mod-edit-{suffix}"] = stored.edited_text
        ss[_shown_key(review, d)] = stored.version
    if d.get("edit_rejected") and f"mod-dec-{suffix}" not in ss:
        ss[f"mod-dec-{suffix}"] = "edit"
    kept = ss.pop(_KEPT_EDIT + suffix, None)
    if kept is not None and d.get("edit_rejected"):  # the refused edit's words and reason, as typed
        ss[f"mod-dec-{suffix}"], ss[f"mod-edit-{suffix}"], ss[f"mod-why-{suffix}"] = "edit", *kept
    if f"mod-edit-{suffix}" not in ss:
        ss[f"mod-edit-{suffix}"] = (stored.edited_text if stored and stored.edited_text is not None
                                    else _default_text(d))
    return stored is not None and before is not None and before != stored.version


def refused_because(rejected: dict, lang: str) -> str:
    """Why the guard refused the moderator's edit, in the console's language: each problem's kind
    in the language with the words it quotes (deliberation.grounding.problems.problem_in); the
    guard's English reason in an English console, or where the review step kept no problems (a
    checkpoint from before they were kept). Each problem is [kind, message, the cited statements it
    names]; one kept before the statements were (two items) names none."""
    problems = rejected.get("problems")
    if lang == DEFAULT_LANGUAGE or not problems:
        return rejected.get("reason") or ""
    return "; ".join(dict.fromkeys(problem_in(kind, message, lang, *ids) for kind, message, *ids in problems))


@st.fragment
def _review_draft(cid: int, review: str, i: int, d: dict, summaries: dict, statements: dict,
                  same_as: int | None = None, topics: dict[str, str] | None = None) -> None:
    """One draft beside its cited statements, with the decision widgets (read by :func:`_decision`). A
    fragment: a decision reruns this card, not the whole console (bench/bench_review_clicks.py)."""
    suffix, w = _suffix(d), console_words()
    rejected = d.get("edit_rejected") or {}
    stored = _stored(cid, review, d)
    elsewhere = _sync(review, d, stored)
    with st.container(border=True):
        heading = draft_heading(w, d)
        st.markdown(f"**{i + 1}. {esc(heading)}**{_for_whom(d, heading, w, topics)}")
        if same_as is not None:
            st.warning(w("review.same_words", number=same_as + 1))
        _draft_body(d, summaries, statements, w)
        if rejected:
            st.error(esc(w("review.edit_refused", reason=refused_because(rejected, w.lang) or w("queue.no_reason"))))
        on = {"on_change": _clicked, "args": (cid, review, d)}
        choice = st.radio(w("review.decision"), list(DECISIONS), index=None, horizontal=True, key=f"mod-dec-{suffix}",
                          format_func=lambda k: w(f"review.{k}"), **on)
        if choice == "edit":
            st.text_area(w("review.edited"), key=f"mod-edit-{suffix}", help=w("review.edited_help"), **on)
        if choice in ("edit", "reject"):
            st.text_input(w("review.reason"), key=f"mod-why-{suffix}", **on)
        unsaved = st.session_state.get(f"mod-unsaved-{suffix}")
        if unsaved:
            st.error(esc(w("review.unsaved", error=unsaved)))
        elif stored is not None:
            said = w("review.pending_elsewhere" if elsewhere else "review.pending", decision=w(f"review.{stored.decision}"),
                     who=reviewer_name(stored.reviewer, w), time=f"{stored.updated_at:%H:%M:%S}")
            st.caption(esc(said))


def _for_whom(d: dict, heading: str, w: Words, topics: dict[str, str] | None = None) -> str:
    """Whom a draft's card says it speaks for, after its heading: " — " and the graph's English words
    ("group A (46 participants, 46%)"); in another language its name (a topic by its label,
    ``topics``), unless the heading says it already (it read "Ce qui a été dit sur le thème 0 — le
    thème 0", then "Donde las opiniones se dividen sobre el tema «plaza» — el tema 1")."""
    if w.lang == DEFAULT_LANGUAGE:
        return f" — {esc(d.get('audience') or '')}"
    name = group_name(d["key"], w, topics)
    return "" if name.casefold() in heading.casefold() else f" — {esc(name)}"


def _draft_body(d: dict, summaries: dict, statements: dict, w: Words) -> None:
    """A draft's sentences beside the statements they cite, and what its group agrees with."""
    left, right = st.columns([3, 2])
    with left:
        for s in d.get("sentences") or []:
            cites = w("review.cites", sources=esc(", ".join(s.get("citations") or [])))
            st.markdown(esc(sentence_text(s, w.lang)) + "  \n" + f"*{cites}*")
        notes = notes_in(d.get("notes") or "", w.lang)  # the draft's notes, said in the page's language
        st.caption(w("review.drafted_by", drafter=esc(drafter_words(d.get("drafter"), w.lang))) + " " + esc(notes))
        opinion = second_opinion_line(d.get("model_verdicts") or [], w)
        if opinion:
            st.caption(esc(opinion))
    with right:
        st.markdown(f"**{w('review.cited')}**")
        for sid, text in (d.get("cited") or {}).items():
            st.markdown(code(sid) + " " + esc(text))
    g = summaries.get(d["key"])
    if g:
        with st.expander(w("review.about_group", n=g["size"], group=group_name(d["key"], w),
                           share=w.percent(g["share"]) + g["of"])):
            for verb, sids in g["by_direction"].items():
                if sids:
                    st.write(w(f"review.group_{verb}s"))  # repness_by_direction: "agree", "disagree"
                for sid in sids[:5]:
                    st.markdown(code(sid) + " " + esc(statements.get(sid, "")))


def _submit_review(cid: int, value: dict) -> None:
    w = console_words()
    with act(w, w("review.submitting")):
        require_moderator(cid)
        st_ = run_console.run_graph(w("review.recording"), cid, value=value)
        waiting = st_.waiting or {}
        published = current_published(st_.values) if waiting.get("type") == "voting" else []
        refused = [d for d in waiting.get("drafts") or [] if d.get("edit_rejected")] \
            if waiting.get("type") == "review" else []
        if refused:  # each edit as typed, for its card to show again (:data:`_KEPT_EDIT`)
            typed = {dec["key"]: (dec.get("text") or "", dec.get("reason") or "") for dec in value.get("decisions") or []}
            st.session_state.update({_KEPT_EDIT + _suffix(d): typed[d["key"]] for d in refused if d["key"] in typed})
            names = ", ".join(draft_heading(w, d) for d in refused)
            st.session_state["mod-flash"] = ("error", w("review.edits_refused", n=len(refused), names=names))
        else:
            st.session_state["mod-flash"] = (
                "success", w("review.recorded_published", n=len(published), tab=w("console.tab_voting"))
                if published else w("review.recorded"))
        if published:
            switch_tab(run_console.CONSOLE_TABS, w("console.tab_voting"))
        st.rerun()
