"""Topics by embedding: group a consultation's statements into labelled topics.

:func:`find_topics` takes statement ids, texts and their sentence embeddings (one row per
statement, e.g. from :class:`deliberation.embeddings.Embedder`) and returns a
:class:`TopicResult`: every statement assigned to exactly one topic, each topic with a short label
made of key terms from its own statements, its most central statements, how many distinct voices
(authors) raised it, and the groups of near-duplicate statements. It is a pure function: no model,
no database, no global state; the same inputs and seed give the same result.

How it works
------------
1. **Near-duplicates.** Two statements are linked when their cosine similarity is at least
   ``near_duplicate_threshold`` (default 0.9) *and* they share at least ``near_duplicate_min_overlap``
   (default 0.5) of their words (overlap coefficient: shared words / words of the shorter statement;
   for Chinese, shared character pairs). Texts that are equal after folding case and spaces are
   always linked. Linked statements form groups (connected components). Each group is clustered as
   one point, so a group always lands in one topic and repeats cannot create a topic on their own.
2. **Clustering** (default ``method="kmeans-silhouette"``): k-means on the unit vectors for every
   k from ``min_topics`` (default 3) to ``max_topics`` (default 12), capped so that topics average
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
   (計程 -> 計程車). Terms that are no more frequent in the topic than in the whole consultation are
   only used when nothing better is left (so "uber" does not label every vTaiwan topic), and a word
   that starts an already chosen one is skipped ("tree" after "trees"). The label joins the top
   ``n_label_terms`` terms with " · ", e.g. "parking · shops · spaces".
4. **Central statements**: the ``n_central`` statements closest (cosine) to the topic's centroid,
   at most one per near-duplicate group.
5. **Voices and weights**: a topic's ``n_authors`` counts DISTINCT authors among its statements, so
   one person posting five rewordings of one point is one voice. A statement whose author is
   unknown (``None`` or ``""``, or no ``authors`` list at all) counts as a distinct voice of its own,
   because nothing shows that two anonymous statements came from the same person. ``weight`` is the
   topic's voices divided by the sum of voices over all topics (weights add up to 1; a person who
   wrote in three topics is a voice in each of them).

Why k-means + silhouette by default. Measured on the Polis corpora in ``shared/corpora`` (rows with
``moderated != -1``, all-MiniLM-L6-v2 embeddings), with :func:`find_topics` and the default range
(3-12 topics, at most one per 5 statements); "largest" is the share of statements in the biggest
topic, "noise" the share HDBSCAN left unclustered, "seed ARI" the agreement between seeds 0 and 1::

    corpus (statements)    k-means + silhouette                 HDBSCAN (PCA-10, grid of min sizes)
                           k  silhouette largest seed-ARI time  k  silhouette largest noise
    Seattle $15 (31)       6  0.117      32%     0.41     0.2s  no grid value in range: fell back
    vTaiwan uberx (119)    3  0.206      39%     1.00     0.3s  3  0.165      83%     26%
    Austria climate (277)  7  0.094      32%     0.59     0.5s  4  0.056      91%      4%
    Bowling Green (607)   11  0.101      16%     0.50     1.2s 10  0.067      24%     63%
    March On (1767)       11  0.078      17%     0.76     9.2s  3  0.046      81%     50%

HDBSCAN put 81-91% of the statements into one topic on three corpora, left half of them as noise on
the two largest, and its topic count swings with the minimum cluster size (March On: 96, 7, 3 and
then 0 clusters for sizes 3, 5, 8, 34; on raw 384-d embeddings 58-93% of statements were noise and
most sizes found no cluster at all; with UMAP, which needs numba and took 20 s to start, silhouettes
were no better). K-means with silhouette always lands in the configured range, gave the higher
silhouette on every corpus, keeps topics balanced and needs no extra package. Its silhouette curve
is flat on real corpora (e.g. 0.085-0.101 for k = 6-12 on Bowling Green), so the chosen k is a
reasonable cut rather than a natural number of topics, and another seed can pick a neighbouring k
(seed ARI above); one seed always gives the same result. Notes say how clearly the topics separate.
Silhouettes for Chinese text run high because the English MiniLM model puts Chinese statements close
together (median pairwise cosine 0.67 against 0.16-0.31 for English and German).

Why the near-duplicate defaults (linked pairs / groups per cosine threshold, before the word-overlap
check)::

    corpus              >= 0.85          >= 0.90          >= 0.95
    vTaiwan uberx       179 / 3 (one of 60)  22 / 6      0 / 0
    Austria climate     6 / 4            2 / 2            1 / 1
    Bowling Green       3 / 3            0 / 0            0 / 0
    March On            45 / 30          21 / 16          2 / 2

At 0.85, English pairs already include different or opposite claims ("Recreational marijuana should
be legal." / "Medical marijuana should be legal.", "Trump should be impeached." / "...should not be
impeached unless..."); at 0.95 clear rewordings are missed ("Presidential candidates must release
their tax returns" / "...must disclose their tax return", 0.913). 0.9 links rewordings only, in
English and German. In Chinese the English model is not discriminating: all 22 pairs at >= 0.9 are
different statements, sharing at most 40% of their character pairs, whereas English and German
rewordings at >= 0.9 share 57-100% of their words (one exception out of 23: "The United States needs
universal healthcare." / "We need universal health care.", 20%). Hence the 0.5 word-overlap check.

Every statement is in exactly one topic. With 0 statements there is no topic; with too few distinct
statements to split (fewer than ``2 * min_statements_per_topic``, default 10) or when all
statements are near-duplicates, there is one topic; ``notes`` say why in plain words.
"""

