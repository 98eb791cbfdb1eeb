"""The extractive drafter: drafts made only of the participants' own words.

It picks the best candidate statements the analysis chose (consensus candidates for the whole
consultation, representative statements for a group or topic), skips near-repeats, and returns
each as one sentence citing its own id. It never adds a word, so it is always faithful and
deterministic; the framing ("speaks for group 2, 85% of its members agreed") lives in the draft's
metadata and the report, not in the sentence.
"""

from __future__ import annotations

import re

from pydantic import Field

from deliberation.drafting.base import DraftLength, DraftRequest
from deliberation.models import DraftSentence
from deliberation.text.terms import CJK_RE

_WORD = re.compile(r"\w+", re.UNICODE)
#: one letter or digit (a CJK character is one)
_WORD_CHARS = re.compile(r"\w", re.UNICODE)


class ExtractiveConfig(DraftLength):
    """The extractive drafter's settings: the draft length (one statement quoted per sentence) and
    how different two quoted statements must be."""

    max_overlap: float = Field(0.6, ge=0.0, le=1.0)
    """A candidate whose word overlap (Jaccard) with an already chosen one is at least this is skipped."""


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


#: marks that already end a quoted statement: nothing is added after them ("…" too: "…." reads as a typo)
_ENDS = ".!?。！？…⋯"


def _as_sentence(text: str) -> str:
    """``text`` on one line, ending with a full stop when it had none: the ideographic one ("。") when most
    of its letters are Chinese or Japanese characters ("我還是會傾向叫 Uber" is a Chinese sentence), else "."."""
    text = " ".join(text.split())
    if text[-1:] in _ENDS:
        return text
    cjk = sum(len(run) for run in CJK_RE.findall(text))
    return text + ("。" if 2 * cjk > len(_WORD_CHARS.findall(text)) else ".")


class ExtractiveDrafter:
    name = "extractive"

    def __init__(self, config: ExtractiveConfig = ExtractiveConfig()):
        self.config = config

    def draft(self, request: DraftRequest) -> list[DraftSentence]:
        limit = self.config.max_sentences(request.kind)
        chosen: list[DraftSentence] = []
        chosen_words: list[set[str]] = []
        for src in request.sources:
            words = _words(src.text)
            # opposed positions may share most of their words ("X should ..." / "X should not ..."):
            # never drop one of them as a near-repeat
            if not request.split and any(len(words & w) / max(1, len(words | w)) >= self.config.max_overlap
                                         for w in chosen_words):
                continue
            chosen.append(DraftSentence(text=_as_sentence(src.text), citations=[src.id], held_by=src.held_by))
            chosen_words.append(words)
            if len(chosen) >= limit:
                break
        return chosen
