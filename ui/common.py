"""What every page shares: settings, cached stores, safe text, error handling, moderator sign-in.

Rules the pages follow:

- Statement text is data. It goes through :func:`esc` (every ASCII punctuation character is
  backslash-escaped, so no Markdown, HTML, LaTeX or Streamlit directive can form) or into
  ``st.text`` / ``st.dataframe``; it never goes into a widget label. So do error messages (they
  can quote input) and ids (imported ids can be any text).
- The built-in CSV download of tables is switched off (``client.disableDataExport``): it does not
  neutralise spreadsheet formulas. Our own CSV export (Polis format) does.
- Every action runs inside :func:`action`: a :class:`DeliberationError` is shown as its message,
  anything else as a plain sentence; the stack trace goes to the server log only.
- Moderator-only actions call :func:`require_moderator` first, which checks this browser's
  moderator session (made by signing in with the secret, stored hashed with an expiry) every time.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import re
import string
from pathlib import Path
from typing import Any

import streamlit as st

from deliberation.config import Settings, env_seconds
from deliberation.errors import DeliberationError, NotFoundError, in_words, storage_error
from deliberation.live_votes import LiveVotes
from deliberation.models import Consultation
from deliberation.services import consultation_model, embedder_for, vector_index
from deliberation.storage import Store
from deliberation.wording import audience_name
from ui.i18n import ENGLISH, MERGED_HEADINGS, Words, failure_words, headings_by_key

log = logging.getLogger("deliberation.ui")

#: How often the live board refreshes itself (seconds).
BOARD_REFRESH_SECONDS = env_seconds("DELIBERATION_BOARD_REFRESH", 3.0)

_PUNCT = set(string.punctuation)


# ---- settings and shared resources -------------------------------------------------------
def settings() -> Settings:
    """Settings from the environment (``DELIBERATION_DATA``), read on every run."""
    return Settings().ensure()


def cached_for(seconds: float, **options):
    """``st.cache_resource(ttl=seconds, **options)`` whose read never fails on an entry that
    expires while it is read. Streamlit's resource cache checks that an entry is there and fresh,
    then reads it and checks its age again; an entry that expires in between (a thread held up on a
    loaded server, its age reaching the ttl) raises a bare KeyError of the entry's hash, and the
    participant page said "Showing the statements failed: an unexpected problem: '215fd03…'"
    (tests/test_ui_load.py). A second read finds the entry gone and computes it anew. Only that
    KeyError is read again (see :func:`_expired_while_read`): one the function raises is its own
    and propagates, the function run once."""
    def decorate(fn):
        cached = st.cache_resource(ttl=seconds, **options)(fn)

        @functools.wraps(fn)
        def read(*args, **kwargs):
            try:
                return cached(*args, **kwargs)
            except KeyError as e:
                if not _expired_while_read(e, fn):
                    raise
                return cached(*args, **kwargs)

        read.clear = cached.clear
        return read
    return decorate


#: the package whose KeyError :func:`cached_for` reads again (an entry expired while read)
_STREAMLIT_CACHING = "streamlit.runtime.caching"


def _expired_while_read(error: KeyError, fn) -> bool:
    """Whether ``error`` is Streamlit's cache miss of an entry that expired while it was read: raised
    in Streamlit's caching code, not on the way out of ``fn`` (whose own KeyError passes through
    ``fn``'s frame)."""
    frames, tb = [], error.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    own_code = getattr(inspect.unwrap(fn), "__code__", None)
    return (bool(frames) and frames[-1].f_globals.get("__name__", "").startswith(_STREAMLIT_CACHING)
            and not any(f.f_code is own_code for f in frames))


@st.cache_resource(show_spinner=False)
def _store(data_dir: str, db_url: str):
    return Store(Settings(data_dir=Path(data_dir), database_url=db_url))


def store():
    s = settings()
    return _store(str(s.data_dir.resolve()), s.db_url)


@st.cache_resource(show_spinner=False, max_entries=64)
def _live_votes(data_dir: str, db_url: str, cid: int) -> LiveVotes:
    return LiveVotes(_store(data_dir, db_url), cid)


