"""The layering contract: ui -> graphs -> deliberation, and deliberation/ imports neither LangGraph
nor Streamlit (import-linter, configured in pyproject.toml; imports inside functions count too);
the size limits: no source file over 600 lines, no function over 80, in those packages; and the
import rule: imports at module top, except a heavy library imported inside the function that needs
it, with a comment saying why (its measured cost), so that the entry points start without them."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    res = subprocess.run([str(lint), str(REPO / "pyproject.toml"), "--no-cache"], cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    print(res.stdout)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "3 kept, 0 broken" in res.stdout


#: the size limits of the developers' guide, for the three packages (tests and bench/ excepted)
MAX_FILE_LINES, MAX_FUNCTION_LINES = 600, 80
PACKAGES = ("deliberation", "graphs", "ui")


def _sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py"))


def test_no_source_file_over_600_lines_and_no_function_over_80():
    """A newcomer reads one module at a time: long files and functions are split by concern."""
    long_files, long_functions = [], []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(REPO)
        if text.count("\n") > MAX_FILE_LINES:
            long_files.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long_functions.append(f"{name}:{node.lineno} {node.name}: {size} lines")
    assert not long_files and not long_functions, long_files + long_functions


#: what the app's processes import first: the graph runner (CLI graph commands, the console's run),
#: both command lines and the pages' shared module
ENTRY_POINTS = ("graphs.runner", "graphs.cli", "deliberation.cli", "ui.common")
#: heavy libraries the entry points must not load: only the work that needs one imports it (each
#: lazy import names its cost; before/after in docs/bench_before_after.md). Not listed: lingua,
#: whose import is ~1 ms and whose models load on first use (deliberation/text/languages.py), and
#: sqlalchemy and numpy, which the store needs in every process.
NOT_AT_IMPORT = ("sklearn", "scipy", "pandas", "pyarrow", "abcvoting", "networkx", "torch", "transformers",
                 "sentence_transformers", "onnxruntime", "tokenizers", "tqdm", "chromadb", "nltk", "profanity_check",
                 "langchain_openai")


def test_entry_points_do_not_import_heavy_libraries():
    code = ("import importlib, json, sys\n"
            "loaded = {}\n"
            f"for name in {ENTRY_POINTS!r}:\n"
            "    importlib.import_module(name)\n"
            f"    loaded[name] = sorted(m for m in {NOT_AT_IMPORT!r} if m in sys.modules)\n"
            "print(json.dumps(loaded))\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert res.returncode == 0, res.stderr[-2000:]
    loaded = json.loads(res.stdout.strip().splitlines()[-1])
    # cumulative: each entry point's list includes what the ones before it loaded
    assert loaded == {name: [] for name in ENTRY_POINTS}, loaded


#: the comment that justifies an import inside a function, on its line or the lines just above it:
#: "# lazy: <what it costs>", an optional dependency, or an import cycle
JUSTIFIED = re.compile(r"#.*\b(lazy|optional|cycle)\b")


def _unjustified_imports(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = {}
    for fn in ast.walk(ast.parse(text)):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    found[node.lineno] = node
    bad = []
    for lineno, node in sorted(found.items()):
        said = lines[lineno - 1:node.end_lineno]
        above = lineno - 2
        # the comment may stand above, on a `try:` or on the first of a run of imports
        while above >= 0 and lines[above].strip().startswith(("#", "try:", "import ", "from ")):
            said.append(lines[above])
            above -= 1
        if not any(JUSTIFIED.search(line) for line in said):
            bad.append(f"{path.relative_to(REPO)}:{lineno}: {lines[lineno - 1].strip()}")
    return bad


def test_imports_inside_functions_say_why():
    """An import inside a function hides a dependency: each says why it is not at the module's top
    (``# lazy: scikit-learn takes ~0.8 s and ~120 MB to import``; an optional extra; a cycle)."""
    bad = [line for path in _sources() for line in _unjustified_imports(path)]
    assert not bad, "import these at the module's top, or say why not in a comment:\n" + "\n".join(bad)


def test_a_failure_in_the_pages_words_is_said_through_act():
    """``action(what, **failure_words(w))`` is ui.common.act(w, what): the pages spelled it out at
    nine places; one home keeps the failure's wording in the page's language everywhere."""
    bad = [f"{path.relative_to(REPO)}:{n}" for path in _sources() if path.parts[-2:] != ("ui", "common.py")
           for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "**failure_words(" in line]
    assert not bad, "use ui.common.act(words, what):\n" + "\n".join(bad)
