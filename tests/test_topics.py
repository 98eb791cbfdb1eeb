"""Tests for deliberation.analysis.topics: topics by embedding, c-TF-IDF labels, voices, near-duplicates.

Real embeddings (the default model, USE multilingual v3, offline) on hand-written statements and on the Polis corpora in
the sibling folder ``shared/corpora`` (skipped with a reason where it is absent).
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from deliberation.embeddings import Embedder, EmbeddingConfig
from deliberation.text import language_name
from deliberation.text.terms import stop_words
from deliberation.analysis.topics import (
    GERMAN_STOP_WORDS,
    TopicConfig,
    TopicResult,
    class_tfidf,
    extract_terms,
    find_topics,
    near_duplicate_groups,
)

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
SEATTLE = "15-per-hour-seattle"
BOWLING_GREEN = "american-assembly.bowling-green"
UBERX = "vtaiwan.uberx"
AUSTRIA = "austria-climate.5twd2jsnkf.2022-08-08"
REAL_CORPORA = [SEATTLE, BOWLING_GREEN, UBERX, AUSTRIA]


# --------------------------------------------------------------------------------------------------
# Fixtures: one embedder per module, vectors memoised per text
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embed(tmp_path_factory):
    """texts -> (n, dim) float32 unit rows; every distinct text is embedded once per module."""
    embedder = Embedder(EmbeddingConfig(cache_dir=tmp_path_factory.mktemp("embeddings")))
    encode = embedder.encode

    memo: dict[str, np.ndarray] = {}

    def _embed(texts):
        missing = sorted({t for t in texts if t not in memo})
        if missing:
            for text, vec in zip(missing, np.asarray(encode(missing), dtype=np.float32)):
                memo[text] = vec
        return np.stack([memo[t] for t in texts]) if texts else np.zeros((0, embedder.dim), np.float32)

    return _embed


@pytest.fixture(scope="module")
def corpus(embed):
    """name -> (ids, texts, authors, vectors) of a shared corpus, rows with moderated != -1."""

    @functools.cache
    def _load(name):
        path = CORPORA / name / "comments.csv"
        if not path.is_file():
            pytest.skip(f"real-data test needs the Polis corpus {path} (the folder shared/corpora "
                        "beside the repository), which is absent here")
        with path.open(encoding="utf-8", newline="") as f:
            rows = [r for r in csv.DictReader(f) if r["moderated"].strip() != "-1"]
        ids = [r["comment-id"] for r in rows]
        texts = [r["comment-body"] for r in rows]
        authors = [r["author-id"] or None for r in rows]
        return ids, texts, authors, embed(texts)

    return _load


@pytest.fixture(scope="module")
def corpus_topics(corpus):
    """name -> find_topics result with the default config and seed 0 (computed once)."""

    @functools.cache
    def _topics(name) -> TopicResult:
        ids, texts, authors, vectors = corpus(name)
        return find_topics(ids, texts, vectors, authors, TopicConfig(), rng=0)

    return _topics


# --------------------------------------------------------------------------------------------------
# Hand-written statements: three clearly separated themes
# --------------------------------------------------------------------------------------------------

PARKING = [
    "There is never enough parking downtown on weekends.",
    "The city should build a multi-storey car park near the market.",
    "Parking fees in the centre are far too expensive.",
    "Residents need permit parking on their own streets.",
    "I drive around for twenty minutes looking for a parking space.",
    "Free parking for the first hour would help local shops.",
    "Parking meters should accept payment by phone.",
    "Cars parked on the pavement block wheelchairs and prams.",
    "We need more disabled parking bays near the town hall.",
    "The supermarket car park is full every Saturday.",
    "Parking tickets are handed out too aggressively.",
    "Long-stay parking should be moved to the edge of town.",
    "Delivery vans double-park and block the road.",
    "Turn the empty lot on Mill Street into a car park.",
    "Parking spaces should be reserved for electric car charging.",
]
TREES = [
    "Plant more trees along the main street for shade.",
    "The old oak trees in the park must be protected.",
    "Every new housing estate should include green spaces and trees.",
    "Street trees cool the city in hot summers.",
    "The council cut down healthy trees without asking anyone.",
    "We should plant fruit trees in public orchards.",
    "Tree roots are lifting the pavement on Elm Road.",
    "A tree planting day with schools would bring people together.",
    "Protect the woodland at the edge of town from development.",
    "More trees would reduce air pollution near the school.",
    "Dead trees in the cemetery should be replaced with young ones.",
    "The city needs a plan to grow its tree canopy.",
    "Native tree species support birds and insects.",
    "Leaves from the trees block the drains every autumn.",
    "Let residents adopt and water a street tree.",
]
BUSES = [
    "Buses should run every ten minutes during rush hour.",
    "The last bus leaves far too early in the evening.",
    "Bus fares are too high for students and pensioners.",
    "We need a direct bus line to the hospital.",
    "The bus station is dirty and poorly lit at night.",
    "Electric buses would make the town quieter and cleaner.",
    "Bus timetables at the stops are never up to date.",
    "Add a night bus on Fridays and Saturdays.",
    "Bus drivers should be able to take card payments.",
    "The number 7 bus is always late in the morning.",
    "Bus shelters need seats and a roof against the rain.",
    "A dedicated bus lane on the ring road would speed up buses.",
    "Villages outside town have no bus service at all.",
    "Bus routes should connect the new estates with the centre.",
    "Buses are overcrowded when the school day ends.",
]
THEMES = PARKING + TREES + BUSES
THEME_OF = [0] * len(PARKING) + [1] * len(TREES) + [2] * len(BUSES)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _check_result_invariants(result: TopicResult, ids, texts, config: TopicConfig) -> None:
    """What must hold for any result with statements: a partition, consistent counts, sound labels."""
    text_of = dict(zip(ids, texts))
    assert set(result.assignment) == set(ids)
    seen: list[str] = []
    for topic in result.topics:
        assert topic.statement_ids, "no empty topics"
        assert all(result.assignment[s] == topic.id for s in topic.statement_ids)
        assert topic.n_statements == len(topic.statement_ids)
        assert 0 <= topic.n_authors <= topic.n_statements - topic.n_seed
        seen.extend(topic.statement_ids)
        # central statements belong to their topic, most central first, no repeats
        assert topic.central_statement_ids
        assert len(topic.central_statement_ids) <= config.n_central
        assert len(set(topic.central_statement_ids)) == len(topic.central_statement_ids)
        assert set(topic.central_statement_ids) <= set(topic.statement_ids)
        # labels are made of terms that occur in this topic's statements
        topic_text = "\n".join(_fold(text_of[s]) for s in topic.statement_ids)
        assert topic.terms, f"topic {topic.id} has no terms"
        assert sum(topic.languages.values()) == topic.n_statements
        label = topic.label
        if len(result.languages) > 1:  # a multilingual consultation: the label names the topic's languages
            names = ", ".join(language_name(code) for code in topic.languages)
            assert label.endswith(f" ({names})"), label
            label = label[: -len(names) - 3]
        if not topic.is_other:
            parts = label.split(config.label_separator)
            # the terms, each as the statements write it where that has a capital past its first letter ("CO2")
            assert [x.lower() for x in parts] == topic.terms[: config.n_label_terms]
        for term in topic.terms:
            assert term in topic_text, f"term {term!r} of topic {topic.id} is not in its statements"
    assert sorted(seen) == sorted(ids), "every statement in exactly one topic"
    assert [t.id for t in result.topics] == list(range(len(result.topics)))
    assert math.isclose(sum(t.weight for t in result.topics), 1.0, abs_tol=1e-9)
    # JSON-serialisable, and the JSON says the same
    again = json.loads(result.to_json())
    assert again["assignment"] == result.assignment
    assert [t["label"] for t in again["topics"]] == [t.label for t in result.topics]


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------


def test_no_statements_gives_no_topic_and_says_why():
    result = find_topics([], [], np.zeros((0, 384), np.float32))
    assert result.topics == [] and result.assignment == {} and result.near_duplicates == []
    assert result.quality is None and result.method == "none"
    assert any("no statements" in n.lower() for n in result.notes)
    assert json.loads(result.to_json())["topics"] == []


def test_one_statement_is_one_topic(embed):
    texts = ["Build a new swimming pool."]
    result = find_topics(["s1"], texts, embed(texts), ["alice"])
    assert len(result.topics) == 1 and result.assignment == {"s1": 0}
    topic = result.topics[0]
    assert topic.central_statement_ids == ["s1"] and topic.n_authors == 1 and topic.weight == 1.0
    assert "swimming" in topic.terms and "pool" in topic.terms
    assert result.quality is None
    assert any("only one statement" in n.lower() for n in result.notes)


def test_two_statements_are_one_topic_with_a_reason(embed):
    texts = ["Build a new swimming pool.", "Lower the council tax."]
    result = find_topics(["a", "b"], texts, embed(texts))
    assert len(result.topics) == 1 and set(result.assignment) == {"a", "b"}
    assert (result.topics[0].n_authors, result.topics[0].n_seed) == (0, 2)  # no author: seeds, no voice
    assert any("only 2 statements" in n and "single topic" in n for n in result.notes)
    _check_result_invariants(result, ["a", "b"], texts, TopicConfig())


def test_all_identical_texts_are_one_topic_and_one_duplicate_group(embed):
    texts = ["We need more cycle lanes."] * 20
    ids = [f"s{i}" for i in range(20)]
    authors = [f"p{i % 4}" for i in range(20)]
    result = find_topics(ids, texts, embed(texts), authors)
    assert len(result.topics) == 1
    assert result.near_duplicates == [ids]
    assert result.topics[0].n_authors == 4 and result.topics[0].n_statements == 20
    assert result.topics[0].central_statement_ids == ["s0"]  # one per near-duplicate group
    assert any("near-duplicates" in n and "single topic" in n for n in result.notes)
    _check_result_invariants(result, ids, texts, TopicConfig())


def test_few_statements_are_one_topic(embed):
    texts = PARKING[:4] + TREES[:4]
    ids = [str(i) for i in range(8)]
    result = find_topics(ids, texts, embed(texts))
    assert len(result.topics) == 1
    assert any("at least 10 distinct statements" in n for n in result.notes)


def test_inconsistent_input_is_refused():
    vecs = np.eye(3, 8)
    with pytest.raises(ValueError, match="texts"):
        find_topics(["a", "b", "c"], ["x", "y"], vecs)
    with pytest.raises(ValueError, match="more than once"):
        find_topics(["a", "a", "c"], ["x", "y", "z"], vecs)
    with pytest.raises(ValueError, match="authors"):
        find_topics(["a", "b", "c"], ["x", "y", "z"], vecs, authors=["p"])
    with pytest.raises(ValueError, match="shape"):
        find_topics(["a", "b", "c"], ["x", "y", "z"], np.eye(2, 8))
    bad = vecs.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        find_topics(["a", "b", "c"], ["x", "y", "z"], bad)
    with pytest.raises(ValueError):
        TopicConfig(min_topics=5, max_topics=3)
    with pytest.raises(ValueError):
        TopicConfig(near_duplicate_threshold=1.5)
    with pytest.raises(TypeError):
        find_topics(["a"], ["x"], np.eye(1, 8), rng="seed")


# --------------------------------------------------------------------------------------------------
# Terms and c-TF-IDF
# --------------------------------------------------------------------------------------------------


def test_extract_terms_removes_stop_words_and_uses_bigrams_for_chinese():
    assert extract_terms("We need MORE parking spaces, and the shops don't have any!") == [
        "parking", "spaces", "shops"]
    assert extract_terms("Die Stadt muss mehr Bäume pflanzen und die Radwege ausbauen", "de") == [
        "stadt", "bäume", "pflanzen", "radwege", "ausbauen"]
    # "我覺得" is cut off (function word + particle), the rest becomes character pairs
    assert extract_terms("我覺得計程車司機", "zh") == ["計程", "程車", "車司", "司機"]
    assert extract_terms("我覺得 UberX 很好", "zh") == ["uberx", "很好"]
    assert "15" in extract_terms("$15 minimum wage")


def test_class_tfidf_matches_the_bertopic_formula():
    classes = [
        [["parking", "car"], ["parking", "fees"], ["parking"]],
        [["tree", "shade"], ["tree", "car"]],
    ]
    vocab, scores = class_tfidf(classes)
    assert vocab == ["car", "fees", "parking", "shade", "tree"]
    counts = np.array([[1, 1, 3, 0, 0], [1, 0, 0, 1, 2]], dtype=float)
    tf = counts / counts.sum(axis=1, keepdims=True)
    idf = np.log(1 + counts.sum(axis=1).mean() / counts.sum(axis=0))
    assert np.allclose(scores, tf * idf)
    # a term counts once per statement
    _, scores2 = class_tfidf([[["parking", "parking", "parking"]], [["tree"]]])
    assert np.allclose(scores2, class_tfidf([[["parking"]], [["tree"]]])[1])


# --------------------------------------------------------------------------------------------------
# Topic quality and determinism on hand-written themes
# --------------------------------------------------------------------------------------------------


def test_three_hand_written_themes_are_recovered(embed):
    ids = [f"t{i}" for i in range(len(THEMES))]
    config = TopicConfig()
    result = find_topics(ids, THEMES, embed(THEMES), config=config, rng=0)
    assert result.method == "kmeans-silhouette"
    found = [result.assignment[i] for i in ids]
    assert adjusted_rand_score(THEME_OF, found) >= 0.8
    assert len(result.topics) == 3
    _check_result_invariants(result, ids, THEMES, config)
    # each topic's label names its theme
    words = {0: ("parking",), 1: ("trees", "tree"), 2: ("bus", "buses")}
    for topic in result.topics:
        theme = np.bincount([THEME_OF[ids.index(s)] for s in topic.statement_ids]).argmax()
        assert any(w in topic.terms[: config.n_label_terms] for w in words[theme]), topic.label
    assert result.quality is not None and result.quality > 0.05


def test_same_seed_same_topics_and_generator_accepted(embed):
    ids = [f"t{i}" for i in range(len(THEMES))]
    vectors = embed(THEMES)
    a = find_topics(ids, THEMES, vectors, rng=7)
    b = find_topics(ids, THEMES, vectors, rng=7)
    assert a.to_dict() == b.to_dict()
    c = find_topics(ids, THEMES, vectors, rng=np.random.default_rng(3))
    d = find_topics(ids, THEMES, vectors, rng=np.random.default_rng(3))
    assert c.to_dict() == d.to_dict()


def test_hdbscan_assigns_every_statement_and_can_show_other(embed):
    odd = ["My cat sleeps all afternoon on the sofa.", "Quantum computers use qubits.",
           "I prefer jazz to classical music."]
    texts = THEMES + odd
    ids = [f"t{i}" for i in range(len(texts))]
    vectors = embed(texts)
    for noise in ("nearest", "other"):
        config = TopicConfig(method="hdbscan", hdbscan_noise=noise)
        result = find_topics(ids, texts, vectors, config=config, rng=0)
        _check_result_invariants(result, ids, texts, config)
        assert result.method in ("hdbscan", "kmeans-silhouette")
        real = [t for t in result.topics if not t.is_other]
        assert config.min_topics <= len(real) <= config.max_topics
        others = [t for t in result.topics if t.is_other]
        if noise == "nearest":
            assert not others
            found = [result.assignment[i] for i in ids[: len(THEMES)]]
            assert adjusted_rand_score(THEME_OF, found) >= 0.8
        elif others:
            assert others[0] is result.topics[-1] and others[0].label == "Other"
        for topic in real:  # each real topic is mostly one theme
            themes = [THEME_OF[ids.index(s)] for s in topic.statement_ids if ids.index(s) < len(THEMES)]
            assert np.bincount(themes).max() >= 0.8 * topic.n_statements, topic.label


# --------------------------------------------------------------------------------------------------
# Voices and near-duplicates
# --------------------------------------------------------------------------------------------------

ONE_AUTHOR_REWORDINGS = [
    "Parking in the town centre is far too expensive.",
    "It costs too much to park in the town centre.",
    "Town centre parking charges are too high.",
    "The price of parking in the centre is excessive.",
    "Parking fees in the middle of town are way too expensive.",
]
FIVE_AUTHORS_TREES = [
    "Plant more trees along the main street for shade.",
    "The old oak trees in the park must be protected.",
    "Street trees cool the city in hot summers.",
    "We should plant fruit trees in public orchards.",
    "Native tree species support birds and insects.",
]


def test_weights_count_distinct_voices_not_statements(embed):
    texts = ONE_AUTHOR_REWORDINGS + FIVE_AUTHORS_TREES
    ids = [f"s{i}" for i in range(10)]
    authors = ["alice"] * 5 + ["bob", "carol", "dan", "erin", "frank"]
    config = TopicConfig(min_topics=2, max_topics=2, min_statements_per_topic=1)
    result = find_topics(ids, texts, embed(texts), authors, config)
    assert len(result.topics) == 2
    parking = result.topic_of("s0")
    trees = result.topic_of("s5")
    assert parking is not trees
    assert sorted(parking.statement_ids) == ids[:5] and sorted(trees.statement_ids) == ids[5:]
    assert (parking.n_statements, parking.n_authors) == (5, 1)
    assert (trees.n_statements, trees.n_authors) == (5, 5)
    assert math.isclose(parking.weight, 1 / 6) and math.isclose(trees.weight, 5 / 6)
    assert result.topics[0] is trees  # ordered by voices
    assert result.n_voices == 6
    _check_result_invariants(result, ids, texts, config)


def test_statements_without_an_author_are_seeds_not_voices(embed):
    """One person, one voice: the moderator's seed statements (no author) count as no participant.
    A room of 6 with 2 seeds read "8 statements, 8 voices" before."""
    texts = ONE_AUTHOR_REWORDINGS + FIVE_AUTHORS_TREES
    ids = [f"s{i}" for i in range(10)]
    config = TopicConfig(min_topics=2, max_topics=2, min_statements_per_topic=1)
    vectors = embed(texts)
    no_list = find_topics(ids, texts, vectors, None, config)
    assert [(t.n_authors, t.n_seed) for t in no_list.topics] == [(0, 5), (0, 5)]
    assert no_list.n_voices == 0 and [t.weight for t in no_list.topics] == [0.5, 0.5]  # shares of statements
    mixed = find_topics(ids, texts, vectors, ["alice", None, "alice", "", "alice"] + ["bob", "carol", None, None, "dan"],
                        config)
    assert (mixed.topic_of("s0").n_authors, mixed.topic_of("s0").n_seed) == (1, 2)  # alice once; two seeds
    assert (mixed.topic_of("s5").n_authors, mixed.topic_of("s5").n_seed) == (3, 2)
    assert mixed.n_voices == 4
    assert math.isclose(mixed.topic_of("s5").weight, 3 / 4)
    _check_result_invariants(mixed, ids, texts, config)


def test_topic_sources_name_statements_without_an_author_apart():
    """Statements without an author are no participant's voice: the moderator's seed statements (stored
    with origin "seed") are named as theirs, an import's authorless statements as without a named
    author (an export's authorless comments were called "the moderator's seed statements")."""
    from deliberation.wording import topic_sources
    assert topic_sources(8, 6, 2) == "8 statements from 6 participants and 2 without a named author"
    assert topic_sources(5, 5) == "5 statements from 5 participants"
    assert topic_sources(1, 0, 1) == "1 statement without a named author"
    assert topic_sources(8, 6, 2, 2) == "8 statements from 6 participants and the moderator's 2 seed statements"
    assert topic_sources(9, 6, 3, 2) == ("9 statements from 6 participants, the moderator's 2 seed statements "
                                         "and 1 without a named author")
    assert topic_sources(2, 0, 2, 2) == "the moderator's 2 seed statements"
    assert topic_sources(3, 0, 3, 1) == "3 statements: the moderator's 1 seed statement and 2 without a named author"


def test_a_polis_export_without_author_ids_is_not_called_the_moderators(tmp_path):
    """A real Polis export (Seattle's $15 minimum wage) whose comments.csv lost its author ids on every
    other comment, imported into the store, then three seed statements of the moderator's: the
    analysis's topic lines count the authors it names, the export's others as statements without a
    named author, never as the moderator's (the import cannot tell whose they were), and the seeds
    as the moderator's."""
    import csv
    import re
    import shutil

    from conftest import corpus
    from deliberation.config import Settings
    from deliberation.importers.polis import read_polis_export
    from deliberation.services import analyze_source
    from deliberation.storage import Store

    folder = tmp_path / "seattle"
    shutil.copytree(corpus("15-per-hour-seattle"), folder)
    with open(folder / "comments.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows[::2]:
        row["author-id"] = ""
    with open(folder / "comments.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    settings = Settings(data_dir=tmp_path / "data").ensure()
    cid = Store(settings).import_bundle(read_polis_export(folder)).consultation_id
    author = {s.external_id: s.author for s in Store(settings).statements(cid)}
    assert sum(a is None for a in author.values()) == len(rows[::2])
    seeds = Store(settings).add_seed_statements(cid, list(enumerate(SEATTLE_SEEDS, start=1)))
    result, summary = analyze_source(settings, str(cid))
    seed_ids = {s.external_id for s in seeds}
    topics = result.topics["topics"]
    unnamed = sum(author.get(sid) is None and sid not in seed_ids for t in topics for sid in t["statement_ids"])
    assert unnamed and sum(sid in seed_ids for t in topics for sid in t["statement_ids"]) == len(SEATTLE_SEEDS)
    lines = [line for line in summary.splitlines() if re.match(r"^  \d+\. .+ — ", line)]
    assert len(lines) == len(topics), summary
    said = [int(m.group(1)) for line in lines for m in [re.search(r"(?:and |— )(\d+) (?:statements? )?without a "
                                                                   r"named author$", line)] if m]
    assert sum(said) == unnamed, lines
    by_moderator = [int(n) for line in lines for n in re.findall(r"the moderator's (\d+) seed statements?", line)]
    assert sum(by_moderator) == len(SEATTLE_SEEDS) and summary.count("moderator") == len(by_moderator), lines
    # the report's topic list says the same (wording.topic_sources, from the stored analysis)
    from deliberation.report import build_report, to_markdown

    md = to_markdown(build_report({"analysis": result.model_dump(mode="json")}, Store(settings).statements(cid)))
    listed = md.split("## Topic list")[1].split("\n## ")[0]
    assert sum(int(n) for n in re.findall(r"the moderator's (\d+) seed statements?", listed)) == len(SEATTLE_SEEDS)
    assert sum(int(n) for n in re.findall(r"(?:and |: |— )(\d+) (?:statements? )?without a named author", listed)) == \
        unnamed, listed


#: the moderator's seed statements added to the Seattle export above (written for the test)
SEATTLE_SEEDS = ["A $15 minimum wage should be phased in over five years for small businesses.",
                 "Tipped workers should count their tips toward the minimum wage.",
                 "The city should study the effect on jobs before raising the wage again."]


def test_near_duplicates_are_grouped_and_kept_together(embed):
    dups = ["Citizens United needs to be overturned.", "Citizens United must be overturned.",
            "The Citizens United decision needs to be overturned."]
    texts = THEMES + dups
    ids = [f"t{i}" for i in range(len(texts))]
    result = find_topics(ids, texts, embed(texts), rng=0)
    assert ids[-3:] in result.near_duplicates
    assert len({result.assignment[i] for i in ids[-3:]}) == 1
    for topic in result.topics:  # at most one statement of a group among the central ones
        assert len(set(topic.central_statement_ids) & set(ids[-3:])) <= 1
    # distinct statements on one theme are not near-duplicates of each other
    assert all(len(set(g) & set(ids[:45])) == 0 for g in result.near_duplicates)


def test_near_duplicate_threshold_and_overlap_guard(embed):
    texts = ["Presidential candidates must release their tax returns",
             "Presidential candidates must disclose their tax return",
             "Recreational marijuana should be legal.", "Medical marijuana should be legal."]
    vectors = embed(texts)
    sims = vectors @ vectors.T
    assert sims[0, 1] >= 0.9 and 0.8 < sims[2, 3] < 0.9
    assert near_duplicate_groups(texts, vectors, 0.9) == [[0, 1]]
    assert near_duplicate_groups(texts, vectors, 0.8) == [[0, 1], [2, 3]]
    assert near_duplicate_groups(texts, vectors, 0.8, min_overlap=1.0) == []


# --------------------------------------------------------------------------------------------------
# Real corpora
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REAL_CORPORA)
def test_real_corpus_topics(name, corpus, corpus_topics):
    ids, texts, authors, _ = corpus(name)
    config = TopicConfig()
    result = corpus_topics(name)
    assert config.min_topics <= len(result.topics) <= config.max_topics
    assert len(result.topics) <= len(ids) // config.min_statements_per_topic
    _check_result_invariants(result, ids, texts, config)
    assert result.quality is not None and 0.0 < result.quality < 1.0
    # k is the best-scoring candidate (scored where k-means ran); quality is the full-space silhouette
    assert result.candidates and max(result.candidates, key=lambda c: c.silhouette).n_topics == len(result.topics)
    distinct_authors = len({a for a in authors if a is not None})  # a Polis export names every author
    assert result.n_voices == distinct_authors
    for topic in result.topics:
        assert topic.n_authors == len({authors[ids.index(s)] for s in topic.statement_ids} - {None})
    # no topic swallows almost everything
    assert max(t.n_statements for t in result.topics) <= 0.75 * len(ids)


def test_seattle_subject_labels_cover_exactly_the_analysed_statements():
    """tests/data/seattle_subjects.json (hand labels bench/bench_models.py scores Seattle's topics
    against) labels every statement the Polis importer keeps for analysis, and nothing else, with
    labels of its own scheme; it holds ids and labels only, never statement text."""
    from deliberation.importers.polis import read_polis_export

    folder = CORPORA / SEATTLE
    if not folder.is_dir():
        pytest.skip(f"needs the Polis corpus {folder} (shared/corpora beside the repository), absent here")
    data = json.loads((Path(__file__).parent / "data" / "seattle_subjects.json").read_text(encoding="utf-8"))
    statements = read_polis_export(folder).statements
    analysed = {s.external_id for s in statements if not s.moderation.excluded_from_analysis and not s.is_draft}
    assert set(data["labels"]) == analysed and len(analysed) == 31
    assert set(data["labels"].values()) == set(data["scheme"])
    assert set(data["ambiguous"]) <= analysed and set(data["ambiguous"].values()) <= set(data["scheme"])
    texts = {s.text for s in statements}
    assert not any(text in json.dumps(data) for text in texts if len(text) > 20)


@pytest.mark.parametrize("name", REAL_CORPORA)
def test_real_corpus_is_deterministic_under_a_seed(name, corpus, corpus_topics):
    ids, texts, authors, vectors = corpus(name)
    again = find_topics(ids, texts, vectors, authors, TopicConfig(), rng=0)
    assert again.to_dict() == corpus_topics(name).to_dict()


def test_real_english_labels_and_central_statements(corpus, corpus_topics):
    ids, texts, _, vectors = corpus(BOWLING_GREEN)
    result = corpus_topics(BOWLING_GREEN)
    assert result.language == "en"
    english_stop = {"the", "and", "should", "we", "is", "to", "of"}
    all_terms = [term for t in result.topics for term in t.terms]
    assert not english_stop & set(all_terms)
    # a city consultation: some topic is about traffic/roads, one about schools
    labels = " | ".join(t.label for t in result.topics)
    assert re.search(r"traffic|road", labels) and re.search(r"school|education", labels), labels
    # central statements are the closest to their topic's centroid
    index = {s: i for i, s in enumerate(ids)}
    for topic in result.topics:
        rows = vectors[[index[s] for s in topic.statement_ids]].astype(np.float64)
        centroid = rows.mean(axis=0)
        sims = rows @ (centroid / np.linalg.norm(centroid))
        best = topic.statement_ids[int(np.argmax(sims))]
        assert topic.central_statement_ids[0] == best


def test_real_chinese_labels_are_words_not_function_characters(corpus_topics):
    result = corpus_topics(UBERX)
    assert result.language == "zh"
    assert any("Chinese" in n for n in result.notes)
    cjk_terms = [term for t in result.topics for term in t.terms if re.fullmatch(r"[\u4e00-\u9fff]+", term)]
    assert len(cjk_terms) >= len(result.topics)
    for term in cjk_terms:
        assert len(term) >= 2
        assert "的" not in term and "覺得" not in term and "我" not in term
    assert any("計程車" in t.terms for t in result.topics)  # "taxi", grown from its character pairs
    # no distinct statements taken for near-duplicates
    assert result.near_duplicates == []


def test_real_chinese_statements_are_not_taken_for_near_duplicates(corpus):
    """The English model put distinct vTaiwan statements at cosine >= 0.9 (22 pairs), so only the
    word-overlap guard kept them apart; the multilingual default tells them apart by itself."""
    ids, texts, _, vectors = corpus(UBERX)
    assert near_duplicate_groups(texts, vectors, 0.87, min_overlap=0.0) == []
    assert near_duplicate_groups(texts, vectors, 0.87) == []


def test_real_german_labels_have_no_stop_words(corpus_topics):
    result = corpus_topics(AUSTRIA)
    assert result.language == "de"
    for topic in result.topics:
        assert not set(topic.terms) & GERMAN_STOP_WORDS, topic.terms
    assert any(re.search(r"verpackung|recycl|klima|co2", t.label) for t in result.topics)


#: A Spanish room about bike lanes and the market square, with Catalan statements among them. The
#: detector does not know Catalan: it tells these as Spanish, French or not at all (then Spanish,
#: the room's language), and "amb" ("with"), "més", "els" came through Spanish's and French's stop
#: words into the topics' labels.
CATALAN_IN_A_SPANISH_ROOM = [
    "Necesitamos más carriles bici separados en el centro de la ciudad.",
    "Los carriles bici del centro deberían estar separados de los coches.",
    "Cal més carrils bici amb separació física al centre de la ciutat.",
    "Els carrils bici del centre han de ser més segurs amb separadors.",
    "La plaza del mercado necesita más árboles y bancos con sombra.",
    "Más sombra y más bancos en la plaza del mercado, por favor.",
    "Volem més arbres i bancs amb ombra a la plaça del mercat.",
    "La plaça del mercat necessita més bancs i arbres amb ombra per als avis.",
]


def test_catalan_stop_words_make_no_topic_label(embed):
    texts = CATALAN_IN_A_SPANISH_ROOM
    result = find_topics([f"s{i}" for i in range(len(texts))], texts, embed(texts),
                         [f"a{i}" for i in range(len(texts))], TopicConfig(), rng=0)
    catalan = {"amb", "més", "els", "per", "als", "del", "al", "la", "de", "han", "ser", "i"}
    terms = [t for topic in result.topics for t in topic.terms]
    assert terms and not set(terms) & catalan, [(t.label, t.terms) for t in result.topics]
    # the Catalan statements' own words still count ("carrils", "plaça"): only their function words go
    assert {"amb", "més"} <= stop_words("es") and {"amb", "més"} <= stop_words("fr")
    assert "carrils" in extract_terms(texts[2], "es") and "mode" in extract_terms("La mode des vélos", "fr")
    assert "mal" in extract_terms("Le mal-logement", "fr")  # content words of the list stay (data/ca.toml)
