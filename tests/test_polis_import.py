"""Polis export folders: import every real conversation, store it, export it, read it back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import ALL, VOTED, corpus
from deliberation.importers.polis import read_polis_export
from deliberation.storage import Store

# statements (rows of comments.csv) and votes in the final matrix, from ../shared/corpora/README.md
EXPECTED = {
    "15-per-hour-seattle": (54, 2872, 2995),
    "vtaiwan.uberx": (197, 49443, 49997),
    "austria-climate.5twd2jsnkf.2022-08-08": (522, 61384, 61936),
    "american-assembly.bowling-green": (896, 225524, 225524),
    "march-on.operation-marchin-orders": (2162, 0, 0),
}


def matrix_from_participants_votes(folder) -> pd.DataFrame:
    """Independent reading of participants-votes.csv with pandas: participant x comment, NaN = no vote."""
    df = pd.read_csv(folder / "participants-votes.csv", dtype=str, keep_default_na=False)
    fixed = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}
    cols = [c for c in df.columns if c not in fixed]
    m = df[cols].replace("", np.nan).astype(float)
    m.index = df["participant"].astype(int).astype(str)
    return m


@pytest.mark.parametrize("name", ALL)
def test_read_counts(name):
    bundle = read_polis_export(corpus(name))
    n_statements, n_votes, n_events = EXPECTED[name]
    assert len(bundle.statements) == n_statements
    assert len(bundle.final_votes()) == n_votes
    assert len(bundle.votes) == n_events
    raw = pd.read_csv(corpus(name) / "comments.csv", dtype=str, keep_default_na=False)
    rejected = (raw["moderated"].astype(int) == -1).sum()
    assert sum(s.moderation.excluded_from_analysis for s in bundle.statements) == rejected


@pytest.mark.parametrize("name", VOTED)
def test_final_votes_match_participants_votes_csv(name):
    """votes.csv (latest vote wins) or participants-votes.csv gives exactly Polis's own final matrix."""
    folder = corpus(name)
    m = read_polis_export(folder).vote_matrix()
    expected = matrix_from_participants_votes(folder)
    ours = pd.DataFrame(m.to_dense(), index=m.participant_ids, columns=m.statement_ids)
    ours = ours.loc[ours.notna().any(axis=1)]  # participants who only wrote have no row there
    expected = expected.loc[expected.notna().any(axis=1)]
    ours = ours.loc[expected.index, expected.columns]
    np.testing.assert_array_equal(ours.to_numpy(), expected.to_numpy())


@pytest.mark.parametrize("name", VOTED)
def test_store_and_export_round_trip(name, settings, tmp_path):
    folder = corpus(name)
    bundle = read_polis_export(folder)
    store = Store(settings)
    report = store.import_bundle(bundle)
    n_statements, n_votes, n_events = EXPECTED[name]
    assert (report.statements, report.votes, report.vote_events) == (n_statements, n_votes, n_events)
    counts = store.counts(report.consultation_id)
    assert counts["statements"] == n_statements and counts["votes"] == n_votes
    stored = store.vote_matrix(report.consultation_id)
    original = bundle.vote_matrix()
    assert stored.participant_ids == original.participant_ids
    assert stored.statement_ids == original.statement_ids
    np.testing.assert_array_equal(stored.to_dense(9), original.to_dense(9))
    np.testing.assert_array_equal(stored.moderated_out, original.moderated_out)

    out = store.export_polis(report.consultation_id, tmp_path / "export", pseudonymise=False)
    again = read_polis_export(out)
    np.testing.assert_array_equal(again.vote_matrix().to_dense(9), original.to_dense(9))
    assert [s.moderation for s in again.statements] == [s.moderation for s in bundle.statements]
    # the exported participants-votes.csv is Polis's matrix, cell for cell
    a = matrix_from_participants_votes(out)
    b = matrix_from_participants_votes(folder)
    a, b = a.loc[b.index, b.columns], b
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())
    if (folder / "votes.csv").exists():
        # history kept: agree/disagree counts per comment (counting changed votes) are Polis's
        ours = pd.read_csv(out / "comments.csv").set_index("comment-id")[["agrees", "disagrees"]].sort_index()
        theirs = pd.read_csv(folder / "comments.csv").set_index("comment-id")[["agrees", "disagrees"]].sort_index()
        pd.testing.assert_frame_equal(ours, theirs)


def test_bowling_green_via_cli(tmp_path):
    """The README's command: import-polis stores 896 statements and the full vote matrix; export reproduces it."""
    from typer.testing import CliRunner

    from deliberation.cli import app

    folder = corpus("american-assembly.bowling-green")
    data = tmp_path / "data"
    runner = CliRunner()
    res = runner.invoke(app, ["--data-dir", str(data), "import-polis", str(folder), "--no-embed"])
    assert res.exit_code == 0, res.output
    assert "896 statements" in res.output and "225524 votes" in res.output
    res = runner.invoke(app, ["--data-dir", str(data), "export-polis", "1", str(tmp_path / "out"), "--keep-ids"])
    assert res.exit_code == 0, res.output
    a = matrix_from_participants_votes(tmp_path / "out")
    b = matrix_from_participants_votes(folder)
    np.testing.assert_array_equal(a.loc[b.index, b.columns].to_numpy(), b.to_numpy())
