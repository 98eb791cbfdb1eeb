"""The French and Spanish thesauri of OpenOffice / LibreOffice: synonyms of French and Spanish
words ("réduire" - "diminuer", "estrecho" - "angosto"), as OpenThesaurus (:mod:`.thesaurus_de`)
gives them for German and WordNet for English.

The data is Debian's ``mythes-fr`` (``/usr/share/mythes/thes_fr``; the thesaurus of Laurent
Godard and Frédéric Labbé, LGPL-2.1+) and ``mythes-es`` (``/usr/share/mythes/th_es_ES_v2``; the
thesaurus of Marcelo Garrone, LGPL-2.1), read by :mod:`.mythes`; nothing is downloaded.
``DELIBERATION_THESAURUS_FR`` / ``DELIBERATION_THESAURUS_ES`` point at another ``.idx`` / ``.dat``
pair (the path without the extension). Word forms are matched by their Snowball stems (nltk's
French and Spanish stemmers, rules only, no data files): "passent" and "passer" are one word, and
an inflected form finds the headwords that begin with its stem and share it ("salissent" ->
"salir"; only those are stemmed, so the index is ready as soon as it is read).

When a file is missing, :func:`related` returns nothing, :func:`status` says so in words and the
language's sentences go through the guard's own word lists alone.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from functools import lru_cache

from .lexicon import load
from .mythes import MyThes
from .wordnet import LOOKUP_CACHE_SIZE

#: the thesauri by language code
THESAURI: dict[str, MyThes] = {
    "fr": MyThes("the French thesaurus of LibreOffice", "French", "mythes-fr", "DELIBERATION_THESAURUS_FR",
                 "/usr/share/mythes/thes_fr"),
    # a few words of the Spanish file are marked as antonyms ("tacaño|gastador (Antónimo)"); the
    # file spells the marker with a broken "ó", so its start is what is matched
    "es": MyThes("the Spanish thesaurus of LibreOffice", "Spanish", "mythes-es", "DELIBERATION_THESAURUS_ES",
                 "/usr/share/mythes/th_es_ES_v2", excluded=("(Ant",)),
}
#: nltk's Snowball stemmer of each language
STEMMERS = {"fr": "french", "es": "spanish"}
#: endings also taken off a word before stemming, where the stemmer leaves them on: French verb
#: persons ("passent" ~ "passer", "ferment" ~ "fermer") and plurals it stems apart from the
#: singular ("loyers" ~ "loyer")
EXTRA_ENDINGS = {"fr": ("ent", "ons", "ez", "s", "x"), "es": ("s",)}
#: a word keeps at least this many letters when an extra ending is taken off ("gens" stays whole)
MIN_STEM_LETTERS = 3
#: Spanish stems whose vowel changes with the stress ("cierren" ~ "cerrar", "vuelven" ~ "volver"):
#: the stem with the last such pair changed is a form of the word too
VOWEL_CHANGES = {"es": (("ie", "e"), ("ue", "o"))}
#: endings of gender and number a past participle may carry ("ouvertes", "abiertas"), taken off
#: before it is looked up in the language's ``own_irregular_forms`` (data/<lang>.toml)
PARTICIPLE_ENDINGS = ("es", "as", "os", "e", "a", "o", "s")
#: French parts of speech that name no thing, action or property ("(Adverbe)", "(Preposition)"): a
#: word the thesaurus knows only as these is no content word
FUNCTION_POS = frozenset({"Adverbe", "Preposition", "Pronom", "Determinant", "Interjection", "Conjonction"})


def available(lang: str) -> bool:
    return lang in THESAURI and THESAURI[lang].present()


def status(lang: str) -> str:
    """One line for the user: the thesaurus of ``lang`` in use, or what is missing."""

    t = THESAURI[lang]
    return t.status(f"{t.language} sentences use the guard's own word lists only")


@lru_cache(maxsize=None)
def _stemmer(lang: str):
    from nltk.stem.snowball import SnowballStemmer  # lazy: nltk takes ~1.3 s to import

    return SnowballStemmer(STEMMERS[lang])


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def stem(word: str, lang: str) -> str:
    """The Snowball stem of ``word``, accents taken off ("étudiant" and "etudiants" -> "etudi")."""

    return _fold(_stemmer(lang).stem(word.lower()))


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=None)
def _sorted_heads(lang: str) -> tuple[list[str], list[str]]:
    """The one-word headwords of the thesaurus, accents taken off and sorted, and as written."""

    pairs = sorted((_fold(h), h) for h in THESAURI[lang].index() or {} if " " not in h)
    return [f for f, _ in pairs], [h for _, h in pairs]


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def _heads_with_key(key: str, lang: str) -> tuple[str, ...]:
    """The headwords that begin with ``key`` and have it for a key (:func:`keys`); only those
    beginning with it are stemmed, not the whole index (a stem begins its word)."""

    folded, heads = _sorted_heads(lang)
    out = []
    for i in range(bisect_left(folded, key), len(folded)):
        if not folded[i].startswith(key):
            break
        if key in keys(heads[i], lang):
            out.append(heads[i])
    return tuple(out)


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def keys(word: str, lang: str) -> frozenset[str]:
    """The stems ``word`` is compared by: its :func:`stem`, that of the word without an extra
    ending (:data:`EXTRA_ENDINGS`), and those with a stressed vowel changed (:data:`VOWEL_CHANGES`).
    Two words are forms of one word when they share a key."""

    w = word.lower()
    out = {stem(w, lang)} | {stem(w[: -len(end)], lang) for end in EXTRA_ENDINGS[lang]
                             if w.endswith(end) and len(w) - len(end) >= MIN_STEM_LETTERS}
    for old, new in VOWEL_CHANGES.get(lang, ()):
        out |= {k[::-1].replace(old[::-1], new[::-1], 1)[::-1] for k in out if old in k}
    infinitive = _irregular(w, lang)
    return frozenset(out | (keys(infinitive, lang) if infinitive else set()))


def _bare(word: str) -> list[str]:
    """``word`` and ``word`` without each of the endings of :data:`PARTICIPLE_ENDINGS` it has."""

    return [word] + [word[: -len(end)] for end in PARTICIPLE_ENDINGS if word.endswith(end)]


@lru_cache(maxsize=None)
def _participles(lang: str) -> dict[str, str]:
    """Every bare form (:func:`_bare`) of the language's ``own_irregular_forms`` -> the infinitive."""

    return {b: inf for part, inf in load(lang).get("own_irregular_forms", {}).items() for b in _bare(part)}


