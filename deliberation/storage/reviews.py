"""The moderator's reviews in the store: each decided draft with who decided what (approve, edit,
reject, why), the audit trail the report and the console read. Mixed into
:class:`deliberation.storage.store.Store`, which provides ``self.session`` and ``self._require``.

One review step's decisions are stored in one transaction under the step's key (the graph's review
task, the same for every attempt of the step): a step killed after the commit and before its
checkpoint (a server restart, a closed terminal) is answered and run again, and the retry replaces
what the killed attempt stored, so each review keeps one draft row and one review row per decided
draft, the ones the run went on with (it stored them all again beside the first attempt's).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from deliberation.models import Draft, DraftSentence, ReviewDecision
from deliberation.storage.sql import _utc
from deliberation.storage.tables import DraftRow, ReviewRow, ReviewSaveRow

#: the status a decision gives its draft
DECIDED_STATUS = {"approve": "approved", "edit": "approved", "reject": "rejected"}


class ReviewsMixin:
    def record_review(self, consultation_id: int, decided: Sequence[tuple[Draft, ReviewDecision]],
                      key: str | None = None) -> list[Draft]:
        """Store the drafts one review decided, each with its decision, in one transaction; returns
        the stored drafts (with their ids) in order. A decision's ``draft_id`` is set here. A draft
        takes its decision's status; an edit whose text is not the draft's becomes the draft's one
        sentence, citing all its sources. ``key`` names the review (the graph's review task): a
        second call with the same key is a retry and replaces what the first one stored."""
        with self.session() as s, s.begin():
            self._require(s, consultation_id)
            earlier = s.scalar(select(ReviewSaveRow).where(ReviewSaveRow.consultation_id == consultation_id,
                                                           ReviewSaveRow.save_key == key)) if key else None
            if earlier is not None:
                _forget(s, earlier.draft_ids or [])
            rows = []
            for draft, decision in decided:
                row = _decided_row(consultation_id, draft, decision)
                s.add(row)
                s.flush()
                s.add(ReviewRow(draft_id=row.id, decision=decision.decision, reviewer=decision.reviewer,
                                edited_text=decision.edited_text, reason=decision.reason,
                                created_at=decision.created_at))
                rows.append(row)
            if key and earlier is None:
                s.add(ReviewSaveRow(consultation_id=consultation_id, save_key=key, draft_ids=[r.id for r in rows],
                                    created_at=datetime.now(timezone.utc)))
            elif earlier is not None:
                earlier.draft_ids = [r.id for r in rows]
            s.flush()
            return [_draft(r) for r in rows]

    def drafts(self, consultation_id: int) -> list[Draft]:
        with self.session() as s:
            return [_draft(r) for r in s.scalars(select(DraftRow).where(DraftRow.consultation_id == consultation_id)
                                                 .order_by(DraftRow.id))]

    def reviews(self, draft_id: int) -> list[ReviewDecision]:
        with self.session() as s:
            return [ReviewDecision(draft_id=r.draft_id, decision=r.decision, reviewer=r.reviewer,
                                   edited_text=r.edited_text, reason=r.reason, created_at=_utc(r.created_at))
                    for r in s.scalars(select(ReviewRow).where(ReviewRow.draft_id == draft_id).order_by(ReviewRow.id))]


def _forget(s: Session, draft_ids: list[int]) -> None:
    """What an earlier attempt of a review stored: its review rows and its drafts (not yet
    published: a review's drafts are published by the step after it)."""
    if draft_ids:
        s.execute(delete(ReviewRow).where(ReviewRow.draft_id.in_(draft_ids)))
        s.execute(delete(DraftRow).where(DraftRow.id.in_(draft_ids), DraftRow.statement_id.is_(None)))


def _decided_row(consultation_id: int, draft: Draft, decision: ReviewDecision) -> DraftRow:
    sentences = [x.model_dump() for x in draft.sentences]
    if decision.decision == "edit" and decision.edited_text and decision.edited_text != draft.text:
        sentences = [DraftSentence(text=decision.edited_text, citations=draft.cited_statement_ids).model_dump()]
    return DraftRow(consultation_id=consultation_id, kind=draft.kind.value, speaks_for=draft.speaks_for,
                    sentences=sentences, drafter=draft.drafter, status=DECIDED_STATUS[decision.decision],
                    notes=draft.notes, created_at=draft.created_at)


def _draft(r: DraftRow) -> Draft:
    return Draft(id=r.id, consultation_id=r.consultation_id, kind=r.kind, speaks_for=r.speaks_for,
                 sentences=[DraftSentence(**x) for x in r.sentences], drafter=r.drafter, status=r.status,
                 notes=r.notes or "", created_at=_utc(r.created_at))
