"""Text handling for the guard: tokens, light stemming, synonyms, language, sentences, inline
citations and numbers."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from deliberation.text import detect_language
from deliberation.text.german import adjective_bases, infinitive

from .lexicon import ABBREVIATIONS as _ABBREVIATIONS
from .lexicon import META as _META
from .lexicon import NUMBER_WORDS as _NUMBER_WORDS, number_words
from .lexicon import NUMBER_WORDS_BY_LANGUAGE_DIFFER as _NUMBER_WORDS_DIFFER
from .lexicon import STOP_WORDS as _STOP
from .lexicon import SYNONYMS as _SYNONYMS
from .lexicon import entries

_TOKEN_RE = re.compile(
    r"[\u3400-\u9fff\uf900-\ufaff]|\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*",
    re.UNICODE,
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: words the light stemmer leaves whole ("parking", "news")
_KEEP_WHOLE = set(entries("unstemmed_words"))
#: hyphenated words kept as one token
_UNSPLIT = {w.lower() for w in entries("unsplit_hyphenated")}


#: words whose folded, canonical and content-word forms a process remembers: the guard tokenizes
#: the same statements again for every draft and every pair of sources that cite them
WORD_CACHE_SIZE = 65_536
#: texts whose tokens a process remembers (:func:`_tokenize`): the draft node's search for opposite
#: statements reads the same ~90 statements and clauses ~1,900 times on Bowling Green, the ground
#: node ~100 texts ~600 times
TEXT_CACHE_SIZE = 4096


@functools.lru_cache(maxsize=WORD_CACHE_SIZE)
def _fold(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("ß", "ss")
    w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    return w


def _stem(word: str) -> str:
    """Light, language-agnostic suffix stripping (same function on both sides)."""

    w = _fold(word)
    if _CJK.match(w) or w.isdigit() or len(w) <= 3 or w in _KEEP_WHOLE:
        return w
    for suf, rep in (("ies", "y"), ("ied", "y")):
        if w.endswith(suf) and len(w) > 4:
            return _stem(w[: -len(suf)] + rep)  # "families" as "family"
    if w.endswith("sses") and len(w) > 4:
        return w[:-2]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
    elif w.endswith("es") and len(w) > 4 and w[-3] in "sxz":
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    elif w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    # German inflection endings
    for suf in ("ern", "en", "er", "em", "es", "e", "n"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "ls":
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


_CANON: dict[str, str] = {}
for _group in _SYNONYMS:
    _head = _stem(_group[0])
    for _w in _group:
        _CANON.setdefault(_stem(_w), _head)

_META_STEMS = {_stem(w) for w in _META} | {_fold(w) for w in _META}


def _canon(word: str) -> str:
    s = _stem(word)
    return _CANON.get(s, s)


def _word_canon(word: str) -> str:
    """:func:`_canon` of the word, a German past participle read as its :func:`infinitive`, so both
    forms share one canonical form."""

    return _canon(infinitive(word))


def german_base_forms(word: str) -> set[str]:
    """The canonical forms (:func:`_word_canon`) a lower-case German word may be an inflected adjective or
    participle of, its own included: "steigenden" -> steigen, "gesperrter" -> sperren (of "gesperrt"),
    "kostenlosem" -> kostenlos. A condition restated as "bei steigenden Mieten" says "wenn die Mieten steigen"."""

    return {_word_canon(word)} | {_word_canon(base) for base in adjective_bases(word)}


@dataclass(frozen=True)
class _Tok:
    """A token as the guard reads it; read-only, since :func:`_tokenize` hands the same ones to every
    reader of a text."""

    raw: str
    start: int
    end: int
    canon: str
    content: bool


@functools.lru_cache(maxsize=WORD_CACHE_SIZE)
def _word_facts(p: str) -> tuple[str, bool]:
    """A word's canonical form and whether it is a content word (a pure function of the word)."""

    f = _fold(p)
    is_content = not (
        f in _STOP or p.lower() in _STOP or f in _META or p.lower() in _META
        or _stem(p) in _META_STEMS
    ) and not (len(f) <= 1 and not _CJK.match(f) and not f.isdigit()) and not (
        f[:1].isdigit() or f in _NUMBER_WORDS or p.lower() in _NUMBER_WORDS
    )
    return _word_canon(p), is_content


#: superscript and subscript digits as plain ones ("CO²" is "CO2"), one character for one
_SCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉", "01234567890123456789")


