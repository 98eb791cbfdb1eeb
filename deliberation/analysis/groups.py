"""Opinion groups from votes: Polis's participant clustering, and a robust map for sparse data.

Pipeline (all modes): participants "in the conversation" (enough votes) -> a map of the
participants from a PCA of the mean-imputed vote matrix -> ~100 base clusters (k-means on the
map) -> weighted k-means of the base-cluster centres into k = 2..max_k groups, k chosen by the
silhouette of the base-cluster centres -> subgroups by the same procedure inside each group.
The modes differ only in the map:

``mode="polis"`` -- Polis's own math, for parity with what Polis shows
    (compdemocracy/polis ``math/src/polismath/math/``; each ported rule is cited where it is
    implemented below): votes on moderated-out statements count toward the in-conversation
    rule and their columns are zeroed before PCA (so, as in Polis, they count as "votes" in the
    sparsity scaling); 2 components; each participant's projection is scaled by
    sqrt(n_statements / n_votes).

``mode="robust"`` -- a map that keeps opinion camps visible in sparse data
    When thousands of participants each see a few dozen out of thousands of statements and
    some statements are shown far more often than others (Polis's routing does this),
    mean-filled PCA follows how many votes each statement received rather than how people
    split: a statement's weight in the PCA grows with its number of votes. Robust mode divides
    every statement column by its spread over all clustered participants (shrunk toward the
    median spread, so that near-consensus or barely-voted statements are not blown up), so each
    statement weighs about the same whatever its exposure; keeps up to ``max_k - 1`` components
    for clustering when a permutation test (parallel analysis: votes shuffled within each
    statement) shows they carry more than noise, so up to 5 camps can be told apart (the map
    still shows the first 2); and can refine the groups with a latent-class model
    (``refine_iters``; off by default because refined groups are no longer regions of the map).
    On :func:`synthetic_camps` data (20,000 participants x 2,000 statements, ~30 votes each,
    3 camps) it recovers the camps (adjusted Rand index 0.98) where Polis's map does not (0.75),
    and on every synthetic size tried it is at least as accurate as Polis's map.

``mode="auto"`` (the default) -- Polis's map where Polis is on home ground, robust elsewhere,
    checked by stability. The coverage rule names the expected map: Polis's when the median
    clustered participant voted on at least ``auto_min_coverage`` of the usable statements
    (conversations of the kind Polis hosts, where Polis's map reproduces Polis's groups and lets
    results be compared with Polis reports), else the robust map (large sparse conversations,
    where Polis's map loses the camps). Both maps are then grouped and resampled on the same
    participant subsamples (deliberation/analysis/group_stability.py), and the other map replaces
    the expected one only when its groups are clearly more stable (``auto_stability_margin``).
    The choice, the coverage and both stabilities are in ``diagnostics`` and, when it is not
    Polis's map, in a note. Agreement with Polis's group-id, leave-out validated, against
    red-dwarf: ``bench/bench_group_fidelity.py`` (figures in the README).

Stability: every result with 2 or more groups carries ``stability``, the same procedure run on
``stability_resamples`` subsamples that each leave out ``stability_left_out`` of the
participants, compared with the full run and with each other, with a sentence in words.

Clustering details shared by the modes. Polis's live groups depend on the conversation's
history (each update warm-starts k-means from the previous clusters and a smoother holds k for
4 updates; a cold start seeds k-means with the first distinct points in the rating matrix's row
order, i.e. participants in order of their first vote: conversation.clj :base-clusters subsets
the map with named_matrix.clj rowname-subset, whose utils.clj filter-by-index keeps the matrix's
own row order). And the exported group-id is not even one history's: conv_man.clj
restructure-json-conv reloads a conversation with its :base-clusters and :group-clusters but
without :group-clusterings or :group-k-smoother, so after each reload of the math worker the group
step cold-starts again on base clusters warm-started over the whole history. No computation on
the final votes can reproduce that (one cold start in participant-id order, as red-dwarf does,
matched Polis less well than the restarts below: bench/bench_group_fidelity.py, README), and a
single cold start is a lottery between near-equal k-means optima. So the cold-start procedure is run ``n_restarts``
times with seeded orders and the most typical outcome is kept: the majority k, then the run
whose labels agree best (mean adjusted Rand index) with the other runs of that k.

Everything is sparse: imputing a statement's mean vote and then centring on that mean leaves
exactly 0 in every unseen cell, so the centred matrix is the sparse matrix of (vote - mean) at
the cast votes; PCA runs on it directly (ARPACK ``svds``), and a 100,000 x 10,000 matrix is never
densified. One ``numpy.random.Generator`` (from the ``rng`` argument) drives every random
choice, so a seed fixes the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from deliberation.analysis.group_stability import Stability, resampled_rows, subsample, summarise
from deliberation.analysis.opinion_map import (
    VoteData,
    in_conversation,
    latent_class_refine,
    pad,
    polis_map,
    prepare,
    robust_map,
    why_no_spread,
)
from deliberation.analysis.polis_kmeans import Run, centres, cluster, group_step, silhouette
from deliberation.analysis.synthetic import synthetic_camps
from deliberation.votematrix import VoteMatrix
from deliberation.words import percent, said

Mode = Literal["auto", "polis", "robust"]

__all__ = [
    "GroupingConfig",
    "GroupingResult",
    "find_opinion_groups",
    "synthetic_camps",
]


class GroupingConfig(BaseModel):
    """Settings of :func:`find_opinion_groups`. Defaults are Polis's where Polis has one. Every field has
    its bounds, and a value outside them is refused naming the setting."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    mode: Mode = "auto"
    """"auto" (default): "polis" when participants voted on a median share of the statements of
    at least ``auto_min_coverage``, else "robust", unless the other map's groups are clearly
    more stable under resampling (``auto_stability_margin``); see the module docstring."""

    auto_min_coverage: float = Field(0.10, ge=0.0, le=1.0)
    """In "auto" mode, the median share of the (non-moderated, voted) statements that clustered
    participants voted on, from which Polis's map is used. Real Polis conversations sit at
    0.12-0.45 (the four in ../shared/corpora); Polis's map fails on synthetic camps at 0.005-0.03."""

    min_votes: int = Field(7, ge=1)
    """A participant is clustered after voting on at least min(min_votes, number of statements
    with votes) statements. Polis: conversation.clj :in-conv, ``(>= cnt (min 7 n-cmts))``."""

    min_in_conv: int = Field(15, ge=1)
    """If fewer participants qualify, the top voters are added until there are this many.
    Polis: conversation.clj :in-conv, ``greedy-n 15``."""

    count_moderated_votes: bool | None = None
    """Count votes on moderated-out statements toward ``min_votes``. None = the mode's rule:
    True in polis mode (Polis counts on raw-rating-mat, which keeps those votes), False in
    robust mode (such votes carry no information once the statement is excluded)."""

    n_components: int = Field(2, ge=1)
    """Dimensions of the opinion map (``GroupingResult.projection``). Polis: :n-comps 2."""

    base_k: int = Field(100, ge=2)
    """Number of base clusters. Polis: conversation.clj :base-k 100."""

    base_iters: int = Field(100, ge=1)
    """Iteration cap of the base-cluster k-means. Polis: :base-iters 100."""

    group_iters: int = Field(20, ge=1)
    """Iteration cap of the group k-means. Polis passes :group-iters 100 under a key its kmeans
    does not read, so the default of clusters.clj kmeans, 20, is what Polis runs."""

    center_tolerance: float = Field(0.01, ge=0.0)
    """k-means stops when no centre moved by this much. Polis: clusters.clj same-clustering?
    threshold 0.01 (map units; robust mode scales it by the spread of its map)."""

    max_k: int = Field(5, ge=2)
    """Largest number of groups. Polis: :max-k 5."""

    base_clusters_per_extra_group: int = Field(12, ge=1)
    """max_k is also capped at 2 + (number of base clusters) // this. Polis: max-k-fn."""

    n_restarts: int = Field(12, ge=1)
    """Seeded cold starts of the clustering; the most typical outcome is returned (the medoid run;
    choosing the run closest to Polis's own start instead was tried and removed: README, grouping)."""

    restart_base_limit: int = 5_000
    """Above this many clustered participants the base clusters are computed once and only the
    group step is restarted: base clusters of large conversations barely depend on the
    start, and this keeps the run time linear in participants."""

    silhouette_sample: int = Field(2_000, ge=1)
    """The participant-level silhouette reported in ``diagnostics`` is computed on a sample of
    at most this many participants (silhouette is quadratic in the number of points). The
    choice of k uses the silhouette of the <= base_k base-cluster centres, as Polis does."""

    parallel_analysis_margin: float = 1.05
    """Robust mode: a component beyond ``n_components`` is used for clustering only while its
    singular value exceeds that of the vote matrix with votes shuffled within each statement
    by this factor (parallel analysis)."""

    standardise_shrinkage: float = Field(0.3, ge=0.0)
    """Robust mode: statement columns are divided by sqrt(spread^2 + this x median spread^2).
    0 = plain standardisation, which blows up the noise of statements with little spread
    (few votes, or near-consensus); 0.3 keeps those near their raw weight (it recovers the
    small third camp of the harbour-road sample, which plain standardisation merges)."""

    refine_iters: int = Field(0, ge=0)
    """Robust mode: EM steps of the latent-class refinement (0 = off). The refinement uses every
    vote (groups agree with each statement at their own rate) and recovers synthetic camps
    almost perfectly, but the refined groups are no longer regions of the 2-D map."""

    refine_prior: float = Field(2.0, gt=0.0)
    """Robust mode: pseudo-votes (at the statement's overall agree share) added to each group's
    counts in the refinement, so statements with few votes stay neutral."""

    subgroups: bool = True
    """Also split each group into subgroups by the same procedure. Polis: :subgroup-clusters."""

    stability_resamples: int = Field(6, ge=0)
    """Stability: the grouping is repeated on this many participant subsamples and compared
    (``GroupingResult.stability``; deliberation/analysis/group_stability.py). 0 = not measured
    (and "auto" then falls back to ``auto_min_coverage`` alone)."""

    stability_left_out: float = Field(0.2, gt=0.0, lt=1.0)
    """Share of the participants each resample leaves out."""

    stability_restarts: int = Field(3, ge=1)
    """Cold starts per resampled run (the full run has ``n_restarts``): the figure averages over
    runs, so each needs fewer, and this keeps the cost at about twice one full run."""

    stable_share: float = 0.9
    """The groups are called "stable" when at least this share of participants keeps its group
    in the resamples, "fairly stable" from ``fairly_stable_share``, "unstable" below."""

    fairly_stable_share: float = 0.75
    """From this share of participants keeping their group the groups are "fairly stable" (``stable_share``)."""

    stability_min_participants: int = 10
    """Fewest participants in groups for the stability figure to be put in words as a share. Below
    it, leaving ``stability_left_out`` out removes one or two people and regroups the rest: in a
    room of three, two; "kept their group" then moves in steps of a half and an adjusted Rand
    index over two people says nothing (a room of three read "75% of participants keep their
    group (mean adjusted Rand index between 6 resampled runs 1.00)"). The figures stay in the JSON;
    the words say the room is too small to tell, and the verdict is "not measured"."""

    stability_refit_limit: int = 5_000
    """Above this many clustered participants the stability resamples keep the full run's map and
    re-cluster the kept participants on it (a map fitted to thousands of participants barely
    moves when a fifth is left out, and refitting it 6 times would cost 6 full runs)."""

    auto_stability_margin: float = 0.2
    """"auto": the map the coverage rule does not name replaces the one it names when its groups
    are more stable under resampling (mean adjusted Rand index between resampled runs) by at
    least this much. On seattle and vTaiwan (the tuning pair; 5 seeds) the robust map was up to
    0.13 more stable without being closer to Polis's groups, hence 0.2."""

    def counts_moderated(self) -> bool:
        if self.count_moderated_votes is not None:
            return self.count_moderated_votes
        return self.mode == "polis"


