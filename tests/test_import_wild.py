"""Exports from the wild: real Polis exports (../shared/corpora, skipped where absent) as moderators
pass them on after a spreadsheet touched them, built by transforming the real files in a tmp folder
at test time, through the CLI's import and the moderator console's upload.

1. Excel keeps the rows whose cells were cleared as ``,,,,`` at the end of a sheet saved as CSV:
   the export was refused ("row 524: comment-id '' is not an integer id"); they are skipped, and a
   blank line in votes.csv no longer shifts the row an error names.
2. A header retouched by hand (``Comment-Id``, ``Text``) was refused as "missing required
   column(s) text; found Text"; column names are read case-blind.
3. The console's Polis upload refused the export's .zip, Polis's own download (the CLI imports it);
   it imports it now, and a .zip beside CSV files is refused in words.
4. The console's statements upload refused Excel's "Unicode text" (.txt: UTF-16, tab-separated),
   which the CLI imports ("Invalid file extension: .txt"); it takes .txt and .tsv now.
5. The console previewed a Polis export for a consultation that already holds its statement ids
   (0, 1, ...), and "Import" then failed ("statement id '0' is already stored"): the preview refuses
   it, saying where it can go; an upload's errors name the file as uploaded, not the server's copy
   (".../data/uploads/1/20261205-200216-97b680c3/votes.csv").
6. A sheet Excel saved as "CSV (Comma delimited)" on Windows (Windows-1252) is still refused (a
   guess at an encoding could store wrong letters), and the error now says how it reads that way
   and which Excel choice writes UTF-8.
7. The preview of an upload was headed with the server's copy of it and said each statement's
   status as stored ("accepted", "needs_review") in every console language.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from conftest import corpus
from deliberation.config import Settings
from deliberation.models import ModerationStatus
from deliberation.storage import Store
from ui.i18n import ROOM_LANGUAGE_SETTING, Words
from test_cli_output import invoke
from ui_helpers import app, console_sign_in, texts, unescape

SEATTLE = "15-per-hour-seattle"


def _rows(name: str) -> list[list[str]]:
    with open(corpus(SEATTLE) / name, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _write(path, rows, *, delimiter: str = ",", newline: str = "\r\n", encoding: str = "utf-8-sig") -> None:
    """Rows as Excel saves a sheet ("CSV UTF-8"): a byte-order mark and CRLF line ends."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


@pytest.fixture(scope="module")
def seattle():
    return _rows("comments.csv"), _rows("votes.csv")


def _import(tmp_path, name: str, comments, votes, **kw):
    folder = tmp_path / name
    folder.mkdir()
    _write(folder / "comments.csv", comments, **kw)
    _write(folder / "votes.csv", votes, **kw)
    return invoke(tmp_path / f"data-{name}", "import-polis", str(folder), "--no-embed")


def test_an_export_saved_again_by_excel_imports_as_the_original(tmp_path, seattle):
    comments, votes = seattle
    want = _import(tmp_path, "original", comments, votes, newline="\n", encoding="utf-8")
    assert want.exit_code == 0, want.output
    counts = want.output.split(":", 1)[1].split("\n", 1)[0]  # "54 statements, ... votes"
    cleared = [[""] * len(comments[0])] * 3  # rows whose cells were cleared, kept by Excel
    retouched = [[h.title() for h in comments[0]]] + comments[1:] + cleared
    got = _import(tmp_path, "excel", retouched, votes + [[""] * len(votes[0])], delimiter=";")
    assert got.exit_code == 0, got.output
    assert got.output.split(":", 1)[1].split("\n", 1)[0] == counts
    store = Store(Settings(data_dir=tmp_path / "data-excel"))
    assert sorted((s.external_id, s.text) for s in store.statements(1)) == sorted(
        (s.external_id, s.text) for s in Store(Settings(data_dir=tmp_path / "data-original")).statements(1))


