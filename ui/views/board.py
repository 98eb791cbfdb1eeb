"""Live board: participation, the opinion map of the votes so far, topics, and the published drafts
(or, before any, the statements agreed across every group) with votes per opinion group. It
refreshes itself as votes arrive (a Streamlit fragment with ``run_every``).

``/board?code=CODE&view=projector`` is the projector view: one 1920x1080 screen with nothing to
scroll and no input widget, the join address as a QR code and in large type (ui/projector.py).
"""

from __future__ import annotations

import time

import streamlit as st

from deliberation.wording import of_grouped
from ui.common import (
    BOARD_REFRESH_SECONDS,
    act,
    ballot_slate,
    consultation_from_query,
    esc,
    find_consultation,
    graph_status,
    quote,
    room_votes,
    session_consultation,
    store,
)
from ui.i18n import (Words, ballot_text, draft_heading, language_offer, language_param, page_words, topic_line, topic_name,
                     words_of)
from ui.look import live_style
from ui.opinion_map import (fresh_analysis, group_label, map_chart, no_map_reason, run_author_agrees, totals,
                            vote_bars)
from ui.projector import join_url, projector_board


def room(cid: int, words: Words | None = None) -> dict:
    """Everything the board and the projector show, read once per refresh, and the words they say it
    in (``words``: the page's; by default the room's language)."""
    c = store().get_consultation(cid)
    w = words or page_words(c)
    statements = store().statements(cid)
    votes = room_votes(cid)
    # who took part, read with the votes: read after the analysis below (seconds in a room of 2,000), every
    # voter who arrived meanwhile counted as one who had not voted ("Participants 3785, Have voted 3633")
    participants = store().participant_count(cid)
    values = graph_status(cid, quiet=True).values
    run_analysis = values.get("analysis") or None
    analysis, error = fresh_analysis(cid, votes, reference=run_analysis, author_agrees=run_author_agrees(values))
    where = w("board.from_votes")
    if analysis is None and run_analysis:
        analysis, where = run_analysis, w("board.from_run")
    shown = [s for s in statements if s.is_public]
    published = ballot_slate(values)
    # the votes on the items the board shows, picked out once: per item from all votes, 17 drafts
    # were 34 scans of a 2,000-person room's 225,000 votes per refresh
    items = {p["statement_id"] for p in published} | set((analysis or {}).get("consensus") or [])
    return {"c": c, "w": w, "shown": shown, "votes": votes, "values": values, "analysis": analysis or {},
            "error": error, "where": where, "published": published,
            "item_votes": votes[votes["statement"].isin(items)],
            "topics": ((run_analysis or {}).get("topics") or {}).get("topics") or [],
            # the two figures of the board and the projector: who took part (voted or wrote a
            # statement: Store.participant_count) and who cast at least one vote
            "participants": participants, "voters": int(votes["participant"].nunique())}


def common_ground(r: dict, limit: int) -> list:
    """Statements agreed across every group so far (the analysis's consensus list), at most ``limit``."""
    by_id = {s.external_id: s for s in r["shown"]}
    return [by_id[sid] for sid in r["analysis"].get("consensus") or [] if sid in by_id][:limit]


def _map(r: dict) -> None:
    a, w = r["analysis"], r["w"]
    if a.get("projection"):
        st.altair_chart(map_chart(a, height=340, words=w), width="stretch")
        st.caption(w("board.map_caption", where=r["where"], sizes=group_sizes(a, w)))
    else:
        st.write(esc(no_map_reason(a, r["error"], r["voters"], w)))


def group_sizes(a: dict, w: Words) -> str:
    """The opinion groups' sizes under the board's map, their shares as the room's language writes
    them ("Gruppe A: 4 (40 %)"; a French, German or Spanish board wrote "40%")."""
    in_groups, everyone = sum(g["size"] for g in a.get("group_summaries") or []), a.get("n_participants")
    of = w("board.of_grouped", n=in_groups) if of_grouped(in_groups, everyone) else ""
    return ", ".join(f"{group_label(g['id'], w)}: {g['size']} ({w.percent(g['share'])}{of})"
                     for g in a.get("group_summaries") or [])


