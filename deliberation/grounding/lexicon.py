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
alternatives are tried, as before the lists moved out of the code), then the others by name. The
files are read by the project's one word-list loader, :class:`deliberation.text.wordlists.WordLists`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from deliberation.text.wordlists import WordLists

DATA_DIR = Path(__file__).resolve().parent / "data"
_LISTS = WordLists(DATA_DIR)
#: the languages whose data files are loaded: English first, then the others by name
LANGUAGES: tuple[str, ...] = _LISTS.languages
load = _LISTS.load
entries = _LISTS.entries
table = _LISTS.table
alternation = _LISTS.alternation
word_pattern = _LISTS.word_pattern
phrase_pattern = _LISTS.phrase_pattern


def _words(key: str, *langs: str) -> set[str]:
    return set(entries(key, *langs))


#: function words of every language, lower case: the one set of them the guard's modules share
#: (:mod:`.text`, :mod:`.entities`, :mod:`.patterns`)
STOP_WORDS: frozenset[str] = frozenset(w.lower() for w in entries("stop_words"))
META: set[str] = _words("meta_words")
ABBREVIATIONS: set[str] = _words("abbreviations")
CJK_NEGATORS: set[str] = set("".join(entries("negating_characters")))
CJK_NOT_NEGATION: set[str] = _words("not_negating_pairs")
#: German separable verb prefixes ("ab" in "abgeschafft"), for past participles
#: each language's number words and their values: "Billion" is 10^12 in German, "billion" 10^9 in
#: English; the language of a text picks its table (:func:`number_words`)
NUMBER_WORDS_BY_LANGUAGE: dict[str, dict[str, float]] = {
    lang: dict(load(lang).get("number_words", {})) for lang in LANGUAGES}
#: every language's number words in one table, a word's value its first language's (English first):
#: what is a number word at all, and the values for a text whose language has no table
NUMBER_WORDS: dict[str, float] = {}
for _table in NUMBER_WORDS_BY_LANGUAGE.values():
    for _word, _value in _table.items():
        NUMBER_WORDS.setdefault(_word, _value)
#: the number words whose value depends on the language ("billion"): only for these is a text's
#: language asked
NUMBER_WORDS_BY_LANGUAGE_DIFFER: frozenset[str] = frozenset(
    w for w, v in NUMBER_WORDS.items() if any(t.get(w, v) != v for t in NUMBER_WORDS_BY_LANGUAGE.values()))


def number_words(lang: str) -> dict[str, float]:
    """The number words of ``lang`` (a code: "de"), or of every language when it has none of its own."""
    return NUMBER_WORDS_BY_LANGUAGE.get(lang) or NUMBER_WORDS


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


#: hedges ("if you ask me", "wenn Sie mich fragen", "si me preguntas"): a view, no condition
HEDGES = phrase_pattern("hedges")
#: a condition without a condition word: a sentence that opens with a finite verb and whose first
#: clause ends with a comma, no question ("Wird die Steuer erhöht, verlieren ...")
VERB_FIRST_CONDITION = (rf"(?<![\w,;:]\s)(?<![\w,;:])(?:(?:{alternation('verb_first_condition_verbs')})"
                        r"(?=\s[^,.;:!?]+,[^?]*$)"
                        # any verb when the main clause after the comma opens with one of the list
                        # ("Berücksichtigen Klimaschutzmaßnahmen diesen Grundsatz, werden sie mitziehen")
                        rf"|[^\W\d_]+(?:en|t)(?=\s[^,.;:!?]+,\s*(?:{alternation('verb_first_condition_verbs')})\s[^?]*$))")
#: if / unless / as long as / sofern: a condition; not the condition word that opens a hedge
CONDITION = re.compile(rf"\b(?!(?:{alternation('hedges')})\b)(?:{alternation('condition_words')}"
                       rf"|{VERB_FIRST_CONDITION})\b", re.I)
#: until / es sei denn: a condition that says "if not" (a negation when conditionals are compared)
NEGATING_CONDITION = phrase_pattern("negating_conditions")
#: "including X", "such as X", "zum Beispiel"
INCLUDING = phrase_pattern("including_words")
