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

from holdouts import (CORPORA, FAITHFUL_KINDS_7, LANGUAGE, UNFAITHFUL_KINDS_7, SealedHoldoutChecks,
                      assert_cites_moderated, assert_first_run_counts, assert_no_text_of_a_taken_statement,
                      assert_quoted_by_no_test, assert_reuses_no_other_file, first_run_or_skip, read_cases)

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
GERMAN = "austria-climate.5twd2jsnkf.2022-08-08"
#: the corpora this set draws on, with its cases from each
SOURCES = {"american-assembly.bowling-green": 93, "march-on.operation-marchin-orders": 19, GERMAN: 48}
#: Polis's moderation mark of every statement cited from each corpus: accepted English ("1"); German the
#: moderators did not accept ("-1"), as every accepted German statement is used by an earlier set
MODERATED = {"american-assembly.bowling-green": "1", "march-on.operation-marchin-orders": "1", GERMAN: "-1"}
#: the cases of each kind as written
KINDS = {"substitution": 11, "direction_verb": 12, "scope_inflation": 11, "invented_entity": 12,
         "condition_dropped": 12, "negation_flip": 11, "joined_claims": 11, "paraphrase": 12,
         "direction_kept": 11, "scope_kept": 11, "conditional": 11, "concession": 12, "negation_kept": 12,
         "summary": 11}
#: the kinds whose drafts cite two statements (and no other kind does)
JOINED_KINDS = {"joined_claims", "summary"}
#: how many cases one statement may appear in
MAX_USES = {"en": 3, "de": 3}


class TestHoldout8(SealedHoldoutChecks):
    HOLDOUT = DATA / "grounding_holdout8_sealed.jsonl"
    SEALED_SHA256 = "aacf9f79b60a77be909bc449a0497fa16ef1db20438a4fd20c7e8dd2b2087d6b"
    MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 160, 11, 48
    UNFAITHFUL_KINDS, FAITHFUL_KINDS = UNFAITHFUL_KINDS_7, FAITHFUL_KINDS_7

    def test_counts_as_written(self) -> None:
        """160 cases, h8-001 ... h8-160 in order; the kinds' counts; about half unfaithful in each
        language and in each half; the corpora's shares; two citations exactly in the joined kinds;
        each case cites exactly its statements, in order."""
        cases = read_cases(self.HOLDOUT)
        assert [c["case"] for c in cases] == [f"h8-{n:03d}" for n in range(1, 161)]
        assert Counter(c["kind"] for c in cases) == KINDS
        assert set(KINDS) == UNFAITHFUL_KINDS_7 | FAITHFUL_KINDS_7
        per = Counter((c["language"], c["label"]) for c in cases)
        assert per == {("en", "faithful"): 55, ("en", "unfaithful"): 57, ("de", "faithful"): 25,
                       ("de", "unfaithful"): 23}
        assert Counter(c["label"] for c in cases[0::2]) == {"faithful": 40, "unfaithful": 40}  # odd numbers
        assert Counter(c["corpus"] for c in cases) == SOURCES
        for c in cases:
            assert list(c) == ["case", "corpus", "language", "statements", "citations", "draft", "label", "kind"]
            assert [s["id"] for s in c["statements"]] == c["citations"], c["case"]
            assert len(c["citations"]) == (2 if c["kind"] in JOINED_KINDS else 1), c["case"]
        for kind in KINDS:
            assert any(c["kind"] == kind and c["language"] == "de" for c in cases), f"no German {kind}"

    def test_reuses_no_statement_of_the_earlier_sets(self) -> None:
        """No (corpus, id) another grounding_*.jsonl uses, and no statement text of a file naming no
        corpus; a statement appears in at most three cases."""
        assert_reuses_no_other_file(self.HOLDOUT, {name: MAX_USES[LANGUAGE[name]] for name in SOURCES})

    def test_repeats_no_text_of_a_statement_another_set_uses(self) -> None:
        assert_no_text_of_a_taken_statement(self.HOLDOUT, CORPORA)

    def test_quotes_no_statement_a_test_quotes(self) -> None:
        """No statement is quoted (whole, or a sentence of 40 characters or more) by any tests/*.py: a
        test that starts quoting one later fails here, as its verdict would then be tuned on."""
        assert_quoted_by_no_test(read_cases(self.HOLDOUT), TESTS)

    def test_cites_accepted_english_and_german_the_moderators_rejected(self) -> None:
        assert_cites_moderated(read_cases(self.HOLDOUT), CORPORA, MODERATED)

    def test_first_run_counts_every_case_once(self) -> None:
        assert_first_run_counts(read_cases(self.HOLDOUT), first_run_or_skip(self.HOLDOUT), self.ENCODER_RUN)
