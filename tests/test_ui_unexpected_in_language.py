"""A failure the code did not foresee, said in the page's language: the console's seed form and its
room-language menu, the live board's opinion map and the start page said it in English on a German,
French or Spanish page ("an unexpected problem: division by zero. Details are in the server log."), and
a page's first run after a restart said "Loading…" in four languages once its own was known. Each is
said through ui/messages now (ui.common.error_in / unexpected_in, ``loading.page``). Run in-process
with streamlit.testing (AppTest) on a room made for each test; the failure is a ZeroDivisionError raised
where the real call would have failed."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from deliberation.config import Settings  # noqa: E402
from deliberation.storage import Store  # noqa: E402
from deliberation.words import LANGUAGES  # noqa: E402
from ui.i18n import ROOM_LANGUAGE_SETTING, Words  # noqa: E402
from ui_helpers import app, console_sign_in, texts, unescape  # noqa: E402

SECRET = "unexpected-words-secret-1"
#: what a German page says of an error it did not foresee (ui/messages/de.toml's doing.unexpected)
GERMAN = "ein unerwartetes Problem. Einzelheiten stehen im Protokoll des Servers."
ENGLISH = ("an unexpected problem", "division by zero", "Details are in the server log")


def _boom(*_args, **_kwargs):
    raise ZeroDivisionError("division by zero")


def _room(tmp_path, monkeypatch, lang: str):
    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings)
    c, _ = store.create_consultation("Was soll aus der Hafenstraße werden?", secret=SECRET)
    store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: lang})
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    return store, c


def _said(at) -> str:
    return "\n".join(unescape(e.value) for e in [*at.error, *at.warning, *at.success]).replace("\u00a0", " ")


def test_the_consoles_seed_form_and_language_menu_say_an_unforeseen_failure_in_the_consoles_language(
        tmp_path, monkeypatch):
    import ui.room_language
    import ui.seed_form

    store, c = _room(tmp_path, monkeypatch, "de")
    monkeypatch.setattr(ui.seed_form, "add_seeds", _boom)
    at = app("moderator")
    at.query_params["code"] = c.code
    at.run()
    console_sign_in(at, c.code, SECRET, "Öffnen")
    assert not at.exception, [e.value for e in at.exception]
    at.text_area(key="mod-seed-text").input("Mehr Bänke am Hafen.")
    at.button(key="mod-seed-add").click().run()
    said = _said(at)
    assert f"Nichts wurde gespeichert: {GERMAN}" in said, said
    assert not [e for e in ENGLISH if e in said], said
    assert store.statements(c.id) == []

    monkeypatch.setattr(ui.room_language, "store", _boom)
    at.selectbox(key=f"mod-room-language-{c.id}-de").set_value("fr").run()
    said = _said(at)
    assert f"Die Sprache wurde nicht geändert: {GERMAN}" in said, said
    assert not [e for e in ENGLISH if e in said], said
    assert store.get_consultation(c.id).settings[ROOM_LANGUAGE_SETTING] == "de"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_boards_opinion_map_says_why_it_failed_in_the_boards_language(tmp_path, monkeypatch, lang):
    import ui.opinion_map

    _store, c = _room(tmp_path, monkeypatch, lang)
    monkeypatch.setattr(ui.opinion_map, "analyze_source", _boom)
    at = app("board")
    at.query_params["code"] = c.code
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    page = unescape(texts(at)).replace("\u00a0", " ")
    reason = GERMAN if lang == "de" else "an unexpected problem: division by zero. Details are in the server log."
    assert Words(lang)("map.failed", error=reason) in page, page
    if lang != "en":
        assert not [e for e in ENGLISH if e in page], page


def test_the_start_page_says_its_own_failure_in_the_rooms_language(tmp_path, monkeypatch):
    import ui.i18n

    _store, c = _room(tmp_path, monkeypatch, "de")
    # the start page's links fail, after its words are known (the page imports it anew each run)
    monkeypatch.setattr(ui.i18n, "language_param", _boom)
    at = app("home")
    at.query_params["code"] = c.code
    at.run()
    said = _said(at)
    assert said == f"Das Anzeigen der Startseite ist fehlgeschlagen: {GERMAN}", said


def test_a_first_run_still_importing_says_loading_in_the_pages_language_once_it_is_known(tmp_path, monkeypatch):
    """ui/app.py shows a line while a first run after a restart imports what the page needs: before
    the room's language is known, in every language (ui.serve.loading, from the language files);
    once it is, in the page's own. A page module that cannot be imported leaves the line on the page
    (here a German board whose ui.opinion_map is missing), which shows which one it said."""
    import sys

    import ui.serve

    assert ui.serve.loading() == " · ".join(Words(lang)("loading.page") for lang in LANGUAGES)
    assert ui.serve.loading().startswith("Loading…") and "Wird geladen" in ui.serve.loading()
    _store, c = _room(tmp_path, monkeypatch, "de")
    monkeypatch.setitem(sys.modules, "ui.opinion_map", None)  # `import ui.opinion_map` fails as a missing one
    monkeypatch.setattr(ui.serve, "unloaded", lambda script: [] if script == "app.py" else ["ui.opinion_map"])
    at = app("board")
    at.query_params["code"] = c.code
    at.run()
    assert [e.value for e in at.caption] == ["Wird geladen …"], [e.value for e in at.caption]
    assert _said(at).startswith("Diese Seite konnte nicht angezeigt werden"), _said(at)


def _run_failing(cid: int, lang: str) -> None:
    """The console's run of a room in this process (ui.run_console.run_with_progress: the graph's run
    where it cannot go to a process of its own) failing in its first step with an error nobody foresaw,
    then the Facilitation tab's section of a stopped run (ui.run_console.stopped_run) drawn for it."""
    import streamlit as st

    from graphs import runner
    from ui import common, run_console
    from ui.i18n import CONSOLE_LANGUAGE_KEY, console_words

    def boom(_on_update):
        raise ZeroDivisionError("division by zero")

    st.session_state[CONSOLE_LANGUAGE_KEY] = lang
    w = console_words()
    with common.act(w, w("run.retrying")):
        run_console.run_with_progress(w("run.retrying_label"), boom, cid)
    c = common.store().get_consultation(cid)
    run_console.stopped_run(cid, c, runner.Status(next=("analyse",), waiting=None, values={}))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_run_failed_in_the_console_is_said_in_the_consoles_language(tmp_path, monkeypatch, lang):
    """The console kept a failed run's error for its "stopped" section in English (ui.run_console's
    own ``_error_words``: ``plain_error``), so a German console said "… ist fehlgeschlagen: an
    unexpected problem: division by zero …" under its German heading, set apart as English."""
    from streamlit.testing.v1 import AppTest

    _store, c = _room(tmp_path, monkeypatch, lang)
    at = AppTest.from_function(_run_failing, args=(c.id, lang), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    said = _said(at)
    if lang == "en":
        assert "an unexpected problem: division by zero. Details are in the server log." in said, said
        return
    assert said.count(GERMAN) == 2, said  # the failed action's own message, and the stopped run's section
    assert not [e for e in ENGLISH if e in said], said


def _run_failed_then_drawn(cid: int) -> None:
    """The console's run failing once in its first step (:func:`_run_failing`'s), the console in the language
    of ``lang`` in the session ("de" at first); at every run, the stopped run's section drawn."""
    import streamlit as st

    from graphs import runner
    from ui import common, run_console
    from ui.i18n import CONSOLE_LANGUAGE_KEY, console_words

    def boom(_on_update):
        raise ZeroDivisionError("division by zero")

    st.session_state[CONSOLE_LANGUAGE_KEY] = st.session_state.get("lang", "de")
    w = console_words()
    if not st.session_state.get("failed once"):
        st.session_state["failed once"] = True
        with common.act(w, w("run.retrying")):
            run_console.run_with_progress(w("run.retrying_label"), boom, cid)
    c = common.store().get_consultation(cid)
    run_console.stopped_run(cid, c, runner.Status(next=("analyse",), waiting=None, values={}))


def _only_words(kept) -> bool:
    """Whether ``kept`` is plain data (text, numbers, lists and dicts of them): no exception, no traceback."""
    if isinstance(kept, dict):
        return all(_only_words(k) and _only_words(v) for k, v in kept.items())
    if isinstance(kept, (list, tuple)):
        return all(_only_words(v) for v in kept)
    return kept is None or isinstance(kept, (str, int, float, bool))


def test_a_failed_runs_error_is_said_in_the_language_the_console_changes_to(tmp_path, monkeypatch):
    """The stopped run's section kept a run's failure in words, so after the moderator changed the console's
    language it still said "Er ist im ersten Schritt fehlgeschlagen: ein unerwartetes Problem …" under
    English headings. It keeps the steps done and the error's words in every language, and says them at each draw.
    It keeps no exception: one kept the run's traceback, every frame's locals (the graph state, a large room's
    votes), as long as the session lived."""
    from streamlit.testing.v1 import AppTest

    _store, c = _room(tmp_path, monkeypatch, "de")
    at = AppTest.from_function(_run_failed_then_drawn, args=(c.id,), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"Er ist im ersten Schritt fehlgeschlagen: {GERMAN}" in _said(at), _said(at)
    kept = at.session_state["mod-run-error"]
    assert _only_words(kept), kept
    assert kept["said"]["en"] == "an unexpected problem: division by zero. Details are in the server log.", kept
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    said = _said(at)
    assert "It failed in its first step: an unexpected problem: division by zero. Details are in the server log." \
        in said, said
    assert GERMAN not in said and "fehlgeschlagen" not in said, said
