"""Garbage collection during bulk work: the collector's full passes skip what was there before.

CPython's full (generation-2) collection walks every container object the process holds. After an
import and an analysis of a large room that is several hundred thousand objects (the modules, the
typed models, WordNet's entries, the remembered guard answers, the analysis), and a graph run
triggers a full pass every few hundred thousand new objects. The objects that existed before a
bulk step rarely become garbage during it, yet each pass walks them again.

Inside :func:`bulk_work` the objects that existed at its start are frozen (``gc.freeze``): the
collector skips them, and collects what the step itself creates as usual. :func:`settled` freezes
what a finished part of the step leaves (a graph node's result) for the rest of the block. On
leaving the outermost block they are unfrozen (``gc.unfreeze``), so a reference cycle among them
that became garbage meanwhile is collected by the next full pass, as it would have been; only
garbage that is a reference cycle waits, anything else is freed at once as always. Only when
collections happen changes, never a result.

The block is process-wide (the collector is): nested and concurrent blocks unfreeze when the last
of them ends.

Freezing is opt-in per process (:func:`freeze_in_this_process`): the command line (``deliberation``)
and a console run's own process (``graphs.runner_process``) turn it on; they end when their work
does. A long-lived app server (Streamlit) never does: there ``settled()`` would freeze every object
of the process, the not-yet-collected reference cycles of every participant's and board's session
among them, and concurrent staggered blocks (threads) would keep the count above zero, so that
garbage would never be collected and memory would grow without end. Without the opt-in both
functions do nothing. Before a freeze the young generations are collected (``gc.collect(1)``), so
the garbage a step has just made is not frozen with what it keeps.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["bulk_work", "freeze_in_this_process", "freezing", "settled"]

#: the generations collected before a freeze: the young ones (0 and 1), where a step's fresh
#: garbage is; a full (generation-2) pass would cost what freezing saves
YOUNG_GENERATIONS = 1

_lock = threading.RLock()  # re-entrant: a finaliser run by gc.collect may open a block
_depth = 0
_enabled = False


def freeze_in_this_process(on: bool = True) -> None:
    """Turn freezing on (or off) for this process: only for a process that ends with its work (the
    command line, a console run's process), never an app server (see the module)."""
    global _enabled
    with _lock:
        _enabled = on


def freezing() -> bool:
    """Whether :func:`bulk_work` freezes anything in this process."""
    return _enabled


def _freeze() -> None:
    gc.collect(YOUNG_GENERATIONS)
    gc.freeze()


@contextmanager
def bulk_work() -> Iterator[None]:
    """Run the block with the objects that exist now frozen for the collector (see the module)."""
    global _depth
    with _lock:
        active = _enabled
        if active:
            _depth += 1
            _freeze()
    if not active:
        yield
        return
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()


def settled() -> None:
    """Inside :func:`bulk_work`: freeze the objects that exist now too (what a finished part of
    the work keeps) until the block ends; outside one, or where freezing is off, nothing."""
    with _lock:
        if _depth:
            _freeze()