@dataclass
class GroupingResult:
    """Opinion groups of one vote matrix (rows in the order of ``participant_ids``)."""

    #: every row of the matrix, clustered or not
    participant_ids: list[str]
    #: group per participant, numbered 0.. by size (largest first, ties by first member);
    #: -1 = not clustered (too few votes)
    labels: np.ndarray
    #: number of groups (0 = nobody could be clustered, 1 = no distinct groups)
    k: int
    #: silhouette of the chosen grouping on the base-cluster centres (what chose k); NaN if k < 2
    silhouette: float
    #: (n, n_components) coordinates of the opinion map; NaN rows for unclustered participants
    projection: np.ndarray
    #: (n_components, n_statements) map axes in statement space (0 for moderated-out and
    #: unvoted statements; robust mode: axes of the standardised votes)
    components: np.ndarray
    #: (n_statements,) mean vote per statement, the imputed value (0 where no votes)
    center: np.ndarray
    #: variance of the participants along each map axis (squared singular value / (n - 1))
    explained_variance: np.ndarray
    #: clustered participants (Polis's "in-conv")
    in_conv: np.ndarray
    #: group -> sub-label per participant (-1 outside the group); empty when disabled or k < 2
    subgroups: dict[int, np.ndarray] = field(default_factory=dict)
    #: group -> number of subgroups
    subgroup_k: dict[int, int] = field(default_factory=dict)
    #: plain-words remarks, e.g. why no groups were formed
    notes: list[str] = field(default_factory=list)
    #: the mode that produced the result
    mode: str = "robust"
    #: k per restart, silhouettes, clustering dimensions, participant-level silhouette, ...
    diagnostics: dict[str, Any] = field(default_factory=dict)
    #: how sure the grouping is (None when not measured or fewer than 2 groups)
    stability: Stability | None = None
    #: (coordinates of the clustered participants, k-means tolerance) the groups were found in;
    #: large conversations' stability resamples re-cluster these instead of refitting the map
    cluster_space: tuple[np.ndarray, float] | None = field(default=None, repr=False)

    def groups(self) -> dict[str, int]:
        """participant id -> group, clustered participants only."""
        return {pid: int(g) for pid, g in zip(self.participant_ids, self.labels) if g >= 0}

    def subgroup_map(self) -> dict[int, dict[str, int]]:
        """group -> participant id -> subgroup."""
        return {g: {self.participant_ids[i]: int(sub[i]) for i in np.flatnonzero(sub >= 0)}
                for g, sub in self.subgroups.items()}

    def sizes(self) -> list[int]:
        if self.k == 0:
            return []
        return [int(x) for x in np.bincount(self.labels[self.labels >= 0], minlength=self.k)]

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary (no per-participant arrays)."""
        return {
            "mode": self.mode,
            "k": int(self.k),
            "sizes": self.sizes(),
            "silhouette": float(self.silhouette) if np.isfinite(self.silhouette) else None,
            "n_clustered": int(self.in_conv.sum()),
            "explained_variance": [float(x) for x in self.explained_variance],
            "subgroup_k": {str(g): int(k) for g, k in self.subgroup_k.items()},
            "notes": list(self.notes),
            "stability": self.stability.to_dict() if self.stability is not None else None,
            **{k: v for k, v in self.diagnostics.items() if isinstance(v, (int, float, str, list))},
        }


# ==== public entry point ======================================================================


def find_opinion_groups(
    matrix: VoteMatrix,
    config: GroupingConfig = GroupingConfig(),
    rng: np.random.Generator | int = 0,
) -> GroupingResult:
    """Opinion groups of the participants of ``matrix`` (see the module docstring), with how
    stable they are under resampling of participants (``GroupingResult.stability``).

    ``rng``: a seed or a ``numpy.random.Generator`` (used, and advanced, for every random
    choice); the same seed gives the same labels.
    """
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    if config.mode == "auto":
        return _auto(matrix, config, gen)
    res = _group(matrix, config, gen)
    if res.k >= 2 and config.stability_resamples > 0:
        res.stability = _stability(matrix, res, config, gen)
    return res


def _auto(matrix: VoteMatrix, config: GroupingConfig, gen: np.random.Generator) -> GroupingResult:
    """Both maps, each with its stability under resampling (the same subsamples). The coverage
    rule names the expected map (Polis's from ``auto_min_coverage``, else robust); the other
    map replaces it only when its groups are more stable (mean ARI between resampled runs) by
    ``auto_stability_margin``. Without stability resamples the coverage rule alone decides."""
    if matrix.n_votes == 0 or 0 in matrix.shape:
        return _group(matrix, config.model_copy(update={"mode": "polis"}), gen)
    expected, coverage = _resolve_auto(matrix, config)
    scores: dict[str, float] = {}
    if config.stability_resamples == 0:
        res = _group(matrix, expected, gen)
    else:
        results, masks = {}, None
        other = "robust" if expected.mode == "polis" else "polis"
        for mode in (expected.mode, other):
            if mode == other and scores.get(expected.mode, -1.0) + config.auto_stability_margin > 1.0:
                continue  # an ARI cannot exceed 1: the other map cannot be more stable by the margin
            cfg = config.model_copy(update={"mode": mode})
            r = _group(matrix, cfg, gen)
            # both maps are judged on the same subsamples (a paired comparison: less noise), drawn
            # after the first map as in a run of its mode, so auto's groups equal that run's
            if masks is None:
                masks = resampled_rows(matrix.shape[0], config.stability_resamples, config.stability_left_out, gen)
            if r.k >= 2:
                r.stability = _stability(matrix, r, cfg, gen, masks)
            results[mode] = r
            scores[mode] = r.stability.mean_ari if r.stability is not None else float("nan")
        switch = other in results and np.isfinite(scores[other]) and not (
            scores[other] < scores[expected.mode] + config.auto_stability_margin)
        res = results[other if switch else expected.mode]
    res.diagnostics["median_coverage"] = round(coverage, 4)
    if scores:
        res.diagnostics["auto_stability"] = {m: (round(v, 4) if np.isfinite(v) else None) for m, v in scores.items()}
    why_cov = said("groups.coverage_less" if expected.mode == "robust" else "groups.coverage_more",
                   share=percent(coverage, 1))
    why_stab = said("groups.more_stable", ari=f"{scores.get(res.mode, 0):.2f}",
                    ari_other=f"{scores.get('polis' if res.mode == 'robust' else 'robust', 0):.2f}")
    if res.mode == "robust":
        res.notes.append(said("groups.robust", why=why_cov if res.mode == expected.mode else why_stab))
    elif expected.mode == "robust":
        res.notes.append(said("groups.polis_although", why_cov=why_cov, why_stab=why_stab))
    return res


def _stability(matrix: VoteMatrix, res: GroupingResult, config: GroupingConfig, gen: np.random.Generator,
               masks: list[np.ndarray] | None = None) -> Stability | None:
    """Group participant subsamples (``masks`` over the matrix rows, default drawn from ``gen``)
    with fewer restarts and compare them with ``res``. Above ``stability_refit_limit`` clustered
    participants the kept ones are re-clustered on the full run's map instead of refitting it."""
    if masks is None:
        masks = resampled_rows(matrix.shape[0], config.stability_resamples, config.stability_left_out, gen)
    sub_cfg = config.model_copy(update={"n_restarts": config.stability_restarts, "subgroups": False, "stability_resamples": 0})
    rows = np.flatnonzero(res.in_conv)
    reuse_map = len(rows) > config.stability_refit_limit and res.cluster_space is not None
    runs = []
    for keep in masks:
        labels = np.full(len(res.labels), -1, dtype=np.int64)
        if reuse_map:
            Y, tol = res.cluster_space
            kept = keep[rows]
            labels[rows[kept]] = cluster(Y[kept], sub_cfg, gen, _empty_result(matrix, config), tol).labels
        else:
            labels[keep] = _group(subsample(matrix, keep), sub_cfg, gen).labels
        runs.append(labels)
    return summarise(res.labels, res.k, runs, config.stability_left_out, config.stable_share,
                     config.fairly_stable_share, config.stability_min_participants)


def _group(matrix: VoteMatrix, config: GroupingConfig, gen: np.random.Generator) -> GroupingResult:
    """One grouping in a fixed mode ("polis" or "robust")."""
    n, s = matrix.shape
    res = _empty_result(matrix, config)
    if n == 0 or s == 0:
        res.notes.append(said("groups.no_participants" if n == 0 else "groups.no_statements"))
        return res
    if matrix.n_votes == 0:
        res.notes.append(said("groups.no_votes"))
        return res
    data = prepare(matrix, config)
    res.center = data.center_full
    if len(data.active) == 0:
        res.notes.append(said("groups.all_moderated_out"))
        return res
    in_conv = in_conversation(data.count_votes, data.n_voted_statements, config)
    n_in = int(in_conv.sum())
    threshold = min(config.min_votes, data.n_voted_statements)
    if n_in < 2:
        res.notes.append(said("groups.only_one_voted" if n_in == 1 else "groups.nobody_voted", need=threshold))
        return res
    res.in_conv = in_conv
    if data.X.nnz == 0 or not np.any(data.X[np.flatnonzero(in_conv)].data):
        res.notes.append(why_no_spread(data))
        _single_group(res, in_conv)
    elif config.mode == "polis":
        _run_polis(data, in_conv, config, gen, res)
    else:
        _run_robust(data, in_conv, config, gen, res)
    # participants are the rows with a vote: an imported author who never voted is a row, not a
    # participant (Austria's note said "217 of 1117" where every other figure counts 1,116)
    n_voters = int(matrix.voters().sum())
    n_out = n_voters - n_in
    if n_out:
        res.notes.append(said("groups.not_placed", n=n_out, n_voters=n_voters, need=threshold))
    return res


# ==== data preparation ========================================================================


def _resolve_auto(matrix: VoteMatrix, config: GroupingConfig) -> tuple[GroupingConfig, float]:
    """The mode "auto" stands for, and the median coverage that decided it: the share of the
    usable statements (voted, not moderated out) that the median clustered participant voted on
    (clustered by Polis's rule)."""
    n, s = matrix.shape
    voted = np.bincount(matrix.cols, minlength=s) > 0
    usable = voted & ~matrix.moderated_out
    on_usable = usable[matrix.cols]
    active_votes = np.bincount(matrix.rows[on_usable], minlength=n)
    in_conv = in_conversation(np.bincount(matrix.rows, minlength=n), int(voted.sum()), config)
    coverage = float(np.median(active_votes[in_conv])) / max(int(usable.sum()), 1) if in_conv.any() else 1.0
    mode = "polis" if coverage >= config.auto_min_coverage else "robust"
    return config.model_copy(update={"mode": mode}), coverage



# ==== clustering helpers ====================================================================


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Groups numbered by size, largest first; ties by first member (lowest row)."""
    out = np.full(len(labels), -1, dtype=np.int64)
    valid = labels >= 0
    if not valid.any():
        return out
    ids, first, counts = np.unique(labels[valid], return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    new = np.empty(len(ids), dtype=np.int64)
    new[order] = np.arange(len(ids))
    out[valid] = new[np.searchsorted(ids, labels[valid])]
    return out


# ==== clustering (both modes) =================================================================
def _subgroups(res: GroupingResult, P: np.ndarray, rows: np.ndarray, run: Run, config: GroupingConfig,
               tol: float) -> None:
    """Polis: conversation.clj :subgroup-clusterings -- for each group, the same weighted kmeans
    and silhouette over the base clusters of its members."""
    final = res.labels[rows]
    for g in range(res.k):
        members = np.flatnonzero(final == g)
        bases, local = np.unique(run.base_labels[members], return_inverse=True)
        C, _ = centres(P[members], local, np.ones(len(members)), len(bases))
        w = np.bincount(local, minlength=len(bases)).astype(float)
        k, lab = 1, np.zeros(len(bases), dtype=np.int64)
        if len(bases) >= 2:
            k, _, lab, _ = group_step(C, w, config, tol)
        sub = np.full(len(res.labels), -1, dtype=np.int64)
        sub[rows[members]] = _renumber(lab[local])
        res.subgroups[g] = sub
        res.subgroup_k[g] = int(sub.max() + 1)


def _finish(res: GroupingResult, P: np.ndarray, rows: np.ndarray, labels: np.ndarray, sil: float,
            config: GroupingConfig, gen: np.random.Generator) -> None:
    full = np.full(len(res.labels), -1, dtype=np.int64)
    full[rows] = labels
    res.labels = _renumber(full)
    res.k = int(res.labels.max() + 1) if (res.labels >= 0).any() else 0
    res.silhouette = float(sil) if res.k >= 2 else float("nan")
    if res.k >= 2:
        n = len(rows)
        sample = np.sort(gen.choice(n, config.silhouette_sample, replace=False)) if n > config.silhouette_sample else np.arange(n)
        res.diagnostics["participant_silhouette"] = round(silhouette(P[sample], res.labels[rows][sample]), 4)
    else:
        res.notes.append(said("groups.one_group"))


def _run_polis(data: VoteData, in_conv: np.ndarray, config: GroupingConfig, gen: np.random.Generator,
               res: GroupingResult) -> None:
    rows = np.flatnonzero(in_conv)
    P = polis_map(data, rows, config, gen, res)
    _cluster_map(P, P, rows, in_conv, config, gen, res, config.center_tolerance)


def _run_robust(data: VoteData, in_conv: np.ndarray, config: GroupingConfig, gen: np.random.Generator,
                res: GroupingResult) -> None:
    rows = np.flatnonzero(in_conv)
    Y = robust_map(data, rows, config, gen, res)
    if Y is None:
        res.notes.append(why_no_spread(data))
        _single_group(res, in_conv)
        return
    # robust coordinates are in standardised units: the tolerance follows their spread
    tol = config.center_tolerance * float(Y.std())
    _cluster_map(Y, pad(Y, config.n_components), rows, in_conv, config, gen, res, tol, data=data)


def _cluster_map(Y: np.ndarray, P: np.ndarray, rows: np.ndarray, in_conv: np.ndarray, config: GroupingConfig,
                 gen: np.random.Generator, res: GroupingResult, tol: float, data: VoteData | None = None) -> None:
    """Cluster the participants at coordinates Y (map P is what the result shows)."""
    res.projection[rows] = P
    if len(np.unique(Y, axis=0)) < 2:
        res.notes.append(said("groups.same_point"))
        _single_group(res, in_conv)
        return
    res.cluster_space = (Y, tol)
    run = cluster(Y, config, gen, res, tol)
    labels = run.labels
    if data is not None and run.k >= 2 and config.refine_iters > 0:
        labels = latent_class_refine(data, rows, labels, run.k, config)
    _finish(res, Y, rows, labels, run.silhouette, config, gen)
    if res.k > 2 and int(Y.shape[1]) > config.n_components:
        res.notes.append(said("groups.dimensions", n_dims=Y.shape[1], n_map=config.n_components))
    if config.subgroups and res.k >= 2:
        _subgroups(res, Y, rows, run, config, tol)


# ==== result assembly =========================================================================


def _empty_result(matrix: VoteMatrix, config: GroupingConfig) -> GroupingResult:
    n, s = matrix.shape
    return GroupingResult(
        participant_ids=list(matrix.participant_ids),
        labels=np.full(n, -1, dtype=np.int64),
        k=0,
        silhouette=float("nan"),
        projection=np.full((n, config.n_components), np.nan),
        components=np.zeros((config.n_components, s)),
        center=np.zeros(s),
        explained_variance=np.zeros(config.n_components),
        in_conv=np.zeros(n, dtype=bool),
        mode=config.mode,
    )


def _single_group(res: GroupingResult, in_conv: np.ndarray) -> None:
    res.labels = np.where(in_conv, 0, -1).astype(np.int64)
    res.k = 1
    res.silhouette = float("nan")
    rows = np.flatnonzero(in_conv)
    unset = ~np.isfinite(res.projection[rows]).all(1)
    res.projection[rows[unset]] = 0.0
