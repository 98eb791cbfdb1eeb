"""A graph command asked of the domain-level command line (found running a Spanish room by hand:
``python -m deliberation.cli resume 1`` said only "No such command 'resume'"): it says which command
has it. The graph commands live in graphs/cli.py, which adds them to deliberation.cli's app; the
domain layer cannot import them (graphs -> deliberation), so it keeps their names, checked here."""

from __future__ import annotations

import copy

import typer
from typer.testing import CliRunner

import graphs.cli  # noqa: F401  (adds the graph commands to deliberation.cli.app)
from deliberation.cli import GRAPH_COMMANDS, app
from deliberation.words import said as english


def _domain_only() -> typer.Typer:
    """The app as ``python -m deliberation.cli`` runs it: without graphs/cli.py's commands (a copy:
    the shared app keeps them)."""
    domain = copy.copy(app)
    domain.registered_commands = [c for c in app.registered_commands if c.callback.__module__ != "graphs.cli"]
    return domain


def test_a_graph_command_on_the_domain_cli_names_the_command_to_run():
    result = CliRunner().invoke(_domain_only(), ["resume", "1"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.replace("│", " ").split())
    assert "No such command" not in said, said
    assert "`deliberation resume 1`" in said and "python -m graphs.cli resume 1" in said, said
    # its words live with the CLI's other sentences (said.run of deliberation/messages), not in cli.py
    assert english("run.graph_command", command="resume", args="resume 1") in said, said


def test_an_unknown_command_is_still_no_such_command():
    result = CliRunner().invoke(_domain_only(), ["bogus"])
    assert result.exit_code == 2 and "No such command 'bogus'" in result.output, result.output


def test_the_graph_commands_are_those_graphs_cli_adds_and_still_run_there():
    group = typer.main.get_command(app)
    added = {name for name, cmd in group.commands.items() if cmd.callback.__module__ == "graphs.cli"}
    assert added == set(GRAPH_COMMANDS)
    result = CliRunner().invoke(app, ["resume", "--help"])
    assert result.exit_code == 0 and "resume" in result.output, result.output
