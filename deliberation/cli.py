"""The ``deliberation`` command line.

Every command has ``--help``. Errors in input are printed as one line naming the file, row and
problem, with exit code 2; nothing partial is stored.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from deliberation.config import SAMPLE_CORPUS, Settings
from deliberation.embeddings import MODELS
from deliberation.embeddings.choice import AUTO
from deliberation.errors import DeliberationError, LineErrors, storage_error, writing_to
from deliberation.heap import freeze_in_this_process
from deliberation.importers.base import read_text
from deliberation.importers.polis import is_polis_export, read_polis_export
from deliberation.importers.tabular import read_statements_file
from deliberation.seeds import add_seeds, seed_lines
from deliberation.services import (
    analyze_source,
    choose_for,
    consultation_model,
    corpus_summary,
    embedder_for,
    find_consultation_by_source,
    import_bundle,
    pseudonymise_analysis,
    vector_index,
)
from deliberation.services import demo as run_demo
from deliberation.storage import Store, runs
from deliberation.storage.sessions import check_chosen_secret
from deliberation.tuning import override, parse_assignments
from deliberation.wording import inflect, listing, plural
from deliberation.text.languages import language_name
from deliberation.words import DEFAULT_LANGUAGE, LANGUAGES, said

#: The commands graphs/cli.py adds to :data:`app` (it may import the graph, which this layer must
#: not): ``python -m deliberation.cli`` lacks them, and names the command that has them instead of
#: click's bare "No such command" (found running a Spanish room by hand: ``resume 1``).
#: tests/test_cli_graph_commands.py keeps this list equal to graphs/cli.py's commands.
GRAPH_COMMANDS = ("run", "stop", "review", "resume", "status", "settings")


class _Commands(TyperGroup):
    """The command group: a graph command asked of the domain-level CLI says where it lives."""

    def resolve_command(self, ctx: typer.Context, args: list[str]):
        name = args[0] if args else ""
        if name in GRAPH_COMMANDS and self.get_command(ctx, name) is None:
            ctx.fail(said("run.graph_command", command=name, args=" ".join(args)))
        return super().resolve_command(ctx, args)


class _App(typer.Typer):
    """A failed write to the data directory (disk full, read-only, cannot open) anywhere in a command
    (database, vector index, embedding cache, graph checkpoints) ends in one line and exit code 2.
    So does a failed write elsewhere (``export-polis`` folder, ``analyze --json`` file): the line
    names that file, not the data directory."""

    def __call__(self, *args, **kwargs):
        # a command-line process ends with its work: bulk work may freeze the heap (deliberation.heap)
        freeze_in_this_process()
        try:
            return super().__call__(*args, **kwargs)
        except Exception as e:
            settings = state.settings
            mapped = storage_error(e, settings.data_dir if not settings.database_url else None)
            if mapped is None and isinstance(e, DeliberationError):  # one not inside reported()
                mapped = e
            if mapped is None:
                raise
            console.print(f"[bold red]error:[/] {escape(str(mapped))}", highlight=False)
            sys.exit(2)


app = _App(
    cls=_Commands,
    help="Deliberation-facilitation agent for town halls and public consultations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)
#: standard output: statements, questions and file names are printed as they are, never read as
#: rich markup (a statement "[group:0] ..." lost its brackets, one with "[/b]" raised MarkupError)
out = Console(soft_wrap=True, markup=False)


class _State:
    settings: Settings = Settings()


state = _State()


@app.callback()
def main(
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Data directory (default: $DELIBERATION_DATA or ./data)."),
    database_url: Optional[str] = typer.Option(None, "--database-url", help="SQLAlchemy URL (default: SQLite in the data directory)."),
    chroma_url: Optional[str] = typer.Option(None, "--chroma-url", help="Chroma server, e.g. http://127.0.0.1:8000 (default: $DELIBERATION_CHROMA_URL, else embedded Chroma in the data directory)."),
    embedding_backend: str = typer.Option("onnx", "--embedding-backend", help="onnx (fast, same vectors) or torch."),
    embedding_model: Optional[str] = typer.Option(None, "--embedding-model", help="Embedding model: auto (default: all-MiniLM-L6-v2 for a consultation whose statements are at least 90% English, else use-multilingual-v3), use-multilingual-v3 (16 languages) or all-MiniLM-L6-v2 (English) for every consultation; default $DELIBERATION_EMBEDDING_MODEL. Switching re-embeds the statements into the new model's own vector collection."),
    model_path: Optional[Path] = typer.Option(None, "--model-path", help="Local sentence-transformers model folder (overrides --embedding-model)."),
) -> None:
    kwargs = {}
    if data_dir is not None:
        kwargs["data_dir"] = data_dir
    if database_url is not None:
        kwargs["database_url"] = database_url
    if chroma_url is not None:
        kwargs["chroma_url"] = chroma_url or None
    if embedding_model is not None:
        if embedding_model not in (AUTO, *MODELS):
            fail(f"--embedding-model: unknown model {embedding_model!r}; choose one of: {', '.join((AUTO, *MODELS))}")
        kwargs["embedding_model"] = embedding_model
    if embedding_backend not in ("onnx", "torch"):
        fail(f"--embedding-backend: {embedding_backend!r} is not onnx or torch")
    if model_path is not None and not model_path.is_dir():
        fail(f"--model-path {model_path}: no such folder (a local sentence-transformers model folder)")
    state.settings = Settings(embedding_backend=embedding_backend, model_path=model_path, **kwargs)


def fail(message: str, code: int = 2) -> None:
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def reported() -> Iterator[None]:
    """Our own errors (bad input, a refused step; written as sentences) end the command with one
    line and exit code 2: the one try/except every command shares."""
    try:
        yield
    except DeliberationError as e:
        fail(str(e))


@contextmanager
def interruptible(kept: Callable[[], str]) -> Iterator[None]:
    """Ctrl-C ends the command with one line saying what was kept (``kept()``) and exit code 130 (a
    run stopped by ``deliberation stop``: who stopped it, and :data:`STOPPED_EXIT`); it ended
    silently before, leaving a moderator to guess whether an import or a run half-happened."""
    try:
        yield
    except runs.RunStopped as e:  # deliberation stop (or a SIGTERM): said as such, exit code 128 + SIGTERM
        console.print(f"\n[bold red]{escape(e.words())}:[/] {escape(kept())}", highlight=False)
        raise typer.Exit(STOPPED_EXIT) from None
    except KeyboardInterrupt:
        console.print(f"\n[bold red]interrupted:[/] {escape(kept())}", highlight=False)
        raise typer.Exit(130) from None


#: The exit code of a command whose run was stopped (``deliberation stop``): 128 + SIGTERM, as a shell says.
STOPPED_EXIT = 143


#: What an interrupted import keeps: it is one transaction.
IMPORT_INTERRUPTED = "nothing was imported (an import stores all of it or nothing)"


def _store():
    return Store(state.settings)


#: The option that sets a new consultation's room language on import (its help names the languages).
ROOM_LANGUAGE_OPTION = "--room-language"
ROOM_LANGUAGE_HELP = (f"The room's language (participant page, board, report): one of {', '.join(LANGUAGES)} "
                      "(default: the question's, when most of its words are in one of them; else en).")


def _import(bundle, *, embed: bool, question: Optional[str], secret: Optional[str],
            room_language: Optional[str] = None) -> None:
    check_chosen_secret(secret)
    if room_language is not None and room_language not in LANGUAGES:
        fail(f"{ROOM_LANGUAGE_OPTION} {room_language!r}: the app speaks {', '.join(LANGUAGES)}")
    report = import_bundle(state.settings, bundle, embed=embed, question=question, secret=secret,
                           progress=sys.stderr.isatty(), room_language=room_language)
    print_imported(report, bundle.notes, chosen=room_language is not None)


def _room_language_line(code: str, chosen: bool) -> str:
    """What an import says of the room's language it gave a new consultation, and how to change it."""
    named = language_name(code) or code
    if chosen:
        return f"Room language: {named} ({ROOM_LANGUAGE_OPTION}); the moderator console's language menu changes it."
    return (f"Room language: {named}, the language of the question (participant page, board and report); "
            f"to change it, {_TO_CHANGE_IT}")


