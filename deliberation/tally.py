"""Tally: rank the published drafts once participants have voted on them.

Two rankings, both reported, because they answer different questions:

* **Group-informed consensus (GIC)** — ``prod_g (A_g + 1) / (S_g + 2)`` over opinion groups g
  (A_g agrees, S_g votes incl. passes, within group g). High only when *every* group agrees.
  Source: compdemocracy/polis @ 08e03eb ``math/src/polismath/math/conversation.clj``
  (``group-aware-consensus``); the same figure is Jigsaw sensemaking-tools'
  ``getGroupInformedConsensus`` (``library/src/stats/stats_util.ts``, includePasses).
* **Schulze** — each participant's ballot over the drafts is *agree > pass > disagree*; drafts
  they did not vote on are unranked and contribute no pairwise preference. The Schulze method
  (Schulze 2011, "A new monotonic, clone-independent, reversal symmetric, and
  Condorcet-consistent single-winner election method", Social Choice and Welfare 36(2)) turns the
  pairwise counts into a ranking in tiers (ties allowed).

``tally`` also reports per-draft and per-group counts and ``rejected_by``: for each draft, the
opinion groups whose agree rate on it is below ``TallyConfig.reject_below`` (among at least
``TallyConfig.min_group_voters`` voters of the group), which the graph's revise round uses.

Everything is counted from the COO triples of the :class:`~deliberation.votematrix.VoteMatrix`
restricted to the draft columns; nothing dense of size participants x statements is built.
Results are pydantic v2 models (``result.model_dump_json()``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Mapping, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from deliberation.analysis.statistics import group_informed_consensus as gic_formula, scaled_min_votes
from deliberation.analysis.statistics.counting import VoteCounts, check_labels, count_votes
from deliberation.votematrix import VoteMatrix

if TYPE_CHECKING:
    import scipy.sparse as sp
from deliberation.wording import Audience, audience_name, first_upper, listing
from deliberation.words import percent, said

__all__ = [
    "TallyConfig",
    "GroupApproval",
    "DraftTally",
    "TallyResult",
    "group_informed_consensus",
    "pairwise_from_ballots",
    "ballots_from_votes",
    "schulze_strongest_paths",
    "schulze_ranking",
    "tally",
]


class TallyConfig(BaseModel):
    """Thresholds of the tally. Every field is named, documented and has a default."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    reject_below: float = Field(0.5, ge=0.0, le=1.0)
    """A group rejects a draft when its agree rate on it (agrees / votes, passes counted as votes)
    is below this."""
    min_group_voters: int = Field(3, ge=1)
    """A group's verdict on a draft counts only when at least this many of its members voted on it;
    fewer is too few to speak for the group."""
    min_voters_group_share: float = Field(0.5, ge=0.0, le=1.0)
    """Small groups: a group's verdict needs at most this share of its members, rounded up
    (min(min_group_voters, ceil(share x members)), at least 1), so two of a group of three can speak
    for it; the same cap as the analysis's minimum-votes rules (StatsConfig.min_votes_room_share,
    after Polis's min(7, comments)). 0 switches it off."""
    schulze_strength: Literal["winning", "margin"] = "winning"
    """Strength of a pairwise defeat d[i,j] > d[j,i]: 'winning' votes d[i,j] (Schulze's default, as
    in the published examples) or the 'margin' d[i,j]-d[j,i]."""


class GroupApproval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: "group:<n>", as in Draft.speaks_for
    group: str
    n_members: int
    n_votes: int
    agree: int
    disagree: int
    passes: int
    #: agree / n_votes (passes count as votes); None when no member voted
    agree_rate: float | None


class DraftTally(BaseModel):
    model_config = ConfigDict(extra="forbid")

    draft_id: str
    n_votes: int
    agree: int
    disagree: int
    passes: int
    agree_rate: float | None
    groups: list[GroupApproval]
    gic: float
    #: 1 = first Schulze tier; drafts in the same tier share a rank; None: nobody voted on the draft, so
    #: it is not ranked (an unvoted draft was "unbeaten" in the first tier, "tied" with the winner)
    schulze_rank: int | None


class TallyResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    drafts: list[DraftTally]
    #: the ids of the drafts participants voted on, highest GIC first (ties keep the input order)
    ranking_gic: list[str]
    #: Schulze tiers of the drafts participants voted on, best first
    ranking_schulze: list[list[str]]
    #: d[i][j] = participants who prefer draft i to draft j (order of ``draft_ids``)
    pairwise: list[list[int]]
    #: Schulze strongest-path strengths p[i][j]
    strongest_paths: list[list[int]]
    draft_ids: list[str]
    #: draft id -> groups ("group:<n>") whose agree rate is below the threshold
    rejected_by: dict[str, list[str]]
    notes: list[str]


# ==========================================================================================
# counting
# ==========================================================================================


def _columns(matrix: VoteMatrix, statement_ids: Sequence[str]) -> np.ndarray:
    """Matrix column of each id, -1 for ids not in the matrix."""
    index = {sid: j for j, sid in enumerate(matrix.statement_ids)}
    return np.array([index.get(str(s), -1) for s in statement_ids], dtype=np.int64)


def _draft_votes(matrix: VoteMatrix, statement_ids: Sequence[str]):
    """(rows, draft position, value) of the votes on the given statements."""
    cols = _columns(matrix, statement_ids)
    m = matrix.shape[1]
    pos_of_col = np.full(m + 1, -1, dtype=np.int64)
    for k, c in enumerate(cols):
        if c >= 0:
            pos_of_col[c] = k
    pos = pos_of_col[matrix.cols.astype(np.int64)] if matrix.n_votes else np.zeros(0, np.int64)
    keep = pos >= 0
    return matrix.rows[keep].astype(np.int64), pos[keep], matrix.vals[keep].astype(np.int64), cols


def _draft_counts(matrix: VoteMatrix, labels: np.ndarray, statement_ids: Sequence[str]) -> VoteCounts:
    """Counts of the votes on the given statements, overall and per opinion group: the
    statistics' count_votes over just these columns (ids not in the matrix have no votes)."""
    rows, pos, vals, _ = _draft_votes(matrix, statement_ids)
    return count_votes(VoteMatrix(matrix.participant_ids, list(statement_ids), rows, pos, vals), labels)


def group_informed_consensus(matrix: VoteMatrix, labels, statement_ids: Sequence[str]) -> dict[str, float]:
    """Group-informed consensus of each statement: ``prod_g (A_g + 1) / (S_g + 2)``.

    A_g = agrees and S_g = votes (agree, disagree or pass) from members of opinion group g;
    participants labelled -1 belong to no group and do not count. Source: compdemocracy/polis @
    08e03eb ``math/src/polismath/math/conversation.clj`` ``group-aware-consensus``; Jigsaw
    ``stats_util.ts`` ``getGroupInformedConsensus``. When nobody is in a group the product is
    taken over the single group of all participants, ``(A + 1) / (S + 2)`` (an empty product
    would rate every statement 1.0). Ids not in the matrix have A = S = 0.
    """
    statement_ids = [str(s) for s in statement_ids]
    lab = check_labels(labels, matrix.shape[0])
    if not np.any(lab >= 0):
        lab = np.zeros(matrix.shape[0], dtype=np.int64)
    counts = _draft_counts(matrix, lab, statement_ids)
    gic = gic_formula(counts.group_agree, counts.group_seen) if len(statement_ids) else np.zeros(0)
    return {sid: float(v) for sid, v in zip(statement_ids, gic)}


# ==========================================================================================
# Schulze
# ==========================================================================================


def pairwise_from_ballots(ballots: Sequence[Sequence[Sequence[str]]], candidates: Sequence[str]) -> np.ndarray:
    """d[i][j] = number of ballots ranking candidate i above candidate j.

    A ballot is a list of tiers, best first (``[["A"], ["B", "C"], ["D"]]`` is A > B = C > D).
    Candidates a ballot does not mention are unranked: they are compared with nothing (no
    pairwise preference either way). A candidate may appear once per ballot.
    """
    index = {c: i for i, c in enumerate(candidates)}
    if len(index) != len(candidates):
        raise ValueError("candidates must be distinct")
    n = len(candidates)
    d = np.zeros((n, n), dtype=np.int64)
    for b, ballot in enumerate(ballots):
        rank = np.full(n, -1, dtype=np.int64)
        for t, tier in enumerate(ballot):
            if isinstance(tier, str):
                tier = [tier]
            for c in tier:
                if c not in index:
                    raise ValueError(f"ballot {b} ranks {c!r}, which is not a candidate")
                if rank[index[c]] >= 0:
                    raise ValueError(f"ballot {b} ranks {c!r} twice")
                rank[index[c]] = t
        ranked = rank >= 0
        # i above j: both ranked and i in an earlier tier
        d += (ranked[:, None] & ranked[None, :] & (rank[:, None] < rank[None, :])).astype(np.int64)
    return d


