"""The guard on a preference said with a verb of preference (issue 11, round of 7 Dec 2026,
"guard15"): "prefer X over Y", "favour X over Y", "prefers X-ing to Y-ing" negate Y as "X rather
than Y" does (the verbs of WordNet's preference senses, ``preference_senses``), and a draft that swaps
the two sides of "over" or "instead of" reverses the statement.

The statement is real (march-on.operation-marchin-orders, comment 1288, CC BY 4.0; no holdout uses
it); the faithful drafts were refused before this round, the swapped ones passed.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind, check_draft
from deliberation.grounding import wordnet as wn

K = ProblemKind
needs_wordnet = pytest.mark.skipif(wn.wordnet() is None, reason="needs WordNet (Debian's wordnet-base) at /usr/share/wordnet")

HEALTHCARE = ("Legislation should focus on lowering the cost of delivering healthcare rather than finding an "
              "insurance bandaid that works best.")

CASES = [
    (HEALTHCARE, "Legislation should prefer lowering the cost of delivering healthcare over finding an insurance "
                 "bandaid.", None),
    (HEALTHCARE, "Participants favour lowering the cost of delivering healthcare over an insurance bandaid.", None),
    (HEALTHCARE, "Legislation should prefer finding an insurance bandaid over lowering the cost of delivering "
                 "healthcare.", K.COMPARISON_SWAPPED),
    (HEALTHCARE, "Legislation should focus on finding an insurance bandaid instead of lowering the cost of "
                 "delivering healthcare.", K.STANCE_REVERSED),
]


@needs_wordnet
@pytest.mark.parametrize(("statement", "draft", "expected"), CASES)
def test_a_preference_said_with_a_verb(statement: str, draft: str, expected: ProblemKind | None) -> None:
    report = check_draft([{"id": "1288", "text": statement}], draft, ["1288"])
    kinds = {k for s in report.sentences for k in s.problem_kinds}
    if expected is None:
        assert report.supported, [s.reason for s in report.sentences]
    else:
        assert not report.supported and kinds & {expected, K.COMPARISON_SWAPPED}, kinds
