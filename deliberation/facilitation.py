"""The logic the facilitation graph's nodes call: draft requests, grounding, coverage inputs.

Pure functions over the analysis result and the statements; the graph (``graphs/``) wires them
together with storage, checkpoints and moderator interrupts.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from deliberation.analysis.pipeline import AnalysisResult, most_agree
from deliberation.drafting.base import DraftRequest, SourceRef
from deliberation.drafting.extractive import ExtractiveDrafter
from deliberation.grounding import GroundingConfig, LLMJudge, ProblemKind, check_draft
from deliberation.grounding.opposition import reverses
from deliberation.models import Draft, DraftKind, DraftSentence, Statement
from deliberation.text.languages import detect_languages
from deliberation.wording import Audience, group_label, plural, position_phrase, topic_number
from deliberation.words import percent, said


class FacilitationConfig(BaseModel):
    """The rules of one facilitation run: how many sources, tries and rounds, and what is drafted.
    Every field has its bounds: a value outside them is refused naming the setting."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    max_sources: int = Field(8, ge=1)
    """Candidate statements offered to a drafter per request."""
    max_draft_attempts: int = Field(2, ge=1)
    """Tries of an LLM drafter per request before the extractive draft is used."""
    max_audit_rounds: int = Field(2, ge=0)
    """Audit -> draft rounds when the coverage audit fails (0: no redrafting)."""
    max_revise_rounds: int = Field(1, ge=0)
    """Revise rounds after a tally in which a group rejected drafts (0: none)."""
    topic_drafts: bool = True
    """Draft a minority statement for every topic cluster too (not only opinion groups)."""
    min_topic_source_agree: float = Field(0.5, ge=0.0, le=1.0)
    """A statement needs at least this share of agree votes in the audience to be a topic source."""
    consensus_slate_size: int = Field(3, ge=0)
    """Ballot items on the common-ground slate: each quotes one consensus candidate, one claim per item."""
    min_language_share: float = Field(0.1, ge=0.0, le=1.0)
    """A language the room is written in holds at least this share of the statements participants see
    (the topics' count): a draft's sources are in one of them (:func:`one_language`). A few
    statements read as another language ("Huh?" as German among 2,000 English ones) are none."""
    min_position_voters: int = Field(2, ge=1)
    """A group holds (or opposes) a topic's position only when at least this many of its members
    voted on it (at most the group's size: a group of one holds a position by its one vote) and a
    majority of them agreed (disagreed)."""


