"""A vote's participant is always of the vote's consultation, whatever ids two rooms share: the
invariant Store.counts' voters rest on (deliberation/storage/room_reads.py ``_voters`` counts the
room's participants with a vote, through the (participant, statement) index, where it counted the
distinct participants of the room's votes). Real store on SQLite and on PostgreSQL (tests/pg.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from deliberation.errors import NotFoundError
from deliberation.importers.tabular import read_statements_file
from deliberation.storage import Store
from deliberation.storage.tables import ParticipantRow, VoteRow

STATEMENTS = "id,text,author\n1,Plant more trees on Harbour Road,a\n2,Keep two lanes for cars,b\n"
LATER = "id,text,author\n3,Add a bus lane,c\n"
#: the same participant ids vote in both rooms
VOTES = "participant,statement,vote\np1,1,agree\np1,2,disagree\np2,1,pass\n"
LATER_VOTES = "participant,statement,vote\np1,3,agree\np3,3,disagree\n"


def _bundle(tmp_path, name, statements, votes):
    (tmp_path / f"{name}.csv").write_text(statements)
    (tmp_path / f"{name}-votes.csv").write_text(votes)
    return read_statements_file(tmp_path / f"{name}.csv", votes_path=tmp_path / f"{name}-votes.csv", question="Harbour Road?")


def test_a_vote_never_cites_another_rooms_participant(tmp_path, store_settings):
    store = Store(store_settings)
    a = store.import_bundle(_bundle(tmp_path, "a", STATEMENTS, VOTES)).consultation_id
    b = store.import_bundle(_bundle(tmp_path, "b", STATEMENTS, VOTES)).consultation_id
    store.import_bundle(_bundle(tmp_path, "later", LATER, LATER_VOTES), consultation_id=b)
    alice = store.add_participant(a)
    store.cast_vote(a, alice, "1", "agree")
    with pytest.raises(NotFoundError):  # alice is a participant of room a only
        store.cast_vote(b, alice, "1", "agree")
    store.cast_vote(b, alice, "2", "agree", create_participant=True)  # room b's own alice
    store.cast_vote(b, "p2", "2", "disagree")
    with store.session() as s:
        crossed = s.scalar(select(func.count()).select_from(VoteRow).join(
            ParticipantRow, ParticipantRow.id == VoteRow.participant_id)
            .where(ParticipantRow.consultation_id != VoteRow.consultation_id))
        distinct = {c: s.scalar(select(func.count(VoteRow.participant_id.distinct()))
                                .where(VoteRow.consultation_id == c)) for c in (a, b)}
    assert crossed == 0
    # so the indexed count is the count of the distinct voters of the room's votes
    assert {c: store.counts(c)["participants"] for c in (a, b)} == distinct == {a: 3, b: 4}
