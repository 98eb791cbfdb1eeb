"""The report in words: Markdown from the report's JSON (deliberation.report.build_report; its HTML:
deliberation.report_html),
in a language passed down as ``lang`` ("en", "de", "fr", "es", "zh"; deliberation/messages/<lang>.toml,
through deliberation.words). The report's own words are said in that language: headings, section
texts, vote words, why a section is empty, counts in their singular or plural, audiences
(deliberation.wording with ``lang``), and the sentences the report takes from the analysis, the
coverage audit and the tally, stored in English (:func:`said_in`, deliberation.words.retell).
Participants' statements and the drafts made of them are never translated.

Statement text is data: in Markdown only the characters that could form markup are escaped
(:func:`_md`), in HTML everything is escaped.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Callable

from deliberation.grounding import WITHHELD, public_reason
from deliberation.wording import (
    Audience,
    audience_name,
    ballot_name,
    ballot_text_in,
    draft_heading,
    draft_name,
    first_upper,
    group_label,
    heading_in,
    sentence_text,
    topic_label,
    topic_sources,
)
from deliberation.words import (
    DEFAULT_LANGUAGE, LANGUAGE_NAMES, SAID, Texts, load, name_keys, notes_in, number_in, retell, retell_list,
)

#: the report's sections of drafts, in order (their titles and what each holds: ``section.<key>``
#: and ``section.<key>_what`` in the message files)
SECTION_KEYS = ("common_ground", "groups", "topics")


def section_of(key: str) -> str:
    """The report section of a draft key: everyone's, an opinion group's or a topic's."""
    audience = Audience.parse(key)
    return "common_ground" if audience.is_everyone else ("groups" if audience.is_group else "topics")


def report_words(lang: str | None = DEFAULT_LANGUAGE) -> Texts:
    """The report's texts in ``lang`` (English for a language it is not written in)."""
    return Texts(lang)


