"""The report's charts on a phone: the names of the drafts (and of the coverage chart's audiences)
stood beside the bars and took three quarters of a 390 px screen, squeezing the bars to stubs. Each
name is now written above its bar, across the chart's width, so the bars keep the whole width on a
phone and a desktop shows the names whole (checked in chromium at 390x844 and 1280x1000)."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

VOTES = {"agree": 4, "disagree": 4, "passes": 1, "n_votes": 9, "groups": []}


def _layers(chart) -> tuple[dict, dict, dict]:
    spec = chart.to_dict()
    bars, names = spec["layer"]
    return spec, bars, names


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_names_stand_above_the_bars_across_the_whole_width(lang):
    from ui.i18n import Words, draft_heading
    from ui.views.report import NAME_GAP_PX, VOTE_BAR_PX, VOTE_ROW_PX, _vote_rows, coverage_chart, votes_chart

    w = Words(lang)
    drafts = [{"key": "all:1", "heading": "Common ground 1", "published_as": "25", "votes": VOTES},
              {"key": "topic:0", "heading": "Where opinions split on the topic “samedi · marché · place”",
               "published_as": "30", "votes": VOTES}]
    rows, _ = _vote_rows(w, drafts)
    spec, bars, names = _layers(votes_chart(rows, w))
    shown = [r[w("report.col_draft")] for r in spec["datasets"][names["data"]["name"]]]
    # the draft's name first, as its ballot says it: a phone's width cuts the heading's end, not it
    assert shown == [w("report.draft_name", draft=w.draft(d["published_as"], start=True), heading=draft_heading(w, d))
                     for d in drafts] and shown[0].startswith(w.draft("25", start=True)), shown
    # no axis of names beside the bars: each name is a text on its row, as wide as the chart
    assert bars["encoding"]["y"]["axis"] is None and names["encoding"]["y"]["axis"] is None
    assert names["mark"]["type"] == "text" and names["mark"]["limit"] == {"expr": "width"}
    assert names["mark"]["align"] == "left" and names["encoding"]["x"] == {"value": 0}
    # the name's baseline just above the row's middle, the bar in the row's lower half
    assert names["mark"]["baseline"] == "bottom" and names["mark"]["yOffset"] == -NAME_GAP_PX
    assert bars["mark"]["size"] == VOTE_BAR_PX and bars["mark"]["yOffset"] == VOTE_BAR_PX / 2 <= VOTE_ROW_PX / 2
    assert spec["height"] == {"step": VOTE_ROW_PX, "for": "position"}

    rep = {"topics": [{"id": 0, "label": "samedi · marché · place"}],
           "audit": {"groups": [{"key": "group:0", "share_participants": 0.6, "share_drafts": 0.5},
                                {"key": "topic:0", "share_participants": 0.1, "share_drafts": 0.05}]}}
    spec, bars, names = _layers(coverage_chart(rep, w))
    slots = bars["encoding"]["yOffset"]["scale"]["domain"]
    assert slots == ["", w("report.share_participants"), w("report.share_drafts")]  # the name's slot first
    assert names["mark"]["limit"] == {"expr": "width"} and bars["encoding"]["y"]["axis"] is None
    assert spec["height"]["for"] == "position"
