"""Checks of a draft sentence in a language whose word lists apply to its own text only (French,
Spanish: the ``own_*`` lists of ``data/<lang>.toml``, see those files for why they are not merged).

The guard's other checks run on such a sentence too, with the merged English / German lists
(digits, names, overlap and similarity, "no"); these add what those lists cannot see: a negation
added or dropped ("ne ... pas", "no", "nunca"), a claim of agreement ("tout le monde est
d'accord", "todos están de acuerdo"), a universal word ("tous", "siempre"), a number word
("dix" -> "cinq"), a direction word ("plus" -> "moins", "aumentar" -> "reducir"), a condition
dropped ("à condition que", "solo") and a content word ("renards" for "pigeons", "surtout en
hiver") the cited statements do not support: a word none of them says in any form, nor a synonym
of one of their words (the language's thesaurus, :mod:`.thesaurus_fr_es`, either way; the other
side of a role pair such as "locataires" / "propriétaires" is never one), nor a light verb before
a said word ("recibir multas" for "multar"). Without the thesaurus that last check is left out and
:func:`read_with` says so.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Sequence

from deliberation.text import language_name

from . import thesaurus_fr_es as thes
from .lexicon import HEDGES, LANGUAGES, load
from .problems import Problem, ProblemKind
from .text import _number_values, split_sentences

#: the languages read with lists of their own (a data file with ``own_negators``)
OWN: frozenset[str] = frozenset(lang for lang in LANGUAGES if "own_negators" in load(lang))
#: what the guard lacks for a language without its thesaurus, in words
MISSING = "synonyms and substituted words are not known"
#: words that end a clause: a negation counts once per clause ("no quiero nada" is one negation)
_CLAUSE = re.compile(r"[,;:()]|\b(?:mais|et|car|parce|puisque|pero|y|porque|aunque|sino)\b")
_WORD = re.compile(r"\w+(?:-\w+)*")


def status() -> str:
    """The thesaurus of each language read with lists of its own, or what is missing, in words."""
    return "; ".join(thes.status(c) for c in sorted(OWN))


def read_with(lang: str) -> str:
    """What a supported sentence of ``lang`` was read with, in words (its reason ends with it)."""
    if thes.available(lang):
        return f"read with the {language_name(lang)} word lists and {thes.THESAURI[lang].name}"
    return f"read with the {language_name(lang)} word lists only, no thesaurus ({thes.THESAURI[lang].missing()}): {MISSING}"


#: kinds of the merged checks that name words a French or Spanish sentence adds or puts instead
_WORD_KINDS = (ProblemKind.ADDED_CONTENT, ProblemKind.SUBSTITUTION, ProblemKind.ADDED_ITEM)


def false_alarm(problem: Problem, lang: str, sources: Sequence[str], text: str) -> bool:
    """Whether ``problem`` (of the merged checks, which read French and Spanish with English stop
    words and WordNet) is about function or deliberation words of ``lang`` alone ("Il faut", "un"
    for "Le", "selon un participant") or, where the thesaurus is there, about words of draft
    sentence ``text`` that are no unsaid content word of it (:func:`unsaid_words`: said by the
    cited ``sources`` in another form or with a synonym, or words the language's own checks read):
    no change of meaning that this module's checks would not name themselves."""
    if problem.kind not in _WORD_KINDS:
        return False
    d, lists = problem.details, _lists(lang)
    drafted = _words(list(d.get("words") or []) + [d.get("draft", ""), d.get("item", "")])
    named = drafted + _words([d.get("source", "")])
    framing = framing_words(text, lang)
    if named and all(w in lists.stop or lists.meta.fullmatch(w) or w in framing for w in named):
        return True
    if not drafted or not thes.available(lang):
        return False
    unsaid = {_plain(w) for w in unsaid_words(text, sources, lang)}
    return not unsaid.intersection(drafted)


def _words(texts: list[object]) -> list[str]:
    return [w for text in texts for w in _WORD.findall(_plain(str(text)))]


@dataclass(frozen=True)
class _Lists:
    stop: frozenset[str]
    meta: re.Pattern[str]
    negators: frozenset[str]
    universal: re.Pattern[str]
    claims: re.Pattern[str]
    axes: dict[str, tuple[re.Pattern[str], re.Pattern[str]]]
    numbers: dict[str, float]
    partners: frozenset[str]
    conditions: re.Pattern[str]
    weak_conditions: frozenset[str]
    light_verbs: re.Pattern[str]
    people: re.Pattern[str]
    framing_before: frozenset[str]


def _alt(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(patterns)})\b" if patterns else r"(?!)", re.I)


