"""Coverage audit: is every opinion group heard on the slate of drafts, and is none amplified?

``audit_coverage`` looks at the drafts that are going before participants (the *slate*) and
answers three questions, in figures and in plain words:

1. **Is every group heard?** Each audience (``"group:<n>"`` opinion groups, and ``"topic:<n>"``
   topic audiences when topic drafts are on the slate) should have at least one draft that speaks
   for it. A group with none is ``"missing"``.
2. **Is any group amplified?** A group is ``"over"``-represented when it has *more drafts than its
   fair seats* **and** its share of the drafts is more than ``over_factor`` (default 1.5) times its
   share of the participants. See :func:`fair_seats` for the seats and the reasoning.
3. **Justified representation (JR / EJR)** on the approval data, checked with ``abcvoting``:
   is there a group of at least n/k participants (n voters, k drafts on the slate) who all approve
   the same left-out candidate while none of them approves any draft on the slate?

One person, one voice: every share is counted over *distinct participants*, never statements,
and a participant listed twice in a group counts once.

Consensus drafts (``speaks_for="all"``) speak for everyone: they are reported but counted towards
no single group's share. Nothing here imports LangGraph or Streamlit; results are pydantic v2
models (``audit.model_dump_json()``).

References: Aziz, Brill, Conitzer, Elkind, Freeman, Walsh (2017) "Justified representation in
approval-based committee voting", Social Choice and Welfare 48(2); Brill & Peters (2023)
"Robust and verifiable proportionality axioms for multiwinner voting" (EJR+, which implies EJR);
abcvoting (Lackner, Regner, Krenn, Forster) ``abcvoting.properties``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deliberation.models import Draft, DraftKind
from deliberation.wording import audience_name, audience_of

__all__ = [
    "CoverageConfig",
    "GroupCoverage",
    "JRViolation",
    "CoverageAudit",
    "audit_coverage",
    "fair_seats",
    "draft_key",
    "draft_approvals",
]

_AUDIENCE = re.compile(r"^(group|topic):(.+)$")


class CoverageConfig(BaseModel):
    """Thresholds of the coverage audit. Every field is named, documented and has a default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    over_factor: float = Field(
        1.5, gt=1.0,
        description="A group is over-represented when it has more drafts than its fair seats AND "
                    "its share of drafts is more than this many times its share of participants.",
    )
    slate_statuses: tuple[str, ...] = Field(
        ("draft", "approved", "published"),
        description="Draft statuses that put a draft on the slate. Other drafts (e.g. 'rejected') "
                    "are left off the slate but stay candidates in the JR check.",
    )
    cited_agree_fraction: float = Field(
        0.5, gt=0.0, le=1.0,
        description="Before participants have voted on a draft, a participant approves it when they "
                    "agreed with at least this fraction of the statements it cites (and with at "
                    "least one).",
    )
    approval_basis: Literal["auto", "draft_votes", "citations"] = Field(
        "auto",
        description="How approval of a draft is read from `approvals`: 'draft_votes' = the draft's "
                    "own key is in the participant's agree set; 'citations' = cited-statement rule; "
                    "'auto' = draft votes for a draft whose key appears in anyone's agree set, the "
                    "citation rule for drafts nobody has voted on yet.",
    )
    statements_as_candidates: bool = Field(
        True,
        description="Also treat every statement someone agreed with as a (left-out) candidate in "
                    "the JR check, so JR asks: is there a group of n/k participants who all agree "
                    "with some statement but approve no draft on the slate?",
    )
    require_jr: bool = Field(True, description="A JR violation makes the audit fail.")
    require_ejr: bool = Field(False, description="An EJR violation makes the audit fail.")
    audit_topics: Literal["if_drafted", "always", "never"] = Field(
        "if_drafted",
        description="Audit 'topic:<n>' audiences too: only when some draft on the slate speaks for "
                    "a topic (default), always, or never. Opinion groups are always audited.",
    )
    jr_max_cells: int = Field(
        10_000_000, ge=0,
        description="Skip the JR/EJR checks (saying so) when distinct approval sets x candidates, "
                    "after dropping candidates with fewer than n/k approvers (which cannot affect JR "
                    "or EJR), is above this (abcvoting's checks are pure Python: ~10 s at 10 million).",
    )
    ejr_exact_max_cells: int = Field(
        1_500, ge=0,
        description="When EJR+ (polynomial, implies EJR) fails, decide EJR exactly (abcvoting's ILP) "
                    "only up to this many distinct approval sets x candidates; above it EJR is "
                    "reported as unknown.",
    )
    ejr_brute_force_max_voters: int = Field(
        16, ge=0,
        description="Fallback when the ILP solver is unavailable: brute force (exponential) only up "
                    "to this many voters, all with distinct approval sets (it takes no weights).",
    )
    jr_route_majority: float = Field(
        0.5, gt=0.0, le=1.0,
        description="When JR fails, route the opinion group holding more than this share of the "
                    "unrepresented participants back to drafting.",
    )
    max_listed: int = Field(5, ge=1, description="How many ids a finding lists before '...'.")


