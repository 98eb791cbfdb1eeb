"""Start, inspect and resume the facilitation graph for one consultation (thread = consultation id).

Used by the CLI and the UI. Every step is checkpointed in ``<data dir>/checkpoints.sqlite``, so a
run killed mid-way continues with :func:`resume` in a new process.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from langgraph.types import Command

from deliberation.config import Settings
from deliberation.errors import DeliberationError, InputError
from deliberation.heap import bulk_work, settled
from deliberation.storage import Store, runs
from deliberation.words import Texts, said
from graphs.context import Context, Services
from graphs.facilitation import compile_graph, thread
from graphs.state import FacilitationState, PublishedDraft

#: a run's settings by name: ``{"drafter": "llm", "seed": 1, "stats.min_votes_room_share": 0.3,
#: "grounding": {...}}`` (graphs.context.Context.from_options)
Options = Mapping[str, Any]

OnUpdate = Callable[[str, dict], None]

#: The graph's steps, in the order a run takes them.
STEPS = ("intake", "analyse", "draft", "ground", "audit", "review", "publish", "voting", "tally", "revise", "report")
#: The graph's steps in words as a sentence says them, for the command line ("stopped after drafting
#: statements"); the console says them in its language from the same table (deliberation/messages' [step]).
STEP_WORDS = {n: Texts()(f"step.{n}") for n in STEPS}


def steps_words(steps) -> str:
    """Steps in words, joined: "drafting statements, checking ..."."""
    return ", ".join(STEP_WORDS.get(n, n) for n in steps)


def where_stopped(done: list[str]) -> str:
    """Where a run stopped, in words, from the steps it completed ("after drafting statements")."""
    return said("run.after_step", step=steps_words(done[-1:])) if done else said("run.in_first_step")


@dataclass
class Status:
    #: nodes that run next (empty when finished)
    next: tuple[str, ...]
    #: what the graph is waiting for ("review" / "voting" payload), or None
    waiting: dict[str, Any] | None
    values: dict[str, Any]
    #: the step that failed in the last attempt and its error in words (kept in the checkpoint,
    #: so it survives a reload and a restart), or None
    failed_node: str | None = None
    error: str | None = None
    #: when the latest checkpoint was written (ISO 8601, LangGraph's ``created_at``), or None
    written: str | None = None
    #: the id of the interrupt the graph waits on (one per review or vote it asks for, the same in
    #: every process: the key of the decisions clicked in a review, ``Store.save_pending``), or None
    waiting_id: str | None = None

    @property
    def finished(self) -> bool:
        return not self.next and self.waiting is None and bool(self.values)


def _stream(settings: Settings, graph, payload, cid: int, on_update: OnUpdate | None, context: Context) -> None:
    # durability="sync": each step is checkpointed before the next starts, so a SIGKILL loses at most the running step.
    # The collector skips what exists before the run and what each finished step keeps (deliberation.heap).
    # A run asked to stop (deliberation stop, the console's Stop) stops here, before its next step.
    with bulk_work():
        runs.check_stop(settings, cid)
        for chunk in graph.stream(payload, thread(cid), context=context, stream_mode="updates", durability="sync"):
            for node, update in chunk.items():
                if on_update and node != "__interrupt__":
                    on_update(node, update or {})
            settled()
            runs.check_stop(settings, cid)


def status(settings: Settings, cid: int, graph=None) -> Status:
    graph = graph or compile_graph(settings)
    snap = graph.get_state(thread(cid))
    waiting = waiting_id = None
    failed = None
    for task in snap.tasks:
        for intr in getattr(task, "interrupts", ()) or ():
            waiting, waiting_id = intr.value, getattr(intr, "id", None)
        if getattr(task, "error", None) is not None and failed is None:
            failed = (task.name, error_words(task.error))
    return Status(next=tuple(snap.next), waiting=waiting, values=dict(snap.values or {}),
                  failed_node=failed[0] if failed else None, error=failed[1] if failed else None,
                  written=getattr(snap, "created_at", None), waiting_id=waiting_id)


def _own_errors() -> set[str]:
    found, todo = set(), [DeliberationError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def error_words(error: Any) -> str:
    """A node's error as a sentence: LangGraph keeps it in the checkpoint as the exception's repr
    (``"RuntimeError('…')"``); the message is unwrapped, the type named only when it says more."""
    text = str(error)
    m = re.fullmatch(r'"?(\w+)\((.*)\)"?', text.strip(), flags=re.S)
    if m:
        kind, arg = m.groups()
        try:
            msg = ast.literal_eval(arg) if arg else ""
        except (ValueError, SyntaxError):
            msg = arg
        msg = " ".join(str(msg).split())
        if msg and kind in _own_errors():  # our errors are written as sentences already
            return msg
        return f"{kind}: {msg}" if msg else kind
    return " ".join(text.split())


def context(settings: Settings, options: Options | None = None, services: Services | None = None) -> Context:
    """A run's context from its settings by name (unknown names and wrong values: InputError; so
    is the LLM drafter without a model to ask, which failed in the draft step with a traceback)."""
    ctx = Context.from_options(options, services or Services(settings))
    d = ctx.drafting
    if d.drafter == "llm" and not d.model and not d.base_url and ctx.services.chat_model is None:
        raise InputError(said("input.llm_needs_model"))
    return ctx


def start(settings: Settings, cid: int, options: Options | None = None, on_update: OnUpdate | None = None,
          services: Services | None = None) -> Status:
    """Run from the start until the graph waits for the moderator (or finishes). Refused while the
    graph waits for votes on published drafts: starting over forgot them, so the votes already cast
    on them were never counted and their voting window stayed open. Refused too while another
    process (or page) runs this consultation's graph (:class:`deliberation.storage.runs.RunInProgress`)."""
    ctx = context(settings, options, services)
    with runs.running(settings, cid, DOING["start"]):
        return _start(settings, cid, ctx, on_update)