def ballots_from_votes(matrix: VoteMatrix, draft_statement_ids: Sequence[str]) -> np.ndarray:
    """Pairwise matrix d[i][j] = participants preferring draft i to draft j.

    Each participant's ballot is agree > pass > disagree over the drafts they voted on; a draft
    they did not vote on is unranked and gives no preference against any other. Computed as
    ``A^T (P + D) + P^T D`` with sparse participant x draft indicator matrices A (agree),
    P (pass) and D (disagree).
    """
    import scipy.sparse as sp  # lazy: scipy.sparse takes ~0.08 s and ~12 MB to import

    k = len(draft_statement_ids)
    rows, pos, vals, _ = _draft_votes(matrix, [str(s) for s in draft_statement_ids])
    n = matrix.shape[0]

    def ind(v: int) -> sp.csr_matrix:
        m = vals == v
        return sp.csr_matrix((np.ones(int(m.sum()), dtype=np.int64), (rows[m], pos[m])), shape=(n, k))

    a, p, d = ind(1), ind(0), ind(-1)
    out = (a.T @ (p + d) + p.T @ d).toarray().astype(np.int64)
    np.fill_diagonal(out, 0)
    return out


def schulze_strongest_paths(d: np.ndarray, strength: Literal["winning", "margin"] = "winning") -> np.ndarray:
    """Strengths p[i][j] of the strongest (widest) paths from i to j, Floyd-Warshall style.

    A link i -> j exists when d[i][j] > d[j][i]; its strength is d[i][j] (winning votes) or
    d[i][j] - d[j][i] (margin). p[i][j] = max over paths of the weakest link on the path.
    """
    d = np.asarray(d, dtype=np.int64)
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise ValueError(f"pairwise matrix must be square, got shape {d.shape}")
    win = d > d.T
    p = np.where(win, d if strength == "winning" else d - d.T, 0).astype(np.int64)
    np.fill_diagonal(p, 0)
    for k in range(len(p)):
        # p[i][j] = max(p[i][j], min(p[i][k], p[k][j])); the diagonal is zeroed afterwards
        np.maximum(p, np.minimum(p[:, k:k + 1], p[k:k + 1, :]), out=p)
    np.fill_diagonal(p, 0)
    return p


def schulze_ranking(
    ballots_or_pairwise,
    candidates: Sequence[str],
    strength: Literal["winning", "margin"] = "winning",
) -> list[list[str]]:
    """Schulze ranking in tiers (best first; candidates in one tier are tied).

    ``ballots_or_pairwise`` is either a list of ballots (each a list of tiers of candidate
    names, see :func:`pairwise_from_ballots`) or a square pairwise matrix d[i][j] = voters
    preferring ``candidates[i]`` to ``candidates[j]`` (e.g. from :func:`ballots_from_votes`).

    i is ranked above j when p[i][j] > p[j][i] (strongest paths). Schulze (2011, §4) proves
    this relation transitive, so the tiers are built by repeatedly taking the candidates that
    no remaining candidate beats. Within a tier, candidates keep their input order.

    Implemented here rather than taken from a library: no Schulze package is installed in the
    project's environment, and the ones on PyPI (``schulze-condorcet``, ``python-vote-core``,
    ``schulze``...) take complete ballots only — none accepts the partial ballots we need
    (a draft a participant did not vote on is *unranked*, comparable with nothing) or a
    pairwise matrix. The method is a dozen lines of numpy (widest paths, O(k^3) for k drafts)
    and is checked against the published examples of Schulze's paper / Wikipedia / Electowiki
    in ``tests/test_tally.py``.
    """
    candidates = [str(c) for c in candidates]
    if not candidates:
        return []
    if isinstance(ballots_or_pairwise, np.ndarray) or _is_matrix(ballots_or_pairwise, len(candidates)):
        d = np.asarray(ballots_or_pairwise, dtype=np.int64)
        if d.shape != (len(candidates), len(candidates)):
            raise ValueError(f"pairwise matrix has shape {d.shape}, expected "
                             f"({len(candidates)}, {len(candidates)})")
    else:
        d = pairwise_from_ballots(ballots_or_pairwise, candidates)
    p = schulze_strongest_paths(d, strength)
    return _tiers(p, candidates)


