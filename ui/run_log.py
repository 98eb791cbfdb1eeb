"""A graph run's English sentences in the console's language: its log lines (graphs/nodes.py writes
them in English, ``said.log`` of deliberation/messages; the command line and report.json keep them
so), the analysis's and the audit's notes, said again as the report says them
(deliberation.report_text.said_in: opinion groups, topics and the drafts put to the vote named as it
names them; a draft's key by its heading, in every language). A line no sentence reads (a run from
before, a library's message) stays as it is."""

from __future__ import annotations

from typing import Callable

from deliberation.report_text import said_in
from deliberation.wording import draft_heading
from deliberation.words import Texts
from ui.i18n import Words

#: Opinion groups a sentence may name without the run's analysis at hand (the progress of a run
#: that is going on): "group A" to "group Z", as the analysis letters them.
GROUP_LETTERS = 26


def said_words(values: dict | None, w: Words) -> Callable[[str], str]:
    """How the console says a run's English sentences in ``w``'s language; ``values``: the graph's
    state (its analysis, audit and published drafts name what the sentences name), or None while
    a run is drawn step by step (groups by their letters only); the drafts' keys by their headings,
    in English too ("publish all:1 as statement 25" showed a raw key: "publish Common ground 1 as
    statement 25")."""
    values = values or {}
    analysis = _plain(values.get("analysis")) or {}
    groups = analysis.get("group_summaries") or [{"id": i} for i in range(GROUP_LETTERS)]
    published = [{"key": p.get("key", ""), "heading": p.get("heading"), "published_as": p.get("statement_id")}
                 for p in map(_plain, values.get("published") or [])]
    # the drafts under way by their own headings (a draft's model has its heading as a property only)
    drafts = [{"key": d.get("key", ""), "heading": draft_heading(d.get("key", ""), split=bool(d.get("split")))}
              for d in map(_plain, values.get("drafts") or []) if d.get("key")]
    named = {"topics": (analysis.get("topics") or {}).get("topics") or [], "groups": groups,
             "audit": _plain(values.get("audit")) or {}, "consensus": published, "minority": drafts}
    return said_in(named, Texts(w.lang))


def _plain(value):
    """A part of the graph's state as JSON: a step's update holds models (the analysis, a published
    draft) where a checkpoint's values hold their JSON."""
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def log_lines(lines: list[str], w: Words, values: dict | None = None) -> list[str]:
    """A run's log lines in ``w``'s language (:func:`said_words`)."""
    say = said_words(values, w)
    return [say(line) for line in lines]
