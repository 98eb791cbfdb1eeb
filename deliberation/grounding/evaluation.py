"""An evaluation said of a clause's subject ("closing the library is not a good idea", "das ist
keine gute Idee", "... ist nicht sinnvoll"): a stance on that subject, as "oppose" or "support" is.

The grammar shape is a copula (the data files' ``copulas``: "is", "would be", "ist", "wäre"), at
most :data:`EVALUATION_REACH` function words or negators, then an evaluation word
(``evaluation_positive`` / ``evaluation_negative``: "good" / "bad", "sensible" / "pointless",
"sinnvoll" / "unsinnig", German in any inflection). The stance stands where the evaluation word
stands, so a negator before it ("not a good idea") negates it as it negates "support"; what it is
about is every other content word of the clause ("closing", "library", "Sundays"), so it pairs with
a draft's "participants oppose closing the library on Sundays" (:func:`.polarity._stance_flip`).
"""

from __future__ import annotations

from ..text.german import ADJECTIVE_INFLECTIONS
from . import wordnet as wn
from .lexicon import entries
from .patterns import is_negator_word
from .text import _Tok

#: how many tokens (function words and negators: "not a", "keine", "not a very") may stand between
#: the copula and the evaluation word
EVALUATION_REACH = 3
_COPULAS = frozenset(w.lower() for w in entries("copulas"))
_POSITIVE = frozenset(w.lower() for w in entries("evaluation_positive"))
_NEGATIVE = frozenset(w.lower() for w in entries("evaluation_negative"))


def _pole(word: str) -> int:
    """+1 for a word that says a thing is good ("good", "sensible", "sinnvoll"), -1 for one that
    says it is bad ("bad", "pointless", "unsinnig"), 0 for any other."""

    lw = word.lower()
    forms = {lw} | {lw[: -len(e)] for e in ADJECTIVE_INFLECTIONS if lw.endswith(e)}  # "gute" is "gut"
    return 1 if forms & _POSITIVE else (-1 if forms & _NEGATIVE else 0)


def opposite(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` say opposite things of what they evaluate ("good" / "bad", "sinnvoll" /
    "unsinnig"), as evaluation words or as WordNet antonyms?"""

    return _pole(a) * _pole(b) == -1 or wn.are_antonyms(a, b)


def evaluations(toks: list[_Tok]) -> dict[int, tuple[int, set[str]]]:
    """The evaluation words of a clause said of its subject through a copula: token index -> (its
    pole, the clause's other content words: what it is said of)."""

    out: dict[int, tuple[int, set[str]]] = {}
    for c, t in enumerate(toks):
        if t.raw.lower() not in _COPULAS:
            continue
        for k in range(c + 1, min(len(toks), c + 2 + EVALUATION_REACH)):
            pole = _pole(toks[k].raw)
            if pole:
                out[k] = (pole, {x.canon for n, x in enumerate(toks) if x.content and n != k})
                break
            if toks[k].content and not is_negator_word(toks[k].raw):
                break
    return out
