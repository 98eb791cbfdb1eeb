"""The second holdout for the faithfulness guard (issue 11), now a development set: shape and provenance
only, no scoring.

``tests/data/grounding_holdout2_sealed.jsonl`` was written because the first sealed holdout
(``grounding_holdout_sealed.jsonl``) was scored once, missed the targets, and is now used to tune the
guard, which makes it a development set. This set replaces it as the one nobody tunes on.

How it was written: on 2026-12-05 by the engineer "holdout", by hand, reading real statements in
../shared/corpora (15-per-hour-seattle, american-assembly.bowling-green,
march-on.operation-marchin-orders in English; austria-climate.5twd2jsnkf.2022-08-08 in German). No
statement id used by the first holdout was reused. The statements' text was copied verbatim from
each ``comments.csv``; each draft was written as a careful annotator would: a faithful draft says
what the cited statements say in other words (synonyms, reordered clauses, conditionals and
concessions restated, e.g. "X unless Y" as "not X as long as Y"); an unfaithful draft changes the
meaning in exactly one way of its kind. The set is blind to the guard: its author neither read
deliberation/grounding nor ran the guard (``check-draft``) on any case, before or after sealing.

Each line holds ``case``, ``corpus``, ``language`` (en / de), ``statements`` (real ids and verbatim
text), ``citations``, ``draft``, ``label`` (faithful / unfaithful) and ``kind``:

* unfaithful: ``substitution`` (a new thing swapped in), ``direction_verb`` (a direction reversed by
  a verb or adjective), ``scope_inflation`` (some -> all, limit -> ban, "including X" not said),
  ``invented_entity`` (a name, number or organisation no statement gives), ``condition_dropped``;
* faithful: ``paraphrase``, ``direction_kept``, ``scope_kept``, ``conditional``, ``concession``.

The file is sealed: its sha256 is pinned below, so any edit fails this test. It was scored ONCE,
by the lead, with the guard as it stood at the end of the work (main at 5706bac, after the tuning
on the first holdout): :data:`FIRST_RUN`. The targets (precision and recall >= 0.95 for
"unfaithful") were NOT met. This module holds no scoring.

It is now a DEVELOPMENT set, no longer a holdout: after that run the guard was tuned on its errors
(5 Dec 2026 afternoon, the engineer "guard"), on its odd-numbered cases, the even-numbered ones
only checked after each change (``bench/score_grounding.py
tests/data/grounding_holdout2_sealed.jsonl --half odd|even``). Its figures say how well the guard
fits the cases it was tuned on, not how it generalises; a third holdout, written blind to the
guard outside this repository, is the one scored for that. The file stays sealed all the same, so
that every figure quoted for it is over the same cases.
"""

from __future__ import annotations

from pathlib import Path

from holdouts import CORPORA, LANGUAGE, assert_holdout_shape, assert_sealed, assert_verbatim, first_run, read_cases

HOLDOUT = Path(__file__).resolve().parent / "data" / "grounding_holdout2_sealed.jsonl"
SEALED_SHA256 = "07736bf6e83cb831dfd0724a35b4207fb98f2685c24e7c57b408c16e1f81f0b8"
#: the first and only scoring run (tests/data/grounding_holdout_first_runs.json)
FIRST_RUN = first_run(HOLDOUT)
#: the shape the set was written to: at least this many cases, per kind, and in German
MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 200, 12, 40


def test_holdout2_is_sealed() -> None:
    assert_sealed(HOLDOUT, SEALED_SHA256)


def test_holdout2_shape() -> None:
    assert_holdout_shape(read_cases(HOLDOUT), LANGUAGE, MIN_CASES, MIN_PER_KIND, MIN_GERMAN)


def test_holdout2_cites_real_statements_verbatim() -> None:
    """Every cited id exists in its corpus's comments.csv with exactly that text."""
    assert_verbatim(read_cases(HOLDOUT), CORPORA, LANGUAGE)