#: How a room's language made by an import is changed, as its room-language line ends.
_TO_CHANGE_IT = (f"import with {ROOM_LANGUAGE_OPTION} {'|'.join(LANGUAGES)} or choose another in the moderator "
                 "console's language menu.")


def _unspoken_line(code: str) -> str:
    """What an import says of a new room whose question is in a language the app's pages do not speak
    (Japanese): the room is English, in the words the console says it (``said.room.unspoken``)."""
    return (f"Room language: {language_name(DEFAULT_LANGUAGE)}. {said('room.unspoken', language=language_name(code))} "
            f"To change it, {_TO_CHANGE_IT}")


def print_imported(report, notes: list[str], chosen: bool = False) -> None:
    """What an import stored, its notes, and the moderator secret it made (shown this once: only its
    hash is stored, and without it nobody can open the consultation's moderator console)."""
    out.print(f"Imported into consultation {report.consultation_id} (join code {report.code}): "
              f"{plural(report.statements, 'statement')}, {plural(report.registered, 'participant')}"
              # the authors who never vote are participants too, as the console's import, `summary` and
              # `consultations` count them, the voters beside them
              + (f" ({report.participants} of them voted)" if report.participants != report.registered else "")
              + ", "
              f"{plural(report.votes, 'vote')} ({plural(report.vote_events, 'vote event')}), "
              f"{plural(report.flagged, 'statement')} flagged for the moderator.")
    for note in notes:
        out.print(f"Note: {note}", markup=False, highlight=False)
    if report.room_language:
        out.print(_room_language_line(report.room_language, chosen), markup=False, highlight=False)
    elif report.unspoken_language:
        out.print(_unspoken_line(report.unspoken_language), markup=False, highlight=False)
    if report.moderator_secret:
        out.print(f"Moderator secret (shown once, keep it): {report.moderator_secret}")


