"""Everyone's current votes kept up to date from the vote events (deliberation/live_votes.py, what
the board, the projector and the participant pages read): equal to a whole read of the store after
new votes, changed votes and new participants, without reading every vote again. Runs on SQLite
and on PostgreSQL (tests/pg.py)."""

from __future__ import annotations

import pytest

from deliberation.config import SAMPLE_CORPUS
from deliberation.importers.polis import read_polis_export
from deliberation.live_votes import LiveVotes
from deliberation.ratelimit import UNLIMITED
from deliberation.storage import Store


def _sorted(frame):
    return frame.sort_values(["participant", "statement"]).reset_index(drop=True)


@pytest.fixture
def room(store_settings):
    store = Store(store_settings, limits=UNLIMITED)
    rep = store.import_bundle(read_polis_export(SAMPLE_CORPUS), secret="s3cret")
    return store, rep.consultation_id


def test_live_votes_follow_new_and_changed_votes_without_reading_all_again(room):
    store, cid = room
    live = LiveVotes(store, cid)
    first, version = live.current()
    assert version > 0 and _sorted(first).equals(_sorted(store.current_votes(cid)))
    assert live.current()[0] is first  # an unchanged room: the same frame, nothing read
    kept = first.copy()
    ids = [s.external_id for s in store.statements(cid) if s.is_public]
    old = first.iloc[0]
    store.cast_vote(cid, old["participant"], old["statement"], -1 if old["vote"] == 1 else 1)  # a change
    newcomer = store.add_participant(cid)
    for k, sid in enumerate(ids[:5]):
        store.cast_vote(cid, newcomer, sid, (k % 3) - 1)
    store.cast_vote(cid, newcomer, ids[0], 1)  # changed again before the next look: the last one counts
    now, later = live.current()
    assert later > version
    assert _sorted(now).equals(_sorted(store.current_votes(cid)))
    assert len(now) == len(first) + 5
    assert live.whole_reads == 1  # the changes came from the new events only
    assert first.equals(kept)  # a frame handed out earlier is never changed


def test_live_votes_of_a_room_that_had_no_votes(store_settings):
    store = Store(store_settings, limits=UNLIMITED)
    c, _secret = store.create_consultation("Should Harbour Road become car-free?")
    a, b = (store.add_statement(c.id, None, text).external_id
            for text in ("Close it to cars on weekends.", "Keep the bus lane."))
    live = LiveVotes(store, c.id)
    assert live.current()[0].empty
    store.cast_vote(c.id, "first", a, 1, create_participant=True)
    store.cast_vote(c.id, "second", b, -1, create_participant=True)
    now, _ = live.current()
    assert _sorted(now).equals(_sorted(store.current_votes(c.id)))
    store.cast_vote(c.id, "first", b, 0)
    assert _sorted(live.current()[0]).equals(_sorted(store.current_votes(c.id)))