@functools.lru_cache(maxsize=None)
def _lists(lang: str) -> _Lists:
    d = load(lang)
    axes = {name: (_alt(pos), _alt(neg)) for name, (pos, neg) in d.get("own_direction_axes", {}).items()}
    meta = re.compile(f"(?:{'|'.join(d.get('own_meta_words', []))})" if d.get("own_meta_words") else "(?!)", re.I)
    return _Lists(frozenset(d.get("own_stop_words", [])), meta, frozenset(d["own_negators"]),
                  _alt(d.get("own_universal_words", [])), _alt(d.get("own_claims", [])), axes,
                  {k: float(v) for k, v in d.get("own_number_words", {}).items()},
                  frozenset(d.get("own_negation_partners", [])), _alt(d.get("own_conditions", [])),
                  frozenset(d.get("own_weak_conditions", [])),
                  re.compile(f"(?:{'|'.join(d.get('own_light_verbs', []))})" if d.get("own_light_verbs") else "(?!)"),
                  re.compile(f"(?:{'|'.join(d.get('own_framing_people', []))})" if d.get("own_framing_people") else "(?!)",
                             re.I),
                  frozenset(d.get("own_framing_before", [])))


#: a people word (``own_framing_people``: "vecinos", "habitants") frames a report when a
#: deliberation word (``own_meta_words``: "dicen", "signalent") is among the next this many words
FRAMING_REACH = 3
#: ... or when a word of ``own_framing_before`` ("según", "selon") or a deliberation word (the
#: subject after its verb: "..., proposent des habitants") is among this many words before it
FRAMING_BEFORE_REACH = 2


def _framing(words: list[str], i: int, lists: _Lists) -> bool:
    """Is ``words[i]``, a people word, the subject of a report ("algunos vecinos dicen que",
    "selon des habitants") rather than a side of what is said ("los vecinos se beneficiarían")?"""
    after = words[i + 1:i + 1 + FRAMING_REACH]
    before = words[max(0, i - FRAMING_BEFORE_REACH):i]
    return (any(lists.meta.fullmatch(w) for w in after)
            or any(w in lists.framing_before or lists.meta.fullmatch(w) for w in before))


def framing_words(text: str, lang: str) -> frozenset[str]:
    """The people words of ``text`` (lower case) that frame a report there (:func:`_framing`)."""
    lists = _lists(lang)
    words = _WORD.findall(_plain(text))
    return frozenset(w for i, w in enumerate(words) if lists.people.fullmatch(w) and _framing(words, i, lists))


def _plain(text: str) -> str:
    """Lower case, apostrophes as spaces ("n'est" -> "n est")."""
    return re.sub(r"['\u2019\u02bc`]", " ", text.lower())


def negated_clauses(text: str, lang: str) -> int:
    """How many clauses of ``text`` hold a negator of ``lang``."""
    neg = _lists(lang).negators
    return sum(1 for clause in _CLAUSE.split(_plain(text)) if neg & set(_WORD.findall(clause)))


def number_values(text: str, lang: str) -> set[float]:
    """Digits (the guard's reader) and number words of ``lang``; a hyphenated compound not listed
    whole adds up its parts ("vingt-cinq" = 25)."""
    table = _lists(lang).numbers
    out = set(_number_values(text))
    for w in _WORD.findall(_plain(text)):
        parts = w.split("-")
        if w in table:
            out.add(table[w])
        elif len(parts) > 1 and all(p in table or p == "et" for p in parts):
            out.add(sum(table.get(p, 0.0) for p in parts))
    return out


def _stems(text: str, lang: str) -> set[str]:
    stop = _lists(lang).stop
    return {w[:5] for w in _WORD.findall(_plain(text)) if w not in stop and not w.isdigit()}


def _closest(text: str, sources: Sequence[str], lang: str) -> str:
    """The sentence of ``sources`` sharing most content words with ``text``."""
    mine = _stems(text, lang)
    sents = [s for src in sources for s in (split_sentences(src) or [src])]
    return max(sents, key=lambda s: len(mine & _stems(s, lang)) / (len(_stems(s, lang)) or 1))