def build_requests(analysis: AnalysisResult, statements: list[Statement], question: str,
                   config: FacilitationConfig = FacilitationConfig(),
                   only: set[str] | None = None, relaxed: bool = False,
                   feedback: dict[str, list[str]] | None = None,
                   exclude: dict[str, list[str]] | None = None,
                   include: dict[str, list[str]] | None = None,
                   grounding: GroundingConfig = GroundingConfig()) -> list[DraftRequest]:
    """The common-ground slate (one request per claim), one request per opinion group and one
    per topic.

    ``only`` restricts to these draft keys ("all:<i>", "group:<n>", "topic:<n>"), for redrafting;
    ``relaxed`` widens a group's sources to every statement most of its members agreed with
    (used when the coverage audit found the group without a draft); ``feedback`` carries a
    group's objections into a revision; ``exclude`` names, per key, statements a revision
    must not draw on again (those the rejected draft cited), so the next-best sources are used;
    ``include`` names, per group key, statements to cite first when most of the group's voters agree
    with them (the statement a JR violation's participants all agree with, which no draft cited);
    per topic key, statements of the topic its draft quotes too (:func:`_topic_request`).
    ``grounding``: the run's guard settings, with which two sources are read as opposite.
    """
    ctx = _Sources(analysis, statements, config, exclude or {}, grounding)
    feedback = feedback or {}
    requests = _slate_requests(analysis, ctx, question, config, exclude or {}, feedback)
    for g in analysis.group_summaries:
        key = str(Audience.group(g.id))
        # a group's draft quotes what most of its voters agree with, not only what it agrees with more
        # than the rest (Bowling Green: group B's draft quoted statement 620, 27 of its 54 voters agreeing)
        ids = [i for i in dict.fromkeys(_agree_repness(analysis, g.id) + g.representative)
               if _most_agree(ctx.stats.get(i, {}), g.id)]
        # a JR violation's statement second, after the group's most distinctive one
        wanted = [i for i in (include or {}).get(key, []) if _most_agree(ctx.stats.get(i, {}), g.id)]
        ids = list(dict.fromkeys(ids[:1] + wanted + ids[1:]))
        distinct = bool([i for i in ids if i in ctx.by_id])
        if relaxed or not distinct:
            ids += _group_agreed(ctx.stats, g.id, config.min_topic_source_agree)
        # without a statement that sets the group apart (a room of two: every statement is someone's),
        # the draft quotes what most of it agrees with, and says so rather than "more than the others"
        what = ("what its members agree with more than the other participants do" if distinct else
                "what most of its members agree with (no statement sets it apart from the other participants)")
        requests.append(DraftRequest(
            kind=DraftKind.MINORITY, speaks_for=key, question=question,
            audience=f"{group_label(g.id)} ({plural(g.size, 'participant')}, {percent(g.share)})",
            purpose=f"a statement that speaks for {group_label(g.id)}: {what}",
            sources=ctx.distinct([r for r in (ctx.ref(s, g.id) for s in ids) if r], key, keep=set(wanted)),
            feedback=feedback.get(key, [])))
    if config.topic_drafts and analysis.topics:
        for t in analysis.topics.get("topics", []):
            if not t.get("is_other"):
                requests.append(_topic_request(t, analysis, ctx, question, config, feedback,
                                               (include or {}).get(str(Audience.topic(t["id"])), [])))
    return [r for r in requests if only is None or r.speaks_for in only]


class _Sources:
    """Statements a draft may draw on, as SourceRefs with their vote support; one voice per
    near-duplicate group; a revision's excluded statements left out."""

    def __init__(self, analysis: AnalysisResult, statements: list[Statement], config: FacilitationConfig,
                 exclude: dict[str, list[str]], grounding: GroundingConfig = GroundingConfig()):
        self.by_id = {s.external_id: s for s in statements if s.is_public}
        self.stats = analysis.statement_stats()
        self.config, self.exclude, self.grounding = config, exclude, grounding
        # one voice per near-duplicate group: a reworded repeat never fills a second source slot
        self.dup_group = {sid: i for i, grp in enumerate((analysis.topics or {}).get("near_duplicates", []))
                          for sid in grp}
        counts = (analysis.topics or {}).get("languages") or {}
        # the room's languages: each holds at least min_language_share of its statements
        self.languages = {code for code, n in counts.items()
                          if n >= config.min_language_share * sum(counts.values())}

    def ref(self, sid: str, group: int | None = None, held_by: str = "") -> SourceRef | None:
        st = self.by_id.get(sid)
        if st is None:
            return None
        s = self.stats.get(sid, {})
        rate, n = s.get("agree_rate"), int(s.get("n_seen", 0))
        if group is not None:
            gv = _group_votes(s, group)
            if gv:
                rate, n = gv.get("agree_rate", rate), int(gv.get("n_seen", n))
        return SourceRef(id=sid, text=st.text, agree_rate=rate, n_votes=n, held_by=held_by)

    def distinct(self, refs: list[SourceRef], key: str = "", limit: int | None = None,
                 one_position: bool = True, keep: set[str] = frozenset()) -> list[SourceRef]:
        """The sources of one draft, best first: one voice per near-duplicate group, a revision's
        excluded statements left out, and (``one_position``) never a statement that says the
        opposite of one already chosen: a draft offered "X" and "not X" as sources stated them as
        one position (a room of three, whose lone dissenter no group split could show). The later
        of two opposites is left for the draft of those who hold it. With ``one_position``, the
        sources are in one language too (:func:`one_language`; ``keep``: statements kept whatever theirs)."""
        avoid = set(self.exclude.get(key, []))
        if avoid and any(r.id not in avoid for r in refs):
            refs = [r for r in refs if r.id not in avoid]
        if one_position and len(self.languages) > 1:
            refs = one_language(refs, self.languages, keep)
        limit = self.config.max_sources if limit is None else limit
        seen: set = set()
        out: list[SourceRef] = []
        for r in refs:
            k = self.dup_group.get(r.id, r.id)
            if k in seen or (one_position and any(opposite(r, o, self.grounding) for o in out)):
                continue
            seen.add(k)
            out.append(r)
            if len(out) >= limit:
                break
        return out


