"""Faults: SIGKILL during an import and during voting, a full disk, a read-only data directory.

SIGKILL during a graph run is covered by ``tests/test_graph.py::test_sigkill_mid_run_then_resume``
(the run is killed after the analyse checkpoint; ``deliberation resume`` continues from it and the
stored counts are unchanged).

Real components throughout: the CLI in subprocesses, SQLite in WAL mode and Chroma on disk, the
bundled embedding model. The disk-full and read-only tests mount a small tmpfs as the data
directory (root only; they skip with the reason otherwise) and always unmount it.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import CLI, REPO, SAMPLE, corpus, run_cli
from conftest import CLI_ENV as ENV
from deliberation.config import Settings
from deliberation.errors import StorageError
from deliberation.storage import Store, VectorIndex

BG = "american-assembly.bowling-green"
BG_COUNTS = {"statements": 896, "participants": 2031, "votes": 225_524, "vote_events": 225_524}
SAMPLE_COUNTS = {"statements": 210, "participants": 100, "votes": 11_675, "vote_events": 12_025}
#: seed of the kill points and of the voters
SEED = 6
#: The model the "auto" choice gives the English corpora imported here (their vectors are in its collection).
ENGLISH_MODEL = "all-MiniLM-L6-v2"


def integrity(db: Path) -> str:
    con = sqlite3.connect(str(db))
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def db_counts(db: Path) -> dict[int, dict[str, int]]:
    """Rows per consultation, read with plain sqlite3 (also rows whose consultation is missing)."""
    con = sqlite3.connect(str(db))
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM consultations ORDER BY id")]
        out: dict[int, dict[str, int]] = {}
        for table, key in (("statements", "statements"), ("participants", "participants"),
                           ("votes", "votes"), ("vote_events", "vote_events")):
            for cid, n in con.execute(f"SELECT consultation_id, count(*) FROM {table} GROUP BY consultation_id"):
                out.setdefault(cid, {})[key] = n
        for cid in ids:
            out.setdefault(cid, {})
        orphans = set(out) - set(ids)
        assert not orphans, f"rows of consultations that do not exist: {orphans}"
        return out
    finally:
        con.close()


def one_line_error(res: subprocess.CompletedProcess, *words: str) -> str:
    """The CLI failed with exit code 2 and one `error:` line holding ``words``, no traceback."""
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, res.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def vectors(data: Path, read):
    """``read(index)`` on the data directory's VectorIndex, opened in this process and closed again
    (its lock is released for the CLI processes that write to the folder next; a closed embedded
    client leaves no state behind, so the next opening reads what those processes wrote). It was a
    fresh Python process per read (~2-3 s of CPU importing the project and Chroma, four in this
    module). The collection is the English model's: the corpora imported here are English, so
    "auto" chose it."""
    with VectorIndex.from_settings(Settings(data_dir=data), ENGLISH_MODEL) as index:
        return read(index)


# --------------------------------------------------------------------------- SIGKILL: import
@pytest.fixture(scope="module")
def model_export(tmp_path_factory) -> Path:
    """A data directory whose models/ folder holds the English model's ONNX export (~30 s to
    build; the English corpora here get that model) and a warmed embedding cache, which the other
    data directories copy."""
    data = tmp_path_factory.mktemp("models") / "data"
    code = ("import sys; from pathlib import Path; from deliberation.config import Settings; "
            "from deliberation.services import embedder_for; "
            f"embedder_for(Settings(data_dir=Path(sys.argv[1])), {ENGLISH_MODEL!r}).encode(['warm up'])")
    res = subprocess.run([sys.executable, "-c", code, str(data)], capture_output=True, text=True, env=ENV,
                         cwd=REPO, timeout=600)
    assert res.returncode == 0, res.stderr
    assert (data / "models" / "embedding-cache.sqlite").is_file()
    return data


def _copy_model_export(ref: Path, data: Path) -> None:
    """Give a fresh data directory the ONNX export of all-MiniLM-L6-v2 (USE loads in seconds and
    has none), not the vector cache: saves ~30 s per run."""
    (data / "models").mkdir(parents=True, exist_ok=True)
    if (ref / "models" / "onnx").is_dir():
        shutil.copytree(ref / "models" / "onnx", data / "models" / "onnx")


def _kill_import_when(data: Path, folder: Path, trigger, limit_s: float = 120) -> str:
    """Start `deliberation import-polis`, SIGKILL it once ``trigger(elapsed)`` is true; returns how it ended."""
    proc = subprocess.Popen([*CLI, "--data-dir", str(data), "import-polis", str(folder)], env=ENV, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() - t0 < limit_s:
            if trigger(time.monotonic() - t0):
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        rc = proc.wait()
    return "killed" if rc == -signal.SIGKILL else f"finished rc={rc}"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def test_sigkill_during_import_never_leaves_a_partial_consultation(model_export, tmp_path):
    """Kill `import-polis` at several points (WAL growing, embedding, seeded random delays): each
    consultation in the store is complete or absent, the file passes integrity_check, and a re-run
    imports everything. The vector index ends with exactly the stored statements. (A complete
    reference import in a data directory of its own asserted the same counts as the re-run here, and
    its data was never read: dropped, one Bowling Green import of 225,524 votes less.)"""
    folder = corpus(BG)
    data = tmp_path / "data"
    _copy_model_export(model_export, data)
    db, wal = data / "deliberation.sqlite", data / "deliberation.sqlite-wal"
    cache = data / "models" / "embedding-cache.sqlite"
    rng = random.Random(SEED)
    triggers = {
        "WAL over 1 MB (inserting votes)": lambda t: _size(wal) > 1_000_000,
        "WAL over 12 MB (late in the inserts)": lambda t: _size(wal) > 12_000_000,
        "vector cache created (embedding, before commit)": lambda t: cache.exists(),
        **{f"after {d:.1f} s": (lambda t, d=d: t >= d) for d in (rng.uniform(0.5, 3.0), rng.uniform(3.0, 9.0))},
    }
    outcomes = {}
    for name, trigger in triggers.items():
        outcomes[name] = _kill_import_when(data, folder, trigger)
        assert integrity(db) == "ok", name
        for cid, n in db_counts(db).items():
            assert n == BG_COUNTS, f"partial consultation {cid} after a kill ({name}): {n}"
    assert any(v == "killed" for v in outcomes.values()), outcomes
    res = run_cli(data, "import-polis", str(folder))
    assert "896 statements, 2031 participants, 225524 votes" in res.stdout, res.stdout
    counts = db_counts(db)
    assert counts and all(n == BG_COUNTS for n in counts.values()), counts
    assert integrity(db) == "ok"
    # every stored consultation is fully indexed, and nothing else is (no vectors of killed imports)
    per_cid, total = vectors(data, lambda index: ([index.count(c) for c in sorted(counts)], index.total()))
    assert per_cid == [BG_COUNTS["statements"]] * len(counts), outcomes
    assert total == BG_COUNTS["statements"] * len(counts), outcomes
    print(outcomes)


KILL_AFTER_VECTORS = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from deliberation.config import Settings
    from deliberation.importers.polis import read_polis_export
    from deliberation.services import import_bundle
    from deliberation.storage.vectors import VectorIndex

    upsert = VectorIndex.upsert
    def upsert_then_die(self, *args, **kwargs):
        upsert(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)  # the vectors are written, the database commit is not
    VectorIndex.upsert = upsert_then_die
    import_bundle(Settings(data_dir=Path(sys.argv[1])), read_polis_export(Path(sys.argv[2])))
""")


