"""Negators: whether a word of a clause negates what it governs ("not", "kein", "instead of",
"protected from", "too cheap to", "avoid doing"), and which content words it negates; the
clause reading of :mod:`.polarity` asks it first for every token."""

from __future__ import annotations

from . import wordnet as wn
from .lexicon import entries, table
from .patterns import (
    _AVOID,
    _CJK_NEGATORS,
    _CJK_NOT_NEGATION,
    _FAIL_TO,
    _INFINITIVE_MARKERS,
    _TOO,
    is_negator_word,
)
from .text import _CJK, _Tok

_STANCE_GEGEN_VERBS = set(entries("stance_before_against"))
_OPPOSED = set(entries("opposed_words"))

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
#: cover"): it counts only against a negator of the other clause (:func:`.flip._balance_negations`)
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
        # it only balances a negation of the other side (:func:`.flip._balance_negations`), as "too
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