from __future__ import annotations

import dataclasses
import json
import math
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

import numpy as np

from deliberation.text.languages import LANGUAGES, detect_languages, main_language
from deliberation.text.terms import (
    CHINESE_STOP_CHARS,
    CHINESE_STOP_WORDS,
    CJK_RE,
    GERMAN_STOP_WORDS,
    cjk_segments,
    extract_terms,
    normalise_text,
    overlap_units,
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
    #: Cosine similarity at or above which two statements may be near-duplicates (0-1).
    near_duplicate_threshold: float = 0.9
    #: ...and the share of words (Chinese: character pairs) of the shorter statement that the other
    #: must also contain (overlap coefficient, 0-1). Guards against embeddings that put unrelated
    #: statements close together (the English model on Chinese text). 0 turns the check off.
    near_duplicate_min_overlap: float = 0.5
    #: How many most-central statements to name per topic.
    n_central: int = 3
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
    #: Above this many distinct statements the silhouette (which picks k) is estimated on a seeded
    #: random sample of this many (an exact silhouette is quadratic: ~6 CPU-s per candidate k at
    #: 10,000 statements, ~0.3 s on a 4,000 sample); None = always exact.
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
        if not 0.0 < self.near_duplicate_threshold <= 1.0:
            raise ValueError("near_duplicate_threshold must be in (0, 1]")
        if not 0.0 <= self.near_duplicate_min_overlap <= 1.0:
            raise ValueError("near_duplicate_min_overlap must be in [0, 1]")
        if self.n_central < 0 or self.n_label_terms < 1 or self.n_terms < 1:
            raise ValueError("n_central must be >= 0 and n_label_terms, n_terms >= 1")
        if self.language != "auto" and self.language not in LANGUAGES:
            raise ValueError(f"language must be 'auto' or one of {', '.join(LANGUAGES)}, not {self.language!r}")
        if self.kmeans_n_init < 1:
            raise ValueError("kmeans_n_init must be at least 1")
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
    #: Number of distinct voices: distinct authors, each unknown-author statement counting as one.
    n_authors: int
    #: Share of voices: n_authors / sum of n_authors over all topics.
    weight: float
    #: True only for the explicit "other" topic (HDBSCAN noise with ``hdbscan_noise="other"``).
    is_other: bool = False


@dataclass
class TopicCandidate:
    """One clustering that was scored while choosing the number of topics."""

    n_topics: int
    #: Cosine silhouette over distinct statements (-1..1); None where it is undefined.
    silhouette: float | None
    #: HDBSCAN only: the minimum cluster size tried.
    min_cluster_size: int | None = None
    #: HDBSCAN only: share of distinct statements labelled noise.
    noise_share: float | None = None


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
    #: Distinct voices in the whole consultation.
    n_voices: int = 0
    #: Main language of the statements (ISO 639-1, detected or forced) or "" when there was no text.
    language: str = ""
    #: The seed actually used (derived from the Generator when one was given).
    seed: int = 0

    def topic_of(self, statement_id: str) -> TopicInfo:
        return self.topics[self.assignment[statement_id]]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


# --------------------------------------------------------------------------------------------------
# Terms: tokenising, stop words, c-TF-IDF
# --------------------------------------------------------------------------------------------------

def _guess_languages(texts: Sequence[str], forced: str) -> tuple[list[str], str]:
    """Per-statement language (ISO 639-1, :func:`deliberation.text.detect_languages`; undetermined
    ones get the majority language) and the corpus' majority language (ties go to English)."""
    if not texts:
        return [], ""
    if forced != "auto":
        return [forced] * len(texts), forced
    guesses = detect_languages(texts)
    majority = main_language(guesses, default="en")
    return [g or majority for g in guesses], majority


def class_tfidf(term_lists_by_class: Sequence[Sequence[Sequence[str]]]) -> tuple[list[str], np.ndarray]:
    """c-TF-IDF (BERTopic): ``term_lists_by_class[c]`` holds the term lists of class c's statements.

    A term counts once per statement. Returns the vocabulary (sorted) and a (classes x terms) score
    matrix: (count of t in c / all term counts in c) * log(1 + mean term count per class / count of
    t over all classes)."""
    vocab_set: set[str] = set()
    per_class: list[Counter[str]] = []
    for statements in term_lists_by_class:
        counter: Counter[str] = Counter()
        for terms in statements:
            counter.update(set(terms))
        per_class.append(counter)
        vocab_set.update(counter)
    vocab = sorted(vocab_set)
    if not vocab:
        return vocab, np.zeros((len(per_class), 0))
    index = {t: i for i, t in enumerate(vocab)}
    counts = np.zeros((len(per_class), len(vocab)))
    for c, counter in enumerate(per_class):
        for term, cnt in counter.items():
            counts[c, index[term]] = cnt
    row_sums = counts.sum(axis=1, keepdims=True)
    tf = np.divide(counts, row_sums, out=np.zeros_like(counts), where=row_sums > 0)
    avg_terms = float(row_sums.mean())
    term_totals = counts.sum(axis=0)
    idf = np.log1p(avg_terms / term_totals)
    return vocab, tf * idf


def _grow_cjk(term: str, segments: list[str], max_len: int = 6, share: float = 0.8) -> str:
    """Extend a CJK character pair to the longer word it usually sits in: add the character that
    follows (or precedes) it in at least ``share`` of its occurrences in ``segments``, repeatedly
    ("計程" -> "計程車"). Segments are already cut at function characters and words."""
    while len(term) < max_len:
        right: Counter[str] = Counter()
        left: Counter[str] = Counter()
        total = 0
        for seg in segments:
            start = seg.find(term)
            while start >= 0:
                total += 1
                end = start + len(term)
                if end < len(seg):
                    right[seg[end]] += 1
                if start > 0:
                    left[seg[start - 1]] += 1
                start = seg.find(term, start + 1)
        if total == 0:
            break
        best_right = right.most_common(1)[0] if right else ("", 0)
        best_left = left.most_common(1)[0] if left else ("", 0)
        if best_right[1] >= share * total and best_right[1] >= best_left[1]:
            term = term + best_right[0]
        elif best_left[1] >= share * total:
            term = best_left[0] + term
        else:
            break
    return term


def _pick_terms(
    vocab: list[str],
    scores: np.ndarray,
    lift: np.ndarray | None,
    counts_in_topic: Counter[str],
    topic_segments: list[str],
    n: int,
) -> tuple[list[str], list[float]]:
    """Top-n terms by c-TF-IDF score. Terms no more common in the topic than in the whole corpus
    (``lift`` <= 1) are skipped when other terms are left: they do not tell topics apart. CJK pairs
    grow to the word they usually sit in; a term contained in (or, for words, a prefix of) a term
    already chosen is skipped ("trees" keeps out "tree", "計程車" keeps out "程車")."""
    order = sorted(
        (i for i in range(len(vocab)) if scores[i] > 0),
        key=lambda i: (-scores[i], -counts_in_topic.get(vocab[i], 0), vocab[i]),
    )
    if lift is not None:
        distinct = [i for i in order if lift[i] > 1.0 + 1e-9]
        order = distinct + [i for i in order if lift[i] <= 1.0 + 1e-9]
    chosen: list[str] = []
    chosen_scores: list[float] = []
    for i in order:
        if len(chosen) >= n:
            break
        term = vocab[i]
        is_cjk = bool(CJK_RE.fullmatch(term))
        if is_cjk:
            term = _grow_cjk(term, topic_segments)
            if any(term in c or c in term for c in chosen):
                continue
        elif any(len(min(c, term, key=len)) >= 3 and (c.startswith(term) or term.startswith(c))
                 for c in chosen):
            continue
        chosen.append(term)
        chosen_scores.append(float(scores[i]))
    return chosen, chosen_scores


# --------------------------------------------------------------------------------------------------
# Near-duplicates
# --------------------------------------------------------------------------------------------------


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    x = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def near_duplicate_groups(
    texts: Sequence[str],
    vectors: np.ndarray,
    threshold: float = 0.9,
    min_overlap: float = 0.5,
) -> list[list[int]]:
    """Indices of near-duplicate groups (size >= 2), each sorted, groups ordered by first index.

    Two statements are linked when cosine >= ``threshold`` and their word (CJK: character-pair)
    overlap coefficient is >= ``min_overlap``, or when their texts are equal after folding case and
    whitespace; groups are the connected components of these links."""
    n = len(texts)
    if n < 2:
        return []
    unit = _unit_rows(vectors)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    folded = [" ".join(normalise_text(t).split()) for t in texts]
    first_of: dict[str, int] = {}
    for i, t in enumerate(folded):
        if t in first_of:
            union(first_of[t], i)
        else:
            first_of[t] = i
    units: list[frozenset[str] | None] = [None] * n
    block = 1024
    for start in range(0, n, block):
        sims = unit[start : start + block] @ unit.T
        rows, cols = np.nonzero(sims >= threshold - 1e-9)
        for r, j in zip(rows.tolist(), cols.tolist()):
            i = start + r
            if j <= i or find(i) == find(j):
                continue
            if min_overlap > 0:
                if units[i] is None:
                    units[i] = overlap_units(texts[i])
                if units[j] is None:
                    units[j] = overlap_units(texts[j])
                a, b = units[i], units[j]
                shorter = min(len(a), len(b))
                if shorter == 0 or len(a & b) / shorter < min_overlap:
                    continue
            union(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])