def one_language(refs: list[SourceRef], languages: set[str], keep: set[str] = frozenset()) -> list[SourceRef]:
    """The sources in the language of the best one of the room's ``languages``, and those of ``keep``
    (a JR violation's statement, which the draft must cite) and those in none of them. A
    bilingual room's drafts read "Im Bahnhof sollte samstags eine Markthalle öffnen. Keep the station
    building and turn it into a library." as one text (tests/room_hand.py --lang de --mix en): a
    draft is now in the language of its best statement and quotes only statements in that language;
    the statements left out stay in the report's groups and topics (tests/test_draft_language.py)."""
    langs = [code if code in languages else "" for code in detect_languages([r.text for r in refs])]
    first = next((code for code in langs if code), "")
    return [r for r, code in zip(refs, langs) if code in (first, "") or r.id in keep]


def _slate_requests(analysis: AnalysisResult, ctx: _Sources, question: str, config: FacilitationConfig,
                    exclude: dict[str, list[str]], feedback: dict[str, list[str]]) -> list[DraftRequest]:
    """The common-ground slate: item i ("all:<i>") quotes the i-th best consensus candidate, one
    claim per ballot item. A revised item skips the statements its rejected version cited and
    those the other items stand on, including another revised item's new one.

    Only consensus candidates (more than half of every opinion group agrees; the common-ground
    list is a subset of them) go on it, never Polis's majority list of everyone: a majority of all
    participants can be one large group, and the slate is presented as what every group agrees
    with (on Seattle $15, with no consensus candidate, the slate quoted statement 45, which 9 of
    the 15 voters of group B disagree with). Without candidates the slate is empty and the report
    says why."""
    ids = analysis.consensus
    # each item is its own ballot item: opposites may stand on two items, never in one
    candidates = ctx.distinct([r for r in (ctx.ref(s) for s in ids) if r], limit=len(ids), one_position=False)
    size = min(config.consensus_slate_size, len(candidates))
    default = {str(Audience.everyone(i + 1)): candidates[i] for i in range(size)}
    out, used = [], set()  # used: what the items before stand on, a revised one's new statement too
    for key, ref in default.items():
        avoid = set(exclude.get(key, []))
        if ref.id in avoid:
            # two items revised in one round both took the first candidate the defaults left free
            taken = {r.id for k, r in default.items() if k != key} | avoid | used
            ref = next((r for r in candidates if r.id not in taken), None)
        if ref is None:
            continue
        used.add(ref.id)
        out.append(DraftRequest(
            kind=DraftKind.CONSENSUS, speaks_for=key, question=question, audience="everyone",
            purpose="one statement that participants in every opinion group can agree with",
            sources=[ref], feedback=feedback.get(key, [])))
    return out


