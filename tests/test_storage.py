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


def test_vote_matrix_is_remembered_until_the_room_changes(consultation, store_settings):
    """An unchanged room's matrix is read once (the same read-only arrays come back); every new vote,
    changed vote, new participant, moderation change and new draft is seen, as a fresh store reads it."""
    store, cid = consultation

    def as_read(m):
        return (m.participant_ids, m.statement_ids, sorted(zip(m.rows.tolist(), m.cols.tolist(), m.vals.tolist())),
                m.moderated_out.tolist())

    def check(include_drafts=False):
        m = store.vote_matrix(cid, include_drafts=include_drafts)
        assert as_read(m) == as_read(Store(store_settings).vote_matrix(cid, include_drafts=include_drafts))
        return m

    first = check()
    again = store.vote_matrix(cid)
    assert again.rows is first.rows and again.participant_ids is not first.participant_ids
    pid = store.add_participant(cid)
    assert check().shape == (first.shape[0] + 1, 3)
    store.cast_vote(cid, pid, "1", "agree")
    m = check()
    with pytest.raises(ValueError):  # shared with later reads: read-only
        m.vals[0] = -1
    store.cast_vote(cid, pid, "1", "disagree")
    assert check().vals.tolist() == [-1]
    store.set_moderation(cid, "1", ModerationStatus.REJECTED)
    assert check().moderated_out.tolist() == [True, False, False]
    draft = store.add_statement(cid, None, "Plant trees and add a bus lane.", is_draft=True)
    store.open_voting(cid, [draft.external_id])
    store.cast_vote(cid, pid, draft.external_id, "agree")
    assert check().shape == (first.shape[0] + 1, 3) and check(include_drafts=True).shape == (first.shape[0] + 1, 4)


def test_vote_matrix_of_statements_the_caller_read_is_the_one_read_here(consultation, store_settings, monkeypatch):
    """A graph step that read the statements hands them over (``statements=``): the matrix is the
    one a read of its own gives, with and without drafts, and the statements are not read again."""
    store, cid = consultation
    pid = store.add_participant(cid)
    store.cast_vote(cid, pid, "1", "agree")
    store.set_moderation(cid, "2", ModerationStatus.REJECTED)
    draft = store.add_statement(cid, None, "Plant trees and add a bus lane.", is_draft=True)
    store.open_voting(cid, [draft.external_id])
    store.cast_vote(cid, pid, draft.external_id, "disagree")

    def as_read(m):
        return (m.participant_ids, m.statement_ids, sorted(zip(m.rows.tolist(), m.cols.tolist(), m.vals.tolist())),
                m.moderated_out.tolist())

    statements = store.statements(cid)
    want = {drafts: as_read(Store(store_settings).vote_matrix(cid, include_drafts=drafts)) for drafts in (False, True)}
    assert want[True][1][-1] == draft.external_id and draft.external_id not in want[False][1]
    monkeypatch.setattr(Store, "statements", lambda *a: pytest.fail("statements read again"))
    for drafts in (False, True):
        assert as_read(Store(store_settings).vote_matrix(cid, include_drafts=drafts, statements=statements)) == want[drafts]


def test_the_votes_are_fetched_once_per_vote_stamp(consultation, store_settings, monkeypatch):
    """The variants with and without drafts, and a read after a draft was added, read the same
    votes: one fetch while no vote or participant arrives (each matrix as a fresh store reads it)."""
    import deliberation.storage.matrix_reads as reads

    store, cid = consultation
    pid = store.add_participant(cid)
    store.cast_vote(cid, pid, "1", "agree")
    fetches = []
    real = reads._fetch_int_columns
    monkeypatch.setattr(reads, "_fetch_int_columns", lambda *a, **k: fetches.append(1) or real(*a, **k))

    def as_read(m):
        return m.statement_ids, m.moderated_out.tolist(), sorted(zip(m.rows.tolist(), m.cols.tolist(), m.vals.tolist()))

    def same_as_fresh(include_drafts):
        m, want = (st.vote_matrix(cid, include_drafts=include_drafts) for st in (store, Store(store_settings)))
        assert as_read(m) == as_read(want)

    same_as_fresh(False)
    same_as_fresh(True)
    store.add_statement(cid, None, "Plant trees and add a bus lane.", is_draft=True)
    same_as_fresh(True)
    assert len(fetches) == 1 + 3  # this store once, each fresh store once
    store.cast_vote(cid, pid, "2", "disagree")
    same_as_fresh(True)
    assert len(fetches) == 4 + 2


