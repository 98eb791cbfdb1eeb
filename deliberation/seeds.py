"""The moderator's seed statements (Polis's seed comments), typed in the console's seed form or
given to ``deliberation seed``: one statement per line, checked as a participant's statement is
and stored all at once or not at all.

A participant's statement that carries personal data, reads as abusive or as an instruction is
stored redacted and held for the moderator; a seed is the moderator's own and is shown to everyone
as written, so such a line is refused instead, with the line named, and the moderator rewrites it.
The same-words check (a line saying what another line or a stored statement says, case and
spacing aside) runs in the store's transaction (:meth:`Store.add_seed_statements`).
"""

from __future__ import annotations

import logging

from deliberation.errors import LineErrors
from deliberation.models import TYPED_STATEMENT_MAX_CHARS, Statement
from deliberation.safety import moderate
from deliberation.safety.intake import reasons_in_words
from deliberation.storage import Store
from deliberation.words import said

log = logging.getLogger(__name__)

#: Said after a seed's personal data (intake's reasons say "redacted" there): what to do about it.
SHOWN_AS_WRITTEN = said("held.shown_as_written")


def seed_lines(text: str) -> list[tuple[int, str]]:
    """The statements of a text typed one per line, as (line number from 1, text); blank lines are
    skipped but counted, so an error names the line the moderator sees."""
    return [(n, line.strip()) for n, line in enumerate(str(text or "").splitlines(), start=1) if line.strip()]


def screen(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """What keeps each line from being a seed, as (line number, problem in words): longer than a
    participant may write, then what intake holds a participant's statement for, in its words
    (:func:`deliberation.safety.intake.reasons_in_words`)."""
    problems: list[tuple[int, str]] = []
    results = moderate([text for _, text in lines])
    for (n, text), res in zip(lines, results):
        if len(text) > TYPED_STATEMENT_MAX_CHARS:
            problems.append((n, said("input.too_long_seed", n_chars=len(text), n_limit=TYPED_STATEMENT_MAX_CHARS)))
        problems.extend((n, reason) for reason in reasons_in_words(
            res.findings, res.abuse, res.instruction_reasons, personal_data=SHOWN_AS_WRITTEN))
    return problems


def add_seeds(store: Store, consultation_id: int, lines: list[tuple[int, str]], *, index=None,
              embedder=None) -> list[Statement]:
    """Check and store the moderator's seed statements; raises
    :class:`~deliberation.errors.LineErrors` naming every bad line (nothing stored). With ``index``
    and ``embedder`` the new statements are also indexed for the participant page's "similar
    statements" (best effort: the graph's intake indexes whatever is missing)."""
    if not lines:
        return store.add_seed_statements(consultation_id, lines)  # says that none was given
    added = store.add_seed_statements(consultation_id, lines, problems=screen(lines))
    if index is not None and embedder is not None:
        try:
            index.upsert(consultation_id, added, embedder.encode([s.text for s in added]), model_id=embedder.model_id)
        except Exception:  # noqa: BLE001 - stored already; the run indexes what is missing
            log.exception("indexing the seed statements failed")
    return added


__all__ = ["LineErrors", "add_seeds", "screen", "seed_lines"]
