"""A room that speaks two languages, in a real browser (Debian's chromium driven by Playwright
against ``streamlit run``), with the CLI and the app on one data folder:

1. the moderator imports an English and German room with the CLI (``import-statements`` with its
   votes): the consultation's embedding model is chosen as "auto" decides, the multilingual one;
2. a participant on a phone page writes a statement in French; "Check for similar statements"
   finds the English statement that says the same, and the participant votes on it from there
   instead; a German statement they add is stored as theirs;
3. the moderator runs the facilitation graph from the console, approves the drafts, opens and
   closes voting, and the report page names the multilingual model the topics were found with.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pytest

from ui_helpers import REPO, idle, launch_chromium, start_server

pytestmark = pytest.mark.slow

from room_steps import (WAIT, approve_all, close_voting, expect, join, open_console, open_voting, report_page,
                        sync_playwright, wait_for_review)

SECRET = "bilingual-room-moderator-secret"
QUESTION = "How should the riverside path be used? / Wie soll der Uferweg genutzt werden?"
STATEMENTS = {
    "1": "Cyclists should have their own lane on the riverside path.",
    "2": "The riverside path needs more benches for older people.",
    "3": "Dogs must be kept on a lead along the river.",
    "4": "The path should be lit at night so that people feel safe.",
    "5": "Radfahrer sollten auf dem Uferweg nur Schritttempo fahren.",
    "6": "Am Fluss sollte es einen Spielplatz für Kinder geben.",
    "7": "Der Uferweg sollte für Autos gesperrt bleiben.",
    "8": "Die Stadt sollte am Ufer mehr Mülleimer aufstellen.",
}
#: two camps of three: cyclists (own lane, no walking pace) and walkers (the other way round);
#: both agree on the rest
CAMPS = {"cyclists": {"1": 1, "5": -1}, "walkers": {"1": -1, "5": 1}}
#: French for statement 2
FRENCH = "Il faut plus de bancs pour les personnes âgées le long du chemin au bord de la rivière."
GERMAN = "Am Uferweg fehlen Trinkbrunnen für heiße Tage."


def _write_room(folder) -> tuple:
    statements, votes = folder / "statements.csv", folder / "votes.csv"
    with statements.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        w.writerows(STATEMENTS.items())
    with votes.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["participant", "statement", "vote"])
        for camp, own in CAMPS.items():
            for k in range(3):
                w.writerows((f"{camp}-{k}", sid, own.get(sid, 1)) for sid in STATEMENTS)
    return statements, votes


def test_a_room_in_two_languages(tmp_path):
    from deliberation.config import Settings
    from deliberation.storage import Store

    data = tmp_path / "data"
    statements, votes = _write_room(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "deliberation.cli", "--data-dir", str(data), "import-statements", str(statements),
         "--votes", str(votes), "--question", QUESTION, "--secret", SECRET],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    store = Store(Settings(data_dir=data))
    [c] = store.list_consultations()
    assert c.settings.get("embedding_model") == "use-multilingual-v3"

    srv = start_server(data, tmp_path / "log")
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                _participant(browser, srv.url, c.code)
                _moderator(browser, srv.url, c.code)
            finally:
                browser.close()
    finally:
        srv.stop()
    mine = [s for s in store.statements(c.id) if s.text == GERMAN]
    assert len(mine) == 1 and mine[0].author
    assert store.current_votes(c.id).query("statement == '2'")["vote"].astype(int).tolist().count(1) == 7


def _participant(browser, url: str, code: str) -> None:
    page = join(browser, url, code)
    page.get_by_role("tab", name="Add a statement").click()
    idle(page)
    box = page.get_by_label("Your statement")
    box.fill(FRENCH)
    box.press("Control+Enter")  # commit the text before pressing the button
    idle(page)
    page.get_by_role("button", name="Check for similar statements").click()
    # the English statement that says the same is offered first, to vote on instead
    expect(page.get_by_text("Similar statements already exist")).to_be_visible()
    first = page.get_by_text(re.compile(r"^Statement \d+ · \d+% similar")).first
    expect(first).to_have_text(re.compile(r"^Statement 2 · \d+% similar"))
    expect(page.get_by_text(STATEMENTS["2"])).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Agree$")).first.click()
    expect(page.get_by_text("Vote stored: agree (statement 2).")).to_be_visible()
    idle(page)
    box = page.get_by_label("Your statement")
    box.fill(GERMAN)
    box.press("Control+Enter")
    idle(page)
    page.get_by_role("button", name="Submit statement").click()
    expect(page.get_by_text(re.compile(r"^Thank you: statement \d+ was added"))).to_be_visible()


def _moderator(browser, url: str, code: str) -> None:
    mod = open_console(browser, url, code, SECRET)
    mod.get_by_role("button", name="Run the facilitation graph").click()
    wait_for_review(mod)
    approve_all(mod)
    open_voting(mod)
    idle(mod)
    close_voting(mod)
    rep = report_page(browser, url, code)
    expect(rep.get_by_text(re.compile(r"Topics found with the embedding model use-multilingual-v3"))).to_be_visible()
