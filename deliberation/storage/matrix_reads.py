"""The vote matrix of a consultation, read from the database, and remembered while its votes,
participants and statements stay as they are.

A graph run reads the matrix in several steps (the analysis, the coverage audit, the tally, the
report's audit), and the live board every few seconds; most of these reads find what the one
before found. Each read first takes a *stamp*: the votes' (:class:`~deliberation.storage.room_reads.VoteStamp`,
the largest id of the consultation's vote events and of its participants, and their counts where
ids may commit out of order) with the
statements' ids and moderation. An unchanged stamp means an unchanged matrix, and the one read last
is returned again. Each variant (a consultation's statements only, as the analysis reads them, and
with its drafts, as the audit and the tally do) has a slot of its own: with one slot for both, each
read pushed the other out and a run read every vote again at each step. The votes themselves are
fetched once per vote stamp: the variants, and a read after the drafts were published, share them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from sqlalchemy import select

from deliberation.models import Statement
from deliberation.storage.room_reads import vote_stamp
from deliberation.storage.sql import _fetch_int_columns, _lookup
from deliberation.storage.tables import VoteRow
from deliberation.votematrix import VoteMatrix, _sorted_ids


#: How many matrices a store remembers, one per (consultation, with drafts or not); the least
#: recently read goes first. Two per consultation a run works on, and room for a second one.
MATRIX_SLOTS = 4


class MatrixReadsMixin:
    """Mixed into :class:`deliberation.storage.store.Store` (uses ``session``, ``_require``,
    ``_id_maps`` and ``statements``)."""

    _matrix_lock = threading.Lock()

    def vote_matrix(self, consultation_id: int, *, include_drafts: bool = False,
                    statements: list[Statement] | None = None) -> VoteMatrix:
        """Every participant's current vote on every statement (drafts too with ``include_drafts``).
        The arrays are shared with later reads of the same state: read-only. ``statements``: the
        consultation's as the caller just read them (:meth:`statements`), whose columns the matrix
        then has; read here when not given (a graph step read them twice, ~0.03 CPU s each)."""
        if statements is None:
            statements = self.statements(consultation_id)
        statements = [st for st in statements if include_drafts or not st.is_draft]
        ids = [st.external_id for st in statements]
        excluded = np.array([st.moderation.excluded_from_analysis for st in statements], dtype=bool)
        with self.session() as s:
            self._require(s, consultation_id)
            # ids follow commit order on SQLite: the largest ids tell there, counts only elsewhere
            counted = s.get_bind().dialect.name != "sqlite"
            votes = vote_stamp(s, consultation_id, counted=counted)
            stamp = (tuple(ids), excluded.tobytes(), votes)
            slot = (consultation_id, include_drafts)
            with self._matrix_lock:
                last = self._matrices().get(slot)
                if last is not None and last[0] == stamp:
                    self._matrices().move_to_end(slot)
                    return _shared(last[1])
            matrix = self._read_matrix(s, consultation_id, ids, excluded, votes)
        for a in (matrix.rows, matrix.cols, matrix.vals, matrix.moderated_out):
            a.setflags(write=False)
        with self._matrix_lock:
            slots = self._matrices()
            slots[slot] = (stamp, matrix)
            slots.move_to_end(slot)
            while len(slots) > MATRIX_SLOTS:
                slots.popitem(last=False)
        return _shared(matrix)

    def _matrices(self) -> OrderedDict:
        """The remembered matrices, (consultation, include_drafts) -> (stamp, matrix), least recently
        read first (call with ``_matrix_lock`` held)."""
        return self.__dict__.setdefault("_remembered_matrices", OrderedDict())

    def _vote_columns(self, s, consultation_id: int, votes) -> list[np.ndarray]:
        """The consultation's current votes as database ids (participant, statement, value),
        read-only, fetched again only when its vote stamp ``votes`` changed: the variants with and
        without drafts, and a read after drafts were published, differ only in the statements they
        keep (votes on a statement or participant no longer there find no row or column and are
        left out by the caller). The last fetch is remembered, one per store."""
        key = (consultation_id, votes)
        with self._matrix_lock:
            last = self.__dict__.get("_remembered_votes")
            if last is not None and last[0] == key:
                return last[1]
        columns = _fetch_int_columns(
            s, select(VoteRow.participant_id, VoteRow.statement_id, VoteRow.value)
            .where(VoteRow.consultation_id == consultation_id), 3)
        for a in columns:
            a.setflags(write=False)
        with self._matrix_lock:
            self.__dict__["_remembered_votes"] = (key, columns)
        return columns

    def _read_matrix(self, s, consultation_id: int, ids: list[str], excluded: np.ndarray, votes) -> VoteMatrix:
        # integer ids straight into the coordinate arrays: no per-vote Python objects or strings
        # (5 million votes: ~1.5 GB and ~40 s through a DataFrame of external ids before)
        pmap, smap = self._id_maps(s, consultation_id)
        p_db, s_db, vals = self._vote_columns(s, consultation_id, votes)
        participant_ids = _sorted_ids(pmap.values())
        row_of = {ext: i for i, ext in enumerate(participant_ids)}
        p_keys = np.fromiter(pmap.keys(), dtype=np.int64, count=len(pmap))
        p_rows = np.fromiter((row_of[pmap[k]] for k in p_keys.tolist()), dtype=np.int64, count=len(pmap))
        col_of = {ext: j for j, ext in enumerate(ids)}
        s_keys = np.fromiter(smap.keys(), dtype=np.int64, count=len(smap))
        s_cols = np.fromiter((col_of.get(smap[k], -1) for k in s_keys.tolist()), dtype=np.int64, count=len(smap))
        rows = _lookup(p_keys, p_rows, p_db)
        cols = _lookup(s_keys, s_cols, s_db)
        keep = (cols >= 0) & (rows >= 0)  # votes on statements left out (drafts)
        return VoteMatrix(participant_ids, ids, rows[keep], cols[keep], vals[keep], excluded)


def _shared(m: VoteMatrix) -> VoteMatrix:
    """A matrix on the same (read-only) arrays with its own id lists, which callers may change."""
    return VoteMatrix(list(m.participant_ids), list(m.statement_ids), m.rows, m.cols, m.vals, m.moderated_out)
