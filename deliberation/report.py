"""The consultation report: Markdown, JSON and HTML from the facilitation graph's final state.

Every drafted sentence is printed with the ids of the statements it cites, and those statements'
texts follow, so a reader can check each claim. Statement text is data: in HTML it is escaped.
"""

from __future__ import annotations

import html
import json
import string
from pathlib import Path
from typing import Any

from deliberation.grounding import public_reason
from deliberation.models import Statement


def build_report(state: dict[str, Any], statements: list[Statement]) -> dict[str, Any]:
    """A JSON-ready report from the graph state."""
    texts = {s.external_id: s.text for s in statements}
    analysis = state.get("analysis") or {}
    drafts = state.get("drafts") or []
    tally = state.get("tally") or {}
    per_draft = {d["draft_id"]: d for d in tally.get("drafts", [])}
    published = {p["key"]: p for p in state.get("published") or []}
    options = state.get("options") or {}

    def draft_entry(d: dict) -> dict:
        pub = published.get(d["key"])
        votes = per_draft.get(pub["statement_id"]) if pub else None
        cited = sorted({c for s in d["sentences"] for c in s["citations"]}, key=_id_key)
        return {
            "key": d["key"], "kind": d["kind"], "audience": d.get("audience", ""), "status": d.get("status"),
            "sentences": d["sentences"], "text": " ".join(s["text"] for s in d["sentences"]),
            "cited_statements": {c: texts.get(c, "") for c in cited},
            "drafter": d.get("drafter"), "notes": d.get("notes", ""),
            "grounding": d.get("verdicts", []),
            "published_as": pub["statement_id"] if pub else None,
            "votes": votes,
        }

    groups = []
    for g in analysis.get("group_summaries", []):
        groups.append({**g, "repness_texts": {sid: texts.get(sid, "") for sid in g.get("repness", [])}})
    topics = []
    for t in (analysis.get("topics") or {}).get("topics", []):
        topics.append({"id": t["id"], "label": t["label"], "n_statements": t["n_statements"],
                       "n_voices": t["n_authors"], "weight": t["weight"],
                       "central": {sid: texts.get(sid, "") for sid in t.get("central_statement_ids", [])}})
    return {
        "question": state.get("question", ""),
        "consultation_id": state.get("consultation_id"),
        "participation": {"participants": analysis.get("n_participants"), "statements": analysis.get("n_statements"),
                          "votes": analysis.get("n_votes")},
        "method": {
            "drafter": options.get("drafter", "extractive"), "model": options.get("model"),
            "base_url": options.get("base_url"), "seed": options.get("seed", 0),
            "grouping": analysis.get("grouping", {}),
            "consensus_rule": (analysis.get("stats") or {}).get("consensus_rule", ""),
            "thresholds": (analysis.get("stats") or {}).get("config", {}),
            "audit_rounds": state.get("audit_rounds"), "revise_rounds": state.get("revise_rounds"),
        },
        "moderation": _public_moderation(state.get("moderation") or {}),
        "topics": topics,
        "groups": groups,
        "consensus": [draft_entry(d) for d in drafts if d["kind"] == "consensus" and d.get("sentences")],
        "minority": [draft_entry(d) for d in drafts if d["kind"] == "minority" and d.get("sentences")],
        "audit": _public_audit(state.get("audit") or {}),
        "reviews": state.get("reviews") or [],
        "tally": {k: tally.get(k) for k in ("ranking_gic", "ranking_schulze", "notes", "rejected_by") if k in tally},
        "notes": analysis.get("notes", []),
        "log": state.get("log", []),
    }


def _public_moderation(m: dict[str, Any]) -> dict[str, Any]:
    """The moderation summary with each reason cut to its kind (no quoted words of a statement)."""
    out = dict(m)
    for key in ("queue", "removed"):
        if key in out:
            out[key] = [{**item, "reason": public_reason(item.get("reason") or "")} for item in out[key] or []]
    return out


