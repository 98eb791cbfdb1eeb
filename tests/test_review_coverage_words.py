"""The console's coverage table on the review cards in the console's language (found reviewing
579c795..d7437af): a German console's table said "missing" / "over" / "ok", the audit's own keys,
and "40%", where the report of the same room says "fehlt" and "40 %"; the live board's group sizes
"Gruppe A: 4 (40%)"."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

#: an audit as the graph's state holds it: a group without a draft, a topic over-represented
AUDIT = {"passed": False, "verdict": "", "findings": [], "groups": [
    {"key": "group:0", "n_participants": 4, "share_participants": 0.4, "n_drafts": 0, "share_drafts": 0.0,
     "status": "missing"},
    {"key": "topic:0", "n_participants": 6, "share_participants": 0.6, "n_drafts": 2, "share_drafts": 1.0,
     "status": "over"},
]}


def _coverage():
    import streamlit as st

    from ui.i18n import Words
    from ui.review_cards import coverage

    coverage({"audit": st.session_state["audit"]}, Words(st.session_state["lang"]))


def _table(lang: str) -> list[dict]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_coverage, default_timeout=60)
    at.session_state["lang"], at.session_state["audit"] = lang, AUDIT  # (the app runs this function's source only)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.dataframe[0].value.to_dict("records")


def test_the_review_cards_coverage_table_speaks_the_consoles_language():
    de = _table("de")
    assert [r["Status"] for r in de] == ["fehlt", "überrepräsentiert"], de
    assert "40\u00a0%" in de[0].values() and "0\u00a0%" in de[0].values(), de
    en = _table("en")  # English as before
    assert [r["status"] for r in en] == ["missing", "over"] and "40%" in en[0].values(), en


def test_the_boards_group_sizes_write_shares_as_the_rooms_language_does():
    """The live board's caption under the map read "Gruppe A: 4 (40%)" in a German room (found with
    the review table above: shares there went through Words.percent, the board's not)."""
    from ui.i18n import Words
    from ui.views.board import group_sizes

    analysis = {"n_participants": 10, "group_summaries": [{"id": 0, "size": 4, "share": 0.5},
                                                          {"id": 1, "size": 4, "share": 0.5}]}
    assert group_sizes(analysis, Words("de")) == "Gruppe A: 4 (50\u00a0% der 8 in Gruppen), Gruppe B: 4 (50\u00a0% der 8 in Gruppen)"
    assert group_sizes(analysis, Words("en")).startswith("group A: 4 (50% of the 8 in groups)")


#: a Spanish room's audit and analysis (found running a room of six by hand): a topic whose statements
#: split the groups, with its label
SPLIT_TOPIC = {"audit": {"passed": True, "verdict": "", "findings": [], "groups": [
    {"key": "topic:1", "n_participants": 6, "share_participants": 1.0, "n_drafts": 1, "share_drafts": 1.0,
     "status": "ok"}]},
    "analysis": {"topics": {"topics": [{"id": 1, "label": "plaza · niños · sábados"}]}}}


def _split_topic_coverage():
    import streamlit as st

    from ui.i18n import Words
    from ui.review_cards import coverage

    coverage(st.session_state["values"], Words(st.session_state["lang"]))


def test_the_review_names_a_topic_by_its_label_as_the_report_does():
    """The Spanish console's review called a split topic "el tema 1" (its coverage table, and after
    the card's heading), where the report and the CLI say "el tema «plaza · niños · sábados»"."""
    from streamlit.testing.v1 import AppTest

    from ui.i18n import Words
    from ui.review_cards import _for_whom

    at = AppTest.from_function(_split_topic_coverage, default_timeout=60)
    at.session_state["lang"], at.session_state["values"] = "es", SPLIT_TOPIC
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    rows = at.dataframe[0].value.to_dict("records")
    assert "el tema «plaza · niños · sábados»" in rows[0].values(), rows
    card = {"key": "topic:1", "audience": "the topic “plaza · niños · sábados”"}
    heading = "Donde las opiniones se dividen sobre el tema «plaza · niños · sábados»"
    assert _for_whom(card, heading, Words("es"), {"1": "plaza · niños · sábados"}) == ""  # the heading says it
