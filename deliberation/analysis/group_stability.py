"""How sure a grouping is: the groups again on participant subsamples, compared with each other.

Each resample leaves out a share of the participants (default 20%), groups the rest with the same
procedure, and is compared on the participants both runs clustered:

- ``kept_share``: the share of participants who keep their group (resampled groups matched to the
  full run's one-to-one so as to keep the most participants; Hungarian method), averaged over
  resamples -- the figure said in words;
- ``mean_ari``: the mean adjusted Rand index between the resampled runs, pair by pair (what
  "auto" compares the two maps by);
- ``ari_vs_full``: the mean adjusted Rand index of each resampled run against the full run (the
  same comparison as ``kept_share``: the one said beside it in words);
- ``same_k``: the share of resampled runs that found the same number of groups.

Subsampling participants to judge the stability of a clustering: Ben-Hur, Elisseeff and Guyon,
"A stability based method for discovering structure in clustered data", PSB 2002; Lange, Roth,
Braun and Buhmann, "Stability-based validation of clustering solutions", Neural Computation 2004.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from deliberation.analysis.polis_kmeans import adjusted_rand
from deliberation.votematrix import VoteMatrix
from deliberation.words import number_word, percent, said



@dataclass(frozen=True)
class Stability:
    """Agreement of the grouping with itself when participants are left out."""

    resamples: int
    left_out: float
    kept_share: float
    mean_ari: float
    ari_vs_full: float
    same_k: float
    k: int
    #: "stable", "fairly stable" or "unstable"; "not measured" in a room smaller than
    #: ``min_participants`` (GroupingConfig.stability_min_participants)
    verdict: str
    #: participants in groups in the full run
    n_clustered: int = 0
    min_participants: int = 0

    def text(self) -> str:
        """The figure in words, e.g. "the two groups are stable: 95% of participants keep their
        group when 20% of participants are left out"."""
        groups = said("grouping.groups", count=number_word(self.k))
        left = percent(self.left_out)
        if self.verdict == "not measured":
            kept = max(2, int(round(self.n_clustered * (1.0 - self.left_out))))
            if kept >= self.n_clustered:  # a room of two: "leaving out 20% of the 2 … regroups only 2"
                return said("grouping.too_small", groups=groups, n_clustered=self.n_clustered,
                            n_min=self.min_participants)
            return said("grouping.too_small_left", groups=groups, left=left, n_clustered=self.n_clustered,
                        n_kept=kept, n_min=self.min_participants)
        kept_share = percent(self.kept_share)
        # "every participant" rather than "100% of participants": plainer, and the report never
        # reads like the unanimity claims injected statements try to plant (test_injection_graph)
        tail = said("grouping.keep_all", left=left) if kept_share == percent(1.0) else said("grouping.keep", share=kept_share,
                                                                                         left=left)
        if np.isfinite(self.ari_vs_full):  # against the full run, as the share is: one comparison, two figures
            tail = said("grouping.ari", tail=tail, ari=f"{self.ari_vs_full:.2f}")
        if self.verdict == "unstable":
            return said("grouping.unstable", groups=groups, tail=tail)
        return said("grouping.verdict", groups=groups, verdict=said(f"grouping.{self.verdict.replace(' ', '_')}"),
                    tail=tail)

    def to_dict(self) -> dict:
        def num(x: float) -> float | None:  # JSON has no NaN
            return round(x, 4) if np.isfinite(x) else None

        return {"resamples": self.resamples, "left_out": self.left_out,
                "kept_share": num(self.kept_share), "mean_ari": num(self.mean_ari),
                "ari_vs_full": num(self.ari_vs_full), "same_k": num(self.same_k),
                "verdict": self.verdict, "n_clustered": self.n_clustered, "text": self.text()}


def subsample(matrix: VoteMatrix, keep: np.ndarray) -> VoteMatrix:
    """The rows of ``matrix`` where ``keep`` is True (all statements kept)."""
    new_row = np.cumsum(keep) - 1
    mask = keep[matrix.rows]
    return VoteMatrix([p for p, k in zip(matrix.participant_ids, keep) if k], matrix.statement_ids,
                      new_row[matrix.rows[mask]], matrix.cols[mask], matrix.vals[mask], matrix.moderated_out)


def resampled_rows(n: int, n_resamples: int, left_out: float, gen: np.random.Generator) -> list[np.ndarray]:
    """``n_resamples`` boolean masks over n rows, each leaving out a random ``left_out`` share."""
    n_keep = min(n, max(2, int(round(n * (1.0 - left_out)))))
    out = []
    for _ in range(n_resamples):
        keep = np.zeros(n, dtype=bool)
        keep[gen.choice(n, n_keep, replace=False)] = True
        out.append(keep)
    return out


def kept_share(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the participants clustered in both labelings that keep their group under the
    one-to-one matching of groups that keeps the most (NaN when none is clustered in both)."""
    both = (a >= 0) & (b >= 0)
    if not both.any():
        return float("nan")
    _, ai = np.unique(a[both], return_inverse=True)
    _, bi = np.unique(b[both], return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1))
    np.add.at(table, (ai, bi), 1.0)
    from scipy.optimize import linear_sum_assignment  # lazy: scipy.optimize takes ~0.16 s and ~27 MB to import

    r, c = linear_sum_assignment(-table)
    return float(table[r, c].sum() / both.sum())


def _ari(a: np.ndarray, b: np.ndarray) -> float:
    """scikit-learn's adjusted Rand index (the same float, without its input checks:
    polis_kmeans.adjusted_rand) over the participants both runs clustered."""
    both = (a >= 0) & (b >= 0)
    return adjusted_rand(a[both], b[both]) if both.sum() >= 2 else float("nan")


def _mean(values: list[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return float(np.mean(finite)) if finite else float("nan")


def summarise(full: np.ndarray, k: int, runs: list[np.ndarray], left_out: float,
              stable_share: float, fairly_stable_share: float, min_participants: int = 0) -> Stability | None:
    """Compare the resampled runs with the full run and with each other (None when no
    resampled run clustered anyone the full run clustered: nothing to compare)."""
    pairs = [_ari(runs[i], runs[j]) for i in range(len(runs)) for j in range(i + 1, len(runs))]
    kept = _mean([kept_share(full, r) for r in runs])
    if not np.isfinite(kept):
        return None
    n_clustered = int((full >= 0).sum())
    verdict = ("not measured" if n_clustered < min_participants else "stable" if kept >= stable_share else
               "fairly stable" if kept >= fairly_stable_share else "unstable")
    ks = [len(np.unique(r[r >= 0])) for r in runs]
    return Stability(
        resamples=len(runs), left_out=left_out, kept_share=kept,
        mean_ari=_mean(pairs),
        ari_vs_full=_mean([_ari(full, r) for r in runs]),
        same_k=float(np.mean([x == k for x in ks])), k=k, verdict=verdict,
        n_clustered=n_clustered, min_participants=min_participants,
    )
