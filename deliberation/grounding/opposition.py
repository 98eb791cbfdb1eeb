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

from . import checks, meaning, own_language
from .guard import Reading, check_draft
from .models import GroundingConfig
from .problems import ProblemKind

#: the guard's findings that mean one statement says the opposite of the other
OPPOSITE_KINDS = frozenset({ProblemKind.STANCE_REVERSED, ProblemKind.DIRECTION_REVERSED,
                            ProblemKind.COMPARISON_SWAPPED})

#: the checks that can find one of :data:`OPPOSITE_KINDS` (the stance check first: the direction
#: check leaves a sentence alone whose stance it reported)
REVERSALS = Reading(rules=(checks.check_stance, meaning.check_direction), own=own_language.reversals,
                    additions=())


def reverses(source: str, draft: str, config: GroundingConfig = GroundingConfig()) -> bool:
    """Does ``draft``, read by the guard as a draft of ``source`` alone, reverse it (a problem of
    :data:`OPPOSITE_KINDS` in any sentence)? ``config``: the guard's settings."""
    report = check_draft([{"id": "s", "text": source}], draft, ["s"], config=config, reading=REVERSALS)
    return any(k in OPPOSITE_KINDS for s in report.sentences for k in s.problem_kinds)
