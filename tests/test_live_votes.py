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


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_vote_committed_after_a_later_one_is_seen_once_the_full_read_is_due(room):
    """PostgreSQL takes an event's id at insert: a vote can commit after one with a larger id, and the
    pages, which apply the events above the latest id they hold, miss it. The count of events in the
    store's vote stamp tells: once the full read is due the votes are read whole, also in a room where
    no vote follows (comparing the latest id alone, that vote stayed missing until the next one)."""
    from sqlalchemy import insert, select

    from deliberation.storage.sql import _upsert_vote
    from deliberation.storage.tables import ParticipantRow, StatementRow, VoteEventRow

    store, cid = room
    live = LiveVotes(store, cid)
    before, _ = live.current()
    ids = [s.external_id for s in store.statements(cid) if s.is_public]
    slow, quick = store.add_participant(cid), store.add_participant(cid)
    with store.session() as s, s.begin():  # the slow vote takes its id first and commits last
        pid = s.scalar(select(ParticipantRow.id).where(ParticipantRow.consultation_id == cid,
                                                       ParticipantRow.external_id == slow))
        sid = s.scalar(select(StatementRow.id).where(StatementRow.consultation_id == cid,
                                                     StatementRow.external_id == ids[0]))
        s.execute(insert(VoteEventRow).values(consultation_id=cid, participant_id=pid, statement_id=sid,
                                              value=1, at_ms=0))
        _upsert_vote(s, "postgresql", cid, pid, sid, 1, 0)
        store.cast_vote(cid, quick, ids[1], -1)  # a later id, committed first
        seen, _ = live.current()
        assert len(seen) == len(before) + 1 and live.whole_reads == 1  # the quick vote, from its event
    stamp = store.vote_stamp(cid)
    assert (stamp.last_event, stamp.events) == (live.current()[1], store.counts(cid)["vote_events"])
    assert len(live.current()[0]) == len(before) + 1  # the slow vote: not yet (within full_read_s)
    live.full_read_s = 0  # the full read is due; no vote came since
    now, _ = live.current()
    assert _sorted(now).equals(_sorted(store.current_votes(cid))) and len(now) == len(before) + 2
    assert live.whole_reads == 2


def test_a_look_counts_the_vote_events_only_when_the_full_read_is_due(room):
    """Every open page looks about once a second: a look reads the latest event id (one index entry),
    not a count of every vote event of the room, which on PostgreSQL is taken once per full_read_s
    (and on SQLite never: its ids follow commit order)."""
    from sqlalchemy import event

    store, cid = room
    counts: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        if "count(" in statement.lower():
            counts.append(statement)

    live = LiveVotes(store, cid)
    live.current()
    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        ids = [s.external_id for s in store.statements(cid) if s.is_public]
        for k in range(3):
            live.current()
            store.cast_vote(cid, "looker", ids[k], 1, create_participant=True)
        assert len(live.current()[0]) == len(store.current_votes(cid))
        assert counts == [] and live.whole_reads == 1
        if store.engine.dialect.name == "sqlite":
            return
        live.full_read_s = 0  # due: one count, and a whole read since votes came
        live.current()
        assert len(counts) == 1 and live.whole_reads == 2
        live.full_read_s = 60
        live._read_at -= 120  # due again, and no vote came since the whole read: counted, not read
        live.current()
        assert len(counts) == 2 and live.whole_reads == 2
        live.current()  # the count just taken found nothing missing: the next looks wait full_read_s
        live.current()
        assert len(counts) == 2 and live.whole_reads == 2
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
