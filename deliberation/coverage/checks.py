"""The checks on opinion groups and topics, one object each: its rule, its score and why it failed,
side by side.

* :class:`EveryGroupHeard`: every audience with participants has a draft on the slate;
* :class:`NoneOverRepresented`: no audience has more drafts than its fair seats (:func:`fair_seats`)
  while its share of the drafts is over ``over_factor`` times its share of the participants;
* :class:`OnePersonOneVoice`: every share counts distinct participants, never statements; a
  participant listed twice in one audience counts once.

:func:`audience_table` gives every audited audience its figures (:class:`GroupCoverage`), and
each check's verdict on it; the justified-representation checks are in :mod:`.jr`.
"""

from __future__ import annotations

import math
from typing import ClassVar, Literal

from deliberation.coverage.models import CoverageConfig, GroupCoverage
from deliberation.coverage.slate import Slate, audience_family, key_sort, listed
from deliberation.wording import audience_name, first_upper
from deliberation.words import percent, said

__all__ = ["fair_seats", "EveryGroupHeard", "NoneOverRepresented", "OnePersonOneVoice", "AUDIENCE_CHECKS",
           "audience_table"]


def fair_seats(sizes: list[int], n_drafts: int) -> list[int]:
    """Most drafts each audience may hold when ``n_drafts`` drafts speak for audiences of these
    participant ``sizes``.

    Rule: every audience with participants gets one seat (a floor of one: the point of minority
    statements is that every group is heard, so one draft each is never amplification, however
    small the group); the remaining ``n_drafts - (number of audiences)`` seats, if any, are
    apportioned by largest remainder (Hamilton) on participant shares. Ties for the last seats
    are resolved in each audience's favour, so the result is the *most* an audience could get
    under some largest-remainder apportionment. Audiences with no participants get 0.
    """
    live = [i for i, s in enumerate(sizes) if s > 0]
    out = [0] * len(sizes)
    if not live:
        return out
    for i in live:
        out[i] = 1
    extra = n_drafts - len(live)
    total = sum(sizes[i] for i in live)
    if extra <= 0 or total == 0:
        return out
    quotas = {i: extra * sizes[i] / total for i in live}
    floors = {i: math.floor(q + 1e-12) for i, q in quotas.items()}
    leftover = extra - sum(floors.values())
    rem = {i: quotas[i] - floors[i] for i in live}
    cutoff = sorted(rem.values(), reverse=True)[leftover - 1] if leftover > 0 else math.inf
    for i in live:
        out[i] += floors[i] + (1 if leftover > 0 and rem[i] >= cutoff - 1e-9 else 0)
    return out


class EveryGroupHeard:
    """Is every group heard? An audience with participants and no draft is ``"missing"``."""

    status: ClassVar[Literal["missing"]] = "missing"
    rule: ClassVar[str] = "Every audience with participants has at least one draft on the slate."

    @staticmethod
    def score(g: GroupCoverage) -> int:
        """The audience's drafts on the slate."""
        return g.n_drafts

    @staticmethod
    def fails(g: GroupCoverage, cfg: CoverageConfig) -> bool:
        return g.n_participants > 0 and g.n_drafts == 0

    @staticmethod
    def why(g: GroupCoverage, cfg: CoverageConfig, family_drafts: int) -> str:
        return said("audit.missing", audience=first_upper(audience_name(g.key)), share=percent(g.share_participants))


