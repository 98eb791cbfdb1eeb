"""A negation said by an affix instead of a negator: "unfair" = "not fair", "disagree" = "do not
agree", "non-graduates" = "people who did not graduate", "nicht ersetzbar" = "unersetzbar",
"unable to vote" = "cannot vote", "sinnlos" = "nicht sinnvoll", "useless" = "not useful".

Two uses, both by the stance check (:mod:`.stance`):

* :func:`negation_said_by_affix`: a draft that only adds or drops a negator, each negating the
  base of a word of the other side that negates by its affix, says the same (the stance is kept);
* :func:`affix_reversal`: a draft word that negates by its affix a word of its source clause (or
  the other way round), neither or both of them negated by a negator, reverses it ("fair" ->
  "unfair", "sinnvoll" -> "sinnlos").
"""

from __future__ import annotations

import re
from functools import lru_cache

from deliberation.text.german import DICTIONARY_FORM_ENDINGS

from . import wordnet as wn
from .lexicon import STOP_WORDS, entries
from .flip import Flip
from .negators import _is_negator, _window
from .polarity import _PolarityInfo
from .text import _tokenize, _word_canon

#: prefixes that negate the word they begin, longest first ("non-" before "non")
_PREFIXES = tuple(sorted({p.lower() for p in entries("negating_prefixes")}, key=len, reverse=True))
#: prefixes that negate whatever base they begin (WordNet need not list the base as an antonym)
_ALWAYS = frozenset(p.lower() for p in entries("always_negating_prefixes"))
#: prefixes that negate a word WordNet does not know ("unbezahlbar", "unaffordable"), not only one it does
_OPEN = frozenset(p.lower() for p in entries("open_negating_prefixes"))
#: (positive, negative) word endings of opposite meaning ("voll" / "los": "sinnvoll" / "sinnlos")
_SUFFIXES = tuple((pos.lower(), neg.lower()) for pos, neg in entries("opposite_suffixes"))
#: bases that say a thing can be done: their negation negates what follows ("unable to vote")
_ABILITY = frozenset(_word_canon(w) for w in entries("ability_bases"))
#: negating prefixes written as a word of their own ("non violent")
_PREFIX_WORDS = frozenset(w.lower() for w in entries("negating_prefix_words"))
_WORD = re.compile(r"[^\W\d_][\w-]*", re.U)


def _counts(word: str, base: str, other: str, min_letters: int, always: bool = False, open_: bool = True) -> bool:
    """Does ``word`` (a negating affix on ``base``) negate ``other``? A word WordNet knows only when
    WordNet lists ``other`` as its antonym or its affix ``always`` negates ("disagree", not
    "discover"); a word it does not know ("unersetzbar") only when its affix is ``open_`` ("Inland"
    is no "not land") and ``base`` has at least ``min_letters`` letters ("unter")."""

    if wn.wordnet() is not None and wn.is_known(word):
        return always or wn.are_antonyms(word, other)
    return open_ and len(base) >= min_letters


@lru_cache(maxsize=4096)
def negated_bases(word: str, min_letters: int) -> frozenset[str]:
    """The words that ``word`` negates by one of its negating_prefixes ("fair" for "unfair",
    "graduates" for "non-graduates") or by the negative one of its opposite_suffixes ("sinnvoll"
    for "sinnlose", "useful" for "useless"; the base in its canonical form); empty for none."""

    low = word.lower()
    out = set()
    for prefix in _PREFIXES:
        base = low[len(prefix):].lstrip("-")
        if low.startswith(prefix) and base \
                and _counts(low, base, base, min_letters, prefix in _ALWAYS, prefix in _OPEN):
            out.add(base)
            break
    for pos, neg in _SUFFIXES:
        for ending in ("",) + DICTIONARY_FORM_ENDINGS:  # "sinnlose", "kostenlosen"
            stem = low[: -len(neg + ending)]
            if low.endswith(neg + ending) and stem and _counts(low, stem, stem + pos, min_letters):
                out.add(stem + pos + ending)
    return frozenset(out)


