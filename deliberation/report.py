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

import json
import os
from pathlib import Path
from typing import Any

from deliberation.analysis.pipeline import repness_by_direction
from deliberation.grounding import public_reason
from deliberation.models import Statement
from deliberation.text.languages import main_language, told_languages
from deliberation.report_text import (
    SECTION_KEYS,
    WJ,
    _md,
    date_words,
    earlier_line,
    grouping_words,
    moderator_heading,
    participation_line,
    section_of,
    to_markdown,
    vote_line,
    why_empty,
)
from deliberation.report_html import to_html
from deliberation.wording import TERMS, audience_name, ballot_name, draft_heading, draft_text, group_label
from deliberation.words import DEFAULT_LANGUAGE

#: the report's words (deliberation.report_text), importable from here as before
__all__ = ["WJ", "_md", "build_report", "date_words", "earlier_line", "grouping_words", "moderator_heading",
           "participation_line", "to_html", "to_markdown", "topic_names", "vote_line", "why_empty", "write_report"]


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


#: what the public report says instead of the model server's address (the run's log keeps it)
MODEL_SERVER = "the model server"


def without_server(text: str | None, base_url: str | None) -> str | None:
    """``text`` without the model server's address: the public report named it under each LLM draft
    ("Drafted by the llm:http://127.0.0.1:60335/v1/smollm2 drafter", deliberation.drafting.client's
    name of an LLM drafter served at an address) and in its method. The drafter keeps its model's
    name ("llm:smollm2"); any other mention of the address is :data:`MODEL_SERVER`."""
    base = (base_url or "").rstrip("/")
    if not base or not text:
        return text
    return text.replace(f"llm:{base}/", "llm:").replace(base, MODEL_SERVER)


