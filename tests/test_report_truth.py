"""What the report and the moderator console say is true of the votes: each claim is recomputed here
from the Polis export's own CSV files with pandas (latest vote per participant and statement), not
with the project's counting code."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import corpus
from deliberation.analysis.pipeline import AnalysisConfig, analyze
from deliberation.importers.polis import read_polis_export
from deliberation.report import build_report, to_markdown
from deliberation.wording import group_label


@pytest.fixture(scope="module")
def seattle():
    """Seattle $15 analysed as the product does (no topics: they play no part here), and its votes
    read straight from votes.csv: latest vote per (voter, comment) wins."""
    folder = corpus("15-per-hour-seattle")
    bundle = read_polis_export(folder)
    statements = bundle.statements
    result = analyze(bundle.vote_matrix(), statements, None, config=AnalysisConfig())
    votes = pd.read_csv(folder / "votes.csv").sort_values("timestamp", kind="stable")
    votes = votes.drop_duplicates(["voter-id", "comment-id"], keep="last")
    votes["group"] = votes["voter-id"].astype(str).map(result.groups)
    return result.model_dump(mode="json"), statements, votes


def _agree_share(votes: pd.DataFrame, sid: str, in_group) -> float:
    v = votes[(votes["comment-id"].astype(str) == sid) & in_group(votes["group"])]
    return float((v["vote"] == 1).mean())


def test_group_lines_say_what_the_group_agrees_or_disagrees_with(seattle):
    """Polis's representative statements of a group include statements it *disagrees* with more than
    the rest; the report listed them all under "Statements its members agree with more than others
    do" (group A: statement 20, which 12% of group A and 81% of group B agree with)."""
    analysis, statements, votes = seattle
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