def _start(settings: Settings, cid: int, ctx: Context, on_update: OnUpdate | None) -> Status:
    graph = compile_graph(settings)
    check_start(status(settings, cid, graph), cid)
    # a new run forgets the last one's checkpoints: its run log was appended to (a Start over after a
    # run that stopped showed "intake …", "analyse …" twice in the console and in report.json)
    graph.checkpointer.delete_thread(thread(cid)["configurable"]["thread_id"])
    # every field given, so each channel holds plain JSON from the first step on; the settings'
    # JSON is kept so that a resume (in any process) runs with the same context
    fresh = FacilitationState(consultation_id=cid, config=ctx.to_json(),
                              last_statement_at_start=_store(settings).last_statement_number(cid)
                              ).model_dump(mode="json")
    _stream(settings, graph, fresh, cid, on_update, ctx)
    return status(settings, cid, graph)


def check_start(st: Status, cid: int) -> None:
    """Refuse a run from the start while the graph waits for votes on published drafts (in words)."""
    waiting = st.waiting or {}
    if waiting.get("type") == "voting":
        raise DeliberationError(said("run.waits_for_votes", n_consultation=cid,
                                     n_drafts=len(waiting.get("published") or [])))


def published_now(values: dict) -> list[dict]:
    """The drafts published in the current revision round (what participants vote on now), from a
    checkpoint's plain values, as JSON; the rule is the typed state's
    (:meth:`FacilitationState.published_now`)."""
    state = FacilitationState.model_construct(
        published=[PublishedDraft.model_validate(p) for p in values.get("published") or []],
        revise_rounds=int(values.get("revise_rounds") or 0))
    return [p.model_dump(mode="json") for p in state.published_now()]


def _store(settings: Settings):
    return Store(settings)


def open_voting(settings: Settings, cid: int):
    """Open the voting window (in the store) on the drafts the graph waits for votes on."""
    st = status(settings, cid)
    if (st.waiting or {}).get("type") != "voting":
        raise DeliberationError(said("run.not_waiting_for_votes"))
    current = published_now(st.values)
    return _store(settings).open_voting(cid, [p["statement_id"] for p in current],
                                        round=int(st.values.get("revise_rounds") or 0))