class GroupCoverage(BaseModel):
    """How one audience (opinion group or topic) is covered by the slate."""

    model_config = ConfigDict(extra="forbid")

    key: str
    #: "group" (opinion group) or "topic"
    family: str
    n_participants: int
    #: distinct participants of this audience / distinct participants of all audiences of its family
    share_participants: float
    #: drafts on the slate that speak for this audience
    n_drafts: int
    #: n_drafts / drafts on the slate that speak for some audience of the same family
    share_drafts: float
    #: share_drafts / share_participants; None when the audience has no participants
    ratio: float | None
    #: most drafts this audience may have: one, plus the most it can get of the remaining drafts
    #: under a largest-remainder apportionment by participant share (see ``fair_seats``)
    fair_seats: int
    draft_ids: list[str] = Field(default_factory=list)
    status: Literal["ok", "missing", "over"]


class JRViolation(BaseModel):
    """A cohesive group left unrepresented: why the slate fails justified representation."""

    model_config = ConfigDict(extra="forbid")

    #: the candidate (draft key or statement id) they all approve, which is not on the slate
    candidate: str
    candidate_kind: Literal["draft", "statement"]
    #: how many participants the group has
    n_participants: int
    #: who they are: for code only, never serialised (the audit goes into the graph state and the
    #: downloadable report, which must not carry participant ids)
    participant_ids: list[str] = Field(default_factory=list, exclude=True, repr=False)
    #: n_participants / number of voters
    share_of_voters: float
    #: n/k: how many participants "deserve" one draft
    quota: float
    #: how many of them are in each audience of the group family, e.g. {"group:2": 10}
    by_group: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _count_from_ids(cls, data):
        # an audit stored before the count was added carries the ids only
        if isinstance(data, dict) and "n_participants" not in data and "participant_ids" in data:
            data = {**data, "n_participants": len(data["participant_ids"])}
        return data


class CoverageAudit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    passed: bool
    #: the verdict in one plain sentence, consistent with every check below (JR and EJR included)
    verdict: str = ""
    groups: list[GroupCoverage]
    #: None when not checked (no approval data, empty slate, or too large: see findings)
    jr: bool | None
    ejr: bool | None
    findings: list[str]
    #: audience keys the graph should route back to drafting: missing ones (to add a draft),
    #: over-represented ones (to trim), and the group behind a JR violation
    groups_to_redraft: list[str]
    n_slate: int = 0
    n_consensus: int = 0
    jr_violation: JRViolation | None = None
    #: voters and candidates of the JR/EJR profile (after pruning)
    n_voters: int = 0
    n_candidates: int = 0


# ==========================================================================================
# helpers
# ==========================================================================================


def draft_key(draft: Draft, index: int) -> str:
    """The id a draft goes by in ``approvals`` and the audit: ``str(draft.id)``, or
    ``"draft-<index>"`` for a draft not yet stored (index = its position in the list)."""
    return str(draft.id) if draft.id is not None else f"draft-{index}"


def _key_sort(key: str):
    m = _AUDIENCE.match(key)
    fam, rest = (m.group(1), m.group(2)) if m else ("~", key)
    try:
        return (fam, 0, int(rest), rest)
    except ValueError:
        return (fam, 1, 0, rest)


