"""Which languages the guard can read, and what it says about a sentence in one it cannot.

The guard's checks rest on word lists (negators, quantifiers, claims of agreement, number words,
direction words: ``data/<lang>.toml``, :mod:`.lexicon`). A sentence in a language without such a
file would be read with the English lists, which know none of its words, and a reversed or
inflated sentence would pass: "Les bus ne devraient pas passer ..." looked supported. So such a
sentence is never passed on its words. The one thing the guard can tell without reading the
language is a word-for-word quote: a sentence equal to a sentence of a cited statement (spacing,
case and the closing full stop aside) passes, which keeps the extractive draft (verbatim quotes)
usable in every language. Any other sentence is unsupported with a problem of kind
:attr:`ProblemKind.NOT_CHECKED` saying so in words, so the drafting pipeline drops it and the
moderator sees why in the draft's notes and verdicts.

A sentence whose language cannot be told (too short, ambiguous: ``""`` from the detector) takes
the language of the statements it cites (:func:`sources_language`), when they have one: citing
French statements it is read with the French lists, citing Italian ones it is not checked as
above. Citing none with a language told, or statements in several, it is read with the guard's
lists as before.
"""

from __future__ import annotations

import re
from typing import Sequence

from deliberation.text import detect_language, language_name

from .lexicon import LANGUAGES
from .problems import Problem, ProblemKind
from .text import split_sentences

#: detector codes the guard reads: those with a data file, plus Japanese (read with the CJK rules
#: of the Chinese file)
READABLE: frozenset[str] = frozenset(LANGUAGES) | {"ja"}


def unreadable(code: str) -> bool:
    """Whether the guard has no word lists for detector code ``code`` (``""``, undetermined, is
    read with the guard's lists)."""

    return bool(code) and code not in READABLE


def sources_language(texts: Sequence[str]) -> str:
    """The one language of the cited statements ``texts`` whose language can be told (detector
    codes), or ``""`` when none can be told or they are in several."""

    codes = {detect_language(t) for t in texts} - {""}
    return codes.pop() if len(codes) == 1 else ""


def _norm(sentence: str) -> str:
    return re.sub(r"[\s.!?。！？]+$", "", " ".join(sentence.split())).casefold()


def quoted_from(text: str, cited: Sequence[tuple[str, str]]) -> str | None:
    """The id of the first cited statement (``(id, claim text)`` pairs) that holds ``text`` word
    for word as one of its sentences, or ``None``."""

    want = _norm(text)
    for sid, claim in cited:
        if any(_norm(s) == want for s in split_sentences(claim) or [claim]):
            return sid
    return None


def not_checked(code: str) -> Problem:
    """The problem of a sentence in a language the guard has no word lists for."""

    name = language_name(code)
    return Problem(ProblemKind.NOT_CHECKED,
                   f"not checked: the guard has no word lists for {name}; read it against its sources by hand",
                   {"language": code})
