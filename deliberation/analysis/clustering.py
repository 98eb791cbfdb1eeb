"""Clustering statement embeddings into topics: k-means with the number of topics chosen by the
cosine silhouette (default), or HDBSCAN over a grid of minimum cluster sizes. Why k-means by
default: :mod:`deliberation.analysis.topics`."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from threadpoolctl import threadpool_limits

from deliberation.analysis.duplicates import unit_rows
from deliberation.words import percent, said

if TYPE_CHECKING:
    from deliberation.analysis.topics import TopicConfig

__all__ = ["TopicCandidate", "cluster_units", "silhouette", "seed_from", "quality_note"]


@dataclass
class TopicCandidate:
    """One clustering that was scored while choosing the number of topics."""

    n_topics: int
    #: Cosine silhouette over distinct statements (-1..1) in the space that was clustered (k-means:
    #: ``TopicConfig.kmeans_dims`` principal components); None where it is undefined.
    silhouette: float | None
    #: HDBSCAN only: the minimum cluster size tried.
    min_cluster_size: int | None = None
    #: HDBSCAN only: share of distinct statements labelled noise.
    noise_share: float | None = None


# --------------------------------------------------------------------------------------------------
# Clustering
# --------------------------------------------------------------------------------------------------


def seed_from(rng: np.random.Generator | int | None) -> int:
    if rng is None:
        return 0
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**31 - 1))
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return int(rng) % (2**32)
    raise TypeError(f"rng must be a numpy Generator or an int, not {type(rng).__name__}")


def silhouette(points: np.ndarray, labels: np.ndarray, sample: int | None = None, seed: int = 0) -> float | None:
    """Cosine silhouette; on a seeded random sample of ``sample`` points when there are more."""

    from sklearn.metrics import silhouette_score  # lazy: scikit-learn takes ~0.8 s and ~120 MB to import

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
    from sklearn.cluster import KMeans  # lazy: scikit-learn takes ~0.8 s and ~120 MB to import
    from sklearn.exceptions import ConvergenceWarning  # lazy: scikit-learn takes ~0.8 s and ~120 MB to import

    best: tuple[float, np.ndarray] | None = None
    candidates = []
    for k in range(k_lo, k_hi + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            labels = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(points)
        if len(set(labels.tolist())) < k:  # fewer distinct points than k (should not happen)
            continue
        score = silhouette(points, labels, sample, seed)
        candidates.append(TopicCandidate(n_topics=k, silhouette=score))
        if score is not None and (best is None or score > best[0] + 1e-9):
            best = (score, labels)
    if best is None:
        return np.zeros(len(points), dtype=int), None, candidates
    return _relabel(best[1]), best[0], candidates


def _reduced(points: np.ndarray, dims: int | None, seed: int) -> np.ndarray:
    """The first ``dims`` principal components of ``points``, each row scaled to unit length (the
    points themselves when ``dims`` is None or not below their dimension and count)."""
    if dims is None or dims >= min(points.shape):
        return points
    from sklearn.decomposition import PCA  # lazy: scikit-learn takes ~0.8 s and ~120 MB to import

    return unit_rows(PCA(n_components=dims, svd_solver="full", random_state=seed).fit_transform(points))


def _nearest_fill(points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Give noise points (-1) the label of the nearest cluster centroid (cosine)."""
    k = int(labels.max()) + 1
    if k <= 0:
        return labels
    cents = unit_rows(np.stack([points[labels == c].mean(axis=0) for c in range(k)]))
    nearest = (points @ cents.T).argmax(axis=1)
    return np.where(labels >= 0, labels, nearest)


def _hdbscan(
    points: np.ndarray, k_lo: int, k_hi: int, config: TopicConfig, seed: int
) -> tuple[tuple[np.ndarray, np.ndarray, float] | None, list[TopicCandidate]]:
    """Best HDBSCAN grid value with a topic count in range as (raw labels with -1 for noise,
    nearest-filled labels, silhouette of the filled labels), or None if none is in range; and
    every grid value scored."""
    from sklearn.cluster import HDBSCAN  # lazy: scikit-learn takes ~0.8 s and ~120 MB to import
    from sklearn.decomposition import PCA  # lazy: scikit-learn takes ~0.8 s and ~120 MB to import

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
        score = silhouette(points, filled, config.silhouette_sample, seed) if k >= 2 else None
        candidates.append(TopicCandidate(n_topics=k, silhouette=score, min_cluster_size=int(size),
                                         noise_share=float(np.mean(raw < 0))))
        if k_lo <= k <= k_hi and score is not None and (best is None or score > best[0] + 1e-9):
            best = (score, raw, filled)
    if best is None:
        return None, candidates
    return (best[1], best[2], best[0]), candidates