def _words(key: str) -> str:
    """'group:2' -> 'group C', 'topic:5' -> 'topic 5' (deliberation.wording names audiences)."""
    return audience_name(key)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _listed(ids: Iterable[str], limit: int) -> str:
    ids = list(ids)
    head = ", ".join(ids[:limit])
    return head + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def fair_seats(sizes: list[int], n_drafts: int) -> list[int]:
    """Most drafts each audience may hold when ``n_drafts`` drafts speak for audiences of these
    participant ``sizes``.

    Rule: every audience with participants gets one seat (a floor of one: the point of minority
    statements is that every group is heard, so one draft each is never amplification, however
    small the group); the remaining ``n_drafts - (number of audiences)`` seats, if any, are
    apportioned by largest remainder (Hamilton) on participant shares. Ties for the last seats
    are resolved in each audience's favour, so the result is the *most* an audience could get
    under some largest-remainder apportionment. Audiences with no participants get 0.
    """
    live = [i for i, s in enumerate(sizes) if s > 0]
    out = [0] * len(sizes)
    if not live:
        return out
    for i in live:
        out[i] = 1
    extra = n_drafts - len(live)
    total = sum(sizes[i] for i in live)
    if extra <= 0 or total == 0:
        return out
    quotas = {i: extra * sizes[i] / total for i in live}
    floors = {i: math.floor(q + 1e-12) for i, q in quotas.items()}
    leftover = extra - sum(floors.values())
    rem = {i: quotas[i] - floors[i] for i in live}
    cutoff = sorted(rem.values(), reverse=True)[leftover - 1] if leftover > 0 else math.inf
    for i in live:
        out[i] += floors[i] + (1 if leftover > 0 and rem[i] >= cutoff - 1e-9 else 0)
    return out


def draft_approvals(
    drafts: list[Draft],
    keys: list[str],
    approvals: dict[str, set[str]],
    config: CoverageConfig = CoverageConfig(),
) -> dict[str, set[str]]:
    """Which drafts each participant approves: ``{participant: {draft key, ...}}``.

    ``approvals`` maps each participant to the ids they *agreed* with: draft keys (once
    participants vote on drafts) and/or statement ids. A participant approves a draft when
    they agreed with the draft itself, or, for a draft nobody has voted on yet (see
    ``CoverageConfig.approval_basis``), when they agreed with at least
    ``cited_agree_fraction`` of the statements it cites (and at least one).
    """
    # inverted index: id -> participants who agreed with it (one pass over the agree data), kept
    # to the ids asked about (draft keys and cited statements): 100,000 participants' agree sets
    # made millions of set entries for statements no draft cites
    needed = set(keys) | {c for d in drafts for c in d.cited_statement_ids}
    agreed_by: dict[str, set[str]] = {}
    for pid, agreed in approvals.items():
        for x in agreed:
            x = str(x)
            if x in needed:
                agreed_by.setdefault(x, set()).add(str(pid))
    out: dict[str, set[str]] = {str(pid): set() for pid in approvals}
    for d, k in zip(drafts, keys):
        basis = config.approval_basis
        if basis == "auto":
            basis = "draft_votes" if k in agreed_by else "citations"
        if basis == "draft_votes":
            approvers = agreed_by.get(k, set())
        else:
            cited = d.cited_statement_ids
            hits = Counter(p for c in cited for p in agreed_by.get(c, ()))
            need = max(1.0, config.cited_agree_fraction * len(cited) - 1e-12)
            approvers = {p for p, h in hits.items() if h >= need}
        for p in approvers:
            out[p].add(k)
    return out


# ==========================================================================================
# the audit
# ==========================================================================================


