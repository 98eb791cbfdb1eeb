"""English participle phrases that restrict the noun before them, a relative clause without its
"who" ("residents using septic tanks" are the residents who use them, "families living in council
flats"): :func:`.restrictions.check_dropped_relative` refuses a draft that keeps the noun and drops
the phrase, as it does a relative clause.

A phrase opens with a word ending in "-ing" that WordNet knows as a verb and not usually as a noun
("parking", "housing" are nouns), right after a noun (no comma: "the residents, using the new
form, ..." describes); it runs to the next punctuation or to the main clause's verb, a modal
or one of ``main_clause_verbs`` ("... should not be charged", "... are a danger"), and has at least :data:`MIN_PHRASE_WORDS` words after the participle.
"""

from __future__ import annotations

import re

from . import wordnet as wn
from .lexicon import entries
from .text import _Tok, _tokenize

#: the end of a phrase: punctuation
_PHRASE_END = re.compile(r"[,.;:!?()\[\]]")
#: the main clause's verb after the phrase ends it: a modal verb or one of ``main_clause_verbs``
MAIN_VERBS = frozenset(entries("modal_verbs", "en") + entries("main_clause_verbs", "en"))
#: the ending of a present participle
_PARTICIPLE = re.compile(r"^[a-z]{2,}ing$")
#: the phrase needs at least this many words after the participle ("walking home": 1)
MIN_PHRASE_WORDS = 1


def participle_phrases(text: str, lang: str) -> list[tuple[str, int, int]]:
    """(noun, start, end) of each participle phrase of ``text`` that restricts the noun before it."""

    if lang != "en" or wn.wordnet() is None:
        return []
    toks = _tokenize(text)
    out = []
    for k in range(1, len(toks) - MIN_PHRASE_WORDS):
        noun, part = toks[k - 1], toks[k]
        if not _PARTICIPLE.match(part.raw) or _PHRASE_END.search(text, noun.end, part.start):
            continue
        if not (noun.raw.isalpha() and wn.is_noun(noun.raw) and wn.is_known(part.raw, "v")) or wn.usual_pos(part.raw) == "n":
            continue
        end = _PHRASE_END.search(text, part.end)
        hi = end.start() if end else len(text)
        hi = next((t.start for t in toks[k + 1:] if t.start < hi and t.raw.lower() in MAIN_VERBS), hi)
        if _words_between(toks, part, hi) >= MIN_PHRASE_WORDS:
            out.append((noun.raw, part.start, hi))
    return out


def _words_between(toks: list[_Tok], part: _Tok, hi: int) -> int:
    return sum(1 for t in toks if part.end <= t.start < hi)
