"""German: a compound of a statement swapped for a sibling compound, one that shares its last part
but not its first ("Raumfahrt" drafted as "Luftfahrt", "Mehrwegflaschen" as "Einwegflaschen").

:func:`.meaning.check_substitution` finds a swapped noun only where the draft sentence lines up
word for word with a sentence of the statement; a draft that reports the statement in words of
its own ("Eine Person meint, die Luftfahrt belaste die Umwelt, weshalb ...") lines up with none,
and the swapped compound passed, since its last part makes it look like a form of the statement's
word. A German compound names a kind of its last part, so one with another first part names
another thing: the draft says a compound that no cited statement says, a cited statement says one
with the same last part (at least :data:`MIN_SHARED_HEAD` letters) that the draft does not say,
and their first parts (at least :data:`MIN_FIRST_PART` letters each) are neither one word nor
synonyms in OpenThesaurus.
"""

from __future__ import annotations

import os

from . import thesaurus_de
from .checks import SentenceContext
from .problems import Problem, ProblemKind
from .text import _fold

#: the last part two compounds share: at least this many letters ("fahrt")
MIN_SHARED_HEAD = 5
#: each compound's own first part: at least this many letters ("Luft", "Raum")
MIN_FIRST_PART = 3


def check_sibling_compound(ctx: SentenceContext) -> list[Problem]:
    """A German draft compound that puts another first part before a statement compound's last part."""

    if ctx.lang != "de" or not ctx.relevant or ctx.has(ProblemKind.SUBSTITUTION, ProblemKind.ADDED_CONTENT):
        return []
    drafted = {t.raw for t in ctx.toks if t.content and t.canon not in ctx.union and t.raw[:1].isupper()}
    said = {_fold(t.raw) for t in ctx.toks if t.content}
    draft_words = [t.raw for t in ctx.toks if t.content]
    for src in ctx.cited:
        src_words = [t.raw for t in src.toks if t.content]
        for s in {t.raw for t in src.toks if t.content and t.raw[:1].isupper() and t.canon not in ctx.content}:
            if _fold(s) in said:
                continue
            for d in drafted:
                if _siblings(_fold(d), _fold(s)) and not regrouped(d, [s], src_words, draft_words):
                    return [Problem(ProblemKind.SUBSTITUTION, f"puts '{d}' where statement {src.id} says '{s}'",
                                    {"draft": d, "source": s, "statement": src.id})]
    return []


def _siblings(a: str, b: str) -> bool:
    """Do compounds ``a`` and ``b`` share a last part of :data:`MIN_SHARED_HEAD` letters and have
    first parts of their own, of :data:`MIN_FIRST_PART` letters each, that are no synonyms?"""

    head = len(os.path.commonprefix([a[::-1], b[::-1]]))
    first_a, first_b = a[: len(a) - head], b[: len(b) - head]
    if head < MIN_SHARED_HEAD or min(len(first_a), len(first_b)) < MIN_FIRST_PART:
        return False
    if not (first_a.isalpha() and first_b.isalpha()) or first_a.startswith(first_b) or first_b.startswith(first_a):
        return False
    return not any(thesaurus_de.synonyms(x) & set(thesaurus_de.headwords(y)) for x, y in ((first_a, first_b), (a, b)))


def regrouped(new: str, gone: list[str], source_words: list[str], draft_words: list[str]) -> bool:
    """German: is compound ``new`` one of ``gone`` with its first part said elsewhere ("die großen
    Nahrungsmittelkonzerne" for "Nahrungsmittel-Großkonzerne")? It shares a last part of
    :data:`MIN_SHARED_HEAD` letters with a gone word, its own first part begins a word of the
    statement, and the gone word's first part begins a word of the draft."""

    n = _fold(new)
    for g in (_fold(w) for w in gone):
        head = len(os.path.commonprefix([n[::-1], g[::-1]]))
        if head >= MIN_SHARED_HEAD and _begins(n[: len(n) - head], source_words) \
                and _begins(g[: len(g) - head], draft_words):
            return True
    return False


def _begins(part: str, words: list[str]) -> bool:
    """Is ``part`` empty, or of :data:`MIN_FIRST_PART` letters or more and the start of one of ``words``?"""
    return not part or (len(part) >= MIN_FIRST_PART and any(_fold(w).startswith(part) for w in words))