def _method(state: dict[str, Any], analysis: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """How the report was made: the drafter, the seed, the grouping, the rules and thresholds."""
    stats = analysis.get("stats") or {}
    return {
        "drafter": options.get("drafter", "extractive"), "model": options.get("model"),
        "own_server": bool(options.get("base_url")), "seed": options.get("seed", 0),
        "grouping": analysis.get("grouping", {}),
        "embedding_model": (analysis.get("topics") or {}).get("embedding_model"),
        "consensus_rule": stats.get("consensus_rule", ""), "min_votes_rule": stats.get("min_votes_rule", ""),
        "thresholds": stats.get("config", {}),
        "audit_rounds": state.get("audit_rounds"), "revise_rounds": state.get("revise_rounds"),
    }


def _question_language(question: str, told: dict[str, str], kept: str | None = None) -> str:
    """The language the question is written in, as far as the report can tell without asking the language
    detector: as the store told it, else as it was told when the consultation was made (``kept``: its
    ``QUESTION_LANGUAGE_SETTING``; a bilingual room's English question went unmarked in its German report),
    else the one language all the room's told statements are in (a Chinese room's); "" in a room of several
    (a bilingual room's English question was marked as its German majority)."""
    languages = {code for code in told.values() if code}
    return told_languages([question])[0] or kept or (languages.pop() if len(languages) == 1 else "")


def build_report(state: dict[str, Any], statements: list[Statement],
                 counts: dict[str, int] | None = None, question_language: str | None = None) -> dict[str, Any]:
    """A JSON-ready report from the graph state. ``counts``: the store's counts
    (``Store.counts``) when the report is written; without them the analysis's figures are used.
    ``question_language``: the question's, as told when the consultation was made (its settings)."""
    texts = {s.external_id: s.text for s in statements}
    analysis = state.get("analysis") or {}
    tally = state.get("tally") or {}
    per_draft = {d["draft_id"]: d for d in tally.get("drafts", [])}
    # a ballot item that stands for several drafts with the same words (graphs' publish) is each one's
    published = {k: p for p in state.get("published") or [] for k in [p["key"], *(p.get("also") or [])]}
    versions = _ballot_versions(state.get("published") or [])
    options = state.get("options") or {}
    topic_labels = topic_names(analysis.get("topics"))
    shown = [s for s in statements if s.is_public and not s.is_draft]
    told = dict(zip([s.external_id for s in shown], told_languages([s.text for s in shown])))

    def draft_entry(d: dict) -> dict:
        pub = published.get(d["key"]) if d.get("status") == "published" else None
        same = [k for k in [pub["key"], *(pub.get("also") or [])] if k != d["key"]] if pub else []
        cited = sorted({c for s in d["sentences"] for c in s["citations"]}, key=_id_key)
        return {
            "key": d["key"], "kind": d["kind"], "section": section_of(d["key"]),
            "heading": draft_heading(d["key"], split=bool(d.get("split")), topics=topic_labels),
            "audience": d.get("audience", ""), "status": d.get("status"),
            "sentences": d["sentences"], "text": draft_text(d["sentences"]),
            "cited_statements": {c: texts.get(c, "") for c in cited},
            "drafter": without_server(d.get("drafter"), options.get("base_url")), "notes": d.get("notes", ""),
            "grounding": d.get("verdicts", []),
            "published_as": pub["statement_id"] if pub else None,
            # the ballot item as the tally names it (its published heading names every draft it stands for)
            "ballot_name": ballot_name(pub["heading"], pub["statement_id"]) if pub else None,
            "votes": _named_votes(per_draft.get(pub["statement_id"])) if pub else None,
            "same_ballot_item_as": [draft_heading(k, topics=topic_labels) for k in same], "same_ballot_item_keys": same,
            "earlier_versions": [{"published_as": e["statement_id"], "text": e.get("text", ""),
                                  "votes": _named_votes(per_draft.get(e["statement_id"]))} for e in versions.get(
                d["key"], []) if not pub or e["statement_id"] != pub["statement_id"]],
        }

    drafts = [draft_entry(d) for d in state.get("drafts") or [] if d.get("sentences")]
    shown = [d for d in drafts if d["status"] != "rejected"]
    groups = [_group_entry(analysis, g, texts) for g in analysis.get("group_summaries", [])]
    topics = [_topic_entry(t, texts) for t in (analysis.get("topics") or {}).get("topics", [])]
    audit = _public_audit(state.get("audit") or {})
    for g in audit.get("groups") or []:
        g.setdefault("name", audience_name(g["key"], topic_labels))
    return {
        "question": state.get("question", ""),
        "consultation_id": state.get("consultation_id"),
        # the language most statements participants see are written in, as the store told it ("": not told):
        # the HTML marks their words with it where the report's words are in another (a Chinese room's)
        "statements_language": main_language(list(told.values()), ""),
        # and each one's (only those told): a bilingual room's HTML marks each statement with its own
        "statement_languages": {sid: code for sid, code in told.items() if code},
        "question_language": _question_language(state.get("question", ""), told, question_language),
        "participation": _participation(analysis, counts, texts, statements),
        "method": _method(state, analysis, options),
        "moderation": _public_moderation(state.get("moderation") or {}),
        "topics": topics, "groups": groups,
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
        "held_candidates": (held := held_candidates(analysis.get("consensus") or [], statements)),
        "empty_sections": _why_empty(analysis, options, shown, [d for d in drafts if d["status"] == "rejected"], held),
        "notes": analysis.get("notes", []),
        "log": [without_server(line, options.get("base_url")) for line in state.get("log", [])],
    }


def _group_entry(analysis: dict[str, Any], g: dict[str, Any], texts: dict[str, str]) -> dict[str, Any]:
    """An opinion group's summary with its name and the texts of its representative statements and of
    those it agrees or disagrees with more than the rest."""
    by_direction = repness_by_direction(analysis, g["id"])
    return {**g, "name": group_label(g["id"]),
            "repness_texts": {sid: texts.get(sid, "") for sid in g.get("repness", [])},
            "agrees_more": {sid: texts.get(sid, "") for sid in by_direction["agree"]},
            "disagrees_more": {sid: texts.get(sid, "") for sid in by_direction["disagree"]}}


def _ballot_versions(published: list[dict]) -> dict[str, list[dict]]:
    """Every ballot item each draft key had, in the order they were published: a revision round's
    redraft follows the version it replaced (a merged item counts for each key it stands for)."""
    versions: dict[str, list[dict]] = {}
    for p in published:
        for k in [p["key"], *(p.get("also") or [])]:
            versions.setdefault(k, []).append(p)
    return versions


def held_candidates(consensus: list[str], statements: list[Statement]) -> list[dict]:
    """The consensus candidates set aside for the moderator (held as instruction-like text by intake,
    or moderated out): no common-ground item is drafted from them (facilitation draws only on public
    statements), and the report and the review page say so, with the reason by its kind only."""
    by_id = {s.external_id: s for s in statements}
    return [{"id": sid, "reason": public_reason(by_id[sid].moderation_reason)}
            for sid in consensus if sid in by_id and not by_id[sid].is_public and not by_id[sid].is_draft]


def _why_empty(analysis: dict, options: dict, shown: list[dict], rejected: list[dict],
               held: list[dict] = ()) -> dict[str, dict]:
    """For each report section without a draft, why (a reason id of ``empty.*`` in
    deliberation/messages, with its count; said in words by report_text.why_empty): a section is
    never left empty without a reason (the moderator rejected its drafts, no statement met its
    rule, or the run drafted none for it)."""
    out = {}
    for key in SECTION_KEYS:
        if any(d["section"] == key for d in shown):
            continue
        n_rejected = sum(d["section"] == key for d in rejected)
        if n_rejected:
            why = "rejected"
        elif key == "common_ground" and not analysis.get("consensus"):
            why = "no_consensus"
        elif key == "common_ground" and held and len(held) == len(analysis["consensus"]):
            why = "held"  # every candidate set aside: not "no statement was left"
        elif key == "common_ground" and options.get("consensus_slate_size") == 0:
            why = "no_slate"
        elif key == "groups" and not analysis.get("group_summaries"):
            why = "no_groups"
        elif key == "topics" and not ((analysis.get("topics") or {}).get("topics")):
            why = "no_topics"
        elif key == "topics" and options.get("topic_drafts") is False:
            why = "no_topic_drafts"
        else:
            why = "nothing_left"
        out[key] = {"reason": why, "n": len(held) if why == "held" else n_rejected}
    return out


def _participation(analysis: dict, counts: dict | None, texts: dict, statements: list[Statement]) -> dict:
    author_votes = int(analysis.get("n_author_votes") or 0)
    if counts is not None:
        # participants = who voted; registered = everyone who voted or wrote a statement, the
        # console's, the board's and the command line's "Participants" (Store.participant_count)
        return {"participants": counts.get("participants"), "registered": counts.get("registered"),
                "votes": counts.get("votes"),
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


def write_report(rep: dict[str, Any], folder: str | Path, lang: str | None = DEFAULT_LANGUAGE) -> dict[str, Path]:
    """The report's files, each written whole or not at all (a temporary file renamed over it): a
    run stopped or killed while writing them leaves the last report, never a truncated one."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"md": folder / "report.md", "json": folder / "report.json", "html": folder / "report.html"}
    texts = {"md": to_markdown(rep, lang), "json": json.dumps(rep, ensure_ascii=False, indent=1, default=str),
             "html": to_html(rep, lang)}
    for kind, path in paths.items():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(texts[kind], encoding="utf-8")
        os.replace(tmp, path)
    return paths
