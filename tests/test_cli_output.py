"""What the command line prints from data (statements, questions, draft keys, bad values) comes out
as it is: brackets in a statement are text, never rich markup (a draft key "[group:0]" vanished,
a statement with "[/b]" ended the command in a MarkupError traceback); a refused edit says why;
an output path that cannot be written is named in one line."""

from __future__ import annotations

from types import SimpleNamespace

from typer.testing import CliRunner

from graphs.cli import _print_status, _print_update, app

runner = CliRunner()

BRACKETS = "Buses [/b] should run every ten minutes, [group:0] always."


def invoke(data, *args):
    res = runner.invoke(app, ["--data-dir", str(data), *args])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return res


def test_bracketed_text_is_printed_as_text(tmp_path):
    data = tmp_path / "data"
    statements = tmp_path / "st.csv"
    statements.write_text(f'id,text\na,"{BRACKETS}"\nb,Bike lanes make the street safer.\n')
    votes = tmp_path / "votes.csv"
    votes.write_text("participant,statement,vote\nv1,a,[/b]\n")

    res = invoke(data, "import-statements", str(statements), "--votes", str(votes), "--question", "Q", "--no-embed")
    assert res.exit_code == 2, res.output
    assert "vote value '[/b]' is not agree/disagree/pass" in res.output

    res = invoke(data, "import-statements", str(statements), "--question", "Streets [/i] [bold]", "--no-embed")
    assert res.exit_code == 0, res.output
    for command in (["consultations"], ["summary", "1"]):
        res = invoke(data, *command)
        assert res.exit_code == 0 and "Streets [/i]" in res.output and "[bold]" in res.output, res.output


def test_review_lists_draft_keys(capsys):
    st = SimpleNamespace(waiting={"type": "review", "audit": ["[/x] audit"],
                                  "drafts": [{"key": "group:0", "text": BRACKETS, "cited": ["a"], "notes": "",
                                              "edit_rejected": {"text": "Everyone agrees.", "reason": "a claim"}}]},
                         finished=False, next=(), values={})
    _print_status(st, 1)
    printed = capsys.readouterr().out
    assert f"[group:0] {BRACKETS}" in printed and "[/x] audit" in printed
    # an edit the guard refused is shown with its reason, so the moderator can correct it
    assert "your edit was not accepted (a claim): Everyone agrees." in printed
    # after a run's step log a blank line sets it apart; `status` prints no log, so no blank first line
    assert printed.startswith("\nWaiting for the moderator's review of 1 draft:")
    _print_status(st, 1, gap=False)
    assert capsys.readouterr().out.startswith("Waiting for the moderator's review of 1 draft:")


def test_an_output_path_that_cannot_be_written_is_named(tmp_path):
    """export-polis into a file, analyze --json into a folder: one line naming the path, no traceback."""
    data = tmp_path / "data"
    statements = tmp_path / "st.csv"
    statements.write_text("text\nBuses should run every ten minutes.\nBike lanes make the street safer.\n")
    assert invoke(data, "import-statements", str(statements), "--question", "Q", "--no-embed").exit_code == 0
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    res = invoke(data, "export-polis", "1", str(a_file))
    assert res.exit_code == 2 and f"{a_file}: cannot write: is a file; a folder is needed here" in res.output
    res = invoke(data, "export-polis", "1", str(a_file / "sub"))
    assert res.exit_code == 2 and "a part of this path is a file, not a folder" in res.output
    res = invoke(data, "analyze", "1", "--no-topics", "--json", str(tmp_path))
    assert res.exit_code == 2 and f"{tmp_path}: cannot write: is a folder; name a file" in res.output


def test_bad_global_options_are_named(tmp_path):
    """A wrong --embedding-backend, --model-path, --database-url or data directory: one line each
    (they were ValueError, FileNotFoundError, NoSuchModuleError and FileExistsError tracebacks)."""
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    for options, problem in (
            (["--embedding-backend", "tensorflow"], "--embedding-backend: 'tensorflow' is not onnx or torch"),
            (["--model-path", str(tmp_path / "none")], "--model-path"),
            (["--database-url", "nope://x"], "--database-url: not a database URL this can open"),
            (["--data-dir", str(a_file)], f"{a_file}: data directory: is a file, not a folder"),
            (["--data-dir", str(a_file / "sub")], "data directory: cannot be made")):
        res = runner.invoke(app, [*options, "consultations"])
        assert res.exit_code == 2 and problem in res.output.replace("\n", ""), (options, res.output)


def test_analyze_mode_and_seed_are_checked(tmp_path):
    res = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), "analyze", "1", "--mode", "banana"])
    assert res.exit_code == 2 and "--mode: 'banana' is not auto, polis or robust" in res.output
    res = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), "analyze", "1", "--seed", "-5"])
    assert res.exit_code == 2 and "--seed" in res.output


def test_an_empty_question_and_a_short_secret_are_refused(tmp_path):
    """import-statements --question "" made an "Untitled consultation"; --secret a was kept (the
    console asks for 8 characters: one rule, deliberation.storage.sessions.check_chosen_secret)."""
    data = tmp_path / "data"
    statements = tmp_path / "st.csv"
    statements.write_text("text\nBuses should run every ten minutes.\n")
    res = invoke(data, "import-statements", str(statements), "--question", "", "--no-embed")
    assert res.exit_code == 2 and "--question: a consultation needs a question" in res.output
    res = invoke(data, "import-statements", str(statements), "--question", "Q", "--secret", "a", "--no-embed")
    assert res.exit_code == 2 and "at least 8 characters" in res.output
    res = invoke(data, "import-statements", str(statements), "--question", "Q", "--secret", "long-enough", "--no-embed")
    assert res.exit_code == 0 and "Moderator secret (shown once, keep it): long-enough" in res.output


def test_step_lines_name_the_step_once(capsys):
    _print_update("intake", {"log": ["intake: 54 statements", "3 [/b] newly embedded"]})
    _print_update("review", {"log": ["review group:0: approve by moderator"]})
    assert capsys.readouterr().err.splitlines() == [
        "intake: 54 statements", "intake 3 [/b] newly embedded", "review group:0: approve by moderator"]
