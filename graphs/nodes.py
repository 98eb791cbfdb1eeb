"""The facilitation graph's nodes: one module-level function per step.

Each node takes the typed state (:class:`~graphs.state.FacilitationState`) and LangGraph's
runtime, whose ``context`` (:class:`~graphs.context.Context`) gives the run's settings and its
services. The logic lives in ``deliberation/`` (pure functions over the analysis and the
statements); a node reads from the store, calls that logic and returns its update; the side
effects (store writes, model calls, the moderator's interrupts) stay in the nodes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from deliberation.analysis.pipeline import analyze
from deliberation.coverage import audit_coverage
from deliberation.drafting.base import DraftRequest, RefusedSentence
from deliberation.drafting.client import LLMUnavailableError
from deliberation.drafting.extractive import ExtractiveDrafter
from deliberation.facilitation import (
    DraftSentenceVerdict,
    approvals_from_matrix,
    build_requests,
    ground as check_sentences,
    grounded_extractive,
    group_labels,
    group_members,
    placement_note,
    statement_topics,
    translations,
)
from deliberation.grounding import public_reason
from deliberation.models import ModerationStatus, Statement
from deliberation.report import build_report, topic_names, write_report
from deliberation.services import indexed_vectors, ordered_vectors
from deliberation.tally import TallyResult
from deliberation.tally import tally as count_votes
from deliberation.wording import Audience, audience_name, ballot_name, ballot_words, draft_heading
from deliberation.words import QUESTION_LANGUAGE_SETTING, ROOM_LANGUAGE_SETTING, percent, said
from graphs.context import Context, context_of
from graphs.review import review
from graphs.state import DraftRecord, FacilitationState, PublishedDraft

__all__ = ["intake", "analyse", "draft", "ground", "audit", "review", "publish", "voting", "tally",
           "revise", "report", "route_after_ground", "route_after_audit", "route_after_review",
           "route_after_tally", "context_of"]

# ---- intake and analysis -------------------------------------------------------------------
def moderation_summary(statements: list[Statement]) -> dict[str, Any]:
    """The moderator queue and what was moderated out, with a sentence saying so."""
    queue = [{"id": s.external_id, "reason": s.moderation_reason} for s in statements
             if s.moderation is ModerationStatus.NEEDS_REVIEW]
    removed = [{"id": s.external_id, "reason": s.moderation_reason or "rejected by the moderator"}
               for s in statements if s.moderation is ModerationStatus.REJECTED]
    return {"n_statements": len(statements), "queue": queue, "removed": removed,
            "note": said("moderation.note", n=len(queue), removed=said("moderation.removed", n=len(removed)))}


def intake(state: FacilitationState, runtime: Runtime[Context]) -> dict:
    """Statements were redacted and flagged at import; index the ones without a vector."""
    svc = context_of(runtime).services
    cid = state.consultation_id
    statements = svc.store.statements(cid)
    # every statement is embedded once (cache by text hash); a vector index that fails on this
    # consultation's records is rebuilt (said in the log)
    notes: list[str] = []
    model = svc.consultation_model(cid).model  # stored, or chosen from the statements now
    _, n_missing = indexed_vectors(svc.index_for(model), svc.embedder_for(model), cid, statements, note=notes.append)
    moderation = moderation_summary(statements)
    return {"question": svc.store.get_consultation(cid).question, "moderation": moderation,
            "log": [said("log.intake", n=len(statements), n_queue=len(moderation["queue"]),
                         n_out=len(moderation["removed"]), n_new=n_missing)]
            + [said("log.intake_note", detail=n) for n in notes]}


def analyse(state: FacilitationState, runtime: Runtime[Context]) -> dict:
    """Topics, opinion groups and statistics (deliberation.analysis) with the context's settings."""
    ctx = context_of(runtime)
    svc, cid = ctx.services, state.consultation_id
    statements = [s for s in svc.store.statements(cid) if not s.is_draft]
    # the model is chosen again from the statements; after a switch its collection gets them all
    choice = svc.consultation_model(cid, statements)
    notes: list[str] = []
    vectors, n_new = ordered_vectors(svc.index_for(choice.model), svc.embedder_for(choice.model), cid, statements,
                                     choice, note=notes.append)
    # near-duplicate thresholds follow the model that made the vectors
    config = dataclasses.replace(ctx.analysis, topics=dataclasses.replace(
        ctx.analysis.topics, embedding_model=svc.embedder_for(choice.model).model_name))
    room_language = (svc.store.get_consultation(cid).settings or {}).get(ROOM_LANGUAGE_SETTING) or ""
    result = analyze(svc.store.vote_matrix(cid, statements=statements), statements, vectors if statements else None,
                     question=state.question, config=config, embedding=str(choice), room_language=room_language)
    switched = [said("log.analyse_model", model=choice.model, reason=str(choice).removeprefix(f"{choice.model}: "),
                     n=n_new)] if choice.switched else []
    switched += [said("log.analyse_note", detail=n) for n in notes]
    return {"analysis": result, "audit_rounds": 0, "revise_rounds": 0, "redraft": [], "feedback": {}, "exclude": {},
            "log": switched + [said("log.analyse", n_groups=len(result.group_summaries),
                                    n_topics=len((result.topics or {}).get("topics", [])),
                                    n_candidates=len(result.consensus))]}