def audit_coverage(
    drafts: list[Draft],
    group_members: dict[str, list[str]],
    approvals: dict[str, set[str]] | None,
    config: CoverageConfig = CoverageConfig(),
    *,
    draft_keys: list[str] | None = None,
) -> CoverageAudit:
    """Audit the slate of drafts for coverage and amplification; see the module docstring.

    ``drafts``: every draft of the round; those whose status is in ``config.slate_statuses`` form
    the slate, the others (e.g. rejected) are only left-out candidates for the JR check.
    ``group_members``: for each audience key (``"group:<n>"``, ``"topic:<n>"``) the participant
    ids it stands for (duplicates count once). ``approvals``: for each participant the ids they
    agreed with (draft keys and/or statement ids; see :func:`draft_approvals`), or None before
    any agree data is at hand (JR is then not checked). Pass only participants who took part:
    every key is a voter, and n (hence the quota n/k) counts them all. ``draft_keys``: the id
    each draft goes by in ``approvals`` (e.g. the statement id it was published under); default
    :func:`draft_key`.
    """
    cfg = config
    keys = list(draft_keys) if draft_keys is not None else [draft_key(d, i) for i, d in enumerate(drafts)]
    if len(keys) != len(drafts):
        raise ValueError(f"draft_keys has {len(keys)} entries for {len(drafts)} drafts")
    if len(set(keys)) != len(keys):
        dup = [k for k, c in Counter(keys).items() if c > 1]
        raise ValueError(f"draft keys must be distinct; repeated: {_listed(dup, cfg.max_listed)}")

    findings: list[str] = []
    members = {str(k): {str(p) for p in v} for k, v in group_members.items()}
    on_slate = [d.status in cfg.slate_statuses for d in drafts]
    slate = [(d, k) for d, k, s in zip(drafts, keys, on_slate) if s]
    n_slate = len(slate)

    # ---- who each slate draft speaks for --------------------------------------------------
    by_audience: dict[str, list[str]] = {}
    consensus: list[str] = []
    unknown: dict[str, list[str]] = {}
    for d, k in slate:
        target = audience_of((d.speaks_for or "all").strip())
        if target == "all":
            consensus.append(k)
            if d.kind is DraftKind.MINORITY:
                findings.append(f"Draft {k} is a minority draft but speaks for all participants; "
                                "it is counted as a consensus draft.")
            continue
        if d.kind is DraftKind.CONSENSUS:
            findings.append(f"Draft {k} is a consensus draft but speaks for {_words(target)}; "
                            "it is counted towards that audience.")
        if target in members:
            by_audience.setdefault(target, []).append(k)
        else:
            unknown.setdefault(target, []).append(k)

    # ---- families to audit ----------------------------------------------------------------
    fam_keys: dict[str, list[str]] = {"group": [], "topic": []}
    for key in members:
        m = _AUDIENCE.match(key)
        if m:
            fam_keys[m.group(1)].append(key)
        else:
            findings.append(f"Audience key {key!r} is neither 'group:<n>' nor 'topic:<n>'; it is ignored.")
    audit_families = ["group"]
    topic_drafted = any(t.startswith("topic:") for t in by_audience)
    if cfg.audit_topics == "always" or (cfg.audit_topics == "if_drafted" and topic_drafted):
        audit_families.append("topic")

    groups: list[GroupCoverage] = []
    fam_drafts: dict[str, int] = {}
    for fam in audit_families:
        fkeys = sorted(fam_keys[fam], key=_key_sort)
        if not fkeys:
            continue
        everyone = set().union(*(members[k] for k in fkeys))
        n_all = len(everyone)
        sizes = [len(members[k]) for k in fkeys]
        if fam == "group" and sum(sizes) > n_all:
            findings.append(f"Some participants are listed in more than one opinion group "
                            f"({sum(sizes) - n_all} extra memberships); each membership counts.")
        n_fam_drafts = sum(len(by_audience.get(k, [])) for k in fkeys)
        fam_drafts[fam] = n_fam_drafts
        seats = fair_seats(sizes, n_fam_drafts)
        for k, size, seat in zip(fkeys, sizes, seats):
            ids = by_audience.get(k, [])
            sp = size / n_all if n_all else 0.0
            sd = len(ids) / n_fam_drafts if n_fam_drafts else 0.0
            ratio = (sd / sp) if sp > 0 else None
            if size == 0:
                status = "over" if ids else "ok"
            elif not ids:
                status = "missing"
            elif len(ids) > seat and sd > cfg.over_factor * sp:
                status = "over"
            else:
                status = "ok"
            groups.append(GroupCoverage(key=k, family=fam, n_participants=size, share_participants=sp,
                                        n_drafts=len(ids), share_drafts=sd, ratio=ratio, fair_seats=seat,
                                        draft_ids=ids, status=status))
    for target, ids in sorted(unknown.items(), key=lambda kv: _key_sort(kv[0])):
        m = _AUDIENCE.match(target)
        groups.append(GroupCoverage(key=target, family=m.group(1) if m else "unknown", n_participants=0,
                                    share_participants=0.0, n_drafts=len(ids), share_drafts=0.0, ratio=None,
                                    fair_seats=0, draft_ids=ids, status="over"))

    # ---- findings on groups ---------------------------------------------------------------
    if not drafts:
        findings.insert(0, "There are no drafts to audit.")
    elif n_slate == 0:
        findings.insert(0, f"No draft is on the slate (all {len(drafts)} have a status outside "
                           f"{', '.join(cfg.slate_statuses)}).")
    if not fam_keys["group"]:
        findings.append("No opinion groups were given, so group coverage was not audited.")
    for g in groups:
        who = f"{_words(g.key)} ({_pct(g.share_participants)} of participants)"
        if g.status == "missing":
            findings.append(f"{who[0].upper()}{who[1:]} has no draft.")
        elif g.status == "over" and g.n_participants == 0:
            findings.append(f"Draft{'s' if g.n_drafts > 1 else ''} {_listed(g.draft_ids, cfg.max_listed)} "
                            f"speak{'' if g.n_drafts > 1 else 's'} for {_words(g.key)}, which has no "
                            "participants among the audiences given.")
        elif g.status == "over":
            findings.append(
                f"{who[0].upper()}{who[1:]} has {g.n_drafts} of {fam_drafts[g.family]} "
                f"{'minority' if g.family == 'group' else 'topic'} drafts "
                f"({_pct(g.share_drafts)}, {g.ratio:.1f}x its share of participants; at most "
                f"{g.fair_seats} would be fair): over-represented.")
    audited = [g for g in groups if g.family == "group"]
    if audited and all(g.status == "ok" for g in audited) and not any(g.n_participants == 0 and g.n_drafts for g in audited):
        findings.append(f"Every opinion group has a draft; none has more than {cfg.over_factor:g}x its share.")
    topics = [g for g in groups if g.family == "topic"]
    if topics and all(g.status == "ok" for g in topics):
        findings.append(f"Every topic has a draft; none has more than {cfg.over_factor:g}x its share.")
    if consensus:
        everyone = set().union(*members.values()) if members else set()
        findings.append(
            f"{len(consensus)} common-ground draft{'s' if len(consensus) > 1 else ''} "
            f"({_listed([k.replace('all:', 'item ') for k in consensus], cfg.max_listed)}) "
            f"speak{'' if len(consensus) > 1 else 's'} for all "
            f"{len(everyone)} participants and {'are' if len(consensus) > 1 else 'is'} not counted "
            "towards any single group's share.")

    # ---- justified representation ---------------------------------------------------------
    jr, ejr, violation, n_vot, n_cand = _check_jr(drafts, keys, on_slate, members, approvals, cfg, findings)

    # ---- verdict and routing --------------------------------------------------------------
    redraft: list[str] = [g.key for g in groups if g.status == "missing"]
    redraft += [g.key for g in groups if g.status == "over" and g.key not in redraft]
    if violation is not None and violation.by_group:
        n_unrep = violation.n_participants
        top_key, top_n = max(violation.by_group.items(), key=lambda kv: (kv[1], kv[0]))
        if top_n > cfg.jr_route_majority * n_unrep and top_key not in redraft:
            redraft.append(top_key)
    passed = (
        n_slate > 0
        and all(g.status == "ok" for g in groups)
        and not (cfg.require_jr and jr is False)
        and not (cfg.require_ejr and ejr is False)
    )
    return CoverageAudit(passed=passed, verdict=_verdict(passed, n_slate, groups, jr, ejr, cfg),
                         groups=groups, jr=jr, ejr=ejr, findings=findings,
                         groups_to_redraft=redraft, n_slate=n_slate, n_consensus=len(consensus),
                         jr_violation=violation, n_voters=n_vot, n_candidates=n_cand)