def _public_audit(audit: dict[str, Any]) -> dict[str, Any]:
    """The coverage audit without participant ids: a justified-representation violation is reported
    by its size, share and the candidate its group agrees on (a state checkpointed before the ids
    were left out of the audit may still carry them)."""
    v = audit.get("jr_violation")
    if not isinstance(v, dict):
        return audit
    ids = v.get("participant_ids")
    v = {k: x for k, x in v.items() if k != "participant_ids"}
    if ids is not None:
        v.setdefault("n_participants", len(ids))
    return {**audit, "jr_violation": v}


def _group_name(g) -> str:
    g = str(g)
    return "group " + g.split(":", 1)[1] if g.startswith("group:") else f"group {g}"


def _id_key(x: str):
    return (0, int(x), "") if str(x).isdigit() else (1, 0, str(x))


def to_markdown(rep: dict[str, Any]) -> str:
    md: list[str] = [f"# Consultation report: {_md(rep['question'])}", ""]
    p = rep["participation"]
    md += [f"{p['participants']} participants cast {p['votes']} votes on {p['statements']} statements.", ""]

    def drafts_section(title: str, items: list[dict]) -> None:
        md.extend([f"## {title}", ""])
        if not items:
            md.extend(["No draft in this section.", ""])
        for d in items:
            md.append(f"### {_md(d['audience'] or d['key'])} — {d['status']}")
            md.append("")
            for s in d["sentences"]:
                md.append(f"- {_md(s['text'])} \\[{_md(', '.join(s['citations']))}\\]")
            md.append("")
            md.append("Cited statements:")
            for sid, text in d["cited_statements"].items():
                md.append(f"  - \\[{_md(sid)}\\] {_md(text)}")
            v = d.get("votes")
            if v:
                groups = "; ".join(
                    f"{_group_name(g['group'])}: {g['agree']}/{g['n_votes']} agree" for g in v.get("groups", []))
                md.append(f"\nVotes on the published draft (statement {d['published_as']}): {v['agree']} agree, "
                          f"{v['disagree']} disagree, {v['passes']} pass; {groups}. Group-informed consensus "
                          f"{v['gic']:.3f}; Schulze rank {v['schulze_rank']}.")
            elif d.get("published_as"):
                md.append(f"\nPublished as statement {d['published_as']}; no votes on it yet.")
            md.append(f"\nDrafted by: {_md(d['drafter'])}. {_md(d['notes'])}".rstrip())
            md.append("")

    drafts_section("Consensus statements", rep["consensus"])
    drafts_section("Minority statements", rep["minority"])

    md += ["## Coverage audit", ""]
    for f in rep["audit"].get("findings", []):
        md.append(f"- {_md(f)}")
    if rep["audit"].get("groups"):
        md += ["", "| audience | participants | share | drafts | ratio | status |", "|---|---:|---:|---:|---:|---|"]
        for g in rep["audit"]["groups"]:
            ratio = "" if g.get("ratio") is None else f"{g['ratio']:.2f}"
            md.append(f"| {g['key']} | {g['n_participants']} | {g['share_participants']:.0%} | {g['n_drafts']} | "
                      f"{ratio} | {g['status']} |")
    md.append("")

    md += ["## Opinion groups", ""]
    if not rep["groups"]:
        md.append("No opinion groups were formed.")
    for g in rep["groups"]:
        md.append(f"- Group {g['id']}: {g['size']} participants ({g['share']:.0%}). Representative statements:")
        for sid, text in g["repness_texts"].items():
            md.append(f"  - \\[{_md(sid)}\\] {_md(text)}")
    stability = (rep["method"].get("grouping") or {}).get("stability")
    if rep["groups"] and stability:  # how sure the grouping is, in words
        md += ["", f"How sure: {_md(stability['text'][:1].upper() + stability['text'][1:])}."]
    md.append("")
    md += ["## Topics", ""]
    for t in rep["topics"]:
        md.append(f"- {_md(t['label'])}: {t['n_statements']} statements from {t['n_voices']} voices")
    if not rep["topics"]:
        md.append("No topics were computed.")
    md.append("")

    md += ["## Vote on the drafts", ""]
    t = rep["tally"]
    if t.get("ranking_gic"):
        md.append(f"- Ranked by group-informed consensus: {_md(', '.join(t['ranking_gic']))}")
        md.append(f"- Schulze tiers: {_md(' > '.join('=' .join(tier) for tier in t.get('ranking_schulze', [])))}")
    for n in t.get("notes") or []:
        md.append(f"- {_md(n)}")
    md.append("")

    m = rep["moderation"]
    md += ["## Moderation", "", _md(m.get("note", ""))]
    for item in m.get("removed", []):
        md.append(f"- Moderated out \\[{_md(item['id'])}\\]: {_md(public_reason(item['reason']))}")
    for item in m.get("queue", []):
        md.append(f"- Held for the moderator, not drafted from \\[{_md(item['id'])}\\]: {_md(public_reason(item['reason']))}")
    md.append("")

    meth = rep["method"]
    md += ["## How the drafts were made", "",
           f"- Drafter: {_md(meth['drafter'])}" + (f" (model {_md(meth['model'])}, "
                                                   f"{_md(meth['base_url'] or 'provider default')})"
                                               if meth.get("model") else ""),
           f"- Seed: {meth['seed']}",
           f"- Consensus rule: {_md(meth['consensus_rule'])}",
           f"- Opinion groups: {_md(json.dumps(meth['grouping'], default=str)[:400])}",
           f"- Review decisions: {len(rep['reviews'])}", ""]
    for n in rep["notes"]:
        md.append(f"- Note: {_md(n)}")
    return "\n".join(md) + "\n"