class NoneOverRepresented:
    """Is any group amplified? See :func:`fair_seats` for the seats and the reasoning."""

    status: ClassVar[Literal["over"]] = "over"
    rule: ClassVar[str] = ("An audience is over-represented when it has more drafts than its fair seats and its "
                           "share of the drafts is more than over_factor times its share of the participants; "
                           "a draft for an audience without participants is over-represented too.")

    @staticmethod
    def score(g: GroupCoverage) -> float | None:
        """Share of the drafts / share of the participants (None without participants)."""
        return g.ratio

    @staticmethod
    def fails(g: GroupCoverage, cfg: CoverageConfig) -> bool:
        if g.n_participants == 0:
            return g.n_drafts > 0
        return g.n_drafts > g.fair_seats and g.share_drafts > cfg.over_factor * g.share_participants

    @staticmethod
    def why(g: GroupCoverage, cfg: CoverageConfig, family_drafts: int) -> str:
        if g.n_participants == 0:
            return said("audit.over_empty", n=1 if g.n_drafts == 1 else 2, drafts=listed(g.draft_ids, cfg.max_listed),
                        audience=audience_name(g.key))
        return said("audit.over_group" if g.family == "group" else "audit.over_topic",
                    audience=first_upper(audience_name(g.key)), share=percent(g.share_participants),
                    n_drafts=g.n_drafts, n_family=family_drafts, share_drafts=percent(g.share_drafts),
                    ratio=f"{g.ratio:.1f}", n_fair=g.fair_seats)


class OnePersonOneVoice:
    """One person, one voice: shares count distinct participants. Audiences are sets of participant
    ids (a participant listed twice in one counts once); a participant in several opinion groups
    counts in each, and the audit says so."""

    rule: ClassVar[str] = ("Every share is counted over distinct participants, never statements; a participant "
                           "listed twice in an audience counts once.")

    @staticmethod
    def score(slate: Slate, keys: list[str]) -> int:
        """Memberships beyond one per participant among these audiences."""
        return sum(len(slate.members[k]) for k in keys) - len(set().union(*(slate.members[k] for k in keys)))

    @staticmethod
    def why(extra: int) -> str:
        return said("audit.extra_memberships", n_extra=extra)


#: the checks that give an audience its status, in order of precedence
AUDIENCE_CHECKS = (EveryGroupHeard, NoneOverRepresented)


def _status(g: GroupCoverage, cfg: CoverageConfig) -> str:
    return next((c.status for c in AUDIENCE_CHECKS if c.fails(g, cfg)), "ok")


def audience_table(slate: Slate, cfg: CoverageConfig) -> tuple[list[GroupCoverage], dict[str, int], list[str]]:
    """Every audited audience's figures and status, then drafts for unknown audiences.

    Returns the rows, the slate drafts of each audited family, and notes in words
    (:class:`OnePersonOneVoice`).
    """
    rows: list[GroupCoverage] = []
    family_drafts: dict[str, int] = {}
    notes: list[str] = []
    for fam in slate.audited:
        fkeys = sorted(slate.families[fam], key=key_sort)
        if not fkeys:
            continue
        n_all = len(set().union(*(slate.members[k] for k in fkeys)))
        sizes = [len(slate.members[k]) for k in fkeys]
        extra = OnePersonOneVoice.score(slate, fkeys)
        if fam == "group" and extra > 0:
            notes.append(OnePersonOneVoice.why(extra))
        n_fam = family_drafts[fam] = sum(len(slate.by_audience.get(k, [])) for k in fkeys)
        for k, size, seat in zip(fkeys, sizes, fair_seats(sizes, n_fam)):
            ids = slate.by_audience.get(k, [])
            sp = size / n_all if n_all else 0.0
            sd = len(ids) / n_fam if n_fam else 0.0
            g = GroupCoverage(key=k, family=fam, n_participants=size, share_participants=sp, n_drafts=len(ids),
                              share_drafts=sd, ratio=(sd / sp) if sp > 0 else None, fair_seats=seat,
                              draft_ids=ids, status="ok")
            g.status = _status(g, cfg)
            rows.append(g)
    for target, ids in sorted(slate.unknown.items(), key=lambda kv: key_sort(kv[0])):
        g = GroupCoverage(key=target, family=audience_family(target) or "unknown", n_participants=0,
                          share_participants=0.0, n_drafts=len(ids), share_drafts=0.0, ratio=None,
                          fair_seats=0, draft_ids=ids, status="ok")
        g.status = _status(g, cfg)
        rows.append(g)
    return rows, family_drafts, notes
