"""The layering contract: ui -> graphs -> deliberation, and deliberation/ imports neither LangGraph
nor Streamlit (import-linter, configured in pyproject.toml; imports inside functions count too);
and the size limits: no source file over 600 lines, no function over 80, in those packages."""

from __future__ import annotations

import ast
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
