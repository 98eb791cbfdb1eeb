"""Decisions clicked in the moderator's review and not yet submitted, in the store (SQLite and
PostgreSQL): last click wins with a version of its own, an edit's wording is kept when the decision
changes, another review's decisions are apart, Submit's check names what changed since a console
showed it, and a data folder made before the table gets it on open (read-only: opens without it)."""

from __future__ import annotations

import pytest

from deliberation.config import Settings
from deliberation.errors import InputError
from deliberation.storage import Store
from deliberation.storage.reviews import stale_pending
from deliberation.storage.sql import _read_only_sqlite_url


@pytest.fixture
def room(store_settings):
    store = Store(store_settings)
    c, _ = store.create_consultation("What should Harbour Road become?", secret="pending-secret-1")
    return store, c.id


def test_clicked_decisions_are_kept_last_click_wins_and_stale_ones_are_named(room):
    store, cid = room
    first = store.save_pending(cid, "r1", "all:1", "edit", "ann", edited_text="Trees on Harbour Road.")
    second = store.save_pending(cid, "r1", "all:1", "reject", "bob", reason="too narrow")  # another console
    assert (first.version, second.version) == (1, 2)
    store.save_pending(cid, "r1", "group:0", "approve", "ann")
    store.save_pending(cid, "r0", "all:1", "approve", "ann")  # a page still showing an earlier review
    now = store.pending(cid, "r1")
    kept = now["all:1"]
    # the edit's wording is kept for a change back to edit; who clicked last and when
    assert (kept.decision, kept.edited_text, kept.reason, kept.reviewer) == ("reject", "Trees on Harbour Road.",
                                                                             "too narrow", "bob")
    assert kept.updated_at.tzinfo is not None and set(now) == {"all:1", "group:0"}
    assert list(store.pending(cid, "r1", "group:0")) == ["group:0"]
    # a console that showed version 1 of all:1 and nothing on group:0 may not submit them unseen
    assert stale_pending(now, {"all:1": 1, "group:0": None, "group:1": None}) == ["all:1", "group:0"]
    assert stale_pending(now, {"all:1": 2, "group:0": 1, "group:1": None}) == []
    with pytest.raises(InputError, match="'maybe' is not approve, edit or reject"):
        store.save_pending(cid, "r1", "all:1", "maybe", "ann")
    assert store.pending(cid, "r1")["all:1"].version == 2  # nothing stored
    assert store.clear_pending(cid) == 3 and store.pending(cid, "r1") == {} and store.pending(cid, "r0") == {}


def test_a_data_folder_from_before_the_table_gets_it_on_open(room, store_settings, tmp_path):
    store, cid = room
    with store.engine.begin() as c:
        c.exec_driver_sql("DROP TABLE pending_reviews")
    store.engine.dispose()
    if store_settings.database_url is None:  # read-only (a read-only mount): opens without the table
        url = _read_only_sqlite_url(store_settings.data_dir / "deliberation.sqlite").replace("&immutable=1", "")
        ro = Store(Settings(data_dir=tmp_path / "elsewhere"), url=url)
        assert ro.read_only and ro.pending(cid, "r1") == {} and ro.get_consultation(cid).id == cid
        ro.engine.dispose()
    again = Store(store_settings)
    assert again.save_pending(cid, "r1", "all:1", "approve", "ann").version == 1
    assert list(again.pending(cid, "r1")) == ["all:1"]


def _review_of_no_drafts():
    """The console's review (ui.review_cards.review) while the graph waits with no draft (none was
    made)."""
    from types import SimpleNamespace

    import streamlit as st

    import ui.review_cards as cards

    gs = SimpleNamespace(waiting={"drafts": []}, values={}, waiting_id="review-1")
    cards.review(int(st.session_state["cid"]), gs)


@pytest.mark.parametrize("button", ["mod-review-submit", "mod-review-approve-all"])
def test_a_review_of_no_drafts_goes_on(tmp_path, monkeypatch, button):
    """A run that made no draft still waits for the review; Submit or Approve all answers it (the
    graph publishes nothing and goes on), rather than asking for a decision on a draft there is not."""
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    import streamlit as st

    import ui.review_cards as cards

    settings = Settings(data_dir=tmp_path / "data")
    c, _ = Store(settings).create_consultation("What should Harbour Road become?")
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    # what Submit / Approve all would send is kept instead of resuming the graph; monkeypatch puts the
    # real function back after the test (set in the script, it stayed replaced for every later test
    # of the process: test_ui_pages' reviews were then never sent)
    monkeypatch.setattr(cards, "_submit_review", lambda cid, value: st.session_state.__setitem__("sent", value))
    at = AppTest.from_function(_review_of_no_drafts, default_timeout=60)
    at.session_state["cid"] = c.id
    at.run()
    at.button(key=button).click().run()
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert at.session_state["sent"] == {"reviewer": "moderator", "decisions": [], "seen": {}}
