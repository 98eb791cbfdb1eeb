"""A claim made stronger than its statements make it: an intensifier the draft adds ("Rents are
high" -> "Rents are so high", "The council should reconsider" -> "... should definitely
reconsider").

A draft sentence may use an intensifier (``intensifiers`` of each language, and in English
``intensifiers_before_adjective`` right before an adjective or an adverb: "so high", not "so
that") only where a cited statement speaks with emphasis of its own: an intensifier too, an
exclamation mark, or a word of at least :data:`MIN_SHOUTED_LETTERS` capitals ("we MUST act").
"""

from __future__ import annotations

import re

from . import wordnet as wn
from .checks import SentenceContext
from .lexicon import alternation, entries, phrase_pattern
from .problems import Problem, ProblemKind
from .text import _tokenize

#: a word in capitals of at least this many letters is shouted: emphasis ("MUST", not "EU" or "TIF")
MIN_SHOUTED_LETTERS = 4
_INTENSIFIERS = phrase_pattern("intensifiers")
#: English "so" / "such" before an adjective (WordNet tells an adjective in English only) ...
_BEFORE_ADJECTIVE = re.compile(rf"\b(?:{'|'.join(entries('intensifiers_before_adjective', 'en'))})\b", re.I)
#: ... and "so", "si", "tan" of every language, which in a statement is emphasis before any word
_EMPHASIS_BEFORE = phrase_pattern("intensifiers_before_adjective")
#: phrases with an intensifier word that intensify nothing ("so far", "so-called")
_IDIOMS = phrase_pattern("intensifier_idioms")
#: "so" after a clause's start, a comma or a conjunction links a result (", so special diets ...")
_AFTER_LINK = re.compile(rf"(?:^|[,;:.!?(]|\b(?:{alternation('join_words')}|{alternation('list_separators')}))\s*$", re.I)
#: "so high that ...", "si chers que ...": the word after the adjective opens a result clause
_RESULT = frozenset(w.lower() for w in entries("result_clause_words"))
_SHOUTED = re.compile(rf"\b[^\W\d_a-z]{{{MIN_SHOUTED_LETTERS},}}\b")


def check_added_intensifier(ctx: SentenceContext) -> list[Problem]:
    """The draft sentence says an intensifier where no cited statement speaks with emphasis."""

    if not ctx.relevant:
        return []
    said = _intensifier(ctx.text)
    if said is None or any(_emphatic(s.text) for s in ctx.cited):
        return []
    return [Problem(ProblemKind.SCOPE_INFLATED,
                    f"says '{said}' where {ctx.who} {ctx.does} not say it so strongly",
                    {"statements": ctx.cited_ids, "word": said})]


def _emphatic(text: str) -> bool:
    """Does a statement speak with emphasis: an intensifier, "so" / "si" / "tan" before any word
    (``intensifiers_before_adjective`` of every language), "!" or a shouted word?"""

    return ("!" in text or _intensifier(text) is not None or bool(_EMPHASIS_BEFORE.search(text))
            or bool(_SHOUTED.search(text)))


def _intensifier(text: str) -> str | None:
    """The first intensifier of ``text``, if any."""

    text = _IDIOMS.sub(lambda m: " " * len(m.group(0)), text)
    m = _INTENSIFIERS.search(text)
    if m:
        return m.group(0)
    for m in _BEFORE_ADJECTIVE.finditer(text):
        if _AFTER_LINK.search(text[:m.start()]):
            continue  # ", so more are needed": a result, not an intensifier
        after = _tokenize(text[m.end():])
        if len(after) > 1 and after[1].raw.lower() in _RESULT:
            continue  # "so high that ...": a result the sentence goes on to say
        if after and after[0].raw.isalpha() and wn.usual_pos(after[0].raw) in ("a", "r") \
                and not text[m.end():m.end() + after[0].start].strip():
            return f"{m.group(0)} {after[0].raw}"
    return None