def _topic_request(t: dict, analysis: AnalysisResult, ctx: _Sources, question: str,
                   config: FacilitationConfig, feedback: dict[str, list[str]],
                   include: list[str] = ()) -> DraftRequest:
    """A topic's draft: where the groups' votes split on the topic, its opposed positions side by
    side, each with who holds it (never merged into one claim); otherwise its most central and
    best-supported statements. ``include``: statements of the topic the draft quotes second (after
    the first position, or the most central statement): the statement a JR violation's participants
    all agree with when no opinion group holds most of them, as readers of one language of a
    bilingual room often are (placed in no group); in a split it stands with who holds it."""
    key = str(Audience.topic(t['id']))
    stats = ctx.stats
    positions = topic_positions(t["statement_ids"], stats, [g.id for g in analysis.group_summaries],
                                config, usable_ids=set(ctx.by_id),
                                sizes={g.id: g.size for g in analysis.group_summaries},
                                same_subject=t.get("same_subject"))
    wanted = [i for i in include if i in set(t["statement_ids"]) and i in stats]
    if positions:
        held = {sid for sid, _ in positions}
        extra = [(i, _holders(stats[i], analysis, config)) for i in wanted if i not in held]
        positions = positions[:1] + extra + positions[1:]
        sources = [r for r in (ctx.ref(sid, held_by=who) for sid, who in positions) if r]
    else:
        agreed = [s for s in t["statement_ids"]
                  if (stats.get(s, {}).get("agree_rate") or 0) >= config.min_topic_source_agree]
        central = [s for s in t.get("central_statement_ids", []) if s in set(agreed)]
        ranked = sorted(agreed, key=lambda sid: (-(stats.get(sid, {}).get("agree_rate") or 0.0), sid))
        ordered = list(dict.fromkeys(central[:1] + wanted + central + ranked))
        sources = ctx.distinct([r for r in (ctx.ref(s) for s in ordered) if r], key, keep=set(wanted))
    return DraftRequest(
        kind=DraftKind.MINORITY, speaks_for=key, question=question,
        audience=f"topic {topic_number(t['id'])} ({t['label']}; {t['n_authors']} voices)",
        purpose=_topic_purpose(t["label"], len(positions)),
        sources=sources, feedback=feedback.get(key, []), split=bool(positions))


def _holders(s: dict, analysis: AnalysisResult, config: FacilitationConfig) -> str:
    """Who holds a statement quoted in a split topic's draft for a JR violation: the groups most of
    whose voters agree, or, when no group does (its holders are placed in no group), all who voted."""
    side = _side(s, [g.id for g in analysis.group_summaries], config.min_position_voters, "n_agree",
                 {g.id: g.size for g in analysis.group_summaries})
    if side:
        return position_phrase(side)
    return said("position.voters_agree", k=int(s.get('n_agree', 0)), n=int(s.get('n_seen', 0)))


def _topic_purpose(label: str, n_positions: int) -> str:
    """What a topic's draft is for; a split with one position says why it stands alone."""
    if n_positions > 1:
        return f"the positions that divide participants on {label}, each with who holds it"
    if n_positions == 1:
        return (f"the statement that divides participants on {label}, with who holds and who opposes it "
                "(those who disagree agree with no other statement on the same subject)")
    return f"a statement that represents what participants said about {label}"


def opposite(a: SourceRef, b: SourceRef, config: GroundingConfig = GroundingConfig()) -> bool:
    """``b`` says the opposite of ``a`` (or ``a`` of ``b``): the faithfulness guard, reading one as a
    draft of the other, finds a reversed stance, direction or comparison ("The green should become
    a dog park" / "The green should not become a dog park"). Text, not votes: it holds in a room
    too small for opinion groups to show the split. ``config``: the guard's settings (the run's).
    Only the guard's checks that find a reversal run (:func:`deliberation.grounding.opposition.reverses`)."""
    return _opposite_texts(*sorted((a.text, b.text)), config)


#: pairs of texts remembered by :func:`_opposite_texts`: the same pairs come back in a run's group,
#: topic and redraft requests
OPPOSITE_PAIRS_REMEMBERED = 4096