@app.command("import-polis")
def import_polis(
    folder: Path = typer.Argument(..., help="A Polis export folder (comments.csv plus votes.csv or participants-votes.csv), or a .zip of one."),
    question: Optional[str] = typer.Option(None, help="Question text (default: the export's topic)."),
    room_language: Optional[str] = typer.Option(None, ROOM_LANGUAGE_OPTION, help=ROOM_LANGUAGE_HELP),
    secret: Optional[str] = typer.Option(None, help="Moderator secret (default: generated and printed once)."),
    embed: bool = typer.Option(True, help="Embed statements into the vector store."),
) -> None:
    """Import a Polis export folder as a new consultation."""
    with reported(), interruptible(lambda: IMPORT_INTERRUPTED):
        # under the folder's import lock, as `run FOLDER` and the launcher's sample import: another
        # import of it right now is refused, naming its process (exit 2)
        with runs.importing(state.settings, str(folder), IMPORTING_AS_NEW):
            bundle = read_polis_export(folder)
            earlier = find_consultation_by_source(_store(), bundle.source)
            if earlier is not None:
                out.print(f"Note: this folder was imported before, as consultation {earlier}; this import makes a "
                          f"new consultation, which `run FOLDER` will use from now on (`run {earlier}` the earlier one).")
            _import(bundle, embed=embed, question=question, secret=secret, room_language=room_language)


#: What ``import-polis`` says it does in its lock's record (named by a refused second import).
IMPORTING_AS_NEW = said("run.doing.import_new")


@app.command("import-statements")
def import_statements(
    path: Path = typer.Argument(..., help="Statements as .csv (column text; optional id, author, language, timestamp) or .jsonl."),
    votes: Optional[Path] = typer.Option(None, help="Votes CSV: participant,statement,vote[,timestamp]."),
    question: str = typer.Option(..., help="The consultation's question."),
    language: str = typer.Option("und", help="Language tag of the statements (e.g. en, de)."),
    room_language: Optional[str] = typer.Option(None, ROOM_LANGUAGE_OPTION, help=ROOM_LANGUAGE_HELP),
    secret: Optional[str] = typer.Option(None, help="Moderator secret (default: generated and printed once)."),
    embed: bool = typer.Option(True, help="Embed statements into the vector store."),
) -> None:
    """Import statements (and optional votes) from CSV or JSON Lines as a new consultation."""
    with reported(), interruptible(lambda: IMPORT_INTERRUPTED):
        if not question.strip():  # it became "Untitled consultation"
            fail("--question: a consultation needs a question")
        bundle = read_statements_file(path, votes_path=votes, question=question, language=language)
        _import(bundle, embed=embed, question=question, secret=secret, room_language=room_language)


