"""The consultation report: Markdown, JSON and HTML from the facilitation graph's final state.

What it says is what happened: the counts are the database's when the report is written; every
published draft carries its vote, overall and per opinion group; drafts the moderator rejected are
not presented as results (they are listed, marked, in the moderator-only section and the JSON);
every drafted sentence comes with the ids of the statements it cites, and those statements' texts
follow, so a reader can check each claim. Audiences and terms are named in plain words
(:mod:`deliberation.wording`). Statement text is data: in Markdown only the characters that could
form markup are escaped (:func:`_md`), in HTML everything is escaped.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

from deliberation.analysis.pipeline import repness_by_direction
from deliberation.grounding import public_reason
from deliberation.models import Statement
from deliberation.wording import (
    TERMS,
    Audience,
    audience_name,
    ballot_name,
    draft_heading,
    draft_text,
    first_upper,
    group_label,
    inflect,
    of_grouped,
    plural,
    sentence_text,
    topic_sources,
)

#: report sections, in order: (section key, title, what it holds, in one sentence)
SECTIONS = [
    ("common_ground", "Common ground", "Statements that more than half of those who voted on them in every opinion "
                                       "group agree with; each was put to the vote as a separate item."),
    ("groups", "What each group asks for", "For each opinion group, statements most of its members who voted on "
                                           "them agree with, first those it agrees with more than the other "
                                           "participants do."),
    ("topics", "Topics", "For each topic, what participants said; where the groups' votes split, each position "
                         "is shown with who holds it."),
]


def _section(key: str) -> str:
    audience = Audience.parse(key)
    return "common_ground" if audience.is_everyone else ("groups" if audience.is_group else "topics")


def topic_names(topics: dict | None) -> dict[str, str]:
    """Topic id (as text) -> label, from an analysis's topics (JSON): how the report names a topic
    (wording.draft_heading's ``topics``)."""
    return {str(t["id"]): t["label"] for t in (topics or {}).get("topics", [])}


def _topic_entry(t: dict, texts: dict[str, str]) -> dict:
    """A topic as the report shows it: its counts of statements and voices, of those without an
    author and, of these, the moderator's seeds (an analysis stored before origins lacks the last:
    0), and its central statements' texts."""
    return {"id": t["id"], "label": t["label"], "n_statements": t["n_statements"], "n_voices": t["n_authors"],
            "n_seed": t.get("n_seed", 0), "n_moderator_seeds": t.get("n_moderator_seeds", 0), "weight": t["weight"],
            "central": {sid: texts.get(sid, "") for sid in t.get("central_statement_ids", [])}}


def build_report(state: dict[str, Any], statements: list[Statement],
                 counts: dict[str, int] | None = None) -> dict[str, Any]:
    """A JSON-ready report from the graph state. ``counts``: the store's counts
    (``Store.counts``) when the report is written; without them the analysis's figures are used."""
    texts = {s.external_id: s.text for s in statements}
    analysis = state.get("analysis") or {}
    tally = state.get("tally") or {}
    per_draft = {d["draft_id"]: d for d in tally.get("drafts", [])}
    # a ballot item that stands for several drafts with the same words (graphs' publish) is each one's
    published = {k: p for p in state.get("published") or [] for k in [p["key"], *(p.get("also") or [])]}
    versions = _ballot_versions(state.get("published") or [])
    options = state.get("options") or {}
    topic_labels = topic_names(analysis.get("topics"))

    def draft_entry(d: dict) -> dict:
        pub = published.get(d["key"]) if d.get("status") == "published" else None
        cited = sorted({c for s in d["sentences"] for c in s["citations"]}, key=_id_key)
        return {
            "key": d["key"], "kind": d["kind"], "section": _section(d["key"]),
            "heading": draft_heading(d["key"], split=bool(d.get("split")), topics=topic_labels),
            "audience": d.get("audience", ""), "status": d.get("status"),
            "sentences": d["sentences"], "text": draft_text(d["sentences"]),
            "cited_statements": {c: texts.get(c, "") for c in cited},
            "drafter": d.get("drafter"), "notes": d.get("notes", ""),
            "grounding": d.get("verdicts", []),
            "published_as": pub["statement_id"] if pub else None,
            # the ballot item as the tally names it (its published heading names every draft it stands for)
            "ballot_name": ballot_name(pub["heading"], pub["statement_id"]) if pub else None,
            "votes": _named_votes(per_draft.get(pub["statement_id"])) if pub else None,
            "same_ballot_item_as": [draft_heading(k, topics=topic_labels) for k in [pub["key"], *(pub.get("also") or [])]
                                    if k != d["key"]] if pub else [],
            "earlier_versions": [{"published_as": e["statement_id"], "text": e.get("text", ""),
                                  "votes": _named_votes(per_draft.get(e["statement_id"]))} for e in versions.get(
                d["key"], []) if not pub or e["statement_id"] != pub["statement_id"]],
        }

    drafts = [draft_entry(d) for d in state.get("drafts") or [] if d.get("sentences")]
    shown = [d for d in drafts if d["status"] != "rejected"]
    groups = []
    for g in analysis.get("group_summaries", []):
        by_direction = repness_by_direction(analysis, g["id"])
        groups.append({**g, "name": group_label(g["id"]),
                       "repness_texts": {sid: texts.get(sid, "") for sid in g.get("repness", [])},
                       "agrees_more": {sid: texts.get(sid, "") for sid in by_direction["agree"]},
                       "disagrees_more": {sid: texts.get(sid, "") for sid in by_direction["disagree"]}})
    topics = [_topic_entry(t, texts) for t in (analysis.get("topics") or {}).get("topics", [])]
    audit = _public_audit(state.get("audit") or {})
    for g in audit.get("groups") or []:
        g.setdefault("name", audience_name(g["key"], topic_labels))
    return {
        "question": state.get("question", ""),
        "consultation_id": state.get("consultation_id"),
        "participation": _participation(analysis, counts, texts, statements),
        "method": {
            "drafter": options.get("drafter", "extractive"), "model": options.get("model"),
            "base_url": options.get("base_url"), "seed": options.get("seed", 0),
            "grouping": analysis.get("grouping", {}),
            "embedding_model": (analysis.get("topics") or {}).get("embedding_model"),
            "consensus_rule": (analysis.get("stats") or {}).get("consensus_rule", ""),
            "min_votes_rule": (analysis.get("stats") or {}).get("min_votes_rule", ""),
            "thresholds": (analysis.get("stats") or {}).get("config", {}),
            "audit_rounds": state.get("audit_rounds"), "revise_rounds": state.get("revise_rounds"),
        },
        "moderation": _public_moderation(state.get("moderation") or {}),
        "topics": topics,
        "groups": groups,
        "consensus": [d for d in shown if d["kind"] == "consensus"],
        "minority": [d for d in shown if d["kind"] == "minority"],
        "rejected": [d for d in drafts if d["status"] == "rejected"],
        "audit": audit,
        "reviews": state.get("reviews") or [],
        "tally": {k: tally.get(k) for k in ("ranking_gic", "ranking_schulze", "notes", "rejected_by", "revised_vote") if k in tally},
        "terms": TERMS,
        # the participants the opinion groups' shares are of, and everyone the analysis counted
        "grouped": {"in_groups": sum(g.get("size", 0) for g in analysis.get("group_summaries", [])),
                    "analysed": analysis.get("n_participants")},
        "empty_sections": _why_empty(analysis, options, shown, [d for d in drafts if d["status"] == "rejected"]),
        "notes": analysis.get("notes", []),
        "log": state.get("log", []),
    }


def _ballot_versions(published: list[dict]) -> dict[str, list[dict]]:
    """Every ballot item each draft key had, in the order they were published: a revision round's
    redraft follows the version it replaced (a merged item counts for each key it stands for)."""
    versions: dict[str, list[dict]] = {}
    for p in published:
        for k in [p["key"], *(p.get("also") or [])]:
            versions.setdefault(k, []).append(p)
    return versions


def _why_empty(analysis: dict, options: dict, shown: list[dict], rejected: list[dict]) -> dict[str, str]:
    """For each report section without a draft, why, in one sentence: a section is never left
    empty without a reason (the moderator rejected its drafts, no statement met its rule, or the
    run drafted none for it)."""
    out = {}
    for key, _title, _what in SECTIONS:
        if any(d["section"] == key for d in shown):
            continue
        n_rejected = sum(d["section"] == key for d in rejected)
        if n_rejected:
            why = f"the moderator rejected the {n_rejected} draft{'s' if n_rejected > 1 else ''} made for it"
        elif key == "common_ground" and not analysis.get("consensus"):
            why = ("no statement met the consensus rule (more than half of every opinion group agrees, with "
                   "enough votes; see the rule and the notes under \"How the drafts were made\")")
        elif key == "common_ground" and options.get("consensus_slate_size") == 0:
            why = "this run put no common-ground item on the ballot (consensus_slate_size = 0)"
        elif key == "groups" and not analysis.get("group_summaries"):
            why = "no opinion groups were formed"
        elif key == "topics" and not ((analysis.get("topics") or {}).get("topics")):
            why = "no topics were computed"
        elif key == "topics" and options.get("topic_drafts") is False:
            why = "this run drafted no topic statements (topic drafts were switched off)"
        else:
            why = "no statement was left to draft from"
        out[key] = f"No draft in this section: {why}."
    return out


def _participation(analysis: dict, counts: dict | None, texts: dict, statements: list[Statement]) -> dict:
    author_votes = int(analysis.get("n_author_votes") or 0)
    if counts is not None:
        return {"participants": counts.get("participants"), "votes": counts.get("votes"),
                # as the board counts them: the statements participants could see
                "statements": sum(s.is_public for s in statements),
                # the votes on the drafts put to the vote, counted in "votes" too
                "draft_votes": counts.get("draft_votes") or 0, "drafts": sum(s.is_draft for s in statements),
                # and the votes on statements moderation held or rejected, counted in "votes" too
                "held_votes": counts.get("held_votes") or 0,
                "moderated_out": sum(not s.is_draft and not s.is_public for s in statements),
                "author_votes": author_votes,
                "source": "database"}
    return {"participants": analysis.get("n_participants"), "statements": analysis.get("n_statements"),
            "votes": (analysis.get("n_votes") or 0) - author_votes if analysis.get("n_votes") is not None else None,
            "author_votes": author_votes, "source": "analysis"}


def _named_votes(votes: dict | None) -> dict | None:
    """A draft's tally with each group's name ("group A") beside its key."""
    if not votes:
        return votes
    return {**votes, "groups": [{**g, "name": audience_name(g["group"])} for g in votes.get("groups", [])]}


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
    audit = {**audit, "groups": [dict(g) for g in audit.get("groups") or []]}
    v = audit.get("jr_violation")
    if not isinstance(v, dict):
        return audit
    ids = v.get("participant_ids")
    v = {k: x for k, x in v.items() if k != "participant_ids"}
    if ids is not None:
        v.setdefault("n_participants", len(ids))
    return {**audit, "jr_violation": v}


def _id_key(x: str):
    return (0, int(x), "") if str(x).isdigit() else (1, 0, str(x))


def vote_line(v: dict | None, published_as: str | None, same_as: list[str] | tuple = ()) -> str:
    """A published draft's vote in words, overall and per group; ``same_as``: the headings of the
    drafts with the same words that went to the vote as this same ballot item."""
    if not published_as:
        return ""
    if same_as:
        both = " and ".join(f"“{h}”" for h in same_as)
        return (f"Put to the vote as one ballot item with {both}, which {inflect(len(same_as), 'has', 'have')} "
                f"the same words. " + vote_line(v, published_as))
    if not v or not v.get("n_votes"):
        return f"Put to the vote as statement {published_as}; nobody voted on it."
    return f"Vote (statement {published_as}): {_vote_words(v)}"


def _vote_words(v: dict) -> str:
    """A ballot item's votes in words, overall and per group ("3 agree, 1 disagree, 2 pass. By group: …")."""
    per_group = "; ".join(f"{g.get('name') or audience_name(g['group'])}: {g['agree']} agree, {g['disagree']} "
                          f"disagree, {g['passes']} pass" for g in v.get("groups", []))
    rest = v["n_votes"] - sum(g["n_votes"] for g in v.get("groups", []))
    if rest:
        per_group += f"{'; ' if per_group else ''}not in a group: {plural(rest, 'vote')}"
    return f"{v['agree']} agree, {v['disagree']} disagree, {v['passes']} pass" + (
        f". By group: {per_group}." if per_group else ".")


def earlier_line(e: dict) -> str:
    """A version of a draft that went to the vote before a revision round replaced it, with its vote."""
    v = e.get("votes")
    head = f"Revised after the vote: an earlier version, “{e.get('text', '')}”, was put to the vote as statement {e['published_as']}"
    return f"{head}: {_vote_words(v)}" if v and v.get("n_votes") else f"{head}; nobody voted on it."


def participation_line(p: dict) -> str:
    """Who cast how many votes on what: the votes on the statements shown, on the drafts put to the
    vote and on statements moderation held or rejected, each counted apart (Seattle $15 said "2872
    votes on 31 statements" of which 23 were on the 23 statements moderated out)."""
    drafts, held = p.get("draft_votes") or 0, p.get("held_votes") or 0
    if not p.get("votes"):  # a room without a vote read "0 participants cast 0 votes on 8 statements"
        return (f"Nobody has voted yet: there are no votes on the {plural(p['statements'], 'statement')}, so there "
                "are no opinion groups, no common ground and no vote on any draft.")
    parts = [f"{(p['votes'] or 0) - drafts - held} on {plural(p['statements'], 'statement')}"]
    if drafts:
        parts.append(f"{drafts} on the {plural(p.get('drafts') or 0, 'draft')} put to the vote")
    if held:
        parts.append(f"{held} on the {plural(p.get('moderated_out') or 0, 'statement')} held or rejected by moderation")
    line = f"{plural(p['participants'], 'participant')} cast {plural(p['votes'], 'vote')}"
    line += f": {', '.join(parts[:-1])} and {parts[-1]}" if len(parts) > 1 else f" on {plural(p['statements'], 'statement')}"
    if p.get("moderated_out") and not held:  # "(1 more were held …)" after the drafts read as one more draft
        n = p["moderated_out"]
        line += f" ({n} more {inflect(n, 'statement was', 'statements were')} held or rejected by moderation)"
    if p.get("author_votes"):
        line += (f"; besides, {plural(p['author_votes'], 'statement')} {inflect(p['author_votes'], 'counts', 'count')} "
                 "as their author's agree vote in the analysis, "
                 "as in Polis")
    return line + "."


def to_markdown(rep: dict[str, Any]) -> str:
    md: list[str] = ["# Consultation report", "", f"**Question:** {_md(rep['question'])}", "",
                     _md(participation_line(rep["participation"])), ""]
    for key, title, what in SECTIONS:
        items = [d for d in rep["consensus"] + rep["minority"] if d.get("section", _section(d["key"])) == key]
        md += [f"## {title}", "", what, ""]
        if not items:
            md += [_md(rep.get("empty_sections", {}).get(key, "No draft in this section.")), ""]
        for d in items:
            md += _md_draft(d)
    md += _md_ranking(rep)
    md += _md_audit(rep)
    md += ["## Opinion groups", ""]
    if not rep["groups"]:
        md.append("No opinion groups were formed.")
    md += _md_grouped(rep)
    for g in rep["groups"]:
        md.append(f"- {first_upper(g.get('name') or group_label(g['id']))}: {plural(g['size'], 'participant')} "
                  f"({g['share']:.0%}{_of_grouped(rep)}).")
        for verb, key in (("agree", "agrees_more"), ("disagree", "disagrees_more")):
            if g.get(key):
                who = f"its one member {verb}s" if g.get("size") == 1 else f"its members {verb}"
                # each side its own item with its statements nested under it: a line "  Statements …"
                # after the agree list continued the last statement's paragraph in CommonMark (lazy
                # continuation), so the page showed "…feel safe. Statements its members disagree …"
                md.append(f"  - Statements {who} with more than others do:")
                md += [f"    - Statement {_md(sid)}: {_md(text)}" for sid, text in g[key].items()]
    stability = (rep["method"].get("grouping") or {}).get("stability")
    if rep["groups"] and stability:  # how sure the grouping is, in words
        md += ["", f"How sure: {_md(stability['text'][:1].upper() + stability['text'][1:])}."]
    md += ["", "## Topic list", ""]
    for t in rep["topics"]:
        md.append(f"- {_md(t['label'])}: {topic_sources(t['n_statements'], t['n_voices'], t.get('n_seed', 0), t.get('n_moderator_seeds', 0))}")
    if not rep["topics"]:
        md.append("No topics were computed.")
    md.append("")
    md += _md_moderation(rep)
    md += _md_method(rep)
    return "\n".join(md) + "\n"


def _of_grouped(rep: dict) -> str:
    grouped = rep.get("grouped") or {}
    return of_grouped(grouped.get("in_groups") or 0, grouped.get("analysed"))


def _md_grouped(rep: dict) -> list[str]:
    """Who is in an opinion group, when not everyone is."""
    grouped = rep.get("grouped") or {}
    n, everyone = grouped.get("in_groups"), grouped.get("analysed")
    if not (rep["groups"] and n and everyone and n < everyone):
        return []
    return [f"{n} of the {everyone} participants at the analysis are in an opinion group; the other {everyone - n} "
            "were not placed in one (see the notes under \"How the drafts were made\"), and the shares below "
            f"are of the {n}.", ""]


def _md_draft(d: dict) -> list[str]:
    out = [f"### {_md(d.get('heading') or draft_heading(d['key']))}", ""]
    for s in d["sentences"]:
        out.append(f"- {_md(sentence_text(s))} (cites {_md(', '.join(s['citations']))})")
    out += ["", "Cited statements:"]
    for sid, text in d["cited_statements"].items():
        out.append(f"- Statement {_md(sid)}: {_md(text)}")
    line = vote_line(d.get("votes"), d.get("published_as"), d.get("same_ballot_item_as") or ())
    if line:
        out += ["", _md(line)]
    for e in d.get("earlier_versions") or []:
        out += ["", _md(earlier_line(e))]
    out += ["", f"Drafted by the {_md(d['drafter'])} drafter. {_md(d.get('notes') or '')}".rstrip(), ""]
    return out


def _md_ranking(rep: dict) -> list[str]:
    t = rep["tally"]
    out = ["## How the drafts ranked", ""]
    if t.get("ranking_gic"):
        # each ballot item by its heading as well as its number ("8, 9, 10" named no draft a reader could
        # find), as the tally's notes name it
        name = {d["published_as"]: d.get("ballot_name") or ballot_name(d.get('heading') or draft_heading(d['key']),
                                                                       d["published_as"])
                for d in rep["consensus"] + rep["minority"] if d.get("published_as")}
        # a version a revision replaced, ranked when the revision round put nothing to the vote
        for d in rep["consensus"] + rep["minority"] + (rep.get("rejected") or []):
            for e in d.get("earlier_versions") or []:
                name.setdefault(e["published_as"], ballot_name(d.get("heading") or draft_heading(d["key"]),
                                                               e["published_as"]))
        gic = "; ".join(name.get(sid, sid) for sid in t["ranking_gic"])
        schulze = " > ".join(" = ".join(name.get(sid, sid) for sid in tier) for tier in t.get("ranking_schulze", []))
        out += [f"- By agreement across groups: {_md(gic)}. {TERMS['gic']}",
                f"- By preference order: {_md(schulze)}. {TERMS['schulze']}"]
        if (rep.get("method") or {}).get("revise_rounds") and t.get("revised_vote", True):
            out.append("- Ranked: the ballot items of the last vote, after the revision round; the earlier "
                       "vote's counts are given under each draft above.")
    else:
        out.append("No draft was put to the vote.")
    for n in t.get("notes") or []:
        out.append(f"- {_md(n)}")
    return out + [""]


def _md_audit(rep: dict) -> list[str]:
    a = rep["audit"]
    out = ["## Coverage audit", ""]
    if a.get("verdict"):
        out += [_md(a["verdict"]), ""]
    out += [f"- {_md(f)}" for f in a.get("findings", [])]
    out += ["", f"{TERMS['jr']} {TERMS['ejr']}"]
    if a.get("groups"):
        out += ["", "| audience | participants | share | drafts | status |", "|---|---:|---:|---:|---|"]
        for g in a["groups"]:
            out.append(f"| {_md(g.get('name') or audience_name(g['key']))} | {g['n_participants']} | "
                       f"{g['share_participants']:.0%} | {g['n_drafts']} | {g['status']} |")
    return out + [""]


def _md_moderation(rep: dict) -> list[str]:
    m = rep["moderation"]
    out = ["## Moderation", "", _md(m.get("note", ""))]
    for item in m.get("removed", []):
        out.append(f"- Moderated out, statement {_md(item['id'])}: {_md(public_reason(item['reason']))}")
    for item in m.get("queue", []):
        out.append(f"- Held for the moderator, not drafted from, statement {_md(item['id'])}: "
                   f"{_md(public_reason(item['reason']))}")
    if rep.get("rejected"):
        out += ["", "Drafts the moderator rejected (not put to the vote):"]
        reasons = {r["key"]: r.get("reason") for r in rep.get("reviews") or [] if r.get("decision") == "reject"}
        for d in rep["rejected"]:
            why = reasons.get(d["key"])
            out.append(f"- REJECTED: {_md(d.get('heading') or d['key'])}: {_md(d['text'])}"
                       + (f" (reason: {_md(why)})" if why else ""))
            # a revision the moderator rejected: the version voted on before it keeps its vote here
            out += [f"  - {_md(earlier_line(x))}" for x in d.get("earlier_versions") or []]
    return out + [""]


def grouping_words(grouping: dict) -> str:
    """How the opinion groups were formed, in a sentence (the report printed the grouping's JSON,
    cut at 400 characters mid-string; the JSON report keeps all of it)."""
    if not grouping or not grouping.get("k"):
        return "none were formed."
    sizes = [str(n) for n in grouping.get("sizes") or []]
    # "(2, 1 participants)" read "1 participants": the sizes as a list of numbers
    of = f"{', '.join(sizes[:-1])} and {sizes[-1]}" if len(sizes) > 1 else "".join(sizes)
    line = (f"{plural(grouping['k'], 'group')}" + (f" (sizes {of})" if sizes else "")
            + (f" among the {plural(grouping['n_clustered'], 'participant')} placed on the map by their votes"
               if grouping.get("n_clustered") is not None else "")
            + f", by the {grouping.get('mode', 'polis')} method")
    return line + "".join(f"; {n}" for n in grouping.get("notes") or []) + "."


def _md_method(rep: dict) -> list[str]:
    meth = rep["method"]
    out = ["## How the drafts were made", "",
           f"- Drafter: {_md(meth['drafter'])}" + (f" (model {_md(meth['model'])}, "
                                                   f"{_md(meth['base_url'] or 'provider default')})"
                                                   if meth.get("model") else ""),
           f"- Seed: {meth['seed']}",
           f"- Consensus rule: {_md(meth['consensus_rule'])}"]
    if meth.get("min_votes_rule"):
        out.append(f"- Minimum votes: {_md(meth['min_votes_rule'])}")
    if meth.get("embedding_model"):
        out.append(f"- Topics found with the embedding model {_md(meth['embedding_model'])}")
    out += [f"- Opinion groups: {_md(grouping_words(meth['grouping']))}",
            f"- Review decisions: {len(rep['reviews'])}", ""]
    out += [f"- Note: {_md(n)}" for n in rep["notes"]]
    return out


#: an invisible word joiner: breaks GFM autolink literals (they are found in the parsed text, so a
#: backslash escape cannot stop them)
WJ = "\u2060"
_AUTOLINK = re.compile(r"(?i)(https?|ftp|www|mailto)(?=[:.])|(@)")
#: characters that can form Markdown (CommonMark + GFM) or Streamlit markup anywhere in a line
_ALWAYS = set("\\`*_[]<$~|")
_LINE_START = re.compile(r"^([#>+=-]|\d+[.)])")
#: the "/" of an (escaped) ``:name/`` Streamlit directive such as ``:material/warning:``
_DIRECTIVE_SLASH = re.compile(r"(\\:[A-Za-z_]+)/")


def _md(text: Any) -> str:
    """Text as inert Markdown that still reads cleanly: whitespace collapsed; the characters that can
    form emphasis, code, links, images, HTML, tables, strikethrough or LaTeX escaped (``\\ ` * _ [ ]
    < $ ~ |``), ``&`` before a possible entity, ``:`` before a possible Streamlit directive or emoji
    shortcode, a block marker at the start; GFM autolinks (``http://``, ``www.``, ``a@b``) broken by
    an invisible word joiner. Ordinary punctuation (. , ; ' " ? ! ( ) - / %) stays as it is."""
    text = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + WJ, " ".join(str(text).split()))
    out = []
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in _ALWAYS or (ch == "&" and (nxt.isalnum() or nxt == "#")) or \
                (ch == ":" and ((nxt.isascii() and nxt.isalpha()) or nxt in "_+-/")):
            out.append("\\" + ch)
        else:
            out.append(ch)
    # Streamlit's icon directive (":material/name:") is found in the raw text, escaped colon or not:
    # a backslash before its "/" breaks it
    text = _DIRECTIVE_SLASH.sub(r"\1\\/", "".join(out))
    return _LINE_START.sub(lambda m: "\\" + m.group(1), text)


