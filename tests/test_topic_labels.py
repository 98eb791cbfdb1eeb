"""Topic labels of topics whose statements share no word, on real statements (Seattle's Polis
export in ../shared/corpora; skipped with a reason where absent): Seattle's small topics (2-3
statements on unrelated points) share no word, so every word of the topic alone has the same c-TF-IDF
score, and the tie went alphabetically ("aid · band · broken" from "... like a band aid on a broken
leg", "adoption · bus · counter"). Ties now go to the words of the statement nearest the topic's
centre, in its order (deliberation.analysis.labels.pick_terms). Topics with a shared word keep their
labels (the sample's and every real corpus's: checked when this came in)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from deliberation.analysis.topics import TopicConfig, extract_terms, find_topics
from deliberation.embeddings import Embedder, EmbeddingConfig

SEATTLE = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "15-per-hour-seattle" / "comments.csv"


@pytest.fixture(scope="module")
def seattle(tmp_path_factory):
    """Seattle's statements kept for analysis (moderated != -1) and their topics (default config, seed 0)."""
    if not SEATTLE.is_file():
        pytest.skip(f"needs the Polis corpus {SEATTLE} (shared/corpora beside the repository), absent here")
    with SEATTLE.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["moderated"].strip() != "-1"]
    ids, texts = [r["comment-id"] for r in rows], [r["comment-body"] for r in rows]
    vectors = np.asarray(Embedder(EmbeddingConfig(cache_dir=tmp_path_factory.mktemp("emb"))).encode(texts), np.float32)
    return dict(zip(ids, texts)), find_topics(ids, texts, vectors, [r["author-id"] or None for r in rows],
                                               TopicConfig(), rng=0)


def test_labels_of_topics_without_a_shared_word_follow_the_central_statement(seattle):
    text_of, result = seattle
    unshared = []
    for topic in result.topics:
        held = [set(extract_terms(text_of[s], result.language)) for s in topic.statement_ids]
        if all(sum(term in h for h in held) < 2 for term in set().union(*held)):
            unshared.append(topic)
    assert unshared, [t.label for t in result.topics]  # the case this test is about
    for topic in unshared:
        central = extract_terms(text_of[topic.central_statement_ids[0]], result.language)
        label = topic.terms[:TopicConfig().n_label_terms]
        assert label[0] in central, (topic.label, central)
        said = [t for t in label if t in central]
        assert said == sorted(said, key=central.index), (topic.label, central)  # in the statement's order
