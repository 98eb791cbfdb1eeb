"""Topics by embedding: group a consultation's statements into labelled topics.

:func:`find_topics` takes statement ids, texts and their sentence embeddings (one row per
statement, e.g. from :class:`deliberation.embeddings.Embedder`) and returns a
:class:`TopicResult`: every statement assigned to exactly one topic, each topic with a short label
made of key terms from its own statements, its most central statements, how many distinct voices
(authors) raised it, and the groups of near-duplicate statements. It is a pure function: no model,
no database, no global state; the same inputs and seed give the same result.

How it works
------------
1. **Near-duplicates** (:mod:`deliberation.analysis.duplicates`). Two statements in one language
   are linked when their cosine similarity is at least ``near_duplicate_threshold`` (the embedding
   model's: 0.87 for USE, 0.9 for all-MiniLM-L6-v2) *and* they share at least
   ``near_duplicate_min_overlap`` (default 0.5) of their words (overlap coefficient: shared words /
   words of the shorter statement; for Chinese, shared character pairs). Two statements in
   different languages (a statement and its translation) are linked at the model's
   ``cross_language_threshold`` (0.65 for USE; none for the English MiniLM). Texts that are equal
   after folding case and spaces are always linked. Linked statements form groups (connected components). Each group is clustered as
   one point, so a group always lands in one topic and repeats cannot create a topic on their own.
2. **Clustering** (default ``method="kmeans-silhouette"``): k-means on the unit vectors (reduced to
   their first ``kmeans_dims`` principal components, default 50, when there are more distinct
   statements than that) for every k from ``min_topics`` (default 3) to ``max_topics`` (default 12), capped so that topics average
   at least ``min_statements_per_topic`` (5) distinct statements, keeping the k with the best cosine
   silhouette (ties go to the smaller k). ``method="hdbscan"`` runs HDBSCAN (scikit-learn's) on a PCA
   reduction over a grid of minimum cluster sizes and keeps the best-silhouette grid value whose
   topic count lies in the configured range; points HDBSCAN calls noise go to the nearest topic
   centroid, or to an explicit "Other" topic (``hdbscan_noise="other"``). When no grid value gives a
   topic count in range, it falls back to k-means and says so in ``notes``.
3. **Labels**: class-based TF-IDF (c-TF-IDF, as in BERTopic): for each topic, the frequency of each
   term in that topic divided by the topic's total term count, times
   ``log(1 + average terms per topic / frequency of the term across all topics)``. A term counts once
   per statement, so one long or repetitive statement cannot dominate a label. Stop words of each
   statement's language are removed (:mod:`deliberation.text`: the language is detected per
   statement with Lingua; undetermined ones take the corpus' majority language). Text
   in Chinese or Japanese script has no spaces, so its terms are character pairs (bigrams), taken
   after cutting the text at a small built-in list of function characters and words ("我覺得計程車"
   gives 計程, 程車); in the label a pair grows to the word it sits in at least 80% of the time
   (計程 -> 計程車). In a consultation in several languages, a topic holding statements in the room's
   language (the one its pages speak; without statements in it, the statements' main language) is
   labelled from those statements only (so a reader of that language can read every
   label), and the label ends with the languages the topic holds: "bus · tram · tickets (English,
   German, Chinese)"; ``TopicInfo.languages`` counts them. Terms that are no more frequent in the topic than in the whole consultation are
   only used when nothing better is left (so "uber" does not label every vTaiwan topic), and a word
   that starts an already chosen one is skipped ("tree" after "trees"). Equal scores go to the term
   in more of the topic's statements, then alphabetically; in a topic whose statements share no word
   (all its own words score the same), to the words of the statement nearest the topic's centre, in
   its order ("speed · adoption · robotics", not "adoption · bus · counter"). The label joins the top
   ``n_label_terms`` terms with " · ", e.g. "parking · shops · spaces".
4. **Central statements**: the ``n_central`` statements closest (cosine) to the topic's centroid,
   at most one per near-duplicate group.
5. **Voices and weights**: a topic's ``n_authors`` counts DISTINCT authors among its statements, so
   one person posting five rewordings of one point is one voice (one person, one voice). A
   statement without an author (``None`` or ``""``, or no ``authors`` list at all: the moderator's
   seed statements, or imported without one, from an export or a statements file) is nobody's
   voice: it is counted in ``n_seed`` and not in ``n_authors``, so six participants and two seed
   statements give six voices, not eight; of those, the ids in ``seeds`` (the moderator's own,
   stored with origin "seed") are counted in ``n_moderator_seeds`` too, so the words can tell them
   from an import's. (A Polis export names each comment's author by participant id, so its
   statements keep their authors.) ``weight`` is the topic's voices divided by the sum of voices
   over all topics (weights add up to 1; a person who wrote in three topics is a voice in each of
   them); when no statement has an author, it is the topic's share of the statements instead.

Why these defaults (the measurements are in the README, "How topics are found"): on the Polis
corpora HDBSCAN put most statements into one topic or left many as noise, and its topic count swung
with the minimum cluster size, while k-means with the silhouette always lands in the configured
range and keeps topics balanced. The silhouette curve is flat on real corpora, so the chosen k is a
reasonable cut rather than a natural number of topics and another seed can pick a neighbouring k;
one seed always gives the same result, and notes say how clearly the topics separate. Fitting
k-means on the leading principal components brought the topics of the hand-labelled sample closer
to its hand labels. The near-duplicate cosine links rewordings only, in English and German; in
Chinese the English model is not discriminating, hence the word-overlap check.

Every statement is in exactly one topic. With 0 statements there is no topic; with too few distinct
statements to split (fewer than ``2 * min_statements_per_topic``, default 10) or when all
statements are near-duplicates, there is one topic; ``notes`` say why in plain words.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Collection, Literal, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from deliberation.analysis.clustering import (TopicCandidate, cluster_units, ordered_clusters, quality_note, seed_from,
                                              silhouette, statement_labels)
from deliberation.analysis.labels import (as_written, centre_ranks, class_tfidf, guess_languages, label_language,
                                          language_notes, pick_terms)
from deliberation.analysis.duplicates import near_duplicate_groups, translation_pairs, unit_rows
from deliberation.embeddings.models import DEFAULT_MODEL, calibration_for
from deliberation.text.languages import LANGUAGES, language_name
from deliberation.words import english, said
from deliberation.wording import topic_number
from deliberation.text.terms import (
    CHINESE_STOP_CHARS,
    CHINESE_STOP_WORDS,
    GERMAN_STOP_WORDS,
    cjk_segments,
    extract_terms,
    normalise_text,
)

__all__ = [
    "TopicConfig",
    "TopicInfo",
    "TopicCandidate",
    "TopicResult",
    "find_topics",
    "near_duplicate_groups",
    "extract_terms",
    "class_tfidf",
    "GERMAN_STOP_WORDS",
    "CHINESE_STOP_CHARS",
    "CHINESE_STOP_WORDS",
]

# --------------------------------------------------------------------------------------------------
# Configuration and results
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicConfig:
    """Settings for :func:`find_topics`. Every field has a working default."""

    #: Clustering method: "kmeans-silhouette" (default; see the module docstring for why) or
    #: "hdbscan" (density-based, falls back to k-means when it finds no topic count in range).
    method: Literal["kmeans-silhouette", "hdbscan"] = "kmeans-silhouette"
    #: Fewest topics to look for. 3 rather than 2: the silhouette tends to favour splitting
    #: embeddings in two (on hand-written parking/trees/buses statements it scored "transport vs
    #: trees" above the three themes), and a two-topic map rarely helps a consultation. With too few
    #: statements for this many topics of ``min_statements_per_topic``, fewer topics are allowed
    #: (down to 2, with a note).
    min_topics: int = 3
    #: Most topics to look for.
    max_topics: int = 12
    #: Topics must average at least this many distinct statements: k is at most
    #: (distinct statements // this). Below ``2 * min_statements_per_topic`` distinct statements
    #: everything is one topic.
    min_statements_per_topic: int = 5
    #: Name or ``model_id`` of the embedding model that made the vectors: its
    #: :class:`~deliberation.embeddings.Calibration` gives the near-duplicate thresholds left at
    #: None. None = the default model.
    embedding_model: str | None = None
    #: Cosine similarity at or above which two statements in one language may be near-duplicates
    #: (0-1); None = the model's (0.87 for USE, 0.9 for all-MiniLM-L6-v2).
    near_duplicate_threshold: float | None = None
    #: Cosine at or above which two statements in different languages are near-duplicates (a
    #: statement and its translation; no word check, they share no words); None = the model's
    #: (0.65 for USE; all-MiniLM-L6-v2 has none: it does not align languages).
    cross_language_threshold: float | None = None
    #: ...and the share of words (Chinese: character pairs) of the shorter statement that the other
    #: must also contain (overlap coefficient, 0-1). Guards against embeddings that put unrelated
    #: statements close together (the English model on Chinese text). 0 turns the check off.
    near_duplicate_min_overlap: float = 0.5
    #: How many most-central statements to name per topic.
    n_central: int = 3
    #: Cosine similarity at or above which two statements of one topic are about the same subject
    #: (``TopicInfo.same_subject``); None = the model's (``same_subject`` in models.toml); -1 lets
    #: every pair through. k-means puts every statement in some topic, so a topic also holds
    #: statements about other things; a split topic's draft sets side by side only positions about
    #: the same subject (:func:`deliberation.facilitation.topic_positions`). The models' values were
    #: chosen by reading every split draft's pair of positions over ten Polis corpora (README, "How
    #: topics are found").
    same_subject_similarity: float | None = None
    #: How many key terms make up a topic's label.
    n_label_terms: int = 3
    #: How many key terms to list per topic in ``TopicInfo.terms`` (at least ``n_label_terms``).
    n_terms: int = 10
    #: Text between label terms.
    label_separator: str = " · "
    #: Language for stop words and terms: "auto" detects it per statement
    #: (:func:`deliberation.text.detect_languages`); an ISO 639-1 code of
    #: :data:`deliberation.text.LANGUAGES` ("en", "de", "zh", ...) forces one (Latin-script words in
    #: Chinese text stay words).
    language: str = "auto"
    #: Number of k-means restarts per k (more = more stable, slower).
    kmeans_n_init: int = 10
    #: k-means (and the silhouette that picks k) runs on the statements' first this many principal
    #: components (PCA of the unit vectors, rows scaled back to unit length); None = on the full
    #: vectors. The leading components carry what the statements differ in; the hundreds of small
    #: ones left add noise to every distance. Chosen on the hand-labelled sample, where it brought
    #: the topics closer to the hand labels for both models (``bench/bench_models.py``, README).
    #: With no more distinct statements than this, nothing is dropped and the full vectors are
    #: clustered. ``TopicResult.quality`` is always the silhouette in the full space.
    kmeans_dims: int | None = 50
    #: Above this many distinct statements the silhouette (which picks k) is estimated on a seeded
    #: random sample of this many (an exact silhouette is quadratic in the statements, and it is
    #: computed for every candidate k); None = always exact.
    silhouette_sample: int | None = 4000
    #: HDBSCAN only: minimum cluster sizes to try; None = an automatic grid from the corpus size.
    hdbscan_min_cluster_sizes: tuple[int, ...] | None = None
    #: HDBSCAN only: PCA dimensions before clustering (None = cluster the raw embeddings).
    hdbscan_dims: int | None = 10
    #: HDBSCAN only: where noise points go: "nearest" topic centroid, or an explicit "other" topic.
    hdbscan_noise: Literal["nearest", "other"] = "nearest"

    def __post_init__(self) -> None:
        if self.method not in ("kmeans-silhouette", "hdbscan"):
            raise ValueError(f"method must be 'kmeans-silhouette' or 'hdbscan', not {self.method!r}")
        if self.min_topics < 2:
            raise ValueError(f"min_topics must be at least 2, not {self.min_topics}")
        if self.max_topics < self.min_topics:
            raise ValueError(f"max_topics ({self.max_topics}) is below min_topics ({self.min_topics})")
        if self.min_statements_per_topic < 1:
            raise ValueError("min_statements_per_topic must be at least 1")
        for name in ("near_duplicate_threshold", "cross_language_threshold"):
            value = getattr(self, name)
            if value is not None and not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1]")
        if not 0.0 <= self.near_duplicate_min_overlap <= 1.0:
            raise ValueError("near_duplicate_min_overlap must be in [0, 1]")
        if self.same_subject_similarity is not None and not -1.0 <= self.same_subject_similarity <= 1.0:
            raise ValueError(f"same_subject_similarity must be None or in [-1, 1], not {self.same_subject_similarity}")
        if self.n_central < 0 or self.n_label_terms < 1 or self.n_terms < 1:
            raise ValueError("n_central must be >= 0 and n_label_terms, n_terms >= 1")
        if self.language != "auto" and self.language not in LANGUAGES:
            raise ValueError(f"language must be 'auto' or one of {', '.join(LANGUAGES)}, not {self.language!r}")
        if self.kmeans_n_init < 1:
            raise ValueError("kmeans_n_init must be at least 1")
        if self.kmeans_dims is not None and self.kmeans_dims < 2:
            raise ValueError("kmeans_dims must be None or at least 2")
        if self.silhouette_sample is not None and self.silhouette_sample < 100:
            raise ValueError("silhouette_sample must be None or at least 100")
        if self.hdbscan_noise not in ("nearest", "other"):
            raise ValueError("hdbscan_noise must be 'nearest' or 'other'")
        if self.hdbscan_min_cluster_sizes is not None:
            sizes = tuple(int(s) for s in self.hdbscan_min_cluster_sizes)
            if not sizes or min(sizes) < 2:
                raise ValueError("hdbscan_min_cluster_sizes must be non-empty, each at least 2")
            object.__setattr__(self, "hdbscan_min_cluster_sizes", sizes)


@dataclass
class TopicInfo:
    """One topic."""

    #: 0, 1, ... in order of weight (most voices first); an "other" topic comes last.
    id: int
    #: Short label: the top key terms joined by the separator ("parking · shops · spaces"),
    #: or "Other" for the explicit other-topic of HDBSCAN noise.
    label: str
    #: Key terms, best first (c-TF-IDF over this topic's statements).
    terms: list[str]
    #: c-TF-IDF score of each term in ``terms``.
    term_scores: list[float]
    #: The topic's statements, in input order.
    statement_ids: list[str]
    #: The statements closest to the topic centroid, most central first.
    central_statement_ids: list[str]
    #: Number of statements.
    n_statements: int
    #: Number of distinct voices: distinct authors (a statement without an author is no voice).
    n_authors: int
    #: Share of voices: n_authors / sum of n_authors over all topics (of statements when no
    #: statement has an author).
    weight: float
    #: Statements without an author (the moderator's seed statements, an import's statements without
    #: an author): in ``n_statements``, never in ``n_authors``.
    n_seed: int = 0
    #: Of ``n_seed``, the moderator's own seed statements (``find_topics(seeds=...)``).
    n_moderator_seeds: int = 0
    #: True only for the explicit "other" topic (HDBSCAN noise with ``hdbscan_noise="other"``).
    is_other: bool = False
    #: Languages of the topic's statements (ISO 639-1 -> statements), most statements first.
    languages: dict[str, int] = field(default_factory=dict)
    #: Statement id -> the topic's other statements about the same subject (cosine at least
    #: ``TopicConfig.same_subject_similarity``), most similar first.
    same_subject: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class TopicResult:
    """What :func:`find_topics` found. ``to_dict``/``to_json`` give a JSON-ready form."""

    topics: list[TopicInfo]
    #: statement id -> topic id, for every statement.
    assignment: dict[str, int]
    #: Groups (2 or more statement ids, in input order) of near-duplicate statements.
    near_duplicates: list[list[str]]
    #: Method that produced the topics: "kmeans-silhouette", "hdbscan", "single" (one topic without
    #: clustering) or "none" (no statements).
    method: str
    #: Cosine silhouette of the final topics over distinct statements; None with fewer than 2 topics.
    quality: float | None
    #: Plain-words remarks: why there is one topic or none, fallbacks, how clear the topics are.
    notes: list[str] = field(default_factory=list)
    #: Every clustering scored while choosing the topic count.
    candidates: list[TopicCandidate] = field(default_factory=list)
    #: Distinct voices (authors) in the whole consultation; seed statements are no voice.
    n_voices: int = 0
    #: Main language of the statements (ISO 639-1, detected or forced) or "" when there was no text.
    language: str = ""
    #: Languages of all statements (ISO 639-1 -> statements), most statements first.
    languages: dict[str, int] = field(default_factory=dict)
    #: The seed actually used (derived from the Generator when one was given).
    seed: int = 0
    #: Pairs [a, b] of a statement and its translation, in input order: one point said in two
    #: languages (:func:`~deliberation.analysis.duplicates.translation_pairs`); the coverage audit
    #: counts agreeing with either as agreeing with the point.
    translations: list[list[str]] = field(default_factory=list)

    def topic_of(self, statement_id: str) -> TopicInfo:
        return self.topics[self.assignment[statement_id]]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


# --------------------------------------------------------------------------------------------------
# Terms: tokenising, stop words, c-TF-IDF
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# find_topics
# --------------------------------------------------------------------------------------------------


def _check_inputs(statement_ids: Sequence[str], texts: Sequence[str], vectors: np.ndarray,
                  authors: Sequence[str | None] | None) -> tuple[list[str], list[str], list[str | None], np.ndarray]:
    """ids, texts, authors (None = unknown) and float64 vectors, or ValueError naming the problem."""
    ids = [str(s) for s in statement_ids]
    texts = ["" if t is None else str(t) for t in texts]
    n = len(ids)
    if len(texts) != n:
        raise ValueError(f"{n} statement ids but {len(texts)} texts")
    if len(set(ids)) != n:
        dup = next(s for s, c in Counter(ids).items() if c > 1)
        raise ValueError(f"statement id {dup!r} appears more than once")
    if authors is None:
        author_list: list[str | None] = [None] * n
    else:
        author_list = [None if a is None or str(a) == "" else str(a) for a in authors]
        if len(author_list) != n:
            raise ValueError(f"{n} statements but {len(author_list)} authors")
    vecs = np.asarray(vectors, dtype=np.float64)
    if n == 0:
        if vecs.size:
            raise ValueError(f"no statements but {len(vecs)} vectors")
        vecs = vecs.reshape(0, vecs.shape[-1] if vecs.ndim == 2 else 0)
    elif vecs.ndim != 2 or vecs.shape[0] != n:
        raise ValueError(f"vectors must have shape ({n}, dim), not {vecs.shape}")
    if not np.all(np.isfinite(vecs)):
        raise ValueError("vectors contain NaN or infinite values")
    return ids, texts, author_list, vecs


def _central_ids(idx: np.ndarray, unit: np.ndarray, ids: list[str], group_of: dict[int, int], n: int) -> list[str]:
    """The ``n`` statements of a topic closest to its centroid, at most one per near-duplicate group."""
    centroid = unit_rows(unit[idx].mean(axis=0, keepdims=True))[0]
    sims = unit[idx] @ centroid
    central: list[str] = []
    seen_groups: set[int] = set()
    for pos in sorted(range(len(idx)), key=lambda p: (-round(float(sims[p]), 12), int(idx[p]))):
        i = int(idx[pos])
        g = group_of.get(i)
        if g is not None:
            if g in seen_groups:
                continue
            seen_groups.add(g)
        central.append(ids[i])
        if len(central) >= n:
            break
    return central


def _same_subject(idx: np.ndarray, unit: np.ndarray, ids: list[str], threshold: float,
                  positions: set[str] | None) -> dict[str, list[str]]:
    """Each statement of a topic that can be a position (``positions``; None = all) -> the topic's
    other such statements at least ``threshold`` similar (cosine), most similar first: what the
    facilitation may set beside it as a position on the same subject, without the vectors. Only
    possible positions are listed: every pair of a large topic would make the analysis megabytes."""
    if positions is not None:
        idx = np.array([i for i in idx.tolist() if ids[i] in positions], dtype=int)
    sims = unit[idx] @ unit[idx].T
    out = {}
    for a in range(len(idx)):
        near = [b for b in np.argsort(-sims[a], kind="stable").tolist() if b != a and sims[a, b] >= threshold]
        out[ids[int(idx[a])]] = [ids[int(idx[b])] for b in near]
    return out


def _language_counts(langs: Sequence[str]) -> dict[str, int]:
    return dict(Counter(langs).most_common())


def _label_terms(texts: list[str], langs: list[str], main: str, members: list[np.ndarray],
                 config: TopicConfig, unit: np.ndarray) -> list[tuple[list[str], list[float]]]:
    """Key terms of every topic (c-TF-IDF). A topic holding statements in the label language ``main``
    (:func:`label_language`) is labelled from those statements only, so a reader of that language can
    read every label; a topic without any is labelled from its own languages. Where its statements share no
    word, the statement nearest its centre (``unit`` vectors) breaks ties (labels.pick_terms)."""
    term_lists = [extract_terms(t, lang) for t, lang in zip(texts, langs)]
    readable = []
    for idx in members:
        in_main = [i for i in idx.tolist() if langs[i] == main]
        readable.append(in_main or idx.tolist())
    vocab, scores = class_tfidf([[term_lists[i] for i in rows] for rows in readable])
    corpus_df: Counter[str] = Counter()
    for terms_i in term_lists:
        corpus_df.update(set(terms_i))
    segments_of = [cjk_segments(normalise_text(t)) for t in texts]
    out = []
    for t, rows in enumerate(readable):
        in_topic: Counter[str] = Counter()
        for i in rows:
            in_topic.update(set(term_lists[i]))
        lift = None
        if len(members) >= 2 and vocab:
            lift = np.array([(in_topic.get(v, 0) / len(rows)) / (corpus_df[v] / len(texts)) for v in vocab])
        centre = unit_rows(unit[members[t]].mean(axis=0, keepdims=True))[0]
        ranks = centre_ranks([term_lists[i] for i in rows], unit[rows] @ centre)
        out.append(pick_terms(vocab, scores[t] if len(vocab) else np.zeros(0), lift, in_topic,
                              [seg for i in rows for seg in segments_of[i]],
                              max(config.n_terms, config.n_label_terms), ranks))
    return out


def _units(groups: list[list[int]], unit: np.ndarray) -> tuple[np.ndarray, list[int], np.ndarray]:
    """Every statement's "unit" (its near-duplicate group, or itself): the unit of each statement,
    each unit's first statement, and each unit's mean direction (the points that are clustered)."""
    unit_of = np.arange(len(unit))
    for g in groups:
        unit_of[g] = g[0]
    unit_heads = sorted(set(unit_of.tolist()))
    head_index = {h: u for u, h in enumerate(unit_heads)}
    unit_of = np.array([head_index[h] for h in unit_of.tolist()])
    points = unit_rows(np.stack([unit[unit_of == u].mean(axis=0) for u in range(len(unit_heads))]))
    return unit_of, unit_heads, points


def _final_quality(points: np.ndarray, final_units: np.ndarray, config: TopicConfig, seed: int,
                   notes: list[str]) -> float | None:
    """Silhouette of what is shown (an explicit Other topic counts as a group of its own)."""
    with threadpool_limits(limits=1):
        quality = silhouette(points, final_units, config.silhouette_sample, seed)
    if config.silhouette_sample is not None and len(points) > config.silhouette_sample:
        notes.append(said("topics.silhouette_sample", n_sample=f"{config.silhouette_sample:,}", n_all=f"{len(points):,}"))
    return quality


def _topic_infos(order: list[int], members: dict[int, np.ndarray], voices_of: dict[int, int], other_label: int,
                 ids: list[str], texts: list[str], langs: list[str], main: str, unit: np.ndarray,
                 groups: list[list[int]], config: TopicConfig, positions: set[str] | None = None,
                 authors: list[str | None] | None = None, seeds: set[str] = frozenset()) -> list[TopicInfo]:
    """One TopicInfo per cluster, in ``order``: label (with the languages it holds when the
    consultation has several), terms, central statements, voices, seed statements and weight."""
    label_terms = _label_terms(texts, langs, main, [members[c] for c in order], config, unit)
    several = len(set(langs)) > 1
    # weights are shares of voices; of statements when no statement has an author (all seeds)
    share_of = voices_of if sum(voices_of.values()) else {c: len(members[c]) for c in order}
    total = sum(share_of.values()) or 1
    group_of = {i: gi for gi, g in enumerate(groups) for i in g}
    same_subject = config.same_subject_similarity
    if same_subject is None:
        same_subject = calibration_for(config.embedding_model or DEFAULT_MODEL).same_subject
    topics: list[TopicInfo] = []
    for t, c in enumerate(order):
        idx = members[c]
        terms, term_scores = label_terms[t]
        topic_languages = _language_counts([langs[i] for i in idx.tolist()])
        if c == other_label:
            label = english("topic_label.other")
        else:
            said_in = [texts[i] for i in idx.tolist()]  # a term as its statements write it ("UberX")
            label = config.label_separator.join(as_written(x, said_in) for x in terms[: config.n_label_terms]) \
                if terms else english("topic_label.numbered", n=topic_number(t))
        if several:  # (said in the room's language by deliberation.wording.topic_label)
            label = english("topic_label.languages", label=label,
                            languages=", ".join(language_name(code) for code in topic_languages))
        topics.append(TopicInfo(
            id=t, label=label, terms=terms, term_scores=[round(s, 6) for s in term_scores],
            statement_ids=[ids[i] for i in idx.tolist()],
            central_statement_ids=_central_ids(idx, unit, ids, group_of, config.n_central),
            n_statements=int(len(idx)), n_authors=int(voices_of[c]),
            n_seed=sum(1 for i in idx.tolist() if authors is None or authors[i] is None),
            n_moderator_seeds=sum(1 for i in idx.tolist() if (authors is None or authors[i] is None) and ids[i] in seeds),
            weight=float(share_of[c] / total), is_other=c == other_label, languages=topic_languages,
            same_subject=_same_subject(idx, unit, ids, same_subject, positions),
        ))
    return topics


def find_topics(
    statement_ids: Sequence[str],
    texts: Sequence[str],
    vectors: np.ndarray,
    authors: Sequence[str | None] | None = None,
    config: TopicConfig = TopicConfig(),
    rng: np.random.Generator | int = 0,
    positions: Collection[str] | None = None,
    seeds: Collection[str] = (),
    room_language: str = "",
) -> TopicResult:
    """Group statements into labelled topics (see the module docstring for the method).

    ``vectors``: one embedding per statement, made by ``config.embedding_model`` (L2-normalised here).
    ``authors``: each statement's author id; ``None`` or "" (or no list) is no author, so no voice (a
    seed statement, an import's without an author). ``rng`` seeds k-means (an int gives the same
    result; a Generator is advanced once). ``positions``: the statements a split topic's draft may
    quote as a position (most of some opinion group agrees): ``TopicInfo.same_subject`` lists only
    these (None = all). ``seeds``: the moderator's own seed statements (``TopicInfo.n_moderator_seeds``).
    ``room_language`` (ISO 639-1, "" = none): the room's pages' language; labels are made from the
    statements in it, if any (:func:`label_language`). Raises ValueError on inconsistent input."""
    ids, texts, author_list, vecs = _check_inputs(statement_ids, texts, vectors, authors)
    n = len(ids)
    seed = seed_from(rng)
    unit = unit_rows(vecs)
    if n == 0:
        return TopicResult(topics=[], assignment={}, near_duplicates=[], method="none", quality=None,
                           notes=[said("topics.no_statements")],
                           n_voices=0, language="", seed=seed)
    langs, corpus_lang = guess_languages(texts, config.language)
    notes: list[str] = []

    # Near-duplicate groups: every statement belongs to one "unit" (its group, or itself).
    calibration = calibration_for(config.embedding_model or DEFAULT_MODEL)
    near = config.near_duplicate_threshold or calibration.near_duplicate
    cross = config.cross_language_threshold or calibration.cross_language_duplicate
    groups = near_duplicate_groups(texts, unit, near, config.near_duplicate_min_overlap, langs, cross)
    unit_of, unit_heads, points = _units(groups, unit)
    n_units = len(unit_heads)

    found = cluster_units(points, n, config, seed, notes)
    labels, other_label = statement_labels(found, unit_of, n_units, config)
    order, members, voices_of = ordered_clusters(labels, author_list, other_label)
    new_id = {c: t for t, c in enumerate(order)}
    corpus_languages = _language_counts(langs)
    labelled_in = label_language(langs, corpus_lang, room_language)
    topics = _topic_infos(order, members, voices_of, other_label, ids, texts, langs, labelled_in, unit,
                          groups, config, None if positions is None else set(positions), author_list, set(seeds))

    quality = None
    if found.method in ("kmeans-silhouette", "hdbscan") and len(topics) >= 2:
        final_units = np.array([new_id[int(labels[unit_heads[u]])] for u in range(n_units)])
        quality = _final_quality(points, final_units, config, seed, notes)
    notes.extend(note for note in [quality_note(quality)] if note)
    notes.extend(language_notes(corpus_languages, labelled_in, corpus_lang, config.language != "auto"))

    return TopicResult(
        topics=topics, assignment={ids[i]: new_id[int(labels[i])] for i in range(n)},
        near_duplicates=[[ids[i] for i in g] for g in groups], method=found.method,
        quality=None if quality is None or not math.isfinite(quality) else float(quality),
        notes=notes,
        candidates=found.candidates,
        n_voices=len(set(author_list) - {None}),
        language=corpus_lang,
        languages=corpus_languages,
        seed=seed,
        translations=[[ids[i], ids[j]] for i, j in translation_pairs(groups, unit, langs, cross)],
    )