# ---- drafting and the guard ----------------------------------------------------------------
def write_draft(request: DraftRequest, drafter, attempt: int,
                log: Callable[[str], None] | None = None) -> DraftRecord | None:
    """One request drafted; a failing or empty LLM draft falls back to the extractive one, saying why:
    in the draft's notes in plain words (they reach the public report), and the error itself to
    ``log`` (the run's log, the moderator's). A report read 'the llm:http://127.0.0.1:60335/v1/… drafter
    failed (LLMUnavailableError: … OpenAIConnectionError: Connection error.)' under a draft."""
    notes: list[str] = []
    # opposed positions are quoted side by side with their holders, never rewritten together: the
    # extractive drafter's quotes, recorded as its (the guard then asks no model about them)
    writer = ExtractiveDrafter() if request.split else drafter
    try:
        sentences = writer.draft(request)
    except Exception as e:  # a model server down must not lose the run: fall back, say why
        sentences = []
        notes.append(said("draft_note.unreachable" if isinstance(e, LLMUnavailableError) else "draft_note.failed"))
        if log:
            log(said("log.llm_failed", key=request.speaks_for, error=f"{type(e).__name__}: {e}"))
    name = writer.name
    if not sentences and writer.name != "extractive":
        sentences = ExtractiveDrafter().draft(request)
        name = "extractive"
        notes.append(said("draft_note.no_usable"))
    if not sentences:
        return None
    return DraftRecord(key=request.speaks_for, kind=request.kind, audience=request.audience,
                       purpose=request.purpose, sentences=sentences, drafter=name, attempt=attempt,
                       sources=[s.id for s in request.sources], notes=" ".join(notes), split=request.split)


def draft(state: FacilitationState, runtime: Runtime[Context]) -> dict:
    """Draft every audience (or only those in ``state.redraft``), keeping the other drafts."""
    ctx = context_of(runtime)
    only = set(state.redraft) or None
    statements = ctx.services.store.statements(state.consultation_id)
    requests = build_requests(state.analysis, statements, state.question, ctx.facilitation, only=only,
                              relaxed=bool(only and state.audit_rounds), feedback=state.feedback,
                              exclude=state.exclude, include=state.include, grounding=ctx.grounding)
    drafter = ctx.services.drafter(ctx.drafting)
    previous = {d.key: d for d in state.drafts}
    new: dict[str, DraftRecord] = {}
    lines = []
    for req in requests:
        attempt = (previous[req.speaks_for].attempt + 1 if req.speaks_for in previous else 1) if only else 1
        refused = guard_refusals(previous.get(req.speaks_for)) if only else ()
        ask = dataclasses.replace(req, refused=refused) if refused else req
        record = write_draft(ask, drafter, attempt, lines.append)
        # said only when the drafter's prompt showed them (an LLM drafter with max_refused > 0; the
        # line was written for any drafter, max_refused = 0 too, with every refusal counted)
        shown = getattr(drafter, "refusals_shown", None)
        told = shown(ask) if refused and shown else 0
        if told:
            lines.append(said("log.guard_reasons", n=told, key=req.speaks_for, n_attempt=attempt - 1))
        if record is None:
            lines.append(said("log.nothing_to_draft", key=req.speaks_for))
        elif _rejected_before(previous.get(req.speaks_for), record):
            lines.append(said("log.stays_rejected", key=req.speaks_for))
        else:
            new[req.speaks_for] = record
    merged = [new.get(k, d) for k, d in previous.items()] + [d for k, d in new.items() if k not in previous]
    merged = [d for d in merged if only is None or d.key in new or d.key not in only or d.sentences]
    lines.insert(0, said("log.draft_only", n=len(new), drafter=drafter.name, keys=str(sorted(only))) if only
                 else said("log.draft", n=len(new), drafter=drafter.name))
    return {"drafts": merged, "redraft": [], "include": {}, "log": lines}