# --------------------------------------------------------------------------------------------------
# Clustering
# --------------------------------------------------------------------------------------------------


def _seed_from(rng: np.random.Generator | int | None) -> int:
    if rng is None:
        return 0
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**31 - 1))
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return int(rng) % (2**32)
    raise TypeError(f"rng must be a numpy Generator or an int, not {type(rng).__name__}")


def _silhouette(points: np.ndarray, labels: np.ndarray, sample: int | None = None, seed: int = 0) -> float | None:
    """Cosine silhouette; on a seeded random sample of ``sample`` points when there are more."""
    from sklearn.metrics import silhouette_score

    k = len(set(labels.tolist()))
    if k < 2 or k >= len(points):
        return None
    if sample is not None and len(points) > sample:
        try:
            return float(silhouette_score(points, labels, metric="cosine", sample_size=sample, random_state=seed))
        except ValueError:  # the sample drew a single label: fall back to the exact score
            pass
    return float(silhouette_score(points, labels, metric="cosine"))


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0..k-1 in order of first appearance (noise, -1, stays -1)."""
    mapping: dict[int, int] = {}
    out = np.full(len(labels), -1, dtype=int)
    for i, lab in enumerate(labels.tolist()):
        if lab < 0:
            continue
        if lab not in mapping:
            mapping[lab] = len(mapping)
        out[i] = mapping[lab]
    return out


def _kmeans_silhouette(
    points: np.ndarray, k_lo: int, k_hi: int, seed: int, n_init: int, sample: int | None = None
) -> tuple[np.ndarray, float | None, list[TopicCandidate]]:
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    best: tuple[float, np.ndarray] | None = None
    candidates = []
    for k in range(k_lo, k_hi + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            labels = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(points)
        if len(set(labels.tolist())) < k:  # fewer distinct points than k (should not happen)
            continue
        score = _silhouette(points, labels, sample, seed)
        candidates.append(TopicCandidate(n_topics=k, silhouette=score))
        if score is not None and (best is None or score > best[0] + 1e-9):
            best = (score, labels)
    if best is None:
        return np.zeros(len(points), dtype=int), None, candidates
    return _relabel(best[1]), best[0], candidates


def _nearest_fill(points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Give noise points (-1) the label of the nearest cluster centroid (cosine)."""
    k = int(labels.max()) + 1
    if k <= 0:
        return labels
    cents = _unit_rows(np.stack([points[labels == c].mean(axis=0) for c in range(k)]))
    nearest = (points @ cents.T).argmax(axis=1)
    return np.where(labels >= 0, labels, nearest)


