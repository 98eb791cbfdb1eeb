"""Suspended compounds written out: German "Holz-, Lehm- und Strohbau" is "Holzbau, Lehmbau und
Strohbau" (the hyphen stands for the head the last compound of the list shares with the others).
The guard reads both a German draft sentence and German statements written out, so a truncated
first part ("Holz-") is compared as the compound it stands for.

The shared head is the last compound's last part: the longest ending of it that OpenThesaurus
knows as a word, each part of at least :data:`MIN_PART_LETTERS` letters ("Strohbau" -> "bau"),
after a first part it knows too when there is one ("Fahrrad|wege", not "Fahr|radwege"). Without the thesaurus, or when no such split is found, the text is
read as written.
"""

from __future__ import annotations

import re

from . import thesaurus_de
from .lexicon import alternation
from .text import _language

#: the shortest first or last part of a compound that counts as a word ("Bau", "Rad")
MIN_PART_LETTERS = 3

#: a list of truncated first parts ("Holz-, Lehm- und") and the compound that ends it ("Strohbau")
_SUSPENDED = re.compile(
    rf"((?:[^\W\d_]+-\s*,?\s*)+)(?:(?:{alternation('list_separators')})\s+)([^\W\d_]{{{2 * MIN_PART_LETTERS},}})\b",
    re.I,
)
_PART = re.compile(r"([^\W\d_]+)-")


def _head(word: str) -> str | None:
    """The last part of compound ``word`` ("Fahrradwege" -> "wege", "Strohbau" -> "bau"), or
    ``None``: the longest ending that OpenThesaurus knows as a word after a first part it knows
    too (a linking letter allowed: "Verkehrs|wende"), so "Fahrradwege" is not read as "Fahr" and
    "radwege"; when it knows no such first part ("Stroh"), the longest ending it knows."""

    w = word.lower()
    ends = [i for i in range(MIN_PART_LETTERS, len(w) - MIN_PART_LETTERS + 1) if thesaurus_de.headwords(w[i:])]
    for i in ends:
        first = w[:i]
        firsts = [first] + [first[: -len(x)] for x in thesaurus_de.LINKING_LETTERS
                            if first.endswith(x) and len(first) - len(x) >= MIN_PART_LETTERS]
        if any(thesaurus_de.headwords(f) for f in firsts):
            return w[i:]
    return w[ends[0]:] if ends else None


def written_out(text: str, lang: str | None = None) -> str:
    """German ``text`` with each list of suspended compounds written out (unchanged when there is
    none); ``lang`` is the language rules' code when known (else :func:`.text._language` tells)."""

    if "-" not in text or (lang or _language(text)) != "de":
        return text

    def expand(m: re.Match[str]) -> str:
        head = _head(m.group(2))
        if head is None:
            return m.group(0)
        return _PART.sub(lambda p: p.group(1) + head, m.group(1)) + m.group(0)[len(m.group(1)):]

    return _SUSPENDED.sub(expand, text)
