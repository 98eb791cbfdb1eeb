"""Checks of a draft sentence in a language whose word lists apply to its own text only (French,
Spanish: the ``own_*`` lists of ``data/<lang>.toml``, see those files for why they are not merged).

The guard's other checks run on such a sentence too, with the merged English / German lists
(digits, names, overlap and similarity, "no"); these add what those lists cannot see: a negation
added or dropped ("ne ... pas", "no", "nunca"), a claim of agreement ("tout le monde est
d'accord", "todos están de acuerdo"), a universal word ("tous", "siempre"), a number word
("dix" -> "cinq") and a direction word ("plus" -> "moins", "aumentar" -> "reducir") the cited
statements do not support. These languages have no thesaurus: :data:`MISSING` says so.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Sequence

from deliberation.text import language_name

from .lexicon import LANGUAGES, load
from .problems import Problem, ProblemKind
from .text import _number_values, split_sentences

#: the languages read with lists of their own (a data file with ``own_negators``)
OWN: frozenset[str] = frozenset(lang for lang in LANGUAGES if "own_negators" in load(lang))
#: what the guard lacks for these languages, in words (appended to a supported sentence's reason)
MISSING = "no thesaurus (synonyms, antonyms and substitutions are not known)"
#: words that end a clause: a negation counts once per clause ("no quiero nada" is one negation)
_CLAUSE = re.compile(r"[,;:()]|\b(?:mais|et|car|parce|puisque|pero|y|porque|aunque|sino)\b")
_WORD = re.compile(r"\w+(?:-\w+)*")


def status() -> str:
    """What the guard lacks for the languages read with lists of their own, in words."""
    names = " and ".join(language_name(c) for c in sorted(OWN))
    return f"{names}: word lists only, {MISSING}" if OWN else ""


#: kinds of the merged checks that name words a French or Spanish sentence adds or puts instead
_WORD_KINDS = (ProblemKind.ADDED_CONTENT, ProblemKind.SUBSTITUTION, ProblemKind.ADDED_ITEM)


def names_function_words_only(problem: Problem, lang: str) -> bool:
    """Whether ``problem`` (of the merged checks, which read French and Spanish with English stop
    words) is about function or deliberation words of ``lang`` alone ("Il faut", "un" for "Le",
    "selon un participant"): such a problem is a false alarm, not a change of meaning."""
    if problem.kind not in _WORD_KINDS:
        return False
    d = problem.details
    words = list(d.get("words") or []) + [d.get("draft", ""), d.get("source", ""), d.get("item", "")]
    words = [w for text in words for w in _WORD.findall(_plain(str(text)))]
    lists = _lists(lang)
    return bool(words) and all(w in lists.stop or lists.meta.fullmatch(w) for w in words)


@dataclass(frozen=True)
class _Lists:
    stop: frozenset[str]
    meta: re.Pattern[str]
    negators: frozenset[str]
    universal: re.Pattern[str]
    claims: re.Pattern[str]
    axes: dict[str, tuple[re.Pattern[str], re.Pattern[str]]]
    numbers: dict[str, float]


def _alt(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(patterns)})\b" if patterns else r"(?!)", re.I)


@functools.lru_cache(maxsize=None)
def _lists(lang: str) -> _Lists:
    d = load(lang)
    axes = {name: (_alt(pos), _alt(neg)) for name, (pos, neg) in d.get("own_direction_axes", {}).items()}
    meta = re.compile(f"(?:{'|'.join(d.get('own_meta_words', []))})" if d.get("own_meta_words") else "(?!)", re.I)
    return _Lists(frozenset(d.get("own_stop_words", [])), meta, frozenset(d["own_negators"]),
                  _alt(d.get("own_universal_words", [])), _alt(d.get("own_claims", [])), axes,
                  {k: float(v) for k, v in d.get("own_number_words", {}).items()})


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
                            _universal(lists, plain, said)) if p]
    extra = number_values(text, lang) - set().union(*(number_values(s, lang) for s in sources))
    if extra:
        problems.append(Problem(ProblemKind.ADDED_NUMBER, "adds number(s) " + ", ".join(
            f"{v:g}" for v in sorted(extra)) + " not found in the cited statements", {"numbers": sorted(extra)}))
    return problems + _directions(lists, plain, said, closest)


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
