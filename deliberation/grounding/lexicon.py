"""The guard's word lists, read from per-language data files (``data/<lang>.toml``).

Each file holds, for one language, its vocabulary under named, commented lists: stop words, meta
words (words about the deliberation itself: "participants", "suggest"), negators, the words of
claims ("everyone agrees"), clause links ("because", "while"), titles and place words, synonym
groups keyed by an English head word (so "Auto" and "car" share one canonical form), direction
axes (pairs of word patterns with opposite poles: more / fewer, allow / ban), number words and
abbreviations. The grammar that joins the words (word boundaries, phrase and clause structure)
stays in the code (:mod:`.patterns`); adding a language is adding a file. What the lexical
resource (WordNet, see :mod:`.wordnet`) knows is not repeated here; these lists cover German,
the deliberation vocabulary and the guard's own needs.

Every text is checked with the lists of all languages, merged: English first (the order in which
alternatives are tried, as before the lists moved out of the code), then the others by name.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
#: the languages whose data files are loaded: English first, then the others by name
LANGUAGES: tuple[str, ...] = tuple(sorted((p.stem for p in DATA_DIR.glob("*.toml")), key=lambda s: (s != "en", s)))
#: a pattern that matches nothing (a list no language fills)
NEVER = "(?!x)x"


@lru_cache(maxsize=None)
def load(lang: str) -> dict[str, Any]:
    """The data file of one language, parsed."""

    with (DATA_DIR / f"{lang}.toml").open("rb") as fh:
        return tomllib.load(fh)


def _get(data: dict[str, Any], key: str) -> Any:
    """``data[key]``, a dotted ``key`` ("claims.everyone") reaching into a table; None when absent."""

    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def entries(key: str, *langs: str) -> list[str]:
    """The entries listed under ``key`` in the data files of ``langs`` (default: all), in order."""

    return [w for lang in langs or LANGUAGES for w in _get(load(lang), key) or []]


def _words(key: str, *langs: str) -> set[str]:
    return set(entries(key, *langs))


def alternation(key: str, *langs: str) -> str:
    """The entries under ``key`` as one regular-expression alternation ("a|b|c"; never matching
    when no language lists any)."""

    return "|".join(entries(key, *langs)) or NEVER


def word_pattern(key: str, suffix: str = "") -> re.Pattern[str]:
    """A pattern for one whole word listed under ``key`` (``suffix``: what may follow it)."""

    return re.compile(rf"^(?:{alternation(key)}){suffix}$", re.I)


def table(key: str) -> dict[str, Any]:
    """The table ``key`` of every data file, merged (a later language adds its own keys)."""

    return {k: v for lang in LANGUAGES for k, v in (_get(load(lang), key) or {}).items()}


def phrase_pattern(key: str) -> re.Pattern[str]:
    """One regular expression matching any phrase listed under ``key`` in the data files."""

    return re.compile(rf"\b(?:{alternation(key)})\b", re.I)


STOP_EN: set[str] = _words("stop_words", "en")
STOP_DE: set[str] = _words("stop_words", "de")
META: set[str] = _words("meta_words")
ABBREVIATIONS: set[str] = _words("abbreviations")
CJK_NEGATORS: set[str] = set("".join(entries("negating_characters")))
CJK_NOT_NEGATION: set[str] = _words("not_negating_pairs")
#: German separable verb prefixes ("ab" in "abgeschafft"), for past participles
SEPARABLE_PREFIXES: set[str] = _words("separable_prefixes")
NUMBER_WORDS: dict[str, float] = table("number_words")


def _synonym_groups() -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        for head, words in load(lang).get("synonyms", {}).items():
            groups.setdefault(head, []).extend(words)
    return [[head] + [w for w in words if w != head] for head, words in groups.items()]


SYNONYMS: list[list[str]] = _synonym_groups()


def _axes() -> dict[str, tuple[bool, re.Pattern[str], re.Pattern[str]]]:
    merged: dict[str, dict[str, Any]] = {}
    for lang in LANGUAGES:
        for name, ax in load(lang).get("direction_axes", {}).items():
            m = merged.setdefault(name, {"negating": ax["negating"], "positive": [], "negative": []})
            m["positive"] += ax["positive"]
            m["negative"] += ax["negative"]
    return {
        name: (
            m["negating"],
            re.compile(rf"^(?:{'|'.join(m['positive'])})$", re.I),
            re.compile(rf"^(?:{'|'.join(m['negative'])})$", re.I),
        )
        for name, m in merged.items()
    }


#: axis name -> (does a word on it negate like "not"?, positive pole, negative pole)
AXES: dict[str, tuple[bool, re.Pattern[str], re.Pattern[str]]] = _axes()


#: if / unless / as long as / sofern: a condition
CONDITION = phrase_pattern("condition_words")
#: "including X", "such as X", "zum Beispiel"
INCLUDING = phrase_pattern("including_words")
