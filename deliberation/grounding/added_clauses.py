"""A condition, a place or a purpose that a draft adds to a statement in a clause of its own, in
English and German: "The city should build bike lanes." -> "The city should build bike lanes only
when there is money" / "..., where nobody lives" / "Die Stadt soll Radwege bauen, damit niemand
fährt". The claim then holds only under the draft's condition, at the draft's place or for the
draft's aim: a meaning the statement does not give, though the clause adds too few new words for
:func:`.checks.check_added_content`'s share.

A clause opens with a word of one of the groups of ``added_clause_openers`` (data/<lang>.toml:
``condition``, ``place``, ``purpose``) and runs to the next punctuation. It is added when the
cited statements open no clause of that group (nor, for a condition, set one or restrict their claim
in other words: "until", "only", "nur mehr mit") and more than :data:`NEW_SHARE` of the clause's
content words are words no cited statement supports (:attr:`.checks.SentenceContext.novel`, nor
WordNet relates to one of theirs): the clause says something of its own, not the statement's
words in a clause ("when children are dropped off" for "at drop-off times"). Phrases that open with such a word but restrict nothing
("if possible", "when it comes to": ``added_clause_idioms``) and hedges ("if you ask me") are no
clause. A statement's own condition, dropped or kept, is :func:`.scope.check_scope`'s.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import wordnet as wn
from .checks import SentenceContext, _content_words_with_surface
from .lexicon import CONDITION, alternation, entries
from .meaning import _is_noun, _supported_by_wordnet
from .patterns import is_negator_word, says_too
from .scope import RESTRICTION
from .text import _Tok, _tokenize
from .problems import Problem, ProblemKind

#: the kinds of clause a draft may not add, each a list under ``added_clause_openers`` of a data file
GROUPS = ("condition", "place", "purpose")
#: an added clause says something of its own when more than this share of its content words are new
NEW_SHARE = 0.5
#: a clause whose new words name no thing ("if they were offered": a verb that says something of what
#: the sentence names) says something of its own only with at least this many new words
MIN_NEW_WITHOUT_NOUN = 2
#: a clause of at most this many words, all content words, has no subject: it is said of the
#: sentence's own claim ("if asked", "falls gewünscht"), and one new word is a condition of its own
ELLIPTIC_MAX_WORDS = 2
#: a condition said as a phrase ("bei Bedarf", "in case of heavy rain") runs at most this many
#: words after its preposition, to its first noun
PHRASE_REACH = 3
#: German: the ending of a participle or a predicative adjective ("gewünscht", "nötig", "erforderlich")
_DE_PREDICATIVE = re.compile(r"(?:t|ig|lich|bar)$")
#: English: verbs after which a noun is a clause's subject ("where demand is high")
_SUBJECT_VERBS = frozenset(entries("added_clause_subject_verbs", "en")) | frozenset(entries("modal_verbs", "en"))
#: the people of a consultation: a clause's subject that restricts nothing ("where people can meet")
_PEOPLE = frozenset(entries("people_nouns", "en"))
#: where an added clause ends
_CLAUSE_END = re.compile(r"[,;:.!?()\[\]\"“”„]")
#: problems after which an added clause has nothing to add
_REPORTED = (ProblemKind.IRRELEVANT, ProblemKind.ADDED_CONTENT, ProblemKind.ADDED_REASON, ProblemKind.ADDED_ITEM)


@lru_cache(maxsize=None)
def _opener(group: str, lang: str) -> re.Pattern[str] | None:
    """The words of ``lang`` that open a clause of ``group``, as one pattern (None if it lists none)."""

    if not entries(f"added_clause_openers.{group}", lang):
        return None
    return re.compile(rf"\b(?:{alternation(f'added_clause_openers.{group}', lang)})\b", re.I)


@lru_cache(maxsize=None)
def _phrase_opener(group: str, lang: str) -> re.Pattern[str] | None:
    """The prepositions of ``lang`` that open a ``group`` as a phrase ("bei Bedarf"), as one pattern."""

    if not entries(f"added_phrase_openers.{group}", lang):
        return None
    return re.compile(rf"\b(?:{alternation(f'added_phrase_openers.{group}', lang)})\b", re.I)


@lru_cache(maxsize=None)
def _otherwise(lang: str) -> re.Pattern[str]:
    """The words of ``lang`` that say what happens when a claim's condition is not met ("otherwise")."""

    return re.compile(rf"\b(?:{alternation('otherwise_words', lang)})\b", re.I)