def _is_matrix(x, n: int) -> bool:
    try:
        return len(x) == n and all(len(r) == n and all(isinstance(v, (int, np.integer, float)) for v in r) for r in x)
    except TypeError:
        return False


def _tiers(p: np.ndarray, candidates: list[str]) -> list[list[str]]:
    remaining = list(range(len(candidates)))
    tiers: list[list[str]] = []
    while remaining:
        r = np.array(remaining)
        sub = p[np.ix_(r, r)]
        beaten = (sub.T > sub).any(axis=1)  # some j with p[j][i] > p[i][j]
        top = [remaining[i] for i in range(len(remaining)) if not beaten[i]]
        if not top:  # cannot happen (the relation is transitive); guard against a bad matrix
            top = list(remaining)
        tiers.append([candidates[i] for i in top])
        remaining = [i for i in remaining if i not in set(top)]
    return tiers


# ==========================================================================================
# the tally
# ==========================================================================================


class _Names:
    """How the notes name drafts: by ``names`` (statement id -> name, as the report names a draft
    put to the vote: wording.ballot_name) where given, else by number ("draft 8", "drafts 8, 9")."""

    def __init__(self, names: Mapping[str, str] | None):
        self.names = dict(names or {})

    def one(self, sid: str) -> str:
        return self.names.get(sid) or said("tally.draft", sid=sid)

    def many(self, sids: list[str]) -> str:
        if self.names and all(s in self.names for s in sids):
            return listing([self.names[s] for s in sids])
        return said("tally.drafts", n=len(sids), sids=", ".join(sids))

    def bare(self, sids: list[str]) -> str:
        """The drafts without the word "draft" when unnamed ("8, 9")."""
        return self.many(sids) if self.names else ", ".join(sids)


def tally(
    matrix: VoteMatrix,
    labels,
    draft_statement_ids: Sequence[str],
    config: TallyConfig = TallyConfig(),
    names: Mapping[str, str] | None = None,
    closed: bool = False,
) -> TallyResult:
    """Count the votes on the published drafts (the matrix columns ``draft_statement_ids``) and
    rank them by group-informed consensus and by Schulze.

    ``labels``: opinion group of each matrix row (``-1`` = in no group; None = nobody grouped).
    Participants without a group count in the overall figures and in the Schulze ballots, but
    not in group figures, GIC (unless nobody is grouped) or ``rejected_by``. ``names``: how the
    notes name each draft (statement id -> name; by number where absent). ``closed``: voting on
    these drafts has closed, so a draft nobody voted on is said to have no votes, not none "yet".
    """
    name = _Names(names)
    ids = [str(s) for s in draft_statement_ids]
    if len(set(ids)) != len(ids):
        raise ValueError("draft_statement_ids must be distinct")
    lab = check_labels(labels, matrix.shape[0])
    if not ids:
        return TallyResult(drafts=[], ranking_gic=[], ranking_schulze=[], pairwise=[], strongest_paths=[],
                           draft_ids=[], rejected_by={}, notes=[said("tally.no_drafts")])

    cols = _columns(matrix, ids)
    k = len(ids)
    counts = _draft_counts(matrix, lab, ids)
    gic = group_informed_consensus(matrix, lab, ids)
    d = ballots_from_votes(matrix, ids)
    p = schulze_strongest_paths(d, config.schulze_strength)
    # a draft nobody voted on is compared with nothing: it is not ranked (said in words by the notes),
    # neither "unbeaten" in the first tier nor "tied" with the drafts there
    voted = [j for j in range(k) if counts.seen[j] > 0]
    tiers = _tiers(p[np.ix_(voted, voted)], [ids[j] for j in voted])
    rank_of = {c: t + 1 for t, tier in enumerate(tiers) for c in tier}

    notes = [said("tally.not_in_matrix", draft=first_upper(name.one(sid))) for sid, c in zip(ids, cols) if c < 0]
    if not len(counts.group_ids):
        notes.append(said("tally.no_groups"))
    drafts: list[DraftTally] = []
    rejected_by: dict[str, list[str]] = {}
    for j, sid in enumerate(ids):
        agr, dis, n_votes = int(counts.agree[j]), int(counts.disagree[j]), int(counts.seen[j])
        pas = n_votes - agr - dis
        groups, rejecting, thin = _group_verdicts(j, counts, config)
        if rejecting:
            rejected_by[sid] = rejecting
        if thin:
            notes.append(said("tally.too_few", draft=first_upper(name.one(sid)), groups=", ".join(thin)))
        drafts.append(DraftTally(draft_id=sid, n_votes=n_votes, agree=agr, disagree=dis, passes=pas,
                                 agree_rate=(agr / n_votes if n_votes else None), groups=groups,
                                 gic=gic[sid], schulze_rank=rank_of.get(sid)))

    ranking_gic = [ids[j] for j in sorted(voted, key=lambda j: (-gic[ids[j]], j))]
    notes += _ranking_notes(ids, cols, counts.seen, tiers, ranking_gic, name, closed)
    for sid, gs in rejected_by.items():
        notes.append(said("tally.rejected", draft=first_upper(name.one(sid)),
                          groups=", ".join(audience_name(g) for g in gs), share=percent(config.reject_below)))

    return TallyResult(drafts=drafts, ranking_gic=ranking_gic, ranking_schulze=tiers,
                       pairwise=d.tolist(), strongest_paths=p.tolist(), draft_ids=ids,
                       rejected_by=rejected_by, notes=notes)


