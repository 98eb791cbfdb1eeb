"""What the statistics return: per-statement records and the result, which saves to and loads
from JSON (pydantic v2 TypeAdapter over these dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import TypeAdapter

from deliberation.analysis.statistics.repness import RepStatement


@dataclass
class GroupVotes:
    """One statement's votes within one group; rates are Jigsaw's MAP estimates
    (A+1)/(S+2) with S = agree + disagree + pass (stats_util.ts getAgreeRate, includePasses)."""

    n_members: int
    n_seen: int
    n_agree: int
    n_disagree: int
    n_pass: int
    participation: float
    """n_seen / n_members (the Polis collective-statement participation share)."""
    agree_rate: float
    disagree_rate: float
    pass_rate: float
    agree_diff: float | None
    """agree_rate minus the agree rate of all other groups pooled (Jigsaw
    getGroupAgreeProbDifference); None with fewer than two groups."""


@dataclass
class StatementStats:
    """Counts, rates and scores of one statement. Group figures cover group members only."""

    statement_id: str
    moderated_out: bool
    n_seen: int
    """Votes cast: agree + disagree + pass, by anyone."""
    n_agree: int
    n_disagree: int
    n_pass: int
    agree_rate: float
    """(A+1)/(S+2) over all participants (= Polis pa over everyone)."""
    disagree_rate: float
    pass_rate: float
    """(P+1)/(S+2) over all participants."""
    agree_test: float
    """Polis pat = prop_test(A, S) over all participants."""
    disagree_test: float
    groups: dict[int, GroupVotes]
    n_seen_in_groups: int
    """Votes from group members (the count the minimum-votes rules use)."""
    gic: float
    """Group-informed consensus, product over groups of (A_g+1)/(S_g+2)."""
    gic_disagree: float
    bridging_min: float
    """Lowest group agree rate min_g (A_g+1)/(S_g+2) (Jigsaw getMinAgreeProb)."""
    bridging_min_disagree: float
    bridging_mf: float | None
    """Matrix-factorisation statement intercept (see ``bridging_mf``); None if not fitted or no
    agree/disagree vote."""
    max_group_diff: float | None
    """max_g |agree_diff_g| (Jigsaw getMaxGroupAgreeProbDifference); None with < 2 groups."""
    group_pass_rate: float
    """(sum P_g + 1)/(sum S_g + 2) over group members (Jigsaw getTotalPassRate)."""
    representative_of: list[int] = field(default_factory=list)
    """Groups for which this is a Jigsaw group-representative statement."""
    categories: list[str] = field(default_factory=list)
    """Every list this statement qualifies for (before the lists are cut to length):
    consensus, consensus_disagree, majority_agree, majority_disagree, common_ground,
    common_ground_disagree, group_representative, difference_of_opinion, uncertain, repness."""


@dataclass
class StatsResult:
    """Everything :func:`~deliberation.analysis.statistics.compute_statistics` found. Lists hold statement ids, best first;
    moderated-out statements are in no list. JSON: ``to_json()`` / ``from_json()``."""

    statements: list[StatementStats]
    """One record per matrix column (moderated-out ones too, flagged), in column order."""
    groups: list[int]
    group_sizes: dict[int, int]
    repness: dict[int, list[RepStatement]]
    """Polis representative statements per group (select-rep-comments), up to 5 each."""
    consensus: list[str]
    """Ranked cross-group consensus candidates (see ``consensus_rule``)."""
    consensus_disagree: list[str]
    """The same rule with disagree rates: statements every group rejects."""
    majority_agree: list[str]
    """Polis "consensus" statements (select-consensus-comments), agree side, up to 5."""
    majority_disagree: list[str]
    common_ground: list[str]
    """Jigsaw common ground: agree rate >= 60% in every group, by GIC, up to 12."""
    common_ground_disagree: list[str]
    """Jigsaw common ground in disagreement: disagree rate >= 60% in every group, up to 12."""
    group_representative: dict[int, list[str]]
    """Jigsaw group-representative statements per group, up to 12 each."""
    differences: list[str]
    """Jigsaw differences of opinion (documented intent: a group differs by > 30 points)."""
    uncertain: list[str]
    """Jigsaw uncertain statements: pass rate above ``uncertainty_threshold``."""
    uncertainty_threshold: float
    consensus_rule: str
    """The consensus rule in words."""
    min_votes_rule: str
    """The minimum-votes rule as applied to this room (scaled for small rooms), with its source."""
    notes: list[str]
    """Plain-language sentences: input problems and every list that came out empty, and why."""
    config: dict
    """The StatsConfig used."""

    # ---- JSON (pydantic v2 TypeAdapter over these dataclasses) ---------------------------
    def to_dict(self) -> dict:
        """Plain JSON-compatible dict (int dict keys stay ints; ``json.dumps`` turns them into strings)."""
        return _adapter().dump_python(self, mode="json")

    def to_json(self, indent: int | None = None) -> str:
        return _adapter().dump_json(self, indent=indent).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> "StatsResult":
        return _adapter().validate_json(text)


_ADAPTER: TypeAdapter | None = None


def _adapter() -> TypeAdapter:
    """The TypeAdapter, built on first use rather than at import."""
    global _ADAPTER
    if _ADAPTER is None:
        _ADAPTER = TypeAdapter(StatsResult)
    return _ADAPTER