def _tokenize(text: str) -> list[_Tok]:
    """``text``'s tokens, a new list of the remembered (read-only) tokens (:data:`TEXT_CACHE_SIZE`)."""
    return list(_tokens(text))


@functools.lru_cache(maxsize=TEXT_CACHE_SIZE)
def _tokens(text: str) -> tuple[_Tok, ...]:
    toks: list[_Tok] = []
    text = text.translate(_SCRIPT_DIGITS)
    for m in _TOKEN_RE.finditer(text):
        raw = m.group(0)
        parts = [raw]
        if "-" in raw and not raw[0].isdigit():
            parts = [raw] if raw.lower() in _UNSPLIT else raw.split("-")
        pos = m.start()
        for p in parts:
            if not p:
                continue
            toks.append(_Tok(p, pos, pos + len(p), *_word_facts(p)))
            pos += len(p) + 1
    return tuple(toks)


def _content_set(toks: Iterable[_Tok]) -> set[str]:
    out: set[str] = set()
    cjk: list[str] = []
    for t in toks:
        if not t.content:
            continue
        if _CJK.match(t.raw):
            cjk.append(t.raw)
            continue
        out.add(t.canon)
    out.update(a + b for a, b in zip(cjk, cjk[1:]))  # CJK: character bigrams
    return out


def _language(text: str) -> str:
    """"zh", "de" or "en": the language rules the guard applies to ``text``, from the project's one
    language detector (:func:`deliberation.text.detect_language`); Chinese and Japanese get the
    CJK rules, every language the guard has no rules for gets the English ones."""
    code = detect_language(text)
    return "zh" if code in ("zh", "ja") else ("de" if code == "de" else "en")


# ---------------------------------------------------------------------------
# Sentences and inline citations
# ---------------------------------------------------------------------------


_CITE_RE = re.compile(
    r"\s*(?:\[\s*#?([A-Za-z0-9_.:-]+(?:\s*[,;]\s*#?[A-Za-z0-9_.:-]+)*)\s*\]|\(\s*#([A-Za-z0-9_.:-]+(?:\s*[,;]\s*#?[A-Za-z0-9_.:-]+)*)\s*\))"
)


def extract_inline_citations(sentence: str, known_ids: Iterable[str] | None = None) -> tuple[str, list[str]]:
    """Strip citation markers ("[12]", "[12, 40]", "(#12)") from a sentence.

    Returns the cleaned sentence and the cited ids in order.  Square brackets
    count as citations only when every item is a known id or a number, so
    "[sic]" or "[citation needed]" stay in the text.
    """

    known = set(known_ids) if known_ids is not None else None
    ids: list[str] = []

    def repl(m: re.Match[str]) -> str:
        group = m.group(1) if m.group(1) is not None else m.group(2)
        items = [x.strip().lstrip("#") for x in re.split(r"[,;]", group) if x.strip()]
        if m.group(1) is not None:  # [..]: only ids or numbers
            if not all((known is not None and x in known) or x.isdigit() for x in items):
                return m.group(0)
        for x in items:
            if x not in ids:
                ids.append(x)
        return ""

    cleaned = _CITE_RE.sub(repl, sentence)
    cleaned = re.sub(r"\s+([.!?;:,。！？])", r"\1", cleaned)
    cleaned = re.sub(r"\s{2,}", " ", cleaned).strip()
    return cleaned, ids


#: words before "3." that make it an ordinal ("im 3. Stock"), not the end of a sentence
_DE_ORDINAL_BEFORE = set(entries("ordinal_before"))

#: abbreviations that a number follows without a new sentence ("mind. 10 Jahre")
_NUMBER_ABBREVIATIONS = frozenset(w.lower() for w in entries("number_abbreviations"))


