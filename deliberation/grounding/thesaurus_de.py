"""OpenThesaurus, the guard's German lexical resource: synonyms and broader terms of German words
("Herkunft" - "Ursprung", "Speise" - "Gericht", "recyclen" - "wiederverwerten"), as WordNet
(:mod:`.wordnet`) gives them for English.

The data is OpenThesaurus (www.openthesaurus.de, LGPL) in the MyThes format of Debian's
``mythes-de`` package (``/usr/share/mythes/th_de_DE_v2.idx`` and ``.dat``), read by :mod:`.mythes`;
a word marked "(Oberbegriff)" names the meaning more generally. ``DELIBERATION_THESAURUS_DE``
points at another ``.idx`` / ``.dat`` pair (the path without the extension). This module adds
German word forms: headwords of inflected forms and of the parts of compounds.

When the files are missing, :func:`synonyms` returns nothing, :func:`status` says so in words and
German sentences go through the guard's own word lists alone.
"""

from __future__ import annotations

from functools import lru_cache

from deliberation.text.german import inflection_candidates

from .mythes import MyThes
from .wordnet import LOOKUP_CACHE_SIZE

#: where Debian's mythes-de puts the thesaurus (without the extension)
DEFAULT_BASE = "/usr/share/mythes/th_de_DE_v2"
#: the marker of a broader term in a meaning's line
BROADER = "(Oberbegriff)"
#: a compound splits into two headwords of at least this many letters each ("Ladennetz" -> "laden",
#: "netz"), a linking "s" or "n" between them allowed ("Einkaufszentrum" -> "einkauf", "zentrum")
MIN_COMPOUND_PART = 4
LINKING_LETTERS = ("s", "n", "es", "en")


#: the German thesaurus (:mod:`.mythes` reads it)
OPEN_THESAURUS = MyThes("OpenThesaurus", "German", "mythes-de", "DELIBERATION_THESAURUS_DE", DEFAULT_BASE,
                        broader=BROADER)
base_path = OPEN_THESAURUS.base_path
_index = OPEN_THESAURUS.headwords
"""Its headwords (``word in _index()``; None when the thesaurus is missing); cached."""


def status() -> str:
    """One line for the user: the German thesaurus in use, or what is missing. Looks at the files
    only: every guard report names its resources, and reading the index is left to the first
    German word looked up (an English run never reads it)."""

    return OPEN_THESAURUS.status("German sentences use the guard's own word lists only")


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def headwords(word: str) -> tuple[str, ...]:
    """The headwords a German word form can be ("Gerichte" -> "gerichte", "gericht"; "Häusern" ->
    "haus"; "eingesetzt" -> "einsetzen"): the form itself, its infinitive if it is a past
    participle, and the form with an inflection ending taken off (and "-en" put on for a verb):
    :func:`deliberation.text.german.inflection_candidates` that the thesaurus knows."""

    idx = _index()
    if idx is None:
        return ()
    cands = inflection_candidates(word.lower())
    return tuple(dict.fromkeys(c for c in cands if c in idx))


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def compound_parts(word: str) -> tuple[str, ...]:
    """The headwords a German compound is made of, when it is no headword itself: its longest last
    part that is a headword and the part before it, each of at least :data:`MIN_COMPOUND_PART`
    letters, a linking letter allowed between them ("Ladennetz" -> "laden", "netz"); empty when
    no such split is found or the thesaurus is missing."""

    w = word.lower()
    if _index() is None or headwords(w) or len(w) < 2 * MIN_COMPOUND_PART:
        return ()
    for i in range(MIN_COMPOUND_PART, len(w) - MIN_COMPOUND_PART + 1):
        head, before = headwords(w[i:]), w[:i]
        if not head:
            continue
        firsts = [before] + [before[: -len(x)] for x in LINKING_LETTERS
                             if before.endswith(x) and len(before) - len(x) >= MIN_COMPOUND_PART]
        for first in firsts:
            found = headwords(first)
            if found:
                return (found[0], head[0])
    return ()


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def synonyms(word: str, broader: bool = False) -> frozenset[str]:
    """The words that share a meaning with ``word`` in OpenThesaurus (lower case), its broader terms
    too when ``broader``; empty when it is not there or the thesaurus is missing."""

    heads = headwords(word)
    out: set[str] = set()
    for head in heads:
        for meaning in OPEN_THESAURUS.entry(head):
            out |= meaning.words
            if broader:
                out |= meaning.broader
    return frozenset(out - set(heads))