def quality_note(quality: float | None) -> str | None:
    if quality is None:
        return None
    how = "clearly" if quality >= 0.25 else "moderately" if quality >= 0.1 else "weakly"
    return said(f"topics.separated_{how}", quality=f"{quality:.2f}")


@dataclass
class Clustering:
    unit_labels: np.ndarray
    method: str
    quality: float | None = None
    candidates: list[TopicCandidate] = field(default_factory=list)
    noise_units: np.ndarray | None = None


def cluster_units(points: np.ndarray, n: int, config: TopicConfig, seed: int, notes: list[str]) -> Clustering:
    """Cluster the distinct statements (``points``, one per near-duplicate group) into topics."""
    n_units = len(points)
    single = np.zeros(n_units, dtype=int)
    # Different texts can still have identical vectors; k-means cannot make more groups than points.
    n_points = len(np.unique(np.round(points, 6), axis=0))
    k_hi = min(config.max_topics, n_units // config.min_statements_per_topic, n_points - 1)
    k_lo = max(2, min(config.min_topics, k_hi))
    if n == 1:
        notes.append(said("topics.one_statement"))
        return Clustering(single, "single")
    if n_units == 1:
        notes.append(said("topics.all_duplicates", n_all=n))
        return Clustering(single, "single")
    if k_hi < 2:
        need = 2 * config.min_statements_per_topic
        notes.append(said("topics.too_few_distinct" if n_units != n else "topics.too_few", n_all=n,
                          n_distinct=n_units, need=need))
        return Clustering(single, "single")
    if k_lo < config.min_topics:
        notes.append(said("topics.at_most", n_distinct=n_units, n_most=k_hi, n_each=config.min_statements_per_topic,
                          n_asked=config.min_topics))
    # Single-threaded BLAS/OpenMP: on a small shared machine, k-means with the default thread
    # pools ran many times slower (thread oversubscription) than with one thread.
    with threadpool_limits(limits=1):
        candidates: list[TopicCandidate] = []
        if config.method == "hdbscan":
            hd, candidates = _hdbscan(points, k_lo, k_hi, config, seed)
            if hd is not None:
                raw, filled, quality = hd
                noise = raw < 0
                if noise.any():
                    where = "other" if config.hdbscan_noise == "other" else "nearest"
                    notes.append(said(f"topics.noise_{where}", share=percent(float(noise.mean()))))
                return Clustering(filled, "hdbscan", quality, candidates, noise)
            notes.append(said("topics.no_hdbscan", n_lo=k_lo, n_hi=k_hi))
        labels, quality, km_candidates = _kmeans_silhouette(
            _reduced(points, config.kmeans_dims, seed), k_lo, k_hi, seed, config.kmeans_n_init,
            config.silhouette_sample)
    return Clustering(labels, "kmeans-silhouette", quality, candidates + km_candidates)


def statement_labels(found: Clustering, unit_of: np.ndarray, n_units: int, config: TopicConfig) -> tuple[np.ndarray, int]:
    """Each statement's cluster (its unit's), and the label of the "other" topic that gathers HDBSCAN's
    noise when ``config.hdbscan_noise`` is "other" (-1 when there is none)."""
    noise_units = found.noise_units if found.noise_units is not None else np.zeros(n_units, dtype=bool)
    use_other = found.method == "hdbscan" and config.hdbscan_noise == "other" and bool(noise_units.any())
    labels = found.unit_labels[unit_of].copy()
    other_label = -1
    if use_other:
        other_label = int(found.unit_labels.max()) + 1
        labels[noise_units[unit_of]] = other_label
    return labels, other_label


def ordered_clusters(labels: np.ndarray, author_list: list, other_label: int
                      ) -> tuple[list[int], dict[int, np.ndarray], dict[int, int]]:
    """The clusters in topic order (most voices first, then most statements, then first statement;
    the "other" topic last), with their members and voices. Voices: distinct known authors; a
    statement without an author (a seed) is nobody's voice."""
    cluster_ids = sorted(set(labels.tolist()))
    members = {c: np.flatnonzero(labels == c) for c in cluster_ids}
    voices_of = {c: len({author_list[i] for i in members[c].tolist()} - {None}) for c in cluster_ids}
    order = sorted(cluster_ids, key=lambda c: (c == other_label, -voices_of[c], -len(members[c]),
                                               int(members[c][0])))
    return order, members, voices_of
