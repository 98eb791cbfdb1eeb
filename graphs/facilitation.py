"""The facilitation graph: intake -> analyse -> draft -> ground -> audit -> review -> publish ->
voting -> tally -> (revise ->) report.

One LangGraph ``StateGraph`` over one typed state (:class:`FacilitationState`, plain JSON values
so any checkpointer can store it), checkpointed with ``SqliteSaver`` in the data directory
(thread id = the consultation id). Each node calls logic from ``deliberation/``; side effects
(storage, model calls) stay in the nodes. Two ``interrupt()`` points wait for people: the
moderator's review of the drafts, and the moderator closing the vote.
"""

from __future__ import annotations

import operator
import sqlite3
from pathlib import Path
from typing import Annotated, Any, Literal, TypedDict

import numpy as np
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from deliberation.config import Settings
from deliberation.models import Draft, DraftKind, DraftSentence, ReviewDecision


class Options(TypedDict, total=False):
    #: "extractive" (default, offline) or "llm"
    drafter: str
    #: LLM: "provider:model" for init_chat_model, or a model name served at ``base_url``
    model: str | None
    #: LLM: OpenAI-compatible server (llama.cpp, Ollama, vLLM)
    base_url: str | None
    seed: int
    topic_drafts: bool
    max_audit_rounds: int
    max_revise_rounds: int
    max_draft_attempts: int


class FacilitationState(TypedDict, total=False):
    consultation_id: int
    question: str
    options: Options
    moderation: dict[str, Any]
    analysis: dict[str, Any]
    #: the current drafts, one per audience key ("all", "group:<n>", "topic:<n>")
    drafts: list[dict[str, Any]]
    #: audience keys the next draft pass should (re)draft; empty = all
    redraft: list[str]
    #: per audience key: what to tell the drafter (revision feedback), in words
    feedback: dict[str, list[str]]
    #: per audience key: statements a revision must not draw on again
    exclude: dict[str, list[str]]
    audit: dict[str, Any]
    audit_rounds: int
    reviews: list[dict[str, Any]]
    published: list[dict[str, Any]]
    tally: dict[str, Any]
    revise_rounds: int
    report: dict[str, Any]
    log: Annotated[list[str], operator.add]


DEFAULT_OPTIONS: Options = {"drafter": "extractive", "model": None, "base_url": None, "seed": 0,
                            "topic_drafts": True, "max_audit_rounds": 2, "max_revise_rounds": 1,
                            "max_draft_attempts": 2}


