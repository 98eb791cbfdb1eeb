"""The facilitation graph: intake -> analyse -> draft -> ground -> audit -> review -> publish ->
voting -> tally -> (revise ->) report.

One LangGraph ``StateGraph`` over one typed state (:class:`graphs.state.FacilitationState`)
with a runtime context (:class:`graphs.context.Context`: the run's settings and services),
checkpointed with ``SqliteSaver`` in the data directory (thread id = the consultation id). The
nodes are module-level functions in :mod:`graphs.nodes` and :mod:`graphs.review`. Two
``interrupt()`` points wait for people: the moderator's review of the drafts, and the moderator
closing the vote.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from deliberation.config import Settings
from graphs import nodes
from graphs.context import Context
from graphs.state import FacilitationState

#: the steps in the order a run passes them (revise loops back to draft)
STEPS = ("intake", "analyse", "draft", "ground", "audit", "review", "publish", "voting", "tally", "revise", "report")


def build_graph() -> StateGraph:
    g = StateGraph(FacilitationState, context_schema=Context)
    for name in STEPS:
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, "intake")
    g.add_edge("intake", "analyse")
    g.add_edge("analyse", "draft")
    g.add_edge("draft", "ground")
    g.add_conditional_edges("ground", nodes.route_after_ground, ["draft", "audit"])
    g.add_conditional_edges("audit", nodes.route_after_audit, ["draft", "review"])
    g.add_conditional_edges("review", nodes.route_after_review, ["review", "publish"])
    g.add_edge("publish", "voting")
    g.add_edge("voting", "tally")
    g.add_conditional_edges("tally", nodes.route_after_tally, ["revise", "report"])
    g.add_edge("revise", "draft")
    g.add_edge("report", END)
    return g


def checkpointer(settings: Settings) -> SqliteSaver:
    path = Path(settings.ensure().checkpoint_path)
    conn = sqlite3.connect(str(path), check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return SqliteSaver(conn)


def compile_graph(settings: Settings | None = None):
    """The graph checkpointed in the data directory (the runner gives each run its context)."""
    return build_graph().compile(checkpointer=checkpointer(settings or Settings()))


def make_graph():
    """Entry point for ``langgraph.json`` (LangGraph CLI / Studio bring their own checkpointer;
    a run without a context gets every default, see graphs.context.context_of)."""
    return build_graph().compile()


def thread(consultation_id: int) -> dict:
    return {"configurable": {"thread_id": str(consultation_id)}, "recursion_limit": 100}