def test_a_bad_vote_after_a_blank_line_is_named_on_its_own_row(tmp_path, seattle):
    comments, votes = seattle
    votes = votes[:5] + [[""] * len(votes[0])] + votes[5:]  # row 7 is blank
    votes[9] = votes[9][:-1] + ["maybe"]  # row 10
    res = _import(tmp_path, "bad", comments, votes, newline="\n", encoding="utf-8")
    assert res.exit_code == 2
    assert "votes.csv, row 10: vote value 'maybe' is not agree/disagree/pass" in res.output, res.output
    assert not (tmp_path / "data-bad" / "deliberation.sqlite").exists() or \
        not Store(Settings(data_dir=tmp_path / "data-bad")).list_consultations()


def test_a_statements_sheet_with_a_title_case_header_and_cleared_rows(tmp_path, seattle):
    comments, _ = seattle
    body = comments[0].index("comment-body")
    sheet = [["Id", "Text"]] + [[str(i), r[body]] for i, r in enumerate(comments[1:6])] + [["", ""]] * 2
    _write(tmp_path / "sheet.csv", sheet)
    res = invoke(tmp_path / "data", "import-statements", str(tmp_path / "sheet.csv"), "--question", "Q", "--no-embed")
    assert res.exit_code == 0 and "5 statements" in res.output, res.output


def _zip(tmp_path, seattle) -> bytes:
    comments, votes = seattle
    folder = tmp_path / "export"
    folder.mkdir()
    _write(folder / "comments.csv", comments, newline="\n", encoding="utf-8")
    _write(folder / "votes.csv", votes, newline="\n", encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:  # as Polis's download: the CSVs in one folder
        for name in ("comments.csv", "votes.csv"):
            zf.write(folder / name, f"export/{name}")
    return buf.getvalue()


def _console_import_tab(code: str, secret: str, kind: str = "polis"):
    at = app("moderator")
    at.run()
    console_sign_in(at, code, secret, tab="Import")
    at.radio(key="mod-imp-kind").set_value(kind).run()
    at.radio(key="mod-imp-how").set_value("upload").run()
    return at


def _errors(at) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    return [unescape(e.value) for e in at.error]


def test_the_console_imports_the_polis_zip_as_downloaded(sample, tmp_path, seattle):
    data = _zip(tmp_path, seattle)
    store = Store(Settings(data_dir=sample.data_dir))
    # into the sample consultation, which holds statements 0, 1, ...: refused at the preview (the
    # preview was shown and "Import" failed: "statement id '0' is already stored"), nothing stored
    at = _console_import_tab(sample.code, sample.secret)
    before = store.counts(sample.cid)
    at.file_uploader(key="mod-imp-files").set_value([("polis-export.zip", data, "application/zip")])
    at.button(key="mod-imp-preview-upload").click().run()
    # the error names the file as uploaded, not the server's copy under uploads/<id>/<time>/
    assert any(e.startswith("Reading the upload failed: polis-export.zip: statement id '0' is already stored in this "
                            "consultation; import it into a new consultation") for e in _errors(at)), _errors(at)
    assert "Preview of" not in texts(at) and store.counts(sample.cid) == before
    # into a new consultation: the zip alone (with a CSV beside it: refused in words)
    c, secret = store.create_consultation("Should Seattle raise its minimum wage to $15?", secret="wild-zip-secret")
    at = _console_import_tab(c.code, secret)
    at.file_uploader(key="mod-imp-files").set_value([("polis-export.zip", data, "application/zip"),
                                                     ("comments.csv", b"comment-id,comment-body\n", "text/csv")])
    at.button(key="mod-imp-preview-upload").click().run()
    assert any("the export's .zip alone or its CSV files, not both" in e for e in _errors(at)), _errors(at)
    at.file_uploader(key="mod-imp-files").set_value([("polis-export.zip", data, "application/zip")])
    at.button(key="mod-imp-preview-upload").click().run()
    assert not _errors(at)
    statements = len(seattle[0]) - 1
    assert "Preview of" in texts(at) and f"{statements} statements" in texts(at)
    at.button(key="mod-imp-go").click().run(timeout=240)
    assert not _errors(at)
    assert f"Imported {statements} statements" in texts(at)
    assert store.counts(c.id)["statements"] == statements


def test_the_console_imports_excels_unicode_text(sample, seattle):
    comments, _ = seattle
    body = comments[0].index("comment-body")
    sheet = [["Text"]] + [[r[body]] for r in comments[1:6]]
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator="\r\n").writerows(sheet)
    at = _console_import_tab(sample.code, sample.secret, kind="statements")
    at.file_uploader(key="mod-imp-file").set_value(("statements.txt", buf.getvalue().encode("utf-16"), "text/plain"))
    at.button(key="mod-imp-preview-upload").click().run()
    assert not _errors(at) and "5 statements" in texts(at)
    store = Store(Settings(data_dir=sample.data_dir))
    before = store.counts(sample.cid)["statements"]
    at.button(key="mod-imp-go").click().run(timeout=240)
    assert not _errors(at) and "Imported 5 statements" in texts(at)
    assert store.counts(sample.cid)["statements"] == before + 5


