"""WordNet's lemma index, parsed one lemma at a time instead of all at start-up.

nltk's ``WordNetCorpusReader`` parses all four ``index.*`` files (147,000 lemmas) and scans
``data.adj`` for adjective satellites when it starts: ~1 CPU s, paid by every process whose guard
checks one sentence. :class:`LemmaIndex` holds the raw index lines by lemma (one native read of
the files) and parses a lemma's line the first time nltk asks for it, into exactly what nltk's
own loader (``_load_lemma_pos_offset_map``, nltk 3.9-3.10) stores: ``{pos: [synset offsets]}``,
adjectives also under ``"s"`` (their satellite senses, in index order). tests/test_grounding_wordnet.py
checks it equal to nltk's map for every lemma. bench/bench_grounding.py measures the start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

#: WordNet's part-of-speech files, as nltk's reader names them (``_FILEMAP``)
_POS_FILES = ("adj", "adv", "noun", "verb")
#: a synset line of data.adj whose type (third field) is "s", an adjective satellite
_SATELLITE = re.compile(r"^(\d+) \S+ s ", re.MULTILINE)


def satellite_offsets(root: Path) -> set[int]:
    """Offsets of the adjective satellite synsets in ``root/data.adj`` (nltk's ``_scan_satellites``)."""

    return {int(m.group(1)) for m in _SATELLITE.finditer((root / "data.adj").read_text(encoding="utf-8"))}


def index_lines(root: Path) -> dict[str, list[str]]:
    """Every lemma's raw lines of ``root/index.*`` (one per part of speech), license lines skipped."""

    lines: dict[str, list[str]] = {}
    for name in _POS_FILES:
        with (root / f"index.{name}").open(encoding="utf-8") as f:
            for line in f:
                if not line.startswith(" "):
                    lines.setdefault(line[:line.find(" ")], []).append(line)
    return lines


class LemmaIndex(dict):
    """lemma -> {pos: [synset offsets]}, filled on first use. Like nltk's ``defaultdict(dict)``,
    looking up an unknown lemma stores and returns an empty dict."""

    def __init__(self, lines: dict[str, list[str]], satellites: set[int]) -> None:
        super().__init__()
        self._lines = lines
        self._satellites = satellites

    def __missing__(self, lemma: str) -> dict[str, list[int]]:
        entry: dict[str, list[int]] = {}
        for line in self._lines.get(lemma, ()):
            # lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
            fields = line.split()
            pos, n_synsets, n_pointers = fields[1], int(fields[2]), int(fields[3])
            first = 6 + n_pointers
            entry[pos] = [int(x) for x in fields[first:first + n_synsets]]
            if pos == "a":
                entry["s"] = [o for o in entry[pos] if o in self._satellites]
        self[lemma] = entry
        return entry

    def __contains__(self, lemma: object) -> bool:
        return dict.__contains__(self, lemma) or lemma in self._lines

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._lines, *dict.keys(self)]))

    def __len__(self) -> int:
        return len(set(self._lines) | set(dict.keys(self)))
