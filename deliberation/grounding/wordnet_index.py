"""WordNet's lemma index, looked up one lemma at a time instead of parsed whole at start-up.

nltk's ``WordNetCorpusReader`` parses all four ``index.*`` files (147,000 lemmas) and scans
``data.adj`` for adjective satellites when it starts: ~1 CPU s, paid by every process whose guard
checks one sentence. The index files are sorted by lemma (WordNet's own library searches them
by bisection), so :class:`LemmaIndex` keeps their lines and finds a lemma by bisection the first
time the reader (:mod:`.wordnet_reader`) asks for it, parsing its lines into exactly what nltk's
own loader (``_load_lemma_pos_offset_map``, nltk 3.9-3.10) stores: ``{pos: [synset offsets]}``,
adjectives also under ``"s"`` (their satellite senses, in index order). :class:`Satellites` reads a synset's
type in ``data.adj`` at its offset when asked. tests/test_grounding_meaning.py checks both equal
to nltk's for every lemma; bench/bench_grounding.py measures the start-up. :func:`sense_counts`
reads the sense counts once, where nltk searches the file for each lemma it is asked about.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

#: WordNet's part-of-speech files, as nltk's reader names them (``_FILEMAP``)
_POS_FILES = ("adj", "adv", "noun", "verb")


def _lemma(line: str) -> str:
    return line[:line.find(" ")]


@lru_cache(maxsize=4)
def sense_counts(root: Path) -> dict[str, int]:
    """How often each sense (by sense key) is tagged in WordNet's sense-tagged corpus:
    ``root/cntlist.rev`` read once (``sense_key sense_number tag_cnt`` per line), the figure nltk's
    ``lemma_count`` finds by searching the file for one key at a time."""

    counts: dict[str, int] = {}
    for line in (root / "cntlist.rev").read_text(encoding="utf-8").splitlines():
        key, _, rest = line.partition(" ")
        if rest:
            counts.setdefault(key, int(rest.rsplit(" ", 1)[-1]))
    return counts


class Satellites:
    """``offset in Satellites(root)``: is the adjective synset at this offset of ``root/data.adj``
    a satellite (its line's third field is "s"), as in nltk's ``satellite_offsets`` set?"""

    def __init__(self, root: Path) -> None:
        self._path = root / "data.adj"
        self._seen: dict[int, bool] = {}

    def __contains__(self, offset: object) -> bool:
        if not isinstance(offset, int) or offset < 0:
            return False
        if offset not in self._seen:
            with self._path.open("rb") as f:
                f.seek(offset)
                head = f.readline(64).split()
            # a synset line: offset lex_filenum ss_type ...; the offset must be where the line starts
            self._seen[offset] = len(head) > 2 and head[0] == b"%08d" % offset and head[2] == b"s"
        return self._seen[offset]


class LemmaIndex(dict):
    """lemma -> {pos: [synset offsets]}, found on first use. Like nltk's ``defaultdict(dict)``,
    looking up an unknown lemma stores and returns an empty dict."""

    def __init__(self, root: Path, satellites: Satellites) -> None:
        super().__init__()
        self._satellites = satellites
        self._files: list[list[str]] = []
        for name in _POS_FILES:
            lines = (root / f"index.{name}").read_text(encoding="utf-8").splitlines()
            self._files.append([ln for ln in lines if ln and not ln.startswith(" ")])  # license lines

    def _lines(self, lemma: str) -> list[str]:
        found = []
        probe = lemma + " "  # the first line whose lemma is not below ``lemma``: a line is its lemma, a
        for lines in self._files:  # space (below any character of a lemma), then its fields
            i = bisect_left(lines, probe)
            if i < len(lines) and _lemma(lines[i]) == lemma:
                found.append(lines[i])
        return found

    def __missing__(self, lemma: str) -> dict[str, list[int]]:
        entry: dict[str, list[int]] = {}
        for line in self._lines(lemma):
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
        return dict.__contains__(self, lemma) or (isinstance(lemma, str) and bool(self._lines(lemma)))

    def _all(self) -> dict[str, None]:
        return dict.fromkeys([*(_lemma(ln) for lines in self._files for ln in lines), *dict.keys(self)])

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