def test_a_windows_1252_sheet_is_refused_saying_what_excel_should_save(tmp_path, seattle):
    comments, votes = seattle
    body = comments[0].index("comment-body")
    comments = [r[:] for r in comments]
    comments[2][body] = "Für einen Mindestlohn von 15 $"  # Excel on Windows writes the ü as byte 0xfc
    res = _import(tmp_path, "windows", comments, votes, encoding="cp1252", delimiter=";")
    assert res.exit_code == 2
    assert ("comments.csv: not UTF-8 text (byte 0xfc at offset" in res.output and "line 3: as Windows-1252" in res.output
            and "it reads 'Für'; in Excel choose \"CSV UTF-8 (Comma delimited)\"" in " ".join(res.output.split())), res.output
    assert not (tmp_path / "data-windows" / "deliberation.sqlite").exists() or \
        not Store(Settings(data_dir=tmp_path / "data-windows")).list_consultations()


def test_a_german_consoles_preview_names_the_upload_and_says_each_status_in_german(sample, tmp_path, seattle):
    """7. Found by hand (tests/room_hand.py's import of austria-climate through the console): the
    preview of an upload was headed with the server's copy (".../data/uploads/1/20261207-043257-
    dd7b1f87") and its status column said "accepted" / "rejected" / "needs_review", the stored
    values, in every console language. It names the files as uploaded and says each status in the
    console's words."""
    store = Store(Settings(data_dir=sample.data_dir))
    c, secret = store.create_consultation("Soll Seattle den Mindestlohn erhöhen?", secret="wild-de-secret")
    store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: "de"})
    at = app("moderator")
    at.query_params["code"] = c.code  # the room's link: its console speaks the room's language
    at.run()
    console_sign_in(at, c.code, secret, "Öffnen")
    at.session_state["mod-tab"] = "Import"
    at.run()
    at.radio(key="mod-imp-kind").set_value("polis").run()
    at.radio(key="mod-imp-how").set_value("upload").run()
    at.file_uploader(key="mod-imp-files").set_value([("polis-export.zip", _zip(tmp_path, seattle), "application/zip")])
    at.button(key="mod-imp-preview-upload").click().run()
    assert not _errors(at)
    page = unescape(texts(at))
    assert "**Vorschau von** `polis-export.zip`" in page and "/uploads/" not in page, page
    shown = set(at.dataframe[0].value["Status"])
    german = {Words("de")(f"imports.status_{m.value}") for m in ModerationStatus}
    assert shown and shown <= german, shown
    assert store.counts(c.id)["statements"] == 0  # a preview stores nothing
