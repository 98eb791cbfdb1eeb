"""Names and places in a sentence (capitalised runs), and which of their words the cited
statements lack."""

from __future__ import annotations

import re
from typing import Iterable

from . import thesaurus_de
from . import wordnet as wn
from .lexicon import ABBREVIATIONS, META, alternation, entries, number_words, table
from .patterns import _ALWAYS_CAPITALISED_OK, _PLACE_WORDS, _TITLES
from .spelling import corrects_typo
from .text import _CJK, _STOP, _Tok, _canon, _fold, _numbers

#: lower-case words inside a name ("Isle of Wight", "Neustift am Walde")
_NAME_PARTICLES = set(entries("name_particles"))
#: German: a single capitalised word after one of these is a place ("in Graz") ...
_DE_PLACE_PREPS = set(entries("place_prepositions"))
#: ... unless it is a noun of an idiom ("in Zukunft", "zu Fuß") or has a noun ending ("in Ordnung")
_DE_PREP_IDIOMS = {_fold(w) for w in entries("preposition_idioms")}
_DE_NOUN_ENDING = re.compile(rf"(?:{alternation('noun_suffixes')})$")
#: ... or is followed by a genitive determiner: a noun governing it ("nach Ansicht der Teilnehmenden")
_DE_GENITIVE_NEXT = {_fold(w) for w in entries("genitive_determiners")}
#: German number words ("Million", "Milliarden"): nouns of a sentence, never part of a name
_DE_NUMBER_WORDS = number_words("de")
#: currency names and codes ("Euro", "EUR"): after a number a unit of it, never part of a name
_CURRENCIES = frozenset(w.lower() for w in entries("currency_words"))
#: German street and square names ("Hauptstraße")
_DE_STREET = re.compile(rf"(?:{alternation('street_suffixes')})$", re.I)


def _entities(text: str, toks: list[_Tok], lang: str) -> list[tuple[str, str]]:
    """Candidate proper names / places as (surface, kind)."""

    if lang == "zh":
        return []
    out: list[tuple[str, str]] = []
    i = 0
    n = len(toks)

    def said_about(k: int) -> bool:
        # German: a word about the deliberation ("eine Stimme Produktion und Konsum ... zuschreibt")
        # or a number word ("einer Million Euro") is a noun of the sentence, never part of a name;
        # nor, in any language, is a currency after a number ("zehn Euro am Tag")
        return (lang == "de" and (toks[k].raw.lower() in META or toks[k].raw.lower() in _DE_NUMBER_WORDS)
                or (toks[k].raw.lower() in _CURRENCIES and k > 0 and bool(_numbers(toks[k - 1].raw))))

    def sentence_initial(k: int) -> bool:
        before = text[: toks[k].start].rstrip()
        return not before or before[-1] in ".:!?;\"“„'(–-"

    while i < n:
        t = toks[i]
        cap = t.raw[:1].isupper() and not _CJK.match(t.raw)
        if not cap or said_about(i):
            i += 1
            continue
        # run of capitalised tokens (allowing "of", "de", "van", "am", "an der")
        j = i + 1
        while j < n and not said_about(j) and (toks[j].raw[:1].isupper() or (toks[j].raw.lower() in _NAME_PARTICLES and j + 1 < n and toks[j + 1].raw[:1].isupper())):
            if text[toks[j - 1].end : toks[j].start].strip() not in ("", "-", "'", "’"):
                break
            j += 1
        run = toks[i:j]
        surface = text[run[0].start : run[-1].end]
        initial = sentence_initial(i)
        words = [r.raw for r in run]
        title_first = bool(_TITLES.match(words[0]))
        placey = any(_PLACE_WORDS.match(w) for w in words)
        if lang == "de":
            # German capitalises every noun: only multi-word names, titles + name,
            # street-like compounds and acronyms count.
            prev = toks[i - 1].raw.lower() if i > 0 else ""
            keep = (len(run) >= 2 and not initial) or title_first and len(run) >= 2 or any(
                _DE_STREET.search(w) for w in words
            ) or any(w.isupper() and len(w) >= 2 for w in words) or (
                # "in Graz", "nach Linz": a bare capitalised word after a place preposition
                len(run) == 1 and prev in _DE_PLACE_PREPS and _fold(words[0]) not in _DE_PREP_IDIOMS
                and not _DE_NOUN_ENDING.search(words[0]) and not _governs_genitive(toks, j)
            )
            if len(run) >= 2 and initial and not title_first:
                # sentence-initial "Die Innenstadt" style: drop the first word
                keep = len(run) >= 3
                run = run[1:]
                surface = text[run[0].start : run[-1].end]
        else:
            # a lone capitalised first word is just the start of a sentence
            keep = not (initial and len(run) == 1)
        if keep:
            kind = "place" if placey else ("name" if title_first else "name or place")
            out.append((surface, kind))
        i = j
    return out