def split_sentences(text: str) -> list[str]:
    """Split a draft into sentences, keeping citation markers with their sentence.

    Handles abbreviations ("e.g.", "Dr.", "St.", "z.B."), decimals ("2.5"),
    initials ("J. Smith"), Chinese full stops (。！？) and markers placed
    after the full stop ("... hour. [21] Next ...").
    """

    text = text.strip()
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "。！？":
            j = i + 1
            while j < n and text[j] in "。！？」』”\")":
                j += 1
            m = _CITE_RE.match(text, j)
            while m and m.group(0).strip():
                j = m.end()
                m = _CITE_RE.match(text, j)
            sentences.append(text[start:j].strip())
            start = i = j
            continue
        if ch in ".!?":
            j = i + 1
            while j < n and text[j] in ".!?\"”’')":
                j += 1
            # absorb citation markers after the terminator
            k = j
            m = _CITE_RE.match(text, k)
            while m and m.group(0).strip():
                k = m.end()
                m = _CITE_RE.match(text, k)
            if k < n and not text[k].isspace() and k == j:
                i = j
                continue
            if ch == ".":
                before = text[start:i]
                last = re.search(r"([^\s(\[]+)$", before)
                word = last.group(1).lower() if last else ""
                if word in _ABBREVIATIONS or word.rstrip(".") in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word) or (
                        word in _NUMBER_ABBREVIATIONS and re.match(r"\s*\d", text[k:])):  # "mind. 10 Jahre"
                    if not (word == "etc" and re.match(r"\s+[A-Z]", text[k:])):
                        i = k
                        continue
                if word.isdigit() and len(word) <= 2:
                    # German ordinals: "im 3. Stock", "am 5. Mai", "der 2. Bezirk"
                    prev_word = re.search(r"(\S+)\s+\S+$", before)
                    if re.match(r"\s*[a-zäöü]", text[k:]) or (
                        prev_word and prev_word.group(1).lower() in _DE_ORDINAL_BEFORE
                    ):
                        i = k
                        continue
                nxt = re.match(r"\s*(\S)", text[k:])
                if nxt and nxt.group(1).islower():
                    i = k
                    continue
            sentences.append(text[start:k].strip())
            start = i = k
            continue
        i += 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    # markers that ended up at the start of the next sentence belong to the previous one
    out: list[str] = []
    for s in sentences:
        m = re.match(r"^((?:\s*(?:\[[^\]]*\]|\(#[^)]*\)))+)\s*(.*)$", s, re.S)
        if m and out and m.group(1).strip():
            out[-1] = out[-1] + " " + m.group(1).strip()
            s = m.group(2).strip()
        if s:
            out.append(s)
    return [s for s in out if re.search(r"\w", s)]


# ---------------------------------------------------------------------------
# Numbers, entities, polarity, quantifiers
# ---------------------------------------------------------------------------



#: a heart typed as "<3" (or a broken one, "</3"), no word after it: no number, and no threshold
_HEART = re.compile(r"(?<!\S)</?3+(?!\s*\w)")


def _numbers(text: str, toks: list[_Tok] | None = None) -> list[tuple[str, float, int]]:
    """(surface, value, token index) of every number in ``text``."""

    toks = toks if toks is not None else _tokenize(text)
    out: list[tuple[str, float, int]] = []
    hearts = {m.end() for m in _HEART.finditer(text)}
    for idx, t in enumerate(toks):
        raw = t.raw
        if t.end in hearts:
            continue
        if raw[0].isdigit():
            s = raw
            if re.fullmatch(r"\d{1,3}(?:,\d{3})+", s) or re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s) and _language(text) == "de":
                s = re.sub(r"[.,]", "", s)
            s = s.replace(",", ".")
            try:
                val = float(s)
            except ValueError:
                continue
            # "5k", "1.5m"
            after = text[t.end : t.end + 2].lower()
            if re.match(r"k\b", after):
                val *= 1000
            out.append((raw, val, idx))
        else:
            w = _fold(raw)
            w2 = raw.lower()
            val = _NUMBER_WORDS.get(w2, _NUMBER_WORDS.get(w))
            if val is None:
                continue
            if w2 in _NUMBER_WORDS_DIFFER or w in _NUMBER_WORDS_DIFFER:
                # its value in the text's language ("Billion": 10^12 in German, "billion" 10^9 in English)
                own = number_words(_language(text))
                val = own.get(w2, own.get(w, val))
            # "a thousand", "two hundred": multiply with the previous number
            if out and out[-1][2] == idx - 1 and val >= 100 and out[-1][1] < val:
                prev = out.pop()
                out.append((prev[0] + " " + raw, prev[1] * val, idx))
                continue
            out.append((raw, float(val), idx))
    return out


def _number_values(text: str) -> set[float]:
    """Values of all numbers in ``text`` ("a thousand", "1,000" and "1000" are all 1000)."""

    return {round(v, 4) for _, v, _ in _numbers(text)}