@lru_cache(maxsize=None)
def _idioms(lang: str) -> re.Pattern[str]:
    """Phrases of ``lang`` that open with a clause word but restrict nothing, and its hedges."""

    return re.compile(rf"\b(?:{alternation('added_clause_idioms', lang)}|{alternation('hedges', lang)})\b", re.I)


def _masked(text: str, lang: str) -> str:
    return _idioms(lang).sub(lambda m: " " * len(m.group(0)), text)


def _sets_a_condition(sources: str, lang: str) -> bool:
    """Do the cited statements (their text ``sources``) set a condition or restrict their claim,
    or say what happens if it is not met ("Sonst Importverbot!": "bei Verstößen" restates it)?"""

    return bool(CONDITION.search(sources) or RESTRICTION.search(sources) or _otherwise(lang).search(sources))


def check_added_clause(ctx: SentenceContext) -> list[Problem]:
    """A condition, place or purpose clause of the draft sentence that the statement it restates
    does not have, with a word of its own (see the module's description)."""

    if ctx.lang not in ("en", "de") or not ctx.relevant or ctx.has(*_REPORTED):
        return []
    text = _masked(ctx.text, ctx.lang)
    sources = _masked(" ".join(s.text for s in ctx.cited), ctx.lang)
    for group in GROUPS:
        pattern, phrase = _opener(group, ctx.lang), _phrase_opener(group, ctx.lang)
        if pattern is None or pattern.search(sources) or (phrase is not None and phrase.search(sources)) \
                or (group == "condition" and _sets_a_condition(sources, ctx.lang)):
            continue
        spans = [(m.start(), m.end(), _clause_end(text, m.end()), True) for m in pattern.finditer(text)]
        spans += [(m.start(), m.end(), _phrase_end(ctx, text, m.end()), False) for m in (phrase.finditer(text) if phrase else ())]
        if group == "purpose" and ctx.lang == "en" and not any(_infinitives(s.text, s.toks) for s in ctx.cited):
            spans += _infinitives(text, ctx.toks)
        for start, lo, hi, clause_opener in spans:
            new = _new_words(ctx, lo, hi, clause_opener)
            if new:
                clause = " ".join(ctx.text[start:hi].split())
                return [Problem(ProblemKind.ADDED_CONTENT,
                                f"adds a {group} ('{clause}') that {ctx.who} {ctx.does} not set: '{new[0]}'",
                                {"statements": ctx.cited_ids, "words": new, "clause": clause})]
    return []


def _clause_end(text: str, lo: int) -> int:
    end = _CLAUSE_END.search(text, lo)
    return end.start() if end else len(text)


def _phrase_end(ctx: SentenceContext, text: str, lo: int) -> int:
    """Where a condition said as a phrase from ``lo`` ends: after its first noun within
    :data:`PHRASE_REACH` words, else at the clause's end."""

    hi = _clause_end(text, lo)
    inside = [(k, t) for k, t in enumerate(ctx.toks) if lo <= t.start < hi][:PHRASE_REACH]
    return next((t.end for k, t in inside if _is_noun(t, ctx.lang, k, ctx.toks)), hi)


