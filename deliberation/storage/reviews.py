"""The moderator's reviews in the store: each decided draft with who decided what (approve, edit,
reject, why), the audit trail the report and the console read. Mixed into
:class:`deliberation.storage.store.Store`, which provides ``self.session`` and ``self._require``.

One review step's decisions are stored in one transaction under the step's key (the graph's review
task, the same for every attempt of the step): a step killed after the commit and before its
checkpoint (a server restart, a closed terminal) is answered and run again, and the retry replaces
what the killed attempt stored, so each review keeps one draft row and one review row per decided
draft, the ones the run went on with (it stored them all again beside the first attempt's).

Decisions clicked and not yet submitted are stored too (``pending_reviews``, one per draft, last
click wins), so that every console of the consultation shows them and a reload keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deliberation.errors import InputError
from deliberation.words import said
from deliberation.models import Draft, DraftSentence, ReviewDecision
from deliberation.storage.sql import _unique_violation, _utc
from deliberation.storage.tables import DraftRow, PendingReviewRow, ReviewRow, ReviewSaveRow

#: the status a decision gives its draft
DECIDED_STATUS = {"approve": "approved", "edit": "approved", "reject": "rejected"}


@dataclass(frozen=True)
class PendingDecision:
    """A decision clicked on a draft and not submitted yet (``Store.save_pending``)."""

    draft_key: str
    decision: str
    edited_text: str | None
    reason: str
    reviewer: str
    #: grows by one at every change: what a console showed is compared with it at Submit
    version: int
    updated_at: datetime


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

    def save_pending(self, consultation_id: int, review_key: str, draft_key: str, decision: str, reviewer: str, *,
                     edited_text: str | None = None, reason: str | None = None) -> PendingDecision:
        """Store a decision clicked on draft ``draft_key`` of the review ``review_key``, replacing the
        draft's earlier one (last click wins; ``edited_text`` / ``reason`` None: kept as stored), in
        one transaction. A click on a page still showing an earlier review stores under that review's
        key and changes nothing the current review shows."""
        if decision not in DECIDED_STATUS:
            raise InputError(said("input.not_a_decision", value=repr(decision)), draft_key)
        values = {"review_key": review_key, "decision": decision, "reviewer": reviewer or "moderator",
                  "updated_at": datetime.now(timezone.utc)}
        if edited_text is not None:
            values["edited_text"] = edited_text
        if reason is not None:
            values["reason"] = reason
        mine = (PendingReviewRow.consultation_id == consultation_id, PendingReviewRow.review_key == review_key,
                PendingReviewRow.draft_key == draft_key)
        for attempt in range(2):  # a second console inserting the same draft's first decision at once
            try:
                with self.session() as s, s.begin():
                    self._require(s, consultation_id)
                    # one UPDATE: two clicks at once each take a version of their own
                    changed = s.execute(update(PendingReviewRow).where(*mine).values(
                        **values, version=PendingReviewRow.version + 1)).rowcount
                    if not changed:
                        s.add(PendingReviewRow(consultation_id=consultation_id, draft_key=draft_key, version=1,
                                               **{"edited_text": None, "reason": "", **values}))
                        s.flush()
                    return _pending(s.scalars(select(PendingReviewRow).where(*mine)).one())
            except IntegrityError as e:
                if attempt or not _unique_violation(e):
                    raise
        raise AssertionError("unreachable")

    def pending(self, consultation_id: int, review_key: str, draft_key: str | None = None
                ) -> dict[str, PendingDecision]:
        """The decisions clicked in review ``review_key`` and not submitted, by draft key (of one
        draft: ``draft_key``). A read-only database has none (it cannot have taken a click)."""
        if getattr(self, "read_only", False):
            return {}
        q = select(PendingReviewRow).where(PendingReviewRow.consultation_id == consultation_id,
                                           PendingReviewRow.review_key == review_key)
        if draft_key is not None:
            q = q.where(PendingReviewRow.draft_key == draft_key)
        with self.session() as s:
            return {r.draft_key: _pending(r) for r in s.scalars(q)}

    def clear_pending(self, consultation_id: int) -> int:
        """Delete the consultation's clicked decisions (its review was answered, or a new one
        began); how many."""
        with self.session() as s, s.begin():
            return s.execute(delete(PendingReviewRow).where(
                PendingReviewRow.consultation_id == consultation_id)).rowcount

    def drafts(self, consultation_id: int) -> list[Draft]:
        with self.session() as s:
            return [_draft(r) for r in s.scalars(select(DraftRow).where(DraftRow.consultation_id == consultation_id)
                                                 .order_by(DraftRow.id))]

    def reviews(self, draft_id: int) -> list[ReviewDecision]:
        with self.session() as s:
            return [ReviewDecision(draft_id=r.draft_id, decision=r.decision, reviewer=r.reviewer,
                                   edited_text=r.edited_text, reason=r.reason, created_at=_utc(r.created_at))
                    for r in s.scalars(select(ReviewRow).where(ReviewRow.draft_id == draft_id).order_by(ReviewRow.id))]


def stale_pending(now: Mapping[str, PendingDecision], shown: Mapping[str, int | None]) -> list[str]:
    """The drafts (keys, in ``shown``'s order) whose stored decision is not the one a console showed
    (``shown``: draft key -> the version it showed, None: no decision): another console decided,
    changed or (by a submission) cleared it since. A submission from that console must not apply
    them unseen."""
    return [k for k, v in shown.items() if (now[k].version if k in now else None) != v] + \
        [k for k in now if k not in shown]


def _pending(r: PendingReviewRow) -> PendingDecision:
    return PendingDecision(draft_key=r.draft_key, decision=r.decision, edited_text=r.edited_text,
                           reason=r.reason or "", reviewer=r.reviewer, version=r.version,
                           updated_at=_utc(r.updated_at))


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
