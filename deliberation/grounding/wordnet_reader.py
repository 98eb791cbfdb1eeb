"""WordNet's database files read directly, without nltk: the part of nltk's ``WordNetCorpusReader``
that the guard uses (:mod:`.wordnet`), giving the same answers.

Importing nltk costs a fresh process ~0.3-1 CPU s, and nltk's reader parses every field of a
synset's line (its gloss and examples by regular expression, its verb frames) and every sense key
of a satellite adjective's lemmas (loading its head synset) when the synset is first met. The guard
asks for a word's synsets, their part of speech, name, lemmas, hypernyms, instance hypernyms and
similar-tos, and a lemma's name, sense count, antonyms and derived forms: this module reads those
fields of a synset's line, at the synset's byte offset in ``data.<pos>``, and the rest never.

What each call returns follows nltk 3.9-3.10 line by line (``synsets``, ``_morphy``, ``morphy``,
``synset``, ``synset_from_pos_and_offset``; a synset's name "lemma.pos.NN"; a lemma's name with its
syntactic marker taken off; its sense key), with the lemma index, the satellites and the sense
counts of :mod:`.wordnet_index`. Relations come in the file's order with repeats dropped, where
nltk keeps them in a set; every caller in :mod:`.wordnet` reads them as a set. tests/test_lexicon_loaders.py
compares both readers on 200 random lemmas and the guard's own words (every synset of the database
was compared once, when this reader was written: 0 differences).
"""

from __future__ import annotations

import functools
import mmap
import threading
from pathlib import Path
from typing import Any

from . import wordnet_index

#: nltk's part-of-speech order when no part of speech is asked (``POS_LIST``)
POS_LIST = ("n", "v", "a", "r")
#: the data and exception file of each part of speech (a satellite adjective is in the adjectives')
_FILES = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}
#: a part of speech's number in a sense key (WordNet's senseidx(5WN))
_POS_NUMBERS = {"n": 1, "v": 2, "a": 3, "r": 4, "s": 5}
#: nltk's rules of detachment (``MORPHOLOGICAL_SUBSTITUTIONS``), WordNet's morphy(7WN)
SUBSTITUTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "n": (("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"),
          ("shes", "sh"), ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}
SUBSTITUTIONS["s"] = SUBSTITUTIONS["a"]


#: the lexicographer files by number (lexnames(5WN); Debian leaves the table out, it ships here)
_LEXNAMES_FILE = Path(__file__).resolve().parent / "data" / "wordnet_lexnames"


@functools.cache
def _lexnames() -> dict[int, str]:
    rows = (line.split() for line in _LEXNAMES_FILE.read_text(encoding="utf-8").splitlines() if line.strip())
    return {int(r[0]): r[1] for r in rows}


class WordNetError(Exception):
    """A synset or lemma the database does not have (nltk's ``WordNetError``)."""


def _bare_name(token: str) -> str:
    """A lemma's name without its syntactic marker ("galore(ip)" -> "galore"), as nltk's
    ``(.*?)(\\([^()]*\\))?$`` takes it off."""

    if token.endswith(")"):
        i = token.rfind("(")
        if i >= 0 and ")" not in token[i + 1:-1]:
            return token[:i]
    return token


class Lemma:
    """One word of a synset (nltk's ``Lemma``, the methods the guard calls)."""

    __slots__ = ("_synset", "_name", "_lexname_index", "_lex_id", "_lang")

    def __init__(self, synset: Synset, name: str, lexname_index: int, lex_id: int) -> None:
        self._synset, self._name = synset, name
        self._lexname_index, self._lex_id, self._lang = lexname_index, lex_id, "eng"

    def name(self) -> str:
        return self._name

    def synset(self) -> Synset:
        return self._synset

    @property
    def _key(self) -> str:
        """The sense key ("dog%1:05:00::"; a satellite's names its head lemma), as nltk builds it."""

        s = self._synset
        head_name = head_id = ""
        if s._pos == "s":
            head = s.similar_tos()[0]._lemmas[0]
            head_name, head_id = head._name, "%02d" % head._lex_id
        return ("%s%%%d:%02d:%02d:%s:%s" % (self._name, _POS_NUMBERS[s._pos], self._lexname_index,
                                            self._lex_id, head_name, head_id)).lower()

    def key(self) -> str:
        return self._key

    def count(self) -> int:
        """How often this sense is tagged in WordNet's sense-tagged corpus (``cntlist.rev``)."""

        return self._synset._reader.lemma_count(self)

    def _related(self, symbol: str) -> list[Lemma]:
        s = self._synset
        return [s._reader.synset_from_pos_and_offset(pos, offset)._lemmas[i]
                for pos, offset, i in s._lemma_pointers.get((self._name, symbol), ())]

    def antonyms(self) -> list[Lemma]:
        return self._related("!")

    def derivationally_related_forms(self) -> list[Lemma]:
        return self._related("+")

    def __eq__(self, other: object) -> bool:  # nltk compares lemmas by name alone
        return isinstance(other, Lemma) and self._name == other._name

    def __hash__(self) -> int:
        return hash(self._name)

    def __repr__(self) -> str:
        return f"Lemma('{self._synset._name}.{self._name}')"