def test_the_analysis_and_the_audit_matrices_are_remembered_side_by_side(consultation, store_settings):
    """A run reads the matrix without drafts (the analysis) and with them (the audit, the tally) in
    turn: each variant keeps its own slot (with one slot they pushed each other out and every read
    read every vote again), both see every change, and the slots are bounded (MATRIX_SLOTS)."""
    from deliberation.storage.matrix_reads import MATRIX_SLOTS

    store, cid = consultation
    pid = store.add_participant(cid)
    draft = store.add_statement(cid, None, "Plant trees and add a bus lane.", is_draft=True)
    store.open_voting(cid, [draft.external_id])
    store.cast_vote(cid, pid, draft.external_id, "agree")
    analysis, audit = store.vote_matrix(cid), store.vote_matrix(cid, include_drafts=True)
    assert (analysis.shape[1], audit.shape[1]) == (3, 4)
    for _ in range(2):  # in turn, as a run's steps read them: both stay remembered
        assert store.vote_matrix(cid).rows is analysis.rows
        assert store.vote_matrix(cid, include_drafts=True).rows is audit.rows
    store.cast_vote(cid, pid, "2", "disagree")  # a change: both variants see it
    fresh = Store(store_settings)
    for drafts in (False, True):
        m, want = store.vote_matrix(cid, include_drafts=drafts), fresh.vote_matrix(cid, include_drafts=drafts)
        assert m.rows is not (audit if drafts else analysis).rows
        assert sorted(zip(m.rows.tolist(), m.cols.tolist(), m.vals.tolist())) == \
            sorted(zip(want.rows.tolist(), want.cols.tolist(), want.vals.tolist()))
    kept = store.vote_matrix(cid, include_drafts=True)
    others = [store.create_consultation(f"Room {n}?")[0].id for n in range(MATRIX_SLOTS)]
    for other in others:  # more variants than slots: the least recently read goes
        store.vote_matrix(other)
    assert store.vote_matrix(cid, include_drafts=True).rows is not kept.rows
    assert len(store._matrices()) == MATRIX_SLOTS


def test_the_last_statement_number_is_one_query_exact_for_any_length(tmp_path, store_settings):
    """The largest numeric statement id (what a run notes at its start and a new statement counts
    on from) in one query, without reading every statement: ids with letters left out, leading
    zeros and ids past 64-bit integers compared as numbers, on SQLite and PostgreSQL."""
    from sqlalchemy import event

    store = Store(store_settings)
    c, _ = store.create_consultation("What should Harbour Road become?")
    assert store.last_statement_number(c.id) == -1  # none yet
    p = tmp_path / "ids.csv"
    big = "123456789012345678901234567890"
    p.write_text("id,text\n9,Plant trees\n0010,Add a bus lane\nx99,Keep two lanes\n" + big[:-1]
                 + ",A wide pavement\n00" + big[:-2] + ",Benches\n")
    store.import_bundle(read_statements_file(p), consultation_id=c.id)
    queries = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    assert store.last_statement_number(c.id) == int(big[:-1])
    assert len(queries) == 1, queries
    assert store.add_statement(c.id, None, "Fewer parking spaces").external_id == str(int(big[:-1]) + 1)


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
    draft = Draft(kind=DraftKind.CONSENSUS, sentences=[
        DraftSentence(text="Participants want more trees on Harbour Road.", citations=["1"])])
    [d] = store.record_review(cid, [(draft, ReviewDecision(decision="edit", reviewer="moderator",
                                                           edited_text="Many want more trees on Harbour Road."))])
    [got] = store.drafts(cid)
    assert got.id == d.id and got.status == "approved" and got.text == "Many want more trees on Harbour Road."
    assert got.cited_statement_ids == ["1"]
    [rev] = store.reviews(d.id)
    assert rev.reviewer == "moderator" and rev.decision == "edit" and rev.draft_id == d.id


