"""A compiled copy of a lexical resource's index on disk, so that a fresh process loads it instead of
parsing the source file again (a thesaurus's whole index, :meth:`.mythes.MyThes.index`, which the
French and Spanish look-ups walk; OpenThesaurus's 110,000 headwords: ~0.15 CPU s to parse, ~0.05 to
load compiled).

The copy is a :mod:`marshal` file in :func:`cache_dir`, named by a hash of the source file's path,
size, modification time and content, of :data:`FORMAT_VERSION` and of the Python version (marshal's
format is Python's own): a changed source, a changed compiled form or another Python never reads a
stale copy. Everything about the cache is optional: a missing, unreadable, read-only or corrupt
cache folder means the source is parsed as before and the answer is the same; nothing is reported.
``DELIBERATION_LEXICON_CACHE`` names another folder; set to an empty string it turns the cache off.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: the environment variable naming the cache folder ("" turns the cache off)
CACHE_ENV = "DELIBERATION_LEXICON_CACHE"
#: raised whenever what a loader compiles changes shape, so older copies are never read
FORMAT_VERSION = 1


def cache_dir() -> Path | None:
    """``$DELIBERATION_LEXICON_CACHE``, else ``$XDG_CACHE_HOME/deliberation/lexicon``, else
    ``~/.cache/deliberation/lexicon``; None when the variable is set empty (no cache) or there is no
    home folder to put it in (no ``$HOME`` and a user id with no account: a container's)."""

    named = os.environ.get(CACHE_ENV)
    if named is not None:
        return Path(named) if named else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    try:
        base = Path(xdg) if xdg else Path.home() / ".cache"
    except RuntimeError:  # pathlib: "Could not determine home directory."
        return None
    return base / "deliberation" / "lexicon"


def _copy_path(source: Path, kind: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    st = source.stat()
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{kind}|{FORMAT_VERSION}|{sys.version_info[:2]}|{marshal.version}|{source.resolve()}|"
                  f"{st.st_size}|{st.st_mtime_ns}|".encode())
    digest.update(source.read_bytes())
    return folder / f"{kind}-{digest.hexdigest()}.marshal"


def load_or_build(source: Path, kind: str, build: Callable[[], T], valid: Callable[[object], bool]) -> T:
    """What ``build()`` returns for ``source``: read from the compiled copy when one is there and
    ``valid``, else built and (when the folder can be written) stored for the next process.
    ``build`` must return plain data marshal can store (dicts, tuples, str, int)."""

    try:
        path = _copy_path(source, kind)
    except OSError:
        path = None
    if path is not None:
        try:
            value = marshal.loads(path.read_bytes())
            if valid(value):
                return value  # type: ignore[return-value]
        except (OSError, ValueError, EOFError, TypeError):
            pass
    value = build()
    if path is not None:
        _store(path, value)
    return value


def _store(path: Path, value: object) -> None:
    """Write ``value`` to ``path`` atomically (a temporary file renamed), or not at all."""

    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps(value))
        os.replace(tmp, path)
    except (OSError, ValueError):
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
