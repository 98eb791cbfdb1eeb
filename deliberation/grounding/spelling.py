"""A statement's typo that a draft corrects ("Bort" drafted as "Brot", "Fountain Squre" as
"Fountain Square"): the draft's word is no new word, the statement meant it.

The rule is grounded in the language's dictionary, not in a list of typos: the statement's word is
one that the dictionary does not know, the draft's word one it knows, and the two are a few typing
slips apart (:func:`slips`: a letter left out, added, changed, or two swapped; in a short word
not a changed letter). English words are looked up in WordNet (:mod:`.wordnet`), German ones in
OpenThesaurus (:mod:`.thesaurus_de`); without the dictionary nothing counts as a corrected typo.
OpenThesaurus lists only words that have a synonym, so it lacks many German words ("Förderung",
"Seife"): a German word is read as a typo only when two neighbouring letters are swapped ("Bort" /
"Brot", "Modelables" / "Modelabels"), never a letter changed ("Förderung" / "Forderung" is another
word). A real word the draft puts for another real word ("moderate" -> "progressive") is never
one: the statement's word must be unknown.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache

from deliberation.text.german import DICTIONARY_FORM_ENDINGS

from . import thesaurus_de
from . import wordnet as wn

#: the shortest word (in letters, on both sides) that is read as a typo of another ("Bort" / "Brot")
MIN_TYPO_LETTERS = 4
#: how many typing slips (:func:`slips`) a word of at least :data:`LONG_WORD_LETTERS` letters may
#: hold ("comprehesive" for "comprehensive"); a shorter one only a letter left out or added, or two
#: neighbours swapped: one letter changed in a short word often makes another word ("biker" /
#: "baker", "stats" / "seats")
LONG_WORD_SLIPS = 2
LONG_WORD_LETTERS = 8
#: the languages whose dictionary knows (nearly) every word, so that any slip may be read as a
#: typo; in the others only two swapped neighbours are
FULL_DICTIONARY_LANGUAGES = ("en",)
#: a long misspelling, with or without a dictionary ("Obszoleszenz" for "Obsoleszenz"): two words of
#: at least MIN_MISSPELT_LETTERS letters that are at least MIN_MISSPELT_SIMILARITY alike (difflib's
#: ratio: matched letters over all letters)
MIN_MISSPELT_LETTERS, MIN_MISSPELT_SIMILARITY = 7, 0.9


def misspelt(a: str, b: str) -> bool:
    """Is ``a`` ``b`` misspelt (or the other way round): :data:`MIN_MISSPELT_SIMILARITY` alike? No
    dictionary is asked (:func:`corrects_typo` asks one, for shorter words)."""

    if min(len(a), len(b)) < MIN_MISSPELT_LETTERS or abs(len(a) - len(b)) > 2:
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= MIN_MISSPELT_SIMILARITY


def slips(a: str, b: str, limit: int) -> int:
    """How many typing slips turn ``a`` into ``b`` (a letter left out, added or changed, or two
    neighbours swapped: the optimal string alignment distance), or ``limit + 1`` when more."""

    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def one_letter_more(a: str, b: str) -> bool:
    """Is one of ``a`` and ``b`` the other with one letter added ("squre" / "square")?"""

    short, long_ = sorted((a, b), key=len)
    return len(long_) == len(short) + 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def swapped(a: str, b: str) -> bool:
    """Is ``b`` ``a`` with two neighbouring letters swapped ("bort" / "brot")?"""

    if len(a) != len(b) or a == b:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


@lru_cache(maxsize=wn.LOOKUP_CACHE_SIZE)
def in_dictionary(word: str, lang: str) -> bool | None:
    """Does the dictionary of ``lang`` know ``word`` (English: WordNet; German: an OpenThesaurus
    headword, itself or without an inflection ending, or a compound of two)? None when there is
    no dictionary for the language or it is not installed."""

    w = word.lower()  # not folded: "Müll" is no "Mull"
    if lang == "en":
        return None if wn.wordnet() is None else wn.is_known(w)
    if lang == "de":
        idx = thesaurus_de._index()
        if idx is None:
            return None
        forms = [w] + [w[: -len(e)] for e in DICTIONARY_FORM_ENDINGS if w.endswith(e) and len(w) - len(e) >= MIN_TYPO_LETTERS]
        return any(f in idx for f in forms) or bool(thesaurus_de.compound_parts(w))
    return None


def corrects_typo(draft_word: str, source_word: str, lang: str) -> bool:
    """Is ``draft_word`` the statement's ``source_word`` with its typo corrected: both of at least
    :data:`MIN_TYPO_LETTERS` letters, a few slips apart (:data:`LONG_WORD_SLIPS` in a long word, a
    letter more or two neighbours swapped in a short one; in a language not in
    :data:`FULL_DICTIONARY_LANGUAGES`, two neighbours swapped) after the same first letter, the draft's word in the dictionary and the statement's not?"""

    d, s = draft_word.lower(), source_word.lower()
    if d == s or min(len(d), len(s)) < MIN_TYPO_LETTERS or not (d.isalpha() and s.isalpha()) or d[0] != s[0]:
        return False  # a slip in the first letter makes another word ("Gordon" / "cordon")
    if lang in FULL_DICTIONARY_LANGUAGES and min(len(d), len(s)) >= LONG_WORD_LETTERS:
        if slips(d, s, LONG_WORD_SLIPS) > LONG_WORD_SLIPS:
            return False
    elif not (swapped(d, s) or lang in FULL_DICTIONARY_LANGUAGES and one_letter_more(d, s)):
        return False
    return in_dictionary(d, lang) is True and in_dictionary(s, lang) is False
