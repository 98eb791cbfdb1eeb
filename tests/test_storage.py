"""The relational store on a real SQLite file and on PostgreSQL: votes, history, secrets, moderation,
drafts, reviews. Every test taking ``store_settings`` runs once per backend (tests/pg.py)."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from deliberation.errors import AccessDenied
from deliberation.importers.tabular import read_statements_file
from deliberation.models import Draft, DraftKind, DraftSentence, ModerationStatus, ReviewDecision
from deliberation.storage import Store
from deliberation.storage.store import check_secret, hash_secret


@pytest.fixture
def consultation(tmp_path, store_settings):
    p = tmp_path / "s.csv"
    p.write_text("id,text,author\n1,Plant more trees on Harbour Road,a\n2,Keep two lanes for cars,b\n3,Add a bus lane,c\n")
    store = Store(store_settings)
    rep = store.import_bundle(read_statements_file(p, question="What should Harbour Road become?"), secret="s3cret")
    return store, rep.consultation_id


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
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
    settings, cid, pids, n = args
    store = Store(settings)
    acks = []
    for i in range(n):
        pid = pids[i % len(pids)]
        value = [1, -1, 0][i % 3]
        stmt = str(1 + i % 3)
        store.cast_vote(cid, pid, stmt, value)
        acks.append((pid, stmt, value))
    return acks


def test_concurrent_voters_in_several_processes(consultation, store_settings):
    """4 processes vote at once on the same database: every acknowledged vote is stored once."""
    store, cid = consultation
    groups = [[store.add_participant(cid) for _ in range(5)] for _ in range(4)]
    n = 60
    with mp.get_context("spawn").Pool(4) as pool:
        results = pool.map(_vote_worker, [(store_settings, cid, g, n) for g in groups])
    acked = [a for r in results for a in r]
    history = store.vote_events(cid)
    assert len(history) == len(acked) == 4 * n
    last = {}
    for pid, stmt, value in acked:
        last[(pid, stmt)] = value
    current = store.current_votes(cid).set_index(["participant", "statement"])["vote"].to_dict()
    assert current == last


def test_polis_import_of_a_real_corpus_matches_on_both_backends(store_settings):
    """A real Polis conversation stored (bulk insert) and read back (bulk fetch): same counts and
    the same vote events, in order, as the importer produced, timestamps in milliseconds included."""
    from conftest import corpus

    from deliberation.importers.polis import read_polis_export

    bundle = read_polis_export(corpus("15-per-hour-seattle"))
    store = Store(store_settings)
    rep = store.import_bundle(bundle)
    assert store.counts(rep.consultation_id) == {"statements": 54, "participants": rep.participants,
                                                 "votes": 2872, "vote_events": 2995}
    got = store.vote_events(rep.consultation_id)
    want = bundle.votes.reset_index(drop=True)
    assert got["participant"].tolist() == want["participant"].tolist()
    assert got["statement"].tolist() == want["statement"].tolist()
    assert got["vote"].tolist() == want["vote"].astype(int).tolist()
    assert got["timestamp"].fillna(-1).tolist() == want["timestamp"].astype("float64").fillna(-1).tolist()
    assert got["timestamp"].max() > 2**31  # milliseconds since 1970 overflow a 32-bit integer
    m = store.vote_matrix(rep.consultation_id)
    assert m.n_votes == 2872 and m.n_votes == bundle.vote_matrix().n_votes


def test_export_round_trip_and_utc_times(store_settings, tmp_path):
    """Export then re-import reproduces the votes; stored times come back as aware UTC datetimes."""
    from datetime import timezone

    from deliberation.config import SAMPLE_CORPUS
    from deliberation.importers.polis import read_polis_export

    store = Store(store_settings)
    cid = store.import_bundle(read_polis_export(SAMPLE_CORPUS)).consultation_id
    before = store.vote_matrix(cid)
    store.export_polis(cid, tmp_path / "out")
    again = store.import_bundle(read_polis_export(tmp_path / "out")).consultation_id
    after = store.vote_matrix(again)
    assert after.n_votes == before.n_votes
    def tally(c):  # votes per (statement, value): independent of how exports name participants
        return store.current_votes(c).groupby(["statement", "vote"]).size().to_dict()

    assert tally(again) == tally(cid)
    st = store.statements(cid)[0]
    assert st.created_at.tzinfo is not None and st.created_at.utcoffset() == timezone.utc.utcoffset(None)
    assert store.get_consultation(cid).created_at.tzinfo is not None


def test_long_or_nul_ids_give_clear_errors(consultation):
    """Ids PostgreSQL cannot store (NUL) or that exceed the column give our errors, not driver errors."""
    from deliberation.errors import InputError, NotFoundError

    store, cid = consultation
    pid = store.add_participant(cid)
    with pytest.raises(NotFoundError):
        store.cast_vote(cid, pid, "1\x00", "agree")
    with pytest.raises(NotFoundError):
        store.cast_vote(cid, "a\x00b", "1", "agree")
    with pytest.raises(NotFoundError):
        store.cast_vote(cid, pid, "x" * 500, "agree")
    for bad in ("a\x00b", "x" * 129):
        with pytest.raises(InputError):
            store.add_participant(cid, bad)
    with pytest.raises(NotFoundError):
        store.get_consultation("AB\x00")
    assert store.counts(cid)["vote_events"] == 0


def test_failure_inside_import_transaction_stores_nothing(store_settings):
    """The whole import is one transaction on both backends: an error after the rows are written
    (e.g. the vector store failing) leaves no consultation, statement, participant or vote."""
    from sqlalchemy import func, select

    from deliberation.config import SAMPLE_CORPUS
    from deliberation.importers.polis import read_polis_export
    from deliberation.storage.tables import ParticipantRow, StatementRow, VoteEventRow, VoteRow

    store = Store(store_settings)

    def boom(cid, stored):
        raise RuntimeError("vector store unavailable")

    with pytest.raises(RuntimeError):
        store.import_bundle(read_polis_export(SAMPLE_CORPUS), on_commit=boom)
    assert store.list_consultations() == []
    with store.session() as s:
        for table in (StatementRow, ParticipantRow, VoteRow, VoteEventRow):
            assert s.scalar(select(func.count()).select_from(table)) == 0
    cid = store.import_bundle(read_polis_export(SAMPLE_CORPUS)).consultation_id  # and it still works after
    assert store.counts(cid)["vote_events"] > 0


def test_schema_creation_from_several_processes_at_once(store_settings):
    """Processes opening an empty database at the same time all get the tables (no race)."""
    with mp.get_context("spawn").Pool(4) as pool:
        counts = pool.map(_open_and_count, [store_settings] * 4)
    assert counts == [0, 0, 0, 0]


def _open_and_count(settings):
    return len(Store(settings).list_consultations())