def _group_verdicts(j: int, counts: VoteCounts, config: TallyConfig):
    """Draft column ``j``'s figures per opinion group, the groups that reject it (agree rate below
    ``reject_below`` among at least the scaled ``min_group_voters``), and the groups with too few
    voters to judge, in words."""
    groups: list[GroupApproval] = []
    rejecting: list[str] = []
    thin: list[str] = []
    sizes = counts.group_sizes
    for g, gid in enumerate(counts.group_ids):
        s, a, dd = int(counts.group_seen[g, j]), int(counts.group_agree[g, j]), int(counts.group_disagree[g, j])
        rate = a / s if s else None
        key = str(Audience.group(gid))
        groups.append(GroupApproval(group=key, n_members=int(sizes[g]), n_votes=s, agree=a, disagree=dd,
                                    passes=s - a - dd, agree_rate=rate))
        need = scaled_min_votes(config.min_group_voters, int(sizes[g]), config.min_voters_group_share)
        if s >= need and rate is not None and rate < config.reject_below:
            rejecting.append(key)
        if 0 < s < need:
            thin.append(said("tally.fewer", group=audience_name(key), need=need))
    return groups, rejecting, thin


def _ranking_notes(ids: list[str], cols: np.ndarray, n_votes: np.ndarray, tiers: list[list[str]],
                   ranking_gic: list[str], name: _Names, closed: bool = False) -> list[str]:
    """The rankings in words: drafts nobody voted on (not ranked), the Schulze winner and ties, and
    where the two rankings disagree at the top. After the close (``closed``) nothing is "yet"."""
    yet = "" if closed else "_yet"
    notes: list[str] = []
    silent = [sid for j, sid in enumerate(ids) if n_votes[j] == 0 and cols[j] >= 0]
    if silent:
        notes.append(said(f"tally.silent{yet}", n=len(silent), drafts=name.many(silent)))
    if int(n_votes.sum()) == 0:
        notes.append(said(f"tally.no_votes{yet}"))
        return notes
    if len(tiers[0]) == 1:
        notes.append(said("tally.winner", draft=name.one(tiers[0][0])))
    for tier in tiers:
        if len(tier) > 1:
            notes.append(said("tally.tied", drafts=first_upper(name.many(tier))))
    if ranking_gic and tiers and ranking_gic[0] not in tiers[0]:
        notes.append(said("tally.differ", draft=name.one(ranking_gic[0]), drafts=name.bare(tiers[0])))
    return notes
