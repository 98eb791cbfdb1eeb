"""What a real room of six (app and CLI on one data folder, ``make run`` driven by chromium by hand)
showed that no test looked at, each as the smallest test that fails without its fix.

1. Six participants had written their statements and not voted yet: the live board said
   "Participants 6", the moderator console "Participants 0" (it counted voters only).
"""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from deliberation.config import Settings  # noqa: E402
from deliberation.storage import Store  # noqa: E402
from ui_helpers import app  # noqa: E402

SECRET = "room6-findings-secret"


def _metric(at, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def test_console_counts_the_participants_the_board_counts(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("DELIBERATION_DATA", str(data))
    store = Store(Settings(data_dir=data))
    c, _ = store.create_consultation("How should the town use the empty lot?", secret=SECRET)
    store.add_statement(c.id, "t-writer-1", "The lot should become a small park.")
    store.add_statement(c.id, "t-writer-2", "We need covered bicycle parking there.")
    board = app("board")
    board.query_params["code"] = c.code
    board.run()
    assert not board.exception and _metric(board, "Participants") == "2"
    mod = app("moderator")
    mod.run()
    mod.text_input(key="mod-open-ref").input(c.code)
    mod.text_input(key="mod-open-secret").input(SECRET)
    mod.button[[b.label for b in mod.button].index("Open")].click().run()
    assert not mod.exception, [e.value for e in mod.exception]
    assert _metric(mod, "Participants") == "2"  # was 0: voters only
