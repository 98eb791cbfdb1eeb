"""Errors raised on bad input: each names the file, the row and the problem."""

from __future__ import annotations

from contextlib import contextmanager
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


class RateLimited(DeliberationError):
    """A participant acted faster than the consultation's rate limits allow; nothing was stored."""

    def __init__(self, message: str, retry_after_s: float):
        self.retry_after_s = retry_after_s
        super().__init__(message)


class StorageError(DeliberationError):
    """The data directory cannot take a write (disk full, read-only) or the database cannot be opened.

    ``kind`` is ``"full"``, ``"read-only"`` or ``"unavailable"``; ``location`` the data directory
    (or a description such as ``"the database server"``). Whatever the operation was writing is
    rolled back; data stored before is intact.
    """

    def __init__(self, message: str, *, kind: str, location: str | None = None):
        self.kind = kind
        self.location = location
        super().__init__(message)


#: Substrings (lower case) of error messages that mean "no space left".
_FULL_MARKERS = ("database or disk is full", "no space left on device", "disk quota exceeded",
                 "diskfull", "could not extend file")
#: ... that mean "the file system or database file is read-only".
_READONLY_MARKERS = ("attempt to write a readonly database", "read-only file system", "readonly database",
                     "read only file system")
#: ... that mean "the database file cannot be opened (or created)".
_CANTOPEN_MARKERS = ("unable to open database file",)
#: ... that mean a low-level write failed (classified by the state of the file system).
_IO_MARKERS = ("disk i/o error", "input/output error")


def _exception_chain(exc: BaseException):
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo.extend([getattr(e, "orig", None), e.__cause__, e.__context__])


def filesystem_state(path: str | Path | None) -> str | None:
    """``"read-only"`` or ``"full"`` when the file system holding ``path`` (or its nearest existing
    parent) is mounted read-only or has no free blocks left; otherwise None."""
    import os

    if path is None:
        return None
    p = Path(path).absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        st = os.statvfs(p)
    except OSError:
        return None
    if st.f_flag & os.ST_RDONLY:
        return "read-only"
    if st.f_bavail == 0 or (st.f_files and st.f_favail == 0):
        return "full"
    return None


def storage_error(exc: BaseException, location: str | Path | None = None) -> StorageError | None:
    """The :class:`StorageError` an exception from a write to ``location`` (the data directory)
    stands for (disk full, read-only, cannot open), or None if it is something else."""
    import errno

    if isinstance(exc, StorageError):
        return exc
    kind = None
    reason = ""
    for e in _exception_chain(exc):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            kind = "full"
        elif isinstance(e, OSError) and e.errno == errno.EROFS:
            kind = "read-only"
        else:
            msg = str(e).lower()
            if any(m in msg for m in _FULL_MARKERS):
                kind = "full"
            elif any(m in msg for m in _READONLY_MARKERS):
                kind = "read-only"
            elif any(m in msg for m in _CANTOPEN_MARKERS + _IO_MARKERS):
                kind = filesystem_state(location) or ("unavailable" if any(m in msg for m in _CANTOPEN_MARKERS)
                                                      else None)
                reason = reason or str(getattr(e, "orig", None) or e).splitlines()[0]
        if kind:
            break
    if kind is None:
        return None
    where = str(location) if location is not None else "the data directory"
    name = where if where.startswith("the ") else f"the data directory {where}"  # e.g. "the database server"
    if kind == "full":
        message = (f"disk full: no space left in {name}; the change was not saved "
                   "(data stored before is intact). Free some space and try again.")
    elif kind == "read-only":
        message = (f"{name} is read-only: nothing can be saved there (data stored before can still be "
                   "read). Make it writable or choose another --data-dir.")
    else:
        message = f"cannot open the database in {name}: {reason or exc}"
    return StorageError(message, kind=kind, location=str(location) if location is not None else None)


@contextmanager
def storage_errors(location: str | Path | None):
    """Re-raise disk-full / read-only / cannot-open failures of writes to ``location`` as
    :class:`StorageError` (one clear line for the user); other exceptions pass unchanged."""
    try:
        yield
    except DeliberationError:
        raise
    except Exception as e:
        mapped = storage_error(e, location)
        if mapped is None:
            raise
        raise mapped from e