def _affix_negations(text: str, window: int, min_letters: int) -> list[set[str]]:
    """For each word of ``text`` that negates by its affix, the canonical forms of what it negates:
    its bases, and for an ability base ("unable") the content words after it ("to vote")."""

    toks = _tokenize(text)
    out = []
    for m in _WORD.finditer(text):  # on the text: the tokens split "non-graduates"
        said = {_word_canon(b) for b in negated_bases(m.group(0), min_letters)}
        if said & _ABILITY:
            after = [k for k, t in enumerate(toks) if t.start >= m.end()]
            said |= _window(toks, after[0] - 1, 3 * window, forward_only=True) if after else set()
        if said:
            out.append(said)
    return out


def _negated_windows(info: _PolarityInfo, words: tuple[str, ...]) -> list[set[str]]:
    return [win for axis, _, _, win, w in info.occ if axis == "neg" and w in words]


def negation_said_by_affix(flip: Flip, draft: _PolarityInfo, source: _PolarityInfo, draft_text: str,
                           source_text: str, window: int, min_letters: int) -> bool:
    """Does the only difference ``flip`` found between a draft clause (read as ``draft``) and its
    source (``source``) lie in negators, each of one side negating the base of a word of the other
    side that negates by its affix ("not fair" / "unfair", "cannot vote" / "unable to vote")?"""

    dw, sw = flip.draft_words, flip.source_words
    if bool(dw) == bool(sw) or not all(_is_negator(w) for w in dw + sw):
        return False
    info, other_text = (draft, source_text) if dw else (source, draft_text)
    wins = _negated_windows(info, dw or sw)
    affixed = _affix_negations(other_text, window, min_letters)
    return bool(wins) and len(wins) <= len(affixed) and all(any(win & a for a in affixed) for win in wins)


@lru_cache(maxsize=4096)
def _analysed(word: str, min_letters: int) -> tuple[str, frozenset[str]]:
    """The canonical form of ``word`` and those of the words it negates by its affix."""

    return _word_canon(word), frozenset(_word_canon(b) for b in negated_bases(word, min_letters))


def _words(text: str, min_letters: int) -> list[tuple[str, str, frozenset[str], str]]:
    """Each word of ``text`` but function words ("will not" is no "willing"): its surface, its
    canonical form, the canonical forms of the words it negates by its affix, the word before it."""

    out, before = [], ""
    for m in _WORD.finditer(text):
        word, prev, before = m.group(0), before, m.group(0).lower()
        if before not in STOP_WORDS:
            out.append((word, *_analysed(word, min_letters), prev))
    return out


def _negated(info: _PolarityInfo, canon: str, prev: str) -> bool:
    """Is the word (``canon``, after ``prev``) negated by a negator of ``info``, or by a prefix
    written as a word of its own before it ("non violent")?"""

    return prev in _PREFIX_WORDS or any(canon in win for axis, _, _, win, _ in info.occ if axis == "neg")


def affix_reversal(draft_text: str, draft: _PolarityInfo, source_text: str, source: _PolarityInfo,
                   whole_draft: str, whole_source: str, min_letters: int) -> tuple[str, str] | None:
    """(draft word, source word) when a word of draft clause ``draft_text`` negates by its affix a
    word of source clause ``source_text`` or the other way round ("unfair" / "fair", "sinnlos" /
    "sinnvoll") and a negator negates both or neither; None when not, or when the word negated
    stands in the whole draft sentence ``whole_draft`` too, or its negation in ``whole_source``
    ("fair to some, unfair to others" says both)."""

    dws, sws = _words(draft_text, min_letters), _words(source_text, min_letters)
    pairs = [(d, s) for d in dws for s in sws if s[1] in d[2] or d[1] in s[2]]
    if not pairs:
        return None
    draft_said = {_analysed(w, min_letters)[0] for w, *_ in _words(whole_draft, min_letters)}
    source_said = {_analysed(w, min_letters)[0] for w, *_ in _words(whole_source, min_letters)}
    for (dsurf, dcanon, _, dprev), (ssurf, scanon, _, sprev) in pairs:
        if scanon not in draft_said and dcanon not in source_said \
                and _negated(draft, dcanon, dprev) == _negated(source, scanon, sprev):
            return dsurf, ssurf
    return None
