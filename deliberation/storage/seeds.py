"""The moderator's seed statements: a list stored at once, all of it or nothing.

Polis calls them seed comments: statements the moderator writes before participants arrive, so the
first to come have something to vote on. They are stored with origin "seed" and no author, and shown
to participants like any statement. What a participant's statement must pass (length, personal data,
abuse, instruction-like text) is checked before, by :func:`deliberation.seeds.add_seeds`; here, in the
transaction, under the consultation's lock, that no line says what another line or a stored statement
says word for word (the same-words check of :meth:`Store.add_statement`, an indexed lookup).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from deliberation.errors import InputError, LineErrors
from deliberation.models import Statement, StatementOrigin, validate_statement_text
from deliberation.text.languages import detect_languages
from deliberation.storage.room_reads import last_statement_number, same_words, statement_values
from deliberation.storage.tables import StatementRow
from deliberation.wording import ballot_words
from deliberation.words import said


def _checked_lines(lines: list[tuple[int, str]], problems: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines that pass the store's own checks (text, words not twice in the list); the others'
    problems are added to ``problems``."""
    good, first_said = [], {}
    for n, text in lines:
        try:
            text = validate_statement_text(text)
        except ValueError as e:
            problems.append((n, str(e)))
            continue
        words = ballot_words(text)
        if words in first_said:
            problems.append((n, said("input.same_line", n_line=first_said[words])))
            continue
        first_said[words] = n
        good.append((n, text))
    return good


class SeedsMixin:
    """Mixed into :class:`deliberation.storage.store.Store` (uses its ``session``,
    ``_lock_consultation`` and ``_statements``)."""

    def add_seed_statements(self, consultation_id: int, lines: list[tuple[int, str]], *,
                            problems: list[tuple[int, str]] = (), language: str = "und") -> list[Statement]:
        """Store the moderator's seed statements ``lines`` ((line number, text), in order) under the
        next free numbers, in one transaction. ``problems`` found before (by the caller's checks) are
        reported with those found here; any problem raises :class:`~deliberation.errors.LineErrors`
        naming every bad line, and nothing is stored."""
        if not lines:
            raise InputError(said("input.no_seeds"), "seed statements")
        found = list(problems)
        good = _checked_lines(lines, found)
        langs = detect_languages([text for _, text in good])  # before the lock: a first one loads Lingua
        with self.session() as s, s.begin():
            self._lock_consultation(s, consultation_id)
            for n, text in good:
                same = same_words(s, consultation_id, None, text)
                if same:
                    found.append((n, said("input.same_words", value=same[0])))
            if found:
                raise LineErrors(sorted(found))
            return self._insert_seeds(s, consultation_id, [text for _, text in good], language, langs)

    def _insert_seeds(self, s: Session, cid: int, texts: list[str], language: str,
                      text_languages: list[str]) -> list[Statement]:
        first = last_statement_number(s, cid) + 1
        ids = [str(first + i) for i in range(len(texts))]
        s.add_all([StatementRow(**statement_values(cid, sid, Statement(external_id=sid, text=text, language=language,
                                                                       origin=StatementOrigin.SEED), None,
                                                   text_language=lang))
                   for sid, text, lang in zip(ids, texts, text_languages)])
        s.flush()
        new = set(ids)
        return [st for st in self._statements(s, cid) if st.external_id in new]
