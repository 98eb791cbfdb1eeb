"""Report: the facilitation graph's report, its plots, and downloads (Markdown, JSON, HTML; the
Polis-format CSVs for the moderator), in the room's language (ui.i18n.page_words: the moderator's
choice, or the reader's own ``?lang=``). The report is said from its JSON (report.json) in that
language by deliberation.report.to_markdown / to_html, rendered as inert Markdown; a report
without its JSON is shown as the graph wrote it (report.md). Participants' statements and drafts
are never translated."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import zipfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from deliberation.report import date_words, moderator_heading, to_html, to_markdown
from deliberation.wording import audience_name
from ui.common import (
    act,
    consultation_from_query,
    graph_status,
    moderator_token,
    require_moderator,
    safe_markdown,
    session_consultation,
    settings,
    sign_in,
    store,
)
from ui.i18n import LANGUAGES, Words, draft_heading, words_of
from ui.look import table_style

#: bar colours: share of participants, share of drafts; agree, disagree, pass
SHARE_RANGE = ["#90a4ae", "#1565c0"]
VOTE_RANGE = ["#2e7d32", "#c62828", "#9e9e9e"]
#: The charts write each bar's name (a draft's, an audience's) on a line of its own above its bar,
#: across the chart's whole width: beside the bars, the names took three quarters of a 390 px phone's
#: width and squeezed the bars to stubs (and a name cut at a fixed width lost its end on a desktop).
#: px between a name's baseline and the top of its bar
NAME_GAP_PX = 2
#: the votes chart: px per draft, and its bar's thickness (the bar fills the row's lower half)
VOTE_ROW_PX = 44
VOTE_BAR_PX = 16
#: the coverage chart: px of each of an audience's three slots (its name, its share of the
#: participants, its share of the drafts)
COVERAGE_SLOT_PX = 15
#: the coverage chart's slot for the name (a value no measure is called)
NAME_SLOT = ""


def _report_files(cid: int) -> dict[str, Path]:
    gs = graph_status(cid, quiet=True)
    paths = ((gs.values.get("report") or {}).get("paths")) or {}
    folder = settings().data_dir / "reports" / str(cid)
    out = {}
    for kind in ("md", "json", "html"):
        p = Path(paths.get(kind) or folder / f"report.{kind}")
        if p.exists():
            out[kind] = p
    return out


def _vote_rows(w: Words, drafts: list[dict]) -> tuple[list[dict], list[dict]]:
    """Each draft's votes (one row per answer) and, per opinion group, its members' votes."""
    col = {k: w(f"report.col_{k}") for k in ("draft", "vote", "votes", "voters")}
    said = {k: w(f"said.{k}") for k in ("agree", "disagree", "pass")}
    rows, table = [], []
    for d in drafts:
        v = d["votes"]
        name = w("report.draft_name", heading=draft_heading(w, d), draft=w.draft(d["published_as"], start=True))
        for vote, n in (("agree", v["agree"]), ("disagree", v["disagree"]), ("pass", v["passes"])):
            rows.append({col["draft"]: name, col["vote"]: said[vote], col["votes"]: n})
        rest = {"agree": v["agree"], "disagree": v["disagree"], "pass": v["passes"]}
        for g in v.get("groups") or []:
            table.append({col["draft"]: name, col["voters"]: audience_name(g["group"], lang=w.lang),
                          **{said[k]: g[k if k != "pass" else "passes"] for k in said}})
            for k in rest:
                rest[k] -= g[k if k != "pass" else "passes"]
        if any(rest.values()):
            table.append({col["draft"]: name, col["voters"]: w("report.not_in_group"),
                          **{said[k]: n for k, n in rest.items()}})
    return rows, [t for t in table if any(t[said[k]] for k in said)]


def _plots(rep: dict, w: Words) -> None:
    drafts = [d for d in (rep.get("consensus") or []) + (rep.get("minority") or [])
              if d.get("votes") and d["votes"].get("n_votes")]
    if drafts:
        st.markdown(f"#### {w('report.votes_title')}")
        rows, table = _vote_rows(w, drafts)
        st.altair_chart(votes_chart(rows, w), width="stretch")
        if table:
            st.caption(w("report.by_group"))
            st.dataframe(pd.DataFrame(table), hide_index=True)
    chart = coverage_chart(rep, w)
    if chart is not None:
        st.markdown(f"#### {w('report.coverage_title')}")
        st.altair_chart(chart, width="stretch")


def named_bars(bars, names: list[str], field: str, row_px: float, above_px: float):
    """``bars`` (one row of ``row_px`` per name in ``field``, no axis) with each name written
    left-aligned on its row, its baseline ``above_px`` above the row's middle, across the chart's
    whole width (cut with "…" only past it; its tooltip has it whole)."""
    y = alt.Y(f"{field}:N", title=None, sort=None, axis=None)
    labels = alt.Chart(pd.DataFrame({field: names})).mark_text(
        align="left", baseline="bottom", limit=alt.ExprRef(expr="width"), yOffset=-above_px,
    ).encode(y=y, x=alt.value(0), text=f"{field}:N", tooltip=[field])
    return alt.layer(bars, labels).properties(height=alt.Step(row_px, **{"for": "position"}))  # per name, not per slot


def votes_chart(rows: list[dict], w: Words):
    """Each published draft's votes as one stacked bar under its name (:func:`named_bars`)."""
    draft, vote, votes = (w(f"report.col_{k}") for k in ("draft", "vote", "votes"))
    scale = alt.Scale(domain=[w(f"said.{k}") for k in ("agree", "disagree", "pass")], range=VOTE_RANGE)
    bars = alt.Chart(pd.DataFrame(rows)).mark_bar(size=VOTE_BAR_PX, yOffset=VOTE_BAR_PX / 2).encode(
        y=alt.Y(f"{draft}:N", title=None, sort=None, axis=None),
        x=alt.X(f"{votes}:Q", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color(f"{vote}:N", scale=scale, legend=alt.Legend(orient="bottom", title=None)),
        order=alt.Order(f"{vote}:N"),
        tooltip=[draft, vote, votes],
    )
    return named_bars(bars, list(dict.fromkeys(r[draft] for r in rows)), draft, VOTE_ROW_PX, NAME_GAP_PX)


def coverage_chart(rep: dict, w: Words):
    """Each audience's (opinion group's, topic's) share of the participants and of the drafts, from
    the report's coverage audit; None without one."""
    groups = (rep.get("audit") or {}).get("groups") or []
    if not groups:
        return None
    audience, measure, share = (w(f"report.col_{k}") for k in ("audience", "measure", "share"))
    of_people, of_drafts = w("report.share_participants"), w("report.share_drafts")
    topics = {str(t["id"]): t["label"] for t in rep.get("topics") or []}
    rows = []
    for g in groups:
        name = audience_name(g["key"], topics, lang=w.lang)
        rows.append({audience: name, measure: of_people, share: g["share_participants"]})
        rows.append({audience: name, measure: of_drafts, share: g["share_drafts"]})
    slots = [NAME_SLOT, of_people, of_drafts]  # the name's slot first: the two bars under it
    bars = alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        y=alt.Y(f"{audience}:N", title=None, sort=None, axis=None),
        x=alt.X(f"{share}:Q", axis=alt.Axis(format="%")),
        yOffset=alt.YOffset(f"{measure}:N", scale=alt.Scale(domain=slots)),
        color=alt.Color(f"{measure}:N", legend=alt.Legend(orient="bottom", title=None),
                        scale=alt.Scale(domain=[of_people, of_drafts], range=SHARE_RANGE)),
        tooltip=[audience, measure, alt.Tooltip(f"{share}:Q", format=".0%")],
    )
    row = len(slots) * COVERAGE_SLOT_PX  # the name's baseline at the top of the first bar
    return named_bars(bars, list(dict.fromkeys(r[audience] for r in rows)), audience, row,
                      row / 2 - COVERAGE_SLOT_PX + NAME_GAP_PX)


