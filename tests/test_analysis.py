"""The analysis pipeline and its stable CLI interface: `deliberation analyze PATH --json OUT`."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score
from typer.testing import CliRunner

from conftest import SAMPLE, corpus
from deliberation.analysis.pipeline import AnalysisResult, analyze
from deliberation.cli import app
from deliberation.facilitation import group_labels
from deliberation.importers.polis import polis_group_ids, read_polis_export
from deliberation.models import Statement
from deliberation.votematrix import VoteMatrix

runner = CliRunner()


def test_analyze_cli_json_interface_on_polis_export(tmp_path):
    folder = corpus("15-per-hour-seattle")
    out = tmp_path / "seattle.json"
    res = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), "analyze", str(folder), "--json", str(out),
                              "--no-topics"])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    polis = polis_group_ids(folder)
    # participant ids as in the export; only clustered participants are listed
    assert set(data["groups"]) <= set(read_polis_export(folder).vote_matrix().participant_ids)
    common = sorted(set(data["groups"]) & set(polis))
    assert len(common) >= 0.9 * len(polis)
    ari = adjusted_rand_score([polis[p] for p in common], [data["groups"][p] for p in common])
    assert ari >= 0.9, ari
    assert set(data["repness"]) == {str(g) for g in set(data["groups"].values())}
    statement_ids = {s.external_id for s in read_polis_export(folder).statements}
    for ids in data["repness"].values():
        assert 0 < len(ids) <= 5 and set(ids) <= statement_ids
    assert isinstance(data["consensus"], list) and set(data["consensus"]) <= statement_ids
    assert "Opinion groups (2; 138 of the 339 participants are in one)" in res.output  # 201 of 339 are in none
    # how sure the grouping is: figures and words in the JSON and the printed summary
    stability = data["grouping"]["stability"]
    assert stability["resamples"] >= 2 and stability["left_out"] == 0.2
    assert 0.5 <= stability["kept_share"] <= 1 and -1 <= stability["mean_ari"] <= 1
    assert stability["text"].startswith("the two groups are ")
    share = f"{stability['kept_share']:.0%}"
    who = "every participant keeps" if share == "100%" else f"{share} of participants keep"
    assert f"{who} their group when 20% of participants are left out" in stability["text"]
    assert "How sure: the two groups are" in res.output


def test_sample_corpus_camps_recovered(tmp_path):
    """The sample's three camps, including the small minority, come out as opinion groups."""
    bundle = read_polis_export(SAMPLE)
    result = analyze(bundle.vote_matrix(), bundle.statements)
    camps = pd.read_csv(SAMPLE / "camps.csv", dtype=str).set_index("participant")["camp"].to_dict()
    common = sorted(set(result.groups) & set(camps))
    assert len(common) >= 95
    ari = adjusted_rand_score([camps[p] for p in common], [result.groups[p] for p in common])
    assert ari >= 0.9, ari
    sizes = sorted(g.size for g in result.group_summaries)
    assert len(sizes) == 3 and sizes[0] / sum(sizes) < 0.15
    assert result.consensus, result.notes
    # save / load round trip
    path = result.save(tmp_path / "a.json")
    assert AnalysisResult.load(path) == result


def _statements(n: int) -> list[Statement]:
    return [Statement(external_id=str(i), text=f"statement number {i}") for i in range(n)]


@pytest.mark.parametrize("case", ["empty", "no_votes", "one_participant", "all_pass", "single_camp"])
def test_bad_input_says_why(case):
    rng = np.random.default_rng(0)
    if case == "empty":
        m, st = VoteMatrix([], [], [], [], []), []
    elif case == "no_votes":
        m, st = VoteMatrix([str(i) for i in range(10)], [str(i) for i in range(5)], [], [], []), _statements(5)
    elif case == "one_participant":
        m = VoteMatrix(["p"], [str(i) for i in range(8)], [0] * 8, list(range(8)), [1] * 8)
        st = _statements(8)
    else:
        rows, cols = np.meshgrid(np.arange(30), np.arange(10), indexing="ij")
        vals = np.zeros(300, dtype=int) if case == "all_pass" else np.ones(300, dtype=int)
        m = VoteMatrix([str(i) for i in range(30)], [str(i) for i in range(10)], rows.ravel(), cols.ravel(), vals)
        st = _statements(10)
    result = analyze(m, st, rng.normal(size=(len(st), 8)) if st else None)
    assert len(result.group_summaries) <= 1
    assert result.notes and any(("group" in n.lower()) for n in result.notes), result.notes
    json.loads(result.model_dump_json())


def test_late_participants_placed_into_their_group():
    """Participants who joined after the analysis are placed by their votes (tally uses this)."""
    bundle = read_polis_export(SAMPLE)
    m = bundle.vote_matrix()
    full = analyze(m, bundle.statements)
    hidden = set(m.participant_ids[::5])
    partial = full.model_copy(update={"groups": {p: g for p, g in full.groups.items() if p not in hidden}})
    labels, placed = group_labels(partial, m)
    rows = [i for i, p in enumerate(m.participant_ids) if p in hidden and p in full.groups]
    assert placed == len(rows) == 20
    agree = np.mean([labels[i] == full.groups[m.participant_ids[i]] for i in rows])
    assert agree >= 0.9, agree
