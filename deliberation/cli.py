"""The ``deliberation`` command line.

Every command has ``--help``. Errors in input are printed as one line naming the file, row and
problem, with exit code 2; nothing partial is stored.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from deliberation.config import SAMPLE_CORPUS, Settings
from deliberation.errors import DeliberationError

app = typer.Typer(
    help="Deliberation-facilitation agent for town halls and public consultations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


class _State:
    settings: Settings = Settings()


state = _State()


@app.callback()
def main(
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Data directory (default: $DELIBERATION_DATA or ./data)."),
    database_url: Optional[str] = typer.Option(None, "--database-url", help="SQLAlchemy URL (default: SQLite in the data directory)."),
    embedding_backend: str = typer.Option("onnx", "--embedding-backend", help="onnx (fast, same vectors) or torch."),
    model_path: Optional[Path] = typer.Option(None, "--model-path", help="Local sentence-transformers model folder (default: bundled all-MiniLM-L6-v2)."),
) -> None:
    kwargs = {}
    if data_dir is not None:
        kwargs["data_dir"] = data_dir
    if database_url is not None:
        kwargs["database_url"] = database_url
    state.settings = Settings(embedding_backend=embedding_backend, model_path=model_path, **kwargs)


def fail(message: str, code: int = 2) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _store():
    from deliberation.storage import Store

    return Store(state.settings)


def _import(bundle, *, embed: bool, question: Optional[str], secret: Optional[str]) -> None:
    from deliberation.services import import_bundle

    report = import_bundle(state.settings, bundle, embed=embed, question=question, secret=secret,
                           progress=sys.stderr.isatty())
    out.print(f"Imported into consultation {report.consultation_id} (join code {report.code}): "
              f"{report.statements} statements, {report.participants} participants, "
              f"{report.votes} votes ({report.vote_events} vote events), "
              f"{report.flagged} statements flagged for the moderator.")
    if report.moderator_secret:
        out.print(f"Moderator secret (shown once, keep it): {report.moderator_secret}")


@app.command("import-polis")
def import_polis(
    folder: Path = typer.Argument(..., help="A Polis export folder (comments.csv plus votes.csv or participants-votes.csv)."),
    question: Optional[str] = typer.Option(None, help="Question text (default: the export's topic)."),
    secret: Optional[str] = typer.Option(None, help="Moderator secret (default: generated and printed once)."),
    embed: bool = typer.Option(True, help="Embed statements into the vector store."),
) -> None:
    """Import a Polis export folder as a new consultation."""
    from deliberation.importers.polis import read_polis_export

    try:
        _import(read_polis_export(folder), embed=embed, question=question, secret=secret)
    except DeliberationError as e:
        fail(str(e))


@app.command("import-statements")
def import_statements(
    path: Path = typer.Argument(..., help="Statements as .csv (column text; optional id, author, language, timestamp) or .jsonl."),
    votes: Optional[Path] = typer.Option(None, help="Votes CSV: participant,statement,vote[,timestamp]."),
    question: str = typer.Option(..., help="The consultation's question."),
    language: str = typer.Option("und", help="Language tag of the statements (e.g. en, de)."),
    secret: Optional[str] = typer.Option(None, help="Moderator secret (default: generated and printed once)."),
    embed: bool = typer.Option(True, help="Embed statements into the vector store."),
) -> None:
    """Import statements (and optional votes) from CSV or JSON Lines as a new consultation."""
    from deliberation.importers.tabular import read_statements_file

    try:
        bundle = read_statements_file(path, votes_path=votes, question=question, language=language)
        _import(bundle, embed=embed, question=question, secret=secret)
    except DeliberationError as e:
        fail(str(e))


@app.command("export-polis")
def export_polis(
    consultation: str = typer.Argument(..., help="Consultation id or join code."),
    folder: Path = typer.Argument(..., help="Output folder (created)."),
) -> None:
    """Export a consultation in Polis's CSV format (comments, votes, participants-votes, summary)."""
    try:
        store = _store()
        c = store.get_consultation(consultation)
        store.export_polis(c.id, folder)
        out.print(f"Wrote {folder}/comments.csv, votes.csv, participants-votes.csv, summary.csv")
    except DeliberationError as e:
        fail(str(e))


@app.command("consultations")
def consultations() -> None:
    """List stored consultations."""
    store = _store()
    table = Table("id", "code", "question", "statements", "participants", "votes")
    for c in store.list_consultations():
        n = store.counts(c.id)
        table.add_row(str(c.id), c.code, c.question[:60], str(n["statements"]), str(n["participants"]), str(n["votes"]))
    out.print(table)


@app.command("summary")
def summary(
    source: str = typer.Argument(str(SAMPLE_CORPUS), help="A Polis export folder, or a stored consultation id / code."),
) -> None:
    """Print a summary of a corpus or stored consultation (statements, participants, votes)."""
    from deliberation.services import corpus_summary

    try:
        out.print(corpus_summary(state.settings, source))
    except DeliberationError as e:
        fail(str(e))


@app.command("demo")
def demo(
    corpus: Path = typer.Argument(SAMPLE_CORPUS, help="Polis export folder to analyse (default: the bundled sample)."),
) -> None:
    """Headless run on embedded defaults: import the sample corpus and print its analysis summary."""
    from deliberation.services import demo as run_demo

    try:
        run_demo(state.settings, corpus, out)
    except DeliberationError as e:
        fail(str(e))


if __name__ == "__main__":  # pragma: no cover
    app()
