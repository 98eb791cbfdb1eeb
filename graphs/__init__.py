"""LangGraph agents assembled from deliberation/.

* ``facilitation`` — the facilitation graph: its steps and edges, the checkpointer, ``make_graph``
  for ``langgraph.json``;
* ``state`` — its one typed state (``FacilitationState``, drafts as ``DraftRecord``);
* ``context`` — its runtime context (``Context``: one config per step, set by name, and the
  services: store, vector index, embedder, drafter);
* ``nodes`` and ``review`` — the steps, one module-level function each;
* ``runner`` — start, inspect and resume a run (used by the CLI and the UI);
* ``cli`` — the ``deliberation`` command line with the graph's commands (``run``, ``review``,
  ``resume``, ``settings``).
"""
