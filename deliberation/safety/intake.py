"""Intake moderation: personal data, abuse and instruction-like text, checked together.

:func:`moderate` runs the three checks of this package on each statement and combines them into
one :class:`ModerationResult` with a status suggestion, ``"ok"`` or ``"needs_review"``. Nothing is
ever dropped: flagged statements go to the moderator queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

from deliberation.safety.abuse import AbuseFlag, flag_abuse
from deliberation.safety.config import ModerationConfig
from deliberation.safety.instructions import flag_instructions
from deliberation.safety.personal_data import Finding, redact_personal_data
from deliberation.text.languages import detect_languages, remember_languages
from deliberation.words import said

__all__ = ["ModerationResult", "moderate", "reasons_in_words"]

#: What intake does with personal data, said after it in a reason (the text stored is redacted).
REDACTED = said("held.redacted")


@dataclass(frozen=True)
class ModerationResult:
    """Moderation outcome for one statement."""

    original: str
    text: str
    """Text after redaction (equal to ``original`` when nothing was found)."""
    findings: list[Finding]
    abuse: AbuseFlag | None
    instruction_reasons: list[str]
    reasons: list[str]
    """Human-readable reasons for review; empty when the status is ``"ok"``."""
    status: Literal["ok", "needs_review"]

    @property
    def flagged(self) -> bool:
        return self.status == "needs_review"


def reasons_in_words(findings: list[Finding], abuse: AbuseFlag | None, instructions: list[str], *,
                     personal_data: str) -> list[str]:
    """The checks' findings as reasons in words, one wording wherever they are shown (the review
    queue's moderation reasons, the seed form's refused lines): personal data by kind, followed by
    ``personal_data``, what is done about it (intake: :data:`REDACTED`), an abuse flag's reason,
    each instruction-like reason."""
    reasons: list[str] = []
    if findings:
        kinds = sorted({f.detail or f.kind for f in findings})
        reasons.append(said("held.personal_data", kinds=", ".join(kinds)) + "; " + personal_data)
    if abuse is not None and abuse.flagged:
        reasons.append(said("held.abusive", abuse=abuse.reason))
    reasons.extend(said("held.instruction_like", found=r) for r in instructions)
    return reasons


def _as_text(s: object) -> str:
    if isinstance(s, str):
        return s
    if isinstance(s, dict) and "text" in s:
        return str(s["text"])
    text = getattr(s, "text", None)
    if isinstance(text, str):
        return text
    raise TypeError(f"moderate() expects strings or objects with a 'text' field, got {type(s).__name__}")


def moderate(statements: Iterable[object], config: ModerationConfig | None = None) -> list[ModerationResult]:
    """Moderate statements (strings, dicts with ``"text"`` or objects with ``.text``).

    Each result has the redacted text, the personal-data findings, the abuse
    flag, instruction-like reasons, all review reasons in words, and a status
    suggestion: ``"needs_review"`` when anything was flagged, else ``"ok"``.
    Statements are never dropped; the order of the input is kept.
    """

    config = config or ModerationConfig()
    texts = [_as_text(s) for s in statements]
    redactions = [redact_personal_data(text) for text in texts]
    if config.redact and any(red.changed for red in redactions):
        # a placeholder in the statement's own language ("Escribidme a [correo eliminado]": a Spanish
        # room read "[email removed]"). The redacted texts are the ones stored, and the model choice,
        # the topics and the guard ask their language later: they are remembered as their originals'
        # (detected here in one batch, which the abuse check reads again), instead of loading the
        # detector's models again for a few texts after a batch released them.
        langs = detect_languages(texts)
        redactions = [redact_personal_data(text, lang) if red.changed else red
                      for text, red, lang in zip(texts, redactions, langs)]
        remember_languages(*zip(*[(red.text, lang) for red, lang in zip(redactions, langs) if red.changed]))
    abuse = flag_abuse(texts, config) if config.check_abuse else [None] * len(texts)
    results: list[ModerationResult] = []
    for text, red, ab in zip(texts, redactions, abuse):
        instr = flag_instructions(text) if config.check_instructions else []
        reasons = reasons_in_words(red.findings if config.review_on_personal_data else [], ab, instr,
                                   personal_data=REDACTED)
        results.append(
            ModerationResult(
                original=text,
                text=red.text if config.redact else text,
                findings=red.findings,
                abuse=ab,
                instruction_reasons=instr,
                reasons=reasons,
                status="needs_review" if reasons else "ok",
            )
        )
    return results
