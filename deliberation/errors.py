"""Errors raised on bad input: each names the file, the row and the problem."""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path

from deliberation.words import DEFAULT_LANGUAGE, Texts, load, retell_list, said


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
        super().__init__(located(Texts(DEFAULT_LANGUAGE), self.source, row, problem))


def located(w: Texts, source: str | None, row: int | None, problem: str) -> str:
    """A problem said with where it is, in ``w``'s language: "votes.csv, row 4: …" (``error.*``); a
    source that is a word of the program's own ("statement", "vote", "seed statements") said in it too."""
    if not source:
        return problem
    english = {t: mid for mid, t in load("deliberation", DEFAULT_LANGUAGE).items() if mid.startswith(SOURCES)}
    source = w(english[source]) if source in english else source
    return w("error.at", source=source, problem=problem) if row is None else \
        w("error.at_row", source=source, row=row, problem=problem)


#: The table of the sources of :class:`InputError` that are words, not files ("statement", "vote").
SOURCES = "error.source."


def in_words(e: BaseException, lang: str | None) -> str:
    """An error's message in ``lang`` (the room's language, as the console and the participant page
    say it): an :class:`InputError`'s place and problem, or any other message, read back from the
    English sentences deliberation makes (:func:`deliberation.words.said`) and said again; what no
    sentence reads stays as it is. English: the message itself."""
    w = Texts(lang)
    if w.lang == DEFAULT_LANGUAGE:
        return str(e)
    if isinstance(e, InputError):
        return located(w, e.source, e.row, retell_list(e.problem, w.lang))
    return retell_list(str(e), w.lang)


def text_in_words(text: str, lang: str | None) -> str:
    """An error kept as English text (a run's error in its checkpoint or its log: a library's own
    message as often as ours) in ``lang``: read back from deliberation's sentences and said again
    (:func:`deliberation.words.retell_list`); a text no sentence reads set apart as a technical
    detail in English (``error.in_english``), never mixed into a sentence of the language. English:
    the text itself."""
    w = Texts(lang)
    if w.lang == DEFAULT_LANGUAGE or not text:
        return text
    said_again = retell_list(text, w.lang)
    return said_again if said_again != text else w("error.in_english", detail=text)


class NotFoundError(DeliberationError):
    """A consultation, statement, participant or draft id that does not exist."""


class AccessDenied(DeliberationError):
    """A moderator-only action without the right secret."""


class RateLimited(DeliberationError):
    """A participant acted faster than the consultation's rate limits allow; nothing was stored."""

    def __init__(self, message: str, retry_after_s: float):
        self.retry_after_s = retry_after_s
        super().__init__(message)


class VotingClosed(DeliberationError):
    """A vote on a published draft whose voting window is not open (not yet opened, or closed);
    nothing was stored. ``draft``: the draft voted on, when the refusal is about a vote;
    ``closed``: its voting was closed (else it was never opened)."""

    def __init__(self, message: str, *, draft: str | None = None, closed: bool = False):
        self.draft, self.closed = draft, closed
        super().__init__(message)


class SameWords(DeliberationError):
    """A participant's statement that says, word for word (case and spacing aside), what a statement
    of the consultation already says: not stored, so nobody is asked to vote on the same words twice.
    ``statement`` is the existing statement's id; ``own`` is True when the participant added it."""

    def __init__(self, statement: str, *, own: bool):
        self.statement, self.own = statement, own
        super().__init__(said("input.same_words_own" if own else "input.same_words", value=statement))


class LineErrors(InputError):
    """Lines of a list typed or given at once (the moderator's seed statements), refused together:
    ``problems`` holds (line number, from 1, problem) for every bad line (``unit`` names what is
    numbered: a line, or an argument of the command line); nothing of the list was
    stored. Said as "seed statements: line 2: …; line 5: …; nothing was stored"."""

    def __init__(self, problems: list[tuple[int, str]], source: str = "seed statements", unit: str = "line"):
        self.problems, self.unit = list(problems), unit
        lines = "; ".join(said(f"input.{unit}", n_line=n, problem=problem) for n, problem in self.problems)
        super().__init__(said("input.lines", lines=lines), source)

    def named(self, source: str, unit: str = "line") -> "LineErrors":
        """The same problems said of another source (a file) or unit ("argument")."""
        return LineErrors(self.problems, source, unit)


#: Longest excerpt of a bad value (an id, a vote) quoted in an error message.
PREVIEW_CHARS = 40


