"""The made-up guard cases some test modules read from a data file (tests/data/grounding_*_cases.toml):
each ``[[case]]`` a ``statement``, a ``draft`` citing it, the ``kind`` of problem the guard must find (a
value of :class:`deliberation.grounding.ProblemKind`; left out for a draft it must pass) and, where a case
runs only with a lexical resource, ``needs`` naming it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from deliberation.grounding import GroundingReport, ProblemKind, check_draft
from deliberation.grounding import wordnet as wn

DATA = Path(__file__).resolve().parent / "data"
#: a test that needs WordNet (Debian's wordnet-base) is skipped, saying so, where it is not installed
needs_wordnet = pytest.mark.skipif(wn.wordnet() is None, reason="needs WordNet (Debian's wordnet-base) at /usr/share/wordnet")


def guard_cases(name: str, needs: dict[str, pytest.MarkDecorator] | None = None) -> list:
    """The cases of tests/data/NAME as ``pytest.param(statement, draft, kind)``, each marked with
    ``needs[its needs]`` when it names one; a case that cites more than one statement gives their
    list (its ``statements``) for ``statement``."""
    cases = tomllib.loads((DATA / name).read_text(encoding="utf-8"))["case"]
    return [pytest.param(c.get("statements", c.get("statement")), c["draft"],
                         ProblemKind(c["kind"]) if "kind" in c else None,
                         marks=[(needs or {})[c["needs"]]] if "needs" in c else []) for c in cases]


def assert_judged(report: GroundingReport, kind: ProblemKind | None) -> None:
    """``report`` passes the draft when ``kind`` is None, else refuses it with a problem of ``kind``
    (the sentences' reasons as the message)."""
    found = [k for s in report.sentences for k in s.problem_kinds]
    if kind is None:
        assert report.supported, [s.reason for s in report.sentences]
    else:
        assert not report.supported and kind in found, [s.reason for s in report.sentences]


def assert_one_statement_judged(statement: str, draft: str, kind: ProblemKind | None) -> None:
    """The guard judges ``draft``, citing ``statement`` alone, as :func:`assert_judged` says."""
    assert_judged(check_draft([{"id": "1", "text": statement}], draft, ["1"]), kind)


def assert_statements_judged(statements: list[str], draft: str, kind: ProblemKind | None) -> None:
    """The guard judges ``draft``, citing every one of ``statements`` (ids 1, 2, ...), as
    :func:`assert_judged` says."""
    cited = [{"id": str(n), "text": t} for n, t in enumerate(statements, start=1)]
    assert_judged(check_draft(cited, draft, [c["id"] for c in cited]), kind)