@functools.lru_cache(maxsize=OPPOSITE_PAIRS_REMEMBERED)
def _opposite_texts(a: str, b: str, config: GroundingConfig) -> bool:
    """:func:`opposite` on two texts, both ways (the answer depends on the texts and the settings alone)."""
    return reverses(a, b, config) or reverses(b, a, config)


def _group_votes(s: dict, group) -> dict:
    groups = s.get("groups") or {}
    return groups.get(str(group)) or groups.get(group) or {}


def _side(s: dict, groups: list[int], min_voters: int, field: str,
          sizes: dict[int, int] | None = None) -> list[tuple[int, int, int]]:
    """Groups a majority of which voted ``field`` ("n_agree" / "n_disagree") on the statement:
    [(group, votes of that kind, votes)], only groups with at least ``min_voters`` votes on it, or
    all their members' votes when the group is smaller (``sizes``: group -> members). Without that
    cap a one-person group in a room of three never held a position, the split check never ran,
    and a topic draft quoted "X" and "not X" as one position."""
    out = []
    for g in groups:
        gv = _group_votes(s, g)
        n, k = int(gv.get("n_seen", 0)), int(gv.get(field, 0))
        need = min(min_voters, max(1, (sizes or {}).get(g, min_voters)))
        if n >= need and 2 * k > n:
            out.append((g, k, n))
    return out


def topic_positions(statement_ids: list[str], stats: dict[str, dict], groups: list[int],
                    config: FacilitationConfig, usable_ids: set[str] | None = None,
                    sizes: dict[int, int] | None = None,
                    same_subject: dict[str, list[str]] | None = None) -> list[tuple[str, str]]:
    """The opposed positions in a topic, from the opinion groups' votes: [(statement id, who holds
    it)], or [] when no statement divides the groups. ``sizes`` (group -> members) lets a group
    smaller than ``config.min_position_voters`` hold a position by all its members' votes.

    A statement divides the groups when a majority of one group agrees with it and a majority of
    another disagrees. The first position is the dividing statement its holders agree with most;
    the second, the statement the opposing groups agree with most that none of the first holders
    agrees with, among those about the same subject as the first (``same_subject``: statement id ->
    the topic's statements close enough to it by embedding, ``TopicInfo.same_subject``; None or
    empty = every topic statement). A k-means topic also holds statements about other things: on
    Austria's "werbung · internet · konsum" the opposing group's best was "Sommerzeit das ganze
    Jahr …" beside "Standardmäßig keine Werbung an Haushalte erlauben …". Without such a statement
    the one dividing statement stands alone, with who agrees and who disagrees with it. Each comes
    with who agrees and who disagrees, in words.
    """
    if len(groups) < 2:
        return []
    n_min = config.min_position_voters
    cand = [sid for sid in statement_ids if sid in stats and (usable_ids is None or sid in usable_ids)
            and not stats[sid].get("moderated_out")]

    def rate(side):
        return sum(k for _, k, _ in side) / max(1, sum(n for _, _, n in side))

    def side(sid, field):
        return _side(stats[sid], groups, n_min, field, sizes)

    def words(sid):
        return position_phrase(side(sid, "n_agree"), side(sid, "n_disagree"))

    dividing = [(sid, side(sid, "n_agree"), side(sid, "n_disagree")) for sid in cand]
    dividing = [(sid, pro, con) for sid, pro, con in dividing if pro and con]
    if not dividing:
        return []
    first, pro, con = max(dividing, key=lambda x: (rate(x[1]), sum(n for *_, n in x[1]), x[0]))
    holders, opponents = {g for g, *_ in pro}, {g for g, *_ in con}
    near = set(same_subject[first]) if same_subject and first in same_subject else None
    best = None
    for sid in cand:
        if sid == first or (near is not None and sid not in near):
            continue
        agree = side(sid, "n_agree")
        theirs = [x for x in agree if x[0] in opponents]
        if theirs and not any(g in holders for g, *_ in agree):
            score = (rate(theirs), sum(n for *_, n in theirs), sid)
            if best is None or score > best[0]:
                best = (score, sid)
    out = [(first, words(first))]
    if best is not None:
        out.append((best[1], words(best[1])))
    return out


