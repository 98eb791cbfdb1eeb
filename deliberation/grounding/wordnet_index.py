"""WordNet's lemma index, looked up one lemma at a time instead of parsed whole at start-up.

nltk's ``WordNetCorpusReader`` parses all four ``index.*`` files (147,000 lemmas) and scans
``data.adj`` for adjective satellites when it starts: ~1 CPU s, paid by every process whose guard
checks one sentence. The index files are sorted by lemma (WordNet's own library searches them
by bisection), so :class:`LemmaIndex` keeps their text as it is (:class:`SortedLines`: no line split
until asked) and finds a lemma by bisection the first
time the reader (:mod:`.wordnet_reader`) asks for it, parsing its lines into exactly what nltk's
own loader (``_load_lemma_pos_offset_map``, nltk 3.9-3.10) stores: ``{pos: [synset offsets]}``,
adjectives also under ``"s"`` (their satellite senses, in index order). :class:`Satellites` reads a synset's
type in ``data.adj`` at its offset when asked. tests/test_grounding_meaning.py checks both equal
to nltk's for every lemma; bench/bench_grounding.py measures the start-up. :func:`sense_count`
finds a sense's count in ``cntlist.rev`` (sorted by sense key) the same way, where nltk searches
the file for each lemma it is asked about.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

#: WordNet's part-of-speech files, as nltk's reader names them (``_FILEMAP``)
_POS_FILES = ("adj", "adv", "noun", "verb")
#: a sorted file is searched in blocks of about this many characters (:class:`SortedLines`): its
#: block by bisection over the blocks' first lines, then the lines of that block alone
BLOCK_CHARS = 4096


def _lemma(line: str) -> str:
    return line[:line.find(" ")]


class SortedLines:
    """The lines of a text file sorted by their first field (WordNet's ``index.*`` and
    ``cntlist.rev``), its license lines (those starting with a space) and empty lines left out, kept
    as one string cut into blocks of about :data:`BLOCK_CHARS`: :meth:`first_of` finds a field's
    block by the blocks' first lines, then its line in that block alone (splitting the four index
    files whole cost ~0.04 CPU s of every guard's first look-up)."""

    def __init__(self, path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        start = 0
        while start < len(text) and text[start] in " \n":  # the license lines come first
            start = text.find("\n", start) + 1 or len(text)
        text = text if text.endswith("\n") else text + "\n"
        starts = []  # where each block starts: a line start
        while start < len(text):
            starts.append(start)
            start = text.find("\n", start + BLOCK_CHARS) + 1 or len(text)
        self._text, self._starts = text, [*starts, len(text)]
        self._firsts = [text[b:text.find("\n", b)] for b in starts]  # each block's first line
        self._found: dict[str, str | None] = {}  # field -> its line: the same words come back

    def first_of(self, field: str) -> str | None:
        """The first line whose first field is ``field`` (None when there is none): the first line
        not below ``field + " "``, as :func:`bisect.bisect_left` finds it in the list of lines."""
        if field not in self._found:
            self._found[field] = self._search(field)
        return self._found[field]

    def _search(self, field: str) -> str | None:
        probe = field + " "  # a line is its field, a space (below any character of a field), the rest
        b = bisect_left(self._firsts, probe)  # the line is in the block before b, or starts block b
        line = self._firsts[b] if b < len(self._firsts) else ""
        if b > 0:
            lines = self._text[self._starts[b - 1]:self._starts[b]].split("\n")[:-1]
            i = bisect_left(lines, probe)
            line = lines[i] if i < len(lines) else line
        return line if line and _lemma(line) == field else None

    def __iter__(self) -> Iterator[str]:
        return (ln for ln in self._text[self._starts[0]:].splitlines() if ln and not ln.startswith(" "))


@lru_cache(maxsize=4)
def _sense_lines(root: Path) -> SortedLines:
    return SortedLines(root / "cntlist.rev")


def sense_count(root: Path, key: str) -> int:
    """How often the sense ``key`` is tagged in WordNet's sense-tagged corpus: the last field of its
    line in ``root/cntlist.rev`` (``sense_key sense_number tag_cnt``; the first line of a key
    counts), 0 when it is not there; the figure nltk's ``lemma_count`` searches the file for."""

    line = _sense_lines(root).first_of(key)
    rest = line.partition(" ")[2] if line else ""
    return int(rest.rsplit(" ", 1)[-1]) if rest else 0


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
        self._files = [SortedLines(root / f"index.{name}") for name in _POS_FILES]

    def _lines(self, lemma: str) -> list[str]:
        return [line for line in (lines.first_of(lemma) for lines in self._files) if line is not None]

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
