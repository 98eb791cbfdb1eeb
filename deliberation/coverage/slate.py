"""The slate the coverage checks look at, read once: who each draft speaks for, who each audience
is, who approves what; and the words the checks share (audience names, shares, lists)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from deliberation.coverage.models import CoverageConfig
from deliberation.models import Draft, DraftKind
from deliberation.wording import Audience, audience_name, audience_of
from deliberation.words import said

__all__ = ["Slate", "read_slate", "draft_key", "draft_approvals", "key_sort", "listed",
           "audience_family"]


def audience_family(key: str) -> str | None:
    """"group" or "topic" for an audience key of an opinion group or a topic ("group:<n>",
    "topic:<n>"; parsed by deliberation.wording.Audience), else None."""
    a = Audience.parse(key)
    return a.family if (a.is_group or a.is_topic) and a.number not in (None, "") else None


def draft_key(draft: Draft, index: int) -> str:
    """The id a draft goes by in ``approvals`` and the audit: ``str(draft.id)``, or
    ``"draft-<index>"`` for a draft not yet stored (index = its position in the list)."""
    return str(draft.id) if draft.id is not None else f"draft-{index}"


def key_sort(key: str):
    """Sort key of audience keys: groups before topics, numbers in numeric order."""
    fam = audience_family(key)
    fam, rest = (fam, str(Audience.parse(key).number)) if fam else ("~", key)
    try:
        return (fam, 0, int(rest), rest)
    except ValueError:
        return (fam, 1, 0, rest)


def listed(ids: Iterable[str], limit: int) -> str:
    """Ids in a sentence: the first ``limit``, then "and N more"."""
    ids = list(ids)
    head = ", ".join(ids[:limit])
    return head + (f" and {said('audit.more', n=len(ids) - limit)}" if len(ids) > limit else "")



def draft_approvals(
    drafts: list[Draft],
    keys: list[str],
    approvals: dict[str, set[str]],
    config: CoverageConfig = CoverageConfig(),
    translations: dict[str, list[str]] | None = None,
    voted: dict[str, set[str]] | None = None,
) -> dict[str, set[str]]:
    """Which drafts each participant approves: ``{participant: {draft key, ...}}``.

    ``approvals`` maps each participant to the ids they *agreed* with: draft keys (once
    participants vote on drafts) and/or statement ids. A participant approves a draft when
    they agreed with the draft itself, or, for a draft nobody has voted on yet (see
    ``CoverageConfig.approval_basis``), when they agreed with at least
    ``cited_agree_fraction`` of the statements it cites (and at least one). ``translations``
    (statement id -> its translations): a cited statement and its translations are one point, said in
    several languages: agreeing with any of them is agreeing with it (a bilingual room's readers of
    one language vote on their version only). ``voted`` (draft key -> the participants who voted on
    it, whatever their vote): with the ``auto`` basis, a participant who did not vote on a draft others
    voted on approves it by the statements it cites (a room of 1,921 imported voters and three who
    voted on the drafts failed JR: the 1,921 approved no draft); without it, by the draft's votes alone.
    """
    translations = translations or {}
    # inverted index: id -> participants who agreed with it (one pass over the agree data), kept
    # to the ids asked about (draft keys and cited statements): 100,000 participants' agree sets
    # made millions of set entries for statements no draft cites
    needed = set(keys) | {x for d in drafts for c in d.cited_statement_ids for x in [c, *translations.get(c, ())]}
    agreed_by: dict[str, set[str]] = {}
    for pid, agreed in approvals.items():
        for x in agreed:
            x = str(x)
            if x in needed:
                agreed_by.setdefault(x, set()).add(str(pid))
    out: dict[str, set[str]] = {str(pid): set() for pid in approvals}

    def by_citations(d: Draft) -> set[str]:
        cited = _points(d.cited_statement_ids, translations)
        hits = Counter(p for point in cited for p in set().union(*(agreed_by.get(x, ()) for x in point)))
        need = max(1.0, config.cited_agree_fraction * len(cited) - 1e-12)
        return {p for p, h in hits.items() if h >= need}

    for d, k in zip(drafts, keys):
        basis = config.approval_basis
        if basis == "auto" and voted is not None:
            # each participant by their own vote on the draft, or by what it cites when they cast none
            approvers = agreed_by.get(k, set()) | (by_citations(d) - {str(p) for p in voted.get(k, ())})
        else:
            if basis == "auto":
                basis = "draft_votes" if k in agreed_by else "citations"
            approvers = agreed_by.get(k, set()) if basis == "draft_votes" else by_citations(d)
        for p in approvers:
            out[p].add(k)
    return out


def _points(cited: list[str], translations: dict[str, list[str]]) -> list[set[str]]:
    """The points a draft cites: each cited statement with its translations, a statement cited with
    its translation counted once (a draft quoting a point in two languages makes one point)."""
    out: list[set[str]] = []
    for c in cited:
        if not any(c in point for point in out):
            out.append({c, *translations.get(c, ())})
    return out


@dataclass
class Slate:
    """The round's drafts as the checks see them.

    ``keys``: the id each draft goes by; ``on_slate``: whether it goes before participants;
    ``members``: each audience's distinct participants; ``by_audience``: the slate drafts speaking
    for each known audience, ``consensus`` those speaking for everyone, ``unknown`` those speaking
    for an audience not among ``members``; ``families``: the audience keys of each family
    ("group", "topic"), ``audited`` the families the audit covers; ``notes``: what reading the
    slate found, in words.
    """

    drafts: list[Draft]
    keys: list[str]
    on_slate: list[bool]
    members: dict[str, set[str]]
    by_audience: dict[str, list[str]] = field(default_factory=dict)
    consensus: list[str] = field(default_factory=list)
    unknown: dict[str, list[str]] = field(default_factory=dict)
    families: dict[str, list[str]] = field(default_factory=lambda: {"group": [], "topic": []})
    audited: list[str] = field(default_factory=lambda: ["group"])
    notes: list[str] = field(default_factory=list)
    #: statement id -> its translations (see :func:`draft_approvals`)
    translations: dict[str, list[str]] = field(default_factory=dict)
    #: draft key -> the participants who voted on it, or None when not known (see :func:`draft_approvals`)
    voted: dict[str, set[str]] | None = None

    @property
    def n_slate(self) -> int:
        return sum(self.on_slate)


def read_slate(drafts: list[Draft], group_members: dict[str, list[str]], cfg: CoverageConfig,
               draft_keys: list[str] | None = None) -> Slate:
    """Read the drafts and audiences once (see :func:`~deliberation.coverage.audit_coverage`)."""
    keys = list(draft_keys) if draft_keys is not None else [draft_key(d, i) for i, d in enumerate(drafts)]
    if len(keys) != len(drafts):
        raise ValueError(f"draft_keys has {len(keys)} entries for {len(drafts)} drafts")
    if len(set(keys)) != len(keys):
        dup = [k for k, c in Counter(keys).items() if c > 1]
        raise ValueError(f"draft keys must be distinct; repeated: {listed(dup, cfg.max_listed)}")
    slate = Slate(drafts=drafts, keys=keys, on_slate=[d.status in cfg.slate_statuses for d in drafts],
                  members={str(k): {str(p) for p in v} for k, v in group_members.items()})
    for d, k, s in zip(drafts, keys, slate.on_slate):
        if s:
            _place(slate, d, k)
    for key in slate.members:
        family = audience_family(key)
        if family:
            slate.families[family].append(key)
        else:
            slate.notes.append(said("audit.bad_key", key=repr(key)))
    topic_drafted = any(audience_family(t) == "topic" for t in slate.by_audience)
    if cfg.audit_topics == "always" or (cfg.audit_topics == "if_drafted" and topic_drafted):
        slate.audited.append("topic")
    return slate


def _place(slate: Slate, d: Draft, k: str) -> None:
    """File slate draft ``d`` (key ``k``) under the audience it speaks for."""
    target = audience_of((d.speaks_for or "all").strip())
    if target == "all":
        slate.consensus.append(k)
        if d.kind is DraftKind.MINORITY:
            slate.notes.append(said("audit.minority_for_all", draft=k))
        return
    if d.kind is DraftKind.CONSENSUS:
        slate.notes.append(said("audit.consensus_for_one", draft=k, audience=audience_name(target)))
    if target in slate.members:
        slate.by_audience.setdefault(target, []).append(k)
    else:
        slate.unknown.setdefault(target, []).append(k)
