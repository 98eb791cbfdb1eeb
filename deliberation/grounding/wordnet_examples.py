"""The phrases WordNet quotes as examples of its adjective senses ("real wages" for the sense of
"real" that means "corrected for inflation"), read from the database's ``data.adj`` on first use:
an adjective and its noun quoted so name that sense, a term, not a word said for emphasis."""

from __future__ import annotations

import re
from functools import lru_cache

from . import wordnet as wn

#: an example in a gloss: a quoted phrase
_QUOTED = re.compile(r'"([^"]+)"')
#: WordNet adjective heads whose senses only stress that a thing deserves its name or weighs: "no
#: less than what is stated; worthy of the name" ("the real reason", "a real job", "a true friend")
#: and "not to be taken lightly" ("very real problems"). A sense under one of them quotes its noun
#: for emphasis, not as a term: "real problems" are problems, where "real wages" are not wages
EMPHASIS_HEADS = frozenset({"real.a.02", "serious.a.01"})


@lru_cache(maxsize=1)
def _examples() -> dict[str, list[tuple[str, int]]]:
    """Each adjective (lower case) -> (the word after it, the offset of the sense) of every example
    of an adjective sense that quotes it before another word ("real" -> ("wages", 1939597))."""

    path = wn.wordnet_dir() / "data.adj"
    out: dict[str, list[tuple[str, int]]] = {}
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith(" "):
                continue  # the licence at the top of the file
            offset, gloss = int(line.partition(" ")[0]), line.partition("|")[2]
            for example in _QUOTED.findall(gloss):
                words = example.lower().split()
                for a, b in zip(words, words[1:]):
                    out.setdefault(a, []).append((b, offset))
    return out


def senses_quoting(adjective: str, noun: str) -> list:
    """The adjective senses of ``adjective`` whose WordNet examples quote it before ``noun`` in any
    of its forms ("real" + "wage": the sense "corrected for inflation", quoted as "real wages"),
    but for those under :data:`EMPHASIS_HEADS` ("the real reason", "real problems"); empty without
    WordNet."""

    if wn.wordnet() is None:
        return []
    forms = wn.lemmas(noun) | {noun.lower()}
    offsets = {o for b, o in _examples().get(adjective.lower(), []) if b in forms or wn.lemmas(b) & forms}
    senses = [s for s in wn._synsets(adjective, "a") if s.offset() in offsets] if offsets else []
    return [s for s in senses if not {h.name() for h in (s.similar_tos() if s.pos() == "s" else [s])} & EMPHASIS_HEADS]