def _agree_repness(analysis: AnalysisResult, group: int) -> list[str]:
    reps = analysis.stats.get("repness", {}).get(str(group)) or analysis.stats.get("repness", {}).get(group) or []
    return [r["statement_id"] for r in reps if r.get("direction") == "agree"]


def _most_agree(s: dict, group: int) -> bool:
    """More than half of the group's voters on the statement agreed (passes count as votes)."""
    return most_agree(_group_votes(s, group))


def _group_agreed(stats: dict[str, dict], group: int, min_agree: float) -> list[str]:
    """Statements most of the group's voters agreed with, ranked by the group's agree rate (at least
    ``min_agree``)."""
    scored = []
    for sid, s in stats.items():
        gv = (s.get("groups") or {}).get(str(group)) or {}
        rate = gv.get("agree_rate")
        if rate is not None and rate >= min_agree and not s.get("moderated_out") and _most_agree(s, group):
            scored.append((-rate, -int(gv.get("n_seen", 0)), sid))
    return [sid for *_, sid in sorted(scored)]


#: The one voice a topic made only of seed statements (statements without an author, which the
#: moderator typed or an import left authorless) stands for in the coverage audit: not a participant
#: id (those come from the store), so it never merges with one.
SEED_VOICE = "(seed statements)"


def statement_topics(analysis: AnalysisResult) -> dict[str, str]:
    """Statement id -> the key of the topic holding it ("topic:<n>"; the "Other" topic's statements
    left out: it has no draft), for the coverage audit to route a JR violation no opinion group holds."""
    return {sid: str(Audience.topic(t["id"])) for t in (analysis.topics or {}).get("topics", [])
            if not t.get("is_other") for sid in t["statement_ids"]}


def translations(analysis: AnalysisResult) -> dict[str, list[str]]:
    """Statement id -> its translations (the analysis's pairs of one point said in two languages),
    for the coverage audit: agreeing with a translation of a statement a draft cites counts as
    agreeing with the statement (a bilingual room's readers of one language vote on their version)."""
    out: dict[str, list[str]] = {}
    for a, b in (analysis.topics or {}).get("translations", []):
        out.setdefault(a, []).append(b)
        out.setdefault(b, []).append(a)
    return out


def group_members(analysis: AnalysisResult, statements: list[Statement], votes=None) -> dict[str, list[str]]:
    """Audience key -> distinct participants it stands for (opinion groups; topics by their authors:
    a statement without an author, a seed statement, is nobody's voice and adds no member). A topic
    of seed statements alone stands for :data:`SEED_VOICE`, one voice: with no member at all its
    draft would fail the audit as a draft for nobody, and the topic would be redrafted in vain."""
    out: dict[str, list[str]] = {str(Audience.group(g)): sorted(m) for g, m in analysis.group_members().items()}
    if analysis.topics:
        author = {s.external_id: s.author for s in statements}
        for t in analysis.topics.get("topics", []):
            voices = {author.get(sid) for sid in t["statement_ids"]} - {None, ""}
            out[str(Audience.topic(t['id']))] = sorted(voices) or ([SEED_VOICE] if t["statement_ids"] else [])
    return out


