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


# ---- real-world export shapes: import what Polis kept, skip and count the rest -------------------
# Each fixture is built from a real export (15-per-hour-seattle, copied to tmp_path and altered the
# way exports in the wild differ); nothing is copied into the repository.

SMALL = "15-per-hour-seattle"


@pytest.fixture
def small_export(tmp_path):
    """A writable copy of the smallest real export, and its untouched reading."""
    import shutil

    src = corpus(SMALL)
    folder = tmp_path / SMALL
    shutil.copytree(src, folder)
    return folder, read_polis_export(src)


def _frame(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _dense(bundle):
    m = bundle.vote_matrix()
    return pd.DataFrame(m.to_dense(), index=m.participant_ids, columns=m.statement_ids)


def _one_note(bundle, words):
    hits = [n for n in bundle.notes if words in n]
    assert len(hits) == 1, bundle.notes
    return hits[0]


def test_empty_body_on_moderated_out_comment_is_kept_moderated_out(small_export):
    from deliberation.models import UNUSABLE_TEXT
    from deliberation.models import ModerationStatus

    folder, original = small_export
    comments = _frame(folder / "comments.csv")
    out = comments.index[comments["moderated"] == "-1"][:2]
    comments.loc[out, "comment-body"] = ["", "   "]
    comments.to_csv(folder / "comments.csv", index=False)
    bundle = read_polis_export(folder)
    blanked = set(comments.loc[out, "comment-id"])
    kept = {s.external_id: s for s in bundle.statements}
    assert len(kept) == len(original.statements)
    for cid in blanked:
        assert kept[cid].text == UNUSABLE_TEXT and kept[cid].moderation is ModerationStatus.REJECTED
    note = _one_note(bundle, "moderated out had an empty or unusable body")
    assert note.startswith("comments.csv: 2 comments")
    pd.testing.assert_frame_equal(_dense(bundle), _dense(original))  # their votes are kept too


def test_empty_body_on_accepted_comment_is_still_refused(small_export):
    from deliberation.errors import InputError

    folder, _ = small_export
    comments = _frame(folder / "comments.csv")
    comments.loc[comments.index[comments["moderated"] == "1"][0], "comment-body"] = ""
    comments.to_csv(folder / "comments.csv", index=False)
    with pytest.raises(InputError, match="comments.csv, row .*statement text is empty"):
        read_polis_export(folder)


def test_votes_on_missing_comments_are_skipped(small_export):
    """comments.csv lacks a comment that votes.csv (and participants-votes.csv) vote on."""
    folder, original = small_export
    comments = _frame(folder / "comments.csv")
    gone = comments["comment-id"].iloc[1]
    comments[comments["comment-id"] != gone].to_csv(folder / "comments.csv", index=False)
    n_events = int((_frame(folder / "votes.csv")["comment-id"] == gone).sum())
    bundle = read_polis_export(folder)
    note = _one_note(bundle, "not in comments.csv")
    assert note == f"votes.csv: {n_events} votes on 1 comment id not in comments.csv ({gone}): skipped."
    assert len(bundle.votes) == len(original.votes) - n_events
    expected = _dense(original).drop(columns=gone)
    ours = _dense(bundle)
    pd.testing.assert_frame_equal(ours.loc[ours.notna().any(axis=1)], expected.loc[expected.notna().any(axis=1)])
    # the same export without votes.csv: the comment's column of participants-votes.csv is skipped
    (folder / "votes.csv").unlink()
    pv_cells = int((_frame(folder / "participants-votes.csv")[gone] != "").sum())
    again = read_polis_export(folder)
    assert _one_note(again, "not in comments.csv") == (
        f"participants-votes.csv: {pv_cells} votes in the columns of 1 comment id not in comments.csv ({gone}): skipped.")
    assert len(again.final_votes()) == len(original.final_votes()) - pv_cells


def test_participant_rows_without_votes_are_skipped(small_export):
    folder, original = small_export
    (folder / "votes.csv").unlink()
    pv = _frame(folder / "participants-votes.csv")
    authors = {s.author for s in original.statements}
    blank = [i for i in pv.index if pv.loc[i, "participant"] not in authors][:3]
    vote_cols = [c for c in pv.columns if c.isdigit()]
    pv.loc[blank, vote_cols] = ""
    pv.to_csv(folder / "participants-votes.csv", index=False)
    bundle = read_polis_export(folder)
    assert _one_note(bundle, "without a vote") == "participants-votes.csv: 3 participant rows without a vote: skipped."
    dropped = set(pv.loc[blank, "participant"])
    assert not dropped & set(bundle.participants)
    assert bundle.summary()["participants"] == original.summary()["participants"] - 3


def test_header_only_participants_votes(small_export):
    """Polis had computed no groups yet: participants-votes.csv holds its header only."""
    from deliberation.importers.polis import polis_group_ids

    folder, original = small_export
    pv = folder / "participants-votes.csv"
    pv.write_text(pv.read_text().splitlines()[0] + "\n")
    with_votes = read_polis_export(folder)  # votes.csv still there: every vote imports
    assert len(with_votes.votes) == len(original.votes)
    # and the preview says why Polis's groups are missing (it said nothing when votes.csv was there)
    assert _one_note(with_votes, "has a header and no rows") == \
        "participants-votes.csv has a header and no rows (Polis had computed no groups yet)."
    assert polis_group_ids(folder) == {}
    (folder / "votes.csv").unlink()
    bundle = read_polis_export(folder)
    assert len(bundle.statements) == len(original.statements) and bundle.votes.empty
    _one_note(bundle, "has a header and no rows")


def test_missing_vote_files(small_export):
    folder, original = small_export
    (folder / "participants-votes.csv").rename(folder / "kept.csv")
    no_pv = read_polis_export(folder)
    _one_note(no_pv, "No participants-votes.csv")
    pd.testing.assert_frame_equal(_dense(no_pv).loc[lambda d: d.notna().any(axis=1)],
                                  _dense(original).loc[lambda d: d.notna().any(axis=1)])
    (folder / "kept.csv").rename(folder / "participants-votes.csv")
    (folder / "votes.csv").unlink()
    no_votes = read_polis_export(folder)
    _one_note(no_votes, "No votes.csv")
    assert len(no_votes.final_votes()) == len(original.final_votes())
    (folder / "participants-votes.csv").unlink()
    neither = read_polis_export(folder)
    _one_note(neither, "No votes.csv and no participants-votes.csv")
    assert neither.votes.empty and len(neither.statements) == len(original.statements)


def test_cli_imports_every_shape_at_once_with_one_line_per_kind(small_export, tmp_path):
    """All the shapes in one export: stored, exit 0, one 'Note:' line per kind, nothing refused."""
    from typer.testing import CliRunner

    from deliberation.cli import app

    folder, original = small_export
    comments = _frame(folder / "comments.csv")
    comments.loc[comments["moderated"] == "-1", "comment-body"] = ""
    gone = comments["comment-id"].iloc[1]
    comments[comments["comment-id"] != gone].to_csv(folder / "comments.csv", index=False)
    (folder / "votes.csv").unlink()
    pv = _frame(folder / "participants-votes.csv")
    pv.loc[pv.index[-1], [c for c in pv.columns if c.isdigit()]] = ""
    pv.to_csv(folder / "participants-votes.csv", index=False)
    res = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "data"), "import-polis", str(folder), "--no-embed"])
    assert res.exit_code == 0, res.output
    notes = [line for line in res.output.splitlines() if line.startswith("Note: ")]
    assert len(notes) == 4, res.output  # empty bodies, missing comment, empty row, no votes.csv
    assert f"{len(original.statements) - 1} statements" in res.output
    from deliberation.config import Settings

    assert len(Store(Settings(data_dir=tmp_path / "data")).list_consultations()) == 1
