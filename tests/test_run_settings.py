"""Every setting of a run is reachable by name, from the graph's runtime context and the CLI
(graphs/context.py, deliberation/tuning.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO
from deliberation.errors import InputError
from graphs.context import Context


def test_named_settings_reach_every_config_and_survive_a_resume():
    ctx = Context.from_options({
        "drafter": "llm", "seed": 3, "consensus_slate_size": "2", "author_agrees": "false",
        "min_votes_room_share": 0.25, "min_voters_group_share": 0.4, "facilitation.max_sources": 12,
        "grounding": {"min_relevance_overlap": "0.5"}, "coverage.require_ejr": "true",
        "stats.min_vote_count": 10, "analysis.grouping.mode": "robust", "topics.max_topics": 8})
    assert ctx.drafting.drafter == "llm" and ctx.analysis.seed == 3
    assert (ctx.facilitation.consensus_slate_size, ctx.facilitation.max_sources) == (2, 12)
    assert ctx.analysis.author_agrees is False and ctx.analysis.stats.min_votes_room_share == 0.25
    assert ctx.tally.min_voters_group_share == 0.4 and ctx.grounding.min_relevance_overlap == 0.5
    assert ctx.coverage.require_ejr is True and ctx.analysis.stats.min_vote_count == 10
    assert ctx.analysis.grouping.mode == "robust" and ctx.analysis.topics.max_topics == 8
    # what the state keeps (JSON) gives the same context back, in any process
    assert Context.from_json(ctx.to_json()) == ctx
    # every default is one place's: the context's defaults are the configs' own
    assert Context().settings()["facilitation.max_revise_rounds"] == 1
    assert len(Context().settings()) > 100


@pytest.mark.parametrize("options, words", [
    ({"nonsense": 1}, "unknown setting 'nonsense'"),
    ({"grounding.nope": 1}, "unknown setting 'grounding.nope'"),
    ({"seed": "x"}, "setting analysis.seed='x'"),
    ({"drafter": "poet"}, "setting drafting.drafter='poet'"),
    # a value outside the field's declared bounds, and a dataclass's own check, name the setting too
    ({"coverage.over_factor": "0.5"}, "setting coverage.over_factor='0.5': Input should be greater than 1"),
    ({"tally": {"reject_below": 7}}, "setting tally.reject_below=7"),
    ({"grouping.max_k": "1"}, "setting analysis.grouping.max_k='1': Input should be greater than or equal to 2"),
    ({"facilitation.max_sources": 0}, "setting facilitation.max_sources=0: Input should be greater than or equal to 1"),
    ({"stats.min_votes_room_share": "1.5"}, "setting analysis.stats.min_votes_room_share='1.5'"),
])
def test_bad_settings_are_refused_in_words(options, words):
    with pytest.raises(InputError, match=words.replace("(", r"\(").replace(".", r"\.")):
        Context.from_options(options)


def test_a_stored_run_with_a_setting_now_out_of_bounds_is_refused_in_words():
    """A run stored before a bound existed (its settings JSON) is refused naming the setting, not
    with a validation traceback."""
    stored = Context().to_json()
    stored["facilitation"]["max_sources"] = 0
    stored["analysis"]["grouping"]["max_k"] = 1
    with pytest.raises(InputError, match=r"run settings not valid: setting facilitation\.max_sources=0: Input should "
                                         r"be greater than or equal to 1"):
        Context.from_json(stored)
    del stored["facilitation"]
    with pytest.raises(InputError, match=r"run settings not valid: setting analysis\.grouping\.max_k=1: Input should be "
                                         r"greater than or equal to 2"):
        Context.from_json(stored)


def test_cli_lists_settings_and_refuses_unknown_ones_before_touching_data(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    cli = [sys.executable, "-m", "graphs.cli", "--data-dir", str(tmp_path / "data")]
    res = subprocess.run([*cli, "settings"], capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "facilitation.consensus_slate_size = 3" in res.stdout and "grounding.min_relevance_overlap = " in res.stdout
    res = subprocess.run([*cli, "run", "--set", "coverage.require_jrr=true"], capture_output=True, text=True,
                         env=env, cwd=REPO, timeout=300)
    assert res.returncode == 2 and "unknown setting 'coverage.require_jrr'" in res.stderr
    assert not (tmp_path / "data").exists()  # nothing imported, nothing stored


def test_analyze_takes_the_analysis_settings_by_name(tmp_path):
    """`deliberation analyze --min-votes-room-share / --no-author-agrees / --set`: the settings reach the
    statistics (their config is in the JSON); a bad one is refused in words before anything is read."""
    import json

    from typer.testing import CliRunner

    from conftest import SAMPLE
    from graphs.cli import app

    out = tmp_path / "a.json"
    args = ["--data-dir", str(tmp_path / "data"), "analyze", str(SAMPLE), "--no-topics", "--json", str(out)]
    res = CliRunner().invoke(app, [*args, "--min-votes-room-share", "0.25", "--no-author-agrees",
                                   "--set", "stats.min_vote_count=10"])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert data["stats"]["config"]["min_votes_room_share"] == 0.25 and data["stats"]["config"]["min_vote_count"] == 10
    assert data["n_author_votes"] == 0
    res = CliRunner().invoke(app, [*args, "--set", "stats.min_vote_cont=10"])
    assert res.exit_code == 2 and "unknown setting 'analysis.stats.min_vote_cont'" in res.output


def test_studio_sees_the_settings_and_passes_them_as_json():
    """LangGraph Studio (langgraph.json -> make_graph) reads the context's JSON schema and passes a
    context as a dict: both work, and a dict becomes the typed configs."""
    from graphs.facilitation import make_graph

    schema = make_graph().get_context_jsonschema()
    assert {"drafting", "facilitation", "analysis", "grounding", "coverage", "tally"} <= set(schema["properties"])
    ctx = Context(**{"facilitation": {"consensus_slate_size": 2}, "grounding": {"min_relevance_overlap": 0.5}})
    assert ctx.facilitation.consensus_slate_size == 2 and ctx.grounding.min_relevance_overlap == 0.5


def test_the_llm_drafter_without_a_usable_model_is_refused_in_words(tmp_path):
    """`run --drafter llm` with no --model / --base-url stops before anything is imported; a model
    name no provider serves stops the draft step with one line (both were tracebacks in the graph)."""
    from deliberation.config import Settings
    from graphs import runner
    from graphs.context import DraftingConfig, Services

    settings = Settings(data_dir=tmp_path / "data")
    with pytest.raises(InputError, match="the llm drafter needs a model: --model provider:model"):
        runner.context(settings, {"drafter": "llm"})
    assert runner.context(settings, {"drafter": "llm", "base_url": "http://127.0.0.1:9"}).drafting.drafter == "llm"
    with pytest.raises(InputError, match="the llm drafter cannot use model 'x': .*provider:model"):
        Services(settings).drafter(DraftingConfig(drafter="llm", model="x"))


def test_a_negative_seed_is_refused_as_a_setting():
    """--set seed=-1 passed the settings and failed in the analyse step ("expected non-negative
    integer" from numpy, a traceback); analyze --mode banana was a ValueError traceback."""
    with pytest.raises(InputError, match=r"setting analysis.seed='-1': Input should be greater than or equal to 0"):
        Context.from_options({"seed": "-1"})
    assert Context.from_options({"seed": "3"}).analysis.seed == 3


def test_the_settings_a_run_was_given_are_those_apart_from_the_defaults_and_read_back_as_given():
    """What a new run started from the last one keeps (graphs.context.Context.given_settings): the
    settings given apart from the defaults, not those the run fills in itself (the topics' embedding
    model: copied back, it would pin it); written as `--set` lines they read back to the same run."""
    from graphs.context import FILLED_BY_THE_RUN
    from deliberation.tuning import assignment_lines, parse_assignments

    stored = Context.from_options({"tally.reject_below": "0.4", "seed": 2, "grouping.mode": "robust",
                                   "facilitation.max_revise_rounds": 1}).to_json()  # the last: its default
    stored["analysis"]["topics"]["embedding_model"] = "all-MiniLM-L6-v2"  # as if the run had filled it in
    assert "analysis.topics.embedding_model" in FILLED_BY_THE_RUN
    given = Context.from_json(stored).given_settings()
    assert given == {"tally.reject_below": 0.4, "analysis.seed": 2, "analysis.grouping.mode": "robust"}
    lines = assignment_lines(given)
    assert lines == ["analysis.grouping.mode=\"robust\"", "analysis.seed=2", "tally.reject_below=0.4"]
    assert Context.from_options(parse_assignments(lines)).given_settings() == given


def test_a_terminals_set_settings_are_kept_by_the_consoles_start_over(tmp_path, monkeypatch):
    """Found in review of e14e6d6 (the console's new-run form starts from the last run's drafter and
    model): after `deliberation run ID --set grounding.min_relevance_overlap=0.5 --set
    tally.reject_below=0.4` in a terminal, the console's "More settings" box was empty, and its Start
    over ran with the defaults without a word. The box starts with them; the new run keeps them."""
    pytest.importorskip("streamlit")
    from typer.testing import CliRunner

    from deliberation.config import Settings
    from deliberation.importers.tabular import read_statements_file
    from deliberation.services import import_bundle
    from deliberation.storage import runs
    from graphs import runner
    from graphs.cli import app as cli_app
    from test_small_room_drafts import QUESTION, write_room  # the room of three: a graph run in seconds
    from ui_helpers import app, console_sign_in

    settings = Settings(data_dir=tmp_path / "data").ensure()
    statements, votes = write_room(tmp_path / "files")
    rep = import_bundle(settings, read_statements_file(statements, votes_path=votes, question=QUESTION),
                        question=QUESTION, secret="set-settings-secret")
    cid = rep.consultation_id
    res = CliRunner().invoke(cli_app, ["--data-dir", str(settings.data_dir), "run", str(cid), "--seed", "2",
                                       "--set", "grounding.min_relevance_overlap=0.5",
                                       "--set", "tally.reject_below=0.4"])
    assert res.exit_code == 0, res.output
    terminal = runs.last_run(settings, cid)
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    at = app("moderator")
    at.run()
    console_sign_in(at, rep.code, "set-settings-secret")
    assert not at.exception, [e.value for e in at.exception]
    # the seed has its own box; the rest of what the terminal gave, one per line
    assert at.number_input(key="mod-run-seed").value == 2
    assert at.text_area(key="mod-run-more").value == "grounding.min_relevance_overlap=0.5\ntally.reject_below=0.4"
    at.checkbox(key="mod-run-confirm").check().run()
    at.button(key="mod-run-start").click().run(timeout=600)
    assert not at.exception, [e.value for e in at.exception]
    assert runs.last_run(settings, cid).started != terminal.started  # the console's run, from the start
    st = runner.status(settings, cid)
    assert (st.waiting or {}).get("type") == "review"
    assert (st.values["config"]["grounding"]["min_relevance_overlap"], st.values["config"]["tally"]["reject_below"],
            st.values["config"]["analysis"]["seed"]) == (0.5, 0.4, 2)
