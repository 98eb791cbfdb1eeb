"""A Polis comment moderated out with an empty body is kept as moderated out under a placeholder text
and can never be restored (f04bdf5). Which statements those are is a stored fact
(``statements.has_text``, set by the import), not the text: a participant who writes the
placeholder's words is restored as anyone else, an export writes the comment's body empty again (as
Polis had it) so its re-import keeps it text-less, and a database from before the column is marked on
its upgrade. A moderation click reads the one statement it is about, not the whole consultation.

Real components: the CLI's import (a subprocess), SQLite and Chroma on disk."""

from __future__ import annotations

import csv
import sqlite3
from contextlib import closing

import pytest

from conftest import run_cli
from deliberation.config import Settings
from deliberation.errors import InputError
from deliberation.importers.polis import read_polis_export
from deliberation.models import UNUSABLE_TEXT, ModerationStatus
from deliberation.services import set_moderation
from deliberation.storage import Store

SECRET = "no-text-secret-1"
#: comments.csv of the export: one published, one moderated out with its words, one moderated out without
COMMENTS = [("0", "11", "1", "Harbour Road should keep one lane for buses at all hours."),
            ("1", "12", "-1", "The market should move onto Harbour Road on Saturdays."),
            ("2", "13", "-1", "")]
OUT, IN = ModerationStatus.REJECTED, ModerationStatus.ACCEPTED


def wild_export(folder):
    """A Polis export as some come: no votes.csv, a participants-votes.csv with its header only, a
    moderated-out comment with an empty body."""
    folder.mkdir()
    with (folder / "comments.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated",
                      "comment-body"])
        for cid, author, moderated, body in COMMENTS:
            out.writerow(["1542406176584", "Sat Nov 17 05:09:36 WIB 2018", cid, author, "0", "0", moderated, body])
    (folder / "participants-votes.csv").write_text(
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2\n", encoding="utf-8")
    (folder / "summary.csv").write_text("topic,Harbour Road\n", encoding="utf-8")


@pytest.fixture
def room(tmp_path):
    """The wild export imported by the real CLI into a data folder of its own: (settings, consultation id)."""
    wild_export(tmp_path / "export")
    run_cli(tmp_path / "data", "import-polis", str(tmp_path / "export"), "--secret", SECRET, "--no-embed")
    settings = Settings(data_dir=tmp_path / "data")
    return settings, Store(settings).list_consultations()[0].id


def _refused(settings: Settings, cid: int, sid: str) -> None:
    with pytest.raises(InputError, match=f"statement '{sid}' cannot be shown to participants"):
        set_moderation(settings, cid, sid, IN, "restored")
    assert {s.external_id: s.moderation for s in Store(settings).statements(cid)}[sid] is OUT


def test_the_import_stores_which_comment_has_no_text_and_a_click_reads_only_it(room, monkeypatch):
    settings, cid = room
    kept = {s.external_id: (s.text, s.has_text) for s in Store(settings).statements(cid)}
    assert kept == {"0": (COMMENTS[0][3], True), "1": (COMMENTS[1][3], True), "2": (UNUSABLE_TEXT, False)}

    def every_statement(*_):
        raise AssertionError("a moderation click read every statement of the consultation")

    monkeypatch.setattr(Store, "_statements", every_statement)
    set_moderation(settings, cid, "1", IN, "restored")
    with pytest.raises(InputError, match="statement '2' cannot be shown to participants"):
        set_moderation(settings, cid, "2", IN, "restored")
    set_moderation(settings, cid, "2", OUT, "still out")  # moderating it out again is fine
    monkeypatch.undo()
    assert {s.external_id: s.moderation for s in Store(settings).statements(cid)} == {"0": IN, "1": IN, "2": OUT}


def test_a_participant_who_writes_the_placeholder_is_restored_as_anyone(room):
    settings, cid = room
    store = Store(settings)
    written = store.add_statement(cid, "11", UNUSABLE_TEXT)
    set_moderation(settings, cid, written.external_id, OUT, "off topic")
    set_moderation(settings, cid, written.external_id, IN, "restored")
    assert {s.external_id: s.moderation for s in store.statements(cid)}[written.external_id] is IN


def test_an_export_keeps_the_comment_without_text(room, tmp_path):
    settings, cid = room
    folder = Store(settings).export_polis(cid, tmp_path / "exported")
    with (folder / "comments.csv").open(encoding="utf-8") as f:
        bodies = {row["comment-id"]: row["comment-body"] for row in csv.DictReader(f)}
    assert bodies["2"] == "" and UNUSABLE_TEXT not in bodies.values()
    again = {s.external_id: s.has_text for s in read_polis_export(folder).statements}
    assert again == {"0": True, "1": True, "2": False}


def test_a_database_from_before_the_flag_marks_the_comment_on_its_upgrade(room):
    from deliberation.storage.sql import _read_only_sqlite_url

    settings, cid = room
    Store(settings).engine.dispose()
    db = settings.data_dir / "deliberation.sqlite"
    with closing(sqlite3.connect(db)) as con, con:
        con.execute("ALTER TABLE statements DROP COLUMN has_text")
    with pytest.raises(InputError, match=r"needs a one-time upgrade \(which statements have no text\)"):
        Store(settings, url=_read_only_sqlite_url(db).replace("&immutable=1", ""))  # read-only: says what to do
    _refused(settings, cid, "2")
    assert {s.external_id: s.has_text for s in Store(settings).statements(cid)} == {"0": True, "1": True, "2": False}


def test_a_database_from_before_languages_names_both_upgrades(room):
    """A database from before the statements' languages lacks the has_text flag too: read-only, the
    error names both things the upgrade adds (it named only the languages)."""
    from deliberation.storage.sql import _read_only_sqlite_url

    settings, cid = room
    Store(settings).engine.dispose()
    db = settings.data_dir / "deliberation.sqlite"
    with closing(sqlite3.connect(db)) as con, con:
        con.execute("ALTER TABLE statements DROP COLUMN text_language")
        con.execute("ALTER TABLE statements DROP COLUMN has_text")
    with pytest.raises(InputError, match=r"needs a one-time upgrade \(the statements' languages and which "
                                         r"statements have no text\)"):
        Store(settings, url=_read_only_sqlite_url(db).replace("&immutable=1", ""))
