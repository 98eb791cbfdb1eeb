"""The settings of intake moderation, in one place: every threshold named, documented, defaulted."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ModerationConfig"]


@dataclass(frozen=True)
class ModerationConfig:
    """Settings of intake moderation (:func:`~deliberation.safety.moderate`) and the abuse check."""

    abuse_threshold: float = 0.85
    """Profanity-classifier probability at or above which an English statement
    is flagged as abusive.  High, because flagging sends the statement to the
    moderator queue and a low threshold floods it with ordinary political
    language (the README gives the counts per threshold on the Polis corpora);
    nothing is dropped either way."""

    abuse_batch_size: int = 2048
    """How many statements are scored per call of the profanity classifier."""

    redact: bool = True
    """Replace personal data in the returned text (findings are reported either way)."""

    review_on_personal_data: bool = True
    """Send statements that contained personal data to the moderator queue."""

    check_abuse: bool = True
    """Run the abuse check (set False when alt-profanity-check is unavailable)."""

    check_instructions: bool = True
    """Run the instruction / prompt-injection check."""
