"""The coverage audit: the checks of :mod:`.checks` and :mod:`.jr` on one slate, the verdict in one
sentence, and the audiences to route back to drafting."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from deliberation.coverage.checks import AUDIENCE_CHECKS, audience_table
from deliberation.coverage.jr import JRResult, JustifiedRepresentation
from deliberation.coverage.models import CoverageAudit, CoverageConfig, GroupCoverage, JRViolation
from deliberation.coverage.slate import Slate, audience_family, listed, read_slate
from deliberation.models import Draft
from deliberation.wording import Audience, audience_name
from deliberation.words import percent, said

__all__ = ["audit_coverage"]


def audit_coverage(
    drafts: list[Draft],
    group_members: dict[str, list[str]],
    approvals: dict[str, set[str]] | None,
    config: CoverageConfig = CoverageConfig(),
    *,
    draft_keys: list[str] | None = None,
    statement_topics: dict[str, str] | None = None,
    translations: dict[str, list[str]] | None = None,
    draft_voters: dict[str, set[str]] | None = None,
) -> CoverageAudit:
    """Audit the slate of drafts for coverage and amplification; see the module docstring.

    ``drafts``: every draft of the round; those whose status is in ``config.slate_statuses`` form
    the slate, the others (e.g. rejected) are only left-out candidates for the JR check.
    ``group_members``: for each audience key (``"group:<n>"``, ``"topic:<n>"``) the participant
    ids it stands for (duplicates count once). ``approvals``: for each participant the ids they
    agreed with (draft keys and/or statement ids; see :func:`draft_approvals`), or None before
    any agree data is at hand (JR is then not checked). Pass only participants who took part:
    every key is a voter, and n (hence the quota n/k) counts them all. ``draft_keys``: the id
    each draft goes by in ``approvals`` (e.g. the statement id it was published under); default
    :func:`draft_key`. ``statement_topics``: statement id -> the key of the topic holding it, for
    routing a JR violation whose participants no opinion group holds (:func:`_to_redraft`).
    ``translations``: statement id -> its translations; a participant who agreed with a translation
    of a cited statement counts as agreeing with it (:func:`~deliberation.coverage.slate.draft_approvals`).
    ``draft_voters``: draft key -> the participants who voted on it (its ``voted``).

    An audit of the same inputs as one of the last :data:`AUDITS_REMEMBERED` in this process is
    not computed again (:func:`_fingerprint`): the report audits the drafts that went to the vote,
    which after a review that changed nothing and no vote on a draft are the inputs the audit
    before the review had (the JR check of every voter, the costliest part of an audit).
    """
    key = _fingerprint(drafts, group_members, approvals, config, draft_keys, statement_topics, translations,
                       draft_voters)
    with _memo_lock:
        known = _memo.get(key)
        if known is not None:
            _memo.move_to_end(key)
    if known is None:
        known = _audit(drafts, group_members, approvals, config, draft_keys, statement_topics, translations,
                       draft_voters)
        with _memo_lock:
            _memo[key] = known
            while len(_memo) > AUDITS_REMEMBERED:
                _memo.popitem(last=False)
    return known.model_copy(deep=True)


#: How many audits (by the digest of their inputs) a process remembers.
AUDITS_REMEMBERED = 4
_memo: OrderedDict[bytes, CoverageAudit] = OrderedDict()
_memo_lock = threading.Lock()


def _fingerprint(drafts: list[Draft], group_members: dict[str, list[str]], approvals: dict[str, set[str]] | None,
                 cfg: CoverageConfig, draft_keys: list[str] | None,
                 statement_topics: dict[str, str] | None = None,
                 translations: dict[str, list[str]] | None = None,
                 draft_voters: dict[str, set[str]] | None = None) -> bytes:
    """A digest of everything :func:`audit_coverage` reads: each draft whole except its time of
    creation and its status, of which the audit reads only whether it puts the draft on the slate
    (a draft "published" after review is on the slate as it was as a "draft"); the audiences in
    their order; every participant's approvals as the audit reads them (as strings; duplicates
    kept); the settings; who voted on each draft, a draft nobody voted on left out (the audit reads
    ``voted.get(key, ())``: no voter and no entry are one answer; the report's audit, after the
    drafts were published and before any vote on them, lists each draft with nobody). Ids are
    compared as text, as the audit compares them."""
    slate = [d.status in cfg.slate_statuses for d in drafts]
    parts = [
        [d.model_dump(mode="json", exclude={"created_at", "status"}) for d in drafts], slate,
        None if draft_keys is None else [str(k) for k in draft_keys],
        [[str(k), sorted(map(str, v))] for k, v in group_members.items()],
        None if approvals is None else sorted([str(p), sorted(map(str, s))] for p, s in approvals.items()),
        cfg.model_dump(mode="json"),
        None if statement_topics is None else sorted((str(k), str(v)) for k, v in statement_topics.items()),
        None if translations is None else sorted((str(k), sorted(map(str, v))) for k, v in translations.items()),
        None if draft_voters is None else sorted((str(k), sorted(map(str, v))) for k, v in draft_voters.items() if v),
    ]
    return hashlib.blake2b(json.dumps(parts, separators=(",", ":")).encode(), digest_size=32).digest()


def _audit(drafts: list[Draft], group_members: dict[str, list[str]], approvals: dict[str, set[str]] | None,
           cfg: CoverageConfig, draft_keys: list[str] | None,
           statement_topics: dict[str, str] | None = None,
           translations: dict[str, list[str]] | None = None,
           draft_voters: dict[str, set[str]] | None = None) -> CoverageAudit:
    """The audit itself (:func:`audit_coverage` without the memory)."""
    slate = read_slate(drafts, group_members, cfg, draft_keys)
    slate.translations = {str(k): [str(x) for x in v] for k, v in (translations or {}).items()}
    slate.voted = None if draft_voters is None else {str(k): {str(p) for p in v} for k, v in draft_voters.items()}
    groups, family_drafts, notes = audience_table(slate, cfg)
    findings = slate.notes + notes
    if not drafts:
        findings.insert(0, said("audit.no_drafts"))
    elif slate.n_slate == 0:
        findings.insert(0, said("audit.none_on_slate", n=len(drafts), statuses=", ".join(cfg.slate_statuses)))
    findings += _group_findings(slate, groups, family_drafts, cfg, len(approvals) if approvals else None)
    jr = JustifiedRepresentation(cfg).check(slate, approvals)
    findings += jr.findings
    passed = (
        slate.n_slate > 0
        and all(g.status == "ok" for g in groups)
        and not (cfg.require_jr and jr.jr is False)
        and not (cfg.require_ejr and jr.ejr is False)
    )
    redraft, jr_sources, jr_target = _to_redraft(groups, jr, cfg, statement_topics or {})
    route = _jr_route_words(jr.violation, jr_target, cfg)
    findings += route
    return CoverageAudit(passed=passed, verdict=_verdict(passed, slate.n_slate, groups, jr.jr, jr.ejr, cfg),
                         groups=groups, jr=jr.jr, ejr=jr.ejr, findings=findings,
                         groups_to_redraft=redraft, jr_sources=jr_sources, jr_route=" ".join(route),
                         n_slate=slate.n_slate,
                         n_consensus=len(slate.consensus), jr_violation=jr.violation, n_voters=jr.n_voters,
                         n_candidates=jr.n_candidates)


def _ok_line(what: str, cfg: CoverageConfig) -> str:
    """What holds when every audience of a family passed: the over-representation rule as it is
    (:class:`~deliberation.coverage.checks.NoneOverRepresented`), not "none has more than 1.5x its
    share": one draft each is never amplification, so with two groups of 70% and 30% and a draft
    each, group B holds 1.7x its share and is rightly not over-represented."""
    return said(f"audit.ok_{what}", factor=f"{cfg.over_factor:g}")


def _group_findings(slate: Slate, groups: list[GroupCoverage], family_drafts: dict[str, int],
                    cfg: CoverageConfig, n_participants: int | None = None) -> list[str]:
    """Why each audience failed its check, in the audiences' order; then what holds for all.
    ``n_participants``: everyone who took part (the voters), whom common-ground drafts speak for."""
    out: list[str] = []
    if not slate.families["group"]:
        out.append(said("audit.no_groups"))
    for g in groups:
        for check in AUDIENCE_CHECKS:
            if g.status == check.status:
                out.append(check.why(g, cfg, family_drafts.get(g.family, 0)))
    audited = [g for g in groups if g.family == "group"]
    if audited and all(g.status == "ok" for g in audited) and not any(g.n_participants == 0 and g.n_drafts for g in audited):
        out.append(_ok_line("groups", cfg))
    topics = [g for g in groups if g.family == "topic"]
    if topics:  # a topic's "participants" are its voices: the table would read as its voters otherwise
        # a topic drafted but not among the audiences given has no voices (its row says why: a draft
        # for nobody); it raised KeyError here
        voices = len(set().union(*(slate.members.get(g.key, ()) for g in topics)))
        out.append(said("audit.voices", n=voices))
    if topics and all(g.status == "ok" for g in topics):
        out.append(_ok_line("topics", cfg))
    if slate.consensus:
        consensus = slate.consensus
        # everyone who took part, not the union of the audiences (the grouped participants and the
        # topics' authors: 142 of Seattle's 339)
        n = n_participants or 0
        everyone = said({0: "audit.everyone", 1: "audit.everyone_one", 2: "audit.everyone_two"}.get(n, "audit.everyone_all"),
                        n_all=n)
        items = [said("audit.item", number=k.removeprefix("all:")) if k.startswith("all:") else k for k in consensus]
        out.append(said("audit.consensus", n=len(consensus), items=listed(items, cfg.max_listed), everyone=everyone))
    return out


def _to_redraft(groups: list[GroupCoverage], jr: JRResult, cfg: CoverageConfig,
                statement_topics: dict[str, str] | None = None
                ) -> tuple[list[str], dict[str, list[str]], str | None]:
    """Audiences to route back to drafting: missing ones, over-represented ones, and for a JR
    violation the opinion group holding more than ``jr_route_majority`` of its participants, or,
    when no group does (they are in several groups, or in none: a participant with too few votes is
    placed in no group, as readers of one language of a bilingual room often are), the topic
    holding the left-out statement they all agree with (``statement_topics``); and for that
    audience, the statement, for its redraft to cite. Last, the audience routed for the violation
    (None: none)."""
    redraft: list[str] = [g.key for g in groups if g.status == "missing"]
    redraft += [g.key for g in groups if g.status == "over" and g.key not in redraft]
    sources: dict[str, list[str]] = {}
    violation = jr.violation
    if violation is None:
        return redraft, sources, None
    target = None
    if violation.by_group:
        top_key, top_n = max(violation.by_group.items(), key=lambda kv: (kv[1], kv[0]))
        if top_n > cfg.jr_route_majority * violation.n_participants:
            target = top_key
    if target is None and violation.candidate_kind == "statement":
        target = (statement_topics or {}).get(violation.candidate)
    if target is not None:
        if target not in redraft:
            redraft.append(target)
        if violation.candidate_kind == "statement":
            sources[target] = [violation.candidate]
    return redraft, sources, target


def _jr_route_words(violation: JRViolation | None, target: str | None, cfg: CoverageConfig) -> list[str]:
    """What the redraft does about a JR violation, in words, when no opinion group holds most of its
    participants: the topic redrafted to quote their statement, or why nothing is redrafted (the
    moderator saw a failed audit and no redraft, with no word why)."""
    if violation is None or (target is not None and audience_family(target) == "group"):
        return []
    where = (said("audit.where_ungrouped", n_left=violation.n_participants) if not violation.by_group else
             said("audit.where_spread", share=percent(cfg.jr_route_majority), n_left=violation.n_participants))
    if target is not None:
        return [said("audit.route_topic", where=where, audience=audience_name(target), sid=violation.candidate)]
    what = (said("audit.what_draft", sid=violation.candidate) if violation.candidate_kind == "draft"
            else said("audit.what_topic", sid=violation.candidate))
    return [said("audit.route_none", where=where, what=what)]


def _all_heard(groups: list[GroupCoverage]) -> str:
    """What "passed" means for these audiences: a room without votes has no opinion groups, and
    "every group has a draft" was then said of none."""
    if any(Audience.parse(g.key).is_group for g in groups):
        return said("audit.heard_groups")
    return said("audit.heard_topics" if groups else "audit.heard_none")


def _verdict(passed: bool, n_slate: int, groups: list[GroupCoverage], jr: bool | None, ejr: bool | None,
             cfg: CoverageConfig) -> str:
    """The audit's verdict in one sentence that agrees with every check: it never says "passed"
    without naming a check that failed."""
    problems = []
    if n_slate == 0:
        problems.append(said("audit.no_slate"))
    missing = [audience_name(g.key) for g in groups if g.status == "missing"]
    over = [audience_name(g.key) for g in groups if g.status == "over"]
    if missing:
        problems.append(said("audit.have_no_draft", n=len(missing), audiences=listed(missing, cfg.max_listed)))
    if over:
        problems.append(said("audit.are_over", n=len(over), audiences=listed(over, cfg.max_listed)))
    if jr is False:
        problems.append(said("audit.fails_jr"))
    if ejr is False:
        problems.append(said("audit.fails_ejr"))
    if not problems:
        checked = " and ".join(x for x, v in (("JR", jr), ("EJR", ejr)) if v)
        if not checked:
            return said("audit.passed", heard=_all_heard(groups))
        return said("audit.passed_checked", n=1 if checked in ("JR", "EJR") else 2, heard=_all_heard(groups), checks=checked)
    text = "; ".join(problems)
    if passed:  # only checks that are not required failed (e.g. EJR with require_ejr off)
        return said("audit.warning", problems=text, heard=_all_heard(groups))
    return said("audit.not_passed", problems=text)
