"""What the coverage audit takes and gives: its settings and its results (pydantic v2 models)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["CoverageConfig", "GroupCoverage", "JRViolation", "CoverageAudit"]


class CoverageConfig(BaseModel):
    """Thresholds of the coverage audit. Every field is named, documented and has a default."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    over_factor: float = Field(1.5, gt=1.0)
    """A group is over-represented when it has more drafts than its fair seats AND its share of
    drafts is more than this many times its share of participants."""
    slate_statuses: tuple[str, ...] = ("draft", "approved", "published")
    """Draft statuses that put a draft on the slate. Other drafts (e.g. 'rejected') are left off the
    slate but stay candidates in the JR check."""
    cited_agree_fraction: float = Field(0.5, gt=0.0, le=1.0)
    """Before participants have voted on a draft, a participant approves it when they agreed with at
    least this fraction of the statements it cites (and with at least one)."""
    approval_basis: Literal["auto", "draft_votes", "citations"] = "auto"
    """How approval of a draft is read from `approvals`: 'draft_votes' = the draft's own key is in
    the participant's agree set; 'citations' = cited-statement rule; 'auto' = each participant's own
    vote on a draft when they cast one, the citation rule when they did not (when the audit is told who
    voted on the drafts, ``draft_voters``; else draft votes for a draft whose key appears in anyone's
    agree set, the citation rule for drafts nobody has voted on yet)."""
    statements_as_candidates: bool = True
    """Also treat every statement someone agreed with as a (left-out) candidate in the JR check, so
    JR asks: is there a group of n/k participants who all agree with some statement but approve no
    draft on the slate?"""
    require_jr: bool = True
    """A JR violation makes the audit fail."""
    require_ejr: bool = False
    """An EJR violation makes the audit fail."""
    audit_topics: Literal["if_drafted", "always", "never"] = "if_drafted"
    """Audit 'topic:<n>' audiences too: only when some draft on the slate speaks for a topic
    (default), always, or never. Opinion groups are always audited."""
    jr_max_cells: int = Field(10_000_000, ge=0)
    """Skip the JR/EJR checks (saying so) when distinct approval sets x candidates, after dropping
    candidates with fewer than n/k approvers (which cannot affect JR or EJR), is above this
    (abcvoting's checks are pure Python: their time grows with this product)."""
    ejr_exact_max_cells: int = Field(1_500, ge=0)
    """When EJR+ (polynomial, implies EJR) fails, decide EJR exactly (abcvoting's ILP) only up to
    this many distinct approval sets x candidates; above it EJR is reported as unknown."""
    ejr_brute_force_max_voters: int = Field(16, ge=0)
    """Fallback when the ILP solver is unavailable: brute force (exponential) only up to this many
    voters, all with distinct approval sets (it takes no weights)."""
    jr_route_majority: float = Field(0.5, gt=0.0, le=1.0)
    """When JR fails, route the opinion group holding more than this share of the unrepresented
    participants back to drafting."""
    max_listed: int = Field(5, ge=1)
    """How many ids a finding lists before '...'."""


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
    """The audit of one slate: the verdict, every audience's coverage, JR/EJR, findings in words."""

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
    #: per audience routed back for a JR violation: the left-out statement its unrepresented
    #: participants all agree with; a redraft that cites it gives them a draft they approve
    jr_sources: dict[str, list[str]] = Field(default_factory=dict)
    #: what the redraft does about a JR violation no opinion group holds, in words ("" otherwise):
    #: the topic redrafted to quote their statement, or why no redraft can answer it
    jr_route: str = ""
    n_slate: int = 0
    n_consensus: int = 0
    jr_violation: JRViolation | None = None
    #: voters and candidates of the JR/EJR profile (after pruning)
    n_voters: int = 0
    n_candidates: int = 0