def drafter_words(drafter: str | None, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """Who wrote a draft, in words of ``lang``: "the extractive drafter, which quotes participants'
    own statements", "the language model llama3" (a Spanish review card read "Redactado por
    extractive", the drafter's internal name); a name it does not know, as written."""
    w, name = report_words(lang), drafter or ""
    kind, _, model = name.partition(":")
    if kind == "extractive" and not model:
        return w("names.drafter.extractive")
    if kind == "llm":
        return w("names.drafter.llm", model=model) if model else w("names.drafter.llm_unnamed")
    return name


def date_words(day: dt.date, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """A date as the language writes it: "6 December 2026", "6. Dezember 2026", "6 de diciembre de 2026"."""
    w = report_words(lang)
    return w("report.date", day=day.day, month=w("report.months").split()[day.month - 1], year=day.year)


def said_in(rep: dict, w: Texts):
    """How the report says one of deliberation's English sentences (its analysis's, audit's and
    tally's notes) in ``w``'s language: read back and written again, the drafts put to the vote,
    the opinion groups and the topics named as the report names them in that language; a run's log
    line's draft keys ("publish all:1 as statement 25") by the drafts' headings (:func:`key_names`),
    in English too."""
    drafts = rep.get("consensus", []) + rep.get("minority", []) + (rep.get("rejected") or [])
    by_key = key_names(drafts, w)
    if w.lang == DEFAULT_LANGUAGE:
        return lambda text: name_keys(text, by_key)
    topics = {str(t["id"]): t["label"] for t in rep.get("topics") or []}
    names: dict[str, str] = {}
    for d in drafts:
        heading = d.get("heading") or draft_heading(d["key"])
        names[heading] = draft_title(d, w.lang)
        # the audit names a draft by its topic's number only ("What people said about topic 2", "Where
        # opinions split on topic 2"): a rejected split draft stayed English in a Spanish report
        for split in (False, True):
            names.setdefault(draft_heading(d["key"], split=split), names[heading])
        if d.get("published_as"):
            names[d.get("ballot_name") or ballot_name(heading, d["published_as"])] = \
                ballot_name(draft_title(d, w.lang), d["published_as"], w.lang)
    keys = [f"group:{g['id']}" for g in rep.get("groups") or []] + [f"topic:{t}" for t in topics]
    keys += [g["key"] for g in (rep.get("audit") or {}).get("groups") or []]
    for key in keys:  # an opinion group with its article where the language puts one ("le groupe A")
        name = audience_name(key, topics, lang=w.lang)
        name = w("names.group", group=name) if key.startswith("group:") else name
        # the coverage audit names a topic by its number, at a sentence's start too ("Topic 2 (20% of
        # participants) has no draft."): a Spanish report kept it in English beside "el tema «…»"
        for english in (audience_name(key, topics), audience_name(key)):
            names.setdefault(english, name)
            names.setdefault(first_upper(english), first_upper(name))
    for mid in load("deliberation", DEFAULT_LANGUAGE):  # languages by their English names ("German")
        if mid.startswith(LANGUAGE_NAMES):
            names[mid.removeprefix(LANGUAGE_NAMES)] = w(mid)

    def name(text: str) -> str | None:  # and a language with its count ("German 12": the embedding's reason)
        language, _, n = text.rpartition(" ")
        if text in names or not (language in names and n.replace(",", "").isdigit()):
            return names.get(text) or by_key(text)
        return f"{names[language]} {number_in(w.lang, n)}"
    return lambda text: retell(text, w.lang, name)


def key_names(drafts: list[dict], w: Texts) -> Callable[[str], str | None]:
    """How a draft key of a run's log line is said in ``w``'s language: "all:1" -> "Terrain
    d'entente 1", "topic:0" -> "Ce qui a été dit sur le thème 1" (the heading of the draft of
    ``drafts`` with that key, else :func:`draft_heading`'s, topics numbered from 1), a list of keys
    as the command line prints it ("['all:1', 'group:0']") as a list of those; None for anything
    else (not a key: deliberation.wording.Audience)."""
    known = {d["key"]: draft_title(d, w.lang) for d in drafts if d.get("key")}

    def one(key: str) -> str | None:
        a = Audience.parse(key)
        if key in known or ":" not in key or not (a.is_everyone or a.is_group or a.is_topic):
            return known.get(key)
        return draft_heading(a, lang=w.lang)

    def name(text: str) -> str | None:
        if not (text.startswith("[") and text.endswith("]")):
            return one(text)
        items = [one(k.strip().strip("'\"")) for k in text[1:-1].split(",")]
        if not items or None in items:
            return None
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + w("report.and") + items[-1]
    return name


def draft_title(d: dict, lang: str) -> str:
    """A draft's heading in ``lang``: the graph's own (English) heading said in that language."""
    heading = d.get("heading") or draft_heading(d["key"])
    return heading if lang == DEFAULT_LANGUAGE else heading_in(lang, d["key"], heading)


def _group(g: dict, lang: str) -> str:
    """An opinion group of a draft's tally by its name ("group A", "Gruppe A")."""
    return (g.get("name") if lang == DEFAULT_LANGUAGE else None) or audience_name(g["group"], lang=lang)


def why_empty(entry: Any, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """Why a section of the report has no draft, in one sentence (:func:`deliberation.report.why_empty`'s
    reason); a report written before reasons were stored carries its English sentence."""
    w = report_words(lang)
    if isinstance(entry, str):
        return entry
    if not entry:
        return w("empty.none")
    reason = entry["reason"]
    why = w(f"empty.{reason}", n=entry.get("n"), method=w("method.title"))
    return w("empty.why", why=why)


def held_lines(held: list[dict] | None, lang: str | None = DEFAULT_LANGUAGE) -> list[str]:
    """Why no common-ground item stands on a consensus candidate set aside for the moderator
    (:func:`deliberation.report.held_candidates`), one sentence each, in ``lang``: the item
    disappeared without a word (or the report said "no statement was left to draft from")."""
    w = report_words(lang)
    return [w("section.held_candidate", sid=h["id"], reason=public_reason_in(h["reason"], w)) for h in held or []]


def vote_line(v: dict | None, published_as: str | None, same_as: list[str] | tuple = (),
              lang: str | None = DEFAULT_LANGUAGE) -> str:
    """A published draft's vote in words, overall and per group; ``same_as``: the headings of the
    drafts with the same words that went to the vote as this same ballot item (in ``lang``)."""
    w = report_words(lang)
    if not published_as:
        return ""
    if same_as:
        both = w("report.and").join(w("report.quoted", text=h) for h in same_as)
        return w("vote.same_ballot", n=len(same_as), drafts=both) + vote_line(v, published_as, lang=w.lang)
    if not v or not v.get("n_votes"):
        return w("vote.nobody", draft=draft_name(published_as, w.lang))
    return w("vote.line", draft=draft_name(published_as, w.lang), votes=_vote_words(v, w))


def _vote_words(v: dict, w: Texts) -> str:
    """A ballot item's votes in words, overall and per group ("3 agree, 1 disagree, 2 pass. By group: …")."""
    def counts(x: dict) -> str:
        return w("vote.counts", agree=x["agree"], disagree=x["disagree"], passes=x["passes"])

    per_group = [w("vote.group", name=_group(g, w.lang), counts=counts(g)) for g in v.get("groups", [])]
    rest = v["n_votes"] - sum(g["n_votes"] for g in v.get("groups", []))
    if rest:
        per_group.append(w("vote.not_in_group", votes=w("count.votes", n=rest)))
    if per_group:
        return w("vote.by_group", counts=counts(v), groups=w("report.sep").join(per_group))
    return w("vote.only", counts=counts(v))


def earlier_line(e: dict, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """A version of a draft that went to the vote before a revision round replaced it, with its vote."""
    w = report_words(lang)
    v = e.get("votes")
    head = w("vote.earlier", text=e.get("text", ""), draft=draft_name(e["published_as"], w.lang))
    if v and v.get("n_votes"):
        return w("vote.earlier_votes", earlier=head, votes=_vote_words(v, w))
    return w("vote.earlier_nobody", earlier=head)


def participation_line(p: dict, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """Who cast how many votes on what: the votes on the statements shown, on the drafts put to the
    vote and on statements moderation held or rejected, each counted apart (Seattle $15 said "2872
    votes on 31 statements" of which 23 were on the 23 statements moderated out). Who cast them: the
    voters, and where some participants wrote and never voted, among how many participants the
    console counts ("2 of the 5 participants cast 4 votes"; it said "2 participants")."""
    w = report_words(lang)
    drafts, held = p.get("draft_votes") or 0, p.get("held_votes") or 0
    statements = w("count.statements", n=p["statements"])
    if not p.get("votes"):  # a room without a vote read "0 participants cast 0 votes on 8 statements"
        return w("participation.nobody", statements=statements)
    parts = [w("participation.on_listed", n=(p["votes"] or 0) - drafts - held, statements=statements)]
    if drafts:
        parts.append(w("participation.on_drafts", n=p.get("drafts") or 0, votes=drafts))
    if held:
        parts.append(w("participation.on_held", n=p.get("moderated_out") or 0, votes=held))
    votes = w("count.votes", n=p["votes"])
    if len(parts) == 1:  # "12 participants cast 40 votes on 8 statements"
        votes = w("participation.on", n=votes, statements=statements)
    voters = p["participants"]
    if (p.get("registered") or 0) > voters:  # "2 of the 5 participants": some wrote and never voted
        line = w("participation.cast_of", n=voters, n_all=p["registered"], votes=votes)
    else:
        line = w("participation.cast", n=voters, participants=w("count.participants", n=voters), votes=votes)
    if len(parts) > 1:
        line = w("participation.listed", head=line, parts=w("participation.between").join(parts[:-1]) + w("report.and") + parts[-1])
    if p.get("moderated_out") and not held:  # "(1 more were held …)" after the drafts read as one more draft
        line += w("participation.more_held", n=p["moderated_out"])
    if p.get("author_votes"):
        line += w("participation.author_votes", n=p["author_votes"])
    return w("report.sentence", line=line)


def to_markdown(rep: dict[str, Any], lang: str | None = DEFAULT_LANGUAGE) -> str:
    """The report as Markdown in ``lang``."""
    w = report_words(lang)
    md: list[str] = [f"# {w('report.title')}", "", w("report.question", question=_md(rep["question"])), "",
                     _md(participation_line(rep["participation"], w.lang)), ""]
    for key in SECTION_KEYS:
        items = [d for d in rep["consensus"] + rep["minority"] if d.get("section", section_of(d["key"])) == key]
        md += [f"## {w(f'section.{key}')}", "", w(f"section.{key}_what"), ""]
        if not items:
            md += [_md(why_empty(rep.get("empty_sections", {}).get(key), w.lang)), ""]
        if key == "common_ground":
            md += [x for line in held_lines(rep.get("held_candidates"), w.lang) for x in (_md(line), "")]
        for d in items:
            md += _md_draft(d, w)
    md += _md_ranking(rep, w)
    md += _md_audit(rep, w)
    md += _md_groups(rep, w)
    md += ["", f"## {w('topics.title')}", ""]
    for t in rep["topics"]:
        md.append(f"- {w('topics.item', label=_md(topic_label(t['label'], w.lang)), counts=_topic_counts(t, w))}")
    if not rep["topics"]:
        md.append(w("topics.none"))
    md.append("")
    md += _md_moderation(rep, w)
    md += _md_method(rep, w)
    return "\n".join(md) + "\n"


def moderator_heading(lang: str | None = DEFAULT_LANGUAGE) -> str:
    """The heading of the report's moderator-only section (it can quote held statements)."""
    return f"## {report_words(lang)('moderation.title')}"


def topic_counts(n_statements: int, n_voices: int, n_seed: int = 0, n_moderator_seeds: int = 0,
                 lang: str | None = DEFAULT_LANGUAGE) -> str:
    """Whose a topic's statements are, in ``lang``: the report's topic line and the board's (ui.i18n).
    English says deliberation.wording.topic_sources's sentence; other languages count the
    statements, the participants, the moderator's seeds among the ``n_seed`` without an author,
    and the rest: "9 Aussagen · 6 Teilnehmende · 2 Startaussagen der Moderation"."""
    w = report_words(lang)
    n_seeds = min(n_moderator_seeds, n_seed)
    if w.lang == DEFAULT_LANGUAGE:
        return topic_sources(n_statements, n_voices, n_seed, n_seeds)
    parts = [w("count.statements", n=n_statements), w("count.participants", n=n_voices)]
    parts += [w("topics.seeds", n=n_seeds)] if n_seeds else []
    return " · ".join(parts + ([w("topics.unnamed", n=n_seed - n_seeds)] if n_seed - n_seeds else []))


def _topic_counts(t: dict, w: Texts) -> str:
    """A report topic's :func:`topic_counts`."""
    return topic_counts(t["n_statements"], t["n_voices"], t.get("n_seed", 0), t.get("n_moderator_seeds", 0), w.lang)


def _md_groups(rep: dict, w: Texts) -> list[str]:
    md = [f"## {w('groups.title')}", ""]
    if not rep["groups"]:
        md.append(w("groups.none"))
    md += _md_grouped(rep, w)
    for g in rep["groups"]:
        name = first_upper((g.get("name") if w.lang == DEFAULT_LANGUAGE else None) or group_label(g["id"], w.lang))
        md.append("- " + w("groups.line", name=name, participants=w("count.participants", n=g["size"]),
                           share=w.percent(g["share"]), of_grouped=_of_grouped(rep, w)))
        for verb, key in (("agree", "agrees_more"), ("disagree", "disagrees_more")):
            if g.get(key):
                # each side its own item with its statements nested under it: a line "  Statements …"
                # after the agree list continued the last statement's paragraph in CommonMark (lazy
                # continuation), so the page showed "…feel safe. Statements its members disagree …"
                md.append("  - " + w(f"groups.{verb}_one" if g.get("size") == 1 else f"groups.{verb}"))
                md += [f"    - {w('draft.statement', sid=_md(sid), text=_md(text))}" for sid, text in g[key].items()]
    stability = (rep["method"].get("grouping") or {}).get("stability")
    if rep["groups"] and stability:  # how sure the grouping is, in words
        md += ["", w("groups.sure", text=_md(first_upper(said_in(rep, w)(stability["text"]))))]
    return md


def _of_grouped(rep: dict, w: Texts) -> str:
    """" of the N in groups", said after an opinion group's share when not everyone is in a group:
    shares are of the participants in groups (Seattle $15: group A, 96 participants, is 70% of the
    138 in groups and 28% of all 339)."""
    grouped = rep.get("grouped") or {}
    n, everyone = grouped.get("in_groups") or 0, grouped.get("analysed")
    return w("groups.of_grouped", n=n) if everyone and 0 < n < everyone else ""


def _md_grouped(rep: dict, w: Texts) -> list[str]:
    """Who is in an opinion group, when not everyone is."""
    grouped = rep.get("grouped") or {}
    n, everyone = grouped.get("in_groups"), grouped.get("analysed")
    if not (rep["groups"] and n and everyone and n < everyone):
        return []
    return [w("groups.grouped", n=n, everyone=everyone, rest=everyone - n, method=w("method.title")), ""]


def same_ballot(d: dict, lang: str) -> list[str]:
    """The headings of the drafts one ballot item stood for beside ``d``, in ``lang``."""
    headings = d.get("same_ballot_item_as") or []
    keys = d.get("same_ballot_item_keys") or []
    if lang == DEFAULT_LANGUAGE or len(keys) != len(headings):
        return list(headings)
    return [heading_in(lang, k, h) for k, h in zip(keys, headings)]


def _md_draft(d: dict, w: Texts) -> list[str]:
    out = [f"### {_md(draft_title(d, w.lang))}", ""]
    for s in d["sentences"]:
        out.append(f"- {_md(sentence_text(s, w.lang))} {w('draft.cites', ids=_md(', '.join(s['citations'])))}")
    out += ["", w("draft.cited")]
    for sid, text in d["cited_statements"].items():
        out.append(f"- {w('draft.statement', sid=_md(sid), text=_md(text))}")
    line = vote_line(d.get("votes"), d.get("published_as"), same_ballot(d, w.lang), w.lang)
    if line:
        out += ["", _md(line)]
    for e in d.get("earlier_versions") or []:
        out += ["", _md(earlier_line(e, w.lang))]
    by = w('draft.drafted_by', drafter=_md(drafter_words(d['drafter'], w.lang)))
    notes = notes_in(d.get("notes") or "", w.lang)  # the draft's notes, said in the report's language
    out += ["", f"{by} {_md(notes)}".rstrip(), ""]
    return out


def _md_ranking(rep: dict, w: Texts) -> list[str]:
    t = rep["tally"]
    out = [f"## {w('ranking.title')}", ""]
    if t.get("ranking_gic"):
        # each ballot item by its heading as well as its number ("8, 9, 10" named no draft a reader could
        # find), as the tally's notes name it
        drafts = rep["consensus"] + rep["minority"]
        name = {d["published_as"]: (d.get("ballot_name") if w.lang == DEFAULT_LANGUAGE else None)
                or ballot_name(draft_title(d, w.lang), d["published_as"], w.lang) for d in drafts if d.get("published_as")}
        # a version a revision replaced, ranked when the revision round put nothing to the vote
        for d in drafts + (rep.get("rejected") or []):
            for e in d.get("earlier_versions") or []:
                name.setdefault(e["published_as"], ballot_name(draft_title(d, w.lang), e["published_as"], w.lang))
        gic = "; ".join(name.get(sid, sid) for sid in t["ranking_gic"])
        schulze = " > ".join(" = ".join(name.get(sid, sid) for sid in tier) for tier in t.get("ranking_schulze", []))
        out += [f"- {w('ranking.gic', items=_md(gic))} {w('terms.gic')}",
                f"- {w('ranking.schulze', items=_md(schulze))} {w('terms.schulze')}"]
        if (rep.get("method") or {}).get("revise_rounds") and t.get("revised_vote", True):
            out.append(f"- {w('ranking.revised')}")
    elif not any(d.get("published_as") for d in rep["consensus"] + rep["minority"]):
        # drafts put to the vote that nobody voted on are not ranked: the tally's notes say so
        out.append(w("ranking.none"))
    say = said_in(rep, w)
    for n in t.get("notes") or []:
        out.append(f"- {_md(say(n))}")
    return out + [""]


def coverage_status(status: str, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """An audience's coverage status ("ok", "missing", "over") in ``lang``'s word, as the report's
    audit table and the console's review cards say it ("fehlt", "manquant"); one it has no word for
    as it is."""
    w = report_words(lang)
    return w(f"audit.{status}") if f"audit.{status}" in w else status


def _md_audit(rep: dict, w: Texts) -> list[str]:
    a, say = rep["audit"], said_in(rep, w)
    out = [f"## {w('audit.title')}", ""]
    if a.get("verdict"):
        out += [_md(say(a["verdict"])), ""]
    out += [f"- {_md(say(f))}" for f in a.get("findings", [])]
    out += ["", f"{w('terms.jr')} {w('terms.ejr')}"]
    if a.get("groups"):
        topics = {str(t["id"]): t["label"] for t in rep.get("topics") or []}
        out += ["", w("audit.table"), "|---|---:|---:|---:|---|"]
        for g in a["groups"]:
            name = (g.get("name") if w.lang == DEFAULT_LANGUAGE else None) or audience_name(g["key"], topics, lang=w.lang)
            status = coverage_status(g["status"], w.lang)
            out.append(f"| {_md(name)} | {g['n_participants']} | "
                       f"{w.percent(g['share_participants'])} | {g['n_drafts']} | {_md(status)} |")
    return out + [""]


def public_reason_in(reason: str, w: Texts) -> str:
    """A moderation reason fit for the public report (:func:`deliberation.grounding.public_reason`)
    in ``w``'s language: what it keeps of a sentence of intake's ("instruction-like text") said as
    the language's sentence is cut at the same place, and "(details withheld)" in the language too
    (it stayed English in a German report)."""
    public = public_reason(reason)
    if w.lang == DEFAULT_LANGUAGE or not public.endswith(WITHHELD):
        return retell_list(public, w.lang)
    kept = public.removesuffix(WITHHELD).strip()
    kept = _cut_heads(w.lang).get(kept) or retell_list(kept, w.lang)
    return w("report.withheld", kept=kept) if kept else w("report.withheld_all")


#: Where a sentence's head ends: a colon, ASCII or full-width (Chinese).
_COLON = re.compile("[:：]")


@lru_cache(maxsize=None)
def _cut_heads(lang: str) -> dict[str, str]:
    """The start of each of intake's and the moderator's sentences (``said.held``) that
    :func:`public_reason` keeps, English -> ``lang``: each text cut as the report cuts a reason."""
    english, said = load("deliberation", DEFAULT_LANGUAGE), load("deliberation", lang)
    heads = {}
    for mid, text in english.items():
        # the language's own colon: Chinese writes "："; its kinds read "instruction-like text (details withheld)"
        if mid.startswith(f"{SAID}.held.") and isinstance(text, str) and mid in said and _COLON.search(said[mid]):
            en = public_reason(text)
            there = _COLON.split(said[mid])[0].rstrip(" \u00a0,;(-")
            if en.endswith(WITHHELD) and text.split(":")[0] == en.removesuffix(WITHHELD).strip() and "{" not in there:
                heads.setdefault(text.split(":")[0], there)
    return heads


def _md_moderation(rep: dict, w: Texts) -> list[str]:
    m = rep["moderation"]
    out = [moderator_heading(w.lang), "", _md(said_in(rep, w)(m.get("note", "")))]
    for kind, items in (("removed", m.get("removed", [])), ("held", m.get("queue", []))):
        for item in items:  # the reason without the words it quotes, in the report's language
            reason = public_reason_in(item["reason"], w)
            out.append(f"- {w(f'moderation.{kind}', sid=_md(item['id']), reason=_md(reason))}")
    if rep.get("rejected"):
        out += ["", w("moderation.rejected")]
        reasons = {r["key"]: r.get("reason") for r in rep.get("reviews") or [] if r.get("decision") == "reject"}
        for d in rep["rejected"]:
            why = reasons.get(d["key"])
            heading = draft_title(d, w.lang) if w.lang != DEFAULT_LANGUAGE else (d.get("heading") or d["key"])
            # a split draft's stored text says who holds each position in English: said as the ballot says it
            text = ballot_text_in(d["text"], w.lang)
            out.append(f"- {w('moderation.rejected_item', heading=_md(heading), text=_md(text))}"
                       + (w("moderation.reason", reason=_md(why)) if why else ""))
            # a revision the moderator rejected: the version voted on before it keeps its vote here
            out += [f"  - {_md(earlier_line(x, w.lang))}" for x in d.get("earlier_versions") or []]
    return out + [""]


def grouping_words(grouping: dict, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """How the opinion groups were formed, in a sentence (the report printed the grouping's JSON,
    cut at 400 characters mid-string; the JSON report keeps all of it). The grouping's notes are the
    analysis's too, said once in the report's notes: appended here after a "; " they read "… by the
    robust method; The groups come from the robust map, … 0.22).." and were said twice."""
    w = report_words(lang)
    if not grouping or not grouping.get("k"):
        return w("method.no_grouping")
    sizes = [str(n) for n in grouping.get("sizes") or []]
    # "(2, 1 participants)" read "1 participants": the sizes as a list of numbers
    of = f"{', '.join(sizes[:-1])}{w('report.and')}{sizes[-1]}" if len(sizes) > 1 else "".join(sizes)
    line = (w("count.groups", n=grouping["k"]) + (w("method.sizes", sizes=of) if sizes else "")
            + (w("method.placed", n=grouping["n_clustered"]) if grouping.get("n_clustered") is not None else "")
            + w("method.by_method", method=grouping.get("mode", "polis")))
    return w("report.sentence", line=line)


def _md_method(rep: dict, w: Texts) -> list[str]:
    meth, say = rep["method"], said_in(rep, w)
    # an LLM served at the run's own address is said as such, never by the address (the run's log keeps it)
    where = w("method.own_server" if meth.get("own_server") or meth.get("base_url") else "method.provider_default")
    model = w("method.model", model=_md(meth["model"]), where=where) if meth.get("model") else ""
    out = [f"## {w('method.title')}", "",
           f"- {w('method.drafter', drafter=_md(drafter_words(meth['drafter'], w.lang)))}{model}",
           f"- {w('method.seed', seed=meth['seed'])}",
           f"- {w('method.consensus_rule', rule=_md(say(meth['consensus_rule'])))}"]
    if meth.get("min_votes_rule"):
        out.append(f"- {w('method.min_votes', rule=_md(say(meth['min_votes_rule'])))}")
    if meth.get("embedding_model"):
        model, colon, why = meth["embedding_model"].partition(": ")  # "name: why" (embeddings.choice.ModelChoice)
        # each part made inert on its own: _md collapses whitespace, the language's no-break spaces too
        model = w("method.model_why", model=_md(model), why=_md(say(why))) if colon else _md(model)
        out.append(f"- {w('method.embedding', model=model)}")
    out += [f"- {w('method.grouping', how=_md(grouping_words(meth['grouping'], w.lang)))}",
            f"- {w('method.reviews', n=len(rep['reviews']))}", ""]
    out += [f"- {w('method.note', note=_md(say(n)))}" for n in rep["notes"]]
    return out


#: an invisible word joiner: breaks GFM autolink literals (they are found in the parsed text, so a
#: backslash escape cannot stop them)
WJ = "\u2060"
_AUTOLINK = re.compile(r"(?i)(https?|ftp|www|mailto)(?=[:.])|(@)")
#: characters that can form Markdown (CommonMark + GFM) or Streamlit markup anywhere in a line
_ALWAYS = set("\\`*_[]<$~|")
_LINE_START = re.compile(r"^([#>+=-]|\d+[.)])")
#: a run of whitespace :func:`_md` makes one space: never a no-break space (U+00A0, U+202F), which the
#: language's own words put before a French colon and a "%" (deliberation.words.no_break_spaces): collapsed
#: with the rest, a German report's "50 %" and a French "votes : 30" could break across a phone's lines
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")
#: the "/" of an (escaped) ``:name/`` Streamlit directive such as ``:material/warning:``
_DIRECTIVE_SLASH = re.compile(r"(\\:[A-Za-z_]+)/")


def _md(text: Any) -> str:
    """Text as inert Markdown that still reads cleanly: whitespace collapsed; the characters that can
    form emphasis, code, links, images, HTML, tables, strikethrough or LaTeX escaped (``\\ ` * _ [ ]
    < $ ~ |``), ``&`` before a possible entity, ``:`` before a possible Streamlit directive or emoji
    shortcode, a block marker at the start; GFM autolinks (``http://``, ``www.``, ``a@b``) broken by
    an invisible word joiner. Ordinary punctuation (. , ; ' " ? ! ( ) - / %) and no-break spaces stay
    as they are (:data:`_SPACES`)."""
    text = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + WJ, _SPACES.sub(" ", str(text)).strip())
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