def test_sigkill_between_vector_upsert_and_commit_leaves_no_stale_vectors(model_export, tmp_path):
    """The vectors are written just before the database commit. A kill in between leaves vectors of
    a consultation that was never stored; its id is reused by the next import, which must not
    inherit them (they would show up as phantom "similar statements")."""
    data = tmp_path / "data"
    _copy_model_export(model_export, data)
    script = tmp_path / "kill_after_vectors.py"
    script.write_text(KILL_AFTER_VECTORS)
    res = subprocess.run([sys.executable, str(script), str(data), str(SAMPLE)], env=ENV, cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == -signal.SIGKILL, res.stderr
    assert db_counts(data / "deliberation.sqlite") == {}  # nothing of it was committed
    assert integrity(data / "deliberation.sqlite") == "ok"
    assert vectors(data, lambda index: index.count(1)) == SAMPLE_COUNTS["statements"]  # the stale vectors are there ...
    # ... and a different consultation that gets id 1 drops them
    small = tmp_path / "small.csv"
    small.write_text("id,text\n1,Plant more trees on Harbour Road\n2,Keep two lanes for cars\n3,Add a bus lane\n")
    run_cli(data, "import-statements", str(small), "--question", "What should Harbour Road become?")
    counts = db_counts(data / "deliberation.sqlite")
    assert list(counts) == [1] and counts[1]["statements"] == 3
    count, hits = vectors(data, lambda index: (index.count(1), index.similar(1, index.vectors(1, ["3"])["3"], n=10)))
    assert count == 3
    assert sorted(h[0] for h in hits) == ["1", "2", "3"]
    assert "Add a bus lane" in [h[1] for h in hits]


# --------------------------------------------------------------------------- SIGKILL: voting
VOTER = textwrap.dedent("""
    import os, random, sys
    from pathlib import Path
    from deliberation.config import Settings
    from deliberation.errors import DeliberationError
    from deliberation.storage import Store

    data, cid, log, seed = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    people, statements = sys.argv[5].split(","), sys.argv[6].split(",")
    try:  # recorded load, not a person: no per-participant rate limit
        from deliberation.ratelimit import UNLIMITED
        store = Store(Settings(data_dir=data), limits=UNLIMITED)
    except ImportError:
        store = Store(Settings(data_dir=data))
    rng = random.Random(seed)
    with open(log, "a", encoding="utf-8") as fh:
        while True:
            pid, sid, value = rng.choice(people), rng.choice(statements), rng.choice([1, -1, 0])
            fh.write(f"T {pid} {sid} {value}\\n")  # about to cast (not acknowledged yet)
            fh.flush()
            store.cast_vote(cid, pid, sid, value)
            fh.write(f"A {pid} {sid} {value}\\n")  # acknowledged: cast_vote returned
            fh.flush()
            os.fsync(fh.fileno())
""")


def _read_log(path: Path) -> tuple[list[tuple[str, str, int]], tuple[str, str, int] | None]:
    """Acknowledged votes in order, and the vote in flight at the kill (tried, not acknowledged)."""
    acked: list[tuple[str, str, int]] = []
    pending = None
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4:  # a line cut by the kill
            continue
        kind, pid, sid, value = parts
        vote = (pid, sid, int(value))
        if kind == "T":
            pending = vote
        else:
            assert vote == pending
            acked.append(vote)
            pending = None
    return acked, pending


def test_sigkill_during_voting_loses_no_acknowledged_vote(tmp_path):
    """Three voter processes cast votes through Store.cast_vote and log each acknowledged vote
    (fsync after the call returns); all are SIGKILLed mid-stream. Every acknowledged vote is in the
    history exactly once and every current vote is the last acknowledged one. The vote in flight
    at the kill (tried, not acknowledged) may or may not be stored; if stored, it is stored once,
    in the history and as the current vote."""
    from deliberation.importers.polis import read_polis_export

    data = tmp_path / "data"
    store = Store(Settings(data_dir=data))
    cid = store.import_bundle(read_polis_export(SAMPLE)).consultation_id
    statements = [s.external_id for s in store.statements(cid)][:40]
    groups = [[store.add_participant(cid) for _ in range(8)] for _ in range(3)]
    before = len(store.vote_events(cid))
    script = tmp_path / "voter.py"
    script.write_text(VOTER)
    logs = [tmp_path / f"voter{i}.log" for i in range(3)]
    procs = [subprocess.Popen([sys.executable, str(script), str(data), str(cid), str(logs[i]), str(SEED + i),
                               ",".join(groups[i]), ",".join(statements)], env=ENV, cwd=REPO,
                              stderr=subprocess.PIPE) for i in range(3)]
    rng = random.Random(SEED)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:  # wait until every voter has some acknowledged votes
            assert all(p.poll() is None for p in procs), [p.stderr.read().decode()[-2000:] for p in procs if p.poll() is not None]
            if all(log.exists() and log.read_text().count("\nA ") >= 150 for log in logs):
                break
            time.sleep(0.1)
        for p in procs:
            time.sleep(rng.uniform(0.0, 0.3))
            os.kill(p.pid, signal.SIGKILL)
    finally:
        for p in procs:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
            p.wait()
            p.stderr.close()
    assert all(p.returncode == -signal.SIGKILL for p in procs)
    db = data / "deliberation.sqlite"
    assert integrity(db) == "ok"

    store = Store(Settings(data_dir=data))  # a new process's view after the crash
    events = store.vote_events(cid).iloc[before:]
    current = store.current_votes(cid)
    stored = Counter(zip(events["participant"], events["statement"], events["vote"].astype(int)))
    current = {(p, s): int(v) for p, s, v in zip(current["participant"], current["statement"], current["vote"])}
    in_flight_stored = 0
    total_acked = 0
    for log in logs:
        acked, pending = _read_log(log)
        total_acked += len(acked)
        assert len(acked) >= 150
        mine = {p for p, _, _ in acked} | ({pending[0]} if pending else set())
        got = Counter({k: n for k, n in stored.items() if k[0] in mine})
        extra = got - Counter(acked)
        missing = Counter(acked) - got
        assert not missing, f"acknowledged votes lost: {dict(missing)}"
        # beyond the acknowledged votes, at most the one vote in flight, at most once
        assert sum(extra.values()) <= 1 and (not extra or pending in extra), (extra, pending)
        last = {}
        for pid, sid, value in acked:
            last[(pid, sid)] = value
        if extra:
            in_flight_stored += 1
            last[(pending[0], pending[1])] = pending[2]  # the in-flight vote was committed: it is current
        mine_current = {k: v for k, v in current.items() if k[0] in mine}
        assert mine_current == last
    assert total_acked == sum(n for k, n in stored.items()) - in_flight_stored
    # voting goes on after the crash
    store.cast_vote(cid, groups[0][0], statements[0], "agree")
    assert len(store.vote_events(cid)) == before + total_acked + in_flight_stored + 1
    print(f"{total_acked} acknowledged votes, all stored once; {in_flight_stored} of 3 in-flight votes stored")


# --------------------------------------------------------------------------- small file systems
class Tmpfs:
    """A tmpfs mounted at ``path`` (root only); unmounted by the fixture, even on failure."""

    def __init__(self, path: Path, size: str):
        self.path = path
        self.data = path / "data"
        self.filler = path / "filler"
        self._mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))

    @staticmethod
    def _mount(*args: str) -> None:
        res = subprocess.run(["mount", *args], capture_output=True, text=True)
        if res.returncode != 0:
            raise OSError(res.stderr.strip() or f"mount {' '.join(args)} failed")

    def remount(self, options: str) -> None:
        self._mount("-o", f"remount,{options}", str(self.path))

    def fill(self) -> None:
        """Write a filler file until no block is left."""
        with open(self.filler, "ab", buffering=0) as fh:
            for n in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):  # down to the last partial block
                try:
                    while fh.write(b"\0" * n):
                        pass
                except OSError:
                    pass
        assert os.statvfs(self.path).f_bavail == 0

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        if subprocess.run(["umount", str(self.path)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


@pytest.fixture
def tmpfs(tmp_path):
    mounted: list[Tmpfs] = []

    def make(size: str) -> Tmpfs:
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs as the data directory needs root (this is not root)")
        mnt = tmp_path / f"mnt{len(mounted)}"
        mnt.mkdir()
        try:
            fs = Tmpfs(mnt, size)
        except OSError as e:
            pytest.skip(f"cannot mount a tmpfs here: {e}")
        mounted.append(fs)
        return fs

    try:
        yield make
    finally:
        for fs in mounted:
            try:
                fs.remount("rw")
            except OSError:
                pass
            fs.unmount()


def _dispose(store: Store) -> None:
    store.engine.dispose()  # close pooled connections so that the tmpfs can be unmounted


# --------------------------------------------------------------------------- disk full
def test_disk_full_during_import_is_a_clear_error_and_stores_nothing(tmpfs):
    """A 12 MB data directory: the sample fits, Bowling Green does not. The import stops with one
    line naming the data directory and "disk full"; after freeing space the store is intact and
    the same import succeeds."""
    folder = corpus(BG)
    fs = tmpfs("12m")
    run_cli(fs.data, "import-polis", str(SAMPLE), "--no-embed")
    res = run_cli(fs.data, "import-polis", str(folder), "--no-embed", check=False)
    line = one_line_error(res, str(fs.data), "disk full", "no space left")
    print(line)
    fs.remount("size=200m")  # free space
    db = fs.data / "deliberation.sqlite"
    assert integrity(db) == "ok"
    assert db_counts(db) == {1: SAMPLE_COUNTS}  # stored data intact, nothing of the failed import
    res = run_cli(fs.data, "import-polis", str(folder), "--no-embed")
    assert db_counts(db) == {1: SAMPLE_COUNTS, 2: BG_COUNTS}


def test_disk_full_while_voting_raises_storage_error_and_keeps_every_acknowledged_vote(tmpfs):
    from deliberation.importers.polis import read_polis_export

    fs = tmpfs("16m")
    settings = Settings(data_dir=fs.data)
    store = Store(settings)
    cid = store.import_bundle(read_polis_export(SAMPLE)).consultation_id
    statements = [s.external_id for s in store.statements(cid)]
    people = [store.add_participant(cid) for _ in range(20)]
    before = len(store.vote_events(cid))
    fs.fill()
    acked = []
    try:
        with pytest.raises(StorageError) as err:
            for i in range(100_000):  # the WAL may still have room for a few
                vote = (people[i % 20], statements[i % len(statements)], [1, -1, 0][i % 3])
                store.cast_vote(cid, *vote)
                acked.append(vote)
        e = err.value
        assert e.kind == "full" and e.location == str(fs.data)
        assert str(fs.data) in str(e) and "disk full" in str(e) and "no space left" in str(e)
        # opening another store on the full disk: the same clear error, or it opens and reads
        try:
            Store(settings).counts(cid)
        except StorageError as e2:
            assert e2.kind == "full"
    finally:
        _dispose(store)
    fs.free()
    assert integrity(fs.data / "deliberation.sqlite") == "ok"
    store = Store(settings)
    try:
        events = store.vote_events(cid).iloc[before:]
        assert list(zip(events["participant"], events["statement"], events["vote"].astype(int))) == acked
        store.cast_vote(cid, people[0], statements[0], "agree")  # voting works again
        assert store.counts(cid)["vote_events"] == before + len(acked) + 1
    finally:
        _dispose(store)


def test_disk_full_in_embedding_cache_chroma_and_checkpoints_is_a_clear_error(model_export, tmpfs):
    """The vector cache, Chroma and the graph's checkpoints live in the data directory too: on a
    full disk `analyze`, `run` and an embedding import end with the same one-line error."""
    fs = tmpfs("140m")  # the ONNX export alone is ~90 MB
    _copy_model_export(model_export, fs.data)
    run_cli(fs.data, "import-polis", str(SAMPLE), "--no-embed")
    fs.fill()
    for args in (["analyze", "1"], ["run", "1"], ["import-polis", str(SAMPLE)]):
        res = run_cli(fs.data, *args, check=False)
        print(one_line_error(res, str(fs.data), "disk full"))
    fs.free()
    for name in ("deliberation.sqlite", "checkpoints.sqlite", "models/embedding-cache.sqlite"):
        if (fs.data / name).exists():
            assert integrity(fs.data / name) == "ok", name
    assert db_counts(fs.data / "deliberation.sqlite") == {1: SAMPLE_COUNTS}
    res = run_cli(fs.data, "analyze", "1")
    assert "group" in res.stdout.lower()


# --------------------------------------------------------------------------- read-only
def test_read_only_data_directory(tmpfs):
    """Remounted read-only (chmod does not stop root): stored data can still be read (`summary`,
    `consultations`, Store reads); every write (import, vote, `run`) ends with one line naming the
    data directory and "read-only", exit code 2; nothing is damaged."""
    fs = tmpfs("64m")
    run_cli(fs.data, "import-polis", str(SAMPLE), "--no-embed")
    settings = Settings(data_dir=fs.data)
    fs.remount("ro")

    res = run_cli(fs.data, "summary", "1")
    assert "Participants: 100" in res.stdout and "12025 vote events" in res.stdout
    assert "Traceback" not in res.stderr
    res = run_cli(fs.data, "consultations")
    assert "Harbour Road" in res.stdout
    for args in (["import-polis", str(SAMPLE), "--no-embed"], ["import-polis", str(SAMPLE)], ["run", "1"]):
        res = run_cli(fs.data, *args, check=False)
        print(one_line_error(res, str(fs.data), "read-only"))

    store = Store(settings)
    try:
        assert store.read_only and {k: v for k, v in store.counts(1).items() if k in SAMPLE_COUNTS} == SAMPLE_COUNTS
        for write in (lambda: store.cast_vote(1, "0", "1", "agree"), lambda: store.add_participant(1)):
            with pytest.raises(StorageError) as err:
                write()
            assert err.value.kind == "read-only" and str(fs.data) in str(err.value) and "read-only" in str(err.value)
    finally:
        _dispose(store)
    with pytest.raises(StorageError, match="read-only"):  # a new data directory cannot be made there
        Store(Settings(data_dir=fs.path / "other"))

    fs.remount("rw")
    db = fs.data / "deliberation.sqlite"
    assert integrity(db) == "ok" and db_counts(db) == {1: SAMPLE_COUNTS}
    store = Store(settings)
    try:
        store.cast_vote(1, "0", "1", "agree")
        assert store.counts(1)["vote_events"] == SAMPLE_COUNTS["vote_events"] + 1
    finally:
        _dispose(store)


CRASH_AFTER_VOTE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from deliberation.config import Settings
    from deliberation.storage import Store

    store = Store(Settings(data_dir=Path(sys.argv[1])))
    store.cast_vote(1, "0", "1", "agree")
    os.kill(os.getpid(), signal.SIGKILL)  # the -wal and -shm files stay behind, the vote is only in the WAL
""")


def test_read_only_after_a_crash_still_reads_the_committed_wal(tmpfs, tmp_path):
    """A process is killed (its WAL holds an acknowledged vote), then the data directory becomes
    read-only: reading it shows that vote (SQLite's read-only WAL mode, not the stale main file)."""
    fs = tmpfs("32m")
    run_cli(fs.data, "import-polis", str(SAMPLE), "--no-embed")
    script = tmp_path / "crash.py"
    script.write_text(CRASH_AFTER_VOTE)
    res = subprocess.run([sys.executable, str(script), str(fs.data)], env=ENV, cwd=REPO, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == -signal.SIGKILL, res.stderr
    assert (fs.data / "deliberation.sqlite-wal").stat().st_size > 0
    fs.remount("ro")
    res = run_cli(fs.data, "summary", "1")
    assert f"{SAMPLE_COUNTS['vote_events'] + 1} vote events" in res.stdout, res.stdout
    res = run_cli(fs.data, "import-polis", str(SAMPLE), "--no-embed", check=False)
    one_line_error(res, str(fs.data), "read-only")
    fs.remount("rw")
    assert integrity(fs.data / "deliberation.sqlite") == "ok"
    assert db_counts(fs.data / "deliberation.sqlite")[1]["vote_events"] == SAMPLE_COUNTS["vote_events"] + 1


# --------------------------------------------------------------------------- writes outside the data directory
def test_export_to_a_read_only_or_full_folder_names_that_folder(tmpfs, tmp_path):
    """The data directory is fine; the export folder is on a read-only / full file system: the one
    line names the export folder, not "the data directory ... choose another --data-dir"."""
    data = tmp_path / "data"
    run_cli(data, "import-polis", str(SAMPLE), "--no-embed")
    ro = tmpfs("4m")
    ro.remount("ro")
    res = run_cli(data, "export-polis", "1", str(ro.path / "out"), check=False)
    line = one_line_error(res, f"cannot write {ro.path / 'out'}", "read-only file system")
    assert "data directory" not in line and "--data-dir" not in line, line
    full = tmpfs("4m")
    full.fill()
    res = run_cli(data, "export-polis", "1", str(full.path / "out"), check=False)
    line = one_line_error(res, f"cannot write {full.path / 'out'}", "disk full")
    assert "data directory" not in line and "--data-dir" not in line, line
    print(line)


def test_data_directory_that_cannot_be_made_is_named_with_a_database_server(tmpfs):
    """With a database URL the data directory is still made; when that fails the error names the
    data directory, not "the database server" (no connection is attempted)."""
    fs = tmpfs("4m")
    fs.remount("ro")
    with pytest.raises(StorageError) as err:
        Store(Settings(data_dir=fs.path / "other", database_url="postgresql+psycopg://nobody@127.0.0.1:9/none"))
    e = err.value
    assert e.kind == "read-only" and not e.server and e.location == str(fs.path / "other")
    assert f"the data directory {fs.path / 'other'} is read-only" in str(e) and "database server" not in str(e)


def test_storage_error_names_the_file_outside_the_data_directory(tmp_path):
    """The mapping itself (no root needed): an OSError naming a file outside the data directory
    names that file; inside it (or a parent made for it) names the data directory; the database
    server is named only when the error came from the server."""
    import errno

    from deliberation.errors import storage_error, writing_to

    data = tmp_path / "data"
    out = tmp_path / "ro" / "out" / "comments.csv"
    e = storage_error(OSError(errno.EROFS, "Read-only file system", str(out)), data)
    assert str(e).startswith(f"cannot write {out}: read-only file system") and e.location == str(out)
    assert "data directory" not in str(e) and "--data-dir" not in str(e)
    e = storage_error(OSError(errno.ENOSPC, "No space left on device", str(out)), None)
    assert str(e).startswith(f"cannot write {out}: disk full") and e.kind == "full"
    for inside in (data / "chroma" / "x.bin", data, tmp_path):  # tmp_path: a parent made for the data directory
        e = storage_error(OSError(errno.EROFS, "Read-only file system", str(inside)), data)
        assert str(e).startswith(f"the data directory {data} is read-only") and "--data-dir" in str(e)
    e = storage_error(OSError(errno.ENOSPC, "No space left on device"), data)  # no file named
    assert f"no space left in the data directory {data}" in str(e)
    e = storage_error(RuntimeError("could not extend file: No space left on device"), None, server=True)
    assert e.server and e.kind == "full" and "the database server" in str(e) and "--data-dir" not in str(e)
    with pytest.raises(StorageError, match=f"cannot write {out.parent}: disk full"):
        with writing_to(out.parent):  # a failed write() names no file: the target is named
            raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(FileNotFoundError):  # other errors pass unchanged
        with writing_to(out.parent):
            raise FileNotFoundError(errno.ENOENT, "No such file", str(out))


def test_directory_not_writable_by_this_user_counts_as_read_only(tmp_path, monkeypatch):
    """Not only a read-only mount: a directory this (non-root) user may not write is read-only."""
    from deliberation.errors import filesystem_state

    assert filesystem_state(tmp_path) is None
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: mode != os.W_OK)
    assert filesystem_state(tmp_path) == "read-only"
    assert filesystem_state(tmp_path / "not" / "made") == "read-only"  # its nearest existing parent


def test_store_in_a_directory_without_write_permission_opens_read_only(tmp_path, monkeypatch):
    """chmod 555 on the data directory: the store opens it read-only (reads work, writes give the
    read-only error). Root may write whatever the permissions: there os.access answers as for
    another user, and SQLite still opens the file read-only."""
    data = tmp_path / "data"
    store = Store(Settings(data_dir=data))
    cid = store.create_consultation("What should Harbour Road become?")[0].id
    store.engine.dispose()
    data.chmod(0o555)
    if os.geteuid() == 0:
        access = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
            not (mode & os.W_OK and Path(path).resolve() == data.resolve()) and access(path, mode, **kw)))
    try:
        store = Store(Settings(data_dir=data))
        assert store.read_only and store.get_consultation(cid).id == cid
        with pytest.raises(StorageError) as err:
            store.add_participant(cid)
        assert err.value.kind == "read-only" and str(data) in str(err.value)
        store.engine.dispose()
    finally:
        data.chmod(0o755)
