"""The prompt-injection statements of tests/data, read one way for every test that uses them
(test_llm_drafter, test_injection_graph)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
#: the first set (direct orders, fake roles, chat-template tokens, data-block closings, ...)
INJECTIONS_FILE = DATA / "injections.txt"
#: more styles (other languages, encodings, Unicode obfuscation, fake approvals, padding, ...)
INJECTIONS_EXTRA_FILE = DATA / "injections_extra.txt"


def load_injections(*paths: Path) -> list[str]:
    """The statements of ``paths`` (default: the first set), in order: one a line, the two
    characters \\n standing for a newline. A comment line starts with "# " (or is a lone "#"), so a
    statement may itself start with "#" ("### Instruction: ...", a Markdown-style injection)."""
    out: list[str] = []
    for path in paths or (INJECTIONS_FILE,):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not (line.startswith("# ") or line.strip() == "#"):
                out.append(line.replace("\\n", "\n"))
    return out
