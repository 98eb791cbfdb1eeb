"""The third sealed holdout for the faithfulness guard (issue 11): shape and provenance only, no scoring.

``tests/data/grounding_holdout3_sealed.jsonl`` was written because the second sealed holdout
(``grounding_holdout2_sealed.jsonl``) was scored once and missed the targets, so a change made
because of its errors turns it into a tuning set too. This set is the next one nobody tunes on.

How it was written: on 2026-12-05 by the engineer "holdout", by hand, outside the repository
(/work/sealed3/), reading real statements in ../shared/corpora (american-assembly.bowling-green,
march-on.operation-marchin-orders and 15-per-hour-seattle in English;
austria-climate.5twd2jsnkf.2022-08-08 in German; vtaiwan.uberx has no English text and was left
out). No statement id that the first or second holdout uses for the same corpus, and no id that
``grounding_cases.jsonl`` uses at all, was reused. The statements' text was copied verbatim from
each ``comments.csv`` by a script (by id), never retyped. Each draft was written the way a careful
LLM drafter writes ("participants want ...", clauses reordered, synonyms): a faithful draft says
what the cited statements say in other words (conditions and concessions restated, e.g. "until X"
as "as long as not X"); an unfaithful draft changes the meaning in exactly one way of its kind. The
set is blind to the guard: its author did not read deliberation/grounding/ or anything about the
guard's rules, did not run ``check-draft``, bench/score_grounding.py or any guard code on any case,
before or after sealing, and discussed the cases with nobody.

Each line holds ``case``, ``corpus``, ``language`` (en / de), ``statements`` (real ids and verbatim
text), ``citations``, ``draft``, ``label`` (faithful / unfaithful) and ``kind``:

* unfaithful: ``substitution`` (a new thing swapped in), ``direction_verb`` (a direction reversed by
  a verb or adjective, not by a negation), ``scope_inflation`` (some -> all, limit -> ban,
  "including X" not said), ``invented_entity`` (a name, number, place or organisation no statement
  gives), ``condition_dropped`` (a condition or exception left out, so the claim becomes
  unconditional);
* faithful: ``paraphrase``, ``direction_kept``, ``scope_kept``, ``conditional``, ``concession``.

Some cases cite two or three statements that the draft joins.

The file is sealed: its sha256 is pinned below, so any edit fails this test. It was scored ONCE,
by the lead, with the guard as it stood at the end of the afternoon's tuning on the second holdout
(main at 870cc6e): :data:`FIRST_RUN` (tests/data/grounding_holdout_first_runs.json). The targets
(precision and recall >= 0.95 for "unfaithful") were NOT met. This module holds no scoring.

It is now a DEVELOPMENT set, no longer a holdout: after that run the guard was tuned on its errors
(5 Dec 2026 evening, the engineer "guard4"), on its odd-numbered cases, the even-numbered ones only
checked after each change (``bench/score_grounding.py tests/data/grounding_holdout3_sealed.jsonl
--half odd|even``). Its figures say how well the guard fits the cases it was tuned on; a fourth
holdout, written blind to the guard outside this repository, is the one scored for that. The file
stays sealed all the same, so that every figure quoted for it is over the same cases.
"""

from __future__ import annotations

from pathlib import Path

from holdouts import (CORPORA, LANGUAGE, assert_first_run_counts, assert_holdout_shape, assert_reuses_no_earlier,
                      assert_sealed, assert_verbatim, first_run, read_cases)

DATA = Path(__file__).resolve().parent / "data"
HOLDOUT = DATA / "grounding_holdout3_sealed.jsonl"
SEALED_SHA256 = "33c98f9520fefddfc47fef55983ab73349d853acb51b0d5f0d891bb1dfa9a225"
#: the first and only scoring run (tests/data/grounding_holdout_first_runs.json)
FIRST_RUN = first_run(HOLDOUT)
#: the shape the set was written to: at least this many cases, per kind, and in German
MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 200, 16, 60
#: the sets whose statement ids this one must not reuse (per corpus; grounding_cases.jsonl names no corpus)
EARLIER_HOLDOUTS = ("grounding_holdout_sealed.jsonl", "grounding_holdout2_sealed.jsonl")
DEVELOPMENT_CASES = "grounding_cases.jsonl"


def test_holdout3_is_sealed() -> None:
    assert_sealed(HOLDOUT, SEALED_SHA256)


def test_holdout3_shape() -> None:
    assert_holdout_shape(read_cases(HOLDOUT), LANGUAGE, MIN_CASES, MIN_PER_KIND, MIN_GERMAN)
    assert any(len(c["citations"]) > 1 for c in read_cases(HOLDOUT)), "some drafts join several statements"


def test_holdout3_reuses_no_statement_of_the_earlier_sets() -> None:
    """No statement id of the two earlier holdouts (same corpus) or of the development cases (any corpus)."""
    assert_reuses_no_earlier(read_cases(HOLDOUT), DATA, EARLIER_HOLDOUTS, DEVELOPMENT_CASES)


def test_holdout3_cites_real_statements_verbatim() -> None:
    """Every cited id exists in its corpus's comments.csv with exactly that text."""
    assert_verbatim(read_cases(HOLDOUT), CORPORA, LANGUAGE)


def test_holdout3_first_run_counts_every_case_once() -> None:
    """The recorded first run scored this very file: its counts add up to the cases, per label and per kind."""
    assert_first_run_counts(read_cases(HOLDOUT), FIRST_RUN, "with use-multilingual-v3")
