"""The statistics in words: what is wrong with the input, and, in a fixed order, each category's
note on why its list came out empty (the sentences themselves live with each category's rule)."""

from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from deliberation.analysis.statistics.counting import VoteCounts
from deliberation.votematrix import VoteMatrix
from deliberation.wording import group_label
from deliberation.words import said


def input_notes(matrix: VoteMatrix, counts: VoteCounts) -> list[str]:
    """Problems with the input (no statements, participants or votes; only passes; moderated-out
    statements; fewer than two groups), in plain words."""
    n_rows, m = matrix.shape
    excl = np.asarray(matrix.moderated_out, dtype=bool)
    active = ~excl
    n_groups = len(counts.group_ids)
    notes: list[str] = []
    if m == 0:
        notes.append(said("analysis.no_statements"))
    if n_rows == 0:
        notes.append(said("analysis.no_participants"))
    if m and n_rows and matrix.n_votes == 0:
        notes.append(said("analysis.no_votes"))
    elif matrix.n_votes and counts.agree.sum() + counts.disagree.sum() == 0:
        notes.append(said("analysis.all_passes", n_votes=matrix.n_votes))
    if excl.any():
        if active.any():
            notes.append(said("analysis.moderated_out", n=int(excl.sum())))
        else:
            notes.append(said("analysis.all_moderated_out"))
    if n_groups == 0 and n_rows:
        notes.append(said("analysis.no_groups"))
    elif n_groups == 1:
        notes.append(said("analysis.one_group", group=group_label(int(counts.group_ids[0]))))
    if n_groups < 2 and m and n_rows:
        notes.append(said("analysis.fewer_than_two_groups"))
    return notes


def notes_in_words(matrix: VoteMatrix, counts: VoteCounts, why_empty: Iterable[Callable[[], list[str]]]) -> list[str]:
    """Every note of the statistics: the input's problems, then (when there is something to
    analyse) each category's reasons for an empty list, in the order given."""
    notes = input_notes(matrix, counts)
    active = ~np.asarray(matrix.moderated_out, dtype=bool)
    if matrix.shape[0] and matrix.shape[1] and matrix.n_votes and active.any():
        for explain in why_empty:
            notes.extend(explain())
    return notes