def test_a_retried_review_is_stored_once(consultation):
    """A review step killed after it stored its decisions and before its checkpoint runs again with
    the same key: the retry replaces what the first attempt stored (it stored every row twice);
    another review (another key) adds its own."""
    store, cid = consultation
    trees, lanes = (Draft(kind=DraftKind.CONSENSUS, sentences=[DraftSentence(text=t, citations=[c])])
                    for t, c in (("Plant more trees.", "1"), ("Keep two lanes.", "2")))
    first = [(trees, ReviewDecision(decision="approve", reviewer="first")),
             (lanes, ReviewDecision(decision="reject", reviewer="first", reason="too narrow"))]
    store.record_review(cid, first, key="run:review-1")
    store.record_review(cid, first, key="run:review-1")  # the same answer again, as a retry
    assert [(d.text, d.status) for d in store.drafts(cid)] == [("Plant more trees.", "approved"),
                                                               ("Keep two lanes.", "rejected")]
    # the retry answered otherwise (the moderator decided again after the kill): its decisions stand
    retry = store.record_review(cid, [(trees, ReviewDecision(decision="reject", reviewer="again"))], key="run:review-1")
    [d] = store.drafts(cid)
    assert d.id == retry[0].id and d.status == "rejected"
    assert [(r.decision, r.reviewer) for r in store.reviews(d.id)] == [("reject", "again")]
    store.record_review(cid, [(lanes, ReviewDecision(decision="approve", reviewer="m"))], key="run:review-2")
    assert [d.status for d in store.drafts(cid)] == ["rejected", "approved"]
    assert sum(len(store.reviews(d.id)) for d in store.drafts(cid)) == 2


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
                                                 "registered": rep.participants, "votes": 2872,
                                                 "draft_votes": 0, "held_votes": 23, "vote_events": 2995}
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


# ---------------------------------------------------------------------------- schema upgrades
def test_index_added_after_the_database_was_made_is_created_on_open(store_settings):
    """create_all does not add indexes to existing tables: a database made before
    ix_vote_events_participant gets it when a Store opens it (else the per-vote rate limit scans
    vote_events)."""
    from sqlalchemy import inspect

    def indexes(store):
        return {ix["name"] for ix in inspect(store.engine).get_indexes("vote_events")}

    store = Store(store_settings)
    assert "ix_vote_events_participant" in indexes(store)
    with store.engine.begin() as c:
        c.exec_driver_sql("DROP INDEX ix_vote_events_participant")
    assert "ix_vote_events_participant" not in indexes(store)
    store.engine.dispose()
    store = Store(store_settings)
    assert "ix_vote_events_participant" in indexes(store)
    Store(store_settings)  # and the next open finds nothing to do


# ---------------------------------------------------------------------------- concurrency
#: requests of one participant fired at once, and the limit they must respect
PARALLEL_REQUESTS, PARALLEL_LIMIT = 20, 5


