"""Stance and direction: negators, stance words and direction words of a clause, and whether
a draft clause reverses the aligned source clause."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

from . import wordnet as wn
from .lexicon import AXES as _AXIS_RES
from .lexicon import alternation, entries, phrase_pattern, table, word_pattern
from .patterns import (
    _AVOID,
    _CJK_NEGATORS,
    _CJK_NOT_NEGATION,
    _CONTRAST,
    _FAIL_TO,
    _INFINITIVE_MARKERS,
    _NEG_IDIOMS,
    _REL_NEG,
    _SPEECH_VERBS,
    _TOO,
    is_negator_word,
    says_too,
)
from .text import _CJK, _Tok, _content_set, _tokenize, _word_canon, infinitive, split_sentences

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


#: "except", "außer": a negation before one says "only" ("should not block them except under rare
#: conditions" = "should block them only under rare conditions"), unless it begins an idiom that
#: names no exception ("bis auf Weiteres"); ONLY: the words that say it
EXCEPTION = re.compile(
    rf"\b(?!(?:{alternation('exception_idioms')})\b)(?:{alternation('exception_words')})\b", re.I
)
ONLY = phrase_pattern("only_words")


_STANCE_GEGEN_VERBS = set(entries("stance_before_against"))
_PROTECT_VERBS = set(entries("protect_words"))
_STOP_VERB_CONTEXT = word_pattern("stop_verb_before")
_OPPOSED = set(entries("opposed_words"))
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
#: "rather than", "instead of": (first word, second word) of phrases that negate like "not"
_NEGATING_PHRASES = {tuple(p.lower().split()) for p in entries("negating_phrases")}
#: quantity words that say which way a statement wants a thing only after "too", and that way
#: ("too many" wants fewer: +1 inverted by "too"; "too few" wants more; "too little" (-1) negates
#: like "not enough")
_TOO_QUANTITY: dict[str, int] = table("too_quantity_words")


_NON_GERUNDS = set(entries("avoid_non_gerunds"))


def _avoids_doing(raws: list[str], k: int) -> bool:
    """Does the avoid_verbs word at ``k`` govern a gerund ("avoid discussing the budget" = "not
    discuss")? Not "avoid anything", nor a noun in -ing before a noun ("avoid parking fees",
    "avoid housing costs"): with WordNet, the -ing word must be a verb and, where it is also a
    noun, not be followed by a word that is usually a noun."""

    nxt = raws[k + 1].lower() if k + 1 < len(raws) else ""
    if not nxt.endswith("ing") or nxt in _NON_GERUNDS:
        return False
    if wn.wordnet() is None:
        return True
    if not wn.is_known(nxt, "v"):
        return False
    after = raws[k + 2].lower() if k + 2 < len(raws) else ""
    return not (wn.is_known(nxt, "n") and after and wn.is_noun(after))


#: the kind of a negation that a clause implies without a negator ("too cheap to cover" = "does not
#: cover"): it counts only against a negator of the other clause (:func:`_balance_negations`)
IMPLIED_NEGATION = "implied_neg"
#: "protected from", "geschützt vor": a shield_particles word at most SHIELD_REACH tokens after a
#: shield_verbs word negates what follows it
_SHIELD_VERBS = frozenset(w.lower() for w in entries("shield_verbs"))
_SHIELD_PARTICLES = frozenset(w.lower() for w in entries("shield_particles"))
SHIELD_REACH = 3
#: negators that negate the words before them when nothing follows them in their clause
_BACKWARD_NEGATORS = frozenset(w.lower() for w in entries("backward_negators"))
#: "rather", "lieber": a preference_than_words word ("than", "als") after one, within
#: PREFERENCE_REACH tokens, negates what follows it like "instead of" ("lieber leben als konsumieren"
#: = "leben statt konsumieren")
_PREFERENCE = frozenset(w.lower() for w in entries("preference_words"))
_PREFERENCE_THAN = frozenset(w.lower() for w in entries("preference_than_words"))
PREFERENCE_REACH = 5
#: "(as) opposed to X" after a noun: "instead of X"
_OPPOSED_TO = frozenset((o, t) for o in _OPPOSED for t in _INFINITIVE_MARKERS)


def _contrast_phrase(raws: list[str], k: int) -> str:
    """The phrase at ``k`` that negates what follows it as "not" does and says what is wanted instead
    ("instead of", "rather than", "opposed to" after a noun; "than" / "als" after "rather" / "lieber"
    earlier in the clause, which the phrase then names first: "lieber als"), else ""."""

    lw = raws[k].lower()
    nxt = raws[k + 1].lower() if k + 1 < len(raws) else ""
    prev = raws[k - 1].lower() if k else ""
    if (lw, nxt) in _NEGATING_PHRASES or ((lw, nxt) in _OPPOSED_TO and prev not in _STANCE_GEGEN_VERBS):
        return f"{raws[k]} {raws[k + 1]}"
    if lw in _PREFERENCE_THAN and prev not in _PREFERENCE:
        at = [i for i in range(max(0, k - PREFERENCE_REACH), k) if raws[i].lower() in _PREFERENCE]
        # not "rather" = "somewhat" before an adjective or adverb ("rather higher than", "rather
        # more than"): a preference is for doing or having something
        if at and not (wn.wordnet() is not None and wn.usual_pos(raws[at[-1] + 1].lower()) in _ADJECTIVE_POS):
            return f"{raws[at[-1]]} {raws[k]}"
    return ""


_TOO_PURPOSE = frozenset(w.lower() for w in entries("too_purpose_markers"))
_ADJECTIVE_POS = ("a", "s", "r")
#: how a German infinitive ends ("bauen"): a word with it after "zu" is no adjective
_INFINITIVE_ENDING = "en"


def _too_to_negator(raws: list[str], k: int) -> bool:
    """Is the word at ``k`` a too_purpose_markers word after "too" and an adjective ("too cheap to",
    "zu billig, um"): what follows it does not happen? The word between must be an adjective or
    adverb where WordNet knows it, else no infinitive ("zu bauen, um" is none)."""

    if raws[k].lower() not in _TOO_PURPOSE or k < 2 or not _TOO.match(raws[k - 2]):
        return False
    between = raws[k - 1].lower()
    if wn.wordnet() is not None and wn.is_known(between):
        return any(wn.is_known(between, pos) for pos in _ADJECTIVE_POS)
    return not between.endswith(_INFINITIVE_ENDING)


def _window(toks: list[_Tok], k: int, w: int, forward_only: bool = False) -> set[str]:
    """The content words at most ``w`` tokens around token ``k`` (only after it if ``forward_only``)."""

    lo, hi = (k + 1 if forward_only else max(0, k - w)), min(len(toks), k + w + 1)
    return {toks[x].canon for x in range(lo, hi) if x != k and toks[x].content}


def _negated_words(toks: list[_Tok], k: int, w: int) -> set[str]:
    """What the negator at ``k`` negates: the words after it; for one of the backward_negators
    that ends its clause ("darf es nicht geben", "slow internet or none"), the words before it."""

    ahead = _window(toks, k, w, forward_only=True)
    if ahead or toks[k].raw.lower() not in _BACKWARD_NEGATORS:
        return ahead
    return {toks[x].canon for x in range(max(0, k - w), k) if toks[x].content}


def _shield_verb(raws: list[str], k: int) -> str:
    """The shield_verbs word at most SHIELD_REACH tokens before or after the shield_particles word
    at ``k`` ("protected" in "protected from cuts", "geschützt" in "vor Kürzungen geschützt"), else ""."""

    if raws[k].lower() not in _SHIELD_PARTICLES:
        return ""
    near = list(reversed(raws[max(0, k - SHIELD_REACH) : k])) + raws[k + 1 : k + 1 + SHIELD_REACH]
    return next((x for x in near if x.lower() in _SHIELD_VERBS), "")


def _negation_at(text: str, toks: list[_Tok], raws: list[str], k: int, window: int) -> tuple[bool, tuple | None]:
    """Is token ``k`` (of ``toks``, whose words are ``raws``) a negation, and if so its entry for
    :class:`_PolarityInfo` (None for a CJK negator that is none): (whether it is read as one, the entry)."""

    w = raws[k]
    if w in _CJK_NEGATORS:
        if w + (raws[k + 1] if k + 1 < len(raws) else "") in _CJK_NOT_NEGATION:
            return True, None
        following = [x for x in raws[k + 1 : k + 6] if _CJK.match(x)]
        return True, ("neg", -1, k, {a + b for a, b in zip(following, following[1:])}, w)
    phrase = _contrast_phrase(raws, k)
    if phrase:
        # "instead of working for it, producing ...": what it negates ends at a comma
        last = k + len(phrase.split()) - 1 if phrase.split()[0] == w.lower() else k
        comma = text.find(",", toks[last].end)
        # its first content words, however many function words come first ("rather than for
        # those over 75 and in failing health")
        after = [t.canon for t in toks[last + 1:] if t.content and (comma < 0 or t.start < comma)]
        governed = set(after[:3 * window])
        return True, ("neg", -1, k, governed, phrase)
    shield = _shield_verb(raws, k)
    if shield:
        # "funding protected from cuts" = "funding not cut"
        return True, ("neg", -1, k, _window(toks, k, 3 * window, forward_only=True), f"{shield} {w}")
    if _too_to_negator(raws, k):
        # "too cheap to cover the cost", "zu billig, um die Kosten zu decken": "does not cover";
        # it only balances a negation of the other side (:func:`_balance_negations`), as "too
        # hard to apply for" also says "applying is too hard"
        return True, (IMPLIED_NEGATION, -1, k, _negated_words(toks, k, 3 * window), f"{raws[k - 2]} {raws[k - 1]} {w}")
    if _TOO.match(w) and k + 1 < len(raws) and _TOO_QUANTITY.get(raws[k + 1].lower(), 0) < 0:
        # "does too little", "zu wenige": "not enough", a negation of what the clause asks for
        return True, ("neg", -1, k, _window(toks, k, 3 * window), f"{w} {raws[k + 1]}")
    if is_negator_word(w) or (
        _FAIL_TO.match(w) and k + 1 < len(raws) and raws[k + 1].lower() in _INFINITIVE_MARKERS
    ) or (_AVOID.match(w) and _avoids_doing(raws, k)):
        return True, ("neg", -1, k, _negated_words(toks, k, 3 * window), w)
    return False, None


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

    def win(k: int, w: int, forward_only: bool = False) -> set[str]:
        return _window(toks, k, w, forward_only)

    for k, t in enumerate(toks):
        w = t.raw
        lw = w.lower()
        negation, entry = _negation_at(text, toks, raws, k, window)
        if negation:
            if entry is not None:
                occ.append(entry)
            continue
        if lw in _OPPOSED and k > 0 and raws[k - 1].lower() not in _STANCE_GEGEN_VERBS:
            continue  # "(as) opposed to X" after a noun: "instead of X", no stance
        if lw in _AGAINST and k > 0 and raws[k - 1].lower() not in _STANCE_GEGEN_VERBS:
            if lw in _AGAINST_PREPOSITIONS or raws[k - 1].lower() in _PROTECT_VERBS:
                continue  # preposition: "hilft gegen die Hitze", "protect against floods"
            if _aimed_act(raws, k):  # "the fight against fraud": the act's aim, no stance of the speaker
                occ.append((AIM_AXIS, -1, k, win(k, window, forward_only=True), w))
                continue
        if lw in _ACT_FOR and k > 0 and _aimed_act(raws, k):  # "action for the pay deal"
            occ.append((AIM_AXIS, 1, k, win(k, window, forward_only=True), w))
            continue
        if lw in _FREE and k + 1 < len(toks) and toks[k + 1].raw.lower() in _FREE_PARTICLES:
            occ.append(("neg", -1, k, win(k, 2 * window, forward_only=True), "free of"))
            continue
        if lw in _STOP_VERBS:
            prev = raws[k - 1] if k > 0 else ""
            nxt = raws[k + 1] if k + 1 < len(raws) else ""
            verb = k == 0 or _STOP_VERB_CONTEXT.match(prev) or nxt.lower().endswith("ing")
            if not verb:
                continue
        if lw in _PHRASAL_ASPECT and k + 2 < len(raws) and raws[k + 1].lower() in _ASPECT_PARTICLES \
                and raws[k + 2].lower().endswith("ing"):  # "take up cycling", "give up smoking"
            occ.append(("existence", _PHRASAL_ASPECT[lw], k, win(k + 1, window + 1), f"{w} {raws[k + 1]}"))
            continue
        if lw in _ASPECT_VERBS and not (k + 1 < len(raws) and (raws[k + 1].lower().endswith("ing")
                                                                 or raws[k + 1].lower() in _INFINITIVE_MARKERS)):
            continue  # "starts the day": no doing begun or ended
        inf = infinitive(w)  # "gestoppt" is on the axis of "stoppen"
        for axis, (neg_class, pos_re, neg_re) in _AXIS_RES.items():
            pole = 1 if pos_re.match(w) or pos_re.match(inf) else (-1 if neg_re.match(w) or neg_re.match(inf) else 0)
            if not pole:
                continue
            nxt = raws[k + 1] if k + 1 < len(raws) else ""
            if lw in _COMPARATIVES and (_AXIS_RES["cost"][1].match(nxt) or nxt.lower().endswith(_COMPARATIVE_ENDINGS)):
                break  # "more convenient": a comparative, not a quantity
            if k > 0 and says_too(raws[k - 1], w):
                pole = -pole  # "too high" = wants it lower
            if axis == "existence" and lw in _KEEP and any(
                x.lower() in _KEEP_AWAY for x in raws[k + 1 : k + 1 + KEEP_AWAY_REACH]
            ):
                pole = -1  # "keep lorries out of the high street", "keeps people from jobs"
            occ.append((axis, pole, k, win(k, window + 1 if neg_class else window), w))
            break
        else:
            if lw in _SWITCH and k + 2 < len(toks) and toks[k + 1].raw.lower() in _SWITCH_DETERMINERS:
                occ.append(("onoff", _SWITCH[lw], k, win(k, window), w))
    exception = EXCEPTION.search(text)
    excepted = frozenset(k for axis, _, k, _, _ in occ
                         if axis == "neg" and exception and toks[k].start < exception.start())
    return _PolarityInfo(occ, excepted, bool(ONLY.search(text)))


def _polarity_by_clause(text: str, window: int) -> _PolarityInfo:
    """Like :func:`_polarity`, but word windows stop at clause boundaries ("so", "because", ";")."""

    parts = [p for p in _POLARITY_SPLIT.split(text) if p and p.strip()]
    if len(parts) <= 1:
        return _polarity(text, window)
    occ, excepted, only = [], set(), False
    for n, part in enumerate(parts):
        info = _polarity(part, window)
        for axis, pole, k, win, w in info.occ:
            occ.append((axis, pole, n * 10_000 + k, win, w))
        excepted |= {n * 10_000 + k for k in info.excepted}
        only = only or info.only
    return _PolarityInfo(occ, frozenset(excepted), only)


def exception_kept(draft: str, m: re.Match[str]) -> bool:
    """Is the condition word ``m`` an exception ("except under rare conditions") that the draft
    restates with "only" ("only in rare situations") or with an exception of its own ("apart
    from"): the draft keeps the restriction (:data:`EXCEPTION`)?"""

    return bool(EXCEPTION.fullmatch(m.group(0)) and (ONLY.search(draft) or EXCEPTION.search(draft)))


def _said_as_only(info: _PolarityInfo, other: _PolarityInfo) -> _PolarityInfo:
    """``info`` without its negators before an exception ("should not block them except under rare
    conditions") when the other clause says "only" instead ("should block them only under rare
    conditions"): the two say the same, neither negation nor "only" counts."""

    if not info.excepted or info.only or not other.only:
        return info
    return _PolarityInfo([o for o in info.occ if o[2] not in info.excepted], frozenset(), info.only)


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


_HARD_AXES = {"neg", "stance"}
#: an action word (ban / allow, stop / keep) at most this many tokens after a counted negator is
#: negated by it and counts with it ("not stop", "nicht verbieten")
NEGATED_ACTION_REACH = 2
# adjectives compared whenever both aligned clauses use one ("often broken" / "always working")
_KIND_PAIRED_AXES = {"stance", "condition", "noise", "speed"}
_SOFT_AXES = {"permission", "existence"}


class Flip(NamedTuple):
    """Whether a clause reverses the stance of its aligned source clause, and how."""

    flipped: bool
    #: in words (:func:`_describe_flip`), for the guard's message
    how: str = ""
    #: the draft's clause only adds negators the source's lacks (:mod:`.stance` may find them said elsewhere)
    adds_negation: bool = False
    #: the counted words of the draft's clause and of the source's that the other does not say
    draft_words: tuple[str, ...] = ()
    source_words: tuple[str, ...] = ()


def _stance_flip(s: _PolarityInfo, t: _PolarityInfo, s_content: set[str], t_content: set[str]) -> Flip:
    """Does clause ``s`` reverse the stance of the aligned source clause ``t``?

    * Negators (not, no, never, kein, nicht, ...) and stance words (support /
      oppose, against, gegen, ...) count when the words they govern occur in
      the other clause.
    * Action words (ban / allow, build / remove, keep / stop, close / open)
      count when the other clause has the same kind of word about the same
      thing, or when it has a counted negator or stance word.
    * Direction words (more / fewer, better / worse, cheap / expensive,
      on / off, with "too" inverting them) count only in pairs of the same
      kind whose surroundings overlap.

    The stance of a clause is the product of its counted poles; the source is
    reversed when the signs differ.
    """

    s, t = _said_as_only(s, t), _said_as_only(t, s)
    paired_s: set[int] = set()
    paired_t: set[int] = set()
    # the same word on both sides says the same ("too narrow" and "so narrow"): neither counts
    same_s: set[int] = set()
    same_t: set[int] = set()
    # 1) the same word on both sides, 2) words of one kind about the same thing,
    # 3) remaining stance / action words of one kind in the two aligned clauses
    for rule in ("same", "window", "kind"):
        for axis, pole, k, win, word in s.occ:
            if axis == "neg" or k in paired_s:
                continue
            if rule == "kind" and axis not in _SOFT_AXES and axis not in _KIND_PAIRED_AXES:
                continue
            for axis2, pole2, k2, win2, word2 in t.occ:
                if axis2 != axis or k2 in paired_t:
                    continue
                if rule == "same":
                    ok = _word_canon(word) == _word_canon(word2)
                elif rule == "window":
                    ok = bool(win & win2)
                else:
                    ok = True
                if ok:
                    paired_s.add(k)
                    paired_t.add(k2)
                    if rule == "same":
                        same_s.add(k)
                        same_t.add(k2)
                    break

    def hard(info: _PolarityInfo, other: set[str], paired: set[int]) -> list[tuple[int, int, str]]:
        out = []
        for axis, pole, k, win, w in info.occ:
            if axis not in _HARD_AXES:
                continue
            # a negator counts when it governs words of the other clause or a compared word
            # ("nicht abgebaut" versus "erhalten")
            governs_paired = axis == "neg" and any(0 < p - k <= 3 for p in paired)
            if k in paired or win & other or governs_paired:
                out.append((k, pole, w))
        return out

    hs, ht = hard(s, t_content, paired_s), hard(t, s_content, paired_t)
    _balance_negations(s, hs, t, ht)

    cs = _counted(s, paired_s, hs, ht, t_content, same_s)
    ct = _counted(t, paired_t, ht, hs, s_content, same_t)
    # no flip either when the same words stand on both sides, one saying one of them twice
    if math.prod(p for p, _ in cs) == math.prod(p for p, _ in ct) \
            or {_word_canon(w) for _, w in cs} == {_word_canon(w) for _, w in ct}:
        return Flip(False)
    sw, tw = _differing([w for _, w in cs], [w for _, w in ct])
    return Flip(True, _describe_flip(sw, tw), bool(sw) and not tw and _all_negators(sw), tuple(sw), tuple(tw))


def _counted(info: _PolarityInfo, paired: set[int], hard_own: list, hard_other: list, other: set[str],
            same: set[int]) -> list[tuple[int, str]]:
    """The poles of clause ``info`` that count in :func:`_stance_flip`: its counted negators and
    stance words (``hard_own``), and its action and direction words that are paired, that govern
    words of the other clause while it has counted negators or stance words (``hard_other``), or
    that a counted negator negates."""

    out = [(pole, w) for k, pole, w in hard_own if k not in same]
    negated = {k for k, pole, w in hard_own if k not in same and _is_negator(w)}
    for axis, pole, k, win, w in info.occ:
        if axis in _HARD_AXES or k in same:
            continue
        # an action word right after a counted negator is what it negates: "should not stop us
        # from listening" counts both (= "still listen"), never the negator alone
        after_negator = axis in _SOFT_AXES and any(0 < k - n <= NEGATED_ACTION_REACH for n in negated)
        if k in paired or (axis in _SOFT_AXES and hard_other and win & other) or after_negator:
            out.append((pole, w))
    return out


def _balance_negations(s: _PolarityInfo, hs: list[tuple[int, int, str]], t: _PolarityInfo,
                       ht: list[tuple[int, int, str]]) -> None:
    """A negation moved to another word of the clause still negates it: "keine Werbung erlauben"
    = "Werbung soll nicht erreichen", "no cars allowed" = "cars should not enter". When one side
    counts more negators than the other, negators of the other side that govern content words,
    none of them the first's, count too, as many as make up the difference (in place); such spare negators
    on both sides ("... are not people" twice) say the same and pair off first."""

    def negs(found: list[tuple[int, int, str]]) -> int:
        return sum(1 for k, pole, w in found if pole == -1 and _is_negator(w))

    def spare(info: _PolarityInfo, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        counted = {k for k, _, _ in found}
        return [(k, pole, w) for axis, pole, k, win, w in info.occ
                if axis in ("neg", IMPLIED_NEGATION) and k not in counted and win]

    spare_s, spare_t = spare(s, hs), spare(t, ht)
    both = min(len(spare_s), len(spare_t))
    for own, other, left in ((hs, ht, spare_s[both:]), (ht, hs, spare_t[both:])):
        while left and negs(own) < negs(other):
            own.append(left.pop(0))


def _is_negator(w: str) -> bool:
    return bool(is_negator_word(w) or _AVOID.match(w) or w == "free of" or _is_too_little(w) or w in _CJK_NEGATORS
                or _is_too_to(w)
                or tuple(w.lower().split()) in _NEGATING_PHRASES | _OPPOSED_TO
                or (len(w.split()) == 2 and _shield_verb(w.split()[::-1], 0) != "")
                or (len(w.split()) == 2 and w.split()[0].lower() in _PREFERENCE and w.split()[1].lower() in _PREFERENCE_THAN))


def _is_too_to(w: str) -> bool:
    parts = w.split()
    return len(parts) == 3 and _too_to_negator(parts, 2)


def _is_too_little(w: str) -> bool:
    parts = w.split()
    return len(parts) == 2 and bool(_TOO.match(parts[0])) and _TOO_QUANTITY.get(parts[1].lower(), 0) < 0


def _differing(sw: list[str], tw: list[str]) -> tuple[list[str], list[str]]:
    """The counted words of draft (``sw``) and source (``tw``) that the other side does not say."""
    common = {_word_canon(w) for w in sw} & {_word_canon(w) for w in tw}
    return [w for w in sw if _word_canon(w) not in common], [w for w in tw if _word_canon(w) not in common]


def _all_negators(ws: list[str]) -> bool:
    return all(_is_negator(w) for w in ws)


def _describe_flip(sw: list[str], tw: list[str]) -> str:
    """In words: which negations or stance words differ between draft (``sw``) and source (``tw``),
    given only the words that differ (:func:`_differing`)."""

    if sw and not tw and _all_negators(sw):
        return "adds the negation '" + "', '".join(sw) + "'"
    if tw and not sw and _all_negators(tw):
        return "drops the negation '" + "', '".join(tw) + "'"
    return f"'{' '.join(sw) or '(none)'}' versus '{' '.join(tw) or '(none)'}'"
