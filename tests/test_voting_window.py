"""The voting window on published drafts, moderator sessions and personal tokens, in the store, on
SQLite and PostgreSQL (every test taking ``store_settings`` runs once per backend, tests/pg.py)."""

from __future__ import annotations

import multiprocessing as mp
import time

import pytest
from sqlalchemy import text

from deliberation.errors import AccessDenied, VotingClosed
from deliberation.importers.tabular import read_statements_file
from deliberation.ratelimit import UNLIMITED
from deliberation.storage import Store
from deliberation.storage.sessions import participant_for_token, participant_for_xid


@pytest.fixture
def published(tmp_path, store_settings):
    """A consultation with three statements and two published drafts (as the graph's publish node stores them)."""
    p = tmp_path / "s.csv"
    p.write_text("id,text,author\n1,Plant more trees on Harbour Road,a\n2,Keep two lanes for cars,b\n3,Add a bus lane,c\n")
    store = Store(store_settings, limits=UNLIMITED)
    cid = store.import_bundle(read_statements_file(p, question="What should Harbour Road become?"),
                              secret="s3cret").consultation_id
    drafts = [store.add_statement(cid, None, t, is_draft=True).external_id
              for t in ("Plant trees and add a bus lane.", "Keep two lanes.")]
    return store, cid, drafts


def _draft_events(store, cid, draft) -> int:
    ev = store.vote_events(cid)
    return int((ev["statement"] == draft).sum())


def test_votes_on_drafts_only_while_the_window_is_open(published):
    store, cid, drafts = published
    pid = participant_for_token("tok-1")
    # not opened yet: refused, nothing stored, not even the participant
    with pytest.raises(VotingClosed, match=rf"^voting on this draft \(Draft {drafts[0]}\) has not opened yet$") as refused:
        store.cast_vote(cid, pid, drafts[0], "agree", create_participant=True)
    assert not refused.value.closed
    assert pid not in store.participants(cid)
    assert store.voting_window(cid, drafts) is None
    # statements that are not drafts are not affected; the first vote creates the participant
    store.cast_vote(cid, pid, "1", "agree", create_participant=True)
    assert pid in store.participants(cid)
    w = store.open_voting(cid, drafts, round=0)
    assert w.is_open and w.state == "open" and sorted(w.draft_ids) == sorted(drafts)
    store.cast_vote(cid, pid, drafts[0], "agree")
    store.cast_vote(cid, pid, drafts[0], "disagree")  # a change while open
    assert store.voting_window(cid, list(reversed(drafts))).is_open  # the order of ids does not matter
    w = store.close_voting(cid, drafts)
    assert w.state == "closed"
    # the participant page reads "Your vote was not stored: " + this, which said "not stored" twice
    # and names the draft as its "Vote stored: agree (statement N)." does
    # and says that the vote closed (the store knows), naming the item as the ballot does: "Draft N"
    with pytest.raises(VotingClosed, match=rf"^voting on the drafts has closed \(Draft {drafts[0]}\)$") as refused:
        store.cast_vote(cid, pid, drafts[0], "agree")
    assert refused.value.draft == drafts[0] and refused.value.closed
    store.cast_vote(cid, pid, "2", "pass")  # ordinary votes go on
    votes = store.current_votes(cid)
    assert votes[(votes["participant"] == pid) & (votes["statement"] == drafts[0])]["vote"].tolist() == [-1]
    with pytest.raises(VotingClosed, match="cannot be opened again"):
        store.open_voting(cid, drafts)
    assert store.close_voting(cid, drafts).state == "closed"  # closing twice is harmless
    # a new publication (a revision round) gets its own window; opening it closes nothing counted
    new = store.add_statement(cid, None, "Plant trees.", is_draft=True).external_id
    store.open_voting(cid, [new], round=1)
    store.cast_vote(cid, pid, new, "agree")
    with pytest.raises(VotingClosed):
        store.cast_vote(cid, pid, drafts[1], "agree")


def test_no_ghost_participants_and_stable_ids(published):
    store, cid, _ = published
    before = store.participants(cid)
    a, b = participant_for_token("same-token"), participant_for_token("same-token")
    assert a == b and "same-token" not in a and a.startswith("t-")
    assert participant_for_token("other") != a
    assert store.participants(cid) == before  # deriving an id stores nothing
    assert participant_for_xid("user 42") == "xid:user 42"
    for bad in ("", "x" * 101):
        with pytest.raises(AccessDenied):
            participant_for_xid(bad)
    store.cast_vote(cid, participant_for_xid("user 42"), "1", 1, create_participant=True)
    store.cast_vote(cid, participant_for_xid("user 42"), "2", 1, create_participant=True)
    assert len(store.participants(cid)) == len(before) + 1


def test_moderator_sessions_store_only_a_hash_and_expire(published):
    store, cid, _ = published
    with pytest.raises(AccessDenied):
        store.create_moderator_session(cid, "wrong")
    token = store.create_moderator_session(cid, "s3cret")
    assert store.moderator_session(token) == cid
    store.require_moderator_session(cid, token)
    with store.engine.connect() as c:
        rows = c.execute(text("SELECT token_hash FROM moderator_sessions")).scalars().all()
    assert rows and token not in " ".join(rows)
    for bad in (None, "", "guess", token + "x"):
        with pytest.raises(AccessDenied):
            store.require_moderator_session(cid, bad)
    expired = store.create_moderator_session(cid, "s3cret", hours=-1)
    assert store.moderator_session(expired) is None
    store.end_moderator_session(token)
    assert store.moderator_session(token) is None


def _race_voter(args):
    settings, cid, pids, draft = args
    store = Store(settings, limits=UNLIMITED)
    acks = refused = 0
    for i in range(100_000):
        try:
            store.cast_vote(cid, pids[i % len(pids)], draft, [1, -1, 0][i % 3], create_participant=True)
            acks += 1
        except VotingClosed:
            refused += 1
            if refused >= 3:  # the window stays closed: every later vote is refused too
                break
    return acks, refused


def test_a_vote_racing_the_close_is_counted_or_refused_never_late(published, store_settings):
    """Three processes vote on a draft as fast as they can while the moderator closes voting: every
    acknowledged vote is stored, and not one vote is stored after ``close_voting`` returned, so a
    tally that starts then counts exactly what participants were told was stored."""
    store, cid, drafts = published
    store.open_voting(cid, drafts)
    groups = [[participant_for_token(f"racer-{g}-{i}") for i in range(4)] for g in range(3)]
    with mp.get_context("spawn").Pool(3) as pool:
        pending = pool.map_async(_race_voter, [(store_settings, cid, g, drafts[0]) for g in groups])
        deadline = time.time() + 120
        while _draft_events(store, cid, drafts[0]) < 30 and time.time() < deadline:
            time.sleep(0.05)
        store.close_voting(cid, drafts)
        at_close = _draft_events(store, cid, drafts[0])
        results = pending.get(timeout=300)
    acks = sum(a for a, _ in results)
    assert at_close >= 30 and all(r >= 1 for _, r in results)  # votes went in, then were refused
    assert _draft_events(store, cid, drafts[0]) == at_close == acks
