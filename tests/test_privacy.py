"""Access and privacy: rate limits per participant, pseudonymised exports, and personal data that
intake redacted never coming back in drafts, reports, exports or anything else on disk.

Real components: SQLite and Chroma on disk, the bundled embedding model, the CLI in subprocesses.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, SAMPLE, copy_data
from deliberation.config import Settings
from deliberation.errors import RateLimited
from deliberation.importers.polis import read_polis_export
from deliberation.importers.tabular import read_statements_file
from deliberation.ratelimit import RateLimits
from deliberation.storage import Store

CLI = [sys.executable, "-m", "graphs.cli"]

#: Personal data in the sample's source statements (corpora/harbour-road/statements-source.csv,
#: kind = personal-data or the spam advert), all fictional, which intake must redact.
SAMPLE_PERSONAL_DATA = [
    "07700 900481", "07700900481",          # #18 phone
    "Flat 3, 27 Harbour Road",              # #18 home address
    "jo.pearce@example.org",                # #37 e-mail
    "harbourbutchers@example.org",          # #42 e-mail
    "07700 900123",                         # #135 phone
    "14 Quay Street",                       # #156 home address
    "07700 900777",                         # #89 phone in a spam advert
    "MB 4471 0925", "4471 0925",            # #10 blue badge number
]


def cli(data: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    res = subprocess.run([*CLI, "--data-dir", str(data), *args], capture_output=True, text=True, env=env,
                         timeout=900, cwd=REPO)
    if check:
        assert res.returncode == 0, res.stdout + res.stderr
    return res


# ---- rate limits --------------------------------------------------------------------------

@pytest.fixture
def small(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("id,text,author\n" + "".join(f"{i},Statement number {i} about Harbour Road,a{i}\n"
                                              for i in range(1, 11)))
    settings = Settings(data_dir=tmp_path / "data")
    cid = Store(settings).import_bundle(read_statements_file(p, question="What next?")).consultation_id
    return settings, cid


def test_vote_rate_limit_refuses_a_flood_and_stores_nothing_of_it(small):
    settings, cid = small
    store = Store(settings, limits=RateLimits(votes_per_window=5, vote_window_s=60))
    flood, other = store.add_participant(cid), store.add_participant(cid)
    for i in range(5):
        store.cast_vote(cid, flood, str(i + 1), "agree")
    with pytest.raises(RateLimited) as e:
        store.cast_vote(cid, flood, "6", "agree")
    assert "too many votes" in str(e.value) and "at most 5 votes per 60 seconds" in str(e.value)
    assert 0 < e.value.retry_after_s <= 60
    events = store.vote_events(cid)
    assert (events["participant"] == flood).sum() == 5  # the refused vote left no trace
    assert "6" not in set(store.current_votes(cid).query("participant == @flood")["statement"])
    store.cast_vote(cid, other, "6", "disagree")  # one client's flood does not block anyone else


def test_vote_rate_limit_holds_across_app_instances_and_expires(small, monkeypatch):
    """Counted in the database: a second Store (another process or app instance) sees the same count.
    The votes' clock is the test's (the store's ``_now``): on a slow machine four real votes took
    longer than a short window, and the fourth was let through; a sleep made the test wait."""
    from deliberation.storage import store as store_module

    settings, cid = small
    limits = RateLimits(votes_per_window=3, vote_window_s=60)
    a, b = Store(settings, limits=limits), Store(settings, limits=limits)
    clock = [store_module._now()]
    monkeypatch.setattr(store_module, "_now", lambda: clock[0])
    pid = a.add_participant(cid)
    a.cast_vote(cid, pid, "1", 1)
    b.cast_vote(cid, pid, "2", 1)
    a.cast_vote(cid, pid, "1", -1)  # a changed vote counts too
    clock[0] += timedelta(seconds=59)  # a second before the window ends
    with pytest.raises(RateLimited):
        b.cast_vote(cid, pid, "3", 1)
    clock[0] += timedelta(seconds=2)  # the window has passed
    b.cast_vote(cid, pid, "3", 1)
    assert len(a.vote_events(cid)) == 4


def test_statement_rate_limit(small):
    settings, cid = small
    store = Store(settings, limits=RateLimits(statements_per_window=2, statement_window_s=600))
    pid = store.add_participant(cid)
    before = len(store.statements(cid))
    store.add_statement(cid, pid, "A crossing outside the school, please.")
    store.add_statement(cid, pid, "Benches at the bus stops would help older people.")
    with pytest.raises(RateLimited) as e:
        store.add_statement(cid, pid, "More bins on the quay.")
    assert "too many statements" in str(e.value) and "per 10 minutes" in str(e.value)
    assert len(store.statements(cid)) == before + 2
    store.add_statement(cid, store.add_participant(cid), "More bins on the quay.")  # others unaffected


def test_default_limits_let_a_person_vote_at_reading_pace(small):
    """The defaults allow a fast reader: every statement once plus changes, without a refusal."""
    settings, cid = small
    store = Store(settings)
    assert store.limits == RateLimits()
    pid = store.add_participant(cid)
    for rnd in range(3):
        for i in range(1, 11):
            store.cast_vote(cid, pid, str(i), [1, -1, 0][rnd])
    assert (store.vote_events(cid)["participant"] == pid).sum() == 30


# ---- pseudonymised exports -----------------------------------------------------------------

def test_exports_pseudonymise_participants(tmp_path):
    """Names, e-mail-like ids and the app's participant tokens never appear in an export."""
    src = tmp_path / "named.csv"
    src.write_text("id,text,author\n1,Keep the market on Saturdays,alice.smith@example.org\n"
                   "2,Close the road to through traffic,Bob Jones\n3,More buses in the evening,alice.smith@example.org\n")
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    store = Store(settings)
    cid = store.import_bundle(read_statements_file(src, question="Harbour Road?")).consultation_id
    app_people = [store.add_participant(cid) for _ in range(4)]
    for k, pid in enumerate(app_people):
        for sid in ("1", "2", "3"):
            store.cast_vote(cid, pid, sid, [1, -1, 0][(k + int(sid)) % 3])
    store.cast_vote(cid, app_people[0], "1", -1)  # a change

    out = store.export_polis(cid, tmp_path / "export")
    text = "".join(f.read_text() for f in out.glob("*.csv"))
    for secret in ["alice.smith@example.org", "Bob Jones", *app_people]:
        assert secret not in text
    alias = store.pseudonyms(cid)
    assert sorted(alias.values(), key=int) == [str(i) for i in range(len(alias))]
    assert alias == Store(settings).pseudonyms(cid)  # stable
    # the export is still a faithful Polis export: same votes under the pseudonyms
    again = read_polis_export(out)
    want = store.vote_matrix(cid)
    got = again.vote_matrix()
    rename = [alias[p] for p in want.participant_ids]
    assert sorted(got.participant_ids) == sorted(rename)
    order = [got.participant_ids.index(r) for r in rename]
    assert (got.to_dense(9)[order] == want.to_dense(9)).all()
    authors = {s.external_id: s.author for s in again.statements}
    assert authors["1"] == authors["3"] == alias["alice.smith@example.org"] != authors["2"]

    # the CLI: pseudonyms by default, stored ids only with --keep-ids; analyze --json likewise
    cli(data, "export-polis", str(cid), str(tmp_path / "cli-export"))
    assert not any(p in (tmp_path / "cli-export" / "votes.csv").read_text() for p in app_people)
    cli(data, "export-polis", str(cid), str(tmp_path / "kept"), "--keep-ids")
    assert all(p in (tmp_path / "kept" / "votes.csv").read_text() for p in app_people)
    # the numbering follows neither the ids' alphabetical order nor the order people joined
    many = [store.add_participant(cid) for _ in range(40)]
    alias = store.pseudonyms(cid)
    numbers = [int(alias[p]) for p in many]
    assert numbers != sorted(numbers)
    by_name = [int(alias[p]) for p in sorted(alias)]
    assert by_name != sorted(by_name)


# ---- personal data never comes back ---------------------------------------------------------

@pytest.fixture(scope="module")
def sample_run(demo_run, tmp_path_factory):
    """The whole product path on the sample: import with intake, graph with drafts, report, exports.
    The run is conftest.demo_run's (`deliberation run corpora/harbour-road --approve-all` on a new
    data directory, shared with tests/test_graph.py), copied here with every file it wrote."""
    root = tmp_path_factory.mktemp("privacy")
    data = copy_data(demo_run[0], root / "data")
    outputs = [demo_run[1]]
    # a participant joins in the app, votes, and types personal data: the same intake applies
    from deliberation.services import intake

    store = Store(Settings(data_dir=data))
    pid = store.add_participant(1)
    usable = [s for s in store.statements(1) if not s.is_draft and s.moderation.value not in ("rejected", "needs_review")]
    assert len(usable) > 100
    for s in usable[:40]:
        store.cast_vote(1, pid, s.external_id, "agree")
    typed = store.add_statement(1, pid, "Call me on 07700 900555 or write to sam.k@example.org about the crossing.",
                                intake=intake)
    outputs.append(cli(data, "export-polis", "1", str(root / "export")))
    outputs.append(cli(data, "analyze", "1", "--json", str(root / "analysis.json")))
    return root, data, outputs, (pid, typed)


def test_sample_source_really_holds_the_personal_data():
    """Guard against a vacuous test: the strings searched for are in the raw source."""
    raw = (SAMPLE / "comments.csv").read_text(encoding="utf-8")
    for s in SAMPLE_PERSONAL_DATA:
        assert s in raw or s.replace(" ", "") in raw.replace(" ", ""), s


def test_redacted_personal_data_never_reappears_anywhere(sample_run):
    root, data, outputs, (_, typed) = sample_run
    assert "07700 900555" not in typed.text and "sam.k@example.org" not in typed.text
    needles = SAMPLE_PERSONAL_DATA + ["07700 900555", "sam.k@example.org"]
    # every file the product wrote: SQLite (with WAL), Chroma, embedding cache, checkpoints, reports, exports
    files = [p for p in root.rglob("*") if p.is_file()]
    assert any(p.name == "report.html" for p in files) and any(p.suffix == ".sqlite3" for p in files)
    hits = []
    for p in files:
        blob = p.read_bytes()
        for n in needles:
            for enc in ("utf-8", "utf-16-le"):
                if n.encode(enc) in blob:
                    hits.append(f"{n!r} in {p.relative_to(root)} ({enc})")
    for res in outputs:
        for n in needles:
            if n in res.stdout or n in res.stderr:
                hits.append(f"{n!r} in CLI output")
    assert not hits, "personal data came back:\n" + "\n".join(hits)


def test_drafts_and_report_cite_only_redacted_text(sample_run):
    root, data, _, (pid, _) = sample_run
    report = json.loads((data / "reports" / "1" / "report.json").read_text())
    assert report["consensus"], "the run drafted nothing: the scan above would be vacuous"
    store = Store(Settings(data_dir=data))
    by_id = {s.external_id: s for s in store.statements(1)}
    for sid in ("18", "37", "42", "135", "156"):
        assert "[" in by_id[sid].text, f"statement {sid} was not redacted: {by_id[sid].text}"
    rows = list(csv.DictReader(open(root / "export" / "comments.csv", encoding="utf-8")))
    assert len(rows) == len([s for s in by_id.values()])
    # the participant who joined in the app leaves the machine only under a pseudonym
    alias = store.pseudonyms(1)
    analysis = json.loads((root / "analysis.json").read_text())
    assert alias[pid] in analysis["groups"] and pid not in json.dumps(analysis)
    assert set(analysis["groups"]) <= set(alias.values())
    for f in (root / "export").glob("*.csv"):
        assert pid not in f.read_text(encoding="utf-8")
    assert alias[pid] in set(pd.read_csv(root / "export" / "participants-votes.csv")["participant"].astype(str))


def test_participant_ids_are_unguessable(small):
    """App participant ids are 96-bit random tokens: no sequence, no collisions, not derived from anything."""
    import math

    settings, cid = small
    store = Store(settings)
    ids = [store.add_participant(cid) for _ in range(300)]
    assert len(set(ids)) == len(ids)
    assert all(len(p) >= 16 and p.replace("-", "").replace("_", "").isalnum() for p in ids)
    # entropy estimate from the alphabet actually used: >= 90 bits per id
    alphabet = set("".join(ids))
    assert len(ids[0]) * math.log2(len(alphabet)) >= 90
    assert not any(a[:6] == b[:6] for a, b in zip(ids, ids[1:]))  # consecutive joins share no prefix
