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

import pandas as pd
import streamlit as st

from deliberation.report import date_words, moderator_heading, to_html, to_markdown
from deliberation.wording import audience_name
from ui.charts import coverage_bars, votes_chart
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


def coverage_chart(rep: dict, w: Words):
    """Each audience's (opinion group's, topic's) share of the participants and of the drafts, from
    the report's coverage audit, named with its topic's label (ui.charts.coverage_bars); None without one."""
    groups = (rep.get("audit") or {}).get("groups") or []
    if not groups:
        return None
    topics = {str(t["id"]): t["label"] for t in rep.get("topics") or []}
    return coverage_bars(groups, [audience_name(g["key"], topics, lang=w.lang) for g in groups], w)


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