def _polis_zip(cid: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="polis-export-") as tmp:
        folder = store().export_polis(cid, Path(tmp) / "export")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(Path(folder).iterdir()):
                if f.is_file():
                    zf.write(f, arcname=f.name)
        return buf.getvalue()


def public_markdown(md: str) -> str:
    """The report without its moderator-only section (deliberation.report.moderator_heading: the
    moderation reasons can quote held statements), found by its heading in any language: a report
    shown as the run wrote it (its JSON unreadable) is in the room's language, whichever that was."""
    hidden = {moderator_heading(lang) for lang in LANGUAGES}
    out, skip = [], False
    for line in md.splitlines():
        if line.startswith("## "):
            skip = line.strip() in hidden
        if not skip:
            out.append(line)
    return "\n".join(out) + "\n"


def _demote(md: str) -> str:
    """One heading level down (the page has its own title); statement text has '#' escaped."""
    return "\n".join("#" + line if line.startswith("#") else line for line in md.splitlines())


def _downloads(cid: int, code: str, files: dict[str, Path], texts: dict[str, str], is_moderator: bool,
               w: Words) -> None:
    st.markdown(f"#### {w('report.downloads')}")
    cols = st.columns(3)
    cols[0].download_button(w("report.dl_md"), texts["md"].encode("utf-8"), file_name=f"report-{code}.md",
                            mime="text/markdown", key="dl-md", width="stretch")
    if "html" in texts:
        cols[1].download_button(w("report.dl_html"), texts["html"].encode("utf-8"), file_name=f"report-{code}.html",
                                mime="text/html", key="dl-html", width="stretch")
    if is_moderator and "json" in files:
        cols[2].download_button(w("report.dl_json"), files["json"].read_bytes(), file_name=f"report-{code}.json",
                                mime="application/json", key="dl-json", width="stretch")
    if is_moderator:
        st.markdown(w("report.polis_title"))
        if st.button(w("report.polis_prepare"), key="dl-polis-prepare"):
            with act(w, w("report.exporting")):
                require_moderator(cid)
                st.session_state[f"polis-zip-{cid}"] = _polis_zip(cid)
        data = st.session_state.get(f"polis-zip-{cid}")
        if data:
            st.download_button(w("report.polis_zip"), data, file_name=f"polis-export-{code}.zip",
                               mime="application/zip", key="dl-polis")
    else:
        with st.expander(w("report.unlock_title")):
            with st.form("report-unlock"):
                secret = st.text_input(w("report.secret"), type="password", key="report-secret")
                if st.form_submit_button(w("report.unlock")):
                    with act(w, w("report.unlocking")):
                        sign_in(cid, secret)
                        st.rerun()


