"""A room in German, in a real browser: the moderator sets the room's language in the console; a
participant joins, votes and writes a statement and reads the page in German (no English words of
the page left); the projector speaks German too; the participant switches their own page to French.
Real Streamlit server, Debian's chromium, real SQLite on disk."""

from __future__ import annotations

import re

import pytest

from deliberation.config import Settings
from deliberation.storage import Store
from ui.i18n import ROOM_LANGUAGE_SETTING

pytest.importorskip("streamlit")
from ui_helpers import browser_skip_reason, chromium_page, idle, server_starting, sign_in  # noqa: E402

pytestmark = pytest.mark.skipif(browser_skip_reason() is not None, reason=browser_skip_reason() or "")

SECRET = "german-room-secret"
STATEMENTS = ["Der Marktplatz braucht mehr Bänke und Schatten.",
              "Autos sollten am Samstag nicht auf den Marktplatz fahren."]
#: words of the English page that must not be left on the German one
ENGLISH = ["Agree", "Disagree", "Vote stored", "Add a statement", "My votes", "Your personal link",
           "You have voted", "Submit statement", "Thank you", "Leave this consultation", "Consultation "]


def _main_text(page) -> str:
    """What the page's main area says (the sidebar names the moderator console in English)."""
    return page.locator("[data-testid='stMain']").inner_text()


def test_a_german_room_speaks_german_to_its_participants(tmp_path):
    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings)
    c, _ = store.create_consultation("Wie soll der Marktplatz künftig genutzt werden?", secret=SECRET)
    for i, text in enumerate(STATEMENTS):
        store.add_statement(c.id, f"xid:author{i}", text)
    with server_starting(settings.data_dir, tmp_path / "logs") as starting:
        with chromium_page(1000, 1400, timeout=120_000, idle_hook=True) as (browser, page):  # while Streamlit starts
            server = starting()
            sign_in(page, server.url, c.code, SECRET)
            idle(page)  # the console drawn whole: a menu opened while it is redrawn loses its pick
            menu = page.get_by_role("combobox", name="Language of the participant page and the board")
            menu.click()
            page.get_by_role("option", name="Deutsch").click()
            page.get_by_text("now see the app's words in German").wait_for()  # named in the console's words
            assert Store(settings).get_consultation(c.id).settings[ROOM_LANGUAGE_SETTING] == "de"

            page.goto(f"{server.url}/participate?code={c.code}")
            idle(page)
            page.get_by_role("button", name="Teilnehmen", exact=True).click()
            page.get_by_text("Willkommen!").wait_for()
            idle(page)
            page.get_by_text("Sie haben über 0 von 2 Aussagen abgestimmt.").wait_for()
            page.get_by_role("button", name="Stimme zu", exact=True).click()
            page.get_by_text(re.compile(r"Stimme gespeichert: Zustimmung \(Aussage \d\)\.")).wait_for()
            idle(page)  # the next statement's buttons drawn (a press on the old ones would change that vote)
            page.get_by_text("Sie haben über 1 von 2 Aussagen abgestimmt.").wait_for()
            page.get_by_role("button", name="Stimme nicht zu", exact=True).click()
            page.get_by_text(re.compile(r"Stimme gespeichert: Ablehnung")).wait_for()
            idle(page)
            page.get_by_text("Sie haben über alle Aussagen abgestimmt. Vielen Dank!").wait_for()

            page.get_by_role("tab", name="Aussage schreiben").click()
            page.get_by_label("Ihre Aussage").fill("Ein Wochenmarkt am Mittwoch wäre schön.")
            page.get_by_role("button", name="Aussage absenden").click()
            page.get_by_text(re.compile(r"Danke: Aussage \d wurde aufgenommen\.")).wait_for()
            idle(page)
            page.get_by_text("Ihre Aussagen").wait_for()
            text = _main_text(page)
            page.get_by_role("tab", name="Meine Stimmen").click()
            page.get_by_text("Ihre jetzigen Stimmen.").wait_for()
            idle(page)
            text += _main_text(page)
            assert "Live-Tafel" in page.locator("[data-testid='stSidebar']").inner_text()  # the pages' names
            for word in ["Beteiligung verlassen", "Ihr persönlicher Link", "Wo Sie stehen"]:
                assert word in text, word
            left = [w for w in ENGLISH if w in text]
            assert not left, f"English words on the German page: {left}"

            # the participant's own language, for this browser session
            idle(page)
            page.get_by_role("combobox", name="Sprache").click()
            page.get_by_role("option", name="Français").click()
            page.get_by_role("tab", name="Mes votes").wait_for()
            page.get_by_role("button", name="Quitter cette consultation").wait_for()

            page.goto(f"{server.url}/board?code={c.code}&view=projector")
            page.get_by_text("Mitmachen mit dem Handy:").wait_for()
            idle(page)
            board = _main_text(page)
            assert "Meinungskarte" in board and "Teilnehmende" in board, board
            assert "Opinion map" not in board and "Participants" not in board, board