def _hdbscan(
    points: np.ndarray, k_lo: int, k_hi: int, config: TopicConfig, seed: int
) -> tuple[tuple[np.ndarray, np.ndarray, float] | None, list[TopicCandidate]]:
    """Best HDBSCAN grid value with a topic count in range as (raw labels with -1 for noise,
    nearest-filled labels, silhouette of the filled labels), or None if none is in range; and
    every grid value scored."""
    from sklearn.cluster import HDBSCAN
    from sklearn.decomposition import PCA

    n = len(points)
    reduced = points
    if config.hdbscan_dims is not None and config.hdbscan_dims < points.shape[1] and n > config.hdbscan_dims:
        reduced = PCA(n_components=config.hdbscan_dims, svd_solver="full", random_state=seed).fit_transform(points)
    sizes = config.hdbscan_min_cluster_sizes or tuple(
        sorted({3, 5, 8} | {max(3, n // d) for d in (50, 30, 20, 10)})
    )
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    candidates = []
    for size in sizes:
        if size > n:
            continue
        raw = HDBSCAN(min_cluster_size=int(size), copy=True).fit_predict(reduced)
        raw = _relabel(raw)
        k = int(raw.max()) + 1
        filled = _nearest_fill(points, raw) if k >= 1 else raw
        score = _silhouette(points, filled, config.silhouette_sample, seed) if k >= 2 else None
        candidates.append(TopicCandidate(n_topics=k, silhouette=score, min_cluster_size=int(size),
                                         noise_share=float(np.mean(raw < 0))))
        if k_lo <= k <= k_hi and score is not None and (best is None or score > best[0] + 1e-9):
            best = (score, raw, filled)
    if best is None:
        return None, candidates
    return (best[1], best[2], best[0]), candidates


# --------------------------------------------------------------------------------------------------
# find_topics
# --------------------------------------------------------------------------------------------------


def _quality_note(quality: float | None) -> str | None:
    if quality is None:
        return None
    if quality >= 0.25:
        how = "clearly"
    elif quality >= 0.1:
        how = "moderately"
    else:
        how = "weakly; read them as rough themes that overlap"
    return f"The topics are separated {how} (silhouette {quality:.2f} on a scale from -1 to 1)."


def find_topics(
    statement_ids: Sequence[str],
    texts: Sequence[str],
    vectors: np.ndarray,
    authors: Sequence[str | None] | None = None,
    config: TopicConfig = TopicConfig(),
    rng: np.random.Generator | int = 0,
) -> TopicResult:
    """Group statements into labelled topics (see the module docstring for the method).

    ``vectors`` holds one embedding per statement (rows are L2-normalised here if they are not).
    ``authors`` gives each statement's author id; ``None`` (or an empty string, or no list at all)
    means unknown, and each unknown-author statement counts as a distinct voice. ``rng`` seeds
    k-means: the same int gives the same result; a Generator is advanced once to draw the seed.
    Raises ValueError on inconsistent input (lengths, duplicate ids, non-finite vectors)."""
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

    seed = _seed_from(rng)
    unit = _unit_rows(vecs)
    langs, corpus_lang = _guess_languages(texts, config.language)
    notes: list[str] = []
    if n == 0:
        return TopicResult(topics=[], assignment={}, near_duplicates=[], method="none", quality=None,
                           notes=["There are no statements, so there are no topics."],
                           n_voices=0, language="", seed=seed)

    # Near-duplicate groups: every statement belongs to one "unit" (its group, or itself).
    groups = near_duplicate_groups(texts, unit, config.near_duplicate_threshold,
                                   config.near_duplicate_min_overlap)
    unit_of = np.arange(n)
    for g in groups:
        unit_of[g] = g[0]
    unit_heads = sorted(set(unit_of.tolist()))
    head_index = {h: u for u, h in enumerate(unit_heads)}
    unit_of = np.array([head_index[h] for h in unit_of.tolist()])
    n_units = len(unit_heads)
    points = _unit_rows(np.stack([unit[unit_of == u].mean(axis=0) for u in range(n_units)]))

    # Different texts can still have identical vectors; k-means cannot make more groups than points.
    n_points = len(np.unique(np.round(points, 6), axis=0))
    k_hi = min(config.max_topics, n_units // config.min_statements_per_topic, n_points - 1)
    k_lo = max(2, min(config.min_topics, k_hi))
    method = config.method
    quality: float | None = None
    candidates: list[TopicCandidate] = []
    noise_units = np.zeros(n_units, dtype=bool)

    from threadpoolctl import threadpool_limits

    if n == 1:
        unit_labels = np.zeros(n_units, dtype=int)
        method = "single"
        notes.append("There is only one statement, so it forms a single topic.")
    elif n_units == 1:
        unit_labels = np.zeros(n_units, dtype=int)
        method = "single"
        notes.append(f"All {n} statements are near-duplicates of each other (they say the same thing), "
                     "so they form a single topic.")
    elif k_hi < 2:
        unit_labels = np.zeros(n_units, dtype=int)
        method = "single"
        distinct = f" ({n_units} distinct)" if n_units != n else ""
        need = 2 * config.min_statements_per_topic
        notes.append(f"There are only {n} statements{distinct}; at least {need} distinct statements are "
                     "needed to split them into topics, so they form a single topic.")
    else:
        if k_lo < config.min_topics:
            notes.append(f"With {n_units} distinct statements there can be at most {k_hi} topics of about "
                         f"{config.min_statements_per_topic} statements each, fewer than the {config.min_topics} "
                         "topics asked for.")
        # Single-threaded BLAS/OpenMP: on a small shared machine, k-means with the default thread
        # pools ran ~30x slower (thread oversubscription) than with one thread.
        with threadpool_limits(limits=1):
            hd = None
            if config.method == "hdbscan":
                hd, candidates = _hdbscan(points, k_lo, k_hi, config, seed)
                if hd is None:
                    notes.append(f"HDBSCAN found no grouping into {k_lo} to {k_hi} topics, so k-means was "
                                 "used instead.")
            if hd is not None:
                raw, filled, quality = hd
                method = "hdbscan"
                noise_units = raw < 0
                unit_labels = filled
                if noise_units.any():
                    share = float(noise_units.mean())
                    if config.hdbscan_noise == "other":
                        notes.append(f"{share:.0%} of statements fit no dense topic; they are shown in the "
                                     "topic 'Other'.")
                    else:
                        notes.append(f"{share:.0%} of statements fit no dense topic; each was put in the "
                                     "topic whose centre is nearest.")
            else:
                unit_labels, quality, km_candidates = _kmeans_silhouette(
                    points, k_lo, k_hi, seed, config.kmeans_n_init, config.silhouette_sample)
                candidates = candidates + km_candidates
                method = "kmeans-silhouette"

    use_other = method == "hdbscan" and config.hdbscan_noise == "other" and bool(noise_units.any())
    labels = unit_labels[unit_of].copy()
    other_label = -1
    if use_other:
        other_label = int(unit_labels.max()) + 1
        labels[noise_units[unit_of]] = other_label

    # Voices: distinct known authors; each unknown-author statement is its own voice.
    voice = [("a", a) if a is not None else ("s", str(i)) for i, a in enumerate(author_list)]
    n_voices = len(set(voice))

    cluster_ids = sorted(set(labels.tolist()))
    members = {c: np.flatnonzero(labels == c) for c in cluster_ids}
    voices_of = {c: len({voice[i] for i in members[c].tolist()}) for c in cluster_ids}
    order = sorted(cluster_ids, key=lambda c: (c == other_label, -voices_of[c], -len(members[c]),
                                               int(members[c][0])))
    new_id = {c: t for t, c in enumerate(order)}

    # Labels by c-TF-IDF over the clusters.
    term_lists = [extract_terms(t, lang) for t, lang in zip(texts, langs)]
    vocab, scores = class_tfidf([[term_lists[i] for i in members[c]] for c in order])
    corpus_df: Counter[str] = Counter()
    for terms_i in term_lists:
        corpus_df.update(set(terms_i))
    segments_of = [cjk_segments(normalise_text(t)) for t in texts]
    total_voices = sum(voices_of.values()) or 1
    group_of = {i: gi for gi, g in enumerate(groups) for i in g}

    topics: list[TopicInfo] = []
    for t, c in enumerate(order):
        idx = members[c]
        in_topic: Counter[str] = Counter()
        for i in idx.tolist():
            in_topic.update(set(term_lists[i]))
        lift = None
        if len(order) >= 2 and vocab:
            lift = np.array([(in_topic.get(v, 0) / len(idx)) / (corpus_df[v] / n) for v in vocab])
        terms, term_scores = _pick_terms(
            vocab, scores[t] if len(vocab) else np.zeros(0), lift, in_topic,
            [seg for i in idx.tolist() for seg in segments_of[i]],
            max(config.n_terms, config.n_label_terms))
        is_other = c == other_label
        if is_other:
            label = "Other"
        elif terms:
            label = config.label_separator.join(terms[: config.n_label_terms])
        else:
            label = f"Topic {t + 1}"
        centroid = _unit_rows(unit[idx].mean(axis=0, keepdims=True))[0]
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
            if len(central) >= config.n_central:
                break
        topics.append(TopicInfo(
            id=t, label=label, terms=terms, term_scores=[round(s, 6) for s in term_scores],
            statement_ids=[ids[i] for i in idx.tolist()], central_statement_ids=central,
            n_statements=int(len(idx)), n_authors=int(voices_of[c]),
            weight=float(voices_of[c] / total_voices), is_other=is_other,
        ))

    if method in ("kmeans-silhouette", "hdbscan") and len(topics) >= 2:
        # Silhouette of what is shown (an explicit Other topic counts as a group of its own).
        final_units = np.array([new_id[int(labels[unit_heads[u]])] for u in range(n_units)])
        with threadpool_limits(limits=1):
            quality = _silhouette(points, final_units, config.silhouette_sample, seed)
        if config.silhouette_sample is not None and n_units > config.silhouette_sample:
            notes.append(f"The silhouette (which chose the number of topics) was estimated on a random sample of "
                         f"{config.silhouette_sample:,} of the {n_units:,} distinct statements.")
    else:
        quality = None
    note = _quality_note(quality)
    if note:
        notes.append(note)
    if corpus_lang == "zh" and config.language == "auto":
        notes.append("The statements are mostly Chinese (no spaces between words), so label terms are "
                     "built from pairs of characters rather than words.")

    return TopicResult(
        topics=topics,
        assignment={ids[i]: new_id[int(labels[i])] for i in range(n)},
        near_duplicates=[[ids[i] for i in g] for g in groups],
        method=method,
        quality=None if quality is None or not math.isfinite(quality) else float(quality),
        notes=notes,
        candidates=candidates,
        n_voices=n_voices,
        language=corpus_lang,
        seed=seed,
    )