class Services:
    """The edges of the graph: storage, vectors, embeddings, drafters (built lazily, per process)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._store = self._index = self._embedder = None
        self._drafters: dict[str, Any] = {}

    @property
    def store(self):
        if self._store is None:
            from deliberation.storage import Store

            self._store = Store(self.settings)
        return self._store

    @property
    def index(self):
        if self._index is None:
            from deliberation.storage import VectorIndex

            self._index = VectorIndex.from_settings(self.settings)
        return self._index

    @property
    def embedder(self):
        if self._embedder is None:
            from deliberation.services import embedder_for

            self._embedder = embedder_for(self.settings)
        return self._embedder

    def drafter(self, options: Options):
        from deliberation.drafting.extractive import ExtractiveDrafter

        kind = options.get("drafter") or "extractive"
        key = f"{kind}|{options.get('model')}|{options.get('base_url')}"
        if key not in self._drafters:
            if kind == "extractive":
                self._drafters[key] = ExtractiveDrafter()
            elif kind == "llm":
                from deliberation.drafting.llm import LLMDrafter

                self._drafters[key] = LLMDrafter(options.get("model") or "default", base_url=options.get("base_url"))
            else:
                raise ValueError(f"unknown drafter {kind!r}: use extractive or llm")
        return self._drafters[key]


def _opts(state: FacilitationState) -> Options:
    return {**DEFAULT_OPTIONS, **(state.get("options") or {})}


def make_nodes(services: Services):
    from deliberation import facilitation as fx
    from deliberation.analysis.pipeline import AnalysisConfig, AnalysisResult, analyze
    from deliberation.analysis.topics import TopicConfig
    from deliberation.coverage import audit_coverage
    from deliberation.drafting.extractive import ExtractiveDrafter
    from deliberation.grounding import public_reason
    from deliberation.models import ModerationStatus
    from deliberation.report import build_report, write_report
    from deliberation.services import indexed_vectors
    from deliberation.tally import tally as run_tally
    from deliberation.wording import audience_name, audience_of, draft_heading, draft_text, plain_text

    store = lambda: services.store  # noqa: E731

    def intake(state: FacilitationState) -> dict:
        cid = state["consultation_id"]
        c = store().get_consultation(cid)
        statements = store().statements(cid)
        queue = [{"id": s.external_id, "reason": s.moderation_reason} for s in statements
                 if s.moderation is ModerationStatus.NEEDS_REVIEW]
        removed = [{"id": s.external_id, "reason": s.moderation_reason or "rejected by the moderator"}
                   for s in statements if s.moderation is ModerationStatus.REJECTED]
        # every statement is embedded once (cache by text hash); index what is missing; a vector
        # index that fails on this consultation's records is rebuilt (said in the log)
        notes: list[str] = []
        _, n_missing = indexed_vectors(services.index, services.embedder, cid, statements, note=notes.append)
        moderation = {"n_statements": len(statements), "queue": queue, "removed": removed,
                      "note": (f"{len(queue)} statements wait in the moderator queue and are not drafted from; "
                               f"{len(removed)} were moderated out.")}
        return {"question": c.question, "moderation": moderation, "options": _opts(state),
                "log": [f"intake: {len(statements)} statements, {len(queue)} in the moderation queue, "
                        f"{len(removed)} moderated out, {n_missing} newly embedded"]
                + [f"intake: {n}" for n in notes]}

    def analyse(state: FacilitationState) -> dict:
        cid = state["consultation_id"]
        statements = [s for s in store().statements(cid) if not s.is_draft]
        matrix = store().vote_matrix(cid)
        vec, _ = indexed_vectors(services.index, services.embedder, cid, statements)
        vectors = np.stack([vec[s.external_id] for s in statements]) if statements else None
        topics = TopicConfig(embedding_model=services.embedder.model_name)  # the model's thresholds
        result = analyze(matrix, statements, vectors, question=state.get("question", ""),
                         config=AnalysisConfig(seed=int(_opts(state)["seed"]), topics=topics))
        return {"analysis": result.model_dump(mode="json"), "audit_rounds": 0, "revise_rounds": 0,
                "redraft": [], "feedback": {}, "exclude": {},
                "log": [f"analyse: {len(result.group_summaries)} opinion groups, "
                        f"{len((result.topics or {}).get('topics', []))} topics, "
                        f"{len(result.consensus)} consensus candidates"]}

    def draft(state: FacilitationState) -> dict:
        opts = _opts(state)
        analysis = AnalysisResult.model_validate(state["analysis"])
        statements = store().statements(state["consultation_id"])
        only = set(state.get("redraft") or []) or None
        cfg = fx.FacilitationConfig(topic_drafts=bool(opts["topic_drafts"]))
        requests = fx.build_requests(analysis, statements, state.get("question", ""), cfg, only=only,
                                     relaxed=bool(only and state.get("audit_rounds")),
                                     feedback=state.get("feedback") or {}, exclude=state.get("exclude") or {})
        drafter = services.drafter(opts)
        previous = {d["key"]: d for d in state.get("drafts") or []}
        new: dict[str, dict] = {}
        lines = []
        for req in requests:
            attempt = previous.get(req.speaks_for, {}).get("attempt", 0) + 1 if only else 1
            note = ""
            try:
                # opposed positions are quoted side by side with their holders, never rewritten together
                sentences = (ExtractiveDrafter() if req.split else drafter).draft(req)
            except Exception as e:  # a model server down must not lose the run: fall back, say why
                sentences, note = [], f"the {drafter.name} drafter failed ({type(e).__name__}: {e}); "
            name = drafter.name
            if not sentences and drafter.name != "extractive":
                sentences = ExtractiveDrafter().draft(req)
                name = "extractive"
                note += "the LLM returned no usable draft, so the extractive draft is used"
            if not sentences:
                lines.append(f"{req.speaks_for}: no usable statement to draft from")
                continue
            new[req.speaks_for] = {
                "key": req.speaks_for, "kind": req.kind.value, "audience": req.audience, "purpose": req.purpose,
                "sentences": [s.model_dump() for s in sentences], "drafter": name, "attempt": attempt,
                "sources": [s.id for s in req.sources], "notes": note.strip(), "grounded": False,
                "verdicts": [], "status": "draft", "split": req.split}
        merged = [new.get(k, d) for k, d in previous.items()] + [d for k, d in new.items() if k not in previous]
        merged = [d for d in merged if only is None or d["key"] in new or d["key"] not in only or d.get("sentences")]
        lines.insert(0, f"draft: {len(new)} drafts by {drafter.name}" + (f" for {sorted(only)}" if only else ""))
        return {"drafts": merged, "redraft": [], "log": lines}

    def ground(state: FacilitationState) -> dict:
        opts = _opts(state)
        statements = store().statements(state["consultation_id"])
        usable = [s for s in statements if fx.usable(s)]
        out, retry, lines = [], [], []
        for d in state.get("drafts") or []:
            if d.get("grounded"):
                out.append(d)
                continue
            draft_model = Draft(kind=DraftKind(d["kind"]), speaks_for=d["key"],
                                sentences=[DraftSentence(**s) for s in d["sentences"]])
            kept, verdicts = fx.ground(draft_model, usable, encoder=services.embedder)
            d = {**d, "verdicts": verdicts, "grounded": True}
            dropped = len(d["sentences"]) - len(kept)
            if dropped:
                # notes reach the public report: only the kind of each problem is named, never the
                # words of a rejected sentence (perhaps an injected payload); the verdicts keep them
                # for the moderator
                reason = "; ".join(dict.fromkeys(
                    public_reason(p) for v in verdicts if not v["supported"]
                    for p in (v.get("problem_kinds") or v.get("problems") or [v["reason"]])))
                if kept:
                    d["sentences"] = [s.model_dump() for s in kept]
                    d["notes"] = (d["notes"] + f" Removed {dropped} unsupported sentence(s): {reason}.").strip()
                elif d["drafter"] != "extractive" and d["attempt"] < int(opts["max_draft_attempts"]):
                    retry.append(d["key"])
                    d["grounded"] = False
                    d["notes"] = (d["notes"] + f" Attempt {d['attempt']} unsupported ({reason}); redrafting.").strip()
                else:
                    analysis = AnalysisResult.model_validate(state["analysis"])
                    [req] = fx.build_requests(analysis, statements, state.get("question", ""),
                                              only={d["key"]}, config=fx.FacilitationConfig()) or [None]
                    # the fallback is grounded too: a quote the guard rejects (an approved statement
                    # that is only an instruction to a model) is replaced by the next-best source
                    fallback, fb_verdicts = fx.grounded_extractive(req, usable, encoder=services.embedder) \
                        if req else ([], [])
                    d["sentences"] = [s.model_dump() for s in fallback]
                    d["drafter"] = "extractive"
                    d["verdicts"] = fb_verdicts if fallback else verdicts
                    d["notes"] = (d["notes"] + f" Every sentence was unsupported ({reason}) after "
                                  f"{d['attempt']} attempt(s); " + ("the extractive draft is used." if fallback else
                                  "no extractive quote was supported either, so there is no draft.")).strip()
            lines.append(f"ground {d['key']}: {len(verdicts) - dropped}/{len(verdicts)} sentences supported")
            out.append(d)
        return {"drafts": out, "redraft": retry, "log": lines or ["ground: nothing new to check"]}

    def route_after_ground(state: FacilitationState) -> Literal["draft", "audit"]:
        return "draft" if state.get("redraft") else "audit"

    def audit(state: FacilitationState) -> dict:
        analysis = AnalysisResult.model_validate(state["analysis"])
        statements = store().statements(state["consultation_id"])
        drafts = [d for d in state.get("drafts") or [] if d.get("sentences")]
        models = [Draft(kind=DraftKind(d["kind"]), speaks_for=d["key"], status="draft",
                        sentences=[DraftSentence(**s) for s in d["sentences"]]) for d in drafts]
        approvals = fx.approvals_from_matrix(store().vote_matrix(state["consultation_id"], include_drafts=True))
        result = audit_coverage(models, fx.group_members(analysis, statements), approvals,
                                draft_keys=[d["key"] for d in drafts])
        rounds = int(state.get("audit_rounds") or 0)
        redraft = []
        if not result.passed and rounds < int(_opts(state)["max_audit_rounds"]):
            redraft = list(result.groups_to_redraft)
        return {"audit": result.model_dump(mode="json"), "audit_rounds": rounds + 1, "redraft": redraft,
                "log": [f"audit: {result.verdict}"]}

    def route_after_audit(state: FacilitationState) -> Literal["draft", "review"]:
        return "draft" if state.get("redraft") else "review"

    def review(state: FacilitationState) -> dict:
        drafts = [d for d in state.get("drafts") or [] if d.get("sentences") and d.get("status") == "draft"]
        statements = {s.external_id: s.text for s in store().statements(state["consultation_id"])}
        payload = {
            "type": "review",
            "consultation_id": state["consultation_id"],
            "drafts": [{"key": d["key"], "kind": d["kind"], "audience": d["audience"],
                        "heading": draft_heading(d["key"], split=bool(d.get("split"))),
                        "text": draft_text(d["sentences"]), "plain_text": plain_text(d["sentences"]),
                        "sentences": d["sentences"],
                        "cited": {c: statements.get(c, "") for s in d["sentences"] for c in s["citations"]},
                        "notes": d["notes"], "drafter": d["drafter"],
                        # the moderator's last edit, which the guard did not accept, and why
                        "edit_rejected": d.get("edit_rejected")} for d in drafts],
            "audit": (state.get("audit") or {}).get("findings", []),
            "how": "resume with {'reviewer': NAME, 'decisions': [{'key': KEY, 'decision': 'approve'|'edit'|'reject', "
                   "'text': EDITED, 'reason': WHY}]} or {'reviewer': NAME, 'approve_all': true}",
        }
        answer = interrupt(payload)
        decisions = _decisions(answer, [d["key"] for d in drafts])
        reviewer = str((answer or {}).get("reviewer") or "moderator")
        by_key = {d["key"]: d for d in state.get("drafts") or []}
        usable = [s for s in store().statements(state["consultation_id"]) if fx.usable(s)]
        records, lines = [], []
        for key, dec in decisions.items():
            d = dict(by_key[key])
            d.pop("edit_rejected", None)  # a new decision replaces the last rejected edit
            if dec["decision"] == "edit":
                cited = sorted({c for s in d["sentences"] for c in s["citations"]})
                edited = Draft(kind=DraftKind(d["kind"]), speaks_for=key,
                               sentences=[DraftSentence(text=dec["text"], citations=cited)])
                kept, verdicts = fx.ground(edited, usable, encoder=services.embedder)
                if not kept:
                    # kept apart from the draft's notes (which reach the report): the console shows it as
                    # an error with the edited text, for correction; an approval later leaves no trace
                    d["edit_rejected"] = {"text": dec["text"], "reason": "; ".join(
                        dict.fromkeys(v["reason"] for v in verdicts if not v["supported"]))}
                    d["status"] = "draft"
                    lines.append(f"review {key}: edit unsupported, back to review")
                    by_key[key] = d
                    continue
                d["sentences"] = [DraftSentence(text=dec["text"], citations=cited).model_dump()]
                d["verdicts"] = verdicts
                d["status"] = "approved"
            else:
                d["status"] = "approved" if dec["decision"] == "approve" else "rejected"
            records.append({"key": key, "decision": dec["decision"], "reviewer": reviewer,
                            "reason": dec.get("reason", ""), "text": draft_text(d["sentences"])})
            by_key[key] = d
            lines.append(f"review {key}: {dec['decision']} by {reviewer}")
        # store the decisions and who made them
        cid = state["consultation_id"]
        for rec in records:
            d = by_key[rec["key"]]
            saved = store().save_draft(cid, Draft(kind=DraftKind(d["kind"]), speaks_for=d["key"], drafter=d["drafter"],
                                                  notes=d["notes"], sentences=[DraftSentence(**s) for s in d["sentences"]]))
            store().record_review(ReviewDecision(draft_id=saved.id, decision=rec["decision"], reviewer=reviewer,
                                                 edited_text=rec["text"] if rec["decision"] == "edit" else None,
                                                 reason=rec["reason"]))
            by_key[rec["key"]] = {**d, "draft_id": saved.id}
        return {"drafts": list(by_key.values()), "reviews": (state.get("reviews") or []) + records,
                "log": lines or ["review: no decisions"]}

    def route_after_review(state: FacilitationState) -> Literal["review", "publish"]:
        pending = [d for d in state.get("drafts") or [] if d.get("sentences") and d.get("status") == "draft"]
        return "review" if pending else "publish"

    def publish(state: FacilitationState) -> dict:
        cid = state["consultation_id"]
        already = {p["key"] for p in state.get("published") or [] if p.get("round") == state.get("revise_rounds", 0)}
        out = list(state.get("published") or [])
        lines = []
        for d in state.get("drafts") or []:
            if d.get("status") != "approved" or d["key"] in already:
                continue
            text = draft_text(d["sentences"])
            st = store().add_statement(cid, None, text, is_draft=True)
            out.append({"key": d["key"], "kind": d["kind"], "statement_id": st.external_id, "text": text,
                        "heading": draft_heading(d["key"], split=bool(d.get("split"))), "split": bool(d.get("split")),
                        "draft_id": d.get("draft_id"), "round": state.get("revise_rounds", 0),
                        "citations": sorted({c for s in d["sentences"] for c in s["citations"]})})
            lines.append(f"publish {d['key']} as statement {st.external_id}")
        drafts = [{**d, "status": "published"} if d.get("status") == "approved" else d for d in state.get("drafts") or []]
        return {"published": out, "drafts": drafts, "log": lines or ["publish: nothing approved"]}

    def voting(state: FacilitationState) -> dict:
        current = [p for p in state.get("published") or [] if p.get("round") == state.get("revise_rounds", 0)]
        interrupt({"type": "voting", "consultation_id": state["consultation_id"],
                   "published": current,
                   "how": "participants vote on the published drafts; resume with {'close': true} to close voting"})
        # closed in the store before the tally (runner.resume did so already; this covers any other
        # caller): no vote on these drafts is accepted from here on, so the tally counts them all
        store().close_voting(state["consultation_id"], [p["statement_id"] for p in current])
        return {"log": ["voting: closed by the moderator"]}

    def tally(state: FacilitationState) -> dict:
        cid = state["consultation_id"]
        analysis = AnalysisResult.model_validate(state["analysis"])
        matrix = store().vote_matrix(cid, include_drafts=True)
        labels, placed = fx.group_labels(analysis, matrix)
        current = [p for p in state.get("published") or [] if p.get("round") == state.get("revise_rounds", 0)]
        ids = [p["statement_id"] for p in current]
        result = run_tally(matrix, labels, ids) if ids else None
        data = result.model_dump(mode="json") if result else {"notes": ["No draft was published, so there is nothing to tally."]}
        ungrouped = int(((labels < 0) & (np.bincount(matrix.rows, minlength=matrix.shape[0]) > 0)).sum())
        data["notes"] = list(data.get("notes") or []) + [
            f"{placed} participants who joined after the analysis were placed into the opinion group closest "
            f"to their votes; {ungrouped} voters remain in no group (too few votes to place) and count only "
            "in the totals."]
        rounds = int(state.get("revise_rounds") or 0)
        feedback, redraft, exclude = {}, [], {}
        if result and rounds < int(_opts(state)["max_revise_rounds"]):
            by_sid = {p["statement_id"]: p for p in current}
            for sid, groups in result.rejected_by.items():
                pub = by_sid.get(sid)
                # who may send a draft back: any group for a consensus draft (it claims to speak for
                # all); for a minority draft only the group it speaks for (other groups disagreeing
                # with a minority view is expected); topic drafts are not tied to a group
                if pub is None or pub["key"].startswith("topic:"):
                    continue
                objecting = groups if audience_of(pub["key"]) == "all" else [g for g in groups if g == pub["key"]]
                if not objecting:
                    continue
                dt = next(x for x in result.drafts if x.draft_id == sid)
                for g in objecting:
                    ga = next((x for x in dt.groups if f"group:{x.group}" == g or x.group == g), None)
                    share = f"{ga.agree_rate:.0%} of {ga.n_votes} voters" if ga and ga.agree_rate is not None else "few"
                    feedback.setdefault(pub["key"], []).append(
                        f"{audience_name(g)} did not endorse the draft: only {share} agreed.")
                redraft.append(pub["key"])
                exclude[pub["key"]] = list(pub.get("citations", []))
        return {"tally": data, "feedback": feedback, "redraft": redraft, "exclude": exclude,
                "log": [f"tally: {len(ids)} drafts; " + " ".join((data.get('notes') or [])[:2])]}

    def route_after_tally(state: FacilitationState) -> Literal["revise", "report"]:
        return "revise" if state.get("redraft") else "report"

    def revise(state: FacilitationState) -> dict:
        keys = set(state.get("redraft") or [])
        drafts = [{**d, "status": "draft", "grounded": False, "attempt": 0} if d["key"] in keys else d
                  for d in state.get("drafts") or []]
        return {"drafts": drafts, "revise_rounds": int(state.get("revise_rounds") or 0) + 1, "audit_rounds": 0,
                "log": [f"revise: redrafting {sorted(keys)} with the groups' objections"]}

    def report(state: FacilitationState) -> dict:
        cid = state["consultation_id"]
        statements = store().statements(cid)
        # the counts the report states are the database's at the time of writing
        rep = build_report(dict(state), statements, counts=store().counts(cid))
        paths = write_report(rep, services.settings.data_dir / "reports" / str(cid))
        return {"report": {"paths": {k: str(v) for k, v in paths.items()}},
                "log": [f"report: {paths['md']}"]}

    return dict(intake=intake, analyse=analyse, draft=draft, ground=ground, audit=audit, review=review,
                publish=publish, voting=voting, tally=tally, revise=revise, report=report,
                route_after_ground=route_after_ground, route_after_audit=route_after_audit,
                route_after_review=route_after_review, route_after_tally=route_after_tally)


def _decisions(answer: Any, keys: list[str]) -> dict[str, dict]:
    answer = answer or {}
    if answer.get("approve_all"):
        return {k: {"decision": "approve"} for k in keys}
    out = {}
    for dec in answer.get("decisions") or []:
        key, decision = dec.get("key"), dec.get("decision")
        if key not in keys:
            continue
        if decision not in ("approve", "edit", "reject"):
            continue
        if decision == "edit" and not str(dec.get("text") or "").strip():
            continue
        out[key] = {"decision": decision, "text": str(dec.get("text") or "").strip(), "reason": dec.get("reason", "")}
    return out


def build_graph(settings: Settings | None = None) -> StateGraph:
    n = make_nodes(Services(settings or Settings()))
    g = StateGraph(FacilitationState)
    for name in ("intake", "analyse", "draft", "ground", "audit", "review", "publish", "voting", "tally",
                 "revise", "report"):
        g.add_node(name, n[name])
    g.add_edge(START, "intake")
    g.add_edge("intake", "analyse")
    g.add_edge("analyse", "draft")
    g.add_edge("draft", "ground")
    g.add_conditional_edges("ground", n["route_after_ground"], ["draft", "audit"])
    g.add_conditional_edges("audit", n["route_after_audit"], ["draft", "review"])
    g.add_conditional_edges("review", n["route_after_review"], ["review", "publish"])
    g.add_edge("publish", "voting")
    g.add_edge("voting", "tally")
    g.add_conditional_edges("tally", n["route_after_tally"], ["revise", "report"])
    g.add_edge("revise", "draft")
    g.add_edge("report", END)
    return g


def checkpointer(settings: Settings):
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = Path(settings.ensure().checkpoint_path)
    conn = sqlite3.connect(str(path), check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return SqliteSaver(conn)


def compile_graph(settings: Settings | None = None):
    settings = settings or Settings()
    return build_graph(settings).compile(checkpointer=checkpointer(settings))


def make_graph():
    """Entry point for ``langgraph.json`` (LangGraph CLI / Studio bring their own checkpointer)."""
    return build_graph(Settings()).compile()


def thread(consultation_id: int) -> dict:
    return {"configurable": {"thread_id": str(consultation_id)}, "recursion_limit": 100}
