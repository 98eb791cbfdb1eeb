"""The sixth sealed holdout for the faithfulness guard (issue 11, item 5 "measure honestly"): shape and
provenance only, NO scoring. Scored once, by the lead at main 41ada87 (2026-12-06 14:31 UTC): lexical
only precision 0.786, recall 0.660; recorded in tests/data/grounding_holdout_first_runs.json.

``tests/data/grounding_holdout6_sealed.jsonl`` was written on 2026-12-06 by the engineer "holdout6",
by hand, outside the repository (/tmp/holdout6), blind to the guard, and sealed at 12:21:40 UTC by
the machine clock; tests/data/grounding_holdout6_PROVENANCE.md says how, from which statements and
with what counts. 200 cases: 130 English (american-assembly.bowling-green 81,
march-on.operation-marchin-orders 49) and 70 German (austria-climate.5twd2jsnkf.2022-08-08); 100
faithful and 100 unfaithful (en 65/65, de 35/35); 20 of each of the ten kinds; 15 drafts join two or
three statements. Case h6-NNN loads in bench/score_grounding.py as number 6NNN, so ``--half odd|even``
splits it 100 / 100.

Statement ids: no id that another ``tests/data/grounding_*.jsonl`` uses for the same corpus. The files
naming no corpus (grounding_cases.jsonl, the fr/es sets) hold statements that are not from these
corpora (none of their texts is a corpus comment), so their ids are not ids of these corpora; instead
no statement text of theirs may appear here. (The earlier holdouts blocked those ids in every corpus;
that rule leaves 4 accepted German statements, too few for a German half.)

The file is sealed: its sha256 is pinned below, so any edit fails this test. When it is scored, the
run goes into tests/data/grounding_holdout_first_runs.json under its file name, and
``test_first_run_counts_every_case_once`` then checks it counted every case once.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from holdouts import (CORPORA, FAITHFUL_KINDS, UNFAITHFUL_KINDS, SealedHoldoutChecks, assert_cites_accepted,
                      assert_first_run_counts, assert_reuses_no_other_file, first_run_or_skip, read_cases)

DATA = Path(__file__).resolve().parent / "data"
#: the corpora this set draws on (15-per-hour-seattle has no accepted statement left; vtaiwan.uberx is Chinese)
SOURCES = {"american-assembly.bowling-green": 81, "march-on.operation-marchin-orders": 49,
           "austria-climate.5twd2jsnkf.2022-08-08": 70}


class TestHoldout6(SealedHoldoutChecks):
    HOLDOUT = DATA / "grounding_holdout6_sealed.jsonl"
    SEALED_SHA256 = "e0d431f655a53a2881abe4bce18fad317982c5acc19fd1738a6c9acd81b8f722"
    MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 200, 20, 70

    def test_counts_as_written(self) -> None:
        """200 cases, h6-001 ... h6-200 in order; 20 per kind; half unfaithful in each language; the
        corpora's shares; 15 joined drafts; each case cites exactly its statements, in order."""
        cases = read_cases(self.HOLDOUT)
        assert [c["case"] for c in cases] == [f"h6-{n:03d}" for n in range(1, 201)]
        assert Counter(c["kind"] for c in cases) == {k: 20 for k in UNFAITHFUL_KINDS | FAITHFUL_KINDS}
        per = Counter((c["language"], c["label"]) for c in cases)
        assert per == {("en", "faithful"): 65, ("en", "unfaithful"): 65, ("de", "faithful"): 35,
                       ("de", "unfaithful"): 35}
        assert Counter(c["corpus"] for c in cases) == SOURCES
        assert sum(len(c["citations"]) > 1 for c in cases) == 15
        for c in cases:
            assert list(c) == ["case", "corpus", "language", "statements", "citations", "draft", "label", "kind"]
            assert [s["id"] for s in c["statements"]] == c["citations"], c["case"]
            assert len(c["citations"]) <= 3, c["case"]

    def test_reuses_no_statement_of_the_earlier_sets(self) -> None:
        """No (corpus, id) another grounding_*.jsonl uses, and no statement text of a file naming no
        corpus; a statement appears in at most three cases here."""
        assert_reuses_no_other_file(self.HOLDOUT, {name: 3 for name in SOURCES})

    def test_cites_only_statements_the_moderators_accepted(self) -> None:
        assert_cites_accepted(read_cases(self.HOLDOUT), CORPORA, SOURCES)

    def test_first_run_counts_every_case_once(self) -> None:
        assert_first_run_counts(read_cases(self.HOLDOUT), first_run_or_skip(self.HOLDOUT), self.ENCODER_RUN)
