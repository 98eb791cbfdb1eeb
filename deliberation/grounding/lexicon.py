"""The guard's word lists, read from per-language data files (``data/<lang>.json``).

Each file holds, for one language: stop words, meta words (words about the deliberation itself:
"participants", "suggest"), synonym groups keyed by an English head word (so "Auto" and "car"
share one canonical form), direction axes (pairs of word patterns with opposite poles:
more / fewer, allow / ban), number words and abbreviations. What the lexical resource
(WordNet, see :mod:`.wordnet`) knows is not repeated here; these lists cover German, the
deliberation vocabulary and the guard's own needs.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
#: the languages whose data files are loaded (all of them are used for every text, as before)
LANGUAGES = ("en", "de", "zh")


@lru_cache(maxsize=None)
def load(lang: str) -> dict[str, Any]:
    """The data file of one language, parsed."""

    path = DATA_DIR / f"{lang}.json"
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def _words(key: str, *langs: str) -> set[str]:
    return {w for lang in langs for w in load(lang).get(key, [])}


STOP_EN: set[str] = _words("stop_words", "en")
STOP_DE: set[str] = _words("stop_words", "de")
META: set[str] = _words("meta_words", "en", "de")
ABBREVIATIONS: set[str] = _words("abbreviations", "en", "de")
CJK_NEGATORS: set[str] = set("".join(load("zh")["negators"]))
CJK_NOT_NEGATION: set[str] = set(load("zh")["not_negation"])
#: German separable verb prefixes ("ab" in "abgeschafft"), for past participles
SEPARABLE_PREFIXES: set[str] = _words("separable_prefixes", "de")
NUMBER_WORDS: dict[str, float] = {w: v for lang in LANGUAGES for w, v in load(lang).get("number_words", {}).items()}


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


def phrase_pattern(key: str) -> re.Pattern[str]:
    """One regular expression matching any phrase listed under ``key`` in the data files."""

    words = [w for lang in LANGUAGES for w in load(lang).get(key, [])]
    return re.compile(rf"\b(?:{'|'.join(words)})\b", re.I) if words else re.compile(r"(?!x)x")


#: if / unless / as long as / sofern: a condition
CONDITION = phrase_pattern("condition_words")
#: "including X", "such as X", "zum Beispiel"
INCLUDING = phrase_pattern("including_words")
