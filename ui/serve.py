"""The app's server process: ``streamlit run``, which can start importing what the pages import before it serves.

    python ui/serve.py [--after-go] run ui/app.py --server.port 8501 ...   (ui.launch.streamlit_args)

Streamlit imports a page's modules in the first script run that needs them, so after a restart the
first page of each kind stayed blank for seconds while that run imported them (ui.common with
deliberation.services, pandas, scipy, Altair; LangGraph for the console; the figures: README and
bench/bench_restart_pages.py).

With ``--after-go`` (the launcher's, ``make run``) the process starts importing what every page
needs (Streamlit's web server, app.py's modules: ui.common, ui.i18n) as soon as it starts, in a
thread, and waits for a line ``go`` on its standard input: the launcher starts it first and says go
once the vector store's server is up and the sample checked, so those imports overlap those steps
(the Chroma server is a process of its own). It serves at once then. Only those: importing every
page's modules too (LangGraph for the console, scipy, pandas) took CPU the first page did not need,
and on a loaded machine the server answered later (bench/bench_restart_pages.py). A first run that finds what it needs not
imported yet shows :func:`loading` until its page draws (ui/app.py), not a blank page. Standard
input closed without ``go`` (the launcher stopped before serving) or Ctrl-C meanwhile: it ends,
serving nothing. A module that fails to import here is left to the page that needs it, which says
why (the server log has the trace). Without ``--after-go`` (the tests' servers) it is ``streamlit
run``, with the same :func:`loading` line on first runs.
"""

from __future__ import annotations

import ast
import functools
import importlib
import logging
import os
import sys
import threading
import time
from pathlib import Path

UI = Path(__file__).resolve().parent
log = logging.getLogger("deliberation.ui")

#: The app's scripts, app.py (every page runs it) first: :func:`unloaded` reads what each imports.
SCRIPTS = ("app.py", "views/home.py", "views/participant.py", "views/board.py", "views/report.py",
           "views/moderator.py")
#: Streamlit's own modules that ``streamlit run`` imports when it starts serving (its web server).
SERVER_MODULES = ("streamlit.web.bootstrap", "streamlit.web.server")
#: The first argument that makes this process wait for the launcher's ``go`` (removed before Streamlit reads them).
AFTER_GO = "--after-go"
#: The line the launcher writes when the app may serve.
GO = "go"
#: What joins the languages of :func:`loading`'s line.
LOADING_JOIN = " · "


@functools.lru_cache(maxsize=1)
def loading() -> str:
    """Shown while a page's first run after a restart imports its modules, before the room's language
    is known (that needs them too): ``loading.page`` of ui/messages in each language the app speaks,
    English first (deliberation.words: the standard library only, as this module)."""
    # lazy: app.py imports this module first thing, to show the line at once; the language files are
    # read when a page first shows it
    from deliberation.words import LANGUAGES, load

    return LOADING_JOIN.join(load("ui", lang)["loading.page"] for lang in LANGUAGES)


@functools.lru_cache(maxsize=None)
def page_imports(scripts: tuple[str, ...] = SCRIPTS) -> list[str]:
    """The modules the scripts import at their top level (``import X``, ``from X import Y``, and
    ``from P import M`` with M a module of the package P), in script order, each once (read once
    per process: a page's every run asks, :func:`unloaded`)."""
    names: list[str] = []
    for script in scripts:
        for node in ast.parse((UI / script).read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module != "__future__":
                names.append(node.module)
                names += [f"{node.module}.{alias.name}" for alias in node.names
                          if (UI.parent / node.module.replace(".", "/") / f"{alias.name}.py").exists()]
    return list(dict.fromkeys(names))


def warm(names: list[str] | None = None) -> float:
    """Import ``names`` (default: :data:`SERVER_MODULES` and app.py's modules, what every first page
    needs, not one page's own); returns the seconds it took."""
    t0 = time.perf_counter()
    for name in [*SERVER_MODULES, *page_imports(SCRIPTS[:1])] if names is None else names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the page importing it reports it to its user
            log.exception("importing the app's modules: %s failed (the page that needs it will say so)", name)
    return time.perf_counter() - t0


def wait_for_go(stream=None) -> bool:
    """Start importing what every page needs (:func:`warm`, a thread of its own) and wait for the
    launcher's ``go``: True once it came; False when the launcher closed standard input without it
    or Ctrl-C came."""
    threading.Thread(target=warm, name="import-app-modules", daemon=True).start()
    try:
        return (stream or sys.stdin).readline().strip() == GO
    except KeyboardInterrupt:
        return False


def unloaded(script: str) -> list[str]:
    """The modules ``script`` (a path under ui/) imports at its top level that are not imported yet
    (or are being imported right now, in another thread)."""
    def ready(name: str) -> bool:
        module = sys.modules.get(name)
        return module is not None and not getattr(getattr(module, "__spec__", None), "_initializing", False)

    return [name for name in page_imports((script,)) if not ready(name)]


def main() -> int:
    if sys.argv[1:2] == [AFTER_GO]:
        del sys.argv[1]
        if not wait_for_go():
            # not told to serve: end now, without finalising under the importing thread
            sys.stdout.flush()
            os._exit(0)
    from streamlit.web import cli  # lazy: a process never told to serve ends without importing it

    from ui.late_press import install  # lazy as cli: Streamlit's runtime, imported only to serve

    install()  # a press on a page drawn before a restart is kept, not dropped (ui/late_press.py)
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    # run as a script (the launcher's command line names this file, so the app is this checkout's), which
    # puts ui/ on sys.path, not the repository: make `ui.*` and `deliberation.*` importable, as ui/app.py does
    if str(UI.parent) not in sys.path:
        sys.path.insert(0, str(UI.parent))
    sys.exit(main())