def to_html(rep: dict[str, Any]) -> str:
    e = html.escape
    parts = [f"<!doctype html><meta charset='utf-8'><title>{e(rep['question'])}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:auto;line-height:1.4}li{margin:.2em 0}"
             ".cite{color:#555;font-size:.9em}.vote{background:#f3f6f9;padding:.3em .6em}</style>",
             "<h1>Consultation report</h1>", f"<p><b>Question:</b> {e(rep['question'])}</p>"]
    if rep.get("participation"):
        parts.append(f"<p>{e(participation_line(rep['participation']))}</p>")
    items = rep.get("consensus", []) + rep.get("minority", [])
    for key, title, what in SECTIONS:
        mine = [d for d in items if d.get("section", _section(d["key"])) == key]
        parts += [f"<h2>{e(title)}</h2>", f"<p>{e(what)}</p>"] + ([] if mine else [f"<p>{e(rep.get('empty_sections', {}).get(key, 'No draft in this section.'))}</p>"])
        for d in mine:
            parts.append(f"<h3>{e(d.get('heading') or draft_heading(d['key']))}</h3><ul>")
            for s in d["sentences"]:
                parts.append(f"<li>{e(sentence_text(s))} <span class='cite'>(cites "
                             f"{e(', '.join(s['citations']))})</span></li>")
            parts.append("</ul><ul class='cite'>")
            for sid, text in d["cited_statements"].items():
                parts.append(f"<li>Statement {e(sid)}: {e(text)}</li>")
            parts.append("</ul>")
            line = vote_line(d.get("votes"), d.get("published_as"), d.get("same_ballot_item_as") or ())
            if line:
                parts.append(f"<p class='vote'>{e(line)}</p>")
            parts += [f"<p class='vote'>{e(earlier_line(x))}</p>" for x in d.get("earlier_versions") or []]
        # a revision the moderator rejected is not shown, but the version voted on before it was
        for d in rep.get("rejected") or []:
            if d.get("earlier_versions") and d.get("section", _section(d["key"])) == key:
                parts.append(f"<h3>{e(d.get('heading') or d['key'])} (its revision was rejected by the moderator)</h3>")
                parts += [f"<p class='vote'>{e(earlier_line(x))}</p>" for x in d["earlier_versions"]]
    audit = rep.get("audit") or {}
    parts.append("<h2>Coverage audit</h2>")
    if audit.get("verdict"):
        parts.append(f"<p>{e(audit['verdict'])}</p>")
    parts.append("<ul>" + "".join(f"<li>{e(f)}</li>" for f in audit.get("findings", [])) + "</ul>")
    parts.append(f"<p class='cite'>{e(TERMS['jr'])} {e(TERMS['ejr'])}</p>")
    return "\n".join(parts)


def write_report(rep: dict[str, Any], folder: str | Path) -> dict[str, Path]:
    """The report's files, each written whole or not at all (a temporary file renamed over it): a
    run stopped or killed while writing them leaves the last report, never a truncated one."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"md": folder / "report.md", "json": folder / "report.json", "html": folder / "report.html"}
    texts = {"md": to_markdown(rep), "json": json.dumps(rep, ensure_ascii=False, indent=1, default=str),
             "html": to_html(rep)}
    for kind, path in paths.items():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(texts[kind], encoding="utf-8")
        os.replace(tmp, path)
    return paths