_PUNCT = frozenset(string.punctuation)


def _md(text: str) -> str:
    """Statement text as inert Markdown: whitespace collapsed and every ASCII punctuation mark
    backslash-escaped, so no HTML, link, autolink, entity, emphasis, list, LaTeX or directive
    (``:red[...]``, ``:material/...:``, emoji shortcodes) can form from participants' words."""
    text = " ".join(str(text).split())
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in text)


def to_html(rep: dict[str, Any]) -> str:
    parts = [f"<!doctype html><meta charset='utf-8'><title>{html.escape(rep['question'])}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:auto}li{margin:.2em 0}"
             ".cite{color:#555;font-size:.9em}</style>",
             f"<h1>{html.escape(rep['question'])}</h1>"]
    for title, items in (("Consensus statements", rep["consensus"]), ("Minority statements", rep["minority"])):
        parts.append(f"<h2>{title}</h2>")
        for d in items:
            parts.append(f"<h3>{html.escape(d['audience'] or d['key'])}</h3><ul>")
            for s in d["sentences"]:
                parts.append(f"<li>{html.escape(s['text'])} <span class='cite'>[{html.escape(', '.join(s['citations']))}]</span></li>")
            parts.append("</ul><ul class='cite'>")
            for sid, text in d["cited_statements"].items():
                parts.append(f"<li>[{html.escape(sid)}] {html.escape(text)}</li>")
            parts.append("</ul>")
    parts.append("<h2>Coverage audit</h2><ul>")
    parts += [f"<li>{html.escape(f)}</li>" for f in rep["audit"].get("findings", [])]
    parts.append("</ul>")
    return "\n".join(parts)


def write_report(rep: dict[str, Any], folder: str | Path) -> dict[str, Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"md": folder / "report.md", "json": folder / "report.json", "html": folder / "report.html"}
    paths["md"].write_text(to_markdown(rep), encoding="utf-8")
    paths["json"].write_text(json.dumps(rep, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    paths["html"].write_text(to_html(rep), encoding="utf-8")
    return paths
