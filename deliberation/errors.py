"""Errors raised on bad input: each names the file, the row and the problem."""

from __future__ import annotations

from pathlib import Path


class DeliberationError(Exception):
    """Base class for errors a user can act on (shown without a stack trace)."""


class InputError(DeliberationError):
    """A problem in an input file or value.

    ``source`` is the file (or a description such as ``"vote"``), ``row`` the 1-based data row
    (header = row 1, like a spreadsheet), ``problem`` what is wrong in words.
    """

    def __init__(self, problem: str, source: str | Path | None = None, row: int | None = None):
        self.problem = problem
        self.source = str(source) if source is not None else None
        self.row = row
        where = ""
        if self.source:
            where = f"{self.source}"
            if row is not None:
                where += f", row {row}"
            where += ": "
        super().__init__(f"{where}{problem}")


class NotFoundError(DeliberationError):
    """A consultation, statement, participant or draft id that does not exist."""


class AccessDenied(DeliberationError):
    """A moderator-only action without the right secret."""
