"""Whether one statement says the opposite of another, as the guard reads it: the one read as a
draft of the other, is a stance, direction or comparison reversed ("The green should become a dog
park" / "The green should not become a dog park")?

The answer is :func:`.guard.check_draft`'s, but only the checks that find a reversal run
(:data:`REVERSALS`): the stance check (negation, stance words, antonyms, swapped comparisons), the
direction check (direction verbs and adjectives, WordNet antonyms) and, for a French or Spanish
sentence, its own negation and direction lists. The rest of the guard (added words, scope,
substitutions: most of its WordNet look-ups) decides nothing here.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType

from . import meaning, own_language, stance
from .checks import _Embeddings, _Source
from .guard import Reading, _parse_sentences, _sources, check_sentence
from .models import GroundingConfig, SourceStatement
from .problems import ProblemKind

#: the guard's findings that mean one statement says the opposite of the other
OPPOSITE_KINDS = frozenset({ProblemKind.STANCE_REVERSED, ProblemKind.DIRECTION_REVERSED,
                            ProblemKind.COMPARISON_SWAPPED})

#: the checks that can find one of :data:`OPPOSITE_KINDS` (the stance check first: the direction
#: check leaves a sentence alone whose stance it reported)
REVERSALS = Reading(rules=(stance.check_stance, meaning.check_direction), own=own_language.reversals,
                    additions=())


#: texts whose reading as a source and as a draft :func:`reverses` remembers: a draft's candidate
#: sources are compared pairwise, so each text comes back in many pairs
TEXTS_REMEMBERED = 4096
#: the one id :func:`reverses` gives the source it reads a draft against
_ID = "s"


def reverses(source: str, draft: str, config: GroundingConfig = GroundingConfig()) -> bool:
    """Does ``draft``, read by the guard as a draft of ``source`` alone, reverse it (a problem of
    :data:`OPPOSITE_KINDS` in any sentence)? ``config``: the guard's settings.

    The answer of ``check_draft([source], draft, reading=REVERSALS)``, computed as it does, sentence
    by sentence (:func:`.guard.check_sentence`), but each text split and tokenised once
    (:data:`TEXTS_REMEMBERED`) and without the report's other fields."""
    if not draft or not draft.strip():
        raise ValueError("draft is empty")
    sources, cfg = _as_source(source), config.for_encoder(None)
    return any(k in OPPOSITE_KINDS
               for clean, cited, unknown in _as_draft(draft)
               for k in check_sentence(clean, list(cited), list(unknown), sources, _Embeddings(None), cfg,
                                       REVERSALS).problem_kinds)


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _as_source(text: str) -> MappingProxyType[str, _Source]:
    """``text`` read as the guard reads a cited statement (its claim, tokens, clauses); one reading
    serves every pair, so it is read-only (a mapping proxy of a frozen :class:`.checks._Source`):
    nothing a check adds to it can leak into the next pair."""
    return MappingProxyType(_sources([SourceStatement(id=_ID, text=text)]))


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _as_draft(text: str) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """``text``'s sentences as the guard parses a draft citing :data:`_ID` alone: (text, cited,
    unknown ids)."""
    return tuple((clean, tuple(cited), tuple(unknown))
                 for clean, cited, unknown in _parse_sentences(text, {_ID}, [_ID], [_ID]))
