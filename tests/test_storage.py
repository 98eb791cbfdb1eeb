"""The relational store on a real SQLite file: votes, history, secrets, moderation, drafts, reviews."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from deliberation.config import Settings
from deliberation.errors import AccessDenied
from deliberation.importers.tabular import read_statements_file
from deliberation.models import Draft, DraftKind, DraftSentence, ModerationStatus, ReviewDecision
from deliberation.storage import Store
from deliberation.storage.store import check_secret, hash_secret


@pytest.fixture
def consultation(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("id,text,author\n1,Plant more trees on Harbour Road,a\n2,Keep two lanes for cars,b\n3,Add a bus lane,c\n")
    store = Store(Settings(data_dir=tmp_path / "data"))
    rep = store.import_bundle(read_statements_file(p, question="What should Harbour Road become?"), secret="s3cret")
    return store, rep.consultation_id


def test_sqlite_file_in_wal_mode(consultation, tmp_path):
    store, _ = consultation
    assert (tmp_path / "data" / "deliberation.sqlite").exists()
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_vote_change_keeps_history_and_one_current_vote(consultation):
    store, cid = consultation
    pid = store.add_participant(cid)
    store.cast_vote(cid, pid, "1", "agree")
    store.cast_vote(cid, pid, "1", "disagree")
    store.cast_vote(cid, pid, "1", "pass")
    store.cast_vote(cid, pid, "2", -1)
    current = store.current_votes(cid)
    mine = current[current["participant"] == pid].set_index("statement")["vote"].to_dict()
    assert mine == {"1": 0, "2": -1}
    history = store.vote_events(cid)
    assert history[history["participant"] == pid]["vote"].tolist() == [1, -1, 0, -1]
    m = store.vote_matrix(cid)
    assert m.n_votes == 2


def test_secret_is_salted_hash_and_checked(consultation):
    store, cid = consultation
    c = store.get_consultation(cid)
    assert "s3cret" not in c.moderator_secret_hash and c.moderator_secret_hash.startswith("scrypt$")
    store.require_moderator(cid, "s3cret")
    for wrong in ("", None, "S3CRET", "s3cret "):
        with pytest.raises(AccessDenied):
            store.require_moderator(cid, wrong)
    assert hash_secret("x") != hash_secret("x")  # salted
    assert check_secret("x", hash_secret("x")) and not check_secret("y", hash_secret("x"))
    assert store.get_consultation(c.code).id == cid  # join by code
    assert store.get_consultation(c.code.lower()).id == cid


def test_participant_ids_are_unguessable(consultation):
    store, cid = consultation
    ids = {store.add_participant(cid) for _ in range(50)}
    assert len(ids) == 50 and all(len(i) >= 16 for i in ids)


def test_add_statement_goes_through_intake(consultation):
    from deliberation.services import intake

    store, cid = consultation
    pid = store.add_participant(cid)
    st = store.add_statement(cid, pid, "Call me on 07700 900123 about the bus lane", intake=intake)
    assert "07700" not in st.text and st.moderation is ModerationStatus.NEEDS_REVIEW
    assert "personal data" in st.moderation_reason
    assert st.external_id == "4"
    stored = {s.external_id: s for s in store.statements(cid)}
    assert "07700" not in stored["4"].text
    store.set_moderation(cid, "4", ModerationStatus.ACCEPTED, "redacted, fine")
    assert {s.external_id: s for s in store.statements(cid)}["4"].moderation is ModerationStatus.ACCEPTED


def test_drafts_and_reviews(consultation):
    store, cid = consultation
    d = store.save_draft(cid, Draft(kind=DraftKind.CONSENSUS, sentences=[
        DraftSentence(text="Participants want more trees on Harbour Road.", citations=["1"])]))
    store.record_review(ReviewDecision(draft_id=d.id, decision="edit", reviewer="moderator",
                                       edited_text="Many want more trees on Harbour Road."))
    [got] = store.drafts(cid)
    assert got.status == "approved" and got.text == "Many want more trees on Harbour Road."
    assert got.cited_statement_ids == ["1"]
    [rev] = store.reviews(d.id)
    assert rev.reviewer == "moderator" and rev.decision == "edit"


def _vote_worker(args):
    data_dir, cid, pids, n = args
    store = Store(Settings(data_dir=data_dir))
    acks = []
    for i in range(n):
        pid = pids[i % len(pids)]
        value = [1, -1, 0][i % 3]
        stmt = str(1 + i % 3)
        store.cast_vote(cid, pid, stmt, value)
        acks.append((pid, stmt, value))
    return acks


def test_concurrent_voters_in_several_processes(consultation, tmp_path):
    """4 processes vote at once on the same SQLite file: every acknowledged vote is stored once."""
    store, cid = consultation
    groups = [[store.add_participant(cid) for _ in range(5)] for _ in range(4)]
    n = 60
    with mp.get_context("spawn").Pool(4) as pool:
        results = pool.map(_vote_worker, [(tmp_path / "data", cid, g, n) for g in groups])
    acked = [a for r in results for a in r]
    history = store.vote_events(cid)
    assert len(history) == len(acked) == 4 * n
    last = {}
    for pid, stmt, value in acked:
        last[(pid, stmt)] = value
    current = store.current_votes(cid).set_index(["participant", "statement"])["vote"].to_dict()
    assert current == last