def close_window(settings: Settings, cid: int, st: Status) -> None:
    """Close voting on the drafts ``st`` put to the vote, in the store: from this moment no vote is
    taken; the count follows in the graph. Closing a closed window again changes nothing."""
    _store(settings).close_voting(cid, [p["statement_id"] for p in published_now(st.values)])


def answer_kind(value: Any) -> str | None:
    """What a resume value answers: ``"voting"`` (``{"close": true}``), ``"review"`` (the
    moderator's decisions) or None (no answer: continue after a crash)."""
    if value is None:
        return None
    return "voting" if isinstance(value, dict) and value.get("close") else "review"


#: What a run does, in words, by what its resume value answers (``"start"``: a run from the start).
DOING = {"start": said("run.doing.start"), None: said("run.doing.resume"), "voting": said("run.doing.voting"),
         "review": said("run.doing.review"), "to_end": said("run.doing.to_end")}


def check_answer(st: Status, value: Any) -> None:
    """Refuse an answer to a question the graph no longer asks: a page (or a terminal) showed the
    review or the vote, and meanwhile another process answered it. A review click used to be taken
    as the close of the vote the command line had opened (the voting step takes any answer), and
    an "Approve all" approved drafts of a new run that the moderator never saw."""
    kind, waiting = answer_kind(value), st.waiting or {}
    if kind is None or waiting.get("type") == kind:
        seen = value.get("seen") if kind == "review" and isinstance(value, dict) else None
        now = {d["key"]: d["text"] for d in waiting.get("drafts") or []}
        if seen is not None and dict(seen) != now:
            raise DeliberationError(said("run.review_changed"))
        return
    asked = {"review": said("run.asked_review"), "voting": said("run.asked_voting")}
    now_words = (asked.get(waiting.get("type")) if waiting else
                 said("run.now_finished") if st.finished else
                 said("run.now_stopped", step=steps_words(st.next)) if st.next else said("run.now_not_started"))
    raise DeliberationError(said("run.no_longer_waits", asked=asked[kind], now=now_words))


def resume(settings: Settings, cid: int, value: Any = None, on_update: OnUpdate | None = None,
           services: Services | None = None) -> Status:
    """Answer the interrupt the graph waits on (``value``), or continue after a crash (no interrupt).

    The answer must fit what the graph waits for (:func:`check_answer`). Closing voting
    (``{"close": true}`` while the graph waits for votes) first closes the voting window in the
    store and only then resumes the graph, so the tally, the live board and the report count the
    same votes: none can be accepted after the close committed. Refused while another process (or
    page) runs this consultation's graph (:class:`deliberation.storage.runs.RunInProgress`)."""
    with runs.running(settings, cid, DOING[answer_kind(value)]):
        return _resume(settings, cid, value, on_update, services)


def _resume(settings: Settings, cid: int, value: Any, on_update: OnUpdate | None,
            services: Services | None) -> Status:
    graph = compile_graph(settings)
    st = status(settings, cid, graph)
    check_answer(st, value)
    if answer_kind(value) == "voting":
        close_window(settings, cid, st)
    ctx = Context.from_json(st.values.get("config"), services or Services(settings))
    if st.waiting is not None and value is not None:
        _stream(settings, graph, Command(resume=value), cid, on_update, ctx)
    elif st.waiting is None and st.next:
        _stream(settings, graph, None, cid, on_update, ctx)
    return status(settings, cid, graph)


def run_to_end(settings: Settings, cid: int, options: Options | None = None, reviewer: str = "demo",
               on_update: OnUpdate | None = None, services: Services | None = None) -> Status:
    """Demo mode: approve every draft and close voting at once (documented ``--approve-all``)."""
    ctx = context(settings, options, services)
    with runs.running(settings, cid, DOING["to_end"]):
        st = _start(settings, cid, ctx, on_update)
        for _ in range(20):
            if st.waiting is None:
                break
            kind = st.waiting.get("type")
            value = {"reviewer": reviewer, "approve_all": True} if kind == "review" else {"close": True}
            # the run's services throughout: one store, whose remembered vote matrix the tally reuses
            st = _resume(settings, cid, value, on_update, ctx.services)
    return st
