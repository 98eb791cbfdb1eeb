"""What is kept of a model's sentences, and the faithfulness check of each kept one.

After parsing, :func:`keep_sentences` removes what a drafted statement must not contain: sentences
that repeat the instructions (a run of words shared with the prompt), placeholders and repeats;
a sentence that quotes one statement cites that statement (small models copy a statement and cite
another); citations of statements that :func:`deliberation.safety.instruction_reasons` flags do
not count, so a sentence repeating an injection's payload cannot be "supported" by the injection
itself; the sentence count is capped.

Faithfulness is judged by the guard, not here: :func:`guard_sentences` runs
:func:`deliberation.grounding.check_draft` on each sentence against the statements it cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from deliberation.drafting.base import SourceRef
from deliberation.drafting.config import LLMDraftConfig
from deliberation.grounding import SentenceVerdict, SourceStatement, TextEncoder, check_draft
from deliberation.models import DraftSentence
from deliberation.safety.instructions import strip_special_tokens

__all__ = ["InstructionIndex", "Triage", "keep_sentences", "repair_citations", "guard_sentences", "lower_words",
           "content_words"]

#: a list marker before a sentence ("1. ", "2) ", "- ", "• ")
_LIST_MARK = re.compile(r"^(?:\d{1,2}[.)]|[-*•])\s+")
#: a template placeholder copied instead of a sentence ("<sentence>", "...", "text")
_PLACEHOLDER = re.compile(r"^\W*(?:<[^<>]{0,40}>|\.{3}|…|sentence|text|statement)?\W*$", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)


def lower_words(text: str) -> list[str]:
    """Lower-cased words of ``text``."""
    return [w.lower() for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """Words of three letters or more, and numbers."""
    return [w for w in lower_words(text) if len(w) >= 3 or w.isdigit()]


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


class InstructionIndex:
    """Word n-grams of our own instruction texts: :meth:`leaks` tells whether a drafted sentence
    repeats a run of ``n`` of their words (all its words when it is shorter, at least 4)."""

    def __init__(self, texts: Sequence[str], n: int):
        self.n = n
        self.words = [lower_words(t) for t in texts]
        self.grams: dict[int, set[tuple[str, ...]]] = {}

    def _grams(self, n: int) -> set[tuple[str, ...]]:
        if n not in self.grams:
            self.grams[n] = set().union(*(_ngrams(w, n) for w in self.words))
        return self.grams[n]

    def leaks(self, sentence: str) -> bool:
        words = lower_words(sentence)
        if len(words) < 4:
            return False
        n = min(self.n, len(words))
        return bool(_ngrams(words, n) & self._grams(n))


@dataclass
class Triage:
    """The sentences kept, and what happened to the others."""

    kept: list[DraftSentence] = field(default_factory=list)
    #: (sentence text, reason) for sentences removed
    dropped: list[tuple[str, str]] = field(default_factory=list)
    #: (sentence text, citations given, citations used) for repaired quote citations
    repaired: list[tuple[str, list[str], list[str]]] = field(default_factory=list)


def keep_sentences(sentences: Sequence[DraftSentence], limit: int, *, untrusted: set[str],
                   sources: Sequence[SourceRef], leaks: InstructionIndex, config: LLMDraftConfig) -> Triage:
    """The parsed sentences worth keeping, and why the others were dropped.

    Role tags and list markers are removed; placeholders, sentences repeating a run of the
    instructions (``leaks``), repeats and sentences past ``limit`` are dropped; a quote's
    citations are repaired (:func:`repair_citations`); citations of ``untrusted`` (instruction-like)
    statements do not count, and a sentence citing only such statements is dropped.
    """
    result = Triage()
    kept = result.kept
    seen: set[str] = set()
    source_words = {s.id: set(content_words(s.text)) for s in sources}
    for s in sentences:
        text = strip_special_tokens(s.text)
        text = _LIST_MARK.sub("", " ".join(text.split()))
        key = " ".join(lower_words(text))
        if not key:
            continue
        if _PLACEHOLDER.match(text):
            result.dropped.append((text, "is a placeholder, not a sentence"))
            continue
        if leaks.leaks(text):
            result.dropped.append((text, "repeats the drafting instructions"))
            continue
        cites = list(s.citations)
        if config.repair_citations:
            fixed = repair_citations(text, cites, source_words, config)
            if fixed != cites:
                result.repaired.append((text, cites, fixed))
                cites = fixed
        trusted = [c for c in cites if c not in untrusted]
        if cites and not trusted:
            result.dropped.append((text, "cites only instruction-like statements "
                                         f"({', '.join(cites)})"))
            continue
        cites = trusted
        if key in seen:
            result.dropped.append((text, "repeats an earlier sentence"))
            continue
        if len(kept) >= limit:
            result.dropped.append((text, f"more than {limit} sentences"))
            continue
        seen.add(key)
        kept.append(DraftSentence(text=text, citations=cites))
    return result


def repair_citations(text: str, cites: list[str], source_words: dict[str, set[str]],
                     config: LLMDraftConfig) -> list[str]:
    """Citations for a sentence that quotes one statement: that statement, plus any cited one
    that holds at least ``repair_max_cited`` of the sentence's words (small models copy a statement
    and cite another)."""
    words = set(content_words(text))
    if not words:
        return cites
    cover = {sid: len(words & sw) / len(words) for sid, sw in source_words.items()}
    best = max(cover, key=lambda sid: (cover[sid], sid in cites), default=None)
    if best is None or cover[best] < config.repair_min_quote:
        return cites
    cited = set().union(*(source_words.get(c, set()) for c in cites))
    if best in cites or len(words & cited) / len(words) < config.repair_max_cited:
        return [best] + [c for c in cites if c != best and cover.get(c, 0.0) >= config.repair_max_cited]
    return cites


def guard_sentences(
    sources: Sequence[SourceRef],
    sentences: Sequence[DraftSentence],
    *,
    encoder: TextEncoder | None = None,
) -> list[tuple[DraftSentence, SentenceVerdict]]:
    """Run the faithfulness guard on each sentence against the statements IT cites.

    A sentence without citations is unsupported (``check_draft`` would otherwise check it
    against all statements). Keep ``[s for s, v in guard_sentences(...) if v.supported]``.
    """
    statements = [SourceStatement(id=s.id, text=s.text) for s in sources]
    known = {s.id for s in sources}
    out: list[tuple[DraftSentence, SentenceVerdict]] = []
    for s in sentences:
        cites = [c for c in s.citations if c in known]
        if not cites or not s.text.strip():
            out.append((s, SentenceVerdict(text=s.text, supported=False, citations=[],
                                           reason="cites no statement", problems=["cites no statement"])))
            continue
        try:
            report = check_draft(statements, s.text, cites, encoder=encoder)
        except ValueError as exc:
            out.append((s, SentenceVerdict(text=s.text, supported=False, citations=cites,
                                           reason=f"cannot be checked: {exc}", problems=[str(exc)])))
            continue
        if len(report.sentences) == 1:
            verdict = report.sentences[0]
        else:  # the sentence split in two: supported only if every part is
            bad = [v for v in report.sentences if not v.supported]
            verdict = SentenceVerdict(
                text=s.text, supported=not bad, citations=cites,
                reason="; ".join(f"'{v.text[:50]}': {v.reason}" for v in (bad or report.sentences)),
                problems=[p for v in bad for p in v.problems],
                problem_statements=[ids for v in bad for ids in v.problem_statements],
            )
        out.append((s, verdict))
    return out