def _compound_part_said(word: str, surface: str, source_words: set[str], lang: str) -> bool:
    """German: is ``word`` the first part of ``surface``, a compound written with a hyphen whose last part
    OpenThesaurus knows as a word, and the beginning of a statement's word (:data:`MIN_CLIPPING` letters
    or more): "Bio-Mittagessen" for "biologisches Mittagessen", "Öko-Strom" for "ökologischer Strom"? Such
    a compound is still read as a name, so a first part no statement says is an addition of its own:
    "Fleisch-Mittagessen" for "vegetarisches Mittagessen", "Berlin-Mitte", "Nord-Allianz"."""

    first, dash, last = surface.partition("-")
    if lang != "de" or not dash or word != first or "-" in last or first.isupper() or last.isupper() \
            or not thesaurus_de.headwords(last):
        return False
    f = _fold(first)
    return len(f) >= MIN_CLIPPING and any(s.startswith(f) and len(s) > len(f) for s in source_words)


def _governs_genitive(toks: list[_Tok], j: int) -> bool:
    """German: is token ``j`` (the one after a capitalised word) a genitive determiner, so that the
    word before it is a noun governing a genitive ("nach Ansicht der Teilnehmenden"), no place?"""

    return j < len(toks) and _fold(toks[j].raw) in _DE_GENITIVE_NEXT


def _entity_missing_words(surface: str, source_canon: set[str], source_words: set[str], lang: str = "en",
                          written: Iterable[str] = ()) -> list[str]:
    """Words of a name or place that the cited statements lack (empty when supported): a word
    that corrects a typo of the statements' words as ``written`` (:func:`.spelling.corrects_typo`:
    "English" for "ENGLLISH", "Fountain Square" for "Fountain Squre") is not lacking, unless the
    statement's word is written as a name and the draft's is no place word: "Smith" for "Smyth",
    "Keeper" for "Kemper" are other names (:func:`_typo_corrected`)."""

    missing = []
    for w in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", surface):
        f = _fold(w)
        if f in _ALWAYS_CAPITALISED_OK or f in _STOP:
            continue
        if _canon(w) in source_canon or f in source_words:
            continue
        if w[:-1].isupper() and w.endswith("s") and f[:-1] in source_words:
            continue  # "DUIs" for "DUI's": an acronym's plural
        if any(clipped(s, f) for s in source_words):
            continue  # "Recreation" for "rec"
        if _compound_part_said(w, surface, source_words, lang):
            continue  # "Bio-Mittagessen" for "biologisches Mittagessen"
        if _typo_corrected(w, written, lang):
            continue
        missing.append(w)
    return missing



def _typo_corrected(word: str, written: Iterable[str], lang: str) -> bool:
    """Does ``word`` of a name correct a typo of a statement's word as written: one in capitals or
    lower case ("ENGLLISH"), or one written as a name ("Squre") when ``word`` is a place word
    ("Square")? A name the dictionary lacks one slip from a word ("Kemper" / "Keeper") is a name.
    German capitalises every noun, so there any word may be corrected."""

    place = bool(_PLACE_WORDS.match(word))
    return any(corrects_typo(word, s, lang) for s in written
               if place or s.isupper() or s.islower() or lang == "de")


#: the shortest clipped form of a word that counts as that word ("rec" for "recreation")
MIN_CLIPPING = 3
#: the longest clipped form of a word ("rec" for "recreation") that counts as that word
MAX_CLIPPING = 5


def clipped(short: str, word: str) -> bool:
    """Is ``short`` a clipping of ``word``: its beginning (:data:`MIN_CLIPPING` to
    :data:`MAX_CLIPPING` letters) and either no word of its own in WordNet ("rec" - "Recreation",
    not "park" - "Parkway", "bus" - "business", "art" - "artillery") or a listed abbreviation of the
    language data ("min" - "minimum", though WordNet knows "min" as a minute)?"""

    short, word = _fold(short), _fold(word)
    if not (MIN_CLIPPING <= len(short) <= MAX_CLIPPING and len(word) > len(short) and word.startswith(short)
            and short.isalpha()):
        return False
    return short in ABBREVIATIONS or (wn.wordnet() is not None and not wn.is_known(short))


