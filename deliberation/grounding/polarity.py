"""Stance and direction: the negators (:mod:`.negators`), stance words and direction words of a
clause, each with the content words around it; whether a draft clause reverses the aligned source
clause is :mod:`.flip`'s."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import wordnet as wn
from .evaluation import evaluations
from .lexicon import AXES as _AXIS_RES
from .lexicon import alternation, entries, phrase_pattern, table, word_pattern
from .negators import _OPPOSED, _STANCE_GEGEN_VERBS, _negation_at, _window
from .patterns import _CONTRAST, _INFINITIVE_MARKERS, _NEG_IDIOMS, _REL_NEG, _SPEECH_VERBS, says_too
from .text import _Tok, _content_set, _tokenize, infinitive, split_sentences

@dataclass
class _Clause:
    text: str
    toks: list[_Tok]
    content: set[str]


def _clauses(text: str, pattern: re.Pattern[str]) -> list[_Clause]:
    parts = [p for p in pattern.split(text) if p and p.strip()]
    out = []
    for p in parts:
        toks = _tokenize(p)
        out.append(_Clause(p, toks, _content_set(toks)))
    return out



_NEGATING_PHRASE_RE = "|".join(r"\s+".join(p.split()) for p in entries("negating_phrases"))
#: where a clause ends for the stance check: a contrast, a dash, a reason or consequence ("so",
#: "because", ", weil"; "so" only where it means "therefore": "so many" goes on), and before
#: "rather than" / "instead of" (what they negate is not what the clause before asks for)
_POLARITY_SPLIT = re.compile(
    _CONTRAST.pattern + r"|\s+[-–—]\s+|\s*(?:"
    rf",\s*(?:{alternation('clause_links_after_comma')})\b|\s+(?:{alternation('clause_links')})\b"
    rf"|\s+(?:{alternation('result_words')})\s+(?!(?:{alternation('result_word_exceptions')})\b)(?=[a-z])"
    r")\s*"
    # before "rather than" / "instead of", which stay with what they negate
    rf"|,?\s+(?=(?:{_NEGATING_PHRASE_RE})\b)",
    re.I,
)


@dataclass
class _PolarityInfo:
    # (axis or "neg", pole, token index, window of content stems, surface word)
    occ: list[tuple[str, int, int, set[str], str]]
    #: token indices of negators with an exception word after them in their clause ("not ... except")
    excepted: frozenset[int] = frozenset()
    #: whether the clause says "only" (an only_words word)
    only: bool = False
    #: token indices of negators that name a rejected alternative (:func:`_contrast_negators`):
    #: "buses, not new roads", "buses rather than roads"
    contrast: frozenset[int] = frozenset()


#: "except", "außer": a negation before one says "only" ("should not block them except under rare
#: conditions" = "should block them only under rare conditions"), unless it begins an idiom that
#: names no exception ("bis auf Weiteres"); ONLY: the words that say it
EXCEPTION = re.compile(
    rf"\b(?!(?:{alternation('exception_idioms')})\b)(?:{alternation('exception_words')})\b", re.I
)
ONLY = phrase_pattern("only_words")
_ONLY_IDIOMS = phrase_pattern("only_idioms")


def says_only(text: str) -> bool:
    """Does ``text`` say "only" of its claim (not "the only country", "not only")?"""
    return bool(ONLY.search(_ONLY_IDIOMS.sub(" ", text)))


_PROTECT_VERBS = set(entries("protect_words"))
_STOP_VERB_CONTEXT = word_pattern("stop_verb_before")
#: "against" (a stance unless after a protect word), "gegen" (a preposition unless after a stance word)
_AGAINST_PREPOSITIONS = set(entries("against_prepositions"))
_AGAINST = set(entries("against_words")) | _AGAINST_PREPOSITIONS
#: "for" after a noun of an act ("action for the pay deal"): the act's aim, opposite to "against" there
_ACT_FOR = set(entries("act_for_words"))
_FREE, _FREE_PARTICLES = set(entries("free_words")), set(entries("free_particles"))
_STOP_VERBS = set(entries("stop_verbs"))
#: "start" / "quit": on the existence axis only before the doing they begin or end ("quit smoking")
_ASPECT_VERBS = set(entries("aspect_verbs"))
#: "take up" / "give up" before an -ing word: a doing begun (+1) or ended (-1)
_PHRASAL_ASPECT = {w: 1 for w in entries("aspect_phrasal_begin")} | {w: -1 for w in entries("aspect_phrasal_end")}
_ASPECT_PARTICLES = set(entries("aspect_particles"))
_KEEP, _KEEP_AWAY = set(entries("keep_words")), set(entries("keep_away_particles"))
#: "keep" points down when a keep_away_particles word follows within this many tokens ("kept away")
KEEP_AWAY_REACH = 6
_COMPARATIVES = set(entries("comparative_words"))
_COMPARATIVE_ENDINGS = tuple(entries("comparative_adjective_endings"))
#: "on" / "off" before a determiner: switched on (+1) or off (-1)
_SWITCH: dict[str, int] = table("switch_words")
_SWITCH_DETERMINERS = set(entries("switch_determiners"))


#: the WordNet noun domain of an act ("enforcement", "fight", "action"): "against" after one says
#: what the act is aimed at, no stance of the speaker
ACT_DOMAIN = "noun.act"
#: the axis of an act's aim: "against" (-1) or "for" (+1) after a noun of an act. Neither is a stance of
#: the speaker, so it counts only paired with the other clause's aim on the same words: "action for
#: the pay deal" drafted as "action against the pay deal" is reversed; "enforcement of junk cars"
#: drafted as "enforcement against junk cars" is not
AIM_AXIS = "aim"
_DETERMINERS = frozenset(entries("determiners"))


def _aimed_act(raws: list[str], k: int) -> bool:
    """Is "against" (or "for") at ``k`` aimed by the act the noun before it names ("tougher enforcement against
    junk cars" = "enforcement of junk cars", "the fight against gerrymandering" = "fighting
    gerrymandering"): a word whose first noun sense is an act (:data:`ACT_DOMAIN`), used as a noun
    (usually one, or after a determiner)? Stance verbs before "against" are read first ("vote against")."""

    prev = raws[k - 1].lower()
    if wn.wordnet() is None or wn.noun_domain(prev) != ACT_DOMAIN:
        return False
    return wn.usual_pos(prev) == "n" or (k >= 2 and raws[k - 2].lower() in _DETERMINERS)


#: negators written short ("w/o"): the word each stands for (abbreviated_negators)
_ABBREVIATED_NEGATORS: dict[str, str] = {k.lower(): v for k, v in table("abbreviated_negators").items()}
_ABBREVIATED_NEGATOR = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(k) for k in sorted(_ABBREVIATED_NEGATORS, key=len, reverse=True)) + r")(?!\w)",
    re.I) if _ABBREVIATED_NEGATORS else None


def _stance_at(toks: list[_Tok], raws: list[str], k: int, window: int) -> tuple[bool, tuple | None]:
    """Is token ``k`` a stance or aim word ("against", "free of", "give up smoking"), or a word that
    stays off the axes where it stands ("opposed to" after a noun, "starts the day"), and if so its
    entry for :class:`_PolarityInfo` (None for one that stays off): (whether it is read here, the entry)."""

    w = raws[k]
    lw = w.lower()
    if lw in _OPPOSED and k > 0 and raws[k - 1].lower() not in _STANCE_GEGEN_VERBS:
        return True, None  # "(as) opposed to X" after a noun: "instead of X", no stance
    if lw in _AGAINST and k > 0 and raws[k - 1].lower() not in _STANCE_GEGEN_VERBS:
        if lw in _AGAINST_PREPOSITIONS or raws[k - 1].lower() in _PROTECT_VERBS:
            return True, None  # preposition: "hilft gegen die Hitze", "protect against floods"
        if _aimed_act(raws, k):  # "the fight against fraud": the act's aim, no stance of the speaker
            return True, (AIM_AXIS, -1, k, _window(toks, k, window, forward_only=True), w)
    if lw in _ACT_FOR and k > 0 and _aimed_act(raws, k):  # "action for the pay deal"
        return True, (AIM_AXIS, 1, k, _window(toks, k, window, forward_only=True), w)
    if lw in _FREE and k + 1 < len(toks) and toks[k + 1].raw.lower() in _FREE_PARTICLES:
        return True, ("neg", -1, k, _window(toks, k, 2 * window, forward_only=True), "free of")
    if lw in _STOP_VERBS:
        prev = raws[k - 1] if k > 0 else ""
        nxt = raws[k + 1] if k + 1 < len(raws) else ""
        verb = k == 0 or _STOP_VERB_CONTEXT.match(prev) or nxt.lower().endswith("ing")
        if not verb:
            return True, None
    if lw in _PHRASAL_ASPECT and k + 2 < len(raws) and raws[k + 1].lower() in _ASPECT_PARTICLES \
            and raws[k + 2].lower().endswith("ing"):  # "take up cycling", "give up smoking"
        return True, ("existence", _PHRASAL_ASPECT[lw], k, _window(toks, k + 1, window + 1), f"{w} {raws[k + 1]}")
    if lw in _ASPECT_VERBS and not (k + 1 < len(raws) and (raws[k + 1].lower().endswith("ing")
                                                             or raws[k + 1].lower() in _INFINITIVE_MARKERS)):
        return True, None  # "starts the day": no doing begun or ended
    return False, None


def _direction_at(toks: list[_Tok], raws: list[str], k: int, window: int) -> tuple | None:
    """The entry for :class:`_PolarityInfo` of token ``k`` as an action or direction word (ban /
    allow, more / fewer, on / off; "too" inverting it), else None."""

    w = raws[k]
    lw = w.lower()
    inf = infinitive(w)  # "gestoppt" is on the axis of "stoppen"
    for axis, (neg_class, pos_re, neg_re) in _AXIS_RES.items():
        pole = 1 if pos_re.match(w) or pos_re.match(inf) else (-1 if neg_re.match(w) or neg_re.match(inf) else 0)
        if not pole:
            continue
        nxt = raws[k + 1] if k + 1 < len(raws) else ""
        if lw in _COMPARATIVES and (_AXIS_RES["cost"][1].match(nxt) or nxt.lower().endswith(_COMPARATIVE_ENDINGS)):
            return None  # "more convenient": a comparative, not a quantity
        if k > 0 and says_too(raws[k - 1], w):
            pole = -pole  # "too high" = wants it lower
        if axis == "existence" and lw in _KEEP and any(
            x.lower() in _KEEP_AWAY for x in raws[k + 1 : k + 1 + KEEP_AWAY_REACH]
        ):
            pole = -1  # "keep lorries out of the high street", "keeps people from jobs"
        return axis, pole, k, _window(toks, k, window + 1 if neg_class else window), w
    if lw in _SWITCH and k + 2 < len(toks) and toks[k + 1].raw.lower() in _SWITCH_DETERMINERS:
        return "onoff", _SWITCH[lw], k, _window(toks, k, window), w
    return None


def _polarity(clause: str, window: int) -> _PolarityInfo:
    """Negators and stance words of a clause, each with the content words around it."""

    if _ABBREVIATED_NEGATOR is not None:  # "w/out" is "without"
        clause = _ABBREVIATED_NEGATOR.sub(lambda m: _ABBREVIATED_NEGATORS[m.group(0).lower()], clause)
    text = _NEG_IDIOMS.sub(lambda m: " " * len(m.group(0)), clause)
    text = _REL_NEG.sub(
        lambda m: m.group(0) if m.group(1).lower() in _SPEECH_VERBS else m.group(1) + " " * (len(m.group(0)) - len(m.group(1))),
        text,
    )
    toks = _tokenize(text)
    raws = [t.raw for t in toks]
    occ: list[tuple[str, int, int, set[str], str]] = []
    evaluated = evaluations(toks)  # "is not a good idea": a stance on its subject
    for k in range(len(toks)):
        read, entry = _negation_at(text, toks, raws, k, window)
        if not read and k in evaluated:
            read, entry = True, ("stance", evaluated[k][0], k, evaluated[k][1], raws[k])
        if not read:
            read, entry = _stance_at(toks, raws, k, window)
        if not read:
            entry = _direction_at(toks, raws, k, window)
        if entry is not None:
            occ.append(entry)
    exception = EXCEPTION.search(text)
    excepted = frozenset(k for axis, _, k, _, _ in occ
                         if axis == "neg" and exception and toks[k].start < exception.start())
    return _PolarityInfo(occ, excepted, says_only(text), _contrast_negators(text, toks, occ))


#: "rather than", "instead of", "statt": a negator that is one of these names a rejected alternative
_ALTERNATIVE_LINK = re.compile(rf"(?:{alternation('alternative_links')})", re.I)
#: a plain negator right after one of these marks ("buses, not roads", "buses -- not roads") or
#: contrast_negator_links words ("buses and not roads") names a rejected alternative too
_CONTRAST_MARKS = (",", "-", "\u2013", "\u2014")
_CONTRAST_NEGATOR_LINKS = frozenset(w.lower() for w in entries("contrast_negator_links"))


def _contrast_negators(text: str, toks: list[_Tok], occ: list) -> frozenset[int]:
    """The negators of a clause that name what it rejects in favour of what it asks for ("fund
    buses, not new roads", "treatment rather than prison", "Busse statt Straßen"). Such a negator
    negates only its alternative: it cannot make up for a negation that a draft puts on what the
    clause asks for ("should not fund buses"; :func:`.flip._balance_negations`)."""

    out = set()
    for axis, _, k, _, w in occ:
        if axis != "neg":
            continue
        before = text[: toks[k].start].rstrip()
        prev = toks[k - 1].raw.lower() if k else ""
        if _ALTERNATIVE_LINK.fullmatch(w) or before.endswith(_CONTRAST_MARKS) or prev in _CONTRAST_NEGATOR_LINKS:
            out.add(k)
    return frozenset(out)


def _polarity_by_clause(text: str, window: int) -> _PolarityInfo:
    """Like :func:`_polarity`, but word windows stop at clause boundaries ("so", "because", ";")."""

    parts = [p for p in _POLARITY_SPLIT.split(text) if p and p.strip()]
    if len(parts) <= 1:
        return _polarity(text, window)
    occ, excepted, only, contrast = [], set(), False, set()
    for n, part in enumerate(parts):
        info = _polarity(part, window)
        for axis, pole, k, win, w in info.occ:
            occ.append((axis, pole, n * 10_000 + k, win, w))
        excepted |= {n * 10_000 + k for k in info.excepted}
        contrast |= {n * 10_000 + k for k in info.contrast}
        only = only or info.only
    return _PolarityInfo(occ, frozenset(excepted), only, frozenset(contrast))


def exception_kept(draft: str, m: re.Match[str]) -> bool:
    """Is the condition word ``m`` an exception ("except under rare conditions") that the draft
    restates with "only" ("only in rare situations") or with an exception of its own ("apart
    from"): the draft keeps the restriction (:data:`EXCEPTION`)?"""

    return bool(EXCEPTION.fullmatch(m.group(0)) and (says_only(draft) or EXCEPTION.search(draft)))


_THAN = phrase_pattern("comparison_words")


def _comparison_swapped(a: str, b: str) -> bool:
    """"X is safer than Y" versus "Y is safer than X"."""

    ma, mb = _THAN.search(a), _THAN.search(b)
    if not ma or not mb:
        return False
    a1, a2 = _content_set(_tokenize(a[: ma.start()])), _content_set(_tokenize(a[ma.end() :]))
    b1, b2 = _content_set(_tokenize(b[: mb.start()])), _content_set(_tokenize(b[mb.end() :]))
    crossed = len(a2 & b1) + len(a1 & b2)
    straight = len(a1 & b1) + len(a2 & b2)
    return bool(a2 & b1) and bool(a1 & b2) and crossed > straight


def _source_units(text: str) -> list[tuple[_Clause, _Clause]]:
    units: list[tuple[_Clause, _Clause]] = []
    for sent in split_sentences(text) or [text]:
        stoks = _tokenize(sent)
        parent = _Clause(sent, stoks, _content_set(stoks))
        parts = _clauses(sent, _POLARITY_SPLIT)
        if len(parts) > 1:
            units.extend((p, parent) for p in parts)
        units.append((parent, parent))
    return units