def room_votes(cid: int):
    """Everyone's current votes (participant, statement, vote), shared by every session and kept
    current from the new vote events only (deliberation/live_votes.py): the board, the projector
    and every participant page refresh themselves, and a room of 2,000 must not mean a read of
    every vote per page every few seconds. Callers must not change the frame."""
    s = settings()
    return _live_votes(str(s.data_dir.resolve()), s.db_url, cid).current()[0]


@st.cache_resource(show_spinner=False)
def _index(data_dir: str, chroma_url: str | None, model: str):
    return vector_index(Settings(data_dir=Path(data_dir), chroma_url=chroma_url), model)


def embedding_model(cid: int) -> str:
    """The consultation's embedding model (its stored choice; chosen and stored if none yet)."""
    return consultation_model(settings(), cid, store=store()).model


def index(cid: int):
    """The vector collection of the consultation's embedding model."""
    s = settings()
    return _index(str(s.data_dir.resolve()), s.chroma_url, embedding_model(cid))


@st.cache_resource(show_spinner=False)
def _embedder(data_dir: str, model: str):
    return embedder_for(Settings(data_dir=Path(data_dir)), model)


#: (data folder, model) of the embedders this process has loaded: the page says it waits for a load
#: only while one is loaded
_loaded_embedders: set[tuple[str, str]] = set()


def embedder(cid: int, words: Words = ENGLISH):
    """The embedder of the consultation's embedding model; while it is first loaded, the page says
    so in ``words`` (the page's language)."""
    key = (str(settings().data_dir.resolve()), embedding_model(cid))
    if key in _loaded_embedders:
        return _embedder(*key)
    with st.spinner(words("loading.model")):
        model = _embedder(*key)
    _loaded_embedders.add(key)
    return model


# ---- safe text ---------------------------------------------------------------------------
#: An invisible word joiner: breaks the patterns GFM turns into links after escapes are resolved.
WJ = "\u2060"
_AUTOLINK = re.compile(r"(?i)(https?|ftp|www)(?=\\?[:.])|(@)")


def _unlink(text: str) -> str:
    """Stop GFM's autolink literals (``http://…``, ``www.…``, ``name@host``): they work on the
    parsed text, so backslash escapes cannot stop them; a word joiner after ``http``/``www`` and
    after ``@`` does, and is invisible."""
    return _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + WJ, text)


def esc(text: Any) -> str:
    """Text as inert Markdown: whitespace collapsed, every ASCII punctuation mark escaped, autolinks
    broken by an invisible word joiner (:data:`WJ`)."""
    text = _unlink(" ".join(str(text).split()))
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in text)


def code(text: Any) -> str:
    """Text as an inline code span (nothing inside a code span is interpreted)."""
    text = " ".join(str(text).split()).replace("`", "'")
    return f"`{text}`" if text else ""


def quote(text: Any, prefix: str = "") -> None:
    """A statement's text, rendered as text (optionally after a bold, trusted prefix)."""
    st.markdown((f"**{prefix}** " if prefix else "") + esc(text))


def safe_markdown(md: str) -> str:
    """Markdown written by the report module, made inert where it could still form links,
    images, HTML, LaTeX or Streamlit directives (statement text in it is escaped already)."""
    md = md.replace("](", "]\\(").replace("![", "!\\[")
    md = re.sub(r"(?<!\\)<", r"\\<", md)
    md = re.sub(r"(?<!\\)\$", r"\\$", md)
    md = re.sub(r"(?<!\\)~", r"\\~", md)
    md = re.sub(r"(?<!\\):(?=[A-Za-z_/])", r"\\:", md)
    md = re.sub(r"(?<!\\)&", r"\\&", md)  # no HTML entities
    return _unlink(md)  # no autolinks


# ---- errors ------------------------------------------------------------------------------
def _is_control_flow(e: BaseException) -> bool:
    """Streamlit's rerun/stop signals must pass through our handlers."""
    return type(e).__name__ in {"RerunException", "StopException", "ScriptControlException"}


