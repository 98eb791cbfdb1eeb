"""The vote-check of a room driven in a browser: every press a phone saw acknowledged ("Vote stored: …")
against what the Store holds. A room run (tests/room_hand.py) records each acknowledged press as a
:class:`Press`; :func:`check_votes` then says which were lost (acknowledged, not stored), which stored
events no acknowledged press accounts for (duplicated), and which votes on a draft the Store holds from
after its voting window closed. ``VoteCheck.ok`` is the verdict: 0 lost, 0 duplicated, none after close.

Only the participants the room tracked are compared (an import's votes, or a voter the run did not
drive, are not presses). For each (participant, statement) the acknowledged values, in the order the
phones saw them, must be the stored events' values in the Store's order; the last one is the current
vote."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone


@dataclass(frozen=True)
class Press:
    """One press a phone saw acknowledged: who (the participant id), on what (statement or draft id), the
    value (1 agree, -1 disagree, 0 pass) and a label of the page (for the report)."""

    participant: str
    statement: str
    vote: int
    page: str = ""


@dataclass
class VoteCheck:
    acknowledged: int = 0
    stored: int = 0
    lost: list = field(default_factory=list)
    duplicated: list = field(default_factory=list)
    after_close: list = field(default_factory=list)
    wrong_current: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.after_close or self.wrong_current)

    def summary(self) -> str:
        return (f"{self.acknowledged} presses acknowledged, {self.stored} stored events of those participants: "
                f"{len(self.lost)} lost, {len(self.duplicated)} duplicated, {len(self.after_close)} after close, "
                f"{len(self.wrong_current)} current votes not the last acknowledged"
                + ("" if self.ok else f"\nlost {self.lost}\nduplicated {self.duplicated}\n"
                   f"after close {self.after_close}\nwrong current {self.wrong_current}"))


def _closes(store, cid: int) -> dict[str, float]:
    """Draft id -> when its voting window closed (ms since the epoch), for the closed windows."""
    from sqlalchemy import select

    from deliberation.storage.tables import VotingWindowRow

    with store.session() as s:
        rows = s.execute(select(VotingWindowRow.draft_ids, VotingWindowRow.closed_at)
                         .where(VotingWindowRow.consultation_id == cid,
                                VotingWindowRow.closed_at.is_not(None))).all()
    out: dict[str, float] = {}
    for ids, closed in rows:
        if closed.tzinfo is None:
            closed = closed.replace(tzinfo=timezone.utc)
        for sid in ids or ():
            out[str(sid)] = min(out.get(str(sid), float("inf")), closed.timestamp() * 1000)
    return out


def check_votes(store, cid: int, presses: list[Press]) -> VoteCheck:
    """Compare ``presses`` (in the order they were acknowledged) with the Store's vote events of
    consultation ``cid``."""
    pressed: dict[tuple[str, str], list[int]] = defaultdict(list)
    for p in presses:
        pressed[(p.participant, str(p.statement))].append(int(p.vote))
    people = {p.participant for p in presses}
    events = store.vote_events(cid)
    events = events[events["participant"].isin(people)]
    stored: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for row in events.itertuples(index=False):
        stored[(row.participant, str(row.statement))].append((int(row.vote), float(row.timestamp)))
    check = VoteCheck(acknowledged=len(presses), stored=len(events))
    for key in sorted(set(pressed) | set(stored)):
        want, got = pressed.get(key, []), [v for v, _ in stored.get(key, [])]
        i = 0  # the longest common run from the start; the rest of each side is lost / duplicated
        while i < min(len(want), len(got)) and want[i] == got[i]:
            i += 1
        check.lost += [(*key, v) for v in want[i:]]
        check.duplicated += [(*key, v) for v in got[i:]]
    closes = _closes(store, cid)
    for row in events.itertuples(index=False):
        closed = closes.get(str(row.statement))
        if closed is not None and row.timestamp == row.timestamp and row.timestamp > closed:
            when = datetime.fromtimestamp(row.timestamp / 1000, timezone.utc).isoformat()
            check.after_close.append((row.participant, str(row.statement), int(row.vote), when))
    current = store.current_votes(cid)
    current = {(r.participant, str(r.statement)): int(r.vote) for r in current.itertuples(index=False)
               if r.participant in people}
    for key, values in pressed.items():
        if current.get(key) != values[-1]:
            check.wrong_current.append((*key, values[-1], current.get(key)))
    return check
