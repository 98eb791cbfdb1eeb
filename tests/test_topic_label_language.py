"""Topic labels in the room's language. A German room run by hand (tests/room_hand.py --lang de --mix
en: three German and three English statements on the same three subjects) showed its topics on the
German board and in the German report as "affordable · families" and "park · benches": the labels
were made from the statements in the main language, and with as many English statements as German
ones the tie went to English. They are now made from the statements in the room's language where a
topic has some (deliberation.analysis.labels.label_language); the statements' own words, not a
translation. Real store, real embedding model, the analysis the CLI's ``analyze`` and the graph run."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from deliberation.analysis.topics import extract_terms
from deliberation.importers.tabular import read_statements_file
from deliberation.services import analyze_source, import_bundle
from deliberation.storage import Store
from deliberation.text.languages import detect_languages
from deliberation.words import ROOM_LANGUAGE_SETTING

ROOMS = tomllib.loads((Path(__file__).parent / "data" / "room_hand_rooms.toml").read_text(encoding="utf-8"))
#: what the English phones of the hand-run room wrote (tests/room_hand.py's ENGLISH)
ENGLISH = ["The old station should become affordable housing for families.",
           "Keep the station building and turn it into a library.",
           "Parking for the market must not take over the neighbourhood."]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    """A German room (its question in German) holding the hand-run room's German and English
    statements, analysed as ``deliberation analyze ID`` does (topics with the real model)."""
    from deliberation.config import Settings

    tmp = tmp_path_factory.mktemp("labels")
    path = tmp / "statements.csv"
    german = ROOMS["de"]["own"]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["text"], *([t] for t in german + ENGLISH)])
    settings = Settings(data_dir=tmp / "data")
    import_bundle(settings, read_statements_file(path), question=ROOMS["de"]["question"])
    assert Store(settings).get_consultation(1).settings.get(ROOM_LANGUAGE_SETTING) == "de"
    result, _ = analyze_source(settings, "1")
    return german, result.topics, result.notes, settings


def test_a_german_rooms_topics_are_labelled_with_its_german_statements_words(analysed):
    german, topics, notes, _ = analysed
    assert detect_languages(german) == ["de"] * 3 and detect_languages(ENGLISH) == ["en"] * 3
    assert topics["language"] == "en"  # three and three: the statements' main language is English's tie
    german_words = {term for text in german for term in extract_terms(text, "de")}
    labels = [(t["label"], t["languages"]) for t in topics["topics"]]
    with_german = [t for t in topics["topics"] if "de" in t["languages"]]
    assert with_german, labels
    for topic in with_german:
        assert set(topic["terms"][:3]) <= german_words, labels
        assert topic["label"].endswith(")") and "German" in topic["label"], labels  # said in German by the pages
    # and the analysis says so (the CLI's summary, the report's notes): "labels use German words"
    assert any("labels use German words where a topic has German statements" in n for n in notes), notes


def test_the_graphs_analyse_step_labels_the_german_room_as_the_cli_does(analysed):
    """The bug was seen on the room's board and report, which the graph's analyse step makes
    (graphs/nodes.py reads the room's language from the store, as services.analyze_source does)."""
    from types import SimpleNamespace

    from graphs.context import Context, Services
    from graphs.nodes import analyse
    from graphs.state import FacilitationState

    german, topics, _, settings = analysed
    runtime = SimpleNamespace(context=Context(services=Services(settings)))
    graph_topics = analyse(FacilitationState(consultation_id=1, question=ROOMS["de"]["question"]),
                           runtime)["analysis"].topics
    german_words = {term for text in german for term in extract_terms(text, "de")}
    with_german = [t for t in graph_topics["topics"] if "de" in t["languages"]]
    assert with_german and all(set(t["terms"][:3]) <= german_words for t in with_german), graph_topics["topics"]
    assert [t["label"] for t in graph_topics["topics"]] == [t["label"] for t in topics["topics"]]


def test_a_simplified_chinese_room_labels_its_topics_with_its_chinese_statements_words():
    """A Simplified room is "zh-Hans" while the detector calls its statements "zh": the room's preference was
    lost (English labels on a Simplified room's board, Chinese on a Traditional one's; reviewer's MEDIUM on ae454ec)."""
    from deliberation.analysis.labels import label_language

    simplified = ["车站旧楼应该改建成给家庭的平价住房。", "市场的停车不能占满整个社区。"]
    langs = detect_languages([*simplified, *ENGLISH[:2]])
    assert langs == ["zh", "zh", "en", "en"]
    assert label_language(langs, "en", "zh") == label_language(langs, "en", "zh-Hans") == "zh"
    assert label_language(["en", "en"], "en", "zh-Hans") == "en"  # none in the room's language: the majority's