def _irregular(word: str, lang: str) -> str | None:
    """The infinitive of ``word`` when it is a past participle the stemmer cannot join to it
    ("abierta", "abiertos" -> "abrir"; the language's ``own_irregular_forms``), else None."""

    table = _participles(lang)
    return next((table[b] for b in _bare(word) if b in table), None)


@lru_cache(maxsize=None)
def _role_pairs(lang: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """The keys of the two words of each of the language's ``own_never_synonyms``, both ways."""

    pairs = [(keys(a, lang), keys(b, lang)) for a, b in load(lang).get("own_never_synonyms", [])]
    return tuple(pairs + [(b, a) for a, b in pairs])


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def never_synonyms(word: str, lang: str) -> frozenset[str]:
    """The keys of the words ``word`` is never a synonym of (the other side of a role pair:
    "propriétaire" for "locataires"), whatever the thesaurus lists."""

    mine = keys(word, lang)
    return frozenset(k for a, b in _role_pairs(lang) if mine & a for k in b)


#: (ending, replacement) of plural and feminine forms: a form that is no headword but becomes one
#: with its ending replaced is a form of that word ("habitants" -> "habitant", "élevés" -> "élevé",
#: "caras" -> "caro"), not of every headword sharing its stem ("habit", "habitude"; "élève")
INFLECTIONS = {"fr": (("s", ""), ("x", ""), ("es", ""), ("e", "")),
               "es": (("s", ""), ("es", ""), ("as", "o"), ("os", "o"), ("a", "o"))}


def headwords(word: str, lang: str) -> tuple[str, ...]:
    """The headwords ``word`` may be a form of: itself if it is one, else its singular or masculine
    forms that are (:data:`INFLECTIONS`), else those sharing a key."""

    w, index = word.lower(), THESAURI[lang].index() or {}
    if w in index:
        return (w,)
    lemmas = tuple(dict.fromkeys(w[: -len(end)] + new for end, new in INFLECTIONS.get(lang, ())
                                 if w.endswith(end) and w[: -len(end)] + new in index))
    if lemmas:
        return lemmas
    return tuple(dict.fromkeys(h for k in sorted(keys(w, lang)) for h in _heads_with_key(k, lang)))


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def related(word: str, lang: str) -> frozenset[str]:
    """The keys of the synonyms of ``word`` (of every headword it may be a form of)."""

    t = THESAURI[lang]
    return frozenset(k for h in headwords(word, lang) for m in t.entry(h) for s in m.words for k in keys(s, lang))


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def function_word(word: str, lang: str) -> bool:
    """Does the thesaurus know ``word`` only as an adverb, preposition, pronoun or the like
    (French: the parts of speech of its entries, :data:`FUNCTION_POS`)?"""

    poses = {p for h in headwords(word, lang) for m in THESAURI[lang].entry(h)
             for p in m.pos.strip("()").split()}
    return bool(poses) and poses <= FUNCTION_POS