def _fire(n: int, call):
    """Run ``call(i)`` for i in range(n) in n threads released together; the results (or exceptions)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        try:
            return call(i)
        except Exception as e:  # noqa: BLE001 - returned for the assertions
            return e

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_rate_limit_holds_for_parallel_votes_of_one_participant(consultation, store_settings):
    """20 votes of ONE participant at once (4 Stores, as 4 app instances would), limit 5 per minute:
    exactly 5 are stored, the other 15 are refused with the limit and a retry time."""
    from deliberation.errors import RateLimited
    from deliberation.ratelimit import RateLimits

    store, cid = consultation
    pid = store.add_participant(cid)
    limits = RateLimits(votes_per_window=PARALLEL_LIMIT, vote_window_s=60)
    stores = [Store(store_settings, limits=limits) for _ in range(4)]
    results = _fire(PARALLEL_REQUESTS, lambda i: stores[i % 4].cast_vote(cid, pid, str(1 + i % 3), [1, -1, 0][i % 3]))
    refused = [r for r in results if isinstance(r, RateLimited)]
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, RateLimited)], results
    assert len(results) - len(refused) == PARALLEL_LIMIT
    assert store.counts(cid)["vote_events"] == PARALLEL_LIMIT
    assert all("at most 5 votes per 60 seconds" in str(r) and 0 < r.retry_after_s <= 60 for r in refused)
    with pytest.raises(RateLimited):  # and the window stays full afterwards
        stores[0].cast_vote(cid, pid, "1", "agree")
    stores[0].cast_vote(cid, store.add_participant(cid), "1", "agree")  # others are not affected


def test_rate_limit_holds_for_parallel_statements_of_one_participant(consultation, store_settings):
    from deliberation.errors import RateLimited
    from deliberation.ratelimit import RateLimits

    store, cid = consultation
    pid = store.add_participant(cid)
    limits = RateLimits(statements_per_window=3, statement_window_s=600)
    stores = [Store(store_settings, limits=limits) for _ in range(4)]
    results = _fire(10, lambda i: stores[i % 4].add_statement(cid, pid, f"Idea number {i} for Harbour Road"))
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, RateLimited)], results
    assert sum(isinstance(r, RateLimited) for r in results) == 7
    mine = [s for s in store.statements(cid) if s.author == pid]
    assert len(mine) == 3 and len({s.external_id for s in mine}) == 3


def test_two_app_instances_adding_statements_at_once_get_distinct_ids(consultation, store_settings):
    """add_statement numbers a new statement max+1: two Stores (app instances) adding at the same
    time may pick the same number; the loser retries with the next one instead of failing."""
    from deliberation.ratelimit import UNLIMITED

    store, cid = consultation
    stores = [Store(store_settings, limits=UNLIMITED) for _ in range(2)]
    per_thread = 15

    def add(i):
        return [stores[i].add_statement(cid, None, f"Statement {k} from instance {i}").external_id
                for k in range(per_thread)]

    results = _fire(2, add)
    assert not [r for r in results if isinstance(r, Exception)], results
    new = [x for r in results for x in r]
    assert len(set(new)) == 2 * per_thread
    ids = [s.external_id for s in store.statements(cid)]
    assert len(ids) == 3 + 2 * per_thread and sorted(ids, key=int) == [str(i) for i in range(1, 4 + 2 * per_thread)]


def test_the_same_words_sent_at_once_by_four_people_are_stored_once(consultation, store_settings):
    """Four people (on four app instances) send one sentence in other case and spacing at the same
    moment: one statement is stored, the three others are refused naming it (the participant page
    checked before add_statement, and two sent in the same second both passed). A participant's
    own statement again is refused as theirs; a statement held for review is not revealed; drafts,
    the moderator's statements and imports are not checked (the import fixture holds none twice)."""
    from deliberation.errors import SameWords
    from deliberation.ratelimit import UNLIMITED
    from deliberation.wording import ballot_words

    store, cid = consultation
    stores = [Store(store_settings, limits=UNLIMITED) for _ in range(4)]
    texts = ["Turn the car park into a market square.", "turn the car park into a MARKET square.",
             "  Turn the car park   into a market square.", "TURN THE CAR PARK INTO A MARKET SQUARE."]
    results = _fire(4, lambda i: stores[i].add_statement(cid, f"xid:p{i}", texts[i]))
    stored = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, SameWords)]
    assert len(stored) == 1 and len(refused) == 3, results
    sid = stored[0].external_id
    assert {(r.statement, r.own, str(r)) for r in refused} == {
        (sid, False, f"statement {sid} says this already, word for word")}
    said = [s for s in store.statements(cid) if ballot_words(s.text) == ballot_words(texts[0])]
    assert [s.external_id for s in said] == [sid]
    with pytest.raises(SameWords) as e:  # its author again
        store.add_statement(cid, stored[0].author, texts[2])
    assert (e.value.statement, e.value.own) == (sid, True) and "added this statement already" in str(e.value)
    with pytest.raises(SameWords) as e:  # an imported statement says it
        store.add_statement(cid, "xid:p9", "plant more trees on harbour road")
    assert e.value.statement == "1"
    store.set_moderation(cid, "2", ModerationStatus.NEEDS_REVIEW)  # held: others do not learn of it
    assert store.add_statement(cid, "xid:p9", "Keep two lanes for cars").external_id != "2"
    assert store.add_statement(cid, None, texts[0]).author is None  # the moderator's own
    assert store.add_statement(cid, None, texts[0], is_draft=True).is_draft