class Synset:
    """One sense (nltk's ``Synset``, the methods the guard calls)."""

    __slots__ = ("_reader", "_pos", "_offset", "_named", "_lemmas", "_pointer_text", "_relations")

    def __init__(self, reader: Reader, line: str) -> None:
        # the fields up to the lemmas are split, the rest (pointer count, pointers, verb frames)
        # when a relation is first asked for: most synsets read are never asked, and a general
        # sense's line lists hundreds of pointers (splitting them was most of reading a synset)
        offset, lexname, pos, count, rest = line.partition("|")[0].split(None, 4)
        self._reader, self._offset, lexname_index, self._pos = reader, int(offset), int(lexname), pos
        n_lemmas = int(count, 16)
        fields = rest.split(None, 2 * n_lemmas)
        self._lemmas = [Lemma(self, _bare_name(fields[2 * k]), lexname_index, int(fields[2 * k + 1], 16))
                        for k in range(n_lemmas)]
        self._pointer_text = fields[2 * n_lemmas]  # "pointer count, pointers..., frames..."
        self._relations: tuple[dict, dict] | None = None
        # the name too is made when first asked: it needs its first lemma's line of the lemma index
        # (four index files searched), and most synsets read are only asked for their lemmas
        self._named: str | None = None

    @property
    def _name(self) -> str:
        """"lemma.pos.NN": the first lemma and this synset's place among that lemma's senses."""
        if self._named is None:
            first = self._lemmas[0]._name.lower()
            sense = self._reader._lemma_pos_offset_map[first][self._pos].index(self._offset)
            self._named = "%s.%s.%02i" % (first, self._pos, sense + 1)
        return self._named

    def _pointers_read(self) -> tuple[dict[str, list[tuple[str, int]]], dict[tuple[str, str], list[tuple[str, int, int]]]]:
        """The synset's pointers (symbol -> [(pos, offset)], in the file's order, repeats dropped)
        and its lemmas' ((lemma name, symbol) -> [(pos, offset, lemma index)])."""
        if self._relations is None:
            count, _, rest = self._pointer_text.partition(" ")
            fields = rest.split()[: 4 * int(count)]
            pointers: dict[str, dict[tuple[str, int], None]] = {}
            lemma_pointers: dict[tuple[str, str], list[tuple[str, int, int]]] = {}
            for k in range(0, len(fields), 4):
                symbol, offset, pos, ids = fields[k: k + 4]
                if ids == "0000":
                    pointers.setdefault(symbol, {})[pos, int(offset)] = None
                else:
                    source = self._lemmas[int(ids[:2], 16) - 1]._name
                    lemma_pointers.setdefault((source, symbol), []).append((pos, int(offset), int(ids[2:], 16) - 1))
            self._relations = ({symbol: list(targets) for symbol, targets in pointers.items()}, lemma_pointers)
        return self._relations

    @property
    def _pointers(self) -> dict[str, list[tuple[str, int]]]:
        return self._pointers_read()[0]

    @property
    def _lemma_pointers(self) -> dict[tuple[str, str], list[tuple[str, int, int]]]:
        return self._pointers_read()[1]

    def pos(self) -> str:
        return self._pos

    def lexname(self) -> str:
        return _lexnames()[self._lemmas[0]._lexname_index]

    def offset(self) -> int:
        return self._offset

    def name(self) -> str:
        return self._name

    def lemmas(self) -> list[Lemma]:
        return self._lemmas

    def lemma_names(self) -> list[str]:
        return [lem._name for lem in self._lemmas]

    def _related(self, symbol: str) -> list[Synset]:
        return [self._reader.synset_from_pos_and_offset(pos, offset) for pos, offset in self._pointers.get(symbol, ())]

    def hypernyms(self) -> list[Synset]:
        return self._related("@")

    def instance_hypernyms(self) -> list[Synset]:
        return self._related("@i")

    def similar_tos(self) -> list[Synset]:
        return self._related("&")

    def attributes(self) -> list[Synset]:
        """The nouns of which an adjective sense is a value ("high" -> "degree", "real" -> "reality")."""
        return self._related("=")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Synset) and self._name == other._name

    def __lt__(self, other: Synset) -> bool:
        return self._name < other._name

    def __hash__(self) -> int:
        return hash(self._name)

    def __repr__(self) -> str:
        return f"Synset('{self._name}')"


