"""The seventh sealed holdout for the faithfulness guard (issue 11, item 5 "measure honestly"): shape and
provenance only, NO scoring. Scored once by the lead at the end of the session that wrote it (6 Dec 2026).

``tests/data/grounding_holdout7_sealed.jsonl`` was written on 2026-12-06 by the helper "holdout7", by
hand, outside the repository (/tmp/holdout7), blind to the guard, and sealed at 16:42:42 UTC by the
machine clock; tests/data/grounding_holdout7_PROVENANCE.md says how, from which statements and with
what counts. 171 cases: 133 English (american-assembly.bowling-green 104,
march-on.operation-marchin-orders 29) and 38 German (austria-climate.5twd2jsnkf.2022-08-08: 11 accepted
German statements, all that no other set uses except a removed URL, an English sentence and a bare link;
each in up to four cases); 84 faithful and 87
unfaithful (en 66/67, de 18/20). Fourteen kinds, 10 to 14 cases each: the ten of the earlier sets plus
``negation_flip`` / ``negation_kept`` and ``joined_claims`` / ``summary`` (24 drafts cite two
statements, and only those two kinds do). Case h7-NNN loads in bench/score_grounding.py as number
7NNN, so ``--half odd|even`` splits it 86 / 85.

Statement ids: no (corpus, id) that another ``tests/data/grounding_*.jsonl`` uses for the same corpus,
and no statement text of a file naming no corpus (the rule of the sixth set, see its test).

The file is sealed: its sha256 is pinned below, so any edit fails this test. When it is scored, the
run goes into tests/data/grounding_holdout_first_runs.json under its file name, and
``test_first_run_counts_every_case_once`` then checks it counted every case once.
"""

from __future__ import annotations

from pathlib import Path

from holdouts import CORPORA, KindsOf7Checks, assert_cites_accepted, read_cases

DATA = Path(__file__).resolve().parent / "data"
GERMAN = "austria-climate.5twd2jsnkf.2022-08-08"


class TestHoldout7(KindsOf7Checks):
    HOLDOUT = DATA / "grounding_holdout7_sealed.jsonl"
    SEALED_SHA256 = "dfe6e0de02ba3b02920560dd1bb3b69a9b2e177d054ada7ae13baf4a6188534a"
    MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 171, 10, 38
    PREFIX = "h7"
    KINDS = {"substitution": 13, "direction_verb": 12, "scope_inflation": 13, "invented_entity": 13,
             "condition_dropped": 12, "negation_flip": 12, "joined_claims": 12, "paraphrase": 14,
             "direction_kept": 12, "scope_kept": 13, "conditional": 11, "concession": 10, "negation_kept": 12,
             "summary": 12}
    PER_LANGUAGE_LABEL = {("en", "faithful"): 66, ("en", "unfaithful"): 67, ("de", "faithful"): 18,
                          ("de", "unfaithful"): 20}
    #: the corpora this set draws on (15-per-hour-seattle has 2 accepted statements left; vtaiwan.uberx is Chinese)
    SOURCES = {"american-assembly.bowling-green": 104, "march-on.operation-marchin-orders": 29, GERMAN: 38}
    #: German has only 11 statements left, so up to four cases each
    MAX_USES = {"en": 3, "de": 4}

    def test_cites_only_statements_the_moderators_accepted(self) -> None:
        assert_cites_accepted(read_cases(self.HOLDOUT), CORPORA, self.SOURCES)
