"""The two sides of a preference swapped: "The council should fund buses rather than new roads." ->
"The council should fund new roads rather than buses." A statement that prefers one thing to another
with one of ``alternative_links`` ("rather than", "instead of", "statt", "anstatt") names what it
wants before the link and what it rejects after it (or the other way round when the sentence opens
with the link: "Instead of new roads, fund buses"). A draft that says the same link with the
rejected side's words where the statement wants something, and the wanted side's words where it
rejects something, turns the preference round: the stance is reversed, though every word is the
statement's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .checks import SentenceContext
from .lexicon import alternation, entries
from .problems import Problem, ProblemKind
from .text import _Tok

#: where a side of the preference ends (the sentence's clause)
_SIDE_END = re.compile(r"[;:.!?()\[\]]")


@lru_cache(maxsize=None)
def _link(lang: str) -> re.Pattern[str] | None:
    """The words of ``lang`` that link a wanted thing to a rejected one, as one pattern."""

    if not entries("alternative_links", lang):
        return None
    return re.compile(rf"\b(?:{alternation('alternative_links', lang)})\b", re.I)


def _sides(text: str, toks: list[_Tok], pattern: re.Pattern[str]) -> tuple[set[str], set[str]] | None:
    """(wanted, rejected): the content words of ``text`` on each side of its first link, each side
    running to the clause's end; when no content word stands before the link, the rejected side runs
    to the next comma and the wanted side is the rest."""

    m = pattern.search(text)
    if m is None:
        return None
    start = max((e.end() for e in _SIDE_END.finditer(text, 0, m.start())), default=0)
    end_m = _SIDE_END.search(text, m.end())
    end = end_m.start() if end_m else len(text)
    before = {t.canon for t in toks if start <= t.start < m.start() and t.content}
    if before:
        after = {t.canon for t in toks if m.end() <= t.start < end and t.content}
        comma = text.find(",", m.end(), end)
        if comma >= 0:  # "buses rather than roads, which ...": the rejected side ends at the comma
            after = {t.canon for t in toks if m.end() <= t.start < comma and t.content}
        return before, after
    comma = text.find(",", m.end(), end)
    if comma < 0:
        return None
    rejected = {t.canon for t in toks if m.end() <= t.start < comma and t.content}
    wanted = {t.canon for t in toks if comma < t.start < end and t.content}
    return wanted, rejected


def check_swapped_alternatives(ctx: SentenceContext) -> list[Problem]:
    """The draft sentence wants what a cited statement rejects, and rejects what it wants, with the
    same kind of link (see the module's description)."""

    pattern = _link(ctx.lang)
    if pattern is None or not ctx.relevant or ctx.has(ProblemKind.STANCE_REVERSED):
        return []
    draft = _sides(ctx.text, ctx.toks, pattern)
    if draft is None:
        return []
    for s in ctx.cited:
        theirs = _sides(s.text, s.toks, pattern)
        if theirs is None:
            continue
        (wanted, rejected), (d_wanted, d_rejected) = theirs, draft
        if (d_wanted & rejected) - wanted and (d_rejected & wanted) - rejected:
            said = ", ".join(sorted((d_wanted & rejected) - wanted))
            return [Problem(ProblemKind.STANCE_REVERSED,
                            f"turns statement {s.id}'s preference round: wants '{said}', which it rejects",
                            {"statement": s.id, "words": sorted((d_wanted & rejected) - wanted)})]
    return []
