"""The thresholds of the statement statistics, one documented field each, with its source."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class StatsConfig(BaseModel):
    """Thresholds of the statistics. Defaults are the published values (source in brackets); every
    field has its bounds, and a value outside them is refused naming the setting."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    z_sig_90: float = Field(1.2816, gt=0.0)
    """One-sided 90% z threshold [polis stats.clj ``z-sig-90?``: z > 1.2816]."""

    repness_pick_max: int = Field(5, ge=0)
    """Representative statements kept per group [polis repness.clj select-rep-comments: take 5]."""

    majority_pick_max: int = Field(5, ge=0)
    """Majority statements kept per direction [polis repness.clj select-consensus-comments: top 5]."""

    majority_min_prob: float = Field(0.5, ge=0.0, le=1.0)
    """Majority needs pa (or pd) above this [polis select-consensus-comments: (> pa 0.5)]."""

    majority_min_votes: int = Field(0, ge=0)
    """Votes a statement needs to enter the majority lists. Polis has no such rule (0); raise it
    to keep thinly voted statements out of the majority lists too."""

    min_common_ground_prob: float = Field(0.6, ge=0.0, le=1.0)
    """Common ground needs this agree (or disagree) rate in every group
    [jigsaw summary_stats.ts ``minCommonGroundProb``]."""

    min_agree_prob_difference: float = Field(0.3, ge=0.0, le=1.0)
    """A group differs from the rest when its agree rate differs by more than this
    [jigsaw summary_stats.ts ``minAgreeProbDifference``]."""

    min_uncertainty_prob: float = Field(0.2, ge=0.0, le=1.0)
    """Floor of the pass-rate threshold for uncertain statements
    [jigsaw summary_stats.ts ``minUncertaintyProb``]."""

    uncertainty_quantile: float = Field(0.75, ge=0.0, le=1.0)
    """The pass-rate threshold is max(min_uncertainty_prob, this quantile of the pass rates)
    [jigsaw summary_stats.ts ``get75thPercentile``]."""

    max_sample_size: int = Field(12, ge=0)
    """Statements kept per Jigsaw list [jigsaw summary_stats.ts ``maxSampleSize``]."""

    min_vote_count: int = Field(20, ge=0)
    """Votes (agree + disagree + pass, from group members) a statement needs to enter any
    Jigsaw list [jigsaw summary_stats.ts ``minVoteCount``]."""

    min_votes_for_consensus: int = Field(20, ge=0)
    """Votes (agree + disagree + pass, from group members) a statement needs to enter the
    consensus lists (``consensus``, ``consensus_disagree``, ``common_ground*``)
    [Jigsaw ``minVoteCount``; guards against red-dwarf#72: 8 of 1,165 voted, GIC topped]."""

    min_votes_room_share: float = Field(0.5, ge=0.0, le=1.0)
    """Small rooms: a minimum-votes rule (``min_vote_count``, ``min_votes_for_consensus``) never
    asks for more votes than this share of the participants it counts (the members of the
    opinion groups; everyone when nobody is grouped), rounded up: the rule applied is
    ``min(rule, ceil(min_votes_room_share x members))``, at least 1. With six people a statement
    needs 3 votes, with 40 or more Jigsaw's 20 (so large conversations are unchanged). Jigsaw's
    fixed 20 presumes a conversation of far more than 20 people: in a room of six it excluded
    every statement. The cap follows Polis's own rule for small conversations
    [polis conversation.clj ``in-conv``: a participant needs min(7, number of comments) votes: a
    fixed threshold capped by what the conversation can supply]. 0 switches the cap off."""

    min_group_participation: float = Field(0.05, ge=0.0, le=1.0)
    """Share of every group's members that must have voted on a statement for it to enter the
    consensus lists [polis server/src/routes/collectiveStatement.ts @3850d48: >= 5% participation
    from every group]. Participation of group g = S_g / members of g. (A Polis helper,
    canGenerateCollectiveStatement, sums A + D + S, which counts agrees and disagrees twice since
    S already includes them; we use S.) In very sparse conversations (each participant sees well
    under 5% of the statements) this excludes everything, and a note says so: lower it there."""

    consensus_min_group_agree: float = Field(0.5, ge=0.0, le=1.0)
    """A consensus candidate must have an agree rate above this in every group: Polis's
    majority threshold (pa > 0.5) applied to each group instead of to everyone."""

    consensus_score: Literal["bridging_min", "bridging_mf", "gic"] = "bridging_min"
    """Score that ranks the consensus candidates. Default ``bridging_min`` (the lowest group
    agree rate): deterministic, explainable in one sentence ("at least x% of every group
    agrees"), and the weakest group decides, whereas the GIC product lets one enthusiastic group
    make up for a lukewarm one and the MF intercept depends on a non-convex fit."""

    consensus_pick_max: int | None = Field(None, ge=0)
    """Length of the consensus lists; None keeps every candidate, ranked."""

    mf_enabled: bool = True
    """Fit the Community-Notes-style matrix factorisation (``bridging_mf``)."""

    mf_lambda_f: float = Field(0.03, ge=0.0)
    """L2 weight on the factors [communitynotes matrix_factorization.py; jigsaw
    matrix_factorization.ts ``lambdaF = 0.03``]."""

    mf_lambda_i: float = Field(0.15, ge=0.0)
    """L2 weight on the intercepts, 5 x ``mf_lambda_f`` [same sources: ``lambdaI = 0.15``]."""

    mf_max_iter: int = Field(100, ge=1)
    """Alternating-least-squares sweeps at most."""

    mf_tol: float = Field(1e-3, gt=0.0)
    """Stop when no statement intercept moved by more than this in a sweep. ALS has a slow tail;
    bench/bench_stats.py prints the sweeps this tolerance takes."""
