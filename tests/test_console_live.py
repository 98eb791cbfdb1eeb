"""The moderator console says that statements arrived since it was drawn (ui/console_live.py): a
room of six showed 0 statements and an empty queue while 10 had arrived, 2 flagged, until the
moderator reloaded. In-process with streamlit.testing (AppTest), on a copy of the imported sample in
German: the console is drawn, statements arrive through the Store, the console's timer fragment runs
(AppTest runs no fragment alone: it runs in an app of its own with the console's session), and the
console drawn anew ("Anzeigen" reruns the page) shows them."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from deliberation.config import Settings  # noqa: E402
from deliberation.models import ModerationStatus  # noqa: E402
from deliberation.storage import Store  # noqa: E402
from ui.console_live import DRAWN_KEY  # noqa: E402
from ui.i18n import CONSOLE_LANGUAGE_KEY, ROOM_LANGUAGE_SETTING  # noqa: E402
from ui_helpers import app, console_sign_in, texts, unescape  # noqa: E402


def _timer_run() -> None:
    """What the console's fragment draws on a timer's run."""
    from ui.console_live import live_notice

    live_notice()


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _fragment(console):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_timer_run, default_timeout=60)
    for key in (DRAWN_KEY, CONSOLE_LANGUAGE_KEY):
        at.session_state[key] = console.session_state[key]
    return at.run()


def test_the_console_says_new_statements_arrived_and_shows_them(sample):
    store = Store(Settings(data_dir=sample.data_dir))
    store.update_settings(sample.cid, {ROOM_LANGUAGE_SETTING: "de"})
    at = app("moderator")
    at.query_params["code"] = sample.code
    at.run()
    console_sign_in(at, sample.code, sample.secret, "Öffnen", tab="Moderationswarteschlange")
    _ok(at)
    held = sum(s.moderation is ModerationStatus.NEEDS_REVIEW for s in store.statements(sample.cid))
    shown = [m.value for m in at.metric if m.label == "Aussagen"][0]
    assert f"{held} Aussagen wurden beim Eingang markiert" in unescape(texts(at))
    before = _fragment(at)
    _ok(before)
    assert not before.info and not before.button  # nothing arrived: no notice

    new = [store.add_statement(sample.cid, f"live-{i}", text) for i, text in enumerate(
        ["Der Busfahrplan sollte abends dichter sein.", "Die Bibliothek braucht längere Öffnungszeiten.",
         "Am Marktplatz fehlen Fahrradständer."])]
    for s in new[:2]:  # held for review, as the intake holds a flagged statement
        store.set_moderation(sample.cid, s.external_id, ModerationStatus.NEEDS_REVIEW, "flagged at intake")
    notice = _fragment(at)
    _ok(notice)
    assert [i.value for i in notice.info] == [
        f"3 neue Aussagen seit dem Anzeigen dieser Seite, {held + 2} warten auf Moderation"]
    assert [b.label for b in notice.button] == ["Anzeigen"]
    notice.button(key="mod-live-show").click().run()  # reruns the whole app
    _ok(notice)

    at.run()  # what "Anzeigen" does in the console: the page drawn anew
    _ok(at)
    page = unescape(texts(at))
    assert f"{held + 2} Aussagen wurden beim Eingang markiert" in page
    assert [m.value for m in at.metric if m.label == "Aussagen"][0] == str(int(shown) + 1)
    assert {f"mod-q-accept-{s.external_id}" for s in new[:2]} <= {b.key for b in at.button}
    assert not _fragment(at).info  # the console drawn anew: nothing new since


def test_a_bad_refresh_interval_is_named_and_the_default_used(monkeypatch, caplog):
    """DELIBERATION_CONSOLE_REFRESH=abc crashed the console at import (ValueError from float());
    "0" and "-1" were taken (a timer that never or constantly runs). Each refresh setting of the
    pages has one reader, deliberation.config.env_seconds: a bad value is named, with the default used."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from deliberation.config import env_seconds

    repo = Path(__file__).resolve().parents[1]
    code = "import ui.console_live as c, ui.common as u; print(c.CONSOLE_REFRESH_SECONDS, u.BOARD_REFRESH_SECONDS)"
    env = {**os.environ, "PYTHONPATH": str(repo), "DELIBERATION_CONSOLE_REFRESH": "abc", "DELIBERATION_BOARD_REFRESH": "0"}
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.split() == ["5.0", "3.0"], res.stderr[-2000:]
    for said in ("DELIBERATION_CONSOLE_REFRESH='abc' is not a positive number of seconds; using the default, 5 s",
                 "DELIBERATION_BOARD_REFRESH='0' is not a positive number of seconds; using the default, 3 s"):
        assert said in res.stderr, res.stderr[-2000:]
    for raw, value in (("-1", 4.0), ("nan", 4.0), ("inf", 4.0), (" ", 4.0), ("2.5", 2.5)):
        monkeypatch.setenv("DELIBERATION_PARTICIPANT_REFRESH", raw)
        caplog.clear()
        assert env_seconds("DELIBERATION_PARTICIPANT_REFRESH", 4.0) == value
        assert (f"DELIBERATION_PARTICIPANT_REFRESH={raw!r}" in caplog.text) is (raw in ("-1", "nan", "inf")), caplog.text


def test_a_console_opened_while_the_review_is_published_opens_on_voting(sample):
    """A reload while the submitted review's run published the drafts opened the console on
    Facilitation: the run in progress there, and once it ended "Drafts are published. Open and close
    voting in the Voting tab." with the moderator left to find it. It opens on Voting, where the run
    shows in progress and then the vote. The run: its lock held as the review's run holds it."""
    from deliberation.storage import runs
    from graphs.runner import DOING

    with runs.running(Settings(data_dir=sample.data_dir), sample.cid, DOING["review"]):
        at = app("moderator")
        at.query_params["code"] = sample.code
        at.run()
        console_sign_in(at, sample.code, sample.secret)
        _ok(at)
        assert at.session_state["mod-tab:open"] == "Voting", at.session_state["mod-tab:open"]
        assert any(i.value.startswith("Recording the review and publishing") for i in at.info), [i.value for i in at.info]
