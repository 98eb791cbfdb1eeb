"""tests/vote_check.py, the vote-check of the rooms run in a browser (tests/room_hand.py), on a real Store
on disk: it passes a room whose acknowledged presses are stored once each, and names a lost press, a
duplicated event, a vote on a draft stored after its window closed and a current vote that is not the
last acknowledged one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from deliberation.config import Settings
from deliberation.importers.tabular import read_statements_file
from deliberation.ratelimit import UNLIMITED
from deliberation.storage import Store
from deliberation.storage.tables import VotingWindowRow
from vote_check import Press, check_votes


def _room(tmp_path):
    store = Store(Settings(data_dir=tmp_path / "data").ensure(), limits=UNLIMITED)
    p = tmp_path / "s.csv"
    p.write_text("id,text,author\n1,Des logements.,a\n2,Un parc.,b\n", encoding="utf-8")
    cid = store.import_bundle(read_statements_file(p, question="Que faut-il faire de la gare ?"),
                              secret="s3cret").consultation_id
    c = store.get_consultation(cid)
    sids = ["1", "2"]
    draft = store.add_statement(c.id, None, "Des logements et un parc.", is_draft=True).external_id
    store.open_voting(c.id, [draft])
    a, b = store.add_participant(c.id), store.add_participant(c.id)
    presses = []
    for pid, sid, v in [(a, sids[0], 1), (a, sids[1], -1), (b, sids[0], 0), (a, sids[0], -1), (a, draft, 1),
                        (b, draft, -1)]:
        store.cast_vote(c.id, pid, sid, v)
        presses.append(Press(pid, sid, v))
    store.close_voting(c.id, [draft])
    return store, c.id, presses, (a, b), sids, draft


def test_a_room_stored_as_acknowledged_passes(tmp_path):
    store, cid, presses, _, _, _ = _room(tmp_path)
    check = check_votes(store, cid, presses)
    assert check.ok, check.summary()
    assert (check.acknowledged, check.stored) == (6, 6)
    assert "6 presses acknowledged, 6 stored events of those participants: 0 lost, 0 duplicated, 0 after close" \
        in check.summary()


def test_lost_duplicated_and_wrong_current_are_named(tmp_path):
    store, cid, presses, (a, b), sids, _ = _room(tmp_path)
    lost = Press(b, sids[1], 1)  # acknowledged, never stored
    check = check_votes(store, cid, [*presses, lost])
    assert check.lost == [(b, sids[1], 1)] and not check.duplicated and not check.ok
    assert check.wrong_current == [(b, sids[1], 1, None)]
    # an event no press accounts for: the first press on statement 1 stored twice
    check = check_votes(store, cid, [p for p in presses if (p.participant, p.statement) != (a, sids[1])])
    assert check.duplicated == [(a, sids[1], -1)] and not check.lost


def test_a_vote_stored_after_the_close_is_named(tmp_path):
    store, cid, presses, (a, b), _, draft = _room(tmp_path)
    w = store.voting_window(cid, [draft])
    with store.session() as s, s.begin():  # the window closed a minute before the votes were stored
        s.execute(update(VotingWindowRow).where(VotingWindowRow.consultation_id == cid)
                  .values(closed_at=w.closed_at - timedelta(minutes=1)))
    check = check_votes(store, cid, presses)
    assert [(p, sid, v) for p, sid, v, _ in check.after_close] == [(a, draft, 1), (b, draft, -1)]
    assert not check.ok and "2 after close" in check.summary()
