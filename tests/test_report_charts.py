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
    from ui.charts import NAME_GAP_PX, VOTE_BAR_PX, VOTE_ROW_PX, votes_chart
    from ui.views.report import _vote_rows, coverage_chart

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


#: The coverage table's rows as the report writes them: long audience names and statuses.
COVERAGE_ROWS = [("Group A", "represented"), ("Where opinions split on the topic “bowling · green · dogs”",
                                              "over-represented"),
                 ("The topic “parking · lane · neighbours · lighting”", "no draft (below the fair share)")]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_coverage_table_fits_a_phone(tmp_path, lang):
    """The report's coverage table on a 390 px phone (chromium, the real app): it was 449 px wide and
    pushed the page sideways, its status column cut off. It is now no wider than the page, the page
    does not scroll sideways, and a table that cannot shrink enough scrolls inside itself."""
    from ui_helpers import browser_skip_reason, chromium_page, idle, start_server

    if (reason := browser_skip_reason()) is not None:
        pytest.skip(reason)
    from deliberation.config import Settings
    from deliberation.storage import Store
    from deliberation.words import Texts

    w = Texts(lang)
    data = tmp_path / "data"
    c, _ = Store(Settings(data_dir=data).ensure()).create_consultation("What should happen to the old bowling green?",
                                                                        secret="secret-123456")
    folder = data / "reports" / str(c.id)
    folder.mkdir(parents=True)
    rows = [f"| {name} | 12 | {w.percent(0.4)} | 2 | {status} |" for name, status in COVERAGE_ROWS]
    (folder / "report.md").write_text("\n".join(["# Report", "", w("audit.table"), "|---|---:|---:|---:|---|", *rows])
                                      + "\n", encoding="utf-8")
    server = start_server(data, tmp_path / "logs")
    try:
        with chromium_page(390, 844, idle_hook=True) as (_, page):
            page.goto(f"{server.url}/report?code={c.code}")
            table = page.locator("[data-testid='stMarkdownContainer'] table").first
            table.wait_for(timeout=120_000)
            idle(page)
            table.scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / f"coverage-table-390-{lang}.png"))
            got = page.evaluate("""t => { const r = t.getBoundingClientRect(), d = document.documentElement;
                return {left: r.left, right: r.right, view: d.clientWidth, page: d.scrollWidth,
                        inner: t.scrollWidth, shown: t.clientWidth, overflow: getComputedStyle(t).overflowX}; }""",
                                table.element_handle())
    finally:
        server.stop()
    assert got["left"] >= 0 and got["right"] <= got["view"] == 390, got  # no column past the screen's edge
    assert got["page"] <= got["view"], got  # the page does not scroll sideways
    assert got["inner"] <= got["shown"] or got["overflow"] in ("auto", "scroll"), got  # the rest scrolls in the table
