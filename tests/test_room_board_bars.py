"""The vote bars under each draft on the live board and the projector, in a room of 2,000
(Bowling Green's export on the projector, found in chromium): while everyone who had voted on a
draft was in no opinion group (the first votes after the drafts opened, from new phones), the bar
chart had one row and asked for that row's height only; the page gives a chart the height it asks
for, so its legend was cut after "disagree" and "pass" was a grey dash. The chart now asks for
its legend's height; with many groups each still gets its row.

And in a room of 2,000 on the projector (found running the Bowling Green export by hand): three bars
(two groups and "not in a group") under a fixed chart height of 84 px got 11 px rows, what the
x axis and the padding left, and their 13 px labels "group A" and "group B" were drawn over each
other. Each bar now has a row of its own of at least ``step`` px (a Vega-Lite step height)."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("altair")

from ui.opinion_map import LEGEND_ENTRY_PAD, VOTE_NAMES, vote_bars  # noqa: E402


def _row(spec: dict) -> int:
    """px of each bar's row: a step height (the page adds the axis and padding around the rows)."""
    assert isinstance(spec["height"], dict), f"a fixed chart height leaves the rows what the axis does not take: {spec['height']}"
    return spec["height"]["step"]


def _votes(groups: dict[str, int], n: int) -> tuple[pd.DataFrame, dict[str, int]]:
    people = [f"p{i}" for i in range(n)]
    return pd.DataFrame({"participant": people, "statement": "7", "vote": [(1, -1, 0)[i % 3] for i in range(n)]}), groups


@pytest.mark.parametrize("step,font", [(26, 12), (20, 13)])  # the board's and the projector's sizes
def test_one_bar_leaves_room_for_the_whole_legend(step, font):
    votes, groups = _votes({}, 4)  # nobody in a group: one bar, "not in a group"
    spec = vote_bars(votes, "7", groups, step=step, font=font).to_dict()
    assert _row(spec) >= len(VOTE_NAMES) * (font + LEGEND_ENTRY_PAD)  # every answer's legend line


def test_many_groups_keep_a_row_each():
    votes, _ = _votes({}, 12)
    groups = {f"p{i}": i % 6 for i in range(12)}  # six groups
    spec = vote_bars(votes, "7", groups, step=20, font=13).to_dict()
    assert _row(spec) == 20


@pytest.mark.parametrize("step,font", [(26, 12), (20, 13)])
def test_two_groups_and_the_ungrouped_each_get_a_row_as_tall_as_the_step(step, font):
    votes, _ = _votes({}, 12)
    groups = {f"p{i}": i % 2 for i in range(8)}  # p8..p11 in no group: three bars
    spec = vote_bars(votes, "7", groups, step=step, font=font).to_dict()
    assert _row(spec) >= step and 3 * _row(spec) >= len(VOTE_NAMES) * (font + LEGEND_ENTRY_PAD)
