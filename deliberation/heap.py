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

The block is process-wide (the collector is): nested and concurrent blocks (threads of the app)
unfreeze when the last of them ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["bulk_work", "settled"]

_lock = threading.Lock()
_depth = 0


@contextmanager
def bulk_work() -> Iterator[None]:
    """Run the block with the objects that exist now frozen for the collector (see the module)."""
    global _depth
    with _lock:
        _depth += 1
        gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()


def settled() -> None:
    """Inside :func:`bulk_work`: freeze the objects that exist now too (what a finished part of
    the work keeps) until the block ends; outside one, nothing."""
    with _lock:
        if _depth:
            gc.freeze()