@contextlib.contextmanager
def action(what: str, failed: str = "{what} failed: {reason}", unexpected: str | None = None,
           lang: str | None = None):
    """Run a user action; show failures as a message, never as a stack trace. ``failed``: the
    message's words (``{what}``, ``{reason}``); ``unexpected``: the reason given for an error that
    is not a DeliberationError (default :func:`plain_error`; pages in another language say it in theirs);
    ``lang``: the page's language, a DeliberationError's message said in it (deliberation.errors.in_words)."""
    try:
        yield
    except DeliberationError as e:
        # messages can quote input (a typed code, a CSV cell, a file name): shown as text
        st.error(esc(failed.format(what=what, reason=in_words(e, lang))))
    except Exception as e:  # noqa: BLE001 - shown as a message, logged with its trace
        if _is_control_flow(e):
            raise
        log.exception("%s failed", what)
        st.error(esc(failed.format(what=what, reason=unexpected_words(e, lang, unexpected))))


def unexpected_words(e: BaseException, lang: str | None = None, unexpected: str | None = None) -> str:
    """Why an action failed with an error that is not a DeliberationError, in ``lang`` (None:
    English): a full or read-only disk said as such (the UI's one home of which exceptions are disk
    errors: deliberation.errors.storage_error, said by deliberation.errors.in_words), anything else
    as ``unexpected`` (default: its kind, in English)."""
    mapped = storage_error(e, Settings().data_dir)
    if mapped is not None:
        return in_words(mapped, lang)
    if unexpected:
        return unexpected
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    kind = {"FileNotFoundError": "a file was not found", "PermissionError": "permission denied",
            "UnicodeDecodeError": "the file is not UTF-8 text", "TimeoutError": "it took too long",
            "ConnectionError": "a server could not be reached", "ModuleNotFoundError": "a part of the "
            "program is missing on this server"}.get(type(e).__name__, "an unexpected problem")
    return f"{kind}{': ' + msg[:300] if msg else ''}. Details are in the server log."


def act(words: Words, what: str):
    """:func:`action` that says a failure in the words' language (``what``: already in it)."""
    return action(what, **failure_words(words))


def unexpected_in(e: BaseException, words: Words) -> str:
    """:func:`unexpected_words` in ``words``' language: English names the error's kind and message
    (:func:`plain_error`), another language says ``doing.unexpected`` (a disk error as such in each)."""
    said = failure_words(words)
    return unexpected_words(e, said.get("lang"), said.get("unexpected"))


def error_in(e: BaseException, words: Words) -> str:
    """Why something failed, in ``words``' language: a DeliberationError's own message said in it
    (deliberation.errors.in_words), any other error as :func:`unexpected_in` says it."""
    return in_words(e, words.lang) if isinstance(e, DeliberationError) else unexpected_in(e, words)


def plain_error(e: BaseException) -> str:
    """Why an action failed, in English (:func:`unexpected_words`): a full or read-only disk said plainly."""
    return unexpected_words(e)


