"""`deliberation seed ID --file FILE` read its file with a reader of its own (deliberation/cli.py's
_read_text, English words in code): a Windows-1252 file was "not UTF-8 text (byte 2)", a folder
"Is a directory". It reads it as every import reads a file (deliberation.importers.base.read_text,
said.input.* of the language files): the byte, its line and how to save the file, a folder as such,
a UTF-16 file from Excel read. Run in-process (typer's CliRunner) on a data folder of its own."""

from __future__ import annotations

from typer.testing import CliRunner

import graphs.cli  # noqa: F401  (the CLI as `deliberation` runs it)
from deliberation.cli import app
from deliberation.config import Settings
from deliberation.storage import Store
from deliberation.words import said


def _seed(data, file) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--data-dir", str(data), "seed", "1", "--file", str(file), "--no-embed"])
    return result.exit_code, " ".join(result.output.split())


def test_a_seed_file_is_read_as_an_import_reads_a_file(tmp_path):
    data = tmp_path / "data"
    store = Store(Settings(data_dir=data).ensure())
    c, _ = store.create_consultation("What should Harbour Road become?")
    assert c.id == 1
    windows = tmp_path / "seeds-windows.txt"
    windows.write_bytes("Mehr Plätze für Räder am Hafen\n".encode("cp1252"))
    code, out = _seed(data, windows)
    assert code == 2 and "not UTF-8 text (byte 0xe4 at offset 7, line 1" in out and "Plätze" in out, out
    assert "save the file as UTF-8 and import again" in out, out
    code, out = _seed(data, tmp_path)
    assert code == 2 and f"{tmp_path}: {said('input.is_folder')}" in out, out
    assert store.statements(c.id) == []
    excel = tmp_path / "seeds-excel.txt"  # Excel's "Unicode text": UTF-16 with its byte-order mark
    excel.write_text("Mehr Plätze für Räder am Hafen\n", encoding="utf-16")
    code, out = _seed(data, excel)
    assert code == 0 and "Added 1 seed statement to consultation 1" in out, out
    assert [s.text for s in store.statements(c.id)] == ["Mehr Plätze für Räder am Hafen"]
