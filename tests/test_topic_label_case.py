"""A topic label writes a word as the room's statements write it. Found running rooms by hand: the Chinese
(vTaiwan) room's topic read "uberx · 計程車 · 司機" for statements that write "UberX", a German room's "co2"
for "CO2". Label terms are counted lower-cased (deliberation.text.terms.extract_terms); the label writes each
as most of its occurrences in the topic's statements write it, when that has a capital past its first letter
(deliberation.analysis.labels.as_written), or a first capital most of its occurrences inside a sentence have:
the German room of tests/room_hand.py (--lang de --mix en) read "gelände · bezahlbare · wohnungen" on its German
board, its console and its report, for statements that write "Auf dem Gelände ...". A sentence's first
capital ("Build") is not the word's own.

Every statement here is made up; the topics are found with the bundled embedding model."""

from __future__ import annotations

import numpy as np

from deliberation.analysis.labels import as_written
from deliberation.analysis.topics import find_topics
from deliberation.embeddings import Embedder, EmbeddingConfig

UBERX = ["UberX drivers should carry the same insurance as taxis.",
         "Taipei should license UberX like any other taxi company.",
         "UberX rides are cheaper and the city should allow them.",
         "An UberX driver needs a background check first.",
         "Taxes on CO2 from UberX cars would pay for buses.",
         "Cars should pay for the CO2 they emit in the city."]
GELAENDE = ["Auf dem Gelände sollen bezahlbare Wohnungen für Familien entstehen.",
            "Das Gelände braucht bezahlbare Wohnungen statt Büros.",
            "Auf dem alten Gelände fehlen Wohnungen für junge Familien.",
            "Die Stadt soll auf dem Gelände selbst Wohnungen bauen.",
            "Wir brauchen auf dem Gelände mehr Wohnungen und einen Spielplatz.",
            "Für Familien sind bezahlbare Wohnungen auf dem Gelände das Wichtigste."]


def test_a_label_term_keeps_the_case_its_statements_write_it_in():
    assert as_written("uberx", ["台北市的計程車應該和UberX遵守相同的法律", "我覺得 UberX 很好"]) == "UberX"
    assert as_written("co2", ["Den CO2-Ausstoß senken", "CO2 besteuern"]) == "CO2"
    assert as_written("build", ["Build new pools", "build more"]) == "build"  # a sentence's first capital
    assert as_written("build", ["Build new pools"]) == "build"
    assert as_written("uberx", ["UberX ok", "uberx no"]) == "uberx"  # not most of them written so: the term
    assert as_written("uberx", ["UberX ok", "Uberx no", "UberX yes"]) == "UberX"
    assert as_written("strongqx", ["__strongQx__ and more"]) == "strongQx"  # an underscore parts words
    assert as_written("計程車", ["計程車"]) == "計程車"
    # a first capital inside a sentence: the word's own (a German noun, a name); starting one: anyone's
    assert as_written("gelände", ["Auf dem Gelände sollen Wohnungen entstehen.", "Das Gelände ist groß."]) == "Gelände"
    assert as_written("wohnungen", ["Wohnungen für alle.", "„Wohnungen!“ sagt sie."]) == "wohnungen"
    assert as_written("taipei", ["Taipei should act.", "I live in Taipei."]) == "Taipei"
    assert as_written("park", ["Ein Park mit Bäumen", "A park with trees"]) == "park"  # not most of them
    # a statement written all in capitals says nothing of how its words are written (reviewer's LOW on 49460f6)
    assert as_written("tolls", ["STOP THE TOLLS NOW", "tolls are bad", "STOP TOLLS"]) == "tolls"
    assert as_written("uberx", ["I LOVE UBERX", "UberX ok", "the UberX app"]) == "UberX"
    # ... but a Chinese statement whose one Latin word is an acronym writes it so (reviewer's MEDIUM on 1d5f02a)
    assert as_written("ncc", ["NCC應該管理外送平台", "NCC要負責"]) == "NCC"
    assert as_written("co2", ["減少CO2排放", "CO2太多了"]) == "CO2"


def test_a_topic_of_uberx_statements_is_labelled_uberx_as_they_write_it(tmp_path):
    vectors = np.asarray(Embedder(EmbeddingConfig(cache_dir=tmp_path)).encode(UBERX), dtype=np.float32)
    result = find_topics([str(i) for i in range(len(UBERX))], UBERX, vectors, rng=0)
    words = " ".join(t.label for t in result.topics).split()
    assert "UberX" in words and "uberx" not in words, [t.label for t in result.topics]  # was "uberx · cars · city"
    for topic in result.topics:  # the terms themselves stay lower-cased (counted so)
        assert all(term == term.lower() for term in topic.terms), topic.terms


def test_a_german_topic_label_writes_its_nouns_with_their_capitals(tmp_path):
    vectors = np.asarray(Embedder(EmbeddingConfig(cache_dir=tmp_path)).encode(GELAENDE), dtype=np.float32)
    result = find_topics([str(i) for i in range(len(GELAENDE))], GELAENDE, vectors, rng=0)
    words = [w for t in result.topics for w in t.label.split(" (")[0].split(" · ")]
    nouns = {"gelände", "wohnungen", "familien", "stadt", "büros", "spielplatz"}  # written capitalised inside sentences
    assert {w.lower() for w in words} & nouns, words  # the label names one (else this test says nothing)
    for w in words:
        assert w[0].isupper() == (w.lower() in nouns), words  # was "gelände · bezahlbare · wohnungen"
