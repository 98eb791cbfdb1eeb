"""The guard's lexical resources as they are loaded (issue 14's first-use costs): WordNet read
directly (deliberation/grounding/wordnet_reader.py) gives what nltk's reader gives, and the
thesaurus index's compiled copy on disk (lexicon_cache.py) gives what parsing the file gives,
whether the cache folder is there, missing, read-only or corrupt. Real files of Debian's
wordnet-base and mythes-es; skipped with the reason when they are not installed."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from deliberation.grounding import lexicon_cache, wordnet as wn
from deliberation.grounding.mythes import MyThes

ROOT = wn.wordnet_dir()
needs_wordnet = pytest.mark.skipif(not (ROOT / "data.noun").is_file(),
                                   reason=f"no WordNet database in {ROOT} (Debian: apt-get install wordnet-base)")
SPANISH = Path("/usr/share/mythes/th_es_ES_v2")
needs_thesaurus = pytest.mark.skipif(not SPANISH.with_suffix(".idx").is_file(),
                                     reason=f"{SPANISH}.idx missing (Debian: apt-get install mythes-es)")
#: words the guard meets in the tests' drafts and statements, inflected forms and compounds among them
WORDS = ["drove", "geese", "better", "hard", "raise", "cut", "lower", "police forces", "trees", "roads",
         "closure", "cheaper", "boost", "scale_back", "housing", "stop", "put", "longer", "wage", "real", "xqzt"]


@pytest.fixture(scope="module")
def nltk_reader():
    """nltk's own reader on the same files, the reference."""

    pytest.importorskip("nltk", reason="nltk (the reader compared with) is not installed")
    reader = wn.open_reader(ROOT, lazy_index=False)
    assert reader is not None and type(reader).__module__ != "deliberation.grounding.wordnet_reader"
    return reader


def _relations(s) -> tuple:
    return (s.name(), s.pos(), sorted(h.name() for h in s.hypernyms()),
            sorted(h.name() for h in s.instance_hypernyms()), sorted(h.name() for h in s.similar_tos()),
            sorted(a.name() for a in s.attributes()),
            [(lem.name(), lem.key(), lem.count(), [a.name() for a in lem.antonyms()],
              [(d.synset().name(), d.name()) for d in lem.derivationally_related_forms()]) for lem in s.lemmas()])


@needs_wordnet
def test_direct_reader_answers_as_nltks_reader(nltk_reader) -> None:
    """On 200 random lemmas and the guard's words: the same synsets in the same order for every
    part of speech, the same base forms, and for every synset the same name, lemmas, sense keys,
    sense counts, hypernyms, similar-tos, attributes, antonyms and derived forms."""

    own, ours = nltk_reader, wn.open_reader(ROOT)
    assert type(ours).__module__ == "deliberation.grounding.wordnet_reader"
    words = random.Random(14).sample(sorted(own._lemma_pos_offset_map), 200) + WORDS
    for w in words:
        for pos in (None, "n", "v", "a", "r"):
            assert [s.name() for s in ours.synsets(w, pos)] == [s.name() for s in own.synsets(w, pos)], (w, pos)
            if pos:
                assert ours._morphy(w, pos) == own._morphy(w, pos) and ours.morphy(w, pos) == own.morphy(w, pos)
        for mine, theirs in zip(ours.synsets(w), own.synsets(w)):
            assert _relations(mine) == _relations(theirs), w
    for name in ("increase.v.01", "hard.s.02", "dog.n.01", "dog.n.99", "xqzt.n.01"):
        try:
            expected = own.synset(name).name()
        except Exception:
            expected = None
        try:
            got = ours.synset(name).name()
        except Exception:
            got = None
        assert got == expected, name


@needs_wordnet
def test_guard_lookups_same_with_either_reader(nltk_reader, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every look-up :mod:`wordnet` offers the guard answers the same on top of either reader."""

    lookups = [wn._synsets, wn.usual_pos, wn.lemmas, wn.related, wn._says_forms, wn._base_forms, wn._noun_up,
               wn.derived, wn.antonyms, wn._direction_roots, wn.verb_direction]

    def answers() -> list:
        for f in lookups:
            f.cache_clear()
        out = [wn._direction_roots()]
        for w in WORDS:
            out.append([[s.name() for s in wn._synsets(w)], wn.usual_pos(w), wn.is_adjective_or_verb(w),
                        wn.lemmas(w), wn.related(w), wn._says_forms(w), wn._base_forms(w), wn._noun_up(w),
                        wn.derived(w), wn.antonyms(w), wn.verb_direction(w), wn.verb_direction(w, "up")])
        out += [(a, b, wn.supports(a, b), wn.says(a, b), wn.same_thing(a, b), wn.are_antonyms(a, b))
                for a, b in zip(WORDS, WORDS[1:])]
        return out

    ours = answers()
    monkeypatch.setattr(wn, "wordnet", lambda: nltk_reader)
    try:
        assert answers() == ours
    finally:
        monkeypatch.undo()
        for f in lookups:
            f.cache_clear()


def _thesaurus(monkeypatch: pytest.MonkeyPatch, cache: str) -> dict:
    monkeypatch.setenv(lexicon_cache.CACHE_ENV, cache)
    return MyThes("test", "Spanish", "mythes-es", "DELIBERATION_TEST_NO_SUCH_VARIABLE", str(SPANISH)).index()


@needs_thesaurus
def test_thesaurus_index_cache_gives_the_parsed_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The compiled copy is written on first use and read back the same; a folder that cannot be
    made, a read-only one, a corrupt copy or the cache turned off still give the parsed index."""

    parsed = _thesaurus(monkeypatch, "")  # cache off: parsed from the file
    assert len(parsed) > 10_000 and all(isinstance(v, tuple) for v in parsed.values())
    folder = tmp_path / "new" / "cache"  # missing: made on first use
    assert _thesaurus(monkeypatch, str(folder)) == parsed
    copies = list(folder.glob("mythes-index-*.marshal"))
    assert len(copies) == 1
    monkeypatch.setattr(MyThes, "_parse_index", lambda *a: pytest.fail("parsed although a copy is there"))
    read = _thesaurus(monkeypatch, str(folder))
    assert read == parsed and list(read) == list(parsed)
    monkeypatch.undo()

    copies[0].write_bytes(b"\x00not marshal")  # corrupt: parsed again and rewritten
    assert _thesaurus(monkeypatch, str(folder)) == parsed
    assert copies[0].stat().st_size > 1000

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert _thesaurus(monkeypatch, str(blocker / "cache")) == parsed  # cannot be made: no error

    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o500)
    try:
        assert _thesaurus(monkeypatch, str(readonly)) == parsed
        if os.geteuid() != 0:  # root writes anyway
            assert not list(readonly.iterdir())
    finally:
        readonly.chmod(0o700)


