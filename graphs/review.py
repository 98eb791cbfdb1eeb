"""The moderator's review: the graph waits (``interrupt``) with every pending draft beside the
statements it cites, then applies the decisions (approve, edit, reject) and stores who made them.

An edit is checked by the faithfulness guard against the statements the draft cited; an edit
the guard does not accept goes back to the moderator with its reason, the text kept.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from deliberation.errors import InputError
from deliberation.facilitation import ground as check_sentences
from deliberation.grounding.text import split_sentences
from deliberation.models import DraftSentence, ReviewDecision
from deliberation.text.terms import extract_terms
from deliberation.words import said
from graphs.context import Context, context_of
from graphs.state import DraftRecord, FacilitationState

HOW = ("resume with {'reviewer': NAME, 'decisions': [{'key': KEY, 'decision': 'approve'|'edit'|'reject', "
       "'text': EDITED, 'reason': WHY, 'reviewer': WHO (optional: NAME)}]} or {'reviewer': NAME, 'approve_all': true}")


def review_request(state: FacilitationState, texts: dict[str, str]) -> dict[str, Any]:
    """What the moderator is shown: each pending draft with the statements it cites (``texts``:
    statement id -> text) and the coverage audit's findings. Plain JSON (kept in the checkpoint)."""
    drafts = [d for d in state.drafts if d.pending]
    return {
        "type": "review",
        "consultation_id": state.consultation_id,
        "drafts": [{"key": d.key, "kind": d.kind.value, "audience": d.audience, "heading": d.heading,
                    "text": d.text, "plain_text": d.plain_text, "sentences": d.sentence_dicts(),
                    "cited": {c: texts.get(c, "") for s in d.sentences for c in s.citations},
                    "notes": d.notes, "drafter": d.drafter,
                    # the language model's second opinion on each kept sentence (LLM drafts only)
                    "model_verdicts": [sentence_verdict(v.model_verdicts) for v in d.verdicts
                                       if v.supported and v.model_verdicts],
                    # the moderator's last edit, which the guard did not accept, and why
                    "edit_rejected": d.edit_rejected} for d in drafts],
        "audit": state.audit.get("findings", []),
        "how": HOW,
    }


def sentence_verdict(parts: list[str]) -> str:
    """The second opinion on one kept sentence, whose parts the guard may have checked one by one ("Good
    move. Will boost econy here." is two): the first part's that is not "entailed", else "entailed". The
    card counted parts, "4 got no verdict" under two sentences."""
    return next((m for m in parts if m != "entailed"), "entailed")


def decisions_in(answer: Any, keys: list[str]) -> dict[str, dict]:
    """The moderator's answer -> {draft key: {"decision", "text", "reason"}}; decisions on other
    keys, unknown decisions, empty edits and anything not shaped as :data:`HOW` says are left out
    (those drafts wait again). Never raises: LangGraph keeps a resume value with the review step,
    so one that failed here was read again by every later review and the run stayed stuck."""
    answer = answer if isinstance(answer, dict) else {}
    if answer.get("approve_all"):
        return {k: {"decision": "approve"} for k in keys}
    given = answer.get("decisions")
    out = {}
    for dec in given if isinstance(given, list) else []:
        if not isinstance(dec, dict):
            continue
        key, decision = dec.get("key"), dec.get("decision")
        if key not in keys or decision not in ("approve", "edit", "reject"):
            continue
        if decision == "edit" and not str(dec.get("text") or "").strip():
            continue
        out[key] = {"decision": decision, "text": str(dec.get("text") or "").strip(), "reason": dec.get("reason", "")}
        if isinstance(dec.get("reviewer"), str) and dec["reviewer"].strip():  # who clicked it (two moderators)
            out[key]["reviewer"] = dec["reviewer"].strip()
    return out


def check_decisions(decisions: Any, keys: list[str]) -> None:
    """Refuse a moderator's decisions file that :func:`decisions_in` would not use in full, with
    what is wrong in words (an InputError): it must be a list of objects, each with the ``key`` of a
    draft waiting for review and a ``decision`` approve, edit (with a ``text``) or reject."""
    if not isinstance(decisions, list):
        raise InputError(said("input.decisions_not_list"))
    for n, dec in enumerate(decisions, start=1):
        if not isinstance(dec, dict):
            raise InputError(said("input.decision_not_object", n_decision=n))
        key, decision = dec.get("key"), dec.get("decision")
        if key not in keys:
            raise InputError(said("input.decision_not_waiting", n_decision=n, value=repr(key), keys=", ".join(keys))
                             if keys else said("input.decision_not_waiting_none", n_decision=n, value=repr(key)))
        if decision not in ("approve", "edit", "reject"):
            raise InputError(said("input.decision_not_approve", n_decision=n, key=key, value=repr(decision)))
        if decision == "edit" and not str(dec.get("text") or "").strip():
            raise InputError(said("input.decision_no_text", n_decision=n, key=key))


