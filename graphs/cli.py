"""The ``deliberation`` command line, complete: the domain commands of :mod:`deliberation.cli`
plus the facilitation graph's commands (``run``, ``review``, ``resume``, ``status``, ``stop``).

The graph commands live here, not in ``deliberation/``, because ``deliberation/`` must not import
LangGraph or ``graphs/`` (tests/test_layers.py). The installed ``deliberation`` command and
``python -m graphs.cli`` run this app.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape
from pydantic_core import to_jsonable_python

from deliberation.cli import IMPORT_INTERRUPTED, app, console, fail, interruptible, out, print_imported, reported, state
from deliberation.config import SAMPLE_CORPUS
from deliberation.errors import InputError, VotingClosed
from deliberation.importers.base import read_text
from deliberation.importers.polis import is_polis_export
from deliberation.services import ensure_consultation, find_stored
from deliberation.storage import Store, runs
from deliberation.tuning import parse_assignments
from deliberation.wording import plural


def _graph():
    """graphs.runner, imported by the graph commands only: LangGraph would slow the start of every
    command, which the domain commands (import, export, consultations, summary, analyze) do not need."""
    from graphs import runner  # lazy: graphs.runner (LangGraph) adds ~0.7 s and ~40 MB to graphs.cli

    return runner


def _processes():
    """graphs.runner_process, imported only where a run or an import is to be stopped: it imports
    graphs.runner (LangGraph, ~1 s CPU), which a `stop` with nothing to stop does not need."""
    from graphs import runner_process  # lazy: graphs.runner (LangGraph), as _graph()

    return runner_process


def _resolve(source: str) -> int:
    """The consultation ``source`` names; a Polis folder not imported yet is imported, and what it stored
    is printed with its join code and moderator secret (only its hash is stored: `run FOLDER` printed
    neither, and nobody could open the console of the room it made). Lingua's models stay loaded
    after the import: the graph run that follows would load them again (what that cost:
    docs/bench_before_after.md, fifteenth stop)."""
    return ensure_consultation(state.settings, source, progress=lambda m: console.print(f"[dim]… {escape(m)}[/]"),
                               imported=print_imported, keep_languages=True)


@contextmanager
def _stored_graph(consultation: str, while_running: bool = False) -> Iterator[tuple[Any, int, Any]]:
    """(the graph runner, the consultation's id, its graph's status), inside the commands' error
    reporting; Ctrl-C says which steps are kept and how to continue. Unless ``while_running``, a
    graph that another process runs right now is refused (its checkpoint is mid-way: "nothing to
    resume" or "not waiting for a review" would not be true)."""
    runner = _graph()
    resolved: list[int] = []
    with reported(), interruptible(lambda: _kept(resolved)):
        importing = _importing(consultation)
        if importing is not None:  # not imported a second time beside it
            raise runs.busy(consultation, importing)
        cid = _resolve(consultation)
        resolved.append(cid)
        now = runs.in_progress(state.settings, cid)
        if now is not None and not while_running:
            raise runs.busy(cid, now)
        yield runner, cid, runner.status(state.settings, cid)


def _importing(source: str) -> runs.RunRecord | None:
    """The import of the folder ``source`` going on now (``deliberation run FOLDER`` importing it before
    it runs, ``import-polis``, the app's launcher importing the sample), or None."""
    return runs.import_in_progress(state.settings, source) if is_polis_export(Path(source)) else None


def _kept(resolved: list[int]) -> str:
    """What a graph command interrupted by Ctrl-C kept: the checkpointed steps, or (while a folder
    was being imported) nothing."""
    if not resolved:
        return IMPORT_INTERRUPTED
    return f"the steps completed so far are kept; continue with: deliberation resume {resolved[0]}"


def _print_update(node: str, update: dict) -> None:
    """A step's log lines, each after the step's name (once: most lines begin with it already,
    which printed 'intake intake: …', 'review review group:0: …')."""
    for line in update.get("log", []) or []:
        line = str(line)
        rest = line[len(node):] if line.startswith((f"{node} ", f"{node}:")) else f" {line}"
        console.print(f"[cyan]{node}[/]{escape(rest)}", highlight=False)


def _print_status(st, cid: int, gap: bool = True) -> None:
    """Where the graph stands and how to continue; after a blank line (``gap``) that sets it apart
    from the steps' log a run printed before it (``status`` prints no log: no blank first line)."""
    nl = "\n" if gap else ""
    if st.waiting and st.waiting.get("type") == "review":
        out.print(f"{nl}Waiting for the moderator's review of {plural(len(st.waiting['drafts']), 'draft')}:")
        for d in st.waiting["drafts"]:
            out.print(f"  [{d['key']}] {d['text']}", highlight=False)
            out.print(f"      cites {', '.join(d['cited'])}; {d['notes']}".rstrip("; "), highlight=False)
            if d.get("edit_rejected"):  # the moderator's last edit, refused by the guard: say why
                rejected = d["edit_rejected"]
                out.print(f"      your edit was not accepted ({rejected['reason']}): {rejected['text']}",
                          highlight=False)
        for f in st.waiting.get("audit", []):
            out.print(f"  audit: {f}", highlight=False)
        out.print(f"Continue with: deliberation review {cid} --approve-all (or --decisions FILE.json)")
    elif st.waiting and st.waiting.get("type") == "voting":
        out.print(f"{nl}{_voting_words(st, cid)}", highlight=False)
    elif st.finished:
        paths = (st.values.get("report") or {}).get("paths", {})
        out.print(f"{nl}Finished. Report: {paths.get('md', '(none)')}")
    elif st.next:
        out.print(f"{nl}Stopped before {', '.join(st.next)}; continue with: deliberation resume {cid}")


def _voting_words(st, cid: int) -> str:
    """Whether voting on the published drafts is open, not opened yet or closed, as the store says
    (it said "open" for drafts the console had published without opening the vote)."""
    ids = [p["statement_id"] for p in _graph().published_now(st.values)]
    window = Store(state.settings).voting_window(cid, ids) if ids else None
    kind = window.state if window is not None else "not opened"
    close = f"deliberation resume {cid} --close-voting"
    n = f"on {plural(len(ids), 'published draft')}"
    return {"open": f"Voting is open {n}. Close it with: {close}",
            "not opened": f"Voting is not open yet {n}: nobody can vote on them. Open it with: deliberation resume "
                          f"{cid} --open-voting (or in the moderator console's Voting tab; or close it unopened "
                          f"with: {close})",
            "closed": f"Voting is closed {n}, and the count did not finish. Count with: {close}"}[kind]


def run_options(named: dict[str, Any], assignments: list[str]) -> dict[str, Any]:
    """The run's settings by name: the dedicated options that were given, then every ``--set``."""
    return {**{k: v for k, v in named.items() if v is not None}, **parse_assignments(assignments)}


@app.command("run")
def run_cmd(
    source: str = typer.Argument(str(SAMPLE_CORPUS), help="A Polis export folder or .zip (imported once) or a stored consultation id / code."),
    drafter: Optional[str] = typer.Option(None, help="extractive (offline, the default) or llm (drafting.drafter)."),
    model: Optional[str] = typer.Option(None, help="LLM: provider:model (init_chat_model) or the model name at --base-url."),
    base_url: Optional[str] = typer.Option(None, help="LLM: OpenAI-compatible server URL (llama.cpp, Ollama, vLLM)."),
    seed: Optional[int] = typer.Option(None, min=0, help="Seed of every random step (analysis.seed)."),
    consensus_slate_size: Optional[int] = typer.Option(None, help="Ballot items on the common-ground slate (facilitation.consensus_slate_size)."),
    topic_drafts: Optional[bool] = typer.Option(None, "--topic-drafts/--no-topic-drafts", help="Draft a statement for every topic too (facilitation.topic_drafts)."),
    max_revise_rounds: Optional[int] = typer.Option(None, help="Revision rounds after a vote in which a group rejected drafts (facilitation.max_revise_rounds)."),
    author_agrees: Optional[bool] = typer.Option(None, "--author-agrees/--no-author-agrees", help="Count a voter's own statement as their agree vote, as Polis does (analysis.author_agrees)."),
    min_votes_room_share: Optional[float] = typer.Option(None, help="A statement's minimum votes are capped at this share of the people in groups (stats.min_votes_room_share)."),
    min_voters_group_share: Optional[float] = typer.Option(None, help="A group's verdict on a draft needs at most this share of its members to have voted (tally.min_voters_group_share)."),
    set_: list[str] = typer.Option([], "--set", metavar="NAME=VALUE", help="Any setting of the run by name, repeatable: grounding.min_relevance_overlap=0.5, coverage.require_ejr=true, stats.min_vote_count=10 ... (`deliberation settings` lists them all with their defaults)."),
    approve_all: bool = typer.Option(False, "--approve-all", help="Demo: approve every draft and close voting at once."),
    start_over: bool = typer.Option(False, "--start-over", help="Start over even though decisions clicked in the moderator console on the drafts waiting for review are not submitted yet (they are dropped)."),
) -> None:
    """Run the facilitation graph with progress output; it stops at the moderator's review. A run
    from the start drops the review waiting: refused while the console holds decisions clicked in
    it and not submitted (unless --start-over)."""
    runner = _graph()
    resolved: list[int] = []
    with reported(), interruptible(lambda: _kept(resolved)):
        options = run_options({"drafter": drafter, "model": model, "base_url": base_url, "seed": seed,
                               "consensus_slate_size": consensus_slate_size, "topic_drafts": topic_drafts,
                               "max_revise_rounds": max_revise_rounds, "author_agrees": author_agrees,
                               "min_votes_room_share": min_votes_room_share,
                               "min_voters_group_share": min_voters_group_share}, set_)
        runner.context(state.settings, options)  # bad settings stop here, before anything is imported
        # the run lock first, then the folder's import (under its own lock): no second run meanwhile,
        # and `make run` stopped meanwhile keeps the vector store for it (ui/launch.py)
        folder = source if is_polis_export(Path(source)) else None
        doing = runner.DOING["to_end" if approve_all else "start"]
        with runs.running_after(state.settings, folder, lambda: _resolve(source), doing) as cid:
            resolved.append(cid)
            if not start_over:
                _refuse_over_clicked_review(runner, cid)
            if approve_all:
                st = runner.run_to_end(state.settings, cid, options, on_update=_print_update)
            else:
                st = runner.start(state.settings, cid, options, on_update=_print_update)
    _print_status(st, cid)


def _refuse_over_clicked_review(runner, cid: int) -> None:
    """A run from the start while the moderator is reviewing in the console (decisions clicked, not
    submitted) would drop their work unseen: a terminal's `deliberation run` in a live room of six
    replaced the review the moderator was deciding on. Refused in words, naming the decisions."""
    st = runner.status(state.settings, cid)
    if not (st.waiting and st.waiting.get("type") == "review" and st.waiting_id):
        return
    clicked = Store(state.settings).pending(cid, str(st.waiting_id))
    if clicked:
        last = max(clicked.values(), key=lambda p: p.updated_at)
        fail(f"consultation {cid} waits for the moderator's review, and the moderator console holds "
             f"{plural(len(clicked), 'decision')} clicked on its drafts and not submitted (the last by "
             f"{last.reviewer} at {last.updated_at:%H:%M:%S} UTC); a run from the start would drop them. "
             f"Submit them in the console (or answer with: deliberation review {cid}), or start over "
             f"anyway with: deliberation run {cid} --start-over")


@app.command("stop")
def stop_cmd(consultation: str = typer.Argument(..., help="Consultation id or join code, or a Polis export folder being imported.")) -> None:
    """Stop the facilitation run of a consultation going on now in any process on this data folder (a
    terminal's `deliberation run`, the moderator console's): every completed step is kept, and
    `deliberation resume` continues it."""
    settings, by = state.settings, runs.who_am_i()
    with reported():
        importing = _importing(consultation)
        if importing is not None:
            _processes().end_run(settings, consultation, importing, by, True, lambda: "importing")
            cid = find_stored(settings, consultation)
            out.print(f"Stopped the import of {consultation} ({importing.words()}): " + (
                "nothing of it was imported." if cid is None else
                f"it had imported it as consultation {cid}; start its run with: deliberation run {cid}"), highlight=False)
            return
        cid = find_stored(settings, consultation)
        rec = runs.in_progress(settings, cid) if cid is not None else None
        if rec is None:
            out.print(f"Nothing to stop: no run of {consultation if cid is None else f'consultation {cid}'} is "
                      "going on now.", highlight=False)
            return
        if not (rec.detached or rec.stops_on_signal or rec.started_elsewhere()):
            out.print(f"The run ({rec.words()}) runs in the app's own process, which is not ended: it stops before "
                      "its next step; waiting…", highlight=False)
        last = _processes().stop(settings, cid, rec.pid, by=by)
    if last is not None and last.pid == rec.pid and last.outcome == "stopped":
        out.print(f"{last.how_it_stopped()}.", highlight=False)
        out.print(f"Every completed step is kept; continue with: deliberation resume {cid}")
    else:
        out.print(f"The run ({rec.words()}) ended before it was stopped.", highlight=False)
        _print_status(_graph().status(settings, cid), cid)


@app.command("review")
def review_cmd(
    consultation: str = typer.Argument(..., help="Consultation id or join code."),
    approve_all: bool = typer.Option(False, "--approve-all", help="Approve every draft."),
    decisions: Optional[Path] = typer.Option(None, help='JSON file: [{"key": "group:0", "decision": "approve|edit|reject", "text": "...", "reason": "..."}]'),
    reviewer: str = typer.Option("moderator", help="Who decides (stored with each decision)."),
) -> None:
    """Give the moderator's decisions on the drafts the graph is waiting on, and continue."""
    with _stored_graph(consultation) as (runner, cid, st):
        if not st.waiting or st.waiting.get("type") != "review":
            fail("the graph is not waiting for a review of this consultation")
        if approve_all:
            value = {"reviewer": reviewer, "approve_all": True}
        elif decisions:
            try:
                value = {"reviewer": reviewer, "decisions": json.loads(read_text(decisions))}
            except json.JSONDecodeError as e:
                fail(f"{decisions}: not valid JSON ({e.msg} at line {e.lineno})")
            from graphs.review import check_decisions  # lazy: LangGraph, as _graph()

            try:
                check_decisions(value["decisions"], [d["key"] for d in st.waiting["drafts"]])
            except InputError as e:
                fail(f"{decisions}: {e}")
        else:
            fail("say --approve-all or --decisions FILE.json")
        st = runner.resume(state.settings, cid, value, on_update=_print_update)
        if (st.waiting or {}).get("type") == "voting":  # the CLI opens voting on what it published
            runner.open_voting(state.settings, cid)
    _print_status(st, cid)


def _close_after_the_run(st, cid: int) -> None:
    """`resume --close-voting` where the graph waits for nothing: refused in words when no run has
    started; after a finished run, its published drafts' vote is closed (the run closed it before its
    count; a window still open is closed now) and that is said, with where the report is (it said
    "Nothing to resume" and left the moderator unsure whether the vote was closed)."""
    if not st.values:
        fail(f"there is no vote to close: no run has started for this consultation (start one with: "
             f"deliberation run {cid})")
    ids = [p["statement_id"] for p in _graph().published_now(st.values)]
    if not ids:
        out.print("There is no vote to close: the run published no drafts to vote on.")
    else:
        store, n = Store(state.settings), plural(len(ids), "published draft")
        window = store.voting_window(cid, ids)
        if window is not None and window.state == "closed":
            out.print(f"Voting is already closed on {n}: the run closed it and counted the votes.")
        else:
            store.close_voting(cid, ids)
            out.print(f"Voting on {n} is closed now (it was {window.state if window else 'not opened'} after "
                      "the run had counted the votes: a vote cast since is not in the report).")
    _print_status(st, cid)


@app.command("resume")
def resume_cmd(
    consultation: str = typer.Argument(..., help="Consultation id or join code."),
    open_voting: bool = typer.Option(False, "--open-voting", help="Open voting on the published drafts (as the console's Voting tab does)."),
    close_voting: bool = typer.Option(False, "--close-voting", help="Close voting on the published drafts and tally."),
) -> None:
    """Continue the graph from its last checkpoint (after a crash), or open or close voting."""
    if open_voting and close_voting:
        fail("say --open-voting or --close-voting, not both")
    with _stored_graph(consultation) as (runner, cid, st):
        if st.waiting and st.waiting.get("type") == "review":
            _print_status(st, cid)
            raise typer.Exit(0)
        if open_voting and (st.waiting or not st.next):  # (after a crash, continuing opens it below)
            try:
                runner.open_voting(state.settings, cid)  # refused in words unless the graph waits for votes
            except VotingClosed as e:  # a close whose count did not finish: say how to count
                fail(f"{e}; count the votes with: deliberation resume {cid} --close-voting")
        if st.waiting and st.waiting.get("type") == "voting" and not close_voting:
            _print_status(st, cid)
            raise typer.Exit(0)
        if not st.waiting and not st.next:
            if close_voting:
                _close_after_the_run(st, cid)
            else:
                out.print("Nothing to resume: the graph has not started or has finished for this consultation.")
            raise typer.Exit(0)
        st = runner.resume(state.settings, cid, {"close": True} if close_voting else None, on_update=_print_update)
        if (st.waiting or {}).get("type") == "voting" and not close_voting:  # reached after a crash
            runner.open_voting(state.settings, cid)
    _print_status(st, cid)


@app.command("status")
def status_cmd(consultation: str = typer.Argument(..., help="Consultation id or join code.")) -> None:
    """Where the facilitation graph of a consultation stands, changing nothing: running now (in which
    process), waiting for the review or for votes, stopped (where and why) or finished."""
    importing = _importing(consultation)
    if importing is not None:  # a run imports the folder first: said, not imported beside it
        out.print(f"Running now: {importing.words()}.", highlight=False)
        return
    with _stored_graph(consultation, while_running=True) as (_, cid, st):
        rec = runs.last_run(state.settings, cid)
        if rec is not None and rec.alive:
            out.print(f"Running now: {rec.words()}.", highlight=False)
            out.print(f"Next step: {', '.join(st.next) or 'finishing'}.")
            return
        if rec is not None and not st.finished:
            _print_how_it_stopped(rec, cid)
        if not st.values:
            out.print(f"No run yet: start one with: deliberation run {cid}")
        elif st.error:
            out.print(f"The last run failed in {st.failed_node}: {st.error}", highlight=False)
        _print_status(st, cid, gap=False)


def _print_how_it_stopped(rec: runs.RunRecord, cid: int) -> None:
    """How the last run stopped before it finished, as the console says it (stopped by the moderator
    and in which step, its process's exit, killed, Ctrl-C), with the last output of a console run
    whose process ended on its own."""
    runner_process = _processes()
    logged = runner_process.progress(state.settings, cid, rec.pid) if rec.detached else runner_process.Progress()
    stopped = runner_process.ended_words(rec, logged)
    if stopped:
        out.print(f"{stopped}.", highlight=False)
    if rec.died and logged.output:
        out.print(f"Its last output ({runs.log_path(state.settings, cid)}):", highlight=False)
        for line in logged.output:
            out.print(f"  {line}", highlight=False, markup=False)


@app.command("settings")
def settings_cmd() -> None:
    """Every setting of a run by name with its default (set them with `run --set NAME=VALUE`)."""
    from graphs.context import Context  # lazy: the configs only; _graph() would add LangGraph (~1 s CPU)

    for name, value in Context().settings().items():
        out.print(f"{name} = {json.dumps(to_jsonable_python(value))}", highlight=False)


if __name__ == "__main__":  # pragma: no cover
    app()
