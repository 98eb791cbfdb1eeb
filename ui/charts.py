"""The bar charts of the report and of the moderator console's review: each published draft's votes,
and each audience's (opinion group's, topic's) share of the participants beside its share of the
drafts. One home for both pages, so the console's review and the report draw the same coverage chart.

Each bar's name (a draft's, an audience's) is written on a line of its own above its bar, across the
chart's whole width: beside the bars, the names took three quarters of a 390 px phone's width and
squeezed the bars to stubs (and a name cut at a fixed width lost its end on a desktop). The legend's
labels are never cut either: Altair cuts a legend label past 160 px, and a Spanish room's report and
console read "proporción de participan…".
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.i18n import Words
from ui.look import VOTE_COLOURS, VOTE_DOMAIN

#: bar colours: share of participants, share of drafts
SHARE_RANGE = ["#90a4ae", "#1565c0"]
#: agree, disagree, pass: the app's vote colours (ui.look), as on the board and the projector; the
#: report's chart drew green and red, which the common colour-vision deficiencies cannot tell apart
VOTE_RANGE = [VOTE_COLOURS[k] for k in VOTE_DOMAIN]
#: px a legend label may take before Altair cuts it with "…" (0: never cut; its default is 160)
LEGEND_LABEL_LIMIT = 0
#: px between a name's baseline and the top of its bar
NAME_GAP_PX = 2
#: the votes chart: px per draft, and its bar's thickness (the bar fills the row's lower half)
VOTE_ROW_PX = 44
VOTE_BAR_PX = 16
#: the coverage chart: px of each of an audience's three slots (its name, its share of the
#: participants, its share of the drafts)
COVERAGE_SLOT_PX = 15
#: the coverage chart's slot for the name (a value no measure is called)
NAME_SLOT = ""


def legend() -> alt.Legend:
    """The charts' legend: under the chart, no title, its labels whole."""
    return alt.Legend(orient="bottom", title=None, labelLimit=LEGEND_LABEL_LIMIT)


def named_bars(bars, names: list[str], field: str, row_px: float, above_px: float):
    """``bars`` (one row of ``row_px`` per name in ``field``, no axis) with each name written
    left-aligned on its row, its baseline ``above_px`` above the row's middle, across the chart's
    whole width (cut with "…" only past it; its tooltip has it whole)."""
    y = alt.Y(f"{field}:N", title=None, sort=None, axis=None)
    labels = alt.Chart(pd.DataFrame({field: names})).mark_text(
        align="left", baseline="bottom", limit=alt.ExprRef(expr="width"), yOffset=-above_px,
    ).encode(y=y, x=alt.value(0), text=f"{field}:N", tooltip=[field])
    return alt.layer(bars, labels).properties(height=alt.Step(row_px, **{"for": "position"}))  # per name, not per slot


def votes_chart(rows: list[dict], w: Words):
    """Each published draft's votes as one stacked bar under its name (:func:`named_bars`)."""
    draft, vote, votes = (w(f"report.col_{k}") for k in ("draft", "vote", "votes"))
    scale = alt.Scale(domain=[w(f"said.{k}") for k in VOTE_DOMAIN], range=VOTE_RANGE)
    bars = alt.Chart(pd.DataFrame(rows)).mark_bar(size=VOTE_BAR_PX, yOffset=VOTE_BAR_PX / 2).encode(
        y=alt.Y(f"{draft}:N", title=None, sort=None, axis=None),
        x=alt.X(f"{votes}:Q", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color(f"{vote}:N", scale=scale, legend=legend()),
        order=alt.Order(f"{vote}:N"),
        tooltip=[draft, vote, votes],
    )
    return named_bars(bars, list(dict.fromkeys(r[draft] for r in rows)), draft, VOTE_ROW_PX, NAME_GAP_PX)


def coverage_bars(groups: list[dict], names: list[str], w: Words, statuses: list[str] | None = None):
    """Each audience's share of the participants and of the drafts (the coverage audit's ``groups``,
    each named by ``names``; ``statuses``: its status in words, shown in the tooltip), its name above
    its two bars (:func:`named_bars`)."""
    audience, measure, share = (w(f"report.col_{k}") for k in ("audience", "measure", "share"))
    of_people, of_drafts = w("report.share_participants"), w("report.share_drafts")
    status = w("review.col_status")
    rows = []
    for i, (g, name) in enumerate(zip(groups, names)):
        said = {status: statuses[i]} if statuses else {}
        rows.append({audience: name, measure: of_people, share: g["share_participants"], **said})
        rows.append({audience: name, measure: of_drafts, share: g["share_drafts"], **said})
    slots = [NAME_SLOT, of_people, of_drafts]  # the name's slot first: the two bars under it
    bars = alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        y=alt.Y(f"{audience}:N", title=None, sort=None, axis=None),
        x=alt.X(f"{share}:Q", axis=alt.Axis(format="%")),
        yOffset=alt.YOffset(f"{measure}:N", scale=alt.Scale(domain=slots)),
        color=alt.Color(f"{measure}:N", legend=legend(),
                        scale=alt.Scale(domain=[of_people, of_drafts], range=SHARE_RANGE)),
        tooltip=[audience, measure, alt.Tooltip(f"{share}:Q", format=".0%")] + ([status] if statuses else []),
    )
    row = len(slots) * COVERAGE_SLOT_PX  # the name's baseline at the top of the first bar
    return named_bars(bars, list(dict.fromkeys(names)), audience, row, row / 2 - COVERAGE_SLOT_PX + NAME_GAP_PX)
