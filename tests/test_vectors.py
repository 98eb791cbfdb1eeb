"""The vector index (deliberation/storage/vectors.py) embedded and as a Chroma server.

A session fixture starts a real ``chroma run`` on 127.0.0.1 and a free port with its data in a
temporary folder (or uses the server in ``$DELIBERATION_TEST_CHROMA_URL``, which must be a scratch
server: the tests write and delete consultations there) and stops it at the end. The index tests
run against both the embedded ``PersistentClient`` and that server, with real embeddings of the
bundled Harbour Road statements. Nothing here needs the network beyond 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from deliberation.config import CHROMA_URL_ENV, SAMPLE_CORPUS, Settings
from deliberation.errors import InputError
from deliberation.models import ModerationStatus, Statement
from deliberation.processes import free_port, stop_process, wait_until_answers
from deliberation.storage.vectors import (
    ANCHOR_CONSULTATION,
    ANCHOR_ID,
    UPSERT_BATCH,
    VectorIndex,
    VectorStoreUnavailable,
    parse_chroma_url,
)

REPO = Path(__file__).resolve().parents[1]
#: A Chroma server the tests may write to; unset = start ``chroma run`` for the session.
TEST_CHROMA_URL_ENV = "DELIBERATION_TEST_CHROMA_URL"
#: Seconds ``chroma run`` may take to answer its heartbeat.
SERVER_START_TIMEOUT_S = 60
#: Statements taken from the bundled sample for the index tests.
N_STATEMENTS = 40
#: The default embedding model's vector length (use-multilingual-v3, an Embedder's model when none is named)
DIM = 512
#: The English model, which the "auto" choice gives the English sample when it is imported
MINILM = "all-MiniLM-L6-v2"
#: Records in the batch test: more than one upsert batch.
N_LARGE = UPSERT_BATCH + 1500
#: Seconds a child process (imports chromadb, talks to the server) may take.
CHILD_TIMEOUT_S = 120
BACKENDS = ["embedded", "server"]
#: Tests whose server-side run gets its own `chroma run` (they delete thousands of records).
OWN_SERVER = {"test_batches_larger_than_one_chroma_call"}


# ---- the server ----------------------------------------------------------------------------
def _heartbeat(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    try:
        with opener.open(f"{url}/api/v2/heartbeat", timeout=2) as resp:
            return resp.status == 200 and "heartbeat" in resp.read().decode()
    except OSError:
        return False


def _chroma_cli() -> Path:
    cli = Path(sys.executable).parent / "chroma"
    assert cli.is_file(), f"the chroma CLI (part of the chromadb package) is missing at {cli}"
    return cli


@contextlib.contextmanager
def running_chroma(root: Path):
    """``chroma run`` on 127.0.0.1 and a free port with its data in ``root``; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
    with open(root / "server.log", "wb") as log:
        proc = subprocess.Popen([str(_chroma_cli()), "run", "--path", str(root / "db"), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
        try:
            if not wait_until_answers(lambda: _heartbeat(url), proc, SERVER_START_TIMEOUT_S, poll_s=0.2):
                log.flush()
                tail = (root / "server.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"`chroma run` did not come up on {url} (exit code {proc.poll()}):\n{tail}")
            yield url
        finally:
            stop_process(proc, timeout=15)


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory):
    """URL of a running Chroma server (started here unless $DELIBERATION_TEST_CHROMA_URL is set)."""
    given = os.environ.get(TEST_CHROMA_URL_ENV)
    if given:
        if not _heartbeat(given.rstrip("/")):
            pytest.fail(f"${TEST_CHROMA_URL_ENV}={given} does not answer /api/v2/heartbeat")
        yield given.rstrip("/")
        return
    with running_chroma(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


@pytest.fixture
def own_chroma_url(tmp_path, chroma_url):
    """A server for one test that leaves many deleted records behind: Chroma's HNSW index then
    answers fewer neighbours for a while, which would disturb the tests sharing the session server
    (the external $DELIBERATION_TEST_CHROMA_URL server is used as it is)."""
    if os.environ.get(TEST_CHROMA_URL_ENV):
        yield chroma_url
        return
    root = tmp_path / "own-chroma"
    root.mkdir()
    with running_chroma(root) as url:
        yield url


# ---- data ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """One ONNX export and vector cache for the module (data dirs link their models/ here)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def embedder(model_dir):
    from deliberation.embeddings import Embedder, EmbeddingConfig

    emb = Embedder(EmbeddingConfig(cache_dir=model_dir, show_progress=False))
    yield emb
    emb.close()


def harbour_texts(n: int) -> list[tuple[str, str, str]]:
    """(comment id, author id, text) of the first n statements of the bundled sample."""
    with open(SAMPLE_CORPUS / "comments.csv", newline="", encoding="utf-8") as fh:
        rows = [(r["comment-id"], r["author-id"], r["comment-body"].strip()) for r in csv.DictReader(fh)]
    assert len(rows) >= n
    return rows[:n]


@pytest.fixture(scope="module")
def harbour(embedder):
    """Statements and their real embeddings (unit vectors)."""
    rows = harbour_texts(N_STATEMENTS)
    statements = [Statement(external_id=cid, author=aid, text=text) for cid, aid, text in rows]
    vectors = embedder.encode([s.text for s in statements])
    assert vectors.shape == (N_STATEMENTS, DIM)
    return statements, vectors


def fresh_cid() -> int:
    """A consultation id no other test (or earlier run on a kept server) uses."""
    return random.randrange(10**9, 2 * 10**9)


@pytest.fixture(params=BACKENDS)
def index(request, tmp_path):
    if request.param == "embedded":
        return VectorIndex(tmp_path / "chroma")
    server = "own_chroma_url" if request.node.originalname in OWN_SERVER else "chroma_url"
    return VectorIndex(url=request.getfixturevalue(server))


@pytest.fixture
def cid(index):
    c = fresh_cid()
    yield c
    index.delete(c)


def brute_force(vectors: np.ndarray, query: np.ndarray, allowed: list[int], n: int) -> list[int]:
    sims = vectors[allowed] @ query
    return [allowed[i] for i in np.argsort(-sims, kind="stable")[:n]]


# ---- the index, embedded and on the server ---------------------------------------------------
def test_similar_returns_nearest_first(index, cid, harbour, embedder):
    statements, vectors = harbour
    index.upsert(cid, statements, vectors)
    assert index.count(cid) == N_STATEMENTS
    everyone = list(range(N_STATEMENTS))
    for k in (0, 7, 23, 39):
        got = index.similar(cid, vectors[k], n=5)
        assert got[0][0] == statements[k].external_id and got[0][1] == statements[k].text
        assert got[0][2] == pytest.approx(1.0, abs=1e-4)
        assert [g[0] for g in got] == [statements[i].external_id for i in brute_force(vectors, vectors[k], everyone, 5)]
        sims = [g[2] for g in got]
        assert sims == sorted(sims, reverse=True)
        expected = [float(vectors[i] @ vectors[k]) for i in brute_force(vectors, vectors[k], everyone, 5)]
        assert sims == pytest.approx(expected, abs=1e-4)
    # a new sentence finds the statements a brute-force cosine ranks first
    query = embedder.encode(["The buses are far too slow on Harbour Road at rush hour."])[0]
    got = index.similar(cid, query, n=3)
    assert [g[0] for g in got] == [statements[i].external_id for i in brute_force(vectors, query, everyone, 3)]
    assert "bus" in got[0][1].lower()


def test_rejected_and_queued_statements_are_not_suggested(index, cid, harbour):
    statements, vectors = harbour
    flagged = {3: ModerationStatus.REJECTED, 4: ModerationStatus.NEEDS_REVIEW, 5: ModerationStatus.ACCEPTED}
    marked = [s.model_copy(update={"moderation": flagged[i]}) if i in flagged else s for i, s in enumerate(statements)]
    index.upsert(cid, marked, vectors)
    hidden = {statements[3].external_id, statements[4].external_id}
    for k in (3, 4):
        got = [g[0] for g in index.similar(cid, vectors[k], n=N_STATEMENTS)]
        assert len(got) == N_STATEMENTS - 2 and not hidden & set(got)
        assert index.similar(cid, vectors[k], n=1, exclude_rejected=False)[0][0] == statements[k].external_id
    assert index.similar(cid, vectors[5], n=1)[0][0] == statements[5].external_id

    # the moderator's decisions: metadata changes, nothing else does
    index.set_moderation(cid, statements[5].external_id, "rejected")
    index.set_moderation(cid, statements[3].external_id, "accepted")
    index.set_moderation(cid, "no-such-statement", "rejected")  # ignored
    got = [g[0] for g in index.similar(cid, vectors[5], n=N_STATEMENTS)]
    assert statements[5].external_id not in got and statements[3].external_id in got
    assert index.similar(cid, vectors[3], n=1)[0][0] == statements[3].external_id
    meta = index.collection.get(ids=[index.key(cid, statements[5].external_id)], include=["metadatas"])["metadatas"][0]
    # no participant id in the metadata (a Chroma server has no authentication of its own)
    assert meta == {"consultation": cid, "statement": statements[5].external_id,
                    "moderation": "rejected", "is_draft": False}
    assert index.count(cid) == N_STATEMENTS


def test_no_participant_id_in_vector_metadata(index, cid, harbour):
    """No record carries its author; an ``author`` key an earlier version stored goes when the
    record is written again (re-embedded or moderated)."""
    statements, vectors = harbour
    assert any(s.author for s in statements[:6])  # the sample has authors: not vacuous
    index.upsert(cid, statements[:6], vectors[:6])
    keys = [index.key(cid, s.external_id) for s in statements[:6]]
    metas = index.collection.get(ids=keys, include=["metadatas"])["metadatas"]
    assert len(metas) == 6 and not any("author" in m for m in metas)
    # as an earlier version wrote them
    index.collection.update(ids=keys[:2], metadatas=[{"author": statements[i].author or "x"} for i in range(2)])
    assert all("author" in m for m in index.collection.get(ids=keys[:2], include=["metadatas"])["metadatas"])
    index.upsert(cid, statements[:1], vectors[:1])
    index.set_moderation(cid, statements[1].external_id, "accepted")
    metas = index.collection.get(ids=keys[:2], include=["metadatas"])["metadatas"]
    assert not any("author" in m for m in metas), metas
    assert metas[1]["moderation"] == "accepted" and metas[0]["statement"] == statements[0].external_id


def test_vectors_count_delete_and_consultations_apart(index, cid, harbour):
    statements, vectors = harbour
    other = fresh_cid()
    try:
        index.upsert(cid, statements, vectors)
        index.upsert(other, statements[:10], vectors[:10])
        assert (index.count(cid), index.count(other)) == (N_STATEMENTS, 10)
        ids = [s.external_id for s in statements]
        stored = index.vectors(cid, ids + ["not-indexed"])
        assert set(stored) == set(ids)
        for i, s in enumerate(statements):
            np.testing.assert_allclose(stored[s.external_id], vectors[i], atol=1e-6)
        # upsert again (the same ids): replaced, not duplicated
        index.upsert(cid, statements[:5], vectors[5:10])
        assert index.count(cid) == N_STATEMENTS
        np.testing.assert_allclose(index.vectors(cid, [ids[0]])[ids[0]], vectors[5], atol=1e-6)

        index.delete(cid, ids[:15])
        index.delete(cid, [])  # nothing
        assert index.count(cid) == N_STATEMENTS - 15
        assert set(index.vectors(cid, ids)) == set(ids[15:])
        assert {g[0] for g in index.similar(cid, vectors[0], n=N_STATEMENTS)} == set(ids[15:])
        index.delete(cid)
        assert index.count(cid) == 0 and index.similar(cid, vectors[0]) == []
        assert index.count(other) == 10  # another consultation is untouched
        # the anchor record keeps the collection from becoming empty and belongs to no consultation
        anchor = index.collection.get(ids=[ANCHOR_ID], include=["metadatas"])
        assert anchor["metadatas"][0]["consultation"] == ANCHOR_CONSULTATION
        if index.url is None:  # the embedded store is this test's alone
            assert index.total() == 10 and index.collection.count() == 11
    finally:
        index.delete(other)


def test_batches_larger_than_one_chroma_call(index, cid):
    rng = np.random.default_rng(7)
    vecs = rng.normal(size=(N_LARGE, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    statements = [Statement(external_id=f"r{i}", text=f"random statement number {i}") for i in range(N_LARGE)]
    index.upsert(cid, statements, vecs)
    assert index.count(cid) == N_LARGE
    ids = [s.external_id for s in statements]
    stored = index.vectors(cid, ids)
    assert len(stored) == N_LARGE
    np.testing.assert_allclose(stored[f"r{N_LARGE - 1}"], vecs[-1], atol=1e-6)
    for k in (0, UPSERT_BATCH, N_LARGE - 1):  # first and second batch
        assert index.similar(cid, vecs[k], n=1)[0][0] == f"r{k}"
    index.delete(cid, ids)
    assert index.count(cid) == 0
    with pytest.raises(ValueError, match="one vector per statement"):
        index.upsert(cid, statements[:2], vecs[:3])


def test_embedded_and_server_answer_alike(tmp_path, chroma_url, harbour):
    statements, vectors = harbour
    embedded, server = VectorIndex(tmp_path / "chroma"), VectorIndex(url=chroma_url)
    cid = fresh_cid()
    try:
        for ix in (embedded, server):
            ix.upsert(cid, statements, vectors)
        for k in range(0, N_STATEMENTS, 5):
            a, b = embedded.similar(cid, vectors[k], n=8), server.similar(cid, vectors[k], n=8)
            assert [x[0] for x in a] == [x[0] for x in b]
            assert [x[2] for x in a] == pytest.approx([x[2] for x in b], abs=1e-5)
    finally:
        server.delete(cid)


# ---- several clients on one server ------------------------------------------------------------
CHILD = r"""
import json, sys
import numpy as np
from deliberation.models import Statement
from deliberation.storage.vectors import VectorIndex
url, cid, action = sys.argv[1], int(sys.argv[2]), sys.argv[3]
index = VectorIndex(url=url)
if action == "write":
    rows = json.loads(sys.stdin.read())
    index.upsert(cid, [Statement(external_id=r["id"], text=r["text"]) for r in rows],
                 np.asarray([r["vector"] for r in rows], dtype=np.float32))
    index.set_moderation(cid, rows[0]["id"], "rejected")
else:
    vec = np.asarray(json.loads(sys.stdin.read()), dtype=np.float32)
    print(json.dumps({"count": index.count(cid), "similar": [s[0] for s in index.similar(cid, vec, n=3)]}))
"""


def _child(url: str, cid: int, action: str, payload) -> str:
    res = subprocess.run([sys.executable, "-c", CHILD, url, str(cid), action], input=json.dumps(payload),
                         capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, cwd=REPO,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


def test_two_processes_share_one_server(chroma_url, harbour):
    statements, vectors = harbour
    here = VectorIndex(url=chroma_url)
    cid = fresh_cid()
    try:
        # another process writes; this one sees the statements and the moderation decision
        rows = [{"id": s.external_id, "text": s.text, "vector": v.tolist()} for s, v in zip(statements[:20], vectors[:20])]
        _child(chroma_url, cid, "write", rows)
        assert here.count(cid) == 20
        assert here.similar(cid, vectors[1], n=1)[0][0] == statements[1].external_id
        assert statements[0].external_id not in {g[0] for g in here.similar(cid, vectors[0], n=20)}
        # this process writes and moderates; another process sees it
        here.upsert(cid, statements[20:], vectors[20:])
        here.set_moderation(cid, statements[25].external_id, "needs_review")
        seen = json.loads(_child(chroma_url, cid, "read", vectors[25].tolist()))
        assert seen["count"] == N_STATEMENTS
        assert statements[25].external_id not in seen["similar"]
        assert json.loads(_child(chroma_url, cid, "read", vectors[30].tolist()))["similar"][0] == statements[30].external_id
    finally:
        here.delete(cid)


# ---- configuration and errors -------------------------------------------------------------------
def test_chroma_url_is_parsed_and_checked():
    assert parse_chroma_url("http://127.0.0.1:8000") == ("127.0.0.1", 8000, False)
    assert parse_chroma_url(" http://chroma.internal/ ") == ("chroma.internal", 8000, False)
    assert parse_chroma_url("https://chroma.example.org") == ("chroma.example.org", 443, True)
    assert parse_chroma_url("https://[::1]:9443") == ("::1", 9443, True)
    for bad in ("127.0.0.1:8000", "ftp://host:21", "http://", "http://host:99999", "http://host:8000/chroma",
                "http://user:pw@host:8000", ""):
        with pytest.raises(InputError, match="Chroma URL"):
            parse_chroma_url(bad)
    with pytest.raises(ValueError):
        VectorIndex()
    with pytest.raises(ValueError):
        VectorIndex("/tmp/x", url="http://127.0.0.1:8000")


def test_settings_choose_the_index(tmp_path, chroma_url, monkeypatch):
    monkeypatch.delenv(CHROMA_URL_ENV, raising=False)
    embedded = Settings(data_dir=tmp_path / "a")
    assert embedded.chroma_url is None
    ix = VectorIndex.from_settings(embedded)
    assert ix.url is None and ix.path == embedded.chroma_path and embedded.chroma_path.is_dir()

    monkeypatch.setenv(CHROMA_URL_ENV, chroma_url)
    served = Settings(data_dir=tmp_path / "b")
    assert served.chroma_url == chroma_url
    ix = VectorIndex.from_settings(served)
    assert ix.url == chroma_url and ix.path is None and ix.location == chroma_url
    assert not served.chroma_path.exists()  # no embedded store is made beside the server

    from graphs.context import Services

    assert Services(served).index_for().url == chroma_url


def test_each_model_has_its_own_collection_and_mixing_is_refused(tmp_path, harbour, embedder):
    from deliberation.storage.vectors import EmbeddingModelMismatch, collection_name

    statements, vectors = harbour
    use = VectorIndex(tmp_path / "chroma", model_id=embedder.model_id)
    assert use.collection.metadata["embedding_model"] == embedder.model_id
    assert use.collection.name == collection_name(embedder.model_id) != "statements"
    use.upsert(7, statements[:3], vectors[:3], model_id=embedder.model_id)
    with pytest.raises(EmbeddingModelMismatch, match="all-MiniLM-L6-v2@0123.*nothing was stored"):
        use.upsert(7, statements[3:5], vectors[3:5], model_id="all-MiniLM-L6-v2@0123")
    assert use.count(7) == 3
    # another model opens its own, empty collection in the same store: nothing is mixed
    other = VectorIndex(tmp_path / "chroma", model_id="all-MiniLM-L6-v2@0123")
    assert other.count(7) == 0 and use.count(7) == 3
    # a collection whose recorded model differs from its name is refused on open
    forged = use.client.get_or_create_collection(collection_name("x@1"), embedding_function=None,
                                                 metadata={"hnsw:space": "cosine", "embedding_model": "y@2"})
    assert forged.metadata["embedding_model"] == "y@2"
    with pytest.raises(EmbeddingModelMismatch, match="records vectors of y@2, not of x@1"):
        VectorIndex(tmp_path / "chroma", model_id="x@1")


def test_switching_models_reembeds_into_the_new_collection(tmp_path, model_dir, harbour):
    """statement_vectors under another model finds nothing in that model's collection and embeds
    every statement again (never returning the other model's vectors)."""
    from deliberation import services

    statements, _ = harbour
    data = _data_dir(tmp_path, model_dir)
    use_settings = Settings(data_dir=data, chroma_url=None, embedding_model="use-multilingual-v3")
    minilm_settings = Settings(data_dir=data, chroma_url=None, embedding_model=MINILM)
    first, _ = services.statement_vectors(use_settings, 3, statements[:5])
    second, _ = services.statement_vectors(minilm_settings, 3, statements[:5])
    assert first.shape == (5, DIM) and second.shape == (5, 384)
    assert VectorIndex.from_settings(minilm_settings).count(3) == 5
    assert VectorIndex.from_settings(use_settings).count(3) == 5


def test_unreachable_server_is_one_clear_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(VectorStoreUnavailable, match=re.escape(url)) as info:
        VectorIndex(url=url)
    assert "could not be reached" in str(info.value)

    # the command line: one line naming the URL, exit code 2, nothing stored
    data = tmp_path / "data"
    csv_path = tmp_path / "statements.csv"
    csv_path.write_text("id,text\n1,More crossings near the school please.\n2,Keep the parking.\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "graphs.cli", "--data-dir", str(data), "--chroma-url", url,
                          "import-statements", str(csv_path), "--question", "Harbour Road?"],
                         capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, cwd=REPO)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr and url in res.stderr and "could not be reached" in res.stderr
    from deliberation.storage import Store

    assert Store(Settings(data_dir=data)).list_consultations() == []


# ---- end to end: import into SQLite + the Chroma server -------------------------------------------
def _data_dir(tmp_path: Path, model_dir: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(model_dir, target_is_directory=True)  # reuse the module's ONNX export
    return data


def test_import_with_a_chroma_server_end_to_end(tmp_path, chroma_url, model_dir, embedder, monkeypatch):
    from deliberation import services
    from deliberation.importers.polis import read_polis_export
    from deliberation.storage import Store

    monkeypatch.delenv(CHROMA_URL_ENV, raising=False)
    data = _data_dir(tmp_path, model_dir)
    settings = Settings(data_dir=data, chroma_url=chroma_url, embedding_model=None)  # "auto"
    # the sample is English: the "auto" choice embeds it with the English model, into its collection
    embedder = services.embedder_for(settings, MINILM)
    server = VectorIndex(url=chroma_url, model_id=embedder.model_id)
    for stale in (1, 2):  # consultation ids a fresh database hands out (left by an earlier run on a kept server)
        server.delete(stale)
    try:
        # the service the UI and `make run` use
        report = services.import_bundle(settings, read_polis_export(SAMPLE_CORPUS), question="Harbour Road?")
        cid = report.consultation_id
        store = Store(settings)
        statements = store.statements(cid)
        assert server.count(cid) == len(statements) == report.statements
        assert not (data / "chroma").exists()
        queued = {s.external_id for s in statements if s.moderation in (ModerationStatus.NEEDS_REVIEW,
                                                                         ModerationStatus.REJECTED)}
        assert queued, "the sample has statements for the moderator queue"
        query = embedder.encode(["Make the street safe for children walking to school."])[0]
        got = server.similar(cid, query, n=10)
        assert len(got) == 10 and not queued & {g[0] for g in got}
        assert any("school" in g[1].lower() or "kids" in g[1].lower() for g in got[:3])
        # vectors come back from the server: nothing to embed again
        assert store.get_consultation(cid).settings["embedding_model"] == MINILM
        have, choice = services.statement_vectors(settings, cid, statements)
        assert have.shape == (len(statements), embedder.dim) and choice.model == MINILM and not choice.switched

        # the command line, same data directory and server
        rows = harbour_texts(30)
        csv_path = tmp_path / "statements.csv"
        with open(csv_path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "author", "text"])
            w.writerows([(f"s{c}", a, t) for c, a, t in rows])
        res = subprocess.run([sys.executable, "-m", "graphs.cli", "--data-dir", str(data),
                              "--chroma-url", chroma_url, "import-statements", str(csv_path),
                              "--question", "What should Harbour Road become?"],
                             capture_output=True, text=True, timeout=CHILD_TIMEOUT_S * 2, cwd=REPO,
                             env={k: v for k, v in os.environ.items() if k != CHROMA_URL_ENV})
        assert res.returncode == 0, res.stderr[-2000:]
        cli_cid = int(re.search(r"Imported into consultation (\d+)", res.stdout).group(1))
        assert cli_cid != cid
        assert server.count(cli_cid) == 30
        bus = embedder.encode(["Buses are stuck in traffic; give them priority."])[0]
        got = server.similar(cli_cid, bus, n=3)
        assert got and all(g[0].startswith("s") for g in got) and "bus" in got[0][1].lower()
        assert server.count(cid) == len(statements)  # the first consultation is untouched
        assert not (data / "chroma").exists()
    finally:
        for c in (1, 2):
            server.delete(c)
