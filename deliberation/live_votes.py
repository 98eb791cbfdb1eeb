"""Everyone's current votes in a live room, kept up to date from the vote events instead of read
whole on every look.

Every open page of a room (the live board, the projector, each participant's page) shows or uses
everyone's current votes, and refreshes itself every few seconds. Read whole, they are a scan of
the votes table: a room of 2,000 people and 900 statements holds 225,000 votes, about 0.5 s of CPU
per read, so a few open boards kept a core busy without a single new vote. :class:`LiveVotes`
reads them whole once, then on each look asks the store whether the votes have changed
(:meth:`Store.vote_stamp`: the latest id of the vote events, one index lookup) and applies only the
events since the latest one it holds.

Every vote, vote change and imported vote adds a vote event (deliberation/storage), and the
current vote of a pair is its last event, so applying the events after id N, in id order, to the
current votes as of N gives the current votes. On SQLite writes are serialised, so event ids follow
commit order and the result always equals a whole read. On PostgreSQL an id is taken at insert
and transactions can commit out of id order, so an event may appear below an id already seen:
there the vote events are counted every :attr:`LiveVotes.full_read_s` seconds, and the votes read
whole again when the count differs from the last whole read's, which bounds how long such a vote can
be missing from the pages (it is never missing from the store), also when no vote follows it.
Counting reads every event of the room, so it is done only then, not on every look.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from deliberation.storage import Store

#: On databases whose event ids may commit out of order (not SQLite), the votes are read whole
#: again at most this often (seconds) while the room changes.
FULL_READ_SECONDS = 30.0


class LiveVotes:
    """One consultation's current votes (participant, statement, vote), shared by every reader;
    thread-safe. The frame returned is never changed afterwards: callers must not change it."""

    def __init__(self, store: Store, consultation_id: int, full_read_s: float = FULL_READ_SECONDS):
        self.store, self.cid, self.full_read_s = store, consultation_id, full_read_s
        self._lock = threading.Lock()
        self._frame: pd.DataFrame | None = None
        self._version = -1  # the last vote event the frame includes
        self._read_at = 0.0
        self._events_read = -1  # how many vote events there were at the last whole read
        self._pos: dict[tuple[str, str], int] | None = None  # (participant, statement) -> row
        #: how many whole reads were made (for tests and benchmarks)
        self.whole_reads = 0

    def current(self) -> tuple[pd.DataFrame, int]:
        """The current votes and the id of the last vote event they include (0: no votes)."""
        with self._lock:
            now = time.monotonic()
            due = (self.store.engine.dialect.name != "sqlite"
                   and (self._frame is None or now - self._read_at >= self.full_read_s))
            stamp = self.store.vote_stamp(self.cid, counted=due)  # counting reads every event: only when due
            last = stamp.last_event
            if self._frame is None or last < self._version or (due and stamp.events != self._events_read):
                self._read_whole(last, stamp.events)
            else:
                if due:  # no event since the last whole read: nothing can be missing until the next check
                    self._read_at = now
                if last != self._version:
                    self._apply(self.store.vote_events_after(self.cid, self._version))
            return self._frame, self._version

    def _read_whole(self, last: int, events: int) -> None:
        # ``last`` was read before the votes: events after it that the read already holds are
        # applied again later, which changes nothing (a pair's vote is its last event)
        self._frame, self._version, self._pos = self.store.current_votes(self.cid), last, None
        self._read_at, self._events_read = time.monotonic(), events
        self.whole_reads += 1

    def _apply(self, events: list[tuple[int, str, str, int]]) -> None:
        import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import

        if not events:
            return
        frame = self._frame
        if self._pos is None:
            self._pos = dict(zip(zip(frame["participant"].tolist(), frame["statement"].tolist()), range(len(frame))))
        latest = {(p, s): v for _, p, s, v in events}  # in id order: the last event of a pair wins
        rows, values, new = [], [], []
        for key, v in latest.items():
            at = self._pos.get(key)
            if at is None:
                self._pos[key] = len(frame) + len(new)
                new.append((*key, v))
            else:
                rows.append(at)
                values.append(v)
        frame = frame.copy()  # readers keep the frame they were given, unchanged
        if rows:
            frame.iloc[rows, frame.columns.get_loc("vote")] = np.array(values, dtype=np.int8)
        if new:
            added = pd.DataFrame(new, columns=["participant", "statement", "vote"]).astype({"vote": np.int8})
            # a room's first votes: the empty frame's columns have no string type to keep
            frame = added if frame.empty else pd.concat([frame, added], ignore_index=True)
        self._frame, self._version = frame, events[-1][0]
