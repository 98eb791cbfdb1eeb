"""Per-language word lists kept as data: one loader for every package whose vocabulary lives in
``data/<language>.toml`` files (the words of statements here, the faithfulness guard's in
:mod:`deliberation.grounding.lexicon`).

A file holds one language's lists, each named and commented in the file; adding a language is
adding a file. Where the lists of several languages are merged (a list used for every text), the
English file comes first, then the others by name: the order in which alternatives of a pattern
are tried. Entries that the code joins into patterns are regular-expression fragments.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

#: a pattern that matches nothing (for a list that no language fills)
NEVER = "(?!x)x"


@cache
def _read(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


class WordLists:
    """The ``<language>.toml`` files of one folder, each read once, on first use.

    A folder without any is an error (an install without its package data), not empty lists:
    the checks that use them would pass everything silently."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        names = [p.stem for p in data_dir.glob("*.toml")]
        if not names:
            raise FileNotFoundError(
                f"no word lists (<language>.toml) in {data_dir}: the package's data files are missing"
            )
        #: the languages that have a file: English first, then the others by name
        self.languages: tuple[str, ...] = tuple(sorted(names, key=lambda s: (s != "en", s)))

    def load(self, lang: str) -> dict[str, Any]:
        """The data file of one language, parsed (empty when the language has none)."""

        path = self.data_dir / f"{lang}.toml"
        return _read(path) if lang in self.languages else {}

    def get(self, lang: str, key: str) -> Any:
        """``key`` of one language's file, a dotted key ("claims.everyone") reaching into a table;
        None when absent."""

        data: Any = self.load(lang)
        for part in key.split("."):
            if not isinstance(data, dict) or part not in data:
                return None
            data = data[part]
        return data

    def entries(self, key: str, *langs: str) -> list[str]:
        """The entries listed under ``key`` in the files of ``langs`` (default: all), in order."""

        return [w for lang in langs or self.languages for w in self.get(lang, key) or []]

    def table(self, key: str) -> dict[str, Any]:
        """The table ``key`` of every file, merged (a later language adds its own keys)."""

        return {k: v for lang in self.languages for k, v in (self.get(lang, key) or {}).items()}

    def alternation(self, key: str, *langs: str) -> str:
        """The entries under ``key`` as one regular-expression alternation ("a|b|c"; never
        matching when no language lists any)."""

        return "|".join(self.entries(key, *langs)) or NEVER

    def word_pattern(self, key: str, suffix: str = "") -> re.Pattern[str]:
        """A pattern for one whole word listed under ``key`` (``suffix``: what may follow it)."""

        return re.compile(rf"^(?:{self.alternation(key)}){suffix}$", re.I)

    def phrase_pattern(self, key: str) -> re.Pattern[str]:
        """A pattern for any phrase listed under ``key``, between word boundaries."""

        return re.compile(rf"\b(?:{self.alternation(key)})\b", re.I)