class Reader:
    """WordNet in ``root`` (Princeton WordNet 3.0's files: ``index.*``, ``data.*``, ``*.exc``,
    ``cntlist.rev``); what nltk's reader would answer to the calls the guard makes."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self.satellite_offsets = wordnet_index.Satellites(root)
        self._lemma_pos_offset_map = wordnet_index.LemmaIndex(root, self.satellite_offsets)
        self._exception_map: dict[str, dict[str, list[str]]] = {}
        for pos in POS_LIST:
            lines = (root / f"{_FILES[pos]}.exc").read_text(encoding="utf-8").splitlines()
            self._exception_map[pos] = {t[0]: t[1:] for t in map(str.split, lines)}
        self._exception_map["s"] = self._exception_map["a"]
        self._synsets: dict[str, dict[int, Synset]] = {"n": {}, "v": {}, "a": {}, "s": {}, "r": {}}
        self._data: dict[str, mmap.mmap] = {}  # data files, mapped on first use and kept
        self._lock = threading.Lock()  # one mapping of each

    def synset_from_pos_and_offset(self, pos: str, offset: int) -> Synset | None:
        """The synset at byte ``offset`` of the data file of ``pos`` (None when no synset starts there)."""

        cache = self._synsets[pos]
        if offset not in cache:
            data = self._data.get(_FILES[pos]) or self._mapped(_FILES[pos])
            # the line at the offset, its newline included (a file's seek and readline: each read
            # a block through a system call, ~20 us a synset, where a mapped file's slice is ~1)
            end = data.find(b"\n", offset)
            line = data[offset:len(data) if end < 0 else end + 1].decode("utf-8")
            if line[:8] != "%08d" % offset:
                return None
            cache[offset] = Synset(self, line)
        return cache[offset]

    def _mapped(self, name: str) -> mmap.mmap:
        """``data.<name>`` mapped read-only, on first use (the pages the reader touches alone are read)."""
        with self._lock:
            if name not in self._data:
                with (self._root / f"data.{name}").open("rb") as f:
                    self._data[name] = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            return self._data[name]

    def _morphy(self, form: str, pos: str, check_exceptions: bool = True) -> list[str]:
        """Every base form of ``form`` as ``pos`` that WordNet has, ``form`` itself first (nltk's)."""

        index = self._lemma_pos_offset_map
        exceptions = self._exception_map[pos]
        if check_exceptions and form in exceptions:
            forms = exceptions[form]
        else:
            forms = [form[: -len(old)] + new for old, new in SUBSTITUTIONS[pos] if form.endswith(old)]
        return list(dict.fromkeys(f for f in [form, *forms] if f in index and pos in index[f]))

    def morphy(self, form: str, pos: str | None = None, check_exceptions: bool = True) -> str | None:
        for p in [pos] if pos else POS_LIST:
            analyses = self._morphy(form, p, check_exceptions)
            if analyses:
                return analyses[0]
        return None

    def synsets(self, lemma: str, pos: Any = None) -> list[Synset]:
        """The synsets of every base form of ``lemma`` for each part of speech (all four when
        ``pos`` is None), in the index's order."""

        lemma, index = lemma.lower(), self._lemma_pos_offset_map
        return [self.synset_from_pos_and_offset(p, offset) for p in (POS_LIST if pos is None else pos)
                for form in self._morphy(lemma, p) for offset in index[form].get(p, [])]

    def synset(self, name: str) -> Synset:
        """The synset named "lemma.pos.NN"."""

        lemma, pos, number = name.lower().rsplit(".", 2)
        try:
            offset = self._lemma_pos_offset_map[lemma][pos][int(number) - 1]
        except (KeyError, IndexError) as e:
            raise WordNetError(f"no synset {name!r}") from e
        synset = self.synset_from_pos_and_offset(pos, offset)
        if synset is None or (pos == "s" and synset._pos == "a"):
            raise WordNetError(f"no synset {name!r}")
        return synset

    def lemma_count(self, lemma: Lemma) -> int:
        return wordnet_index.sense_count(self._root, lemma._key)
