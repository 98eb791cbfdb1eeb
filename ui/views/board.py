"""Live board: participation, the opinion map of the votes so far, topics, and the published drafts
(or, before any, the statements agreed across every group) with votes per opinion group. It
refreshes itself as votes arrive (a Streamlit fragment with ``run_every``).

``/board?code=CODE&view=projector`` is the projector view: one 1920x1080 screen with nothing to
scroll and no input widget, the join address as a QR code and in large type (ui/projector.py).
"""

from __future__ import annotations

import time

import streamlit as st

from deliberation.wording import of_grouped, plural, topic_sources
from ui.common import (
    BOARD_REFRESH_SECONDS,
    action,
    consultation_from_query,
    current_published,
    esc,
    find_consultation,
    graph_status,
    group_name,
    quote,
    room_votes,
    store,
)
from ui.opinion_map import (fresh_analysis, group_label, map_chart, no_map_reason, run_author_agrees, totals,
                            vote_bars)
from ui.projector import PARTICIPANTS_HELP, VOTERS_HELP, join_url, projector_board


def room(cid: int) -> dict:
    """Everything the board and the projector show, read once per refresh."""
    c = store().get_consultation(cid)
    statements = store().statements(cid)
    votes = room_votes(cid)
    values = graph_status(cid, quiet=True).values
    run_analysis = values.get("analysis") or None
    analysis, error = fresh_analysis(cid, votes, reference=run_analysis, author_agrees=run_author_agrees(values))
    where = "the votes so far"
    if analysis is None and run_analysis:
        analysis, where = run_analysis, "the last facilitation run"
    shown = [s for s in statements if s.is_public]
    published = current_published(values)
    # the votes on the items the board shows, picked out once: per item from all votes, 17 drafts
    # were 34 scans of a 2,000-person room's 225,000 votes per refresh
    items = {p["statement_id"] for p in published} | set((analysis or {}).get("consensus") or [])
    return {"c": c, "shown": shown, "votes": votes, "values": values, "analysis": analysis or {},
            "error": error, "where": where, "published": published,
            "item_votes": votes[votes["statement"].isin(items)],
            "topics": ((run_analysis or {}).get("topics") or {}).get("topics") or [],
            # the two figures of the board and the projector: who took part (voted or wrote a
            # statement: Store.participant_count) and who cast at least one vote
            "participants": store().participant_count(cid), "voters": int(votes["participant"].nunique())}


def common_ground(r: dict, limit: int) -> list:
    """Statements agreed across every group so far (the analysis's consensus list), at most ``limit``."""
    by_id = {s.external_id: s for s in r["shown"]}
    return [by_id[sid] for sid in r["analysis"].get("consensus") or [] if sid in by_id][:limit]


def _map(r: dict) -> None:
    a = r["analysis"]
    if a.get("projection"):
        st.altair_chart(map_chart(a, height=340), width="stretch")
        of = of_grouped(sum(g["size"] for g in a.get("group_summaries") or []), a.get("n_participants"))
        sizes = ", ".join(f"{group_label(g['id'])}: {g['size']} ({g['share']:.0%}{of})"
                          for g in a.get("group_summaries") or [])
        st.caption(f"Each dot is a participant, placed by how they vote; colour = opinion group (from "
                   f"{r['where']}). {sizes}")
    else:
        st.write(esc(no_map_reason(a, r["error"], r["voters"])))


def _statements(r: dict) -> None:
    votes, groups = r["item_votes"], {str(k): int(v) for k, v in r["analysis"].get("groups", {}).items()}
    if r["published"]:
        st.markdown("#### Drafts put to the vote")
        for p in r["published"]:
            with st.container(border=True):
                kind = p.get("heading") or group_name(p["key"])  # "Common ground 1", "What group A asks for"
                st.markdown(f"**{esc(kind)}** · draft {esc(p['statement_id'])} · {totals(votes, p['statement_id'])}")
                quote(p["text"])
                chart = vote_bars(votes, p["statement_id"], groups)
                if chart is not None:
                    st.altair_chart(chart, width="stretch")
        return
    st.markdown("#### Common ground so far")
    agreed = common_ground(r, 3)
    if not agreed:
        st.write("No statement is agreed across every group yet.")
    for s in agreed:
        with st.container(border=True):
            st.markdown(f"**Statement {esc(s.external_id)}** · {totals(votes, s.external_id)}")
            quote(s.text)
            chart = vote_bars(votes, s.external_id, groups)
            if chart is not None:
                st.altair_chart(chart, width="stretch")


def board(cid: int) -> None:
    r = room(cid)
    c, votes = r["c"], r["votes"]
    st.header(esc(c.question), anchor=False)
    st.markdown(f"Join at **{esc(join_url(c.code))}** with the code **{esc(c.code)}**")
    cols = st.columns(4)
    cols[0].metric("Participants", r["participants"], help=PARTICIPANTS_HELP)
    cols[1].metric("Have voted", r["voters"], help=VOTERS_HELP)
    cols[2].metric("Statements", len(r["shown"]))
    cols[3].metric("Votes", len(votes))
    left, right = st.columns([3, 2])
    with left:
        st.markdown("#### Opinion map")
        _map(r)
    with right:
        st.markdown("#### Topics")
        if r["topics"]:
            for t in r["topics"]:
                said = topic_sources(t["n_statements"], t["n_authors"], t.get("n_seed", 0), t.get("n_moderator_seeds", 0))
                st.markdown(f"- {esc(t['label'])} — {said}")
        else:
            st.write("Topics appear after the first facilitation run.")
    _statements(r)
    st.caption(f"Updated {time.strftime('%H:%M:%S')}; refreshes every {BOARD_REFRESH_SECONDS:g} s.")


@st.fragment(run_every=BOARD_REFRESH_SECONDS)
def live(cid: int, projector: bool) -> None:
    with action("Updating the board"):
        if projector:
            projector_board(room(cid), common_ground)
        else:
            board(cid)


def main() -> None:
    projector = st.query_params.get("view") == "projector"
    code = st.query_params.get("code", "")
    c = find_consultation(code)
    if projector:
        if c is None:  # no input widget on the projector: say what is missing
            st.title("Live board")
            st.error("Add the consultation's code to the address: /board?code=CODE&view=projector"
                     if not code else "No consultation has the code in the address.")
            return
        live(c.id, True)
        return
    st.title("Live board")
    if c is None:
        c = consultation_from_query()
    if c is None:
        st.write("Enter the consultation's code to show its live board.")
        return
    st.page_link("views/board.py", label="Projector view (one screen, for the room)", icon=":material/tv:",
                 query_params={"code": c.code, "view": "projector"})
    live(c.id, False)


with action("Showing the live board"):
    main()
