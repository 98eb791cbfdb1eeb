"""What a real room of six (app and CLI on one data folder, ``make run`` driven by chromium by hand)
showed that no test looked at, each as the smallest test that fails without its fix.

1. Six participants had written their statements and not voted yet: the live board said
   "Participants 6", the moderator console "Participants 0" (it counted voters only).
2. A terminal's ``deliberation run`` during the console's review started over and dropped the
   decisions the moderator had clicked.
3. The report's coverage chart of a room of 2,000 cut every topic's name after a few letters.
4. Before the first facilitation run, the board's map named the room's two groups "group A" and
   "group C": three groups of the votes before had become two.
"""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from deliberation.config import Settings  # noqa: E402
from deliberation.storage import Store  # noqa: E402
from ui_helpers import app, console_sign_in  # noqa: E402

SECRET = "room6-findings-secret"


def _metric(at, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def test_console_counts_the_participants_the_board_counts(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("DELIBERATION_DATA", str(data))
    store = Store(Settings(data_dir=data))
    c, _ = store.create_consultation("How should the town use the empty lot?", secret=SECRET)
    store.add_statement(c.id, "t-writer-1", "The lot should become a small park.")
    store.add_statement(c.id, "t-writer-2", "We need covered bicycle parking there.")
    board = app("board")
    board.query_params["code"] = c.code
    board.run()
    assert not board.exception and _metric(board, "Participants") == "2"
    mod = app("moderator")
    mod.run()
    console_sign_in(mod, c.code, SECRET)
    assert not mod.exception, [e.value for e in mod.exception]
    assert _metric(mod, "Participants") == "2"  # was 0: voters only


def test_a_terminal_run_does_not_drop_the_review_the_moderator_is_deciding(tmp_path):
    """2. While the moderator was deciding on the drafts in the console (decisions clicked, not yet
    submitted), ``deliberation run ID`` typed in a terminal on the same data folder started over
    and replaced the review: the clicks were gone. It is refused in words naming them, and
    nothing changes; ``--start-over`` still starts over."""
    from typer.testing import CliRunner

    from deliberation.importers.tabular import read_statements_file
    from graphs import runner
    from graphs.cli import app as cli_app
    from test_small_room_drafts import QUESTION, write_room  # the room of three: a graph run in seconds

    settings = Settings(data_dir=tmp_path / "data").ensure()
    statements, votes = write_room(tmp_path / "files")
    cid = Store(settings).import_bundle(read_statements_file(statements, votes_path=votes, question=QUESTION),
                                        question=QUESTION).consultation_id
    st = runner.start(settings, cid)
    key = next(iter(st.waiting["drafts"]))["key"]
    Store(settings).save_pending(cid, str(st.waiting_id), key, "reject", "Mia", reason="quotes personal data")
    res = CliRunner().invoke(cli_app, ["--data-dir", str(settings.data_dir), "run", str(cid)])
    said = " ".join(res.output.split())
    assert res.exit_code == 2, said
    assert (f"consultation {cid} waits for the moderator's review, and the moderator console holds 1 decision "
            "clicked on its drafts and not submitted (the last by Mia at ") in said, said
    assert f"deliberation run {cid} --start-over" in said
    again = runner.status(settings, cid)
    assert again.waiting_id == st.waiting_id and again.values["log"] == st.values["log"]
    assert Store(settings).pending(cid, str(st.waiting_id))[key].decision == "reject"


def test_the_reports_coverage_chart_shows_whole_topic_names():
    """3. The report of a room of 2,000 (Bowling Green) cut every topic in its coverage chart to
    'the topic “green · …' at the axis's default label width: the topics could not be told apart.
    Its audience names are now written above their bars, across the chart's whole width, as the
    drafts' vote chart's are (tests/test_report_charts.py)."""
    from ui.i18n import ENGLISH
    from ui.views.report import coverage_chart

    name = "the topic “homeless · community · immigrants”"  # the longest of Bowling Green's
    rep = {"topics": [{"id": 0, "label": "homeless · community · immigrants"}],
           "audit": {"groups": [{"key": "group:0", "share_participants": 0.6, "share_drafts": 0.5},
                                {"key": "topic:0", "share_participants": 0.1, "share_drafts": 0.05}]}}
    spec = coverage_chart(rep, ENGLISH).to_dict()
    labels = {r[ENGLISH("report.col_audience")] for rows in spec["datasets"].values() for r in rows}
    assert name in labels
    # cut only past the chart's width (this name takes 235 px in chromium, a phone's chart 350)
    assert spec["layer"][1]["mark"]["limit"] == {"expr": "width"}


def _groups(members: dict[str, int]) -> dict:
    ids = sorted(set(members.values()))
    return {"groups": dict(members), "group_summaries": [{"id": g, "size": list(members.values()).count(g)} for g in ids],
            "repness": {str(g): [] for g in ids}}


def test_the_maps_groups_are_lettered_without_a_gap_before_the_first_run():
    from ui.opinion_map import group_label, named_groups

    # the six's votes so far: three groups, then (two more votes) two; ben's and chloe's group went
    before = _groups({"anna": 0, "greta": 0, "ben": 1, "chloe": 1, "dev": 2, "hans": 2})
    now = _groups({"anna": 1, "greta": 1, "ben": 1, "chloe": 1, "dev": 0, "hans": 0})
    fresh = named_groups(now, None, before)
    assert {group_label(g) for g in fresh["groups"].values()} == {"group A", "group B"}  # was A and C
    assert fresh["groups"]["anna"] == fresh["groups"]["greta"] == 0 and fresh["groups"]["dev"] == 1
    assert [s["id"] for s in fresh["group_summaries"]] == [0, 1] and set(fresh["repness"]) == {"0", "1"}
    # after a run, its drafts name its groups ("What group C asks for"): the map keeps its letters
    assert set(named_groups(now, before, None)["groups"].values()) == {0, 2}