# ---- consultations -----------------------------------------------------------------------
def find_consultation(code: str) -> Consultation | None:
    """A consultation by its join code only (participants cannot guess ids)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    try:
        c = store().get_consultation(code)
    except NotFoundError:
        return None
    return c if c.code == code else None


def session_consultation() -> Consultation | None:
    """The consultation this browser session is about, for words drawn before its page knows it (the
    navigation's page names, ui/app.py; the report's language, the start page's): the room in the address
    (``?code=``, remembered as the one this session last opened), else the one this session last opened
    (a moderator or participant reaching a page by the sidebar), else the one a moderator's
    ``?session=`` signs in to (the console after a reload or a server restart: its sidebar was in
    English under a German console)."""
    address = st.query_params.get("code", "")
    if address:
        c = find_consultation(address)
        if c is not None:  # a join link's page (/participate?code=…) left by the sidebar, whose links
            st.session_state["current_code"] = c.code  # carry no code, gave English pages in a German room
        return c
    code = st.session_state.get("current_code", "")
    if code:
        return find_consultation(code)
    token = st.query_params.get(MODERATOR_SESSION_PARAM)
    cid = store().moderator_session(token) if token else None
    return store().get_consultation(cid) if cid is not None else None


def consultation_from_query(label: str | None = None, key: str = "code", words: Words = ENGLISH) -> Consultation | None:
    """Pick a consultation by code: from ``?code=`` in the address, the session, or typed in. The
    box's label (unless ``label`` is given), its example and its error are said in ``words``, the
    page's language (ui.i18n ``join.*``; English when the page has none).

    What names a consultation this page has not shown yet wins, the address first: a link followed
    in the same browser session (the participant page's "Read the report" of room B, to a
    moderator signed in to room A) opens on B, and a moderator who signs in (or a participant who
    joins) since the page last showed one opens on theirs. Otherwise the box keeps what was typed:
    a code the box was set to once (an address naming no consultation, too) is not set again, so
    another code can be typed over it. Which consultation is shown grants nothing: moderator views
    and participant identities are per consultation (:func:`moderator_token`, the participant
    page's own sign-in)."""
    box = f"{key}-input"
    shown_key, offered_key = f"{box}:shown", f"{box}:offered"
    address = (st.query_params.get("code") or "").strip().upper()
    session = st.session_state.get("current_code") or ""
    shown, offered = st.session_state.get(shown_key), st.session_state.get(offered_key, ())
    fresh = [c for c in (address, session) if c and c != shown and c not in offered]
    st.session_state[offered_key] = (address, session)
    if fresh:
        st.session_state[box] = fresh[0]
    elif box not in st.session_state:
        st.session_state[box] = address or session
    code = st.text_input(label or words("join.code_label"), key=box, max_chars=12,
                         placeholder=words("join.code_placeholder")).strip().upper()
    if not code:
        return None
    c = find_consultation(code)
    if c is None:
        st.error(words("join.unknown_code"))
        return None
    st.session_state["current_code"] = st.session_state[shown_key] = c.code
    if st.query_params.get("code") != c.code:
        st.query_params["code"] = c.code
    return c


# ---- moderator sign-in -------------------------------------------------------------------
# Signing in with the secret makes a moderator session (Store.create_moderator_session): a random
# token kept in this browser session and in the console's address (``?session=``), so a reload
# keeps the moderator signed in; the store holds only its SHA-256 hash, with an expiry
# (MODERATOR_SESSION_HOURS); signing out deletes it. The secret itself is never kept.
MODERATOR_SESSION_PARAM = "session"


def moderator_token(cid: int) -> str | None:
    return (st.session_state.get("moderator") or {}).get(str(cid))


def require_moderator(cid: int) -> None:
    """Raise AccessDenied unless this browser holds a live moderator session for the consultation
    (checked against the store on every call)."""
    store().require_moderator_session(cid, moderator_token(cid))


def sign_in(cid: int, secret: str) -> str:
    """Check the secret and start a moderator session for this browser; returns its token."""
    token = store().create_moderator_session(cid, secret)
    _moderating(cid, token)
    return token


def restore_moderator() -> int | None:
    """The consultation a ``?session=`` token in the address signs in to (after a reload), or None."""
    token = st.query_params.get(MODERATOR_SESSION_PARAM)
    cid = store().moderator_session(token) if token else None
    if cid is not None:
        _moderating(cid, token)
    return cid


def _moderating(cid: int, token: str) -> None:
    """Keep the moderator session's token, and its consultation as the one the board and the report
    open on: reached by the sidebar (no code in the address), they asked the moderator for the code
    and showed the report without the moderator's part."""
    st.session_state.setdefault("moderator", {})[str(cid)] = token
    st.session_state["current_code"] = store().get_consultation(cid).code


def sign_out(cid: int) -> None:
    token = (st.session_state.get("moderator") or {}).pop(str(cid), None)
    with contextlib.suppress(Exception):
        store().end_moderator_session(token)
    st.query_params.pop(MODERATOR_SESSION_PARAM, None)


# ---- graph -------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _graph(data_dir: str, db_url: str):
    """The compiled graph for reading state (start/resume compile their own)."""
    from graphs.facilitation import compile_graph  # lazy: graphs (LangGraph) add ~0.7 s, ~40 MB; the home page needs none

    return compile_graph(Settings(data_dir=Path(data_dir), database_url=db_url))


def graph_status(cid: int, quiet: bool = False):
    """The graph's state for this consultation. ``quiet``: an empty status if the graph cannot load
    (pages for participants and the projector go on without it)."""
    from graphs import runner  # lazy: graphs (LangGraph) add ~0.7 s, ~40 MB; the home page needs none

    s = settings()
    try:
        return runner.status(s, cid, _graph(str(s.data_dir.resolve()), s.db_url))
    except Exception:
        if not quiet:
            raise
        log.exception("graph state unavailable")
        return runner.Status(next=(), waiting=None, values={})


def current_published(values: dict) -> list[dict]:
    """The drafts participants vote on now (the graph's one rule, graphs.runner.published_now)."""
    from graphs.runner import published_now  # lazy: graphs (LangGraph) add ~0.7 s, ~40 MB; the home page needs none

    return published_now(values)


def ballot_slate(values: dict) -> list[dict]:
    """The ballot items as they stand, for the board and the projector: the last version of every
    draft put to the vote. After a revision round they showed only its redrafts (one item, where the
    room had voted on six), and the common ground the room had agreed on was gone from the screen.
    The latest round's items come first (the projector shows the first few)."""
    items = values.get("published") or []
    latest = {k: p for p in items for k in [p["key"], *(p.get("also") or [])]}
    standing = [_standing_for(p, [k for k in [p["key"], *(p.get("also") or [])] if latest[k] is p]) for p in items]
    return sorted([p for p in standing if p], key=lambda p: -int(p.get("round") or 0))


def _standing_for(p: dict, keys: list[str]) -> dict | None:
    """A ballot item as it stands for ``keys`` only, the drafts no later version replaced (None: none):
    an item that stood for two drafts (same words) of which a revision replaced one kept its
    heading, and the board showed two items called "Common ground 1"."""
    if not keys or keys == [p["key"], *(p.get("also") or [])]:
        return p if keys else None
    by_key = headings_by_key(p)
    heading = MERGED_HEADINGS.join(h for k, h in by_key if k in keys) if len(by_key) > 1 else p.get("heading")
    return {**p, "key": keys[0], "also": keys[1:], "heading": heading}


# ---- voting on the published drafts: the window lives in the store ----------------------
def voting_state(cid: int, published_ids: list[str]) -> str:
    """``"not opened"``, ``"open"`` or ``"closed"`` for exactly these published drafts (read from
    the store, which also enforces it on every vote)."""
    if not published_ids:
        return "not opened"
    w = store().voting_window(cid, published_ids)
    return w.state if w is not None else "not opened"


def voting_open(cid: int, published_ids: list[str]) -> bool:
    """Voting is open when the moderator opened it for exactly these published drafts."""
    return voting_state(cid, published_ids) == "open"


# ---- tabs the server opens ---------------------------------------------------------------
def switchable_tabs(labels: list[str], key: str):
    """``st.tabs`` that know the open tab (``tab.open``: only its content needs to run) and that
    the page can move to another tab itself (:func:`switch_tab`). ``st.session_state[key]`` is the
    open tab until the first switch.

    Why not set ``st.session_state[key]``: the browser keeps the open tab's label as the tabs'
    value and sends it with every click. It takes a label set by the server over when it redraws
    the same tabs, but not when it draws them anew, which it does when a message shown above the
    tabs reaches it before them (on a loaded server; tests/room_steps.py makes it happen every
    time). Its next click then carried the old label: the console jumped back to the tab the
    moderator had left, and the click (on "Open voting") was lost with the tab it was made in. A
    switch therefore makes new tabs (a new key) that open on the tab asked for: the browser has
    no value of theirs to send until its user picks a tab."""
    switches = st.session_state.get(f"{key}:switches", 0)
    return st.tabs(labels, key=key if not switches else f"{key}-{switches}",
                   default=st.session_state.get(f"{key}:open"), on_change="rerun")


def switch_tab(key: str, label: str) -> None:
    """Open the tab ``label`` of :func:`switchable_tabs` ``key`` from the next run on (call it before
    ``st.rerun()``)."""
    st.session_state[f"{key}:switches"] = st.session_state.get(f"{key}:switches", 0) + 1
    st.session_state[f"{key}:open"] = label


# ---- small UI pieces ---------------------------------------------------------------------
def group_name(key: str, words: Words = ENGLISH, topics: dict | None = None) -> str:
    """'all' / 'group:1' / 'topic:3' in words ("everyone", "group B", "the topic “parking · shops”";
    in the words' language): the domain's one naming of audiences, deliberation.wording.audience_name.
    ``topics``: topic id -> label (deliberation.report.topic_names), to name a topic by its label as
    the report does; without it a topic is "topic 3"."""
    return audience_name(key, topics, lang=words.lang)


def page_header(title: str, caption: str | None = None) -> None:
    st.title(title)
    if caption:
        st.caption(caption)
