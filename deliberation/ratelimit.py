"""Per-participant rate limits: one client cannot flood a consultation with votes or statements.

The limits are counted in the database (vote events and statements in a sliding window), not in
process memory, so they hold across the several processes or app instances that may serve one
consultation (see docs/deployment.md). Bulk imports by the moderator are not limited.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimits:
    """Named limits; ``None`` switches a limit off.

    The defaults leave room for a fast reader (two votes a second for a whole minute) while
    stopping a script: a person reads a statement before voting on it, and a statement takes
    longer to write than to paste.
    """

    #: most vote events (new votes and changed votes) one participant may cast per window
    votes_per_window: int | None = 120
    #: length of the vote window in seconds
    vote_window_s: float = 60.0
    #: most statements one participant may submit per window
    statements_per_window: int | None = 10
    #: length of the statement window in seconds
    statement_window_s: float = 600.0


#: No limits (bulk tools and benchmarks that replay recorded votes).
UNLIMITED = RateLimits(votes_per_window=None, statements_per_window=None)


def explain(kind: str, limit: int, window_s: float, retry_after_s: float) -> str:
    """The refusal in words, for the participant."""
    window = f"{window_s / 60:g} minutes" if window_s >= 120 else f"{window_s:g} seconds"
    return (f"too many {kind}: at most {limit} {kind} per {window} per participant; "
            f"try again in {max(1, round(retry_after_s))} s")
