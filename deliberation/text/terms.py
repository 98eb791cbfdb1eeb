"""Words of a statement: tokenising, stop words, label terms (one home for every language).

Latin-script (and other spaced) text is split into lower-case words; Chinese and Japanese script
has no spaces, so its terms are character pairs taken after cutting the text at function
characters and words ("我覺得計程車" gives 計程, 程車). Stop words: English from scikit-learn's list
plus words of opinion every consultation is full of, German and Chinese from the lists in
``data/<language>.toml`` (:mod:`deliberation.text.wordlists`), every other language from the
``stopwordsiso`` package (stopwords-iso, MIT). Which list applies is the statement's language
(:func:`deliberation.text.detect_language`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import stopwordsiso

from deliberation.text.wordlists import WordLists
from deliberation.wording import CJK_CHARS  # its one home: the same-words check reads it too

__all__ = [
    "GERMAN_STOP_WORDS",
    "CHINESE_STOP_CHARS",
    "CHINESE_STOP_WORDS",
    "CJK_CHARS",
    "CJK_RE",
    "stop_words",
    "english_stop_words",
    "normalise_text",
    "latin_words",
    "cjk_bigrams",
    "cjk_segments",
    "extract_terms",
    "overlap_units",
]

#: the word lists of each language (data/<language>.toml, one file a language)
_LISTS = WordLists(Path(__file__).resolve().parent / "data")

#: German function words left out of labels (lower case).
GERMAN_STOP_WORDS: frozenset[str] = frozenset(_LISTS.entries("stop_words", "de"))

#: Chinese characters that mark grammar rather than content; a character pair containing one is
#: not a term (particles, pronouns, the copula).
CHINESE_STOP_CHARS: frozenset[str] = frozenset("".join(_LISTS.entries("function_characters", "zh")))

#: Chinese two-character function words left out of labels.
CHINESE_STOP_WORDS: frozenset[str] = frozenset(_LISTS.entries("function_words", "zh"))

#: Added to scikit-learn's English list: contraction stems, and words of opinion that any
#: consultation is full of ("we need", "I believe", "I agree") and that say nothing about a topic.
_ENGLISH_EXTRA_STOP = frozenset(_LISTS.entries("extra_stop_words", "en"))

#: Languages the detector does not know (deliberation.text.languages.LANGUAGES) whose statements it
#: tells as languages it knows, and those (``told_as`` in ``data/<language>.toml``): Lingua tells
#: Catalan as Spanish or French. Their stop words (stopwords-iso's) are those languages' stop words
#: too, but for their ``content_words``; "amb" ("with") was a topic's label in a Spanish room.
TOLD_AS: dict[str, tuple[str, ...]] = {lang: tuple(_LISTS.entries("told_as", lang)) for lang in _LISTS.languages
                                       if _LISTS.entries("told_as", lang)}

CJK_RE = re.compile(f"[{CJK_CHARS}]+")
#: Elided words before an apostrophe, besides single letters (French "qu'il", Italian "dell'anno").
_ELISIONS = frozenset(_LISTS.entries("elisions"))
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?")


@functools.lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # lazy: scikit-learn takes ~0.8 s to import

    return frozenset(ENGLISH_STOP_WORDS) | _ENGLISH_EXTRA_STOP


@functools.lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    """Stop words for an ISO 639-1 code: the language's own list where its data file has one
    (German's for "de"); English's for "en", for
    "" (undetermined) and for Chinese, Japanese and Korean (their Latin-script words are mostly
    English: "UberX", "app"); stopwords-iso's list, plus the language's ``extra_stop_words`` (words of
    opinion: French "devraient", Spanish "debería"), the stop words of the languages the detector
    tells as it (:data:`TOLD_AS`: Catalan's for Spanish and French) and the English list (statements
    in any language quote English words), for every other language it knows; the English list
    otherwise."""
    own = _LISTS.entries("stop_words", language) if language else []
    if own:
        return frozenset(own)
    english = english_stop_words()
    if language in ("", "en", "zh", "ja", "ko"):
        return english
    if not stopwordsiso.has_lang(language):
        return english
    extra = _LISTS.entries("extra_stop_words", language)
    told = [w for unknown, known in TOLD_AS.items() if language in known
            for w in set(stopwordsiso.stopwords(unknown)) - set(_LISTS.entries("content_words", unknown))]
    return frozenset(w.lower() for w in [*stopwordsiso.stopwords(language), *extra, *told]) | english


def normalise_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def latin_words(text: str) -> list[str]:
    """Lower-case words of a text with CJK runs blanked out; "'s" endings dropped."""
    out = []
    for w in WORD_RE.findall(CJK_RE.sub(" ", text)):
        w = re.sub(r"['’]s$", "", w).replace("’", "'")
        if "'" in w:
            head, tail = w.split("'", 1)
            # French / Italian elision keeps the word after it ("d'arbres" -> "arbres", "qu'il");
            # English contractions keep the stem ("don't" -> "don", a stop word)
            w = tail if len(head) == 1 or head in _ELISIONS else head
        out.append(w)
    return out


def cjk_bigrams(text: str) -> list[str]:
    """All character pairs of the CJK runs of a text (no stop filtering)."""
    grams = []
    for run in CJK_RE.findall(text):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def cjk_segments(text: str) -> list[str]:
    """CJK runs of a text cut at function characters and function words (so that "我覺得計程車"
    gives "計程車", not the pair "得計")."""
    segments = []
    for run in CJK_RE.findall(text):
        keep = [ch not in CHINESE_STOP_CHARS for ch in run]
        for i in range(len(run) - 1):
            if run[i : i + 2] in CHINESE_STOP_WORDS:
                keep[i] = keep[i + 1] = False
        current = ""
        for ch, k in zip(run, keep):
            if k:
                current += ch
            else:
                if current:
                    segments.append(current)
                current = ""
        if current:
            segments.append(current)
    return segments


def extract_terms(text: str, language: str = "en") -> list[str]:
    """Label terms of one statement, in order, with repeats: lower-case words without the stop words
    of ``language`` (:func:`stop_words`), plus character pairs for CJK runs (Chinese text has no
    spaces), after cutting the runs at function characters and function words. Single letters are
    dropped; numbers of two or more digits are kept ("15")."""
    norm = normalise_text(text)
    stop = stop_words(language)
    terms = [w for w in latin_words(norm) if len(w) >= 2 and w not in stop]
    for segment in cjk_segments(norm):
        terms.extend(segment[i : i + 2] for i in range(len(segment) - 1))
    return terms


def overlap_units(text: str) -> frozenset[str]:
    """Units compared for the near-duplicate word-overlap check: all words (stop words included,
    so short statements compare fairly) and CJK character pairs."""
    norm = normalise_text(text)
    units = set(latin_words(norm))
    units.update(cjk_bigrams(norm))
    for run in CJK_RE.findall(norm):
        if len(run) == 1:
            units.add(run)
    return frozenset(units)
