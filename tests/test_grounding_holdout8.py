"""The eighth sealed holdout for the faithfulness guard (issue 11, item 5 "measure honestly"): shape and
provenance only, NO scoring. To be scored once by the lead at the end of the session that wrote it (6 Dec 2026).

``tests/data/grounding_holdout8_sealed.jsonl`` was written on 2026-12-06 by the helper "holdout8", by
hand, outside the repository (/tmp/holdout8), blind to the guard, and sealed at 19:35:39 UTC by the
machine clock; tests/data/grounding_holdout8_PROVENANCE.md says how, from which statements and with
what counts. 160 cases: 112 English (american-assembly.bowling-green 93, march-on.operation-marchin-orders
19), all statements Polis's moderators accepted, and 48 German (austria-climate.5twd2jsnkf.2022-08-08),
all statements the moderators did NOT accept (``moderated`` = -1): every accepted German statement is used
by an earlier set, and the rejected ones, though often repeats or off topic, are participants' real
sentences; only well-formed ones were taken. 80 faithful and 80 unfaithful (en 55/57, de 25/23). The
fourteen kinds of the seventh set, 11 or 12 cases each; 22 drafts cite two statements, and only
``joined_claims`` and ``summary`` do. Case h8-NNN loads in bench/score_grounding.py as number 8NNN, so
``--half odd|even`` splits it 80 / 80 (40 unfaithful in each).

Statements: no (corpus, id) that another ``tests/data/grounding_*.jsonl`` uses for the same corpus, no
statement text of a file naming no corpus, no text of a statement another set uses under another id, and
no statement any test module quotes (a statement a guard test was tuned on leaked into the seventh set).

The file is sealed: its sha256 is pinned below, so any edit fails this test. When it is scored, the
run goes into tests/data/grounding_holdout_first_runs.json under its file name, and
``test_first_run_counts_every_case_once`` then checks it counted every case once.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from holdouts import (CORPORA, KindsOf7Checks, assert_cites_moderated, assert_no_text_of_a_taken_statement,
                      assert_quoted_by_no_test, read_cases)

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
GERMAN = "austria-climate.5twd2jsnkf.2022-08-08"


class TestHoldout8(KindsOf7Checks):
    HOLDOUT = DATA / "grounding_holdout8_sealed.jsonl"
    SEALED_SHA256 = "aacf9f79b60a77be909bc449a0497fa16ef1db20438a4fd20c7e8dd2b2087d6b"
    MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 160, 11, 48
    PREFIX = "h8"
    KINDS = {"substitution": 11, "direction_verb": 12, "scope_inflation": 11, "invented_entity": 12,
             "condition_dropped": 12, "negation_flip": 11, "joined_claims": 11, "paraphrase": 12,
             "direction_kept": 11, "scope_kept": 11, "conditional": 11, "concession": 12, "negation_kept": 12,
             "summary": 11}
    PER_LANGUAGE_LABEL = {("en", "faithful"): 55, ("en", "unfaithful"): 57, ("de", "faithful"): 25,
                          ("de", "unfaithful"): 23}
    SOURCES = {"american-assembly.bowling-green": 93, "march-on.operation-marchin-orders": 19, GERMAN: 48}
    MAX_USES = {"en": 3, "de": 3}
    #: Polis's moderation mark of every statement cited from each corpus: accepted English ("1"); German the
    #: moderators did not accept ("-1"), as every accepted German statement is used by an earlier set
    MODERATED = {"american-assembly.bowling-green": "1", "march-on.operation-marchin-orders": "1", GERMAN: "-1"}

    def test_halves_are_balanced(self) -> None:
        """160 cases; ``--half odd`` and ``--half even`` hold 40 unfaithful drafts each."""
        cases = read_cases(self.HOLDOUT)
        assert len(cases) == 160
        assert Counter(c["label"] for c in cases[0::2]) == {"faithful": 40, "unfaithful": 40}  # h8-001, h8-003, ...

    def test_repeats_no_text_of_a_statement_another_set_uses(self) -> None:
        assert_no_text_of_a_taken_statement(self.HOLDOUT, CORPORA)

    def test_quotes_no_statement_a_test_quotes(self) -> None:
        """No statement is quoted (whole, or a sentence of 40 characters or more) by any tests/*.py: a
        test that starts quoting one later fails here, as its verdict would then be tuned on."""
        assert_quoted_by_no_test(read_cases(self.HOLDOUT), TESTS)

    def test_cites_accepted_english_and_german_the_moderators_rejected(self) -> None:
        assert_cites_moderated(read_cases(self.HOLDOUT), CORPORA, self.MODERATED)
