"""The sealed holdouts of the faithfulness guard with the fourteen kinds (issue 11, item 5 "measure honestly"),
the seventh on: one row each in tests/holdouts.py's :data:`holdouts.SEALED_FROM_7` (its file, pinned seal,
counts and rules; how and when it was written is in its tests/data/grounding_holdoutN_PROVENANCE.md), and here
the checks every row gets: shape and provenance only, NO scoring. Each set is scored once by the lead at the end
of the session that wrote it; the run then goes into tests/data/grounding_holdout_first_runs.json under its file
name and ``test_first_run_counts_every_case_once`` checks it counted every case once (skipped until then).

A new holdout of these kinds is a new row of the table: these checks cover it without a test naming it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from holdouts import (CORPORA, ENCODER_RUN, FAITHFUL_KINDS_7, JOINED_KINDS, KINDS_OF_7, LANGUAGE,
                      LANGUAGE_LABELS, SEALED_FROM_7, UNFAITHFUL_KINDS_7, Holdout, assert_cites_moderated,
                      assert_first_run_counts, assert_holdout_shape, assert_no_text_of_a_taken_statement,
                      assert_quoted_by_no_test, assert_reuses_no_other_file, assert_sealed, assert_verbatim,
                      first_run_or_skip, read_cases, scorer_load)

TESTS = Path(__file__).resolve().parent


def rows(*, having: str | None = None) -> list:
    """The table's rows as parameters, named by their prefix; with ``having``, only the rows whose field of
    that name is set (a check a set was not written to is not made on it)."""
    return [pytest.param(h, id=h.prefix) for h in SEALED_FROM_7 if having is None or getattr(h, having)]


def test_the_table_names_each_sealed_file_once() -> None:
    assert len({h.file for h in SEALED_FROM_7}) == len({h.prefix for h in SEALED_FROM_7}) == len(SEALED_FROM_7)
    assert all(h.path.is_file() and h.path.name.endswith("_sealed.jsonl") for h in SEALED_FROM_7)


@pytest.mark.parametrize("holdout", rows())
def test_is_sealed(holdout: Holdout) -> None:
    assert_sealed(holdout.path, holdout.sha256)


@pytest.mark.parametrize("holdout", rows())
def test_shape(holdout: Holdout) -> None:
    """Enough cases, of each kind and in German, well formed, about half unfaithful; some drafts join two."""
    cases = read_cases(holdout.path)
    assert_holdout_shape(cases, LANGUAGE, holdout.min_cases, holdout.min_per_kind, holdout.min_german,
                         UNFAITHFUL_KINDS_7, FAITHFUL_KINDS_7)
    assert any(len(c["citations"]) > 1 for c in cases), "some drafts join several statements"


@pytest.mark.parametrize("holdout", rows())
def test_counts_as_written(holdout: Holdout) -> None:
    """PREFIX-001 ... in order; the kinds' counts; the (language, label) counts; the corpora's shares; the
    fields in order; each case cites exactly its statements, in order, two exactly in the joined kinds; every
    kind has German cases."""
    cases = read_cases(holdout.path)
    assert [c["case"] for c in cases] == [f"{holdout.prefix}-{n:03d}" for n in range(1, len(cases) + 1)]
    assert Counter(c["kind"] for c in cases) == dict(zip(KINDS_OF_7, holdout.kinds, strict=True))
    assert set(KINDS_OF_7) == UNFAITHFUL_KINDS_7 | FAITHFUL_KINDS_7
    assert Counter((c["language"], c["label"]) for c in cases) == dict(zip(LANGUAGE_LABELS, holdout.labels,
                                                                           strict=True))
    assert Counter(c["corpus"] for c in cases) == holdout.sources
    for c in cases:
        assert list(c) == ["case", "corpus", "language", "statements", "citations", "draft", "label", "kind"]
        assert [s["id"] for s in c["statements"]] == c["citations"], c["case"]
        assert len(c["citations"]) == (2 if c["kind"] in JOINED_KINDS else 1), c["case"]
    for kind in KINDS_OF_7:
        assert any(c["kind"] == kind and c["language"] == "de" for c in cases), f"no German {kind}"


@pytest.mark.parametrize("holdout", rows())
def test_reuses_no_statement_of_the_earlier_sets(holdout: Holdout) -> None:
    """No (corpus, id) another grounding_*.jsonl uses for the same corpus, and no statement text of a file naming no corpus; a statement appears in at most ``max_uses`` cases of its
    language."""
    assert_reuses_no_other_file(holdout.path, {name: holdout.max_uses[LANGUAGE[name]] for name in holdout.sources})


@pytest.mark.parametrize("holdout", rows())
def test_cites_real_statements_verbatim(holdout: Holdout) -> None:
    assert_verbatim(read_cases(holdout.path), CORPORA, LANGUAGE)


@pytest.mark.parametrize("holdout", rows())
def test_cites_statements_with_their_corpus_moderation_mark(holdout: Holdout) -> None:
    assert_cites_moderated(read_cases(holdout.path), CORPORA, holdout.moderated)


@pytest.mark.parametrize("holdout", rows(having="rules_of_8"))
def test_repeats_no_text_of_a_statement_another_set_uses(holdout: Holdout) -> None:
    assert_no_text_of_a_taken_statement(holdout.path, CORPORA)


@pytest.mark.parametrize("holdout", rows(having="rules_of_8"))
def test_quotes_no_statement_a_test_quotes(holdout: Holdout) -> None:
    """No statement is quoted (whole, or a sentence of 40 characters or more) by any tests/*.py: a test that
    starts quoting one later fails here, as its verdict would then be tuned on."""
    assert_quoted_by_no_test(read_cases(holdout.path), TESTS)


@pytest.mark.parametrize("holdout", rows(having="half_labels"))
def test_halves_are_balanced(holdout: Holdout) -> None:
    """The odd and the even half (PREFIX-001, PREFIX-003, ... and PREFIX-002, PREFIX-004, ...) each hold
    HALF_LABELS, and HALF_LANGUAGES where the row sets them."""
    cases = read_cases(holdout.path)
    for half in (cases[0::2], cases[1::2]):
        assert Counter(c["label"] for c in half) == holdout.half_labels
        if holdout.half_languages:
            assert Counter(c["language"] for c in half) == holdout.half_languages


@pytest.mark.parametrize("holdout", rows(having="number"))
def test_loads_in_the_scorer_numbered_and_split_in_halves(holdout: Holdout) -> None:
    """bench/score_grounding.py's ``load`` (no scoring) numbers PREFIX-NNN as NUMBER·1000 + NNN, and
    ``--half odd|even`` keeps the odd- / even-numbered cases, HALF_LABELS in each."""
    load = scorer_load()
    first = holdout.number * 1000 + 1
    end = first + len(read_cases(holdout.path))
    assert [c["_n"] for c in load(holdout.path)] == list(range(first, end))
    for half, start in (("odd", first), ("even", first + 1)):
        kept = load(holdout.path, half)
        assert [c["_n"] for c in kept] == list(range(start, end, 2))
        assert Counter(c["label"] for c in kept) == holdout.half_labels


@pytest.mark.parametrize("holdout", rows())
def test_first_run_counts_every_case_once(holdout: Holdout) -> None:
    assert_first_run_counts(read_cases(holdout.path), first_run_or_skip(holdout.path), ENCODER_RUN)
