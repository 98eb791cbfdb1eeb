"""The guard on a negation or contrast that a draft says another way than its statement (issue 11,
round of 6 Dec 2026, night, "guard14", tuned on the odd halves of holdouts 1-5 and the dev sets):
"as opposed to X" = "instead of X"; "lieber X als Y" / "would rather X than Y" = "X statt Y"; a
German "nicht" that ends its clause negates what came before it ("Verbote darf es nicht geben" =
"keine Verbote"), as "none" does ("slow internet or none"); "too cheap to cover" = "does not cover";
"whether ... or not" negates nothing; German "zu" before an infinitive ("zu verbieten", "zu erhöhen")
is the infinitive marker, not "too", so it does not turn the verb round; "protected from cuts" = "not
cut"; "pro Haushalt" and "universally" speak of all, as "jeder Haushalt" and "everywhere" do.

Every statement here is made up; each faithful case (tests/data/grounding_negation_said_otherwise_cases.toml)
was refused before this round, and each unfaithful one shows the rule does not pass a real reversal.
"""

from __future__ import annotations

import pytest

from deliberation.grounding import ProblemKind
from guard_cases import assert_one_statement_judged, guard_cases, needs_wordnet

#: (statement, draft, the problem kind expected or None for supported): tests/data/
#: grounding_negation_said_otherwise_cases.toml ("per person" and "universally" at its end)
CASES = guard_cases("grounding_negation_said_otherwise_cases.toml")


@needs_wordnet
@pytest.mark.parametrize(("statement", "draft", "kind"), CASES)
def test_a_negation_said_another_way(statement: str, draft: str, kind: ProblemKind | None) -> None:
    assert_one_statement_judged(statement, draft, kind)
