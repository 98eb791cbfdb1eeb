"""Justified representation (JR, and EJR when it can be decided) of the slate, with abcvoting.

Rule (JR, Aziz, Brill, Conitzer, Elkind, Freeman, Walsh 2017, "Justified representation in
approval-based committee voting", Social Choice and Welfare 48(2)): with n voters and k drafts on
the slate, no group of at least n/k participants who all approve the same left-out candidate may
be left with none of them approving any draft on the slate. EJR strengthens it to groups of
l*n/k who agree on l candidates; EJR+ (Brill & Peters 2023, "Robust and verifiable
proportionality axioms for multiwinner voting") implies EJR and is checked in polynomial time.
The checks are abcvoting's (Lackner, Regner, Krenn, Forster) ``abcvoting.properties``.

Score: ``jr`` / ``ejr`` (True, False, or None when not checked) and the violating group
(:class:`JRViolation`); why: the findings in words.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from deliberation.coverage.models import CoverageConfig, JRViolation
from deliberation.coverage.slate import Slate, audience_family, draft_approvals, key_sort
from deliberation.wording import audience_name
from deliberation.words import percent, said

__all__ = ["JRResult", "JustifiedRepresentation"]


@dataclass
class JRResult:
    """What the JR/EJR check found: the verdicts (None: not checked), the violating group, the size
    of the profile checked, and the findings in words."""

    jr: bool | None = None
    ejr: bool | None = None
    violation: JRViolation | None = None
    n_voters: int = 0
    n_candidates: int = 0
    findings: list[str] = field(default_factory=list)


@dataclass
class _Profile:
    """The approval profile over the kept candidates (slate drafts first)."""

    voters: list[str]
    cands: list[str]
    slate_keys: list[str]
    draft_set: set[str]
    ballots: dict[str, set[str]]
    #: identical approval sets (candidate indices) -> how many participants hold them
    same: Counter
    quota: float


class JustifiedRepresentation:
    """The JR check (and EJR when cheap) on the approval data; see the module docstring."""

    rule = ("No group of at least n/k participants (n voters, k drafts on the slate) who all approve the same "
            "left-out candidate may be left without a draft any of them approves.")

    def __init__(self, cfg: CoverageConfig):
        self.cfg = cfg

    def check(self, slate: Slate, approvals: dict[str, set[str]] | None) -> JRResult:
        out = JRResult()
        if approvals is None:
            out.findings.append(said("audit.no_approvals"))
            return out
        k = slate.n_slate
        if k == 0:
            return out
        if not approvals:
            out.findings.append(said("audit.no_approvers"))
            return out
        prof = self._profile(slate, approvals, k)
        out.n_voters, out.n_candidates = len(prof.voters), len(prof.cands)
        if len(prof.same) * out.n_candidates > self.cfg.jr_max_cells:
            out.findings.append(said("audit.jr_too_big", n_sets=f"{len(prof.same):,}",
                                     n_candidates=f"{out.n_candidates:,}", n_limit=f"{self.cfg.jr_max_cells:,}"))
            return out
        ballots = sorted(prof.same.items())
        committee = set(range(len(prof.slate_keys)))
        out.jr, ejr_plus = proportionality(ballots, out.n_candidates, committee)
        if out.jr:
            n = len(prof.voters)
            out.findings.append(said("audit.jr_ok", n=n, size=math.ceil(prof.quota - 1e-9), k=k))
        else:
            out.violation = _jr_witness(prof.cands, prof.slate_keys, prof.ballots, prof.voters, prof.quota,
                                        prof.draft_set, slate.members)
            out.findings.append(self.why(out.violation, len(prof.voters), k, prof.quota))
        out.ejr = _check_ejr(ballots, committee, out.jr, ejr_plus, out.n_voters, out.n_candidates, self.cfg,
                             out.findings)
        return out

    @staticmethod
    def why(violation: JRViolation | None, n: int, k: int, quota: float) -> str:
        """Why the slate fails JR, in words (the verdict alone when no witness was found)."""
        if violation is None:  # abcvoting and our witness search disagree: report the verdict only
            return said("audit.jr_fails_plain")
        what = (said("audit.agreed_with", sid=violation.candidate) if violation.candidate_kind == "statement"
                else said("audit.approve_left_out", sid=violation.candidate))
        figures = {"n": n, "k": k, "n_left": violation.n_participants, "share": percent(violation.share_of_voters),
                   "what": what, "quota": f"{quota:.1f}"}
        if violation.by_group:
            parts = [said("audit.in_group", n_in=c, audience=audience_name(g)) for g, c in
                     sorted(violation.by_group.items(), key=lambda kv: (-kv[1], key_sort(kv[0])))]
            return said("audit.jr_fails_where", where=", ".join(parts), **figures)
        return said("audit.jr_fails", **figures)

    def _profile(self, slate: Slate, approvals: dict[str, set[str]], k: int) -> _Profile:
        """Voters, the candidates that can matter, and each voter's ballot over them."""
        cfg = self.cfg
        voters = sorted(str(p) for p in approvals)
        approvals = {str(p): {str(x) for x in s} for p, s in approvals.items()}
        per_draft = draft_approvals(slate.drafts, slate.keys, approvals, cfg, slate.translations, slate.voted)
        # candidates: drafts (slate + left-out), then statements agreed with, if asked
        draft_set = set(slate.keys)
        quota = len(voters) / k
        support = Counter(c for p in voters for c in per_draft.get(p, ()))
        if cfg.statements_as_candidates:  # counted a voter's set at a time (C), the drafts' keys left out
            agreed: Counter = Counter()
            for p in voters:
                agreed.update(approvals[p])
            support.update({x: n for x, n in agreed.items() if x not in draft_set})
        slate_keys = [kk for kk, s in zip(slate.keys, slate.on_slate) if s]
        # A candidate with fewer than n/k approvers can neither witness a JR/EJR(+) violation nor be
        # needed for one (every l-cohesive group has >= l*n/k members who all approve each of its l
        # candidates), so dropping it changes no verdict; slate drafts are always kept.
        cands = list(slate_keys) + sorted(
            (c for c, cnt in support.items() if cnt >= quota - 1e-9 and c not in set(slate_keys)),
            key=lambda c: (c not in draft_set, c))
        index = {c: i for i, c in enumerate(cands)}
        # ballots over the kept candidates only (all that the checks and the witness look at)
        ballots: dict[str, set[str]] = {}
        kept = index.keys() - draft_set  # the statements among them
        for p in voters:
            b = {c for c in per_draft.get(p, ()) if c in index}
            if cfg.statements_as_candidates:
                b |= approvals[p] & kept
            ballots[p] = b
        # Participants with the same approval set become one voter weighted by their number
        # (abcvoting's JR, EJR+ and ILP EJR checks take weights; n stays the total weight). Sound:
        # copies of a member of a violating cohesive group can join it and it still violates.
        same = Counter(tuple(sorted(map(index.__getitem__, ballots[p]))) for p in voters)  # all in index
        return _Profile(voters, cands, slate_keys, draft_set, ballots, same, quota)


