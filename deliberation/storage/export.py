"""Exports of the store: pseudonyms and the Polis CSV format. A mixin of
:class:`~deliberation.storage.store.Store`."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from sqlalchemy import select

from deliberation.importers.polis import write_polis_export
from deliberation.storage.tables import ParticipantRow


class ExportMixin:
    """Needs ``self.session()``, ``self._require``, ``get_consultation``, ``statements``, ``vote_events``."""

    # ---- export ------------------------------------------------------------------------
    def pseudonyms(self, consultation_id: int) -> dict[str, str]:
        """Participant id -> the pseudonym exports use: a number 0, 1, 2, ... in a shuffled order.

        Participant ids made by the app are unguessable tokens and imported ids may be names or
        e-mail addresses; neither leaves the store in an export. The order is a keyed hash of the
        id (the key is the consultation's stored secret hash, which never leaves the store), so it
        reveals neither the ids' alphabetical order nor who joined when, and the same consultation
        exports the same pseudonyms every time.
        """
        with self.session() as s:
            row = self._require(s, consultation_id)
            key = f"{row.secret_hash}:{row.code}:{row.id}".encode()
            ids = s.scalars(select(ParticipantRow.external_id)
                            .where(ParticipantRow.consultation_id == consultation_id)).all()
        order = sorted(ids, key=lambda ext: hmac.new(key, ext.encode("utf-8", "surrogatepass"), hashlib.sha256).digest())
        return {ext: str(i) for i, ext in enumerate(order)}

    def export_polis(self, consultation_id: int, folder: str | Path, groups: dict[str, int] | None = None, *,
                     pseudonymise: bool = True) -> Path:
        """Write the consultation in Polis's CSV format.

        By default participants (voters and authors) appear under :meth:`pseudonyms`;
        ``pseudonymise=False`` keeps the stored ids (for reproducing a Polis export cell for cell).
        """
        c = self.get_consultation(consultation_id)
        statements, events = self.statements(consultation_id), self.vote_events(consultation_id)
        if pseudonymise:
            alias = self.pseudonyms(consultation_id)
            events = events.assign(participant=events["participant"].map(alias))
            statements = [st.model_copy(update={"author": alias.get(st.author) if st.author else None})
                          for st in statements]
            groups = {alias[p]: g for p, g in groups.items() if p in alias} if groups else groups
        return write_polis_export(folder, statements, events,
                                  question=c.question, description=c.description, groups=groups)
