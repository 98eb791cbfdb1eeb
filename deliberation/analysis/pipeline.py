"""One analysis of a consultation: topics, opinion groups, statistics, in one typed result.

``analyze`` is a pure function of the vote matrix, the statements and (optionally) their
embeddings; ``AnalysisResult`` saves to and loads from JSON. Its JSON keeps a stable interface
for checking the math from outside::

    {"groups": {"<participant id>": <group>, ...},       # clustered participants only
     "repness": {"<group>": ["<statement id>", ...]},     # Polis representative statements
     "consensus": ["<statement id>", ...], ...}           # ranked consensus candidates
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable

import numpy as np
from pydantic import BaseModel, Field

from deliberation.analysis.groups import GroupingConfig, find_opinion_groups
from deliberation.analysis.statistics import StatsConfig, StatsResult, compute_statistics
from deliberation.analysis.topics import TopicConfig, find_topics
from deliberation.models import Statement, StatementOrigin
from deliberation.votematrix import VoteMatrix
from deliberation.wording import first_upper, group_label, topic_number, topic_sources
from deliberation.words import percent, said


@dataclass(frozen=True)
class AnalysisConfig:
    grouping: GroupingConfig = field(default_factory=GroupingConfig)
    stats: StatsConfig = field(default_factory=StatsConfig)
    topics: TopicConfig = field(default_factory=TopicConfig)
    #: the one seed every random step derives from (numpy's generators take no negative seed)
    seed: Annotated[int, Field(ge=0)] = 0
    #: count each participant's own statement as their agree vote (Polis's convention; see
    #: VoteMatrix.with_author_votes). Only authors who voted are participants and get one.
    author_agrees: bool = True


class GroupSummary(BaseModel):
    id: int
    size: int
    share: float
    #: Polis representative statements (agree first), as statement ids
    repness: list[str]
    #: Jigsaw group-representative statements (agree-rate gap to the rest), as statement ids
    representative: list[str]


class AnalysisResult(BaseModel):
    question: str = ""
    #: participants who cast at least one vote (registered ids that never voted, such as the
    #: authors of an imported statements file, are not counted)
    n_participants: int
    n_statements: int
    #: votes the analysis read, including ``n_author_votes``
    n_votes: int
    #: authors' own statements counted as their agree votes (AnalysisConfig.author_agrees)
    n_author_votes: int = 0
    #: participant id -> opinion group (clustered participants only)
    groups: dict[str, int]
    group_summaries: list[GroupSummary]
    #: group -> participant id -> subgroup
    subgroups: dict[str, dict[str, int]] = Field(default_factory=dict)
    #: participant id -> [x, y] on the opinion map (clustered participants only)
    projection: dict[str, list[float]] = Field(default_factory=dict)
    #: group -> Polis representative statement ids
    repness: dict[str, list[str]]
    #: ranked consensus candidates (statement ids)
    consensus: list[str]
    common_ground: list[str] = Field(default_factory=list)
    differences: list[str] = Field(default_factory=list)
    uncertain: list[str] = Field(default_factory=list)
    majority_agree: list[str] = Field(default_factory=list)
    #: topics by embedding (see deliberation.analysis.topics.TopicResult)
    topics: dict[str, Any] | None = None
    #: per-statement statistics and lists (see deliberation.analysis.statistics.StatsResult)
    stats: dict[str, Any]
    grouping: dict[str, Any]
    notes: list[str]
    seed: int = 0

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> "AnalysisResult":
        return cls.model_validate_json(Path(path).read_text(encoding="utf-8"))

    def group_members(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for pid, g in self.groups.items():
            out.setdefault(g, []).append(pid)
        return out

    def statement_stats(self) -> dict[str, dict]:
        return {s["statement_id"]: s for s in self.stats.get("statements", [])}


Progress = Callable[[str], None]


def analyze(
    matrix: VoteMatrix,
    statements: list[Statement],
    vectors: np.ndarray | None = None,
    *,
    question: str = "",
    config: AnalysisConfig = AnalysisConfig(),
    progress: Progress | None = None,
    embedding: str | None = None,
    room_language: str = "",
) -> AnalysisResult:
    """Analyse one consultation. ``vectors`` (one row per statement, L2-normalised) enable topics;
    ``embedding`` says in one line which model made them and why (kept as the topics'
    ``embedding_model``, shown in the summary and the report); ``room_language`` (the language the
    room's pages speak, "" = none) is the one topic labels are made in where statements are in it
    (deliberation.analysis.labels.label_language)."""
    say = progress or (lambda _msg: None)
    rng = np.random.default_rng(config.seed)
    notes: list[str] = []
    n_author_votes = 0
    if config.author_agrees:
        matrix, n_author_votes = matrix.with_author_votes({s.external_id: s.author for s in statements})
        if n_author_votes:
            notes.append(said("analysis.author_votes", n=n_author_votes))

    say("opinion groups")
    grouping = find_opinion_groups(matrix, config.grouping, rng=int(rng.integers(2**31)))
    notes.extend(grouping.notes)

    say("statistics")
    stats = compute_statistics(matrix, np.asarray(grouping.labels), config.stats, rng=int(rng.integers(2**31)))
    notes.extend(stats.notes)

    stats_dict = stats.to_dict()
    topic_seed = int(rng.integers(2**31))
    topics = None
    if vectors is not None:
        say("topics")
        tr = _find_topics(statements, vectors, config.topics, topic_seed, _possible_positions(stats_dict),
                          room_language)
        topics = tr.to_dict() | ({"embedding_model": embedding} if embedding else {})
        notes.extend(tr.notes)

    groups = grouping.groups()
    repness = {str(g): [r.statement_id for r in reps] for g, reps in stats.repness.items()}
    return AnalysisResult(
        question=question,
        n_participants=int(matrix.voters().sum()),
        n_statements=len(statements),
        n_votes=matrix.n_votes,
        n_author_votes=n_author_votes,
        groups=groups,
        group_summaries=_group_summaries(groups, repness, stats),
        subgroups=_subgroups(grouping),
        projection=_projection(matrix, groups, grouping),
        repness=repness,
        consensus=list(stats.consensus),
        common_ground=list(stats.common_ground),
        differences=list(stats.differences),
        uncertain=list(stats.uncertain),
        majority_agree=list(stats.majority_agree),
        topics=topics,
        stats=stats_dict,
        grouping=grouping.summary() if hasattr(grouping, "summary") else {"k": int(grouping.k)},
        notes=notes,
        seed=config.seed,
    )


def most_agree(group_votes: dict) -> bool:
    """More than half of an opinion group's voters on a statement agreed (passes count as votes);
    ``group_votes`` is the group's entry of a statement's ``groups`` in the statistics."""
    return 2 * int(group_votes.get("n_agree", 0)) > int(group_votes.get("n_seen", 0))


def _possible_positions(stats: dict) -> set[str]:
    """Statements most of the voters of some opinion group agreed with: all a split topic's draft
    may quote as a position (deliberation.facilitation.topic_positions asks more), so the topics
    list which of them are on the same subject as which."""
    return {s["statement_id"] for s in stats.get("statements", [])
            if any(most_agree(g) for g in (s.get("groups") or {}).values())}


def _find_topics(statements: list[Statement], vectors: np.ndarray, config: TopicConfig, seed: int,
                 positions: set[str] | None = None, room_language: str = ""):
    """Topics of the statements participants see (``Statement.is_public``: not moderated out, not
    waiting in the moderation queue, not drafts). Held statements were clustered too: two flagged
    ones made a topic of their own, labelled on the live board with words of the text the
    moderator had not yet seen ("écrivez · accord · appelez", from an instruction-like statement),
    and the coverage audit sent the run back to draft that topic, which has nothing to draft from,
    until its rounds ran out ("Not passed: topic 4 has no draft"; tests/test_room_languages.py)."""
    usable = [i for i, s in enumerate(statements) if s.is_public]
    ids = [statements[i].external_id for i in usable]
    texts = [statements[i].text for i in usable]
    authors = [statements[i].author for i in usable]
    seeds = [statements[i].external_id for i in usable if statements[i].origin is StatementOrigin.SEED]
    vecs = np.asarray(vectors)[usable] if len(usable) else np.zeros((0, 1))
    return find_topics(ids, texts, vecs, authors, config, rng=seed, positions=positions, seeds=seeds,
                       room_language=room_language)


def _group_summaries(groups: dict[str, int], repness: dict[str, list[str]], stats: StatsResult) -> list[GroupSummary]:
    """Size, share and representative statements of each opinion group, in group order."""
    n_clustered = max(1, len(groups))
    return [
        GroupSummary(id=g, size=len(members), share=len(members) / n_clustered,
                     repness=repness.get(str(g), []),
                     representative=list(stats.group_representative.get(g, [])))
        for g, members in sorted(_members(groups).items())
    ]


def repness_by_direction(analysis: dict[str, Any], group: int) -> dict[str, list[str]]:
    """A group's Polis representative statements split by what its members do with them more than
    the other participants: ``{"agree": [ids], "disagree": [ids]}``, in the analysis's order.

    Polis's repness picks a statement for a group when the group agrees *or disagrees* with it more
    than the rest (repness.clj finalize-cmt-stats), so a list of them cannot be introduced as
    "statements the group agrees with" (on Seattle $15, group A's list holds two statements that
    85-88% of group B agree with and 12-15% of group A do)."""
    out: dict[str, list[str]] = {"agree": [], "disagree": []}
    by_group = (analysis.get("stats") or {}).get("repness") or {}
    for r in by_group.get(str(group)) or by_group.get(group) or []:
        if r.get("n_success", 1) == 0:
            # nobody in the group voted its way: Polis's best-agree comes out "disagree" on a tie
            # (a statement everyone agreed with, in a small room), and is neither
            continue
        out["disagree" if r.get("direction") == "disagree" else "agree"].append(str(r["statement_id"]))
    return out


def _projection(matrix: VoteMatrix, groups: dict[str, int], grouping) -> dict[str, list[float]]:
    """Opinion-map position of each clustered participant (those with a finite position)."""
    projection = {}
    proj = np.asarray(grouping.projection)
    for i, pid in enumerate(matrix.participant_ids):
        if pid in groups and proj.ndim == 2 and np.isfinite(proj[i]).all():
            projection[pid] = [float(proj[i, 0]), float(proj[i, 1])]
    return projection


def _subgroups(grouping) -> dict[str, dict[str, int]]:
    """group -> participant id -> subgroup, with string keys for JSON."""
    subs = grouping.subgroup_map() if hasattr(grouping, "subgroup_map") else {}
    return {str(g): {str(p): int(s) for p, s in sub.items()} for g, sub in subs.items()}


def _members(groups: dict[str, int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for pid, g in groups.items():
        out.setdefault(int(g), []).append(pid)
    return out


def summary_text(result: AnalysisResult, statements: dict[str, str]) -> str:
    """A readable summary of an analysis, in words."""
    out = sum(bool(st.get("moderated_out")) for st in result.stats.get("statements", []))
    held = f" ({out} moderated out, {result.n_statements - out} analysed)" if out else ""
    lines = [f"Participants: {result.n_participants}; statements: {result.n_statements}{held}; votes: {result.n_votes}."]
    if result.group_summaries:
        sizes = ", ".join(f"{group_label(g.id)}: {g.size} ({percent(g.share)})" for g in result.group_summaries)
        grouped = sum(g.size for g in result.group_summaries)
        # "(2 of the 138 participants in groups)" read as two participants
        of = f"; {grouped} of the {result.n_participants} participants are in one" if grouped < result.n_participants else ""
        lines.append(f"Opinion groups ({len(result.group_summaries)}{of}): {sizes}.")
        if (result.grouping.get("stability") or {}).get("text"):
            lines.append(f"  How sure: {result.grouping['stability']['text']}.")
        for g in result.group_summaries:
            # the votes themselves, not Polis's smoothed p-success (3 of 3 read "agrees (80%)"); a
            # statement nobody in the group voted its way is neither (repness_by_direction)
            reps = result.stats.get("repness", {}).get(str(g.id), [])
            shown = [r for r in reps if r.get("n_success", 1) > 0][:4]
            who = first_upper(group_label(g.id)) + (" (one person)" if g.size == 1 else "")
            if not shown:  # a heading over nothing read as if the list had been lost
                lines.append(f"  {who}: no statement tells it apart from the others.")
                continue
            lines.append(f"  {who} is distinguished by:")
            for r in shown:
                verb = "agrees" if r["direction"] == "agree" else "disagrees"
                lines.append(f"    {verb} ({r['n_success']} of {r['n_trials']} who voted) [{r['statement_id']}] "
                             f"{_short(statements.get(r['statement_id'], ''))}")
    else:
        lines.append("No opinion groups were formed.")
    if result.topics and result.topics.get("topics"):
        lines.append(f"Topics ({len(result.topics['topics'])}):")
        for t in result.topics["topics"]:
            lines.append(f"  {topic_number(t['id'])}. {t['label']} — "
                         f"{topic_sources(t['n_statements'], t['n_authors'], t.get('n_seed', 0), t.get('n_moderator_seeds', 0))}")
    if result.topics and result.topics.get("embedding_model"):
        lines.append(f"  Embedding model: {result.topics['embedding_model']}")
    if result.consensus:
        lines.append("Consensus candidates (agreed across every group):")
        for sid in result.consensus[:5]:
            lines.append(f"  [{sid}] {_short(statements.get(sid, ''))}")
    else:
        lines.append("No consensus candidate: no statement met the consensus rule.")
    if result.stats.get("min_votes_rule"):
        lines.append(f"Minimum votes: {result.stats['min_votes_rule']}")
    if result.uncertain:
        # with the passes beside each (group members', as the rule counts them): in a room of six one
        # pass in six votes is "uncertain" by Jigsaw's smoothed rate (P+1)/(S+2) = 25% > 20%
        by_id = {st["statement_id"]: st for st in result.stats.get("statements", [])}

        def passes(sid: str) -> str:
            st = by_id.get(sid) or {}
            gv = list((st.get("groups") or {}).values()) or [st]  # nobody grouped: everyone is one group
            return f"{sum(g.get('n_pass', 0) for g in gv)} of {sum(g.get('n_seen', 0) for g in gv)} passed"
        lines.append("Uncertain (many passes): " + ", ".join(f"{sid} ({passes(sid)})" for sid in result.uncertain[:8]))
    for n in result.notes:
        lines.append(f"Note: {n}")
    return "\n".join(lines)


def _short(text: str, n: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def export_json(result: AnalysisResult, path: str | Path) -> Path:
    """Write the stable JSON interface (plus everything else) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(result.model_dump_json())
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