def _jr_witness(cands, slate_keys, ballots, voters, quota, draft_set, members) -> JRViolation | None:
    """The cohesive group behind a JR failure (Aziz et al. 2017, the check's own witness):
    a left-out candidate approved by >= n/k voters none of whom approves a slate draft."""
    slate = set(slate_keys)
    unhappy = [p for p in voters if not (ballots[p] & slate)]
    best = None
    for c in cands:
        if c in slate:
            continue
        grp = [p for p in unhappy if c in ballots[p]]
        if len(grp) >= quota - 1e-9 and (best is None or len(grp) > len(best[1])):
            best = (c, grp)
    if best is None:
        return None
    c, grp = best
    by_group: dict[str, int] = {}
    gset = set(grp)
    for key in sorted(members, key=key_sort):
        if audience_family(key) == "group":
            cnt = len(members[key] & gset)
            if cnt:
                by_group[key] = cnt
    return JRViolation(candidate=c, candidate_kind="draft" if c in draft_set else "statement",
                       n_participants=len(grp), participant_ids=grp, share_of_voters=len(grp) / len(voters),
                       quota=quota, by_group=by_group)


def proportionality(ballots: list[tuple[tuple[int, ...], int]], n_cand: int,
                    committee: set[int]) -> tuple[bool, bool]:
    """Whether ``committee`` satisfies JR and EJR+ when each (approved candidate indices, weight)
    of ``ballots`` is a voter of that integer weight: the verdicts of abcvoting's
    ``properties.check_JR`` and ``check_EJR_plus`` (Aziz et al. 2017; Brill & Peters 2023), by
    their rule: a left-out candidate whose supporters approving fewer than l committee members
    weigh at least l*n/k (n the total weight, k the committee's size) breaks EJR+ for some l from
    1 to k, and JR when l = 1. abcvoting loops over voters per candidate in Python and re-sums each
    group for every l (~0.3-0.7 CPU s a check on 10,000 voters); this is one matrix product and
    gives the same verdicts (tests/test_coverage.py; bench/bench_jr.py times both)."""
    k = len(committee)
    if k == 0 or not ballots or any(w <= 0 for _, w in ballots):
        raise ValueError("needs a committee and voters of positive weight")
    approves = np.zeros((len(ballots), n_cand), dtype=bool)
    for i, (approved, _) in enumerate(ballots):
        approves[i, list(approved)] = True
    weights = np.array([w for _, w in ballots], dtype=np.int64)
    inside = np.zeros(n_cand, dtype=bool)
    inside[list(committee)] = True
    utility = approves[:, inside].sum(axis=1)  # committee members each voter approves, 0..k
    by_utility = np.zeros((len(ballots), k + 1), dtype=np.int64)
    by_utility[np.arange(len(ballots)), utility] = weights
    # weight of each left-out candidate's supporters with utility < l, for l = 1..k
    below = np.cumsum(approves[:, ~inside].T.astype(np.int64) @ by_utility, axis=1)[:, :k]
    # weight >= l * n/k in integers (abcvoting compares Fractions): exact
    deserving = below * k >= np.arange(1, k + 1, dtype=np.int64) * int(weights.sum())
    return not bool(deserving[:, 0].any()), not bool(deserving.any())