def apply_decision(d: DraftRecord, dec: dict, ctx: Context, sources, encoder=None) -> tuple[DraftRecord, bool]:
    """One decision on one draft: (the draft, whether the decision stands). A new decision
    replaces the last rejected edit; an edit the guard rejects leaves the draft pending.
    ``encoder``: the consultation's embedder, for the guard's similarity evidence (None: without)."""
    d = d.model_copy(update={"edit_rejected": None})
    if dec["decision"] != "edit":
        return d.model_copy(update={"status": "approved" if dec["decision"] == "approve" else "rejected"}), True
    edited = edited_sentences(d, dec["text"])
    kept, verdicts = check_sentences(d.model_copy(update={"sentences": edited}).as_draft(), sources,
                                     encoder=encoder, config=ctx.grounding)
    whole = [DraftSentence(text=dec["text"], citations=d.citations)]
    if len(kept) < len(edited) and edited != whole:
        # a sentence the edit says in other words shares none of them, so edited_sentences left its
        # statement out and the guard found the paraphrase unsupported: checked against every
        # statement the draft cited, as an edit is when it shares words with none
        k, v = check_sentences(d.model_copy(update={"sentences": whole}).as_draft(), sources,
                               encoder=encoder, config=ctx.grounding)
        if len(k) == len(whole):
            edited, kept, verdicts = whole, k, v
    if len(kept) < len(edited):
        # kept apart from the draft's notes (which reach the report): the console shows it as an
        # error with the edited text, for correction; an approval later leaves no trace
        reason = "; ".join(dict.fromkeys(v.reason for v in verdicts if not v.supported))
        # each problem's kind with its message and the cited statements it names: the console says
        # them in its language (problem_in)
        problems = [[getattr(k, "value", k), m, ids] for v in verdicts if not v.supported
                    for k, m, ids in zip(v.problem_kinds, v.problems, v.problem_statements)]
        return d.model_copy(update={"edit_rejected": {"text": dec["text"], "reason": reason, "problems": problems},
                                    "status": "draft"}), False
    return d.model_copy(update={"sentences": edited, "verdicts": verdicts, "status": "approved"}), True


def edited_sentences(d: DraftRecord, text: str) -> list[DraftSentence]:
    """A moderator's edit as draft sentences. Where the draft sets positions side by side (each
    sentence says who holds it) and each sentence of the edit is closest in words to a different
    position, each keeps that position's holders and citations (a position the edit leaves out is
    no longer cited); otherwise the edit is one sentence citing the sources of the draft's sentences
    it shares words with: a sentence the moderator deleted (a statement that is no position) is
    neither checked against the edit nor named as its source (all of them when it shares none)."""
    parts = split_sentences(text)
    words = [set(extract_terms(s.text)) for s in d.sentences]
    if any(s.held_by for s in d.sentences) and len(parts) <= len(d.sentences):
        each = [set(extract_terms(p)) for p in parts]
        closest = [max(range(len(words)), key=lambda i, w=w: len(w & words[i])) for w in each]
        # one to one; with positions left out, each sentence of the edit speaks of its position only
        # (one that joins two positions cannot say who holds what)
        if len(set(closest)) == len(parts) and (len(parts) == len(words) or all(
                sum(bool(w & ws) for ws in words) == 1 for w in each)):
            return [DraftSentence(text=p, citations=d.sentences[i].citations, held_by=d.sentences[i].held_by)
                    for p, i in zip(parts, closest)]
    said = set(extract_terms(text))
    kept = [s for s, w in zip(d.sentences, words) if w & said] or d.sentences
    return [DraftSentence(text=text, citations=list(dict.fromkeys(c for s in kept for c in s.citations)))]


def save_decisions(ctx: Context, cid: int, by_key: dict[str, DraftRecord], records: list[dict],
                   key: str | None = None) -> None:
    """Store each decided draft and the decision with who made it, in one transaction under ``key``
    (the review task's: a retry of the step replaces what a killed attempt stored); the draft
    records its id."""
    decided = [(by_key[rec["key"]].as_draft(),
                ReviewDecision(decision=rec["decision"], reviewer=rec["reviewer"], reason=rec["reason"],
                               edited_text=rec["text"] if rec["decision"] == "edit" else None))
               for rec in records]
    saved = ctx.services.store.record_review(cid, decided, key=key)
    for rec, draft in zip(records, saved):
        by_key[rec["key"]] = by_key[rec["key"]].model_copy(update={"draft_id": draft.id})


def _review_key(runtime: Runtime[Context]) -> str | None:
    """The review step's key: its LangGraph task id, the same for every attempt of the step (it is
    made from the checkpoint the step runs from), another for every later review; None without one
    (a review called outside a graph)."""
    info = getattr(runtime, "execution_info", None)
    return f"{info.thread_id}:{info.task_id}" if info is not None and info.task_id else None


def review(state: FacilitationState, runtime: Runtime[Context]) -> dict:
    """Wait for the moderator's decisions on the pending drafts, apply and store them. The
    decisions clicked in the consoles and not submitted are deleted when a review begins (they
    were an earlier review's) and when it is answered (the answer carries the ones that count):
    the code before ``interrupt`` runs at both."""
    ctx = context_of(runtime)
    ctx.services.store.clear_pending(state.consultation_id)
    statements = ctx.services.store.statements(state.consultation_id)
    answer = interrupt(review_request(state, {s.external_id: s.text for s in statements}))
    decisions = decisions_in(answer, [d.key for d in state.drafts if d.pending])
    reviewer = str((answer or {}).get("reviewer") or "moderator")
    sources = [s for s in statements if s.is_public]
    by_key = {d.key: d for d in state.drafts}
    records, lines = [], []
    encoder = ctx.services.consultation_embedder(state.consultation_id) if decisions else None
    for key, dec in decisions.items():
        by_key[key], stands = apply_decision(by_key[key], dec, ctx, sources, encoder)
        if not stands:
            lines.append(said("log.review_unsupported", key=key))
            continue
        who = dec.get("reviewer") or reviewer
        records.append({"key": key, "decision": dec["decision"], "reviewer": who,
                        "reason": dec.get("reason", ""), "text": by_key[key].text})
        lines.append(said(f"log.review_{dec['decision']}", key=key, reviewer=who))
    save_decisions(ctx, state.consultation_id, by_key, records, _review_key(runtime))
    return {"drafts": list(by_key.values()), "reviews": state.reviews + records,
            "log": lines or [said("log.review_none")]}