@needs_thesaurus
def test_no_home_folder_means_no_cache_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process with no ``$HOME`` and a user id with no account (a container's) has no folder for
    the cache: the index is parsed as without one (pathlib raised "Could not determine home
    directory" out of the guard)."""

    import pwd

    def no_account(uid: int):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    for name in ("HOME", "XDG_CACHE_HOME", lexicon_cache.CACHE_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_account)
    assert lexicon_cache.cache_dir() is None
    index = MyThes("test", "Spanish", "mythes-es", "DELIBERATION_TEST_NO_SUCH_VARIABLE", str(SPANISH)).index()
    assert len(index) > 10_000


@needs_wordnet
def test_sorted_lines_find_what_a_bisection_of_all_lines_finds(tmp_path: Path) -> None:
    """WordNet's index files and its sense counts searched block by block (wordnet_index.SortedLines,
    no split of the whole file) give, for every 13th lemma and sense key (each block's first lines
    among them: every lemma is checked through the reader against nltk's in
    test_grounding_meaning.py) and for words between them, the line that bisecting the list of all
    lines gives, and each sense's count as parsing cntlist.rev whole did; a small file of a few
    blocks, a license header and no last newline too."""

    from bisect import bisect_left

    from deliberation.grounding import wordnet_index

    def reference(lines: list[str], field: str) -> str | None:
        i = bisect_left(lines, field + " ")
        return lines[i] if i < len(lines) and lines[i].split(" ")[0] == field else None

    for name in ("adj", "adv", "noun", "verb", "small"):
        path = ROOT / f"index.{name}"
        if name == "small":  # made up: 300 lines of ~40 characters, blocks of 4,096 hold ~100 each
            path = tmp_path / "index.small"
            path.write_text("  a license line\n" + "\n".join(f"w{i:04d} n 1 0 1 0 {i:08d} padding padding"
                                                             for i in range(0, 600, 2)), encoding="utf-8")
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith(" ")]
        found = wordnet_index.SortedLines(path)
        assert list(found) == lines
        fields = [ln.split(" ")[0] for ln in lines]
        at = {f: i for i, f in enumerate(fields)}  # the blocks' edges, and the lines around them
        edges = [fields[j] for f in found._firsts for i in [at[f.split(" ")[0]]]
                 for j in range(max(i - 2, 0), min(i + 3, len(fields)))]
        probes = (fields[::13] + edges + [f[:-1] for f in fields[::29]] + [f + "a" for f in fields[::29]]
                  + ["", "~", "!", "w0001"])
        assert [found.first_of(p) for p in probes] == [reference(lines, p) for p in probes], name
    counts: dict[str, int] = {}
    for line in (ROOT / "cntlist.rev").read_text(encoding="utf-8").splitlines():
        key, _, rest = line.partition(" ")
        if rest:
            counts.setdefault(key, int(rest.rsplit(" ", 1)[-1]))
    assert len(counts) > 30_000
    assert all(wordnet_index.sense_count(ROOT, key) == n for key, n in list(counts.items())[::13])
    assert wordnet_index.sense_count(ROOT, "xqzt%1:00:00::") == 0


THESAURI = [Path("/usr/share/mythes/th_de_DE_v2"), SPANISH, Path("/usr/share/mythes/th_fr_FR_v2")]


@pytest.mark.parametrize("base", THESAURI, ids=lambda p: p.name)
def test_thesaurus_headwords_by_bisection_equal_the_parsed_index(base: Path) -> None:
    """A thesaurus index searched line by line (mythes.Headwords: what the guard's German look-ups
    and every entry read use) gives every 7th headword's offsets as the parsed index does, in its
    order, and knows no word the index does not have."""

    if not base.with_suffix(".idx").is_file():
        pytest.skip(f"{base}.idx is not installed (Debian: mythes-de, mythes-es, mythes-fr)")
    thesaurus = MyThes("test", "any", "mythes", "DELIBERATION_TEST_NO_SUCH_VARIABLE", str(base))
    parsed = thesaurus._parse_index(base.with_suffix(".idx"))
    headwords = thesaurus.headwords()
    assert len(parsed) > 10_000
    assert all(headwords.offsets(w) == offsets for w, offsets in list(parsed.items())[::7])
    others = [w + "x" for w in list(parsed)[::29]] + [w[:-1] for w in list(parsed)[::29]] + ["", "|", "6", "~"]
    assert [w in headwords for w in others] == [w in parsed for w in others]
    assert thesaurus.entry(next(iter(parsed)))  # an entry is read at the offsets found
