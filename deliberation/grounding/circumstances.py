"""A time or place that a statement restricts its claim to and that a draft leaves out, so that the
claim holds everywhere and always: "Dogs should be allowed in the park in the early morning" ->
"Dogs should be allowed in the park"; "Parking fees should rise for visitors on weekends" ->
"Parking fees should rise for visitors".

A circumstance is a preposition of ``circumstance_prepositions`` followed, within
:data:`PHRASE_REACH` words and with no verb or punctuation between, by a noun whose first WordNet
sense is a time or a place (``circumstance_domains``: "morning", "weekends", "areas"); idioms
("at the moment", ``circumstance_idioms``) are none. The draft drops it when it says at least
:data:`MIN_KEPT_REST` of the rest of the statement's sentence but none of the phrase's own words
(nor a word WordNet relates to one, a compound or a word of its family), and names no time or
place of its own instead ("on Saturdays" for "at weekends" is the draft's reading, not a drop).
In German, which has no such noun files, a phrase is one of the ``circumstance_prepositions`` of
de.toml followed, within :data:`PHRASE_REACH` words, by a capitalised noun with only articles and
lower-case adjectives between ("in der Innenstadt", "auf Gemeindeflohmärkten", "aus
Massentierhaltung"): a place or origin that restricts the noun or the clause it stands in.
Conditions and "only"/"during" are :func:`.scope.check_scope`'s, relative clauses
:func:`.restrictions.check_dropped_relative`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from . import wordnet as wn
from .wordnet import LOOKUP_CACHE_SIZE
from .checks import SentenceContext, _content_words_with_surface
from .lexicon import entries, phrase_pattern
from .scope import statement_sentences
from .problems import Problem, ProblemKind
from .restrictions import _said
from .text import _Tok, _tokenize

#: the noun a circumstance's preposition governs stands at most this many words after it
#: ("in the early morning": 3)
PHRASE_REACH = 3
#: the draft must say at least this share of the rest of the statement's sentence: it restates that
#: sentence, not another part of the statement
MIN_KEPT_REST = 0.75
#: a statement sentence's rest needs at least this many content words to be restated at all
MIN_REST_WORDS = 2
_PREPOSITIONS = frozenset(entries("circumstance_prepositions", "en"))
#: German: prepositions of place and origin ("in der Innenstadt", "aus Massentierhaltung")
_PREPOSITIONS_DE = frozenset(entries("circumstance_prepositions", "de"))
_DOMAINS = frozenset(entries("circumstance_domains", "en"))
#: WordNet synsets a built or laid-out place descends from ("yard", "school", "lane": artifacts)
_PLACE_KINDS = frozenset(entries("circumstance_place_kinds", "en"))
#: how many of a noun's senses (WordNet lists the most usual first) may make it a built place
#: ("yard": a unit of length first, an enclosure second)
PLACE_SENSES = 2
_FILLERS = frozenset(entries("circumstance_fillers", "en"))
#: words that join a second noun to a phrase ("in the jurisdictions and communities")
_COORDINATORS_EN = frozenset(entries("circumstance_coordinators", "en"))
#: phrases with a time or place noun that restrict nothing ("at the moment", "in the future")
_IDIOMS = phrase_pattern("circumstance_idioms")
_PUNCT = re.compile(r"[,.;:!?()\[\]\"“”]")
#: German: punctuation that ends a phrase (quotes do not: 'auf "Gemeindeflohmärkten"')
_PUNCT_DE = re.compile(r"[,.;:!?()\[\]]")
#: German: words that join a second noun to a phrase ("aus Massentierhaltung oder Import")
_COORDINATORS_DE = frozenset(entries("circumstance_coordinators", "de"))
#: German prepositions that restrict only before a noun of time ("nach Mitternacht", not "nach dem Vorbild")
_TIME_ONLY_DE = frozenset(entries("time_only_prepositions", "de"))
_TIME_NOUNS_DE = frozenset(entries("time_nouns", "de"))
#: German prepositions that restrict to a date or threshold written as a number ("bis 2030", "ab 18")
_NUMBER_DE = frozenset(entries("number_prepositions", "de"))
#: German: what may stand between two phrases that restrict as one: nothing, a slash or a coordinator
_JOINED_DE = re.compile(rf"\s*(?:/|(?:{'|'.join(sorted(_COORDINATORS_DE))})\b\.?)?\s*", re.I)


def check_dropped_circumstance(ctx: SentenceContext) -> list[Problem]:
    """The statement sentence the draft sentence paraphrases restricts its claim to a time or a
    place and the draft restates the rest of that sentence without it."""

    if ctx.lang not in ("en", "de") or not ctx.relevant or wn.wordnet() is None:
        return []
    draft = _content_words_with_surface(ctx.toks)
    for s in ctx.cited:
        others = set().union(*(o.content for o in ctx.cited if o is not s))
        draft_words = [w for c, w in draft.items() if c not in others]
        for sent in statement_sentences(ctx, s):
            for lo, hi in _circumstances(sent.text, ctx.lang):
                problem = _dropped(ctx, s.id, sent.text, lo, hi, draft_words)
                if problem is not None:
                    return [problem]
    return []


def _dropped(ctx: SentenceContext, sid: str, text: str, lo: int, hi: int, draft_words: list[str]) -> Problem | None:
    own = _content_words_with_surface(_tokenize(text[lo:hi]))
    own |= {t.canon: t.raw for t in _tokenize(text[lo:hi]) if t.raw[:1].isdigit()}  # "bis 2030"
    rest = _content_words_with_surface(_tokenize(text[:lo] + " " + text[hi:]))
    own = {c: w for c, w in own.items() if c not in rest}
    if not own or len(rest) < MIN_REST_WORDS:
        return None
    all_draft_words = list(_content_words_with_surface(ctx.toks).values())
    kept = sum(_said(w, ctx, all_draft_words) for w in rest.values())
    if kept / len(rest) < MIN_KEPT_REST:
        return None
    if any(_said(w, ctx, draft_words) or (w[:1].isdigit() and w in ctx.text) for w in own.values()) or _own_circumstance(ctx, rest) \
            or _noun_kept(ctx, text[lo:hi]) or _said_before(ctx, own):
        return None
    phrase = " ".join(text[lo:hi].split())
    return Problem(ProblemKind.SCOPE_INFLATED,
                   f"drops the restriction of statement {sid} ('{phrase}'): says it without that time or place",
                   {"statement": sid, "phrase": phrase})


def _said_before(ctx: SentenceContext, own: dict[str, str]) -> bool:
    """Has an earlier sentence of the draft said every word of the restriction ("We should fight for
    equity in public schools. We need to fight for integration." keeps "in public schools")?"""

    said = set(_content_words_with_surface(_tokenize(ctx.before)))
    return bool(ctx.before) and set(own) <= said


def _noun_kept(ctx: SentenceContext, phrase: str) -> bool:
    """Does the draft say a noun of the phrase that is no content word ("communities" of "in the
    jurisdictions and communities")?"""

    said = {t.canon for t in ctx.toks}
    return any(not t.content and t.raw.isalpha() and t.raw.lower() not in _FILLERS and t.canon in said
               and wn.usual_pos(t.raw) == "n" for t in _tokenize(phrase))


def _circumstances(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of each phrase of ``text`` that restricts its claim to a time or a place."""

    masked = _IDIOMS.sub(lambda m: " " * len(m.group(0)), text)
    toks = _tokenize(masked)
    preps, head_of = _reader(lang)
    out = []
    for k, prep in enumerate(toks):
        if prep.raw.lower() not in preps:
            continue
        head = head_of(masked, toks, k)
        if head is None:
            continue
        if lang == "de" and out and _JOINED_DE.fullmatch(masked[out[-1][1]:prep.start]):
            # "Import aus dem Ausland", "im Internet / bei Amazon": one phrase
            out[-1] = (out[-1][0], max(out[-1][1], head.end))
        else:
            out.append((prep.start, (_joined_en(masked, toks, toks.index(head)) if lang == "en" else head).end))
    return out


def _joined_en(text: str, toks: list[_Tok], h: int) -> _Tok:
    """English: the last noun joined to the head at token ``h`` by ``circumstance_coordinators``
    ("in the jurisdictions and communities": "communities"), else the head."""

    end = toks[h]
    while h + 2 < len(toks) and toks[h + 1].raw.lower() in _COORDINATORS_EN and not _PUNCT.search(text, end.end, toks[h + 1].start):
        nxt = next((j for j in range(h + 2, min(len(toks), h + 2 + PHRASE_REACH))
                    if toks[j].raw.isalpha() and wn.usual_pos(toks[j].raw) == "n"), None)
        if nxt is None or any(t.raw.lower() not in _FILLERS and wn.usual_pos(t.raw) not in ("a", "")
                              for t in toks[h + 2:nxt]):
            break
        h, end = nxt, toks[nxt]
    return end


def _reader(lang: str) -> tuple[frozenset[str], Callable[[str, list[_Tok], int], _Tok | None]]:
    """The prepositions of ``lang`` ("en" or "de") that open a circumstance and the function that
    finds the noun one governs."""

    return (_PREPOSITIONS, _head) if lang == "en" else (_PREPOSITIONS_DE, _head_de)


def _head(text: str, toks: list[_Tok], k: int) -> _Tok | None:
    """The time or place noun the preposition at token ``k`` governs, if any."""

    prev = toks[k]
    for t in toks[k + 1:k + 1 + PHRASE_REACH]:
        if _PUNCT.search(text, prev.end, t.start):
            return None
        word = t.raw.lower()
        if not t.content and word not in _FILLERS:
            return None
        if t.content and word.isalpha():
            pos = wn.usual_pos(word)
            if pos == "n" and _time_or_place(word):
                return t
            if pos not in ("a", "n", ""):
                return None  # a verb or an adverb: the phrase has ended
        prev = t
    return None


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def _time_or_place(word: str) -> bool:
    """Does noun ``word`` name a time or a place: its first WordNet sense filed under
    ``circumstance_domains`` ("morning", "area"), or one of its first :data:`PLACE_SENSES` senses
    under one of ``circumstance_place_kinds`` ("yard", "school", "Lane")?"""

    return wn.noun_domain(word) in _DOMAINS or wn.descends_from(word, _PLACE_KINDS, PLACE_SENSES)


def _head_de(text: str, toks: list[_Tok], k: int) -> _Tok | None:
    """German: the capitalised noun the preposition at token ``k`` governs, with only articles and
    lower-case adjectives before it ("in der autofreien Innenstadt", quotes allowed), if any; of
    nouns joined by ``circumstance_coordinators`` the last ("aus Massentierhaltung oder Import");
    after "vor" / "nach" only a noun of time ("nach Mitternacht", not "nach dem Vorbild"); after one of
    ``number_prepositions`` a number right after it ("bis 2030")."""

    prev = toks[k]
    for j in range(k + 1, min(len(toks), k + 1 + PHRASE_REACH)):
        t = toks[j]
        if j == k + 1 and t.raw[:1].isdigit() and toks[k].raw.lower() in _NUMBER_DE \
                and not _PUNCT_DE.search(text, prev.end, t.start):
            return t  # "bis 2030", "ab 18": a date or a threshold
        if _PUNCT_DE.search(text, prev.end, t.start) or not t.raw.isalpha():
            return None
        if t.content and t.raw[:1].isupper():
            if toks[k].raw.lower() in _TIME_ONLY_DE and t.raw.lower() not in _TIME_NOUNS_DE:
                return None  # "nach dem Vorbild": a model, no time
            more = _head_de(text, toks, j + 1) if j + 2 < len(toks) and toks[j + 1].raw.lower() in _COORDINATORS_DE else None
            return more or t
        prev = t
    return None


def _own_circumstance(ctx: SentenceContext, rest: dict[str, str]) -> bool:
    """Does the draft restrict its claim to a time or a place of its own, one the rest of the
    statement's sentence does not name ("on Saturdays" for "at weekends")?"""

    preps, head_of = _reader(ctx.lang)
    heads = (head_of(ctx.text, ctx.toks, k) for k, t in enumerate(ctx.toks) if t.raw.lower() in preps)
    return any(h is not None and h.canon not in rest for h in heads)
