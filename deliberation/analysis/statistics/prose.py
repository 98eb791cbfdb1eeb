"""The statistics in words: what is wrong with the input, and, in a fixed order, each category's
note on why its list came out empty (the sentences themselves live with each category's rule)."""

from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from deliberation.analysis.statistics.counting import VoteCounts
from deliberation.votematrix import VoteMatrix
from deliberation.wording import group_label


def pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def input_notes(matrix: VoteMatrix, counts: VoteCounts) -> list[str]:
    """Problems with the input (no statements, participants or votes; only passes; moderated-out
    statements; fewer than two groups), in plain words."""
    n_rows, m = matrix.shape
    excl = np.asarray(matrix.moderated_out, dtype=bool)
    active = ~excl
    n_groups = len(counts.group_ids)
    notes: list[str] = []
    if m == 0:
        notes.append("There are no statements, so there is nothing to analyse.")
    if n_rows == 0:
        notes.append("There are no participants, so there is nothing to analyse.")
    if m and n_rows and matrix.n_votes == 0:
        notes.append("No votes have been cast yet, so no statement can be ranked or categorised.")
    elif matrix.n_votes and counts.agree.sum() + counts.disagree.sum() == 0:
        notes.append(f"All {matrix.n_votes} votes were passes: nobody agreed or disagreed with any "
                     "statement, so there is no agreement or disagreement to report.")
    if excl.any():
        if active.any():
            notes.append(f"{int(excl.sum())} moderated-out statement(s) were left out of every list.")
        else:
            notes.append("Every statement was moderated out, so there is nothing to list.")
    if n_groups == 0 and n_rows:
        notes.append("No participant was placed in an opinion group, so group-informed consensus, "
                     "bridging and common ground treat all participants as one group.")
    elif n_groups == 1:
        notes.append(f"Only one opinion group ({group_label(int(counts.group_ids[0]))}) was given, so its "
                     "members' votes stand for everyone in the group-based figures.")
    if n_groups < 2 and m and n_rows:
        notes.append("Fewer than two opinion groups were given, so representative statements "
                     "(Polis repness), group-representative statements and differences of opinion "
                     "between groups were not computed.")
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
