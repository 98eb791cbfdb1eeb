"""Drafting consensus and minority statements: the request, the drafter interface, the drafters.

:mod:`.base` (the request and the :class:`Drafter` interface), :mod:`.extractive` (quotes the best
statements, offline) and :mod:`.llm` (a chat model writes the draft; its prompts, model client,
answer parsing and sentence checks are :mod:`.prompts`, :mod:`.client`, :mod:`.parsing` and
:mod:`.sentences`, its settings :mod:`.config`).
"""

from deliberation.drafting.base import Drafter, DraftRequest, SourceRef

__all__ = ["Drafter", "DraftRequest", "SourceRef"]
