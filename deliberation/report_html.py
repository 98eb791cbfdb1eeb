"""The report's public part as HTML (deliberation.report.build_report's JSON), in a language passed down as
``lang`` as its Markdown is (deliberation.report_text, whose words it uses): every text escaped, and each
participant's words marked with the language they are written in where the report's own words are in
another (``<span lang='de'>``), so a screen reader reads a German statement of a bilingual room with a
German voice and the English one beside it with an English voice."""

from __future__ import annotations

import html
from typing import Any

from deliberation.report_text import (
    SECTION_KEYS,
    draft_title,
    earlier_line,
    held_lines,
    participation_line,
    report_words,
    said_in,
    same_ballot,
    section_of,
    vote_line,
    why_empty,
)
from deliberation.wording import sentence_text
from deliberation.words import DEFAULT_LANGUAGE, Texts, base_language, document_tag


class _Theirs:
    """Participants' words, escaped, marked with their language where it is not the report's (``lang``):
    a statement's own (the report's ``statement_languages``, as the store told it), else the language most
    of the room's statements are written in (``statements_language``; a report written before statements
    had their own: every statement in that one). The question: its own language as the report tells it
    (``question_language``), else unmarked (a report of before: the room's)."""

    def __init__(self, rep: dict[str, Any], lang: str):
        self.lang, self.room = lang, rep.get("statements_language") or ""
        self.of = rep.get("statement_languages") or {}
        self.question = rep.get("question_language", self.room) or ""

    def mark(self, escaped: str, code: str) -> str:
        """``escaped`` marked ``code`` unless the report speaks it: a detector's "zh" is the language a
        Simplified (zh-Hans) report converts, not another (:func:`~deliberation.words.base_language`)."""
        same = code in (self.lang, base_language(self.lang))
        return escaped if not code or same else f"<span lang='{html.escape(code)}'>{escaped}</span>"

    def __call__(self, text: str, sids: list[str] | tuple[str, ...] = ()) -> str:
        """``text`` (participants' words) marked with the language of the statements ``sids`` when they are
        all in one (a draft sentence of the extractive drafter: the statements it quotes), else the room's."""
        told = {self.of.get(sid) or self.room for sid in sids}
        return self.mark(html.escape(text), told.pop() if len(told) == 1 else self.room)

    def sentence(self, s: dict, d: dict) -> str:
        """A draft's sentence as the report says it (who holds it, in the report's words, and the sentence
        quoted: only the quote is marked), the quote marked with its cited statements' language when the
        extractive drafter quoted them, else the room's (a language model writes in the room's language)."""
        quoted = self(s["text"], s["citations"] if str(d.get("drafter") or "").startswith("extractive") else ())
        return html.escape(sentence_text(s, self.lang)).replace(html.escape(s["text"]), quoted, 1)


def to_html(rep: dict[str, Any], lang: str | None = DEFAULT_LANGUAGE) -> str:
    """The report's public part as HTML in ``lang``: every text escaped."""
    w, e = report_words(lang), html.escape
    theirs = _Theirs(rep, w.lang)
    parts = [f"<!doctype html><html lang='{document_tag(w.lang)}'><meta charset='utf-8'><title>{e(rep['question'])}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:auto;line-height:1.4}li{margin:.2em 0}"
             ".cite{color:#555;font-size:.9em}.vote{background:#f3f6f9;padding:.3em .6em}</style>",
             f"<h1>{e(w('report.title'))}</h1>", f"<p><b>{e(w('report.question_html'))}</b> {theirs.mark(e(rep['question']), theirs.question)}</p>"]
    if rep.get("participation"):
        parts.append(f"<p>{e(participation_line(rep['participation'], w.lang))}</p>")
    items = rep.get("consensus", []) + rep.get("minority", [])
    for key in SECTION_KEYS:
        mine = [d for d in items if d.get("section", section_of(d["key"])) == key]
        parts += [f"<h2>{e(w(f'section.{key}'))}</h2>", f"<p>{e(w(f'section.{key}_what'))}</p>"]
        if not mine:
            parts.append(f"<p>{e(why_empty(rep.get('empty_sections', {}).get(key), w.lang))}</p>")
        if key == "common_ground":
            parts += [f"<p>{e(line)}</p>" for line in held_lines(rep.get("held_candidates"), w.lang)]
        for d in mine:
            parts += _html_draft(d, w, theirs)
        # a revision the moderator rejected is not shown, but the version voted on before it was
        for d in rep.get("rejected") or []:
            if d.get("earlier_versions") and d.get("section", section_of(d["key"])) == key:
                parts.append(f"<h3>{e(w('draft.revision_rejected', heading=draft_title(d, w.lang)))}</h3>")
                parts += [f"<p class='vote'>{e(earlier_line(x, w.lang))}</p>" for x in d["earlier_versions"]]
    audit, say = rep.get("audit") or {}, said_in(rep, w)
    parts.append(f"<h2>{e(w('audit.title'))}</h2>")
    if audit.get("verdict"):
        parts.append(f"<p>{e(say(audit['verdict']))}</p>")
    parts.append("<ul>" + "".join(f"<li>{e(say(f))}</li>" for f in audit.get("findings", [])) + "</ul>")
    parts.append(f"<p class='cite'>{e(w('terms.jr'))} {e(w('terms.ejr'))}</p>")
    return "\n".join(parts)


def _html_draft(d: dict, w: Texts, theirs: _Theirs) -> list[str]:
    e, cut = html.escape, "\0"  # cut: where the statement's text goes in its line
    parts = [f"<h3>{e(draft_title(d, w.lang))}</h3><ul>"]
    for s in d["sentences"]:
        parts.append(f"<li>{theirs.sentence(s, d)} <span class='cite'>"
                     f"{e(w('draft.cites', ids=', '.join(s['citations'])))}</span></li>")
    parts.append("</ul><ul class='cite'>")
    for sid, text in d["cited_statements"].items():
        parts.append(f"<li>{e(w('draft.statement', sid=sid, text=cut)).replace(cut, theirs(text, [sid]))}</li>")
    parts.append("</ul>")
    line = vote_line(d.get("votes"), d.get("published_as"), same_ballot(d, w.lang), w.lang)
    if line:
        parts.append(f"<p class='vote'>{e(line)}</p>")
    return parts + [f"<p class='vote'>{e(earlier_line(x, w.lang))}</p>" for x in d.get("earlier_versions") or []]
