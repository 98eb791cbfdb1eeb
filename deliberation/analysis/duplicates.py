"""Near-duplicate statements: the same point made twice, in the same language or in two.

One union-find over cosine links, used by the topic analysis (which keeps each group in one topic)
and by :func:`link_near_duplicates` (groups of statement ids from their vectors alone).

Within one language two statements are linked when their cosine reaches ``threshold`` AND they
share enough words (overlap coefficient, Chinese: character pairs): embeddings alone put
different claims close together ("Recreational marijuana should be legal." / "Medical marijuana
should be legal."). A statement and its translation share no words, so across languages the
model's own ``cross_language_threshold`` decides alone (a multilingual model places translations
close together; an English one does not, and gets None: no cross-language links).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from deliberation.text.terms import normalise_text, overlap_units

__all__ = ["link_near_duplicates", "near_duplicate_groups", "translation_pairs", "unit_rows"]

#: Rows of the similarity matrix computed at once (bounds memory on large consultations).
BLOCK_ROWS = 1024


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero), as float64."""
    x = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


class _Links:
    """Union-find over statement indices; the smaller index is a group's root."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            out.setdefault(self.find(i), []).append(i)
        return sorted((g for g in out.values() if len(g) > 1), key=lambda g: g[0])


def near_duplicate_groups(
    texts: Sequence[str],
    vectors: np.ndarray,
    threshold: float = 0.9,
    min_overlap: float = 0.5,
    languages: Sequence[str] | None = None,
    cross_language_threshold: float | None = None,
) -> list[list[int]]:
    """Indices of near-duplicate groups (size >= 2), each sorted, groups ordered by first index.

    Two statements are linked when their texts are equal after folding case and whitespace; or,
    in the same language (or when ``languages`` is not given), when cosine >= ``threshold`` and
    their word overlap coefficient is >= ``min_overlap``; or, in two different determined languages
    (ISO codes in ``languages``), when cosine >= ``cross_language_threshold`` (None = never).
    Groups are the connected components of these links."""
    n = len(texts)
    if n < 2:
        return []
    if languages is not None and len(languages) != n:
        raise ValueError(f"{n} texts but {len(languages)} languages")
    unit = unit_rows(vectors)
    links = _Links(n)
    first_of: dict[str, int] = {}
    for i, t in enumerate(" ".join(normalise_text(t).split()) for t in texts):
        if t in first_of:
            links.union(first_of[t], i)
        else:
            first_of[t] = i
    cross = cross_language_threshold if languages is not None else None
    lowest = threshold if cross is None else min(threshold, cross)
    units: list[frozenset[str] | None] = [None] * n
    for start in range(0, n, BLOCK_ROWS):
        sims = unit[start : start + BLOCK_ROWS] @ unit.T
        rows, cols = np.nonzero(sims >= lowest - 1e-9)
        for r, j in zip(rows.tolist(), cols.tolist()):
            i = start + r
            if j <= i or links.find(i) == links.find(j):
                continue
            if languages is not None and languages[i] and languages[j] and languages[i] != languages[j]:
                if cross is not None and sims[r, j] >= cross - 1e-9:
                    links.union(i, j)
                continue
            if sims[r, j] < threshold - 1e-9:
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
            links.union(i, j)
    return links.groups()


def translation_pairs(groups: Sequence[Sequence[int]], unit: np.ndarray, languages: Sequence[str],
                      cross_language_threshold: float | None) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of a statement and its translation: two statements of one near-duplicate
    group in two different determined languages, each the other's closest statement (cosine of the
    rows of ``unit``) of that language in the group, at ``cross_language_threshold`` or above (None:
    none). A group links its members transitively, so it can hold a statement and its opposite
    ("... play a big role" and "... have little influence", each beside its translation): only
    mutual closest pairs are one point said in two languages."""
    if cross_language_threshold is None:
        return []
    out: list[tuple[int, int]] = []
    for g in groups:
        g = list(g)
        if len({languages[i] for i in g if languages[i]}) < 2:
            continue
        sims = unit[g] @ unit[g].T

        def closest(a: int, lang: str) -> int | None:
            others = [b for b in range(len(g)) if languages[g[b]] == lang]
            return max(others, key=lambda b: sims[a, b]) if others else None

        for a in range(len(g)):
            for b in range(a + 1, len(g)):
                la, lb = languages[g[a]], languages[g[b]]
                if (la and lb and la != lb and sims[a, b] >= cross_language_threshold - 1e-9
                        and closest(a, lb) == b and closest(b, la) == a):
                    out.append((min(g[a], g[b]), max(g[a], g[b])))
    return sorted(out)


def link_near_duplicates(
    vectors: np.ndarray,
    ids: Sequence[str],
    threshold: float = 0.9,
) -> list[set[str]]:
    """Group statements whose embeddings are near duplicates.

    ``vectors`` is an ``(n, d)`` array of L2-normalised embeddings (rows are
    re-normalised defensively), ``ids`` the matching statement ids.  Two
    statements are linked when their cosine similarity is ``>= threshold``;
    groups are the connected components of these links (union-find), so a
    group can contain pairs below the threshold that are joined through a
    third statement.

    ``threshold`` — cosine similarity at or above which two statements count
    as near duplicates; it depends on the embedding model (pass
    ``embedder.calibration.near_duplicate``, calibrated per model in
    ``deliberation/embeddings/models.py``): high enough to link re-posts and
    small edits, not merely statements on the same topic.

    Similarities are computed in blocks of rows (:func:`near_duplicate_groups`,
    here without its word-overlap guard).  Returns only groups of two or more,
    largest first (ties by smallest id).
    """

    vecs = np.asarray(vectors, dtype=np.float32)
    if vecs.ndim != 2:
        raise ValueError(f"vectors must be a 2-D array, got shape {vecs.shape}")
    if len(ids) != vecs.shape[0]:
        raise ValueError(f"got {vecs.shape[0]} vectors but {len(ids)} ids")
    # without the word-overlap guard (min_overlap=0), the (distinct) ids standing in for texts
    groups = near_duplicate_groups([str(i) for i in ids], vecs, threshold, min_overlap=0.0)
    out = [{ids[i] for i in g} for g in groups]
    out.sort(key=lambda g: (-len(g), min(g)))
    return out
