"""A reader of thesauri in the MyThes format of OpenOffice / LibreOffice (Debian's ``mythes-*``
packages, ``/usr/share/mythes``): the guard's synonyms for German (:mod:`.thesaurus_de`), French
and Spanish (:mod:`.thesaurus_fr_es`); nothing is downloaded.

A thesaurus is two files. The ``.dat`` file starts with its encoding ("UTF-8", "ISO8859-1"); each
entry is a headword line ``word|number of meanings`` and then one line per meaning, ``|``-separated:
a part of speech or "-" first, then the words ("(Nom)|colombe|ramier|biset"). A word may carry
annotations in parentheses; :class:`MyThes` can mark one as naming the meaning more generally
("(Oberbegriff)") or as no synonym at all ("(Antónimo)"). The ``.idx`` file (its encoding, the
number of headwords, then ``headword|byte offset`` lines, sorted by headword: MyThes's own library
finds a headword by binary search) is searched the same way, line by line (:class:`Headwords`), an
entry read when it is asked for; the whole index as a dict (:meth:`MyThes.index`, for a walk over
every headword) is read on first use (from a compiled copy, :mod:`.lexicon_cache`, after the first
process). An environment variable names another ``.idx`` / ``.dat`` pair (the path without the
extension).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from . import lexicon_cache
from .wordnet import LOOKUP_CACHE_SIZE

_ANNOTATION = re.compile(r"\([^)]*\)")


class Meaning(NamedTuple):
    """One meaning of a headword: its part of speech as the file writes it ("(Nom)", "-"), its
    words and its broader terms, each a set of single lower-case words (phrases left out)."""

    pos: str
    words: frozenset[str]
    broader: frozenset[str]


def _is_index(value: object) -> bool:
    """Is ``value`` shaped like a thesaurus index (a compiled copy read back)?"""

    return isinstance(value, dict) and all(isinstance(v, tuple) for v in value.values())


def _headword(line: str) -> str:
    return line.rpartition("|")[0]


class Headwords:
    """A thesaurus index searched by bisection in its lines: what :meth:`MyThes.index` holds for a
    headword, without parsing all of them (OpenThesaurus's 114,000: ~0.05 CPU s from the compiled
    copy, paid by every English run whose guard met a word WordNet does not know)."""

    def __init__(self, idx: Path, encoding: str) -> None:
        lines = idx.read_text(encoding=encoding, errors="replace").split("\n")[1:]  # after the encoding
        if lines and not lines[-1]:
            lines.pop()
        self._lines = lines

    def offsets(self, headword: str) -> tuple[int, ...]:
        """The byte offsets of ``headword``'s entries in the ``.dat`` file, in the index's order
        (empty when it is not there)."""
        lines, out = self._lines, []
        i = bisect_left(lines, headword, key=_headword) if headword else len(lines)
        while i < len(lines) and _headword(lines[i]) == headword:
            offset = lines[i].rpartition("|")[2]
            if offset.isdigit():
                out.append(int(offset))
            i += 1
        return tuple(out)

    def __contains__(self, headword: object) -> bool:
        return isinstance(headword, str) and bool(self.offsets(headword))


class MyThes:
    """One thesaurus: where it is (``env`` or ``default_base``), what to call it in a status line
    (``name``, ``language``, the Debian ``package``), the annotation of a broader term
    (``broader``, "" when the file has none) and those of words that are no synonyms (``excluded``)."""

    def __init__(self, name: str, language: str, package: str, env: str, default_base: str,
                 broader: str = "", excluded: tuple[str, ...] = ()):
        self.name, self.language, self.package = name, language, package
        self.env, self.default_base = env, default_base
        self.broader, self.excluded = broader, excluded
        self.index = lru_cache(maxsize=1)(self._read_index)
        self.headwords = lru_cache(maxsize=1)(self._read_headwords)
        self.entry = lru_cache(maxsize=LOOKUP_CACHE_SIZE)(self._read_entry)

    def base_path(self) -> Path:
        return Path(os.environ.get(self.env, self.default_base))

    def present(self) -> bool:
        """Are both files of the thesaurus there?"""

        base = self.base_path()
        return base.with_suffix(".idx").is_file() and base.with_suffix(".dat").is_file()

    def status(self, without: str) -> str:
        """One line for the user: the thesaurus in use, or what is missing and what the guard does
        ``without`` it. Looks at the files only (reading the index is left to the first word
        looked up)."""

        if self.present():
            return f"{self.name} from {self.base_path()}.dat"
        return f"{self.name} not available: {self.missing()}; {without}"

    def missing(self) -> str:
        """Which files are missing and which package brings them, in words."""

        return f"{self.base_path()}.idx / .dat missing (Debian: apt-get install {self.package})"

    def _encoding(self, path: Path) -> str:
        with path.open("rb") as fh:
            return fh.readline().decode("ascii", "replace").strip() or "utf-8"

    def _read_index(self) -> dict[str, tuple[int, ...]] | None:
        """Headword -> byte offsets of its entries (None when the thesaurus is missing); from the
        compiled copy of :mod:`.lexicon_cache` when there is one."""

        if not self.present():
            return None
        idx = self.base_path().with_suffix(".idx")
        return lexicon_cache.load_or_build(idx, "mythes-index", lambda: self._parse_index(idx), _is_index)

    def _read_headwords(self) -> Headwords | None:
        """The index searched by bisection (None when the thesaurus is missing)."""

        if not self.present():
            return None
        idx = self.base_path().with_suffix(".idx")
        return Headwords(idx, self._encoding(idx))

    def _parse_index(self, idx: Path) -> dict[str, tuple[int, ...]]:
        out: dict[str, list[int]] = {}
        with idx.open(encoding=self._encoding(idx), errors="replace") as fh:
            next(fh, None)  # the encoding
            for line in fh:
                word, _, offset = line.rstrip("\n").rpartition("|")
                if word and offset.isdigit():
                    out.setdefault(word, []).append(int(offset))
        return {w: tuple(o) for w, o in out.items()}

    def _read_entry(self, headword: str) -> tuple[Meaning, ...]:
        """The meanings of ``headword`` as the index spells it (empty when it is not there)."""

        idx = self.headwords()
        offsets = idx.offsets(headword) if idx is not None else ()
        if not offsets:
            return ()
        dat = self.base_path().with_suffix(".dat")
        enc = self._encoding(dat)
        meanings = []
        with dat.open("rb") as fh:
            for offset in offsets:
                fh.seek(offset)
                head = fh.readline().decode(enc, "replace")
                count = int(head.rstrip().rpartition("|")[2] or 0)
                for _ in range(count):
                    pos, *items = fh.readline().decode(enc, "replace").rstrip("\n").split("|")
                    meanings.append(self._meaning(pos, items))
        return tuple(meanings)

    def _meaning(self, pos: str, items: list[str]) -> Meaning:
        words, broader = set(), set()
        for item in items:
            if any(mark in item for mark in self.excluded):
                continue
            word = _ANNOTATION.sub("", item).strip().lower()
            if word and " " not in word and not word.endswith("..."):
                (broader if self.broader and self.broader in item else words).add(word)
        return Meaning(pos.strip(), frozenset(words), frozenset(broader))