# ---------------------------------------------------------------------------- SQLite details
def test_sqlite_paths_with_url_special_characters(tmp_path):
    """A data directory whose path holds "%", "?", "#" or a space: the file is made where it should
    be, and the read-only URL (used on a read-only file system) opens that same file."""
    from sqlalchemy import create_engine

    from deliberation.config import Settings
    from deliberation.storage.store import _read_only_sqlite_url

    data = tmp_path / "a%41b?c#d e"
    store = Store(Settings(data_dir=data))
    cid = store.create_consultation("What should Harbour Road become?")[0].id
    assert (data / "deliberation.sqlite").exists() and len(list(tmp_path.iterdir())) == 1
    for state in ("with -wal and -shm (mode=ro)", "checkpointed (immutable)"):
        if state.startswith("checkpointed"):
            store.engine.dispose()  # the last connection checkpoints and removes the -wal file
        url = _read_only_sqlite_url(data / "deliberation.sqlite")
        engine = create_engine(url)
        try:
            with engine.connect() as c:
                assert c.exec_driver_sql("SELECT id FROM consultations").scalars().all() == [cid], state
        finally:
            engine.dispose()


def test_bulk_cache_reset_failure_does_not_hide_the_import_error():
    """The cache size is set back after a bulk import; if that fails too (a broken connection),
    the import's own error is the one raised."""
    from deliberation.storage.store import _bulk_cache

    class Conn:
        class dialect:
            name = "sqlite"

        def exec_driver_sql(self, sql):
            if sql == "PRAGMA cache_size=-2000":  # setting the old size back
                raise RuntimeError("connection lost")
            return type("R", (), {"scalar": lambda self: -2000})()

    class Session:
        def connection(self):
            return Conn()

    with pytest.raises(ValueError, match="disk full"):
        with _bulk_cache(Session()):
            raise ValueError("disk full")
    with pytest.raises(RuntimeError, match="connection lost"):  # without an import error: raised
        with _bulk_cache(Session()):
            pass


def test_fetch_int_columns_in_batches_matches_a_plain_select(store_settings):
    """The batched fetch behind vote_matrix (a server-side cursor on PostgreSQL) returns every row."""
    from sqlalchemy import select

    from deliberation.config import SAMPLE_CORPUS
    from deliberation.importers.polis import read_polis_export
    from deliberation.storage.sql import _fetch_int_columns
    from deliberation.storage.tables import VoteRow

    store = Store(store_settings)
    cid = store.import_bundle(read_polis_export(SAMPLE_CORPUS)).consultation_id
    stmt = select(VoteRow.participant_id, VoteRow.statement_id, VoteRow.value).where(VoteRow.consultation_id == cid)
    with store.session() as s:
        want = sorted(tuple(r) for r in s.execute(stmt).all())
        cols = _fetch_int_columns(s, stmt, 3, batch=1000)
        assert sorted(zip(*(c.tolist() for c in cols))) == want and len(want) > 3000
        assert [len(c) for c in _fetch_int_columns(s, stmt.where(VoteRow.value == 99), 3, batch=1000)] == [0, 0, 0]
