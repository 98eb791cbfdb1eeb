"""One data directory shared by the app and the command line (issue 10's "Error finding id").

- The cause, reproduced with Chroma alone: two processes on one embedded folder; one reads what
  the other added ("Error finding id"), then persists its stale HNSW index over the other's, and
  the folder fails in every later process. Our repair (rebuild the consultation's vectors from
  the statements) brings it back.
- Embedded Chroma is opened by one process at a time: a second one gets one line naming the holder.
- ``python -m ui.launch`` (what ``make run`` runs) starts a Chroma server that every process uses:
  the app runs the facilitation graph while the CLI imports into and analyses the same data
  directory, in real processes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

from conftest import CLI_ENV as ENV
from conftest import REPO, run_cli
from deliberation.config import Settings
from deliberation.processes import free_port
from deliberation.storage import Store, VectorIndex, chroma_server
from ui_helpers import SECRET, browser_skip_reason, copy_sample


#: Raw Chroma, no project code: process A (the app) keeps a client open; B (a CLI in a second
#: terminal) upserts 1,200 records (past Chroma's HNSW sync threshold of 1,000, so B writes its
#: index files); A reads B's records, then upserts 1,500 of its own and so writes its own index
#: files, which lack B's records.
WEDGE = textwrap.dedent('''
    import subprocess, sys, numpy as np, chromadb
    from chromadb.config import Settings
    path, role = sys.argv[1], sys.argv[2]
    col = chromadb.PersistentClient(path, settings=Settings(anonymized_telemetry=False)).get_or_create_collection(
        "statements", embedding_function=None, metadata={"hnsw:space": "cosine"})
    def put(cid, n):
        v = np.random.default_rng(cid).normal(size=(n, 384)).astype(np.float32)
        col.upsert(ids=[f"{cid}:{i}" for i in range(n)], embeddings=v, documents=[f"s{i}" for i in range(n)],
                   metadatas=[{"consultation": cid, "statement": str(i)} for i in range(n)])
    if role == "B":
        put(2, 1200); sys.exit()
    put(1, 200)
    subprocess.run([sys.executable, __file__, path, "B"], check=True)
    try:
        col.get(ids=[f"2:{i}" for i in range(1200)], include=["embeddings"]); print("A read B's records")
    except Exception as e:
        print("A:", e)
    put(3, 1500)
''')


def test_two_processes_on_one_embedded_folder_wedge_it_and_the_rebuild_repairs(tmp_path):
    from deliberation.models import Statement
    from deliberation.services import embedder_for, indexed_vectors

    folder = tmp_path / "data" / "chroma"
    script = tmp_path / "wedge.py"
    script.write_text(WEDGE)
    out = subprocess.run([sys.executable, str(script), str(folder), "A"], capture_output=True, text=True,
                         env=ENV, timeout=600)
    assert out.returncode == 0, out.stderr
    if "Error finding id" not in out.stdout:
        pytest.skip(f"this Chroma version no longer shows the two-process fault: {out.stdout.strip()}")
    statements = [Statement(external_id=str(i), text=f"s{i}") for i in range(1200)]
    with VectorIndex(folder) as index:  # a later process: the fault stayed in the folder
        with pytest.raises(Exception, match="Error finding id"):
            index.vectors(2, ["0", "1"])
        notes: list[str] = []
        # the wedged collection holds 384-dimensional vectors (the legacy "statements" collection):
        # rebuilt with the 384-dimensional model
        minilm = embedder_for(Settings(data_dir=tmp_path / "data", embedding_model="all-MiniLM-L6-v2"))
        have, rebuilt = indexed_vectors(index, minilm, 2, statements, note=notes.append)
        assert rebuilt == 1200 and len(have) == 1200
        assert notes and "rebuilt 1200 vectors from the statements" in notes[0] and "Error finding id" in notes[0]
        # as the console says it (tests/test_i18n.py): in its language, the store's words as they were
        from deliberation.words import said
        from ui.i18n import Words
        from ui.run_log import log_lines

        german = log_lines([said("log.intake_note", detail=notes[0])], Words("de"))[0]
        assert german.startswith("Eingang: der Vektorindex hat bei den Einträgen dieser Beteiligung versagt (") \
            and "Error finding id" in german and german.endswith("; 1200 Vektoren wurden aus den Aussagen neu aufgebaut")
    fresh = subprocess.run([sys.executable, "-c", textwrap.dedent(f'''
        from deliberation.storage import VectorIndex
        ix = VectorIndex({str(folder)!r})
        print(len(ix.vectors(2, [str(i) for i in range(1200)])), len(ix.vectors(3, [str(i) for i in range(1500)])))
    ''')], capture_output=True, text=True, env=ENV, cwd=REPO, timeout=300)
    assert fresh.stdout.split() == ["1200", "1500"], fresh.stderr


def test_embedded_store_is_opened_by_one_process_at_a_time(imported, tmp_path):
    sample = copy_sample(imported, tmp_path / "data")  # the import closed its index: the lock is free
    with VectorIndex(Settings(data_dir=sample.data_dir).chroma_path):
        res = run_cli(sample.data_dir, "analyze", str(sample.cid), check=False)
        assert res.returncode == 2
        line = " ".join(res.stderr.split())
        assert f"is open in another process (pid {os.getpid()}" in line and "make run" in line
        assert "Traceback" not in res.stderr
    res = run_cli(sample.data_dir, "analyze", str(sample.cid))  # released: the CLI works again
    assert "opinion group" in res.stdout.lower() or "group" in res.stdout.lower()


@pytest.mark.slow
def test_app_runs_the_graph_while_the_cli_imports_and_analyses(imported, tmp_path):
    """`python -m ui.launch` (the `make run` command) with its Chroma server; the moderator runs the
    graph in a real browser; meanwhile the CLI imports a new consultation into the same data
    directory and analyses it and the sample. All succeed; nothing reports "Error finding id"."""
    if browser_skip_reason():
        pytest.skip(browser_skip_reason())
    from playwright.sync_api import expect

    from ui_helpers import chromium_page, sign_in

    sample = copy_sample(imported, tmp_path / "data")
    data = sample.data_dir
    port = free_port()
    log = open(tmp_path / "launch.log", "w")
    app = subprocess.Popen([sys.executable, "-m", "ui.launch", "--port", str(port), "--no-sample"], cwd=REPO,
                           env={**ENV, "DELIBERATION_DATA": str(data)}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while True:
            assert app.poll() is None, (tmp_path / "launch.log").read_text()
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert time.time() < deadline, (tmp_path / "launch.log").read_text()
                time.sleep(0.5)
        assert chroma_server.recorded_url(Settings(data_dir=data))  # the server every process uses
        csv = tmp_path / "more.csv"
        csv.write_text("text\nA weekly farmers market on the square\nMore benches along the river\n"
                       "Longer opening hours for the library\nA second bus stop near the school\n")
        with chromium_page(1280, 900) as (_, page):
            sign_in(page, url, sample.code, SECRET)
            page.get_by_role("tab", name="Facilitation").click()
            page.get_by_role("button", name="Run the facilitation graph").click()
            expect(page.get_by_text("Running the facilitation graph").first).to_be_visible()
            # while the app runs the graph: a second process imports and analyses
            imp = run_cli(data, "import-statements", str(csv), "--question", "What would improve the town centre?")
            ana = run_cli(data, "analyze", "2")
            ana1 = run_cli(data, "analyze", str(sample.cid))
            expect(page.get_by_text(re.compile(r"^Review \d+ drafts$"))).to_be_visible(timeout=600_000)
        store = Store(Settings(data_dir=data))
        assert store.counts(2)["statements"] == 4 and "consultation" in (imp.stdout + imp.stderr).lower()
        assert ana.stdout.strip() and ana1.stdout.strip()
        with urllib.request.urlopen(chroma_server.recorded_url(Settings(data_dir=data)) + "/api/v2/heartbeat"):
            pass
        run_cli(data, "analyze", "2")  # still readable afterwards
    finally:
        app.terminate()
        app.wait(timeout=60)
        log.close()
    launched = (tmp_path / "launch.log").read_text()
    assert "Error finding id" not in launched and "Vector store: Chroma server" in launched
    assert not (data / chroma_server.SERVER_FILE).exists()  # stopped with the app