def guard_refusals(previous: DraftRecord | None) -> tuple[RefusedSentence, ...]:
    """What the guard refused of a draft it sent back whole (``ground_draft``: not grounded since,
    attempt 1 or more, every verdict unsupported), for the redraft's prompt; nothing for any other
    draft (a revision round's draft is reset to attempt 0 and its verdicts are the kept ones')."""
    if previous is None or previous.grounded or previous.attempt < 1 or not previous.verdicts \
            or any(v.supported for v in previous.verdicts):
        return ()
    return tuple(RefusedSentence(text=v.text, citations=tuple(v.citations), problems=tuple(_problem_words(v)))
                 for v in previous.verdicts)


def _rejected_before(previous: DraftRecord | None, record: DraftRecord) -> bool:
    """A redraft (the coverage audit of a revision round asks for one of an audience whose draft the
    moderator rejected) with the very words the moderator rejected: put before them again, it came
    back for review as if new (a small room's extractive topic draft has no other words to take)."""
    return (previous is not None and previous.status == "rejected"
            and ballot_words(previous.text) == ballot_words(record.text))


def _problem_words(v: DraftSentenceVerdict) -> list[str]:
    """The kind of each of a verdict's problems in the guard's fixed public wording."""
    return [public_reason(p) for p in (v.problem_kinds or v.problems or [v.reason])]


def _public_reasons(verdicts: list[DraftSentenceVerdict]) -> str:
    """The kinds of the guard's problems in words. Notes reach the public report: only the kind of
    each problem is named, never the words of a rejected sentence (perhaps an injected payload);
    the verdicts keep them for the moderator."""
    return "; ".join(dict.fromkeys(p for v in verdicts if not v.supported for p in _problem_words(v)))


def with_note(notes: str, note: str) -> str:
    """A draft's notes with one more (:func:`deliberation.words.notes_in` reads them back one by one)."""
    return f"{notes} {note}".strip()


def _extractive_fallback(d: DraftRecord, state: FacilitationState, ctx: Context, statements: list[Statement],
                         sources: list[Statement], verdicts: list[DraftSentenceVerdict], reason: str) -> DraftRecord:
    """The extractive draft instead of one the guard rejected whole. It is grounded too: a quote the
    guard rejects (an approved statement that is only an instruction to a model) is replaced by
    the next-best source."""
    requests = build_requests(state.analysis, statements, state.question, ctx.facilitation, only={d.key},
                              grounding=ctx.grounding)
    encoder = ctx.services.consultation_embedder(state.consultation_id)
    fallback, fb_verdicts = (grounded_extractive(requests[0], sources, encoder=encoder, config=ctx.grounding)
                             if requests else ([], []))
    notes = with_note(d.notes, said("draft_note.fallback" if fallback else "draft_note.fallback_none",
                                    n=d.attempt, reason=reason))
    return d.model_copy(update={"sentences": fallback, "drafter": "extractive",
                                "verdicts": fb_verdicts if fallback else verdicts, "notes": notes})


def ground_draft(d: DraftRecord, state: FacilitationState, ctx: Context, statements: list[Statement],
                 sources: list[Statement]) -> tuple[DraftRecord, bool, str]:
    """One draft through the guard: (the draft, whether to redraft it, the log line). Unsupported
    sentences are removed; an LLM draft with none left is redrafted (bounded), else replaced by
    the extractive draft."""
    judge = ctx.services.judge(ctx.drafting) if d.drafter != "extractive" else None
    encoder = ctx.services.consultation_embedder(state.consultation_id)
    kept, verdicts = check_sentences(d.as_draft(), sources, encoder=encoder, config=ctx.grounding, judge=judge)
    d = d.model_copy(update={"verdicts": verdicts, "grounded": True})
    dropped = len(d.sentences) - len(kept)
    again = False
    if dropped:
        reason = _public_reasons(verdicts)
        if kept:
            d = d.model_copy(update={"sentences": kept, "notes": with_note(
                d.notes, said("draft_note.removed", n=dropped, reason=reason))})
        elif d.drafter != "extractive" and d.attempt < ctx.facilitation.max_draft_attempts:
            again = True
            d = d.model_copy(update={"grounded": False, "notes": with_note(
                d.notes, said("draft_note.redrafting", attempt=d.attempt, reason=reason))})
        else:
            d = _extractive_fallback(d, state, ctx, statements, sources, verdicts, reason)
    return d, again, said("log.ground", key=d.key, n_kept=len(verdicts) - dropped, n_checked=len(verdicts))


