"""The fourth sealed holdout for the faithfulness guard (issue 11): shape and provenance only, no scoring.

``tests/data/grounding_holdout4_sealed.jsonl`` was written because the third sealed holdout was scored
once, missed the targets and was then tuned on (its odd half) with the second, so both are
development sets now. This set is the next one nobody tunes on.

How it was written: on 2026-12-05 (sealed 19:32 UTC) by the engineer "holdout4", by hand, outside the
repository (/work/sealed4/), reading real statements in ../shared/corpora
(american-assembly.bowling-green and march-on.operation-marchin-orders in English,
austria-climate.5twd2jsnkf.2022-08-08 in German; 70 cases each; 15-per-hour-seattle has no statement
left that the earlier sets do not use, vtaiwan.uberx no English text). No statement id that an earlier
holdout uses for the same corpus, and no id that ``grounding_cases.jsonl`` uses at all, was reused.
Statement text was copied verbatim from each ``comments.csv`` by a script, by id. Each draft was
written the way an LLM drafter writes town-hall summaries; a faithful draft says what the cited
statements say in other words, an unfaithful one changes the meaning in exactly one way of its kind
(the kinds of :mod:`holdouts`). 31 of the 219 statements are German ones Polis's moderators hid:
still participants' text, used because few accepted German statements were left. The author was
blind to the guard: did not read deliberation/grounding/, bench/ or the guard's tests, ran no guard
code on any case, and discussed the cases with nobody. Meanwhile the guard was tuned on the odd halves
of the second and third holdouts.

The file is sealed: its sha256 is pinned below, so any edit fails this test. It was scored ONCE, by
the lead, with the guard as it stood at the end of that tuning (main at 9a2ca7b):
:data:`FIRST_RUN` (tests/data/grounding_holdout_first_runs.json). The targets (precision and recall
>= 0.95 for "unfaithful") were NOT met. This module holds no scoring; a change made because of this
set's errors makes it a tuning set too.
"""

from __future__ import annotations

from pathlib import Path

from holdouts import (CORPORA, LANGUAGE, assert_first_run_counts, assert_holdout_shape, assert_reuses_no_earlier,
                      assert_sealed, assert_verbatim, first_run, read_cases)

DATA = Path(__file__).resolve().parent / "data"
HOLDOUT = DATA / "grounding_holdout4_sealed.jsonl"
SEALED_SHA256 = "f5ef74e607cccee365c30fa86a1f637abedd436261502170f311e989e39575c5"
#: the first and only scoring run (tests/data/grounding_holdout_first_runs.json)
FIRST_RUN = first_run(HOLDOUT)
#: the shape the set was written to: at least this many cases, per kind, and in German
MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 200, 16, 60
#: the sets whose statement ids this one must not reuse (per corpus; grounding_cases.jsonl names no corpus)
EARLIER_HOLDOUTS = ("grounding_holdout_sealed.jsonl", "grounding_holdout2_sealed.jsonl",
                    "grounding_holdout3_sealed.jsonl")
DEVELOPMENT_CASES = "grounding_cases.jsonl"


def test_holdout4_is_sealed() -> None:
    assert_sealed(HOLDOUT, SEALED_SHA256)


def test_holdout4_shape() -> None:
    cases = read_cases(HOLDOUT)
    assert_holdout_shape(cases, LANGUAGE, MIN_CASES, MIN_PER_KIND, MIN_GERMAN)
    assert sum(len(c["citations"]) > 1 for c in cases) >= len(cases) // 4, "a good share of drafts join statements"


def test_holdout4_reuses_no_statement_of_the_earlier_sets() -> None:
    """No statement id of the three earlier holdouts (same corpus) or of the development cases (any corpus)."""
    assert_reuses_no_earlier(read_cases(HOLDOUT), DATA, EARLIER_HOLDOUTS, DEVELOPMENT_CASES)


def test_holdout4_cites_real_statements_verbatim() -> None:
    """Every cited id exists in its corpus's comments.csv with exactly that text."""
    assert_verbatim(read_cases(HOLDOUT), CORPORA, LANGUAGE)


def test_holdout4_first_run_counts_every_case_once() -> None:
    """The recorded first run scored this very file: its counts add up to the cases, per label and per kind."""
    assert_first_run_counts(read_cases(HOLDOUT), FIRST_RUN, "with use-multilingual-v3")