def _statements(r: dict) -> None:
    votes, groups = r["item_votes"], {str(k): int(v) for k, v in r["analysis"].get("groups", {}).items()}
    w = r["w"]
    if r["published"]:
        st.markdown(f"#### {w('board.drafts')}")
        for p in r["published"]:
            with st.container(border=True):
                kind = draft_heading(w, p)  # "Common ground 1", "What group A asks for"
                st.markdown(f"**{esc(kind)}** · {esc(w.draft(p['statement_id']))} · "
                            f"{totals(votes, p['statement_id'], w)}")
                quote(ballot_text(w, p["text"]))
                chart = vote_bars(votes, p["statement_id"], groups, words=w)
                if chart is not None:
                    st.altair_chart(chart, width="stretch")
        return
    st.markdown(f"#### {w('board.common_ground')}")
    agreed = common_ground(r, 3)
    if not agreed:
        st.write(w("board.no_common_ground"))
    for s in agreed:
        with st.container(border=True):
            st.markdown(f"**{w('board.statement', sid=esc(s.external_id))}** · {totals(votes, s.external_id, w)}")
            quote(s.text)
            chart = vote_bars(votes, s.external_id, groups, words=w)
            if chart is not None:
                st.altair_chart(chart, width="stretch")


def board(cid: int, words: Words | None = None) -> None:
    r = room(cid, words)
    c, votes, w = r["c"], r["votes"], r["w"]
    st.header(esc(c.question), anchor=False)
    st.markdown(w("board.join_at", url=f"**{esc(join_url(c.code))}**", code=f"**{esc(c.code)}**"))
    cols = st.columns(4)
    cols[0].metric(w("board.participants"), r["participants"], help=w("board.participants_help"))
    cols[1].metric(w("board.voted"), r["voters"], help=w("board.voters_help"))
    cols[2].metric(w("board.statements"), len(r["shown"]))
    cols[3].metric(w("board.votes"), len(votes))
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"#### {w('board.map')}")
        _map(r)
    with right:
        st.markdown(f"#### {w('board.topics')}")
        if r["topics"]:
            for t in r["topics"]:
                st.markdown(f"- {esc(topic_name(w, t['label']))} — {topic_line(w, t)}")
        else:
            st.write(w("board.no_topics"))
    _statements(r)
    st.caption(w("board.updated", time=time.strftime("%H:%M:%S"), seconds=f"{BOARD_REFRESH_SECONDS:g}"))


@st.fragment(run_every=BOARD_REFRESH_SECONDS)
def live(cid: int, projector: bool) -> None:
    w = words_of(lambda: store().get_consultation(cid))
    with act(w, w("doing.board_update")):
        if projector:
            projector_board(room(cid, w), common_ground)
        else:
            board(cid, w)


def main() -> None:
    projector = st.query_params.get("view") == "projector"
    live_style()  # outside the fragment: it never goes stale itself
    code = st.query_params.get("code", "")
    c = find_consultation(code)
    # without a room in the address, the one the code box shows (this session's last): its title was
    # English under a German sidebar on the board reached by the sidebar from a German room's page
    w = page_words(c) if c is not None else words_of(session_consultation)
    if projector:
        if c is None:  # no input widget on the projector: say what is missing
            st.title(w("board.title"))
            st.error(w("board.code_missing") if not code else w("board.code_unknown"))
            return
        live(c.id, True)
        return
    st.title(w("board.title"))
    if c is None:
        c = consultation_from_query(words=w)
    if c is None:
        st.write(w("board.enter_code"))
        return
    st.page_link("views/board.py", label=page_words(c)("board.projector_link"), icon=":material/tv:",
                 query_params={"code": c.code, "view": "projector", **language_param()})
    language_offer(page_words(c), "board-lang-offer")
    live(c.id, False)


_words = words_of(session_consultation)
with act(_words, _words("doing.board")):
    main()
