"""One data folder, several processes: the graph of a consultation runs in one process at a time,
a run killed with its process is shown as such and resumed without loss, an answer to a
question the graph no longer asks (a stale page, a second terminal) changes nothing, a review step
killed after saving the moderator's decisions stores them once when answered again, and a terminal
opens the vote on drafts the console published (``resume ID --open-voting``).

Real components: the sample consultation imported once (SQLite and Chroma on disk, the real
embedding model), ``python -m graphs.cli`` and the console's run process (graphs/runner_process.py)
in subprocesses on the same data folder."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import CLI, CLI_ENV, REPO, die_while_closing_voting, run_cli
from deliberation.config import Settings
from deliberation.errors import DeliberationError, InputError, VotingClosed
from deliberation.processes import free_port
from deliberation.storage import Store, runs

pytestmark = pytest.mark.slow


def _said(res) -> str:
    return " ".join((res.stdout + res.stderr).split())


def test_one_run_at_a_time_and_a_killed_run_resumes(sample):
    from graphs import runner

    data, cid = sample.data_dir, str(sample.cid)
    settings = Settings(data_dir=data)
    assert "No run yet" in run_cli(data, "status", cid).stdout
    # another process (here: this one, as the console would) runs the graph: every graph command is
    # refused in words, and status says who runs it; nothing runs beside it
    with runs.running(settings, sample.cid, "a run from the start", by="the moderator console"):
        for args in (["run", cid], ["resume", cid]):
            res = run_cli(data, *args, check=False)
            said = _said(res)
            assert res.returncode == 2, said
            assert "is running right now (a run from the start, started from the moderator console" in said
        assert "Running now: a run from the start, started from the moderator console" in \
            run_cli(data, "status", cid).stdout
        with pytest.raises(runs.RunInProgress):  # another page of the same server: refused as well
            runner.start(settings, sample.cid)
    assert runner.status(settings, sample.cid).values == {}  # none of them ran a step

    # a run killed with its process (a closed terminal, a restarted app) while drafting
    before = Store(settings).counts(sample.cid)
    _stop_after_analyse(data, cid, signal.SIGKILL)
    status = _said(run_cli(data, "status", cid))
    assert "ended with its process before it finished" in status and "Running now" not in status
    assert f"continue with: deliberation resume {cid}" in status
    assert "Waiting for the moderator's review" in run_cli(data, "resume", cid).stdout
    assert Store(settings).counts(sample.cid) == before  # nothing lost or stored twice
    assert "ended with its process" not in run_cli(data, "status", cid).stdout
    # starting over (run again), stopped with Ctrl-C: status says so; the new run forgot the last one
    # (its log was appended to: the console's Run log and report.json showed "intake ..." twice)
    out = _stop_after_analyse(data, cid, signal.SIGINT)
    assert f"continue with: deliberation resume {cid}" in out
    assert "was interrupted in its terminal (Ctrl-C)" in _said(run_cli(data, "status", cid))
    log = runner.status(settings, sample.cid).values["log"]
    assert len([line for line in log if line.startswith("intake")]) == 1, log


def _stop_after_analyse(data, cid: str, sig: int) -> str:
    """`deliberation run` stopped by ``sig`` once its analyse step is checkpointed (while drafting);
    returns what it printed."""
    proc = subprocess.Popen([*CLI, "--data-dir", str(data), "run", cid], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=CLI_ENV, cwd=REPO)
    seen, deadline = "", time.monotonic() + 600
    while "analyse" not in seen and time.monotonic() < deadline and proc.poll() is None:
        seen += proc.stderr.readline()
    os.kill(proc.pid, sig)
    out, err = proc.communicate(timeout=600)
    assert "analyse" in seen, seen + err
    return _said(subprocess.CompletedProcess([], proc.returncode, out, seen + err))


def test_an_answer_to_a_question_no_longer_asked_changes_nothing(sample):
    """A console that still shows the review (or the vote) after the command line answered it: its
    click used to close the vote the command line had opened, or approve drafts nobody saw."""
    from graphs import runner

    data, cid = sample.data_dir, sample.cid
    settings = Settings(data_dir=data)
    st = runner.start(settings, cid)
    shown = {d["key"]: d["text"] for d in st.waiting["drafts"]}
    with pytest.raises(DeliberationError, match="no longer waits for the close of the vote"):
        runner.resume(settings, cid, {"close": True})
    with pytest.raises(DeliberationError, match="the drafts waiting for review changed since they were shown"):
        runner.resume(settings, cid, {"reviewer": "m", "approve_all": True,
                                      "seen": {**shown, next(iter(shown)): "other words"}})
    assert runner.status(settings, cid).waiting["type"] == "review"

    # the review is answered in a process killed while publishing, after two drafts were stored: the
    # retry publishes every draft once (it stored them all again beside the two)
    _killed_while_publishing(data, cid)
    assert "ended with its process" in _said(run_cli(data, "status", str(cid)))
    assert "Voting is open on" in run_cli(data, "resume", str(cid)).stdout
    published = [p["statement_id"] for p in runner.published_now(runner.status(settings, cid).values)]
    drafts = [s.external_id for s in Store(settings).statements(cid) if s.is_draft]
    assert sorted(drafts) == sorted(published) and len(set(published)) == len(published) > 2
    # the console's "Approve all drafts", pressed on the page drawn before the command line's review
    with pytest.raises(DeliberationError, match="no longer waits for a review of its drafts"):
        runner.resume(settings, cid, {"reviewer": "m", "approve_all": True, "seen": shown})
    store = Store(settings)
    assert store.voting_window(cid, published).state == "open"  # still open: not closed by a review click
    store.cast_vote(cid, "0", published[0], "agree")  # and votes are still taken
    said_now = run_cli(data, "status", str(cid)).stdout
    assert said_now.startswith("Voting is open on"), said_now  # status prints no step log, so no blank line first
    # the process closing the vote is killed before the count: the close holds, and it is said so
    die_while_closing_voting(data, cid)
    status = _said(run_cli(data, "status", str(cid)))
    assert "The last run (closing voting and counting" in status and "ended with its process" in status
    assert f"Voting is closed on {len(published)} published drafts, and the count did not finish" in status
    with pytest.raises(VotingClosed):
        store.cast_vote(cid, "2", published[0], "agree")
    res = run_cli(data, "resume", str(cid), "--open-voting", check=False)  # closed stays closed: count it
    assert res.returncode == 2 and f"cannot be opened again; count the votes with: deliberation resume {cid} " \
        "--close-voting" in _said(res)
    assert "Finished" in run_cli(data, "resume", str(cid), "--close-voting").stdout
    with pytest.raises(VotingClosed):  # a late click after the close: refused, nothing stored
        store.cast_vote(cid, "1", published[0], "agree")
    votes = store.current_votes(cid)
    assert list(votes[votes["statement"] == published[0]]["participant"]) == ["0"]
    with pytest.raises(DeliberationError, match="it waits for nothing: it has finished"):
        runner.resume(settings, cid, {"close": True})  # a second close from a stale page


def _killed_while_publishing(data, cid: int) -> None:
    """The moderator's "approve all" in a process killed inside the publish step, after it stored two
    drafts and before its checkpoint (the kill is injected into the store's third add_statement)."""
    _resume_killed(data, cid, {"reviewer": "m", "approve_all": True},
                   "real, calls = Store.add_statement, []\n"
                   "def add(self, *a, **k):\n"
                   "    calls.append(1)\n"
                   "    if len(calls) == 3:\n"
                   "        os.kill(os.getpid(), signal.SIGKILL)\n"
                   "    return real(self, *a, **k)\n"
                   "Store.add_statement = add\n")


def _resume_killed(data, cid: int, answer: dict, patch: str) -> None:
    """``runner.resume`` with ``answer`` in a child process that ``patch`` (Python run first) makes kill
    itself with SIGKILL at the point under test, as a crash or a closed terminal would."""
    code = ("import os, signal\nfrom pathlib import Path\nfrom deliberation.config import Settings\n"
            "from deliberation.storage import Store\nfrom graphs import review, runner\n" + patch
            + f"runner.resume(Settings(data_dir=Path({str(data)!r})), {cid}, {answer!r})\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=CLI_ENV, cwd=REPO,
                         timeout=600)
    assert res.returncode == -signal.SIGKILL, res.stdout + res.stderr


def test_a_terminal_opens_the_vote_the_console_published_unopened(sample):
    """The console publishes drafts without opening the vote (the moderator opens it in its Voting
    tab); a moderator on a terminal, or a headless deployment, opens it with `resume ID --open-voting`
    (the CLI named only the console's tab, and nobody could vote)."""
    from graphs import runner

    data, cid = sample.data_dir, sample.cid
    settings = Settings(data_dir=data)
    runner.start(settings, cid)
    runner.resume(settings, cid, {"reviewer": "m", "approve_all": True})  # as the console's "Approve all"
    published = [p["statement_id"] for p in runner.published_now(runner.status(settings, cid).values)]
    store = Store(settings)
    with pytest.raises(VotingClosed, match="not open"):
        store.cast_vote(cid, "0", published[0], "agree")
    status = _said(run_cli(data, "status", str(cid)))
    assert f"Voting is not open yet on {len(published)} published drafts" in status
    assert f"Open it with: deliberation resume {cid} --open-voting" in status
    res = run_cli(data, "resume", str(cid), "--open-voting", "--close-voting", check=False)
    assert res.returncode == 2 and "not both" in _said(res)
    assert store.voting_window(cid, published) is None  # refused: nothing opened
    for _ in range(2):  # opening an open vote again changes nothing
        assert f"Voting is open on {len(published)} published drafts" in \
            _said(run_cli(data, "resume", str(cid), "--open-voting"))
    store.cast_vote(cid, "0", published[0], "agree")  # votes are taken now
    from graphs import runner_process

    runner_process.launch_resume(settings, cid, {"close": True})  # the console's "Close voting and count"
    with pytest.raises(VotingClosed):  # closed at the click, not once the count's process has started
        store.cast_vote(cid, "1", published[0], "agree")
    _wait(lambda: runs.in_progress(settings, cid) is None, "the count ends")
    assert "Finished" in run_cli(data, "status", str(cid)).stdout
    res = run_cli(data, "resume", str(cid), "--open-voting", check=False)  # nothing waits for votes now
    assert res.returncode == 2 and "not waiting for votes" in _said(res)


def test_a_review_killed_while_saving_its_decisions_stores_them_once(sample):
    """The review step killed after it stored the moderator's decisions and before its checkpoint (a
    server restart, a closed terminal): the moderator answers again and the retry stores each decided
    draft and who decided it once (it stored every draft and its review row again beside them)."""
    from graphs import runner

    data, cid = sample.data_dir, sample.cid
    settings = Settings(data_dir=data)
    keys = [d["key"] for d in runner.start(settings, cid).waiting["drafts"]]
    _resume_killed(data, cid, {"reviewer": "first", "approve_all": True},
                   "real = review.save_decisions\n"
                   "def save(*a, **k):\n"
                   "    real(*a, **k)\n"
                   "    os.kill(os.getpid(), signal.SIGKILL)\n"
                   "review.save_decisions = save\n")
    assert "Waiting for the moderator's review" in run_cli(data, "status", str(cid)).stdout
    run_cli(data, "review", str(cid), "--approve-all", "--reviewer", "again")
    store = Store(settings)
    drafts = store.drafts(cid)
    reviews = [r for d in drafts for r in store.reviews(d.id)]
    assert len(drafts) == len(keys) and len(reviews) == len(keys)
    assert {r.reviewer for r in reviews} == {"again"}  # the decisions the run went on with
    assert {d.id for d in drafts} == {d["draft_id"] for d in runner.status(settings, cid).values["drafts"]}


#: Seconds a run of the sample may take on a loaded 2-core machine before the test gives up.
RUN_TIMEOUT_S = 600
#: The steps a run is paused in to be killed or restarted mid-run: several steps before the review.
EARLY_STEPS = {"intake", "analyse", "draft"}


def _wait(until, what: str, poll: float = 0.1, ready=bool):
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        found = until()
        if ready(found):
            return found
        time.sleep(poll)
    raise AssertionError(f"not within {RUN_TIMEOUT_S} s: {what}")


def test_a_console_run_in_a_process_of_its_own_and_a_killed_one(sample):
    """The console's run in a process of its own (graphs/runner_process.py): the run lock is held
    from the launch on (no second run, whatever happens to the launching process), the process is
    in a session of its own, its log has every step, the refusals of runner.start / resume come
    before anything starts, a killed run shows as stopped, in words, and a failed one its error."""
    from graphs import runner, runner_process
    from graphs.facilitation import compile_graph

    settings, cid = Settings(data_dir=sample.data_dir), sample.cid
    # a wrong setting is named before anything starts
    with pytest.raises(InputError):
        runner_process.launch_start(settings, cid, {"no_such.setting": 1})
    assert runs.last_run(settings, cid) is None

    pid = runner_process.launch_start(settings, cid, {"seed": 3})
    rec = runs.in_progress(settings, cid)  # held from the launch on, before the process imported anything
    assert rec is not None and rec.pid == pid and rec.detached and rec.doing == "a run from the start"
    assert os.getsid(pid) == pid  # a session of its own: the signals of the app's terminal do not reach it
    assert runs.detached_in_progress(settings) == {cid: rec}  # what `make run` names when it stops
    with pytest.raises(runs.RunInProgress):  # never twice
        runner_process.launch_resume(settings, cid, None)
    _wait(lambda: runs.in_progress(settings, cid) is None, "the run ends")
    last = runs.last_run(settings, cid)
    assert (last.pid, last.outcome, last.started, last.by) == (pid, "returned", rec.started, rec.by)
    st = runner.status(settings, cid)
    assert st.waiting["type"] == "review" and st.values["config"]["analysis"]["seed"] == 3
    done = runner_process.progress(settings, cid, pid, ended=True)
    assert done.error is None and [n for n, _ in done.steps][:2] == ["intake", "analyse"]
    assert [x for _, lines in done.steps for x in lines] == st.values["log"]  # every line of the run, once
    first_pid, first_steps = pid, done.steps
    assert runner_process.progress(settings, cid, pid + 1).steps == []  # another process's log: not this run's

    # an answer to a question the graph does not ask: refused before anything starts, the record unchanged
    with pytest.raises(DeliberationError, match="no longer waits for the close of the vote"):
        runner_process.launch_resume(settings, cid, {"close": True})
    assert runs.last_run(settings, cid) == last

    # killed mid-run: the lock is dropped with its process, and the run shows as stopped, in words
    pid = runner_process.launch_start(settings, cid, {"seed": 3})

    graph = compile_graph(settings)

    def mid_run() -> bool:  # in a step long before the review (the review's own step is over in a moment)
        now = runner.status(settings, cid, graph)
        return bool(now.values and set(now.next) & EARLY_STEPS and now.waiting is None)

    _wait(mid_run, "the second run passes its first checkpoint", poll=0.05)
    os.kill(pid, signal.SIGSTOP)
    try:
        assert mid_run()  # paused before it reached the review
    finally:
        os.kill(pid, signal.SIGKILL)  # never left paused, whatever the assertion found
    _wait(lambda: runs.in_progress(settings, cid) is None, "the killed run's lock is dropped")
    last = runs.last_run(settings, cid)
    assert last.died and last.pid == pid
    assert "ended with its process before it finished: that process was stopped" in last.how_it_stopped()
    assert runner.status(settings, cid).next and runner_process.progress(settings, cid, pid).error is None
    # its launcher (here: this process) saw how it ended, and says so
    killed = _wait(lambda: runner_process.progress(settings, cid, pid), "the kill is in the log",
                   ready=lambda p: p.exit is not None)
    assert killed.exit == -signal.SIGKILL
    words = runner_process.ended_words(last, killed)
    assert "ended with its process before it finished: it was killed by SIGKILL, " in words
    killed_pid = pid

    # failed in a step (its vector store unreachable): the error in words in its log and its checkpoint
    pid = runner_process.launch_start(Settings(data_dir=sample.data_dir, chroma_url=f"http://127.0.0.1:{free_port()}"),
                                      cid, {"seed": 3})
    _wait(lambda: runs.in_progress(settings, cid) is None, "the failing run ends")
    done, now = runner_process.progress(settings, cid, pid, ended=True), runner.status(settings, cid)
    assert "could not be reached" in done.error and (now.failed_node, now.error) == ("intake", done.error)
    assert runs.last_run(settings, cid).outcome == "failed"
    # every run's part of the log is kept, each under its own header, and read apart
    assert runner_process.progress(settings, cid, first_pid).steps[:2] == [(n, ls) for n, ls in first_steps[:2]]
    assert runner_process.progress(settings, cid, killed_pid).exit == -signal.SIGKILL
    log = runs.log_path(settings, cid).read_text(encoding="utf-8")
    assert log.count('{"launch": ') == 3 and all(f'{{"pid": {p}}}' in log for p in (first_pid, killed_pid, pid))
    assert not list(runs.log_path(settings, cid).parent.glob("*.job.json"))  # its job came on its standard input



#: A ``sitecustomize`` that breaks a console run's process only (it alone starts with the run lock's
#: descriptor in its environment): LangGraph cannot be imported there, as in a broken install.
BROKEN_RUN = ("import os, sys\n"
              "if os.environ.get('DELIBERATION_RUN_LOCK_FD'):\n"
              "    sys.modules['langgraph'] = None\n")

#: A ``sitecustomize`` that pauses a console run's process (SIGSTOP) in its publish step, after it
#: stored two drafts and before its checkpoint, saying so with the file MARK: a Stop lands there.
PAUSE_IN_PUBLISH = """
import importlib.abc, importlib.util, os, signal, sys
MARK = {mark!r}

class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "deliberation.storage.store":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            real, calls = module.Store.add_statement, []

            def add(self, *a, **k):
                calls.append(1)
                if len(calls) == 3:
                    open(MARK, "w").close()
                    os.kill(os.getpid(), signal.SIGSTOP)
                return real(self, *a, **k)
            module.Store.add_statement = add
        spec.loader.exec_module = exec_module
        return spec

if os.environ.get("DELIBERATION_RUN_LOCK_FD"):
    sys.meta_path.insert(0, Hook())
"""


def _run_hook(tmp_path, monkeypatch, code: str) -> None:
    """``code`` as the ``sitecustomize`` of the console runs this test launches (on their PYTHONPATH)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(code, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook), str(REPO)]))


def test_a_console_run_that_fails_at_start_shows_its_exit_and_output(sample, tmp_path, monkeypatch):
    """A run process that fails before its first step (here on import): its exit and its output (its
    standard error goes to the run log) are said, by the console's words and by ``status``; it was
    said to be killed, without its output."""
    from graphs import runner_process

    settings, cid = Settings(data_dir=sample.data_dir), sample.cid
    _run_hook(tmp_path, monkeypatch, BROKEN_RUN)
    pid = runner_process.launch_start(settings, cid)
    done = _wait(lambda: runner_process.progress(settings, cid, pid), "the broken run's exit is in its log",
                 ready=lambda p: p.exit is not None)
    assert done.exit == 1 and done.steps == [], done
    assert "ModuleNotFoundError: No module named 'langgraph.types'" in done.last_output, done
    last = runs.last_run(settings, cid)
    assert last.died and last.pid == pid
    exited = "ended with its process before it finished: it exited with status 1, in its first step"
    assert exited in runner_process.ended_words(last, done)
    status = _said(run_cli(sample.data_dir, "status", str(cid)))
    assert exited in status, status
    assert "Its last output" in status and "No module named 'langgraph.types'" in status, status

    # launched by a process that ends at once (as an app restarted since): its exit is not known, and
    # it is said how far it got, with its output
    code = ("from pathlib import Path\nfrom deliberation.config import Settings\nfrom graphs import runner_process\n"
            f"print(runner_process.launch_start(Settings(data_dir=Path({str(sample.data_dir)!r})), {cid}))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=600,
                         env={**CLI_ENV, "PYTHONPATH": os.environ["PYTHONPATH"]})
    pid = int(res.stdout.split()[-1])
    _wait(lambda: runs.in_progress(settings, cid) is None, "the broken run ends")
    done = runner_process.progress(settings, cid, pid)
    assert (done.exit, done.started) == (None, False) and "langgraph.types" in done.last_output, done
    status = _said(run_cli(sample.data_dir, "status", str(cid)))
    assert f"pid {pid}, at " in status and "ended with its process before it started" in status, status
    assert "No module named 'langgraph.types'" in status, status


def test_the_moderator_stops_a_console_run(sample, tmp_path, monkeypatch):
    """The console's Stop (runner_process.stop) on the process publishing the reviewed drafts, after
    it stored two of them: its process group ends, the lock is dropped, the run is recorded as
    stopped by the moderator in that step (``status`` says so), and nothing is half-written: the
    retry publishes every draft once."""
    from graphs import runner, runner_process

    data, settings, cid = sample.data_dir, Settings(data_dir=sample.data_dir), sample.cid
    runner.start(settings, cid)  # drafts wait for review
    mark = tmp_path / "publishing"
    _run_hook(tmp_path, monkeypatch, PAUSE_IN_PUBLISH.format(mark=str(mark)))
    pid = runner_process.launch_resume(settings, cid, {"reviewer": "m", "approve_all": True})
    _wait(mark.exists, "the run's process is in its publish step")
    last = runner_process.stop(settings, cid, pid)
    assert runs.in_progress(settings, cid) is None
    assert (last.pid, last.outcome, last.stopped_by, last.stopped_in) == (pid, "stopped", "the moderator",
                                                                          "publishing approved drafts")
    _wait(lambda: runner_process.progress(settings, cid, pid), "its launcher collected it",
          ready=lambda p: p.exit is not None)
    with pytest.raises(ProcessLookupError):  # its whole process group is gone
        os.killpg(pid, 0)
    status = _said(run_cli(data, "status", str(cid)))
    assert re.search(r"was stopped by the moderator at \d\d:\d\d:\d\d UTC while publishing approved drafts",
                     status), status
    assert f"continue with: deliberation resume {cid}" in status
    assert "Voting is open on" in run_cli(data, "resume", str(cid)).stdout
    published = [p["statement_id"] for p in runner.published_now(runner.status(settings, cid).values)]
    drafts = [s.external_id for s in Store(settings).statements(cid) if s.is_draft]
    assert sorted(drafts) == sorted(published) and len(set(published)) == len(published) > 2
    again = runner_process.stop(settings, cid, pid)  # pressed on a page drawn before: nothing to stop
    assert again.pid != pid and again.outcome == "returned"


def test_a_run_process_exit_is_logged_once(tmp_path):
    """A room of six's run log had each exit twice ({"exited": PID, "code": 0}): the run's process
    says its own exit as it ends, and the launcher wrote it again once it reaped the process. The
    launcher writes it only for a process that could not say it (killed)."""
    from graphs import runner_process

    log = tmp_path / "consultation-1.log"
    says = "import json, os; print(json.dumps({'exited': os.getpid(), 'code': 0}), flush=True)"
    for code, killed in ((says, False), ("import time; time.sleep(60)", True)):
        with open(log, "a") as out:
            proc = subprocess.Popen([sys.executable, "-c", code], stdout=out)
        if killed:
            proc.kill()
        runner_process._wait_and_log(proc, log)
        exits = [line for line in log.read_text().splitlines() if f'"exited": {proc.pid},' in line]
        assert exits == [f'{{"exited": {proc.pid}, "code": {-9 if killed else 0}}}'], log.read_text()
