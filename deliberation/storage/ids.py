"""Statement and participant ids as the store keeps them: what can be stored on every backend, and
the ids of an import's new statements beside those a consultation already holds."""

from __future__ import annotations

from deliberation.errors import PREVIEW_CHARS, InputError
from deliberation.importers.base import ImportBundle
from deliberation.models import MAX_ID_CHARS, Statement
from deliberation.words import said

__all__ = ["check_id", "check_ids", "new_statement_ids", "storable_id"]


def new_statement_ids(bundle: ImportBundle, statements: list[Statement],
                      existing: set[str]) -> tuple[ImportBundle, list[Statement]]:
    """The bundle and its (intake-rewritten) statements with ids that do not clash with the
    ``existing`` ones. A file without ids was numbered 0, 1, ...: into a consultation that holds
    statements those numbers follow its own (a text-only CSV could not be imported a second
    time). A file that names its ids may not reuse one: an InputError names the first."""
    if bundle.numbered and existing.intersection(st.external_id for st in statements):
        renumbered = bundle.renumbered(existing)
        new = {a.external_id: b.external_id for a, b in zip(bundle.statements, renumbered.statements)}
        statements = [st.model_copy(update={"external_id": new[st.external_id]}) for st in statements]
        bundle = renumbered
    clash = [st.external_id for st in statements if st.external_id in existing]
    if clash:
        raise InputError(said("input.already_stored", quoted=repr(clash[0])), bundle.source)
    return bundle, statements


def check_ids(statements: list[Statement], pids: set[str], source: str | None) -> None:
    """An InputError naming the first statement or participant id that cannot be stored."""
    for what, ids in (("statement", [st.external_id for st in statements]), ("participant_id", pids)):
        bad = next((i for i in ids if not storable_id(i)), None)
        if bad is not None:
            raise InputError(said("input.invalid_id", id_kind=said(f"input.id.{what}"), quoted=repr(bad[:PREVIEW_CHARS]),
                                  n_chars=MAX_ID_CHARS), source)


def storable_id(value: str) -> bool:
    """Whether an external id fits the columns on every backend (PostgreSQL text cannot hold NUL)."""
    return 0 < len(value) <= MAX_ID_CHARS and "\x00" not in value


def check_id(value: object, what: str) -> None:
    if not isinstance(value, str) or not storable_id(value):
        raise InputError(said("input.invalid_id_given", quoted=repr(str(value)[:PREVIEW_CHARS]), n_chars=MAX_ID_CHARS),
                         what)