def ground(state: FacilitationState, runtime: Runtime[Context]) -> dict:
    """The faithfulness guard on every draft not checked since it was drafted."""
    ctx = context_of(runtime)
    statements = ctx.services.store.statements(state.consultation_id)
    sources = [s for s in statements if s.is_public]
    out, retry, lines = [], [], []
    for d in state.drafts:
        if not d.grounded:
            d, again, line = ground_draft(d, state, ctx, statements, sources)
            lines.append(line)
            if again:
                retry.append(d.key)
        out.append(d)
    return {"drafts": out, "redraft": retry, "log": lines or [said("log.ground_none")]}


def route_after_ground(state: FacilitationState) -> Literal["draft", "audit"]:
    return "draft" if state.redraft else "audit"


# ---- coverage ------------------------------------------------------------------------------
def _audit_slate(state: FacilitationState, ctx: Context, statements: list[Statement] | None = None):
    """The coverage audit of the drafts as they stand: before review every draft, after it the
    drafts the moderator did not reject. An agree vote on a draft's latest publication counts as
    approving the draft (its key), so the draft is not mistaken for a left-out statement.
    ``statements``: the consultation's, when the caller has read them (else read here)."""
    store, cid = ctx.services.store, state.consultation_id
    statements = store.statements(cid) if statements is None else statements
    drafts = [d for d in state.drafts if d.sentences]
    latest = {p.statement_id: p.keys for p in {p.key: p for p in state.published}.values()}

    def by_key(agreed: set[str]) -> set[str]:  # only the published ids renamed: most voters agreed with none
        hit = agreed & latest.keys()
        return (agreed - hit) | {k for x in hit for k in latest[x]} if hit else agreed

    matrix = store.vote_matrix(cid, include_drafts=True, statements=statements)  # the statements read once
    approvals = {pid: by_key(agreed) for pid, agreed in approvals_from_matrix(matrix).items()}
    # who voted on each published draft: the others approve it by the statements it cites
    draft_voters = {k: pids for sid, pids in matrix.voters_on(latest).items() for k in latest[sid]}
    # each with its status: as_draft() alone made every draft a "draft", so a rejected one stayed on the slate
    # a JR violation no opinion group holds goes to the topic of its statement (when topics are drafted)
    topics = statement_topics(state.analysis) if ctx.facilitation.topic_drafts else None
    return audit_coverage([d.as_draft(status=d.status) for d in drafts],
                          group_members(state.analysis, statements), approvals, ctx.coverage,
                          draft_keys=[d.key for d in drafts], statement_topics=topics,
                          translations=translations(state.analysis), draft_voters=draft_voters)


def audit(state: FacilitationState, runtime: Runtime[Context]) -> dict:
    """Every group heard, none amplified (deliberation.coverage); a failed audit redrafts (bounded).
    The log says what the redraft answers and when the rounds ran out (the review then shows the
    failed audit as it is)."""
    ctx = context_of(runtime)
    result = _audit_slate(state, ctx)
    redraft, include, lines = [], {}, [said("log.audit", finding=result.verdict)]
    rounds = ctx.facilitation.max_audit_rounds
    if not result.passed and state.audit_rounds < rounds:
        redraft, include = list(result.groups_to_redraft), dict(result.jr_sources)
        lines += [said("log.audit", finding=result.jr_route)] if result.jr_route else []
    elif not result.passed and result.groups_to_redraft:
        lines.append(said("log.audit_no_redraft", n=rounds))
    return {"audit": result.model_dump(mode="json"), "audit_rounds": state.audit_rounds + 1, "redraft": redraft,
            "include": include, "log": lines}


def route_after_audit(state: FacilitationState) -> Literal["draft", "review"]:
    return "draft" if state.redraft else "review"


