"""The board's two figures, Participants and Have voted, are read together.

Found running a room of 2,000 by hand (Bowling Green imported by the CLI, 2,000 new voters' votes arriving
through the store while a live board refreshed every 3 s): the board said "Participants 3785, Have voted
3633" although every newcomer had voted (the figures agreed again once the votes stopped: 4031 and 4031).
Have voted was counted from the votes read at the start of a refresh, Participants read after the refresh's
analysis of those votes (seconds in a room of 2,000), so every voter who arrived meanwhile was a participant
who had "not voted". Real SQLite on disk and the board's real reads; a counting spy around the real
analysis lets a new voter arrive while it runs, as they did."""

from __future__ import annotations

import streamlit as st

from deliberation.config import Settings
from deliberation.storage import Store

#: participants who voted before the board's refresh, and those who vote while its analysis runs
BEFORE, DURING = 4, 1


def test_a_voter_arriving_during_the_boards_analysis_is_not_a_participant_who_has_not_voted(tmp_path, monkeypatch):
    import ui.views.board as board

    monkeypatch.setenv("DELIBERATION_DATA", str(tmp_path / "data"))
    st.cache_resource.clear()
    store = Store(Settings(data_dir=tmp_path / "data").ensure())
    c, _ = store.create_consultation("Should the market hall open on Saturdays?", secret="board-figures-secret")
    sids = [store.add_statement(c.id, None, text).external_id
            for text in ("Open it on Saturdays.", "Keep Saturdays for the farmers' market outside.")]
    for k in range(BEFORE):
        store.cast_vote(c.id, f"before-{k}", sids[k % 2], 1, create_participant=True)
    real, calls = board.fresh_analysis, []

    def arriving(*args, **kwargs):  # the real analysis; voters keep arriving while it runs
        calls.append(1)
        for k in range(DURING):
            store.cast_vote(c.id, f"during-{k}", sids[0], -1, create_participant=True)
        return real(*args, **kwargs)

    monkeypatch.setattr(board, "fresh_analysis", arriving)
    try:
        r = board.room(c.id)
    finally:
        st.cache_resource.clear()
    assert calls and r["voters"] == BEFORE
    assert r["participants"] == r["voters"], (r["participants"], r["voters"])  # was BEFORE + DURING and BEFORE