def _verdict(passed: bool, n_slate: int, groups: list[GroupCoverage], jr: bool | None, ejr: bool | None,
             cfg: CoverageConfig) -> str:
    """The audit's verdict in one sentence that agrees with every check: it never says "passed"
    without naming a check that failed."""
    problems = []
    if n_slate == 0:
        problems.append("no draft is on the slate")
    missing = [_words(g.key) for g in groups if g.status == "missing"]
    over = [_words(g.key) for g in groups if g.status == "over"]
    if missing:
        problems.append(f"{_listed(missing, cfg.max_listed)} {'has' if len(missing) == 1 else 'have'} no draft")
    if over:
        problems.append(f"{_listed(over, cfg.max_listed)} {'is' if len(over) == 1 else 'are'} over-represented")
    if jr is False:
        problems.append("the slate fails justified representation (JR)")
    if ejr is False:
        problems.append("the slate fails the stricter extended justified representation (EJR)")
    if not problems:
        checked = " and ".join(x for x, v in (("JR", jr), ("EJR", ejr)) if v)
        return ("Passed: every group has a draft and none is over-represented"
                + (f"; {checked} hold{'s' if checked == 'JR' or checked == 'EJR' else ''}." if checked else "."))
    text = "; ".join(problems)
    if passed:  # only checks that are not required failed (e.g. EJR with require_ejr off)
        return (f"Passed with a warning: {text} (not required by this audit's settings); every group has a "
                "draft and none is over-represented.")
    return f"Not passed: {text}."