def check(text: str, sources: Sequence[str], lang: str) -> list[Problem]:
    """The problems of draft sentence ``text`` (in ``lang``) against its cited statements."""
    if not sources:
        return []
    lists, name, plain = _lists(lang), language_name(lang), _plain(text)
    said = [_plain(s) for s in sources]
    closest = _plain(_closest(text, sources, lang))
    problems = [p for p in (_claim(lists, plain, said, name), _negation(text, closest, lang),
                            _universal(lists, plain, said), _condition(lists, plain, closest)) if p]
    extra = number_values(text, lang) - set().union(*(number_values(s, lang) for s in sources))
    if extra:
        problems.append(Problem(ProblemKind.ADDED_NUMBER, "adds number(s) " + ", ".join(
            f"{v:g}" for v in sorted(extra)) + " not found in the cited statements", {"numbers": sorted(extra)}))
    problems += _directions(lists, plain, said, closest)
    return problems + _unsaid(text, sources, closest, lang)


def reversals(text: str, sources: Sequence[str], lang: str) -> list[Problem]:
    """The problems of :func:`check` that say draft sentence ``text`` reverses its cited statements:
    a negation added or dropped, a direction word put for its opposite (the rest left unread)."""
    if not sources:
        return []
    closest = _plain(_closest(text, sources, lang))
    return [p for p in (_negation(text, closest, lang),) if p] + _directions(
        _lists(lang), _plain(text), [_plain(s) for s in sources], closest)


def _claim(lists: _Lists, plain: str, said: list[str], name: str) -> Problem | None:
    m = lists.claims.search(plain)
    if m is None or any(lists.claims.search(s) for s in said):
        return None
    return Problem(ProblemKind.CONSENSUS_CLAIM, f"claims agreement ('{m.group(0)}') that no cited statement states",
                   {"words": m.group(0), "language": name})


def _negation(text: str, closest: str, lang: str) -> Problem | None:
    mine, theirs = negated_clauses(text, lang), negated_clauses(closest, lang)
    if mine % 2 == theirs % 2:
        return None
    how = "adds a negation" if mine > theirs else "drops a negation"
    return Problem(ProblemKind.STANCE_REVERSED, f"reverses the stance of the closest cited sentence: {how} "
                   f"({mine} negated clause(s) against {theirs})", {"draft": mine, "source": theirs})


def _universal(lists: _Lists, plain: str, said: list[str]) -> Problem | None:
    added = sorted({m.group(0) for m in lists.universal.finditer(plain)
                    if not any(re.search(rf"\b{re.escape(m.group(0))}\b", s) for s in said)})
    if not added:
        return None
    return Problem(ProblemKind.SCOPE_INFLATED, f"widens the scope with {', '.join(repr(w) for w in added)}, "
                   "which no cited statement says", {"words": added})


def _condition(lists: _Lists, plain: str, closest: str) -> Problem | None:
    """The closest cited sentence holds a condition or restriction ("à condition que", "solo") and
    the draft holds none: what was said of some cases is drafted as said of all. A weak condition
    word (``own_weak_conditions``: French "si" is also "so") alone is not looked for, nor one that
    opens a hedge ("si me preguntas": :data:`.lexicon.HEDGES`)."""
    closest = HEDGES.sub(lambda h: " " * len(h.group(0)), closest)
    m = next((m for m in lists.conditions.finditer(closest) if m.group(0) not in lists.weak_conditions), None)
    if m is None or lists.conditions.search(plain):
        return None
    return Problem(ProblemKind.SCOPE_INFLATED, f"drops the condition '{m.group(0)}' of the closest cited sentence",
                   {"words": [m.group(0)], "condition": m.group(0)})


def _directions(lists: _Lists, plain: str, said: list[str], closest: str) -> list[Problem]:
    out = []
    for axis, poles in lists.axes.items():
        for mine, other in (poles, poles[::-1]):
            m = mine.search(plain)
            o = other.search(closest)
            if m and o and not any(mine.search(s) for s in said) and not other.search(plain):
                out.append(Problem(ProblemKind.DIRECTION_REVERSED,
                                   f"puts '{m.group(0)}' where the cited statement says '{o.group(0)}' ({axis})",
                                   {"axis": axis}))
    return out


#: a word of fewer letters is no content word ("vu", "ya")
MIN_CONTENT_LETTERS = 3