def route_after_review(state: FacilitationState) -> Literal["review", "publish"]:
    return "review" if any(d.pending for d in state.drafts) else "publish"


# ---- publishing and voting -----------------------------------------------------------------
def publish(state: FacilitationState, runtime: Runtime[Context]) -> dict:
    """Approved drafts become statements participants vote on, each its own ballot item; approved
    drafts with word for word the same text (a small room's topic draft quoting the statement a
    group's draft quotes) become one ballot item standing for both, which the report shows under
    each (two items with one text: a participant could not tell them apart)."""
    store, cid = context_of(runtime).services.store, state.consultation_id
    already = {k for p in state.published_now() for k in p.keys}
    out = list(state.published)
    orphans = _unpublished_drafts(state, store.statements(cid))
    # headings as the report and the tally name them, a topic by its label: "Where opinions split on
    # topic 0" on the participant page and the board named a topic no page numbers
    topics = topic_names(state.analysis.topics if state.analysis else None)
    lines = []
    for d in state.drafts:
        if d.status != "approved" or d.key in already:
            continue
        heading = draft_heading(d.key, split=d.split, topics=topics)
        same = next((i for i, p in enumerate(out) if p.round == state.revise_rounds
                     and ballot_words(p.text) == ballot_words(d.text)), None)
        if same is not None:
            p = out[same]
            out[same] = p.model_copy(update={"also": [*p.also, d.key], "heading": f"{p.heading}; {heading}",
                                             "citations": sorted({*p.citations, *d.citations})})
            lines.append(said("log.publish_same", key=d.key, key_same=p.key, sid=p.statement_id))
            continue
        stored = orphans.get(" ".join(d.text.split())) or []
        sid = stored.pop(0) if stored else store.add_statement(cid, None, d.text, is_draft=True).external_id
        out.append(PublishedDraft(key=d.key, kind=d.kind, statement_id=sid, text=d.text,
                                  heading=heading, split=d.split, draft_id=d.draft_id,
                                  round=state.revise_rounds, citations=d.citations))
        lines.append(said("log.publish", key=d.key, sid=sid))
    drafts = [d.model_copy(update={"status": "published"}) if d.status == "approved" else d for d in state.drafts]
    return {"published": out, "drafts": drafts, "log": lines or [said("log.publish_none")]}


def _unpublished_drafts(state: FacilitationState, statements: list[Statement]) -> dict[str, list[str]]:
    """Draft statements this run stored that no published item names, by text (spacing aside): a
    publish step stopped between storing them and its checkpoint (a server restart, a killed
    terminal, a database error) left them, and its retry stored every draft again beside them."""
    floor, named = state.last_statement_at_start, {p.statement_id for p in state.published}
    found: dict[str, list[str]] = {}
    if floor is None:
        return found
    for s in statements:
        if s.is_draft and s.external_id.isdigit() and int(s.external_id) > floor and s.external_id not in named:
            found.setdefault(" ".join(s.text.split()), []).append(s.external_id)
    return found


def voting(state: FacilitationState, runtime: Runtime[Context]) -> dict:
    """Wait (interrupt) until the moderator closes voting on the published drafts."""
    current = state.published_now()
    if not current:
        # the moderator rejected every draft (or every redraft of a revision round, whose vote before
        # it then stands: tally): nothing to vote on; the console offered "Open voting" on an empty list
        return {"log": [said("log.voting_none_revised" if state.revise_rounds else "log.voting_none")]}
    interrupt({"type": "voting", "consultation_id": state.consultation_id,
               "published": [p.model_dump(mode="json") for p in current],
               "how": "participants vote on the published drafts; resume with {'close': true} to close voting"})
    # closed in the store before the tally (runner.resume did so already; this covers any other
    # caller): no vote on these drafts is accepted from here on, so the tally counts them all
    context_of(runtime).services.store.close_voting(state.consultation_id, [p.statement_id for p in current])
    return {"log": [said("log.voting_closed")]}