def _check_jr(drafts, keys, on_slate, members, approvals, cfg: CoverageConfig, findings: list[str]):
    """JR (and EJR when cheap) with abcvoting. Returns (jr, ejr, violation, n_voters, n_candidates)."""
    if approvals is None:
        findings.append("No approval data was given, so justified representation (JR) was not checked.")
        return None, None, None, 0, 0
    k = sum(on_slate)
    if k == 0:
        return None, None, None, 0, 0
    voters = sorted(str(p) for p in approvals)
    n = len(voters)
    if n == 0:
        findings.append("No participant has approval data, so JR was not checked.")
        return None, None, None, 0, 0
    approvals = {str(p): {str(x) for x in s} for p, s in approvals.items()}
    per_draft = draft_approvals(drafts, keys, approvals, cfg)

    # candidates: drafts (slate + left-out), then statements agreed with, if asked
    draft_set = set(keys)
    quota = n / k
    support = Counter(c for p in voters for c in per_draft.get(p, ()))
    if cfg.statements_as_candidates:
        support.update(x for p in voters for x in approvals[p] if x not in draft_set)
    slate_keys = [kk for kk, s in zip(keys, on_slate) if s]
    # A candidate with fewer than n/k approvers can neither witness a JR/EJR(+) violation nor be
    # needed for one (every l-cohesive group has >= l*n/k members who all approve each of its l
    # candidates), so dropping it changes no verdict; slate drafts are always kept.
    cands = list(slate_keys) + sorted(
        (c for c, cnt in support.items() if cnt >= quota - 1e-9 and c not in set(slate_keys)),
        key=lambda c: (c not in draft_set, c))
    n_cand = len(cands)
    index = {c: i for i, c in enumerate(cands)}
    # ballots over the kept candidates only (all that the checks and the witness look at)
    ballots: dict[str, set[str]] = {}
    for p in voters:
        b = {c for c in per_draft.get(p, ()) if c in index}
        if cfg.statements_as_candidates:
            b.update(x for x in approvals[p] if x in index and x not in draft_set)
        ballots[p] = b
    # Participants with the same approval set become one voter weighted by their number
    # (abcvoting's JR, EJR+ and ILP EJR checks take weights; n stays the total weight). Sound:
    # copies of a member of a violating cohesive group can join it and it still violates.
    same = Counter(tuple(sorted(index[c] for c in ballots[p] if c in index)) for p in voters)
    if len(same) * n_cand > cfg.jr_max_cells:
        findings.append(f"JR was not checked: {len(same):,} distinct approval sets x {n_cand:,} "
                        f"candidates is above the limit of {cfg.jr_max_cells:,} "
                        "(CoverageConfig.jr_max_cells).")
        return None, None, None, n, n_cand

    from abcvoting import properties
    from abcvoting.preferences import Profile, Voter

    profile = Profile(n_cand, cand_names=cands)
    profile.add_voters([Voter(list(b), weight=w) for b, w in sorted(same.items())])
    committee = set(range(len(slate_keys)))
    jr = bool(properties.check_JR(profile, committee))

    violation = None
    if jr:
        findings.append(
            f"The slate satisfies justified representation (JR): among {n} participants, no group of "
            f"{math.ceil(quota - 1e-9)} or more (n/k = {n}/{k}) who all approve the same left-out "
            "candidate is left without a draft it approves.")
    else:
        violation = _jr_witness(cands, slate_keys, ballots, voters, quota, draft_set, members)
        if violation is None:  # abcvoting and our witness search disagree: report the verdict only
            findings.append("The slate fails justified representation (JR).")
        else:
            what = (f"agreed with statement {violation.candidate}" if violation.candidate_kind == "statement"
                    else f"approve draft {violation.candidate}, which is not on the slate")
            where = ""
            if violation.by_group:
                parts = [f"{c} in {_words(g)}" for g, c in
                         sorted(violation.by_group.items(), key=lambda kv: (-kv[1], _key_sort(kv[0])))]
                where = "; " + ", ".join(parts)
            findings.append(
                f"The slate fails justified representation (JR): {violation.n_participants} "
                f"participants ({_pct(violation.share_of_voters)} of the {n} voters{where}) "
                f"all {what}, yet none of them approves any draft on the slate; a group this size "
                f"deserves a draft (n/k = {n}/{k} = {quota:.1f} participants per draft).")

    ejr = _check_ejr(profile, committee, jr, n, n_cand, cfg, findings)
    return jr, ejr, violation, n, n_cand


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
    for key in sorted(members, key=_key_sort):
        if key.startswith("group:"):
            cnt = len(members[key] & gset)
            if cnt:
                by_group[key] = cnt
    return JRViolation(candidate=c, candidate_kind="draft" if c in draft_set else "statement",
                       n_participants=len(grp), participant_ids=grp, share_of_voters=len(grp) / len(voters),
                       quota=quota, by_group=by_group)