class StorageError(DeliberationError):
    """The data directory (or another file) cannot take a write (disk full, read-only) or the
    database cannot be opened.

    ``kind`` is ``"full"``, ``"read-only"`` or ``"unavailable"``; ``location`` the data directory,
    or the file outside it that could not be written, or None. ``server`` is True when the
    database server (not a local file system) refused the write. Whatever the operation was
    writing is rolled back; data stored before is intact.
    """

    def __init__(self, message: str, *, kind: str, location: str | None = None, server: bool = False):
        self.kind = kind
        self.location = location
        self.server = server
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
    parent) is mounted read-only or has no free blocks left; otherwise None. ``path`` not writable
    by this user (permissions) counts as read-only too (root passes that check)."""
    if path is None:
        return None
    p = Path(path).absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        st = os.statvfs(p)
    except OSError:
        return None
    if st.f_flag & os.ST_RDONLY or not os.access(p, os.W_OK):
        return "read-only"
    if st.f_bavail == 0 or (st.f_files and st.f_favail == 0):
        return "full"
    return None


def _in_data_dir(path: str | Path, data_dir: str | Path) -> bool:
    """Whether ``path`` is the data directory, lies below it, or is a parent made for it
    (``mkdir(parents=True)`` of the data directory fails on the first parent it cannot create)."""
    try:
        p, d = Path(os.path.realpath(os.fsdecode(path))), Path(os.path.realpath(os.fsdecode(data_dir)))
    except (TypeError, ValueError):
        return False
    return p.is_relative_to(d) or d.is_relative_to(p)


def storage_error(exc: BaseException, location: str | Path | None = None, *,
                  server: bool = False) -> StorageError | None:
    """The :class:`StorageError` an exception from a write to ``location`` (the data directory; or,
    with ``server``, the database server) stands for (disk full, read-only, cannot open), or None
    if it is something else. An OSError naming a file outside the data directory (an export
    folder, a ``--json`` file) gives a message naming that file instead."""
    if isinstance(exc, StorageError):
        return exc
    kind = None
    reason = ""
    filename = None
    for e in _exception_chain(exc):
        if isinstance(e, OSError) and _os_kind(e):
            kind, filename = _os_kind(e), e.filename
        else:
            msg = str(e).lower()
            if any(m in msg for m in _FULL_MARKERS):
                kind = "full"
            elif any(m in msg for m in _READONLY_MARKERS):
                kind = "read-only"
            elif any(m in msg for m in _CANTOPEN_MARKERS + _IO_MARKERS):
                kind = (None if server else filesystem_state(location)) or (
                    "unavailable" if any(m in msg for m in _CANTOPEN_MARKERS) else None)
                reason = reason or str(getattr(e, "orig", None) or e).splitlines()[0]
        if kind:
            break
    if kind is None:
        return None
    if (not server and filename is not None
            and (location is None or not _in_data_dir(filename, location))):  # e.g. an export folder
        return _file_error(kind, filename)
    # said (deliberation.words.said) so that a console in another language says it in its own (in_words)
    if server:
        name = said("input.place_server")
    else:
        name = said("input.place_data_dir", file=str(location)) if location is not None else said("input.place_data")
    if kind == "full":
        message = said("input.storage_full", place=name)
    elif kind == "read-only":
        message = said("input.storage_read_only_server" if server else "input.storage_read_only", place=name)
    else:
        message = said("input.storage_cannot_open", place=name, error=str(reason or exc))
    return StorageError(message, kind=kind, location=str(location) if location is not None else None,
                        server=server)


def _os_kind(e: OSError) -> str | None:
    return {errno.ENOSPC: "full", errno.EDQUOT: "full", errno.EROFS: "read-only"}.get(e.errno)


def _file_error(kind: str, path: str | bytes | Path) -> StorageError:
    """A failed write to a file outside the data directory, naming that file."""
    where = os.fsdecode(path)
    message = said("input.file_full" if kind == "full" else "input.file_read_only", file=where)
    return StorageError(message, kind=kind, location=where)


#: A path the user named for output that cannot be written, in words (by errno).
_PATH_PROBLEMS = {
    errno.EEXIST: "is a file; a folder is needed here",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.EISDIR: "is a folder; name a file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


@contextmanager
def writing_to(path: str | Path):
    """Re-raise a disk-full / read-only failure while writing ``path`` (a file or folder outside the
    data directory: an export, a ``--json`` file) as :class:`StorageError` naming ``path`` (or the
    file inside it the OSError names; a failed ``write()`` names none); a path that cannot be
    written (a file where a folder must be, a folder where a file must be, no permission) as an
    :class:`InputError` naming it."""
    try:
        yield
    except DeliberationError:
        raise
    except OSError as e:
        kind = _os_kind(e)
        if kind is None:
            if e.errno in _PATH_PROBLEMS:
                raise InputError(f"cannot write: {_PATH_PROBLEMS[e.errno]}",
                                 os.fsdecode(e.filename or path)) from None
            raise
        raise _file_error(kind, e.filename or path) from e


@contextmanager
def storage_errors(location: str | Path | None, *, server: bool = False):
    """Re-raise disk-full / read-only / cannot-open failures of writes to ``location`` as
    :class:`StorageError` (one clear line for the user); other exceptions pass unchanged."""
    try:
        yield
    except DeliberationError:
        raise
    except Exception as e:
        mapped = storage_error(e, location, server=server)
        if mapped is None:
            raise
        raise mapped from e