def _report_texts(files: dict[str, Path], rep: dict, lang: str) -> dict[str, str]:
    """The report's Markdown and HTML in ``lang``, said from its JSON; without the JSON, the files
    as the graph wrote them."""
    if rep:
        return {"md": to_markdown(rep, lang), "html": to_html(rep, lang)}
    return {k: files[k].read_text(encoding="utf-8") for k in ("md", "html") if k in files}


def main(w: Words) -> None:
    st.title(w("report.title"))
    c = consultation_from_query(words=w)
    if c is None:
        st.write(w("report.enter_code"))
        return
    files = _report_files(c.id)
    if "md" not in files:
        st.info(w("report.none_yet"))
        return
    is_moderator = False
    if moderator_token(c.id):
        try:
            require_moderator(c.id)
            is_moderator = True
        except Exception:  # noqa: BLE001 - a stale secret: public view
            is_moderator = False
    rep = {}
    if "json" in files:
        try:
            rep = json.loads(files["json"].read_text(encoding="utf-8"))
        except ValueError:
            rep = {}
    texts = _report_texts(files, rep, w.lang)
    if not is_moderator:
        texts["md"] = public_markdown(texts["md"])
    _downloads(c.id, c.code, files, texts, is_moderator, w)
    if rep:
        _plots(rep, w)
    st.divider()
    written = dt.datetime.fromtimestamp(files["md"].stat().st_mtime).date()
    st.caption(w("report.written", date=date_words(written, w.lang)))
    table_style()
    with st.container(border=True):
        st.markdown(safe_markdown(_demote(texts["md"])))
    if not is_moderator:
        st.caption(w("report.moderator_only"))


_words = words_of(session_consultation)
with act(_words, _words("report.showing")):
    main(_words)
