"""Word lists as data (deliberation/text/wordlists.py): one TOML file per language, each list named and
commented, merged English first; the files ship with the package."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import pytest

from deliberation.text.wordlists import WordLists

REPO = Path(__file__).resolve().parents[1]
DATA_DIRS = [REPO / "deliberation" / d / "data" for d in ("grounding", "text", "safety")]


def test_adding_a_language_is_adding_a_file(tmp_path: Path) -> None:
    (tmp_path / "de.toml").write_text("negators = ['nicht']\n[number_words]\nzwei = 2\n", encoding="utf-8")
    (tmp_path / "en.toml").write_text("negators = ['not', 'never']\n[claims]\nall = ['every\\s+one']\n", encoding="utf-8")
    (tmp_path / "xx.toml").write_text("negators = ['nix']\n[number_words]\nduo = 2\n", encoding="utf-8")
    lists = WordLists(tmp_path)

    assert lists.languages == ("en", "de", "xx")  # English first, then by name
    assert lists.entries("negators") == ["not", "never", "nicht", "nix"]
    assert lists.entries("negators", "de") == ["nicht"]
    assert lists.entries("claims.all") == ["every\\s+one"]
    assert lists.table("number_words") == {"zwei": 2, "duo": 2}
    assert lists.word_pattern("negators").match("NIX") and not lists.word_pattern("negators").match("nothing")
    assert lists.phrase_pattern("claims.all").search("Every  one agrees")
    # a list no language fills matches nothing, and a language without a file has no lists
    assert not lists.phrase_pattern("no_such_list").search("anything at all")
    assert lists.entries("negators", "fr") == [] and lists.load("fr") == {}
    # a folder without word lists is an error that names it, not a guard that passes everything
    with pytest.raises(FileNotFoundError, match="no word lists"):
        WordLists(tmp_path / "missing")


def test_every_list_in_the_data_files_is_named_and_commented() -> None:
    files = [p for d in DATA_DIRS for p in sorted(d.glob("*.toml"))]
    assert {p.stem for p in files} >= {"en", "de", "zh"}
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert tomllib.loads("\n".join(lines)).get("language") == path.stem, path
        in_table = False
        for n, line in enumerate(lines):
            header = re.match(r"^\[([^\]]+)\]", line)
            top_key = not in_table and re.match(r"^(\w+) = ", line)
            if header:
                in_table = True
            if (header and "." not in header.group(1)) or (top_key and top_key.group(1) != "language"):
                previous = next(x for x in reversed(lines[:n]) if x.strip())
                assert previous.startswith("#"), f"{path.name}:{n + 1}: '{line[:40]}' has no comment saying what it is for"


def test_the_data_files_ship_with_the_package() -> None:
    """Every file under deliberation/ that is not Python is package data in pyproject.toml (a wheel
    without them could not import the guard)."""

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["deliberation"]
    package = REPO / "deliberation"
    data = [p.relative_to(package).as_posix() for p in package.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert data, "no data files found"
    assert [f for f in data if not any(fnmatch.fnmatch(f, pat) for pat in patterns)] == []


def test_safety_patterns_fill_their_word_slots_from_the_data_files() -> None:
    """deliberation/safety keeps the grammar of its patterns and names their word lists ('{list}');
    a quantifier stays, a list no file has is an error, and every list of its files is used."""

    from deliberation.safety.lexicon import DATA_DIR, fill

    filled = fill(r"\b{ignore_instructions.verbs}\s+x{2,}", "de")
    assert filled.startswith(r"\b(?:ignorier\w*|vergiss|") and filled.endswith(r"\s+x{2,}")
    assert fill("{markdown_headings}", "en", "de").endswith("|task|anweisung)")  # merged in the given order
    with pytest.raises(KeyError, match="no_such_list"):
        fill("{no_such_list}", "en")

    source = "\n".join(p.read_text(encoding="utf-8") for p in DATA_DIR.parent.glob("*.py"))

    def keys(table: dict, prefix: str = "") -> list[str]:
        return [k for name, v in table.items()
                for k in (keys(v, f"{prefix}{name}.") if isinstance(v, dict) else [prefix + name])]

    for path in sorted(DATA_DIR.glob("*.toml")):
        unused = [k for k in keys(tomllib.loads(path.read_text(encoding="utf-8")))
                  if k != "language" and "{" + k + "}" not in source and f'"{k}"' not in source]
        assert unused == [], f"{path.name}: lists no pattern uses"


def test_the_guards_stop_words_are_read_in_one_place() -> None:
    """The guard's function words have one home, grounding/lexicon.py's ``STOP_WORDS``: patterns.py
    read the same list again into a set of its own (issue 14, "one home for each idea"), so a list
    changed or lower-cased in one place was not in the other."""
    from deliberation.grounding import entities, lexicon, patterns, text

    assert patterns._STOP is lexicon.STOP_WORDS and text._STOP is lexicon.STOP_WORDS
    assert entities._STOP is lexicon.STOP_WORDS
    assert all(w == w.lower() for w in lexicon.STOP_WORDS)
    readers = [p.name for p in (REPO / "deliberation" / "grounding").glob("*.py")
               if re.search(r"""entries\(\s*["']stop_words["']""", p.read_text(encoding="utf-8"))]
    assert readers == ["lexicon.py"], readers
