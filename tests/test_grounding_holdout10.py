"""The tenth sealed holdout for the faithfulness guard (issue 11, item 5 "measure honestly"): shape and
provenance only, NO scoring. To be scored once by the lead at the end of the session that wrote it (7 Dec 2026).

``tests/data/grounding_holdout10_sealed.jsonl`` was written on 2026-12-07 by the helper "holdout10", by
hand, outside the repository (/tmp/holdout10), blind to the guard, and sealed at 01:21:26 UTC by the
machine clock; tests/data/grounding_holdout10_PROVENANCE.md says how, from which statements and with
what counts. 160 cases: 110 English, from march-on.operation-marchin-orders (99, statements NOT YET
moderated, ``moderated`` = 0) and american-assembly.bowling-green (11, of the few statements Polis's
moderators accepted, ``moderated`` = 1, that no other set uses), and 50 German from
austria-climate.5twd2jsnkf.2022-08-08 (statements the moderators did NOT accept, ``moderated`` = -1, as
in the eighth and ninth sets; only well-formed ones with a clear claim). 80 faithful and 80 unfaithful
(en 55/55, de 25/25). The fourteen kinds of the seventh set, 11 or 12 cases each; 22 drafts cite two
statements, and only ``joined_claims`` and ``summary`` do. Case h10-NNN loads in bench/score_grounding.py
as number 10NNN (its digits), so ``--half odd|even`` splits it 80 / 80 (40 unfaithful, 55 English in each).

Statements: no (corpus, id) that another ``tests/data/grounding_*.jsonl`` uses for the same corpus, no
statement text of a file naming no corpus, no text of a statement another set uses under another id, and
no statement any test module quotes.

The file is sealed: its sha256 is pinned below, so any edit fails this test. When it is scored, the
run goes into tests/data/grounding_holdout_first_runs.json under its file name, and
``test_first_run_counts_every_case_once`` then checks it counted every case once (skipped until then).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from holdouts import (CORPORA, KindsOf7Checks, assert_cites_moderated, assert_no_text_of_a_taken_statement,
                      assert_quoted_by_no_test, read_cases)

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
GERMAN = "austria-climate.5twd2jsnkf.2022-08-08"
BOWLING_GREEN, MARCH_ON = "american-assembly.bowling-green", "march-on.operation-marchin-orders"


class TestHoldout10(KindsOf7Checks):
    HOLDOUT = DATA / "grounding_holdout10_sealed.jsonl"
    SEALED_SHA256 = "c7e60368a5e1a902fbb0dac2559f4afe74bd1ef190828575eb759127f6d28483"
    MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 160, 11, 48
    PREFIX = "h10"
    KINDS = {"substitution": 12, "direction_verb": 11, "scope_inflation": 11, "invented_entity": 12,
             "condition_dropped": 12, "negation_flip": 11, "joined_claims": 11, "paraphrase": 11,
             "direction_kept": 11, "scope_kept": 12, "conditional": 12, "concession": 12, "negation_kept": 11,
             "summary": 11}
    PER_LANGUAGE_LABEL = {("en", "faithful"): 55, ("en", "unfaithful"): 55, ("de", "faithful"): 25,
                          ("de", "unfaithful"): 25}
    SOURCES = {MARCH_ON: 99, BOWLING_GREEN: 11, GERMAN: 50}
    MAX_USES = {"en": 2, "de": 3}
    #: Polis's moderation mark of every statement cited from each corpus: march-on statements not yet
    #: moderated ("0"); accepted bowling-green ("1"); German the moderators did not accept ("-1")
    MODERATED = {MARCH_ON: "0", BOWLING_GREEN: "1", GERMAN: "-1"}

    def test_halves_are_balanced(self) -> None:
        """160 cases; the odd and the even half each hold 40 unfaithful drafts and 55 English ones."""
        cases = read_cases(self.HOLDOUT)
        assert len(cases) == 160
        for half in (cases[0::2], cases[1::2]):  # h10-001, h10-003, ... and h10-002, h10-004, ...
            assert Counter(c["label"] for c in half) == {"faithful": 40, "unfaithful": 40}
            assert Counter(c["language"] for c in half) == {"en": 55, "de": 25}

    def test_loads_in_the_scorer_as_10nnn_and_splits_in_halves(self) -> None:
        """bench/score_grounding.py's ``load`` (no scoring) numbers h10-NNN as 10NNN (the holdout's two-digit
        number kept in front), and ``--half odd|even`` keeps the 80 odd- / even-numbered cases, 40
        unfaithful in each."""
        sys.path.insert(0, str(TESTS.parent / "bench"))
        from score_grounding import load

        cases = load(self.HOLDOUT)
        assert [c["_n"] for c in cases] == list(range(10001, 10161))
        for half, first in (("odd", 10001), ("even", 10002)):
            kept = load(self.HOLDOUT, half)
            assert [c["_n"] for c in kept] == list(range(first, 10161, 2))
            assert Counter(c["label"] for c in kept) == {"faithful": 40, "unfaithful": 40}

    def test_repeats_no_text_of_a_statement_another_set_uses(self) -> None:
        assert_no_text_of_a_taken_statement(self.HOLDOUT, CORPORA)

    def test_quotes_no_statement_a_test_quotes(self) -> None:
        """No statement is quoted (whole, or a sentence of 40 characters or more) by any tests/*.py: a
        test that starts quoting one later fails here, as its verdict would then be tuned on."""
        assert_quoted_by_no_test(read_cases(self.HOLDOUT), TESTS)

    def test_cites_statements_with_their_corpus_moderation_mark(self) -> None:
        assert_cites_moderated(read_cases(self.HOLDOUT), CORPORA, self.MODERATED)