@app.command("seed")
def seed(
    consultation: str = typer.Argument(..., help="Consultation id or join code."),
    statements: Optional[list[str]] = typer.Argument(None, help="Seed statements, one per argument."),
    file: Optional[Path] = typer.Option(None, "--file", help="A UTF-8 text file: one seed statement per line (blank lines skipped)."),
    embed: bool = typer.Option(True, help="Embed the seeds into the vector store (for the participants' similar statements; a run embeds what is missing anyway)."),
) -> None:
    """Add the moderator's seed statements (shown to participants like any statement), checked as a
    participant's are (length, personal data, abuse, instruction-like text, the same words as another);
    any bad line is named and nothing is stored."""
    with reported():
        if bool(statements) == bool(file):
            fail("give the seed statements as arguments or --file FILE (one per line), not both or neither")
        if file:
            lines, source, unit = seed_lines(read_text(file)), str(file), "line"
            if not lines:
                fail(f"{file}: no seed statement in it (one per line)")
        else:
            lines, source, unit = list(enumerate(statements, start=1)), "seed statements", "argument"
        store = _store()
        c = store.get_consultation(consultation)
        try:
            added = add_seeds(store, c.id, lines)
        except LineErrors as e:
            raise e.named(source, unit) from None
        if embed:
            _embed_new(c.id, added)
    out.print(f"Added {plural(len(added), 'seed statement')} to consultation {c.id}: "
              f"{inflect(len(added), 'statement')} {listing([s.external_id for s in added])}.")


def _embed_new(cid: int, added) -> None:
    """Index statements just stored (the participants' similar-statements check reads the index); a
    failure is a warning, not an error: they are stored, and a run indexes whatever is missing."""
    model = consultation_model(state.settings, cid).model
    index = None
    try:
        embedder = embedder_for(state.settings, model)
        index = vector_index(state.settings, model)
        index.upsert(cid, added, embedder.encode([s.text for s in added]), model_id=embedder.model_id)
    except Exception as e:  # noqa: BLE001 - stored already
        console.print(f"[yellow]warning:[/] not embedded now ({escape(str(e))}); a run embeds them", highlight=False)
    finally:
        if index is not None:
            index.close()


@app.command("export-polis")
def export_polis(
    consultation: str = typer.Argument(..., help="Consultation id or join code."),
    folder: Path = typer.Argument(..., help="Output folder (created)."),
    keep_ids: bool = typer.Option(False, "--keep-ids",
                                  help="Keep stored participant ids instead of pseudonyms 0, 1, 2, ... "
                                       "(to reproduce an imported Polis export cell for cell)."),
) -> None:
    """Export a consultation in Polis's CSV format (comments, votes, participants-votes, summary).

    Participants appear under pseudonyms (numbers in a keyed, shuffled order) unless --keep-ids."""
    with reported():
        store = _store()
        c = store.get_consultation(consultation)
        with writing_to(folder):  # a full / read-only export folder is named, not the data directory
            store.export_polis(c.id, folder, pseudonymise=not keep_ids)
        out.print(f"Wrote {folder}/comments.csv, votes.csv, participants-votes.csv, summary.csv"
                  + ("" if keep_ids else " (participants pseudonymised)"))


@app.command("consultations")
def consultations() -> None:
    """List stored consultations."""
    with reported():
        store = _store()
        table = Table("id", "code", "question", "statements", "drafts", "participants", "votes")
        for c in store.list_consultations():
            n = store.counts(c.id)
            drafts = sum(s.is_draft for s in store.statements(c.id))  # published by the graph, apart as in summary
            # who voted or wrote a statement ("registered"), as the console and the live board count them
            table.add_row(str(c.id), c.code, c.question[:60], str(n["statements"] - drafts), str(drafts),
                          str(n["registered"]), str(n["votes"]))
    out.print(table)


@app.command("summary")
def summary(
    source: str = typer.Argument(str(SAMPLE_CORPUS), help="A Polis export folder or .zip, or a stored consultation id / code."),
) -> None:
    """Print a summary of a corpus or stored consultation (statements, participants, votes)."""
    with reported():
        out.print(corpus_summary(state.settings, source))


@app.command("demo")
def demo(
    corpus: Path = typer.Argument(SAMPLE_CORPUS, help="Polis export folder to analyse (default: the bundled sample)."),
) -> None:
    """Headless run on embedded defaults: import the sample corpus and print its analysis summary."""
    with reported():
        run_demo(state.settings, corpus, out)