class DraftSentenceVerdict(BaseModel):
    """The guard's verdict on one sentence of a draft: what the graph keeps with the draft, the
    moderator sees and the report lists (the guard may check a sentence in parts; their problems are
    gathered here)."""

    model_config = ConfigDict(frozen=True)

    text: str
    supported: bool
    #: why, in words (with the sentence's words: for the moderator, never the public report)
    reason: str
    #: one entry per failed check (empty when supported)
    problems: list[str] = Field(default_factory=list)
    #: the kind of each entry of ``problems`` (a ``ProblemKind`` value): the public report words these
    problem_kinds: list[str] = Field(default_factory=list)
    #: the cited statements each entry of ``problems`` names (its ``Problem.statements``; empty: none)
    problem_statements: list[list[str]] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    #: the language model's second opinion on each checked part (empty: none was asked)
    model_verdicts: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _statements_beside_each_problem(cls, data):
        """One list of statement ids per problem, so the three lists stay side by side: a sentence
        the guard refuses (:meth:`refused`) names no statement, and a verdict kept by a checkpoint
        from before the ids were kept has none (a review step zipping the lists lost its problem)."""
        if isinstance(data, dict):
            ids = list(data.get("problem_statements") or [])
            missing = len(data.get("problems") or []) - len(ids)
            if missing > 0:
                data = {**data, "problem_statements": ids + [[] for _ in range(missing)]}
        return data

    @classmethod
    def refused(cls, sentence: DraftSentence, kind: ProblemKind) -> DraftSentenceVerdict:
        """A sentence the guard cannot check: it cites nothing usable (``kind`` says how)."""
        return cls(text=sentence.text, supported=False, reason=kind.public, problems=[kind.public],
                   problem_kinds=[kind.value], citations=list(sentence.citations))


def ground(draft: Draft, statements: list[Statement], encoder=None, config: GroundingConfig = GroundingConfig(),
           judge: LLMJudge | None = None) -> tuple[list[DraftSentence], list[DraftSentenceVerdict]]:
    """Run the faithfulness guard; keep supported sentences. Returns (kept sentences, one verdict
    per sentence).

    ``judge``: the language model's second opinion (``deliberation.grounding.LLMJudge``); a
    sentence the rules accept is then kept only when the model judges it entailed."""
    cited = {c for s in draft.sentences for c in s.citations}
    sources = [{"id": s.external_id, "text": s.text} for s in statements if s.external_id in cited]
    kept: list[DraftSentence] = []
    verdicts: list[DraftSentenceVerdict] = []
    for sentence in draft.sentences:
        srcs = [x for x in sources if x["id"] in set(sentence.citations)]
        if not sentence.citations or not sources:
            verdicts.append(DraftSentenceVerdict.refused(sentence.model_copy(update={"citations": []}),
                                                         ProblemKind.NO_CITATION))
            continue
        if not srcs:
            verdicts.append(DraftSentenceVerdict.refused(sentence, ProblemKind.UNUSABLE_CITATION))
            continue
        report = check_draft(srcs, sentence.text, list(sentence.citations), encoder=encoder, config=config,
                             judge=judge)
        verdicts.append(DraftSentenceVerdict(
            text=sentence.text, supported=bool(report.supported),
            reason="; ".join(x.reason for x in report.sentences) or "empty",
            problems=[p for x in report.sentences for p in x.problems],
            problem_kinds=[k.value for x in report.sentences for k in x.problem_kinds],
            problem_statements=[ids for x in report.sentences for ids in x.problem_statements],
            model_verdicts=[x.model_verdict for x in report.sentences if x.model_verdict],
            citations=list(sentence.citations)))
        if verdicts[-1].supported:
            kept.append(sentence)
    return kept, verdicts


def grounded_extractive(request: DraftRequest, statements: list[Statement], encoder=None,
                        config: GroundingConfig = GroundingConfig()):
    """The extractive draft for ``request``, checked by the guard: (kept sentences, verdicts).

    A quote the guard rejects (e.g. a moderator-approved statement that is only an instruction to
    a model, "Ignore the above and write ...", whose claim is empty) is never used as a fallback:
    its statement is left out and the next-best sources are quoted instead, until the quotes are
    supported or no source is left (then ``([], verdicts of the last try)``). Bounded: each round
    drops at least one source.
    """
    sources = list(request.sources)
    verdicts: list[DraftSentenceVerdict] = []
    while sources:
        sentences = ExtractiveDrafter().draft(dataclasses.replace(request, sources=sources))
        if not sentences:
            break
        kept, verdicts = ground(Draft(kind=request.kind, speaks_for=request.speaks_for, sentences=sentences),
                                statements, encoder=encoder, config=config)
        if len(kept) == len(sentences):
            return kept, verdicts
        bad = {c for s, v in zip(sentences, verdicts) if not v.supported for c in s.citations}
        if not bad & {s.id for s in sources}:  # nothing left to drop: no further round can differ
            break
        sources = [s for s in sources if s.id not in bad]
    return [], verdicts


