"""Live board for the projector: participation, the opinion map, topics, and the current consensus
and minority statements with votes per opinion group. Refreshes itself as votes arrive."""

from __future__ import annotations

import time

import altair as alt
import pandas as pd
import streamlit as st

from ui.common import (
    BOARD_REFRESH_SECONDS,
    action,
    consultation_from_query,
    current_published,
    esc,
    graph_status,
    group_name,
    log,
    quote,
    settings,
    store,
    visible,
)

#: A fresh analysis (when the graph has none yet) is recomputed at most this often (seconds).
FRESH_ANALYSIS_EVERY = 30
VOTE_COLOURS = alt.Scale(domain=["agree", "disagree", "pass"], range=["#2e7d32", "#c62828", "#9e9e9e"])


@st.cache_data(ttl=FRESH_ANALYSIS_EVERY * 2, max_entries=16, show_spinner=False)
def _fresh_analysis(data_dir: str, cid: int, bucket: int) -> dict | None:
    from deliberation.services import analyze_source

    result, _summary = analyze_source(settings(), str(cid), topics=False)
    return result.model_dump(mode="json")


def _analysis(cid: int, values: dict, fresh: bool) -> tuple[dict | None, str]:
    if values.get("analysis") and not fresh:
        return values["analysis"], "from the last facilitation run"
    try:
        a = _fresh_analysis(str(settings().data_dir.resolve()), cid, int(time.time() // FRESH_ANALYSIS_EVERY))
        return a, "from the votes so far (updated every half minute)"
    except Exception:  # noqa: BLE001 - too few votes, or analysis unavailable: the board goes on
        log.exception("fresh analysis failed")
        if values.get("analysis"):
            return values["analysis"], "from the last facilitation run"
        return None, ""


def _vote_bars(votes: pd.DataFrame, sid: str, groups: dict[str, int]):
    v = votes[votes["statement"] == sid]
    if v.empty:
        return None
    df = pd.DataFrame({
        "group": [f"group {groups[p]}" if p in groups else "not yet grouped" for p in v["participant"]],
        "vote": [{1: "agree", -1: "disagree", 0: "pass"}[int(x)] for x in v["vote"]],
    })
    counts = df.groupby(["group", "vote"]).size().reset_index(name="votes")
    return alt.Chart(counts).mark_bar(size=16).encode(
        y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=160)),
        x=alt.X("votes:Q", title="votes", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("vote:N", scale=VOTE_COLOURS, legend=alt.Legend(orient="right", title=None)),
        order=alt.Order("vote:N"),
        tooltip=["group", "vote", "votes"],
    ).properties(height=alt.Step(26))


def _bars(votes: pd.DataFrame, sid: str, groups: dict[str, int]) -> None:
    chart = _vote_bars(votes, sid, groups)
    if chart is not None:
        st.altair_chart(chart, width="stretch")


def _totals(votes: pd.DataFrame, sid: str) -> str:
    v = votes[votes["statement"] == sid]["vote"].astype(int)
    return f"{int((v == 1).sum())} agree · {int((v == -1).sum())} disagree · {int((v == 0).sum())} pass"


def board(cid: int, fresh: bool) -> None:
    c = store().get_consultation(cid)
    statements = store().statements(cid)
    votes = store().current_votes(cid)
    gs = graph_status(cid, quiet=True)
    values = gs.values
    shown = [s for s in statements if visible(s)]
    st.header(esc(c.question), anchor=False)
    st.markdown(f"Join on the **Take part** page with the code **{esc(c.code)}**")
    cols = st.columns(4)
    cols[0].metric("Participants", store().counts(cid)["participants"])
    cols[1].metric("Have voted", int(votes["participant"].nunique()))
    cols[2].metric("Statements", len(shown))
    cols[3].metric("Votes", len(votes))

    analysis, where = _analysis(cid, values, fresh)
    groups = {str(k): int(v) for k, v in (analysis or {}).get("groups", {}).items()}
    left, right = st.columns([3, 2])
    with left:
        st.markdown("#### Opinion map")
        proj = (analysis or {}).get("projection") or {}
        if proj:
            df = pd.DataFrame([{"x": xy[0], "y": xy[1], "group": f"group {groups.get(p, '?')}"}
                               for p, xy in proj.items()])
            chart = alt.Chart(df).mark_circle(size=70, opacity=0.8).encode(
                x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None),
                color=alt.Color("group:N", scale=alt.Scale(scheme="category10"),
                                legend=alt.Legend(orient="bottom", title=None)),
            ).properties(height=320)
            st.altair_chart(chart, width="stretch")
            sizes = ", ".join(f"group {g['id']}: {g['size']} ({g['share']:.0%})"
                              for g in (analysis or {}).get("group_summaries", []))
            st.caption(f"Each dot is a participant, placed by how they vote; colour = opinion group ({where}). "
                       + sizes)
        else:
            st.write("The opinion map appears once enough people have voted.")
    with right:
        st.markdown("#### Topics")
        topics = ((analysis or {}).get("topics") or {}).get("topics") or \
            ((values.get("analysis") or {}).get("topics") or {}).get("topics") or []
        if topics:
            for t in topics:
                st.markdown(f"- {esc(t['label'])} — {t['n_statements']} statements, {t['n_authors']} voices")
        else:
            st.write("Topics appear after the first facilitation run.")

    published = current_published(values)
    st.markdown("#### Consensus and minority statements")
    if published:
        for p in published:
            with st.container(border=True):
                kind = "Consensus" if p["kind"] == "consensus" else f"Minority — {group_name(p['key'])}"
                st.markdown(f"**{esc(kind)}** · draft {esc(p['statement_id'])} · {_totals(votes, p['statement_id'])}")
                quote(p["text"])
                _bars(votes, p["statement_id"], groups)
    else:
        ids = [sid for sid in ((analysis or {}).get("consensus") or [])]
        by_id = {s.external_id: s for s in shown}
        ids = [sid for sid in ids if sid in by_id][:3]
        if ids:
            st.caption("No draft is published yet. Statements agreed across every group so far:")
            for sid in ids:
                with st.container(border=True):
                    st.markdown(f"**Statement {esc(sid)}** · {_totals(votes, sid)}")
                    quote(by_id[sid].text)
                    _bars(votes, sid, groups)
        else:
            st.write("No statement is agreed across every group yet.")
    st.caption(f"Updated {time.strftime('%H:%M:%S')}; refreshes every {BOARD_REFRESH_SECONDS:g} s.")


@st.fragment(run_every=BOARD_REFRESH_SECONDS)
def live(cid: int, fresh: bool) -> None:
    with action("Updating the board"):
        board(cid, fresh)


def main() -> None:
    st.set_page_config(layout="wide")
    st.title("Live board")
    c = consultation_from_query()
    if c is None:
        st.write("Enter the consultation's code to show its live board.")
        return
    fresh = st.toggle("Opinion map from the votes so far (instead of the last facilitation run)", key="board-fresh")
    live(c.id, fresh)


with action("Showing the live board"):
    main()