def _new_words(ctx: SentenceContext, lo: int, hi: int, may_be_elliptic: bool = False) -> list[str]:
    """The words of the draft's clause between ``lo`` and ``hi`` that no cited statement says, when
    they say something of the clause's own: more than :data:`NEW_SHARE` of its content words, and
    a noun among them or at least :data:`MIN_NEW_WITHOUT_NOUN` new words, a negator or "too" the
    statements do not use counting ("wo niemand wohnt", "unless it costs too much") and an expression
    WordNet knows as one ("come together"), or a subject that is no content word ("where demand is
    high"); after a clause opener (``may_be_elliptic``), a clause with no subject and a new word
    ("if asked"); else none."""

    toks = [(k, t) for k, t in enumerate(ctx.toks) if lo <= t.start < hi]
    elliptic = _elliptic(ctx, [t for _, t in toks]) if may_be_elliptic else []
    if elliptic:
        return elliptic
    words = {t.canon: t for _, t in toks if t.content}
    new = {c: t for c, t in words.items() if c in ctx.novel and not t.raw[:1].isdigit()
           and not _supported_by_wordnet(ctx, t.raw)}
    if not new or len(new) / len(words) <= NEW_SHARE:
        return []
    if any(_is_noun(t, ctx.lang, k, ctx.toks) for k, t in toks if t.canon in new):
        return [t.raw for t in new.values()]
    subject = _unsaid_subject(ctx, toks)
    if subject:
        return [t.raw for t in new.values()] + [subject]
    said = {t.raw.lower() for s in ctx.cited for t in s.toks}
    extra = [t.raw for k, t in toks if t.raw.lower() not in said and not t.content and (
        is_negator_word(t.raw) or (k + 1 < len(ctx.toks) and says_too(t.raw, ctx.toks[k + 1].raw)))]
    # an expression WordNet knows is one word ("come together")
    joined = sum(1 for (_, a), (_, b) in zip(toks, toks[1:]) if a.canon in new and b.canon in new
                 and wn.wordnet() is not None and wn.is_known(f"{a.raw} {b.raw}"))
    count = len(new) - joined + len(extra)
    return [t.raw for t in new.values()] + extra if count >= MIN_NEW_WITHOUT_NOUN else []


def _elliptic(ctx: SentenceContext, toks: list[_Tok]) -> list[str]:
    """The clause's words when it has no subject and says a condition of the claim's own with a word
    the statements do not use: at most :data:`ELLIPTIC_MAX_WORDS` words, the first a participle or
    an adjective ("if asked", "when ready", "falls gewünscht"; not "if so", "wenn ja")."""

    if not toks or len(toks) > ELLIPTIC_MAX_WORDS or not all(t.raw.isalpha() for t in toks):
        return []
    first = toks[0].raw
    if ctx.lang == "en":
        shape = wn.wordnet() is not None and wn.usual_pos(first) in ("v", "a")
    else:
        shape = first.islower() and bool(_DE_PREDICATIVE.search(first))
    said = {t.raw.lower() for s in ctx.cited for t in s.toks}
    if not shape or first.lower() in said or _supported_by_wordnet(ctx, first):
        return []
    return [t.raw for t in toks]


def _unsaid_subject(ctx: SentenceContext, toks: list[tuple[int, _Tok]]) -> str:
    """English: a word of the clause WordNet knows as a noun that stands before a form of 'be' or
    'have' or a modal verb and that no cited statement says ("where demand is high"), though it is
    no content word, and that names no people ("where people can meet" says where, not when); else ''."""

    if ctx.lang != "en" or wn.wordnet() is None:
        return ""
    said = {t.canon for s in ctx.cited for t in s.toks}
    for (_, t), (_, nxt) in zip(toks, toks[1:]):
        if t.raw.isalpha() and t.canon not in said and nxt.raw.lower() in _SUBJECT_VERBS and wn.is_known(t.raw, "n") \
                and t.raw.lower() not in _PEOPLE:
            return t.raw
    return ""


def _infinitives(text: str, toks: list[_Tok]) -> list[tuple[int, int, int, bool]]:
    """English: (start, start of its words, end, False: no clause opener) of each purpose infinitive of ``text``: 'to' and a
    verb right after a noun that ends the clause's object ("plant trees to attract tourists"; the
    noun and the verb as WordNet usually reads them)."""

    if wn.wordnet() is None:
        return []
    out = []
    for k in range(1, len(toks) - 1):
        prev, to, verb = toks[k - 1], toks[k], toks[k + 1]
        if to.raw.lower() == "to" and prev.content and prev.raw.isalpha() and not _CLAUSE_END.search(text, prev.end, verb.start) \
                and wn.usual_pos(prev.raw) == "n" and wn.usual_pos(verb.raw) == "v":
            out.append((to.start, to.end, _clause_end(text, to.end), False))
    return out