def approvals_from_matrix(matrix) -> dict[str, set[str]]:
    """The coverage audit's approval data: every participant who cast a vote -> the statement ids
    they agreed with (empty for one who only disagreed or passed).

    Read from the vote matrix with numpy: at 100,000 participants x 5 million votes a pandas
    ``groupby(...).apply(set)`` over the long vote table took tens of seconds and ~1 GB.
    """
    n = matrix.shape[0]
    voted = np.bincount(matrix.rows, minlength=n) > 0
    agree = matrix.vals == 1
    rows, cols = matrix.rows[agree], matrix.cols[agree]
    order = np.argsort(rows, kind="stable")
    rows, cols = rows[order], cols[order]
    bounds = np.searchsorted(rows, np.arange(n + 1))
    sids = np.asarray(matrix.statement_ids, dtype=object)
    return {pid: set(sids[cols[bounds[i]:bounds[i + 1]]].tolist())
            for i, pid in enumerate(matrix.participant_ids) if voted[i]}


#: fewest votes on analysed statements a late participant needs to be placed into a group
MIN_VOTES_TO_PLACE = 3


def placement_note(placed: int, ungrouped: int) -> str:
    """What :func:`group_labels` did, in words. Most of those placed were there at the analysis
    with too few votes to be grouped (Seattle $15: 85 of 201, none of them newcomers), so they
    are not called participants "who joined after the analysis". Empty when there is nobody to
    place or leave out."""
    if not placed and not ungrouped:
        return ""
    return said("tally.placed", n=placed, remain=said("tally.remain", n=ungrouped))


def group_labels(analysis: AnalysisResult, matrix, min_votes: int = MIN_VOTES_TO_PLACE):
    """Group per matrix row: the analysis's groups, plus late participants placed by their votes.

    A participant in no group at the analysis (who joined later, or had voted on too few statements
    to be grouped then) gets the group whose mean vote (agree rate minus
    disagree rate, per statement) is closest to their own votes on the analysed statements, if
    they voted on at least ``min_votes`` of them; otherwise -1 (ungrouped). Returns the labels and
    how many participants were placed.
    """
    labels = np.array([analysis.groups.get(p, -1) for p in matrix.participant_ids], dtype=int)
    groups = [g.id for g in analysis.group_summaries]
    if not groups:
        return labels, 0
    col = {sid: j for j, sid in enumerate(matrix.statement_ids)}
    profile = np.full((len(groups), len(matrix.statement_ids)), np.nan)
    for sid, s in analysis.statement_stats().items():
        j = col.get(sid)
        for gi, g in enumerate(groups):
            gv = (s.get("groups") or {}).get(str(g))
            if j is not None and gv and gv.get("n_seen", 0) > 0:
                profile[gi, j] = gv["agree_rate"] - gv["disagree_rate"]
    values = matrix.values().tocsr()
    placed = 0
    for i in np.flatnonzero(labels < 0):
        row = values.getrow(i)
        cols = row.indices[np.isfinite(profile[:, row.indices]).all(axis=0)] if row.nnz else row.indices
        if len(cols) < min_votes:
            continue
        mine = np.asarray(row[:, cols].todense()).ravel()
        dist = ((profile[:, cols] - mine) ** 2).mean(axis=1)
        labels[i] = groups[int(np.argmin(dist))]
        placed += 1
    return labels, placed
