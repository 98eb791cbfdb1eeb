"""German word forms: the infinitive of a past participle, the base of an inflected adjective or
participle, and the forms a German word may be an inflection of. The one home of German
inflection: the faithfulness guard's canonical forms (:mod:`deliberation.grounding.text`), its
adjective test (:mod:`deliberation.grounding.patterns`) and its thesaurus look-ups
(:mod:`deliberation.grounding.thesaurus_de`) read German words through it. The word lists are
``data/de.toml``'s."""

from __future__ import annotations

import re
from pathlib import Path

from deliberation.text.wordlists import WordLists

_LISTS = WordLists(Path(__file__).resolve().parent / "data")

#: separable verb prefixes ("ab" in "abgeschafft"), longest first
SEPARABLE_PREFIXES: tuple[str, ...] = tuple(sorted(_LISTS.entries("separable_prefixes", "de"), key=len, reverse=True))
#: a German past participle: (separable prefix) + "ge" + stem + "t" / "et" ("gesenkt", "abgeschafft")
_PARTICIPLE = re.compile(rf"^({'|'.join(SEPARABLE_PREFIXES)})?ge([^\W\d_]{{3,}}?)e?t$", re.I)


def infinitive(word: str) -> str:
    """A lower-case German past participle as its infinitive ("gesenkt" -> "senken", "abgeschafft"
    -> "abschaffen"); any other word as it is."""

    m = _PARTICIPLE.match(word) if word[:1].islower() else None
    if not m:
        return word
    stem = (m.group(1) or "") + m.group(2)
    return stem + ("n" if stem.endswith(("er", "el")) else "en")


#: the endings of an inflected adjective or participle ("wichtig-en", "gesperrt-er"), in the file's order
ADJECTIVE_INFLECTIONS: tuple[str, ...] = tuple(_LISTS.entries("adjective_inflections", "de"))
_ADJECTIVE_INFLECTIONS_LONGEST_FIRST = tuple(sorted(ADJECTIVE_INFLECTIONS, key=len, reverse=True))
#: an adjective ending is taken off only where at least this many letters stay ("steigend-en")
MIN_ADJECTIVE_BASE = 4
#: what a German present participle adds to its infinitive ("steigen" -> "steigend")
PRESENT_PARTICIPLE = "d"


def adjective_bases(word: str) -> list[str]:
    """The words a lower-case German word may be an inflected adjective or participle of, itself
    left out: "steigenden" -> "steigend", "steigen"; "gesperrter" -> "gesperrt"; "kostenlosem" ->
    "kostenlos"."""

    out = []
    for end in _ADJECTIVE_INFLECTIONS_LONGEST_FIRST:
        base = word[: -len(end)]
        if word.endswith(end) and len(base) >= MIN_ADJECTIVE_BASE:
            out.append(base)
            if base.endswith(PRESENT_PARTICIPLE):
                out.append(base[: -len(PRESENT_PARTICIPLE)])
    return out


#: endings a dictionary form may carry in a text ("Netzwerks" -> "Netzwerk"), longest first: the guard's
#: typo and affix readings only take them off, never swap one for another, so that a slip is not
#: read as an inflection
DICTIONARY_FORM_ENDINGS = ("ern", "en", "er", "es", "em", "e", "n", "s")
#: inflection endings tried, longest first, when a word form is no headword itself
ENDINGS = ("ern", "en", "er", "es", "em", "et", "e", "n", "s", "t")
#: an ending is only taken off a word that keeps at least this many letters ("Bus" stays whole)
MIN_STEM_LETTERS = 3
#: a plural's umlaut stands in its last this many letters ("Häuser" -> "Haus", "Bäume" -> "Baum")
UMLAUT_REACH = 4
#: plural endings that replace a singular's ending ("Zentren" -> "Zentrum", "Themen" -> "Thema")
REPLACED_ENDINGS = (("en", "um"), ("en", "a"), ("en", "on"))
_UMLAUTS = str.maketrans("äöü", "aou")


def inflection_candidates(word: str) -> list[str]:
    """The forms a lower-case German word form may be an inflection of, itself first (a dictionary
    keeps those it knows): its infinitive if it is a past participle ("eingesetzt" -> "einsetzen"),
    the form with an inflection ending taken off (and "-en" / "-n" put on for a verb), a plural's
    ending replaced by a singular's ("zentren" -> "zentrum"), and each of them without a plural's
    umlaut ("häusern" -> "haus"). May repeat a form."""

    cands = [word, infinitive(word)]
    for end in ENDINGS:
        if word.endswith(end) and len(word) - len(end) >= MIN_STEM_LETTERS:
            stem = word[: -len(end)]
            cands += [stem, stem + "en", stem + "n"]
    cands += [word[: -len(end)] + sing for end, sing in REPLACED_ENDINGS
              if word.endswith(end) and len(word) - len(end) >= MIN_STEM_LETTERS]
    cands += [c[:-UMLAUT_REACH] + c[-UMLAUT_REACH:].translate(_UMLAUTS) for c in cands]
    return cands
