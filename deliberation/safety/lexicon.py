"""The words of the safety checks, read from per-language data files (``data/<lang>.toml``).

Each file holds one language's vocabulary for :mod:`.abuse` (abusive words), :mod:`.instruction_patterns`
(the words of instruction-like text) and :mod:`.personal_data` (the cue words before a phone number,
an address or an ID number), each list named and commented in the file. Entries are
regular-expression fragments; the grammar that joins them (word boundaries, what may stand between
two words, the order of the branches) stays in those modules. The files are read by the project's
one word-list loader, :class:`deliberation.text.wordlists.WordLists`.
"""

from __future__ import annotations

import re
from pathlib import Path

from deliberation.text.wordlists import WordLists

__all__ = ["LISTS", "fill"]

DATA_DIR = Path(__file__).resolve().parent / "data"
#: the word lists of every language that has a file here
LISTS = WordLists(DATA_DIR)

_SLOT = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)\}")


def fill(template: str, *langs: str) -> str:
    """``template`` with every ``{list}`` (``{table.list}``) replaced by ``(?:a|b|c)``, the entries
    of that list in the files of ``langs``, merged in their order (a regular-expression quantifier
    such as ``{2,}`` has digits and is left alone). A list none of them has is an error: the
    pattern would silently lose a branch."""

    def slot(m: re.Match[str]) -> str:
        words = LISTS.entries(m.group(1), *langs)
        if not words:
            raise KeyError(f"no list '{m.group(1)}' in the {'/'.join(langs)} files of {DATA_DIR}")
        return "(?:" + "|".join(words) + ")"

    return _SLOT.sub(slot, template)
