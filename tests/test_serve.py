"""ui/serve.py, the app's server process: which modules it imports before serving, and that a process
the launcher never tells to serve ends without serving. The launcher's own use of it (started first,
told ``go`` after the vector store's server) runs in tests/test_restart_launch.py and
tests/test_launch_lan.py; the first page after a restart is measured by bench/bench_restart_pages.py."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

from conftest import REPO
from deliberation.processes import free_port, http_ok
from ui import serve
from ui.launch import streamlit_args


def test_page_imports_are_the_pages_top_level_imports():
    names = serve.page_imports()
    assert names[:3] == ["importlib", "sys", "pathlib"] and names.index("ui.common") < names.index("ui.run_console")
    # `from ui import run_console` names the module, not only the package
    assert {"ui.run_console", "ui.console_live", "ui.opinion_map", "ui.review_cards"} <= set(names)
    for script in serve.SCRIPTS:
        tree = ast.parse((REPO / "ui" / script).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                assert node.module in names, (script, node.module)
    importlib.import_module("ui.common")  # for its side effect: ui.common is now in sys.modules

    assert "ui.common" not in serve.unloaded("views/home.py")


def test_an_app_never_told_to_serve_ends_without_serving():
    port = free_port()
    args = streamlit_args(port, after_go=True)
    assert args[1:3] == [str(REPO / "ui" / "serve.py"), serve.AFTER_GO]
    proc = subprocess.run(args, cwd=REPO, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "You can now view" not in proc.stdout and not http_ok(f"http://127.0.0.1:{port}/_stcore/health", 1)
    assert sys.executable == args[0]
