"""Whether a draft clause reverses the stance of its aligned source clause: the poles that
:mod:`.polarity` read in each, paired and counted (:func:`_stance_flip`), and the difference in words."""

from __future__ import annotations

import math
from typing import NamedTuple

from .negators import IMPLIED_NEGATION, _is_negator
from .polarity import _PolarityInfo
from .text import _word_canon


_HARD_AXES = {"neg", "stance"}
#: an action word (ban / allow, stop / keep) at most this many tokens after a counted negator is
#: negated by it and counts with it ("not stop", "nicht verbieten")
NEGATED_ACTION_REACH = 2
# adjectives compared whenever both aligned clauses use one ("often broken" / "always working")
_KIND_PAIRED_AXES = {"stance", "condition", "noise", "speed"}
_SOFT_AXES = {"permission", "existence"}


def _said_as_only(info: _PolarityInfo, other: _PolarityInfo) -> _PolarityInfo:
    """``info`` without its negators before an exception ("should not block them except under rare
    conditions") when the other clause says "only" instead ("should block them only under rare
    conditions"): the two say the same, neither negation nor "only" counts."""

    if not info.excepted or info.only or not other.only:
        return info
    return _PolarityInfo([o for o in info.occ if o[2] not in info.excepted], frozenset(), info.only, info.contrast)


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
    on both sides ("... are not people" twice) say the same and pair off first. A negator that names
    a rejected alternative ("buses, not new roads", "rather than roads") negates only that
    alternative: it makes up for another rejected alternative, never for a negation put on what its
    clause asks for ("should not fund buses")."""

    def negs(found: list[tuple[int, int, str]]) -> int:
        return sum(1 for k, pole, w in found if pole == -1 and _is_negator(w))

    def spare(info: _PolarityInfo, found: list[tuple[int, int, str]], other: _PolarityInfo,
              other_found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        counted = {k for k, _, _ in found}
        # a rejected alternative makes up only for another rejected alternative ("rather than
        # imprisonment" for "rather than jailing them")
        alternatives = any(k in other.contrast for k, _, _ in other_found)
        return [(k, pole, w) for axis, pole, k, win, w in info.occ
                if axis in ("neg", IMPLIED_NEGATION) and k not in counted and win
                and (k not in info.contrast or alternatives)]

    spare_s, spare_t = spare(s, hs, t, ht), spare(t, ht, s, hs)
    both = min(len(spare_s), len(spare_t))
    for own, other, left in ((hs, ht, spare_s[both:]), (ht, hs, spare_t[both:])):
        while left and negs(own) < negs(other):
            own.append(left.pop(0))

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
