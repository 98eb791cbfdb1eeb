"""The Streamlit app: moderator console, participant page, live board, report.

Start with ``python -m ui.launch`` (imports the sample consultation, prints the address, the join
code and the moderator secret) or directly::

    streamlit run ui/app.py --server.address 127.0.0.1 --server.headless true

The data directory is ``$DELIBERATION_DATA`` (default ``./data``).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

# `streamlit run ui/app.py` puts ui/ on sys.path, not the repository: make `ui.*` importable.
_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from ui.late_press import install  # noqa: E402
from ui.serve import loading, unloaded  # noqa: E402  (the standard library only: no wait)

install()  # done by ui/serve.py before serving; here too for a bare `streamlit run ui/app.py`

st.set_page_config(page_title="Deliberation", page_icon=":material/forum:", layout="centered",
                   initial_sidebar_state="auto")
# a first run after a restart, what the pages need still being imported (seconds: ui/serve.py): a line
# saying so until the page draws, instead of a blank page
_loading = st.empty() if unloaded("app.py") else None
if _loading is not None:
    _loading.caption(loading())

from ui.common import _is_control_flow, esc, log, session_consultation, unexpected_in  # noqa: E402
from ui.i18n import declare_language, words_of  # noqa: E402

_VIEWS = Path(__file__).parent / "views"
# the pages' names in the language of this session's room (or of this session's choice)
w = words_of(session_consultation)
_SCRIPTS = {"start": "home.py", "participate": "participant.py", "board": "board.py", "report": "report.py",
            "moderator": "moderator.py"}
pages = [
    st.Page(_VIEWS / _SCRIPTS["start"], title=w("nav.start"), icon=":material/home:", url_path="start", default=True),
    st.Page(_VIEWS / _SCRIPTS["participate"], title=w("nav.take_part"), icon=":material/how_to_vote:",
            url_path="participate"),
    st.Page(_VIEWS / _SCRIPTS["board"], title=w("nav.board"), icon=":material/monitoring:", url_path="board"),
    st.Page(_VIEWS / _SCRIPTS["report"], title=w("nav.report"), icon=":material/description:", url_path="report"),
    st.Page(_VIEWS / _SCRIPTS["moderator"], title=w("console.title"), icon=":material/admin_panel_settings:",
            url_path="moderator"),
]
# the projector view (/board?code=C&view=projector) is one screen: no navigation, the full width
projector = st.query_params.get("view") == "projector"
page = st.navigation(pages, position="hidden" if projector else "sidebar")
# the browser tab names the app in the language of the sidebar's page names ("Beteiligung")
st.set_page_config(page_title=w("home.title"), layout="wide" if page.url_path == "board" else "centered")
declare_language(w)  # <html lang>: the language the page is drawn in, not Streamlit's "en"
try:
    # the page's own modules too (the default page's path is "")
    if missing := unloaded(f"views/{_SCRIPTS[page.url_path or 'start']}"):
        _loading = _loading or st.empty()
        _loading.caption(w("loading.page"))  # the page's language is known by now
    for name in missing:
        importlib.import_module(name)
    if _loading is not None:
        _loading.empty()
    page.run()
except Exception as e:  # noqa: BLE001 - a last guard: a message, never a stack trace
    if _is_control_flow(e):
        raise
    log.exception("page %s failed", page.title)
    st.error(esc(w("doing.page_failed", reason=unexpected_in(e, w))))