#: the most letters of an abbreviation read as a name's initials ("BG" for "Bowling Green") or as
#: letters of one word ("KY" for "Kentucky")
MAX_ABBREVIATION_LETTERS = 4


def _abbreviation(word: str) -> tuple[str, bool]:
    """``word`` (a statement's word as written) folded, if it may abbreviate a name, and whether it
    is marked as one: of 2 to :data:`MAX_ABBREVIATION_LETTERS` letters, no function word ("NOT" in
    capitals is emphasis), and in capitals ("BG", "KY") or a listed abbreviation of the language
    data ("Co", "Ft"), both marked, or no word of WordNet ("bg"), unmarked; else ("", False)."""

    f = _fold(word)
    if not (2 <= len(f) <= MAX_ABBREVIATION_LETTERS and f.isalpha()) or f in _STOP:
        return "", False
    marked = word.isupper() or f in ABBREVIATIONS
    if marked or (wn.wordnet() is not None and not wn.is_known(f)):
        return f, marked
    return "", False


#: the written-out forms of the listed abbreviations a name may carry ("co": "county", "company"),
#: from the language data; no other word is read as one of them ("Marion Colorado" for "Marion Co.")
EXPANSIONS: dict[str, list[str]] = table("abbreviation_expansions")
#: a possessive ending a name ("Kentucky's")
_POSSESSIVE = re.compile(r"['’]s$")


def _spells_out(short: str, name: str) -> bool:
    """May ``name`` (a draft's capitalised word, or words whose initials are ``short``) be the
    statements' abbreviation ``short`` written out? A listed abbreviation as a listed form
    (:data:`EXPANSIONS`: "Co." - "County") or as a word of its letters in order that is no name of a
    particular place or person ("Ft. Square" - "Fountain Square", not "Marion Co." - "Marion
    Colorado"); one WordNet knows only as a name of one of its senses ("KY" - "Kentucky", not
    "Kennedy"; "DC" - not "Dodge City"); one WordNet does not know ("BG") only by the initials of
    two or more words ("Bowling Green"), the one reading there is: a place with those initials
    swapped in ("Bad Godesberg") is not told apart."""

    name = _POSSESSIVE.sub("", name)
    if short in EXPANSIONS:
        return _fold(name) in EXPANSIONS[short] or (
            " " not in name and _letters_in_order(short, _fold(name)) and not wn.is_name(name))
    if wn.wordnet() is not None and wn.is_known(short):
        return wn.same_meaning(short, name)
    return " " in name


def _letters_in_order(short: str, word: str) -> bool:
    """Are the letters of ``short`` those of ``word`` in order, from its first ("ft" in "fountain")?"""

    if not short or not word.startswith(short[0]):
        return False
    rest = iter(word[1:])
    return all(c in rest for c in short[1:])


def spelled_out(text: str, toks: list[_Tok], written: Iterable[str]) -> str:
    """``text`` (a draft sentence, tokens ``toks``) with each name a statement writes abbreviated put
    back as the statement writes it (``written``: its words as written), so that every check reads
    the two alike: capitalised words in a row whose initials are an abbreviation (:func:`_abbreviation`:
    "Bowling Green" for "BG" or "bg"), or one capitalised word for a marked one, each only where
    :func:`_spells_out` reads it so ("Kentucky" for "KY", "County" for "Co."). A word the statements
    say as it is stays."""

    said = {_fold(w) for w in written}
    shorts = {}
    for w in written:
        short, marked = _abbreviation(w)
        if short:
            shorts[short] = (w, marked or shorts.get(short, ("", False))[1])
    if not shorts:
        return text
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(toks):
        done = 1
        for short, (as_written, marked) in shorts.items():
            run = toks[i : i + len(short)]
            names = [t.raw for t in run if t.raw[:1].isupper() and _fold(t.raw) not in said]
            if len(run) == len(short) == len(names) and "".join(_fold(x)[0] for x in names) == short \
                    and _spells_out(short, " ".join(names)):
                spans.append((run[0].start, run[-1].end, as_written))
                done = len(short)
                break
            one = toks[i].raw
            if marked and one[:1].isupper() and _fold(one) not in said and len(one) > len(short) \
                    and _spells_out(short, one):
                spans.append((toks[i].start, toks[i].end, as_written))
                break
        i += done
    for start, end, as_written in reversed(spans):
        text = text[:start] + as_written + text[end:]
    return text
