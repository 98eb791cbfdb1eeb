"""Start, inspect and resume the facilitation graph for one consultation (thread = consultation id).

Used by the CLI and the UI. Every step is checkpointed in ``<data dir>/checkpoints.sqlite``, so a
run killed mid-way continues with :func:`resume` in a new process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langgraph.types import Command

from deliberation.config import Settings
from graphs.facilitation import DEFAULT_OPTIONS, Options, compile_graph, thread

OnUpdate = Callable[[str, dict], None]


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

    @property
    def finished(self) -> bool:
        return not self.next and self.waiting is None and bool(self.values)


def _stream(graph, payload, cid: int, on_update: OnUpdate | None) -> None:
    # durability="sync": each step is checkpointed before the next starts, so a SIGKILL loses at most the running step
    for chunk in graph.stream(payload, thread(cid), stream_mode="updates", durability="sync"):
        for node, update in chunk.items():
            if on_update and node != "__interrupt__":
                on_update(node, update or {})


def status(settings: Settings, cid: int, graph=None) -> Status:
    graph = graph or compile_graph(settings)
    snap = graph.get_state(thread(cid))
    waiting = None
    failed = None
    for task in snap.tasks:
        for intr in getattr(task, "interrupts", ()) or ():
            waiting = intr.value
        if getattr(task, "error", None) is not None and failed is None:
            failed = (task.name, error_words(task.error))
    return Status(next=tuple(snap.next), waiting=waiting, values=dict(snap.values or {}),
                  failed_node=failed[0] if failed else None, error=failed[1] if failed else None)


def _own_errors() -> set[str]:
    from deliberation.errors import DeliberationError

    found, todo = set(), [DeliberationError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def error_words(error: Any) -> str:
    """A node's error as a sentence: LangGraph keeps it in the checkpoint as the exception's repr
    (``"RuntimeError('…')"``); the message is unwrapped, the type named only when it says more."""
    import ast
    import re

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


def start(settings: Settings, cid: int, options: Options | None = None, on_update: OnUpdate | None = None) -> Status:
    """Run from the start until the graph waits for the moderator (or finishes)."""
    graph = compile_graph(settings)
    fresh = {"consultation_id": cid, "options": {**DEFAULT_OPTIONS, **(options or {})}, "log": [],
             "published": [], "drafts": [], "reviews": [], "tally": {}, "report": {}, "audit": {},
             "redraft": [], "feedback": {}, "exclude": {}}
    _stream(graph, fresh, cid, on_update)
    return status(settings, cid, graph)


def published_now(values: dict) -> list[dict]:
    """The drafts published in the current revision round (what participants vote on now)."""
    rnd = values.get("revise_rounds", 0) or 0
    return [p for p in values.get("published") or [] if p.get("round", 0) == rnd]


def _store(settings: Settings):
    from deliberation.storage import Store

    return Store(settings)


def open_voting(settings: Settings, cid: int):
    """Open the voting window (in the store) on the drafts the graph waits for votes on."""
    from deliberation.errors import DeliberationError

    st = status(settings, cid)
    if (st.waiting or {}).get("type") != "voting":
        raise DeliberationError("the graph is not waiting for votes on published drafts of this consultation")
    current = published_now(st.values)
    return _store(settings).open_voting(cid, [p["statement_id"] for p in current],
                                        round=int(st.values.get("revise_rounds") or 0))


def resume(settings: Settings, cid: int, value: Any = None, on_update: OnUpdate | None = None) -> Status:
    """Answer the interrupt the graph waits on (``value``), or continue after a crash (no interrupt).

    Closing voting (``{"close": true}`` while the graph waits for votes) first closes the voting
    window in the store and only then resumes the graph, so the tally, the live board and the
    report count the same votes: none can be accepted after the close committed."""
    graph = compile_graph(settings)
    st = status(settings, cid, graph)
    if (st.waiting or {}).get("type") == "voting" and isinstance(value, dict) and value.get("close"):
        _store(settings).close_voting(cid, [p["statement_id"] for p in published_now(st.values)])
    if st.waiting is not None:
        _stream(graph, Command(resume=value), cid, on_update)
    elif st.next:
        _stream(graph, None, cid, on_update)
    return status(settings, cid, graph)


def run_to_end(settings: Settings, cid: int, options: Options | None = None, reviewer: str = "demo",
               on_update: OnUpdate | None = None) -> Status:
    """Demo mode: approve every draft and close voting at once (documented ``--approve-all``)."""
    st = start(settings, cid, options, on_update)
    for _ in range(20):
        if st.waiting is None:
            break
        kind = st.waiting.get("type")
        value = {"reviewer": reviewer, "approve_all": True} if kind == "review" else {"close": True}
        st = resume(settings, cid, value, on_update)
    return st
