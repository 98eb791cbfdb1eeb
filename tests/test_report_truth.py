"""What the report and the moderator console say is true of the votes: each claim is recomputed here
from the Polis export's own CSV files with pandas (latest vote per participant and statement), not
with the project's counting code."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import SAMPLE, corpus
from deliberation.analysis.pipeline import AnalysisConfig, AnalysisResult, analyze
from deliberation.facilitation import build_requests
from deliberation.importers.polis import read_polis_export
from deliberation.report import build_report, to_markdown
from deliberation.wording import group_label


def _analysed(folder):
    """A Polis folder analysed as the product does (no topics: they play no part here), the analysis
    object, its JSON form, the statements, and its votes read straight from votes.csv: latest vote
    per (voter, comment) wins, each row with the voter's opinion group."""
    bundle = read_polis_export(folder)
    result = analyze(bundle.vote_matrix(), bundle.statements, None, config=AnalysisConfig())
    votes = pd.read_csv(folder / "votes.csv").sort_values("timestamp", kind="stable")
    votes = votes.drop_duplicates(["voter-id", "comment-id"], keep="last")
    votes["group"] = votes["voter-id"].astype(str).map(result.groups)
    return result, result.model_dump(mode="json"), bundle.statements, votes


@pytest.fixture(scope="module")
def seattle():
    return _analysed(corpus("15-per-hour-seattle"))


@pytest.fixture(scope="module")
def sample():
    return _analysed(SAMPLE)


def _agree_share(votes: pd.DataFrame, sid: str, in_group) -> float:
    v = votes[(votes["comment-id"].astype(str) == sid) & in_group(votes["group"])]
    return float((v["vote"] == 1).mean())


def test_group_lines_say_what_the_group_agrees_or_disagrees_with(seattle):
    """Polis's representative statements of a group include statements it *disagrees* with more than
    the rest; the report listed them all under "Statements its members agree with more than others
    do" (group A: statement 20, which 12% of group A and 81% of group B agree with)."""
    _, analysis, statements, votes = seattle
    md = to_markdown(build_report({"analysis": analysis}, statements))
    section = md.split("## Opinion groups")[1].split("## Topic list")[0]
    checked = 0
    for g in analysis["group_summaries"]:
        name = group_label(g["id"])
        block = section.split(f"- {name[0].upper()}{name[1:]}:")[1].split("\n- ")[0]
        for verb, part in re.findall(r"members (agree|disagree) with more than others do:\n((?:  - .*\n?)+)", block):
            for sid in re.findall(r"Statement (\d+):", part):
                mine = _agree_share(votes, sid, lambda s, g=g: s == g["id"])
                others = _agree_share(votes, sid, lambda s, g=g: s.notna() & (s != g["id"]))
                assert (mine > others) == (verb == "agree"), (name, verb, sid, mine, others)
                checked += 1
    assert checked == sum(len(g["repness"]) for g in analysis["group_summaries"])


def _slate_sources(result, statements) -> list[str]:
    return [r.sources[0].id for r in build_requests(result, statements, "q") if r.speaks_for.startswith("all:")]


def test_common_ground_items_are_agreed_by_most_of_every_group(sample, seattle):
    """The report presents the slate as "statements most people in every opinion group agree with".
    Where no statement met the consensus rule, the slate fell back to Polis's majority of everyone:
    on Seattle $15 it quoted statement 45, which 9 of the 15 voters of group B disagree with. Now
    each item is checked against the votes, and an empty section says why."""
    result, analysis, statements, votes = sample
    ids = _slate_sources(result, statements)
    assert len(ids) == 3
    for sid in ids:
        for g in analysis["group_summaries"]:
            assert _agree_share(votes, sid, lambda s, g=g: s == g["id"]) > 0.5, (sid, g["id"])
    _, analysis, statements, votes = seattle
    assert analysis["consensus"] == []
    assert _slate_sources(AnalysisResult.model_validate(analysis), statements) == []
    md = to_markdown(build_report({"analysis": analysis}, statements))
    common = md.split("## Common ground")[1].split("\n## ")[0]
    assert "No draft in this section: no statement met the consensus rule" in common


def test_participation_line_counts_votes_on_what_they_were_cast_on(tmp_path, seattle):
    """"339 participants cast 2872 votes on 31 statements" counted the 23 votes on Seattle's 23
    moderated-out comments as votes on the 31 shown; the store's counts against votes.csv."""
    from deliberation.config import Settings
    from deliberation.report import participation_line
    from deliberation.storage import Store

    _, analysis, _statements, votes = seattle
    folder = corpus("15-per-hour-seattle")
    comments = pd.read_csv(folder / "comments.csv")
    out = set(comments.loc[comments["moderated"] == -1, "comment-id"])
    held = votes["comment-id"].isin(out)
    store = Store(Settings(data_dir=tmp_path / "data"))
    cid = store.import_bundle(read_polis_export(folder), question="$15/hour").consultation_id
    rep = build_report({"analysis": analysis}, store.statements(cid), store.counts(cid))
    assert participation_line(rep["participation"]) == (
        f"{votes['voter-id'].nunique()} participants cast {len(votes)} votes: {int((~held).sum())} on "
        f"{len(comments) - len(out)} statements and {int(held.sum())} on the {len(out)} statements held or "
        "rejected by moderation.")


def test_tally_note_does_not_call_the_ungrouped_newcomers(seattle):
    """The tally's note said "85 participants who joined after the analysis were placed into the
    opinion group closest to their votes": on Seattle all 85 were there at the analysis, with
    fewer than 7 votes, and nobody joined later."""
    from deliberation.facilitation import group_labels, placement_note

    result, _analysis, _statements, votes = seattle
    matrix = read_polis_export(corpus("15-per-hour-seattle")).vote_matrix()
    labels, placed = group_labels(result, matrix)
    late = [p for p, g in zip(matrix.participant_ids, labels) if g >= 0 and p not in result.groups]
    assert len(late) == placed == 85
    assert set(late) <= set(votes["voter-id"].astype(str))  # every one of them voted before the analysis
    note = placement_note(placed, int((labels < 0).sum()))
    assert "joined after" not in note and note.startswith("85 participants in no opinion group at the analysis")
