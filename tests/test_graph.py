"""The facilitation graph end to end on the project's sample corpus and real Polis data.

Real components throughout: SQLite and Chroma on disk, the bundled embedding model, the
checkpointer in the data directory, the CLI in subprocesses.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE, copy_data
from deliberation.config import Settings
from deliberation.models import ModerationStatus
from deliberation.storage import Store

CLI = [sys.executable, "-m", "graphs.cli"]


def cli(data: Path, *args: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    res = subprocess.run([*CLI, "--data-dir", str(data), *args], capture_output=True, text=True, env=env,
                         timeout=timeout, cwd=REPO)
    if check:
        assert res.returncode == 0, res.stdout + res.stderr
    return res


@pytest.fixture(scope="module")
def demo_run(demo_run):
    """`deliberation run corpora/harbour-road --approve-all`: the documented demo flag (run once per
    test run, conftest.demo_run; tests/test_privacy.py reads a copy of the same run)."""
    data, res = demo_run
    report = json.loads((data / "reports" / "1" / "report.json").read_text())
    return data, res, report


def test_demo_run_finishes_with_report(demo_run):
    data, res, report = demo_run
    assert "Finished. Report:" in res.stdout
    for name in ("report.md", "report.json", "report.html"):
        assert (data / "reports" / "1" / name).stat().st_size > 500
    for node in ("intake", "analyse", "draft", "ground", "audit", "review", "publish", "voting", "tally", "report"):
        assert node in res.stderr, f"no progress line from {node}"
    # how sure the opinion groups are, in words, under the report's opinion groups (issue 13)
    md = (data / "reports" / "1" / "report.md").read_text().replace("\\", "")  # Markdown escapes off
    assert "How sure: The three groups are " in md and "when 20% of participants are left out" in md
    assert report["method"]["grouping"]["stability"]["kept_share"] > 0.5


def test_every_drafted_sentence_cites_usable_statements(demo_run):
    data, _, report = demo_run
    store = Store(Settings(data_dir=data))
    statements = {s.external_id: s for s in store.statements(1)}
    drafts = report["consensus"] + report["minority"]
    assert report["consensus"], "no consensus draft"
    assert len(report["minority"]) >= 3
    for d in drafts:
        assert d["sentences"]
        for s in d["sentences"]:
            assert s["citations"], f"sentence without citation: {s}"
            for c in s["citations"]:
                st = statements[c]
                assert st.moderation not in (ModerationStatus.NEEDS_REVIEW, ModerationStatus.REJECTED)
                assert not st.is_draft
        # every sentence was checked by the guard and found supported
        assert d["grounding"] and all(v["supported"] for v in d["grounding"])
        assert d["cited_statements"] and all(d["cited_statements"].values())


def test_audit_every_group_covered_none_amplified(demo_run):
    _, _, report = demo_run
    audit = report["audit"]
    assert audit["passed"], audit["findings"]
    groups = [g for g in audit["groups"] if g["key"].startswith("group:")]
    assert len(groups) >= 2
    for g in groups:
        assert g["status"] == "ok" and g["n_drafts"] >= 1
    assert any("Every opinion group" in f or "every opinion group" in f for f in audit["findings"])
    # shares are counted by distinct participants
    assert sum(g["n_participants"] for g in groups) <= report["participation"]["participants"]


def test_ballot_items_hold_one_claim_and_split_topics_name_who_holds_each_position(demo_run):
    """The common-ground slate is separate ballot items, one quoted claim each; a topic whose
    statements divide the groups (the sample's camps) sets the positions side by side, each with
    the groups that hold it, never as one merged claim."""
    data, _, report = demo_run
    slate = report["consensus"]
    assert [d["key"] for d in slate] == ["all:1", "all:2", "all:3"]
    assert [d["heading"] for d in slate] == ["Common ground 1", "Common ground 2", "Common ground 3"]
    assert all(len(d["sentences"]) == 1 and d["published_as"] for d in slate)
    assert len({d["published_as"] for d in slate}) == 3
    split = [d for d in report["minority"] if d["heading"].startswith("Where opinions split")]
    assert split, [d["heading"] for d in report["minority"]]
    store = Store(Settings(data_dir=data))
    votes = store.current_votes(1)
    for d in split:
        first, *rest = d["sentences"]
        assert first["held_by"].startswith("Most of group") and "disagree" in first["held_by"]
        for s in d["sentences"]:
            assert s["held_by"] and d["text"].count(f"“{s['text']}”") == 1
        if rest:  # two positions: the groups that hold the second do not hold the first
            holders = first["held_by"].split(" agree")[0]
            assert holders not in rest[0]["held_by"].split(";")[0]
    # groups are named by letters; the report's vote count is the database's
    groups = [g["name"] for g in report["groups"]]
    assert groups[:3] == ["group A", "group B", "group C"]
    assert len(votes) == report["participation"]["votes"]


def test_moderation_in_report_and_flagged_not_drafted(demo_run):
    _, _, report = demo_run
    queue = {q["id"] for q in report["moderation"]["queue"]}
    # the sample's injection statements (datasheet: 72, 100, 123, 165) and abusive ones are held
    assert {"72", "100", "123", "165"} <= queue
    cited = {c for d in report["consensus"] + report["minority"] for s in d["sentences"] for c in s["citations"]}
    assert not cited & queue
    text = json.dumps(report).lower()
    assert "ignore all previous instructions" not in " ".join(
        s["text"].lower() for d in report["consensus"] + report["minority"] for s in d["sentences"])
    assert "method" in report and report["method"]["drafter"] == "extractive"
    assert "seed" in text


def test_review_resume_vote_and_tally_across_processes(cli_imported, tmp_path):
    """Stop at review; a new process approves; participants vote; closing voting tallies those votes."""
    from graphs import runner

    data = copy_data(cli_imported, tmp_path / "data")  # the folder is stored: `run FOLDER` imports nothing
    # the run's settings (its runtime context) hold in every later process: kept in the state
    res = cli(data, "run", str(SAMPLE), "--consensus-slate-size", "2", "--seed", "5")
    assert "Waiting for the moderator's review" in res.stdout
    res = cli(data, "review", "1", "--approve-all", "--reviewer", "ana")
    assert "Voting is open" in res.stdout
    values = runner.status(Settings(data_dir=data), 1).values
    assert [p["key"] for p in values["published"] if p["key"].startswith("all")] == ["all:1", "all:2"]
    store = Store(Settings(data_dir=data))
    drafts = [s for s in store.statements(1) if s.is_draft]
    assert drafts
    reviews = [r for d in store.drafts(1) for r in store.reviews(d.id)]
    assert reviews and all(r.reviewer == "ana" and r.decision == "approve" for r in reviews)
    # two new participants and two sample participants vote on the first published draft
    voters = [store.add_participant(1), store.add_participant(1), "0", "1"]
    for v in voters:
        store.cast_vote(1, v, drafts[0].external_id, "agree")
    store.cast_vote(1, voters[0], drafts[0].external_id, "disagree")  # a change replaces
    res = cli(data, "resume", "1", "--close-voting")
    assert "Finished" in res.stdout
    report = json.loads((data / "reports" / "1" / "report.json").read_text())
    entry = next(d for d in report["consensus"] + report["minority"] if d["published_as"] == drafts[0].external_id)
    assert entry["votes"]["agree"] == 3 and entry["votes"]["disagree"] == 1 and entry["votes"]["n_votes"] == 4
    assert report["method"]["seed"] == 5  # the report, written in a third process, has the run's seed


def test_sigkill_mid_run_then_resume(cli_imported, tmp_path):
    """Kill the process while the graph runs; `deliberation resume` continues from the checkpoint."""
    data = copy_data(cli_imported, tmp_path / "data")  # imported first so the kill lands inside the graph
    before = Store(Settings(data_dir=data)).counts(1)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([*CLI, "--data-dir", str(data), "run", "1"], stderr=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    seen = ""
    deadline = time.time() + 300
    while time.time() < deadline:
        line = proc.stderr.readline()
        seen += line
        if "analyse" in line:  # a checkpoint after analyse exists; kill during draft/ground
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert "analyse" in seen, seen
    from graphs import runner

    st = runner.status(Settings(data_dir=data), 1)
    assert st.next and "analysis" in st.values  # resumable, analysis kept
    res = cli(data, "resume", "1")
    assert "Waiting for the moderator's review" in res.stdout
    assert Store(Settings(data_dir=data)).counts(1) == before  # nothing lost or duplicated


def test_langgraph_json_points_at_graph():
    spec = json.loads((REPO / "langgraph.json").read_text())
    module, _, attr = spec["graphs"]["facilitation"].partition(":")
    assert (REPO / module).exists() and attr == "make_graph"


def test_revise_round_when_a_group_rejects_the_consensus_draft(cli_imported, tmp_path):
    """A group that rejects the consensus draft sends it back: it is redrafted from other statements,
    reviewed again, published and voted on; the round is bounded (one revise by default). A topic's
    draft the moderator rejected stays rejected: the revision round's coverage audit asked for a
    draft of that topic again, and its extractive draft, word for word the rejected one, came back
    for review as if new."""
    from graphs import runner

    data = copy_data(cli_imported, tmp_path / "data")  # the folder is stored: `run FOLDER` imports nothing
    cli(data, "run", str(SAMPLE))
    settings = Settings(data_dir=data)
    keys = [d["key"] for d in runner.status(settings, 1).waiting["drafts"]]
    topic = next(k for k in keys if k.startswith("topic:"))
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps([{"key": k, "decision": "reject" if k == topic else "approve"} for k in keys]))
    cli(data, "review", "1", "--decisions", str(decisions))
    st = runner.status(settings, 1)
    first = next(p for p in st.values["published"] if p["key"] == "all:1")
    groups = st.values["analysis"]["groups"]
    members = sorted([p for p, g in groups.items() if g == 0], key=int)[:8]
    store = Store(settings)
    kept = next(p for p in st.values["published"] if p["key"] == "all:2")
    for p in members:
        store.cast_vote(1, p, first["statement_id"], "disagree")
        store.cast_vote(1, p, kept["statement_id"], "agree")
    res = cli(data, "resume", "1", "--close-voting")
    assert "Waiting for the moderator's review" in res.stdout
    st = runner.status(settings, 1)
    assert st.waiting["type"] == "review"
    [again] = [d for d in st.waiting["drafts"] if d["key"] == "all:1"]
    assert set(again["cited"]).isdisjoint(first["citations"])  # the rejected sources are not reused
    others = {c for p in st.values["published"] if p["key"] in ("all:2", "all:3") for c in p["citations"]}
    assert set(again["cited"]).isdisjoint(others)  # nor those of the other ballot items
    assert [d["key"] for d in st.waiting["drafts"]] == ["all:1"]  # only the rejected draft comes back
    cli(data, "review", "1", "--approve-all")
    res = cli(data, "resume", "1", "--close-voting")
    assert "Finished" in res.stdout
    st = runner.status(settings, 1)
    assert st.values["revise_rounds"] == 1
    assert len([p for p in st.values["published"] if p["key"] == "all:1"]) == 2
    # the report counts the first vote's ballot items too: it said "nobody voted on it" of every item
    # voted on before the revision round, and left the version the revision replaced out
    # the board and the projector show the whole slate as it stands, the revised item first: they
    # showed only the revision round's item, and the common ground voted on before was gone
    from ui.common import ballot_slate

    revised = st.values["published"][-1]
    assert revised["key"] == "all:1" and revised["round"] == 1
    assert [p["statement_id"] for p in ballot_slate(st.values)] == [revised["statement_id"]] + [
        p["statement_id"] for p in st.values["published"] if p["round"] == 0 and p["key"] != "all:1"]
    report = (data / "reports" / "1" / "report.md").read_text(encoding="utf-8")
    assert f"Vote (draft {kept['statement_id']}): 8 agree, 0 disagree, 0 pass" in report
    assert (f"an earlier version, “{first['text']}”, was put to the vote as draft {first['statement_id']}: "
            "0 agree, 8 disagree, 0 pass") in report.replace("\\", "")
