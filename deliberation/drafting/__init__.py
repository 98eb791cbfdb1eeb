"""Drafting consensus and minority statements: the request, the drafter interface, the drafters."""

from deliberation.drafting.base import Drafter, DraftRequest, SourceRef

__all__ = ["Drafter", "DraftRequest", "SourceRef"]
