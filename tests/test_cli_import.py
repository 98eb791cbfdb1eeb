"""Imports from the command line as a moderator types them: the same folder under another
spelling of its path, and files from the wild."""

from __future__ import annotations

from typer.testing import CliRunner

from deliberation.config import Settings
from deliberation.services import ensure_consultation
from deliberation.storage import Store
from graphs.cli import app
from test_bad_input import GOOD_COMMENTS, GOOD_VOTES, polis_folder

runner = CliRunner()


def invoke(data, *args):
    res = runner.invoke(app, ["--data-dir", str(data), *args])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return res


def test_run_finds_the_folder_import_polis_stored(tmp_path):
    """`import-polis LINK` then `run FOLDER` (or a relative path): one consultation, not a second
    import with another code and secret (the source was stored as typed, looked up resolved)."""
    data = tmp_path / "data"
    folder = polis_folder(tmp_path, GOOD_COMMENTS, GOOD_VOTES)
    link = tmp_path / "link"
    link.symlink_to(folder)
    assert invoke(data, "import-polis", str(link), "--no-embed").exit_code == 0
    settings = Settings(data_dir=data)
    assert ensure_consultation(settings, str(folder)) == 1
    assert len(Store(settings).list_consultations()) == 1
    res = invoke(data, "import-polis", str(folder), "--no-embed")  # again, on purpose
    assert res.exit_code == 0 and "this folder was imported before, as consultation 1" in res.output
    assert ensure_consultation(settings, str(link)) == 2  # the newest