def _check_ejr(profile, committee, jr: bool, n: int, n_cand: int, cfg: CoverageConfig, findings) -> bool | None:
    """EJR implies JR, and EJR+ (polynomial) implies EJR; decide exactly only on small profiles."""
    from abcvoting import properties

    if not jr:
        findings.append("EJR fails too (EJR implies JR).")
        return False
    if properties.check_EJR_plus(profile, committee):
        findings.append("The slate also satisfies EJR (checked as EJR+, which implies EJR).")
        return True
    n_distinct = len(profile)  # voters after merging identical approval sets
    if n_distinct * n_cand <= cfg.ejr_exact_max_cells:
        result = None
        try:
            result = bool(properties.check_EJR(profile, committee, algorithm="gurobi"))
        except Exception:  # solver missing or over its licence size: fall back below
            if n <= cfg.ejr_brute_force_max_voters and profile.has_unit_weights():
                result = bool(properties.check_EJR(profile, committee, algorithm="brute-force"))
        if result is not None:
            findings.append("The slate satisfies EJR." if result else
                            "The slate fails extended justified representation (EJR): a group of "
                            "participants large enough to deserve several drafts agrees on several "
                            "candidates, yet none of them approves that many drafts on the slate.")
            return result
    findings.append(f"EJR was not decided: EJR+ fails and the exact check is skipped above "
                    f"{cfg.ejr_exact_max_cells:,} voters x candidates (here {n_distinct:,} distinct "
                    f"approval sets of {n:,} participants x {n_cand:,} candidates).")
    return None