def _check_ejr(ballots, committee, jr: bool, ejr_plus: bool, n: int, n_cand: int, cfg: CoverageConfig,
               findings) -> bool | None:
    """EJR implies JR, and EJR+ (polynomial) implies EJR; decide exactly only on small profiles."""
    if not jr:
        findings.append(said("audit.ejr_fails_too"))
        return False
    if ejr_plus:
        findings.append(said("audit.ejr_plus"))
        return True
    n_distinct = len(ballots)  # voters after merging identical approval sets
    if n_distinct * n_cand <= cfg.ejr_exact_max_cells:
        from abcvoting import properties  # lazy: abcvoting (networkx) takes ~0.15 s, ~20 MB to import
        from abcvoting.preferences import Profile, Voter  # lazy: as above

        profile = Profile(n_cand)
        profile.add_voters([Voter(list(b), weight=w) for b, w in ballots])
        result = None
        try:
            result = bool(properties.check_EJR(profile, committee, algorithm="gurobi"))
        except Exception:  # solver missing or over its licence size: fall back below
            if n <= cfg.ejr_brute_force_max_voters and profile.has_unit_weights():
                result = bool(properties.check_EJR(profile, committee, algorithm="brute-force"))
        if result is not None:
            findings.append(said("audit.ejr_ok" if result else "audit.ejr_fails"))
            return result
    findings.append(said("audit.ejr_undecided", n_limit=f"{cfg.ejr_exact_max_cells:,}", n_sets=f"{n_distinct:,}",
                         n_voters=f"{n:,}", n_candidates=f"{n_cand:,}"))
    return None
