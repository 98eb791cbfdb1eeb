"""The participants x statements vote matrix that the analysis reads.

Votes are kept as coordinate triples (row, column, value) so that "pass" (0) and "not seen"
stay distinct in a sparse form: ``seen()`` marks every cast vote, ``values()`` holds +1 / -1 / 0.
A 100,000 x 10,000 matrix with 50 votes per participant is 5 million triples (~45 MB).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    import scipy.sparse as sp


@dataclass
class VoteMatrix:
    """Final votes of a consultation.

    ``participant_ids[r]`` and ``statement_ids[c]`` are the source ids (strings) of row r and
    column c. ``moderated_out[c]`` is True for statements a moderator rejected: they stay in the
    matrix (so exports round-trip) but the analysis leaves them out.
    """

    participant_ids: list[str]
    statement_ids: list[str]
    rows: np.ndarray  # int32, row index of each vote
    cols: np.ndarray  # int32, column index of each vote
    vals: np.ndarray  # int8, +1 agree, -1 disagree, 0 pass
    moderated_out: np.ndarray = field(default=None)  # bool per statement

    def __post_init__(self) -> None:
        self.rows = np.asarray(self.rows, dtype=np.int32)
        self.cols = np.asarray(self.cols, dtype=np.int32)
        self.vals = np.asarray(self.vals, dtype=np.int8)
        if self.moderated_out is None:
            self.moderated_out = np.zeros(len(self.statement_ids), dtype=bool)
        self.moderated_out = np.asarray(self.moderated_out, dtype=bool)
        if not (len(self.rows) == len(self.cols) == len(self.vals)):
            raise ValueError("rows, cols and vals must have the same length")
        if len(self.moderated_out) != len(self.statement_ids):
            raise ValueError("moderated_out must have one entry per statement")

    # ---- shape -------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participant_ids), len(self.statement_ids)

    @property
    def n_votes(self) -> int:
        return int(len(self.vals))

    # ---- views -------------------------------------------------------------------------
    def values(self, dtype=np.float64) -> sp.csr_matrix:
        """CSR of vote values (+1/-1; passes are stored zeros, so use ``seen()`` to count votes)."""
        import scipy.sparse as sp  # lazy: scipy.sparse takes ~0.08 s and ~12 MB to import

        m = sp.csr_matrix((self.vals.astype(dtype), (self.rows, self.cols)), shape=self.shape)
        return m

    def seen(self, dtype=np.float64) -> sp.csr_matrix:
        """CSR with 1 wherever a participant voted (agree, disagree or pass)."""
        import scipy.sparse as sp  # lazy: scipy.sparse takes ~0.08 s and ~12 MB to import

        return sp.csr_matrix(
            (np.ones(len(self.vals), dtype=dtype), (self.rows, self.cols)), shape=self.shape
        )

    def to_dense(self, missing: float = np.nan) -> np.ndarray:
        """Dense float matrix with ``missing`` where no vote was cast (small matrices only)."""
        out = np.full(self.shape, missing, dtype=np.float64)
        out[self.rows, self.cols] = self.vals
        return out

    def to_frame(self) -> pd.DataFrame:
        """Long table: participant, statement, vote."""
        import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import

        return pd.DataFrame(
            {
                "participant": np.asarray(self.participant_ids, dtype=object)[self.rows],
                "statement": np.asarray(self.statement_ids, dtype=object)[self.cols],
                "vote": self.vals,
            }
        )

    def votes_per_participant(self) -> np.ndarray:
        return np.bincount(self.rows, minlength=self.shape[0])

    def votes_per_statement(self) -> np.ndarray:
        return np.bincount(self.cols, minlength=self.shape[1])

    # ---- construction ------------------------------------------------------------------
    @classmethod
    def from_long(
        cls,
        participants: np.ndarray | list,
        statements: np.ndarray | list,
        votes: np.ndarray | list,
        *,
        participant_ids: list[str] | None = None,
        statement_ids: list[str] | None = None,
        moderated_out_ids: set[str] | None = None,
    ) -> "VoteMatrix":
        """Build from one final vote per (participant, statement) given as parallel arrays of ids.

        ``participant_ids`` / ``statement_ids`` fix the row / column order (and may include ids
        without votes); by default they are the sorted distinct ids (numerically when all are
        integers, as Polis ids are).
        """
        p = np.asarray(participants, dtype=object).astype(str)
        s = np.asarray(statements, dtype=object).astype(str)
        if participant_ids is None:
            participant_ids = _sorted_ids(np.unique(p))
        if statement_ids is None:
            statement_ids = _sorted_ids(np.unique(s))
        p_index = {pid: i for i, pid in enumerate(participant_ids)}
        s_index = {sid: i for i, sid in enumerate(statement_ids)}
        rows = np.fromiter((p_index[x] for x in p), dtype=np.int32, count=len(p))
        cols = np.fromiter((s_index[x] for x in s), dtype=np.int32, count=len(s))
        mod = np.array([sid in (moderated_out_ids or set()) for sid in statement_ids], dtype=bool)
        return cls(list(participant_ids), list(statement_ids), rows, cols, np.asarray(votes), mod)

    def voters(self) -> np.ndarray:
        """True for every row that cast at least one vote: the consultation's participants.
        Registered ids that never voted (e.g. the authors of an imported statements file) are
        not participants, though they stay rows (exports round-trip)."""
        return self.votes_per_participant() > 0

    def voters_on(self, ids) -> dict[str, set[str]]:
        """The participants who voted on each of the statements ``ids`` (whatever their vote), by id; an
        id not in the matrix is left out (the coverage audit's ``draft_voters`` of published drafts)."""
        wanted = {str(x) for x in ids}
        out: dict[str, set[str]] = {}
        for j, sid in enumerate(self.statement_ids):
            if str(sid) in wanted:
                out[str(sid)] = {str(self.participant_ids[i]) for i in self.rows[self.cols == j].tolist()}
        return out

    def with_author_votes(self, authors: dict[str, str | None]) -> tuple["VoteMatrix", int]:
        """A copy in which each author's own statement counts as their agree vote, Polis's
        convention: Polis's comment form posts the author's agree vote with the comment
        (compdemocracy/polis ``server/src/routes/comments.ts`` ``handleCommentVote`` ->
        ``votesPost``), while seed comments entered by the moderator carry no vote
        (polis-documentation ``usage/SeedComments.md``).

        ``authors`` maps statement id -> author's participant id. A vote is added only where the
        author has no vote on that statement and voted on something (an author who never voted,
        like a seed comment's, is not a participant and gets none), and never on a statement the
        moderator rejected: the analysis drops those, and the report said "13 statements count as
        their author's agree vote" in a room of 12 statements and 1 rejected one. Returns (matrix,
        number of votes added).
        """
        row = {pid: i for i, pid in enumerate(self.participant_ids)}
        voted = self.voters()
        pairs = [(row.get(authors.get(sid) or "", -1), j) for j, sid in enumerate(self.statement_ids)
                 if not self.moderated_out[j]]
        pairs = np.array([(r, j) for r, j in pairs if r >= 0 and voted[r]], dtype=np.int64).reshape(-1, 2)
        m = max(1, self.shape[1])
        present = np.isin(pairs[:, 0] * m + pairs[:, 1], self.rows.astype(np.int64) * m + self.cols)
        add_r, add_c = pairs[~present, 0], pairs[~present, 1]
        if not len(add_r):
            return self, 0
        return VoteMatrix(
            self.participant_ids, self.statement_ids,
            np.concatenate([self.rows, np.asarray(add_r, dtype=np.int32)]),
            np.concatenate([self.cols, np.asarray(add_c, dtype=np.int32)]),
            np.concatenate([self.vals, np.ones(len(add_r), dtype=np.int8)]),
            self.moderated_out,
        ), len(add_r)

    def without_moderated_out(self) -> "VoteMatrix":
        """The matrix the analysis uses: moderated-out statements removed."""
        keep = ~self.moderated_out
        if keep.all():
            return self
        new_index = np.cumsum(keep) - 1
        mask = keep[self.cols]
        return VoteMatrix(
            self.participant_ids,
            [sid for sid, k in zip(self.statement_ids, keep) if k],
            self.rows[mask],
            new_index[self.cols[mask]],
            self.vals[mask],
            np.zeros(int(keep.sum()), dtype=bool),
        )


def _sorted_ids(ids) -> list[str]:
    ids = [str(x) for x in ids]
    try:
        return sorted(ids, key=lambda x: (int(x), x))
    except ValueError:
        return sorted(ids)