def _content_words(text: str, lang: str) -> list[str]:
    """The words of ``text`` that name a thing, an action or a property: not a function,
    deliberation, negation, number, universal, agreement or direction word of the lists (each has
    its own check), not a word the thesaurus knows only as an adverb or preposition."""
    lists, plain = _lists(lang), _plain(text)
    listed = [m.span() for pat in (lists.universal, lists.claims, lists.conditions,
                                   *(p for pair in lists.axes.values() for p in pair))
              for m in pat.finditer(plain)]
    stop_stems = _stop_stems(lang)
    matches = list(_WORD.finditer(plain))
    words = [m.group(0) for m in matches]
    out = []
    for i, m in enumerate(matches):
        w = m.group(0)
        if (len(w) < MIN_CONTENT_LETTERS or w in lists.stop or lists.meta.fullmatch(w) or w in lists.negators
                or (lists.people.fullmatch(w) and _framing(words, i, lists))
                or w in lists.partners or w in lists.numbers or any(ch.isdigit() for ch in w)
                or any(a <= m.start() < b for a, b in listed)
                or thes.stem(w, lang) in stop_stems or thes.function_word(w, lang)):
            continue
        out.append(w)
    return list(dict.fromkeys(out))


@functools.lru_cache(maxsize=None)
def _stop_stems(lang: str) -> frozenset[str]:
    """The stems of the function words: another form of one is no content word ("hacen" as "hace")."""
    return frozenset(thes.stem(w, lang) for w in _lists(lang).stop)


class _SourceWords:
    """The words of some texts, by stem and by the stems of their synonyms."""

    def __init__(self, texts: Sequence[str], lang: str):
        self.lang = lang
        self.words = [w for t in texts for w in _content_words(t, lang)]
        plain = [w for t in texts for w in _WORD.findall(_plain(t))]
        self.keys = {k for w in plain for part in {w, *w.split("-")} for k in thes.keys(part, lang)}

    def says(self, word: str) -> bool:
        """Does one of the words say ``word``: in another form, or with a synonym (either way)?
        The other side of a role pair is never a synonym ("propriétaires" for "locataires")."""
        mine, barred = thes.keys(word, self.lang), thes.never_synonyms(word, self.lang)
        if mine & self.keys or (thes.related(word, self.lang) - barred) & self.keys:
            return True
        return any(mine & thes.related(w, self.lang) for w in self.words if not thes.keys(w, self.lang) & barred)


#: a light verb ("recibir multas", "estar abierta") is no added word when one of the next this
#: many content words of the draft (function words not counted) is one the cited statements say
LIGHT_VERB_REACH = 3
#: sentences whose unsaid words are remembered: the last few, as one sentence is asked for several
#: times in a row (kept small so that a benchmark repeating a batch measures the work, not a cache)
UNSAID_CACHE_SIZE = 8


def unsaid_words(text: str, sources: Sequence[str], lang: str) -> list[str]:
    """The content words of draft sentence ``text`` that no cited statement says in any form nor
    with a synonym, but a light verb of the language (``own_light_verbs``) followed within
    :data:`LIGHT_VERB_REACH` content words by a said one. Empty without the thesaurus."""
    if not thes.available(lang):
        return []
    return list(_unsaid_words(text, tuple(sources), lang))


@functools.lru_cache(maxsize=UNSAID_CACHE_SIZE)
def _unsaid_words(text: str, sources: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """:func:`unsaid_words`, remembered: the merged checks' word problems and :func:`_unsaid` of
    one sentence ask for the same words."""
    said, lists = _SourceWords(sources, lang), _lists(lang)
    words = _content_words(text, lang)
    ok = [said.says(w) for w in words]
    return tuple(w for i, w in enumerate(words) if not ok[i] and not (
        lists.light_verbs.fullmatch(w) and any(ok[i + 1:i + 1 + LIGHT_VERB_REACH])))


def _unsaid(text: str, sources: Sequence[str], closest: str, lang: str) -> list[Problem]:
    """A content word of the draft that no cited statement says in any form nor with a synonym:
    put in place of a word of the closest cited sentence that the draft does not say (a
    substitution), else added. Left out when the language's thesaurus is missing."""
    new = unsaid_words(text, sources, lang)
    if not new:
        return []
    mine = _SourceWords([text], lang)
    gone = [w for w in _content_words(closest, lang) if not mine.says(w)]
    quoted = ", ".join(f"'{w}'" for w in new)
    if gone:
        return [Problem(ProblemKind.SUBSTITUTION, f"puts {quoted} where the cited statement says "
                        + ", ".join(f"'{w}'" for w in gone) + f" (not a synonym in {thes.THESAURI[lang].name})",
                        {"draft": " ".join(new), "source": " ".join(gone)})]
    return [Problem(ProblemKind.ADDED_CONTENT, f"adds {quoted}, which no cited statement says in any form "
                    f"or with a synonym ({thes.THESAURI[lang].name})", {"words": new})]
