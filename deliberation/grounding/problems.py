"""What the guard can find wrong with a sentence: one :class:`ProblemKind` per check, each with
its public wording, and :func:`public_reason` for the public report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Sequence

from deliberation.words import DEFAULT_LANGUAGE, SAID, Texts, said


class ProblemKind(str, Enum):
    """The kind of a guard problem; its value is stable (stored in verdicts, used in JSON)."""

    UNKNOWN_CITATION = "unknown_citation"
    NO_CITATION = "no_citation"
    UNUSABLE_CITATION = "unusable_citation"
    INSTRUCTION = "instruction"
    IRRELEVANT = "irrelevant"
    ADDED_NUMBER = "added_number"
    ADDED_ENTITY = "added_entity"
    CONSENSUS_CLAIM = "consensus_claim"
    PLURAL_CLAIM = "plural_claim"
    COMPARISON_SWAPPED = "comparison_swapped"
    STANCE_REVERSED = "stance_reversed"
    DIRECTION_REVERSED = "direction_reversed"
    SCOPE_INFLATED = "scope_inflated"
    SUBSTITUTION = "substitution"
    LINKED = "linked"
    FUSED = "fused"
    ADDED_CONTENT = "added_content"
    ADDED_REASON = "added_reason"
    ADDED_ITEM = "added_item"
    MODEL_CONTRADICTED = "model_contradicted"
    MODEL_NOT_STATED = "model_not_stated"
    NOT_CHECKED = "not_checked"

    @property
    def public(self) -> str:
        """The wording of this kind for the public report: never the words of the text."""

        return PUBLIC_WORDING[self]


#: the public wording of each kind of problem (``said.guard_problem`` of the message files: said
#: again in the report's language)
PUBLIC_WORDING: dict[ProblemKind, str] = {k: said(f"guard_problem.{k.value}") for k in ProblemKind}


@dataclass(frozen=True)
class Problem:
    """One failed check: its kind, the message in words (for the moderator) and details."""

    kind: ProblemKind
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def statements(self) -> list[str]:
        """The ids of the cited statements the message names (which one the words were checked against):
        the details' ``statements`` or ``statement``; none where the message names none."""
        if "statements" in self.details:
            return [str(i) for i in self.details["statements"]]
        return [str(self.details["statement"])] if "statement" in self.details else []


#: every character that may open (or close) a quotation: ASCII, typographic, low-9, primes,
#: guillemets, CJK corner brackets, fullwidth and backtick
_QUOTE_CHARS = "'\"`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u00ab\u00bb\u2039\u203a" \
               "\u300c\u300d\u300e\u300f\u301d\u301e\uff02\uff07\uff40"
_REASON_CUT = re.compile(f"[{re.escape(_QUOTE_CHARS)}]|[:\uff1a\ufe55]")
WITHHELD = "(details withheld)"


def public_reason(reason: ProblemKind | str) -> str:
    """A guard problem or moderation reason fit for the public report, without the words of the
    text it is about (perhaps an injected payload).

    A :class:`ProblemKind` (or its value, as stored in a verdict's ``problem_kinds``) gives the
    fixed wording of that kind. Any other reason (a moderation reason, a moderator's note) is cut
    at its first colon, or at the start of the word holding its first quotation mark of any kind,
    so nothing that follows is kept: no quote is parsed, so an apostrophe or a nested quote inside
    a payload cannot end it early.
    """
    if isinstance(reason, ProblemKind):
        return reason.public
    text = " ".join(str(reason or "").split())
    try:
        return ProblemKind(text).public
    except ValueError:
        pass
    m = _REASON_CUT.search(text)
    if m is None:
        return text
    cut = m.start()
    if m.group(0) in _QUOTE_CHARS:  # drop the whole word the quote mark starts or sits in
        cut = text.rfind(" ", 0, cut) + 1
    kept = text[:cut].rstrip(" ,;(-\u2013\u2014")
    return f"{kept} {WITHHELD}" if kept else WITHHELD


#: a phrase a problem's message quotes ('…': words of the checked text, as written); its closing mark
#: is followed by a comma, a semicolon, a space or the end, so that an apostrophe inside ("l'école") stays
_QUOTED_PHRASE = re.compile(r"'(.+?)'(?=[,;:)]|\s|$)")


def problem_in(kind: ProblemKind | str, message: str, lang: str | None, statements: Sequence[str] = ()) -> str:
    """One of the guard's problems, for the moderator, in ``lang``: in English the guard's own message
    (the words it found and the statement it checked them against); in another language the kind's
    wording (``said.guard_problem``), the cited ``statements`` the message names (:attr:`Problem.statements`,
    "Aussage 8", "Aussage s12") and the phrases it quotes, as written. The messages are English only: a
    German console showed "adds the place 'Parkplätze am Marktplatz' … not found in cited statement 8"
    under a refused edit. An unknown kind: the message as it is."""
    texts = Texts(lang)
    try:
        kind = ProblemKind(kind)
    except ValueError:
        return message
    if texts.lang == DEFAULT_LANGUAGE:
        return message
    words = texts(f"{SAID}.guard_problem.{kind.value}")
    ids = list(dict.fromkeys(statements))
    if ids:  # which cited statement failed the check, as the English message names it
        words = texts("guard.against", problem=words, statements=texts("guard.statements", n=len(ids),
                                                                        ids=", ".join(ids)))
    quoted = list(dict.fromkeys(_QUOTED_PHRASE.findall(message)))
    return texts("guard.quoting", problem=words, phrases=", ".join(f"'{q}'" for q in quoted)) \
        if quoted else words