@app.command("analyze")
def analyze_cmd(
    source: str = typer.Argument(..., help="A Polis export folder or .zip, or a stored consultation id / code."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the analysis as JSON here."),
    topics: bool = typer.Option(True, help="Cluster statements into topics (embeds them; cached)."),
    mode: str = typer.Option("auto", help="Opinion-group mode: polis, robust or auto (the documented default)."),
    seed: int = typer.Option(0, min=0, help="Seed of every random step."),
    author_agrees: Optional[bool] = typer.Option(None, "--author-agrees/--no-author-agrees", help="Count a voter's own statement as their agree vote, as Polis does (analysis.author_agrees)."),
    min_votes_room_share: Optional[float] = typer.Option(None, help="A statement's minimum votes are capped at this share of the people in groups (stats.min_votes_room_share)."),
    set_: list[str] = typer.Option([], "--set", metavar="NAME=VALUE", help="Any analysis setting by name, repeatable: stats.min_vote_count=10, grouping.max_k=4, topics.max_topics=8 ... (`deliberation settings` lists them, under analysis.)."),
) -> None:
    """Analyse a consultation: topics, opinion groups, representative and consensus statements."""
    # lazy: the analysis pipeline adds ~0.4 s CPU to every command's start, and only this one needs it here
    from deliberation.analysis.pipeline import AnalysisConfig, export_json

    with reported():
        if mode not in ("auto", "polis", "robust"):
            fail(f"--mode: {mode!r} is not auto, polis or robust")
        named = {"author_agrees": author_agrees, "stats.min_votes_room_share": min_votes_room_share}
        settings = {**{k: v for k, v in named.items() if v is not None},
                    **{k.removeprefix("analysis."): v for k, v in parse_assignments(set_).items()}}
        config = override(AnalysisConfig(), settings, where="analysis.")
        result, summary_text = analyze_source(state.settings, source, topics=topics, mode=mode, seed=seed,
                                              config=config, progress=lambda m: console.print(f"[dim]… {escape(m)}[/]"))
    out.print(summary_text, highlight=False)
    if json_out:
        if not is_polis_export(source):  # a stored consultation: participants leave under pseudonyms
            store = _store()
            result = pseudonymise_analysis(result, store.pseudonyms(store.get_consultation(source).id))
        with reported(), writing_to(json_out):
            export_json(result, json_out)
        out.print(f"Wrote {json_out}")


@app.command("check-draft")
def check_draft_cmd(
    model: Optional[str] = typer.Option(None, help="LLM second opinion: provider:model, or the model name at --base-url."),
    base_url: Optional[str] = typer.Option(None, help="LLM second opinion: OpenAI-compatible server URL."),
) -> None:
    """Faithfulness guard: read {"statements": [{"id", "text"}], "draft": "...", "citations": [...]} on stdin,
    print {"supported": true|false, "sentences": [...]} as JSON. Exit code 0 when supported, 1 when not.
    With --model a sentence passes only when the rules and the language model both accept it."""
    from deliberation.grounding import LLMJudge, check_draft_json  # lazy: ~0.1 s; check-draft only

    raw = sys.stdin.read()
    try:
        payload = json.loads(raw)
    except json.JSONDecodeError as e:
        fail(f"stdin is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}")
    try:
        encoder = None
        try:
            cited = payload.get("statements") if isinstance(payload, dict) else None
            texts = [str(x.get("text", "")) for x in cited if isinstance(x, dict)] if isinstance(cited, list) else []
            encoder = embedder_for(state.settings, choose_for(state.settings, texts).model)
        except Exception:  # the lexical checks still run without the model
            encoder = None
        judge = None
        if model:
            from deliberation.drafting.llm import LLMDrafter  # lazy: langchain adds ~0.1 s; only --model needs it

            judge = LLMJudge(LLMDrafter(model, base_url=base_url).model)
        result = check_draft_json(payload, encoder=encoder, judge=judge)
    except (ValueError, TypeError) as e:
        fail(str(e))
    if "not available" in str(result.get("lexical_resource", "")):
        print(f"warning: {result.get('lexical_resource')}", file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    raise typer.Exit(0 if result.get("supported") else 1)


if __name__ == "__main__":  # pragma: no cover
    # the graph commands (GRAPH_COMMANDS) live in graphs/cli.py, which may import the graph;
    # `python -m graphs.cli` (and the installed `deliberation` command) has every command
    app()