def revision_requests(result: TallyResult, current: list[PublishedDraft]
                      ) -> tuple[dict[str, list[str]], list[str], dict[str, list[str]]]:
    """Drafts a group sent back: (feedback per key in words, keys to redraft, statements each must
    not cite again). Any group may send back a common-ground draft (it claims to speak for all);
    only its own group a group's draft (other groups disagreeing with a minority view is
    expected); topic drafts are not tied to a group."""
    feedback: dict[str, list[str]] = {}
    redraft: list[str] = []
    exclude: dict[str, list[str]] = {}
    by_sid = {p.statement_id: p for p in current}
    for sid, groups in result.rejected_by.items():
        pub = by_sid.get(sid)
        counted = next((x for x in result.drafts if x.draft_id == sid), None)
        for key in pub.keys if pub and counted else []:  # a merged ballot item: each draft it stands for
            audience = Audience.parse(key)
            if audience.is_topic:
                continue
            objecting = groups if audience.is_everyone else [g for g in groups if Audience.parse(g) == audience]
            if not objecting:
                continue
            for g in objecting:
                ga = next((x for x in counted.groups if Audience.parse(x.group) == Audience.parse(g)), None)
                share = f"{percent(ga.agree_rate)} of {ga.n_votes} voters" if ga and ga.agree_rate is not None else "few"
                feedback.setdefault(key, []).append(f"{audience_name(g)} did not endorse the draft: only {share} agreed.")
            redraft.append(key)
            exclude[key] = list(pub.citations)
    return feedback, redraft, exclude


#: The tally's note when a revision round put no draft to the vote.
NO_REVISED_VOTE = said("tally.no_revised_vote")


def tally(state: FacilitationState, runtime: Runtime[Context]) -> dict:
    """Count the votes on the current round's drafts; drafts a group rejected go back (bounded)."""
    current = state.published_now()
    ids = [p.statement_id for p in current]
    if not ids and state.revise_rounds and state.tally:
        # the revision round put nothing to the vote (the moderator rejected its redrafts): the vote
        # before it stands. Its tally said "No draft was published, so there is nothing to tally" and
        # the report "No draft was put to the vote" below the drafts' votes
        return {"tally": {**state.tally, "revised_vote": False,
                          "notes": [*(state.tally.get("notes") or []), NO_REVISED_VOTE]},
                "feedback": {}, "redraft": [], "exclude": {}, "log": [said("log.tally_note", finding=NO_REVISED_VOTE)]}
    ctx = context_of(runtime)
    matrix = ctx.services.store.vote_matrix(state.consultation_id, include_drafts=True)
    labels, placed = group_labels(state.analysis, matrix)
    # a revision round ranks the whole ballot as it stands (its redrafts and the drafts of earlier rounds
    # it did not replace, each by the votes of its own round): it ranked its redraft alone, and one nobody
    # voted on as "every ranking is a tie"
    slate = ballot_slate(state)
    # each ballot item as the report names it ("Common ground 1 (8)"), in the notes of the CLI, console and
    # report: by its published heading, which names every draft a merged item stands for
    names = {p.statement_id: ballot_name(p.heading, p.statement_id) for p in slate}
    ranked = [p.statement_id for p in slate]
    # the voting node closed voting before this: no note may say nobody voted on a draft "yet"
    result = count_votes(matrix, labels, ranked, ctx.tally, names=names, closed=True) if ids else None
    data = result.model_dump(mode="json") if result else {"notes": [said("tally.none_published")]}
    # the replaced versions keep their counts (their voting closed): the report said "nobody voted on it"
    # of every draft voted on before a revision round
    earlier = {p.statement_id for p in state.published if p.round < state.revise_rounds} - set(ranked)
    data["drafts"] = [d for d in (state.tally or {}).get("drafts") or [] if d.get("draft_id") in earlier] + list(
        data.get("drafts") or [])
    ungrouped = int(((labels < 0) & (np.bincount(matrix.rows, minlength=matrix.shape[0]) > 0)).sum())
    data["notes"] = list(data.get("notes") or []) + [n for n in [placement_note(placed, ungrouped)] if n]
    feedback, redraft, exclude = {}, [], {}
    if result and state.revise_rounds < ctx.facilitation.max_revise_rounds:
        feedback, redraft, exclude = revision_requests(result, current)
        redraft, stands = _redraftable(state, ctx, redraft, feedback, exclude)
        data["notes"] += [said("tally.stands", draft=names[p.statement_id], groups=", ".join(
            audience_name(g) for g in result.rejected_by.get(p.statement_id, []))) for p in current if set(p.keys) & stands]
        feedback = {k: v for k, v in feedback.items() if k in redraft}
        exclude = {k: v for k, v in exclude.items() if k in redraft}
    return {"tally": data, "feedback": feedback, "redraft": redraft, "exclude": exclude,
            "log": [tally_line(len(ranked) if ids else 0, data.get("notes") or [])]}


