"""`deliberation resume ID --close-voting` where the graph waits for no vote: after a finished run it
says the vote is closed (and where the report is), before any run it refuses in words. It said
"Nothing to resume: the graph has not started or has finished" in both cases, and a moderator who
asked to close voting could not tell whether it was closed.

Real components: the demo run's data folder (``deliberation run corpora/harbour-road --approve-all``
in a subprocess: SQLite and Chroma on disk, conftest.demo_run), copied; the CLI in subprocesses."""

from __future__ import annotations

import pytest

from conftest import copy_data, run_cli
from deliberation.config import Settings
from deliberation.storage import Store

pytestmark = pytest.mark.slow


def _said(res) -> str:
    return " ".join((res.stdout + res.stderr).split())


def test_closing_the_vote_of_a_finished_run_says_it_is_closed(demo_run, tmp_path):
    from graphs import runner

    data = copy_data(demo_run[0], tmp_path / "data")
    settings = Settings(data_dir=data)
    published = [p["statement_id"] for p in runner.published_now(runner.status(settings, 1).values)]
    said = _said(run_cli(data, "resume", "1", "--close-voting"))
    assert f"Voting is already closed on {len(published)} published drafts: the run closed it and counted " \
        "the votes." in said and "Finished. Report:" in said and "Nothing to resume" not in said, said
    assert Store(settings).voting_window(1, published).state == "closed"


def test_closing_the_vote_before_any_run_is_refused_in_words(cli_imported, tmp_path):
    data = copy_data(cli_imported, tmp_path / "data")
    res = run_cli(data, "resume", "1", "--close-voting", check=False)
    assert res.returncode == 2 and "there is no vote to close: no run has started for this consultation " \
        "(start one with: deliberation run 1)" in _said(res), _said(res)
