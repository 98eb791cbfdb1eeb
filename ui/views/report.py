"""Report: the facilitation graph's report (report.md, rendered as inert Markdown), its plots,
and downloads (Markdown, JSON, HTML; the Polis-format CSVs for the moderator)."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from ui.common import (
    action,
    consultation_from_query,
    graph_status,
    group_name,
    moderator_token,
    require_moderator,
    safe_markdown,
    settings,
    sign_in,
    store,
)

SHARE_COLOURS = alt.Scale(domain=["share of participants", "share of drafts"], range=["#90a4ae", "#1565c0"])
VOTE_COLOURS = alt.Scale(domain=["agree", "disagree", "pass"], range=["#2e7d32", "#c62828", "#9e9e9e"])


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


def _plots(rep: dict) -> None:
    drafts = [d for d in (rep.get("consensus") or []) + (rep.get("minority") or [])
              if d.get("votes") and d["votes"].get("n_votes")]
    if drafts:
        st.markdown("#### Votes on the published drafts")
        rows, table = [], []
        for d in drafts:
            v = d["votes"]
            name = f"{d.get('heading') or group_name(d['key'])} (statement {d['published_as']})"
            for vote, n in (("agree", v["agree"]), ("disagree", v["disagree"]), ("pass", v["passes"])):
                rows.append({"draft": name, "vote": vote, "votes": n})
            grouped = {"agree": 0, "disagree": 0, "pass": 0}
            for g in v.get("groups") or []:
                table.append({"draft": name, "voters": group_name(g["group"]), "agree": g["agree"],
                              "disagree": g["disagree"], "pass": g["passes"]})
                grouped["agree"] += g["agree"]
                grouped["disagree"] += g["disagree"]
                grouped["pass"] += g["passes"]
            rest = {"agree": v["agree"] - grouped["agree"], "disagree": v["disagree"] - grouped["disagree"],
                    "pass": v["passes"] - grouped["pass"]}
            if any(rest.values()):
                table.append({"draft": name, "voters": "not in an opinion group", **rest})
        chart = alt.Chart(pd.DataFrame(rows)).mark_bar(size=18).encode(
            y=alt.Y("draft:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("votes:Q", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("vote:N", scale=VOTE_COLOURS, legend=alt.Legend(orient="bottom", title=None)),
            order=alt.Order("vote:N"),
            tooltip=["draft", "vote", "votes"],
        ).properties(height=alt.Step(28))
        st.altair_chart(chart, width="stretch")
        table = [t for t in table if t["agree"] or t["disagree"] or t["pass"]]
        if table:
            st.caption("By opinion group:")
            st.dataframe(pd.DataFrame(table), hide_index=True)
    groups = (rep.get("audit") or {}).get("groups") or []
    if groups:
        st.markdown("#### Coverage: share of participants and share of drafts per audience")
        rows = []
        for g in groups:
            rows.append({"audience": group_name(g["key"]), "measure": "share of participants",
                         "share": g["share_participants"]})
            rows.append({"audience": group_name(g["key"]), "measure": "share of drafts", "share": g["share_drafts"]})
        chart = alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
            y=alt.Y("audience:N", title=None, sort=None), x=alt.X("share:Q", axis=alt.Axis(format="%")),
            yOffset="measure:N", color=alt.Color("measure:N", legend=alt.Legend(orient="bottom", title=None),
                                                 scale=SHARE_COLOURS),
            tooltip=["audience", "measure", alt.Tooltip("share:Q", format=".0%")],
        ).properties(height=alt.Step(14))
        st.altair_chart(chart, width="stretch")


def _polis_zip(cid: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="polis-export-") as tmp:
        folder = store().export_polis(cid, Path(tmp) / "export")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(Path(folder).iterdir()):
                if f.is_file():
                    zf.write(f, arcname=f.name)
        return buf.getvalue()


#: Report sections only the moderator sees: the moderation reasons can quote held statements.
MODERATOR_SECTIONS = ("## Moderation",)


def public_markdown(md: str) -> str:
    """The report without the moderator-only sections."""
    out, skip = [], False
    for line in md.splitlines():
        if line.startswith("## "):
            skip = line.strip() in MODERATOR_SECTIONS
        if not skip:
            out.append(line)
    return "\n".join(out) + "\n"


def _demote(md: str) -> str:
    """One heading level down (the page has its own title); statement text has '#' escaped."""
    return "\n".join("#" + line if line.startswith("#") else line for line in md.splitlines())


def _downloads(cid: int, code: str, files: dict[str, Path], md: str, is_moderator: bool) -> None:
    st.markdown("#### Downloads")
    cols = st.columns(3)
    cols[0].download_button("Report (Markdown)", md.encode("utf-8"), file_name=f"report-{code}.md",
                            mime="text/markdown", key="dl-md", width="stretch")
    if "html" in files:
        cols[1].download_button("Report (HTML)", files["html"].read_bytes(), file_name=f"report-{code}.html",
                                mime="text/html", key="dl-html", width="stretch")
    if is_moderator and "json" in files:
        cols[2].download_button("Report (JSON)", files["json"].read_bytes(), file_name=f"report-{code}.json",
                                mime="application/json", key="dl-json", width="stretch")
    if is_moderator:
        st.markdown("**Polis-format export** (every statement, vote and participant id)")
        if st.button("Prepare the Polis export", key="dl-polis-prepare"):
            with action("Exporting"):
                require_moderator(cid)
                st.session_state[f"polis-zip-{cid}"] = _polis_zip(cid)
        data = st.session_state.get(f"polis-zip-{cid}")
        if data:
            st.download_button("Polis export (zip of CSVs)", data, file_name=f"polis-export-{code}.zip",
                               mime="application/zip", key="dl-polis")
    else:
        with st.expander("Moderator: the full report, JSON and the Polis-format export"):
            with st.form("report-unlock"):
                secret = st.text_input("Moderator secret", type="password", key="report-secret")
                if st.form_submit_button("Unlock"):
                    with action("Unlocking"):
                        sign_in(cid, secret)
                        st.rerun()


def main() -> None:
    st.title("Report")
    c = consultation_from_query()
    if c is None:
        st.write("Enter the consultation's code to see its report.")
        return
    files = _report_files(c.id)
    if "md" not in files:
        st.info("No report yet: the report is written when the moderator closes voting on the published drafts.")
        return
    is_moderator = False
    if moderator_token(c.id):
        try:
            require_moderator(c.id)
            is_moderator = True
        except Exception:  # noqa: BLE001 - a stale secret: public view
            is_moderator = False
    md = files["md"].read_text(encoding="utf-8")
    if not is_moderator:
        md = public_markdown(md)
    rep = {}
    if "json" in files:
        try:
            rep = json.loads(files["json"].read_text(encoding="utf-8"))
        except ValueError:
            rep = {}
    _downloads(c.id, c.code, files, md, is_moderator)
    if rep:
        _plots(rep)
    st.divider()
    with st.container(border=True):
        st.markdown(safe_markdown(_demote(md)))
    if not is_moderator:
        st.caption("The moderation section of the report is shown to the moderator only.")


with action("Showing the report"):
    main()
