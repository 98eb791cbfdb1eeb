"""A speaker's report of their own experience is no claim about everyone: "I do not know anyone who
uses the night bus", "we have never met anybody who ...", "ich kenne niemanden, der ..." say what
the speaker has seen, not that nobody uses it.

The grammar shape is a first-person subject (the data files' ``first_person_subjects``: "I", "we",
"ich", "wir"), then a verb of knowing or meeting (``report_verbs``: "know", "met", "kenne",
"getroffen"), at most :data:`REPORT_REACH` tokens before the quantifier ("nobody", "anyone").
Such a quantifier makes no claim (:func:`.checks._claims`), and a draft may not turn the report
into one (:func:`check_report_generalised`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .lexicon import alternation, entries
from .problems import Problem, ProblemKind
from .text import _tokenize

if TYPE_CHECKING:  # cycle: checks imports in_report
    from .checks import SentenceContext

#: how many tokens before a quantifier a first-person subject and its verb of knowing may stand ("I
#: have never really met anyone": five)
REPORT_REACH = 5
_FIRST_PERSON = frozenset(w.lower() for w in entries("first_person_subjects"))
_REPORT_VERBS = frozenset(w.lower() for w in entries("report_verbs"))


def in_report(text: str, start: int) -> bool:
    """Is the quantifier at character ``start`` of ``text`` the object of a first-person verb of
    knowing or meeting ("I do not know anyone", "ich kenne niemanden")?"""

    before = [t.raw.lower().split("'")[0] for t in _tokenize(text[:start])[-REPORT_REACH:]]
    verb = next((k for k in range(len(before) - 1, -1, -1) if before[k] in _REPORT_VERBS), None)
    return verb is not None and any(w in _FIRST_PERSON for w in before[:verb])


#: "nobody", "no one", "niemand" in a draft, and the words for persons a report speaks of
#: ("anyone", "nobody", "niemanden")
_NOBODY = re.compile(rf"\b(?:{alternation('nobody_words')})\b", re.I)
_PERSONS = re.compile(rf"\b(?:{alternation('nobody_words')}|{alternation('any_person_words')}|{alternation('reported_person_words')})\b", re.I)


def check_report_generalised(ctx: SentenceContext) -> list[Problem]:
    """A draft that says "nobody" where a cited statement speaks of persons only in its speaker's
    report ("I do not know anyone who uses the night bus" -> "Nobody uses the night bus")."""

    m = _NOBODY.search(ctx.text)
    if not ctx.relevant or not m or in_report(ctx.text, m.start()):
        return []
    for s in ctx.cited:
        found = list(_PERSONS.finditer(s.text))
        if found and all(in_report(s.text, p.start()) for p in found):
            return [Problem(ProblemKind.SCOPE_INFLATED,
                            f"says '{m.group(0)}' where statement {s.id} tells only whom its author knows "
                            f"('{found[0].group(0)}')", {"statement": s.id, "word": m.group(0)})]
    return []