def ballot_slate(state: FacilitationState) -> list[PublishedDraft]:
    """The ballot as it stands after the current round: every draft put to the vote that no later
    round's redraft replaced (a redraft stands for the keys of the draft it replaces), oldest first."""
    seen: set[str] = set()
    slate: list[PublishedDraft] = []
    for p in sorted(state.published, key=lambda x: -x.round):  # the newest round first
        if not set(p.keys) & seen:
            slate.append(p)
        seen |= set(p.keys)
    return sorted(slate, key=lambda x: x.round)


def tally_line(n_drafts: int, notes: list[str]) -> str:
    """The tally's log line: the drafts counted and the first two of its notes."""
    if len(notes) >= 2:
        return said("log.tally_two", n=n_drafts, first=notes[0], finding=notes[1])
    return said("log.tally_one", n=n_drafts, finding=notes[0]) if notes else said("log.tally", n=n_drafts)


def _redraftable(state: FacilitationState, ctx: Context, redraft: list[str], feedback: dict[str, list[str]],
                 exclude: dict[str, list[str]]) -> tuple[list[str], set[str]]:
    """(the keys a revision can redraft, those it cannot): a draft whose sources are all used up (a
    small room's slate cites every candidate) has no other statement to be drafted from; sent back,
    it returned to review unchanged, was called revised, and was put to a second vote word for word.
    So does a group's draft whose request would cite only the statements the rejected draft cited (its
    group agrees with no other: the sources fall back to the excluded ones), found in a room of six
    run by hand (tests/room_hand.py, tests/test_room_group_revision.py)."""
    if not redraft:
        return [], set()
    statements = ctx.services.store.statements(state.consultation_id)
    possible = {r.speaks_for for r in build_requests(state.analysis, statements, state.question, ctx.facilitation,
                                                    only=set(redraft), feedback=feedback, exclude=exclude,
                                                    grounding=ctx.grounding)
                if not {s.id for s in r.sources} <= set(exclude.get(r.speaks_for, ()))}
    return [k for k in redraft if k in possible], {k for k in redraft if k not in possible}


def route_after_tally(state: FacilitationState) -> Literal["revise", "report"]:
    return "revise" if state.redraft else "report"


def revise(state: FacilitationState) -> dict:
    """Send the rejected drafts back to drafting with the groups' objections."""
    keys = set(state.redraft)
    drafts = [d.model_copy(update={"status": "draft", "grounded": False, "attempt": 0}) if d.key in keys else d
              for d in state.drafts]
    return {"drafts": drafts, "revise_rounds": state.revise_rounds + 1, "audit_rounds": 0,
            "log": [said("log.revise", keys=str(sorted(keys)))]}


def report(state: FacilitationState, runtime: Runtime[Context]) -> dict:
    """The report files; its counts are the database's at the time of writing."""
    ctx = context_of(runtime)
    store, cid = ctx.services.store, state.consultation_id
    method = {**dataclasses.asdict(ctx.drafting), "seed": ctx.analysis.seed,
              "topic_drafts": ctx.facilitation.topic_drafts,
              "consensus_slate_size": ctx.facilitation.consensus_slate_size}
    # the audit again, of the slate that went to the vote: the one in the state was made before the
    # moderator's review, and kept saying "every group has a draft" after a group's draft was rejected
    statements = store.statements(cid)  # read once: the audit and the report see the same ones
    final = _audit_slate(state, ctx, statements).model_dump(mode="json")
    rejected = [d.heading or d.key for d in state.drafts if d.sentences and d.status == "rejected"]
    final["findings"] = [said("audit.audited_rejected", n=len(rejected), drafts=", ".join(rejected)) if rejected
                         else said("audit.audited")] + final["findings"]
    room = store.get_consultation(cid).settings or {}
    rep = build_report({**state.model_dump(mode="json"), "audit": final, "options": method}, statements,
                       counts=store.counts(cid), question_language=room.get(QUESTION_LANGUAGE_SETTING))
    # in the room's language (the moderator's choice; the JSON's figures are the same in every language)
    lang = room.get(ROOM_LANGUAGE_SETTING)
    paths = write_report(rep, ctx.services.settings.data_dir / "reports" / str(cid), lang)
    return {"report": {"paths": {k: str(v) for k, v in paths.items()}}, "log": [said("log.report", file=str(paths["md"]))]}
