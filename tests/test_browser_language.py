"""An English browser in a German room, in chromium (``locale="en-US"``). Found running a room by
hand: a participant whose phone speaks English read the German room's page in German, every button
included, until they found the menu called "Sprache". The room's language stays the default of
every page (the moderator speaks it to the room and names its buttons), the same on the participant
page, the board and the console; each of them now offers the browser's language with one click, in
the browser's own words ("Read this page in English"; ui.i18n.language_offer), and a browser that
speaks the room's language sees no offer. Real Streamlit server, Debian's chromium, real SQLite."""

from __future__ import annotations

import pytest

from deliberation.config import Settings
from deliberation.storage import Store
from ui.i18n import ROOM_LANGUAGE_SETTING

pytest.importorskip("streamlit")
from ui_helpers import browser_skip_reason, chromium_page, idle, new_page, server_starting  # noqa: E402

pytestmark = pytest.mark.skipif(browser_skip_reason() is not None, reason=browser_skip_reason() or "")

OFFER = "Read this page in English"


def _title(page) -> str:
    return page.locator("[data-testid='stMain'] h1").first.inner_text()


def _offered(page, title_before: str, title_after: str) -> None:
    """The page speaks the room's German (``title_before``), offers English, and speaks English
    (``title_after``) once the offer is clicked, keeping the choice in its address."""
    idle(page)
    assert _title(page) == title_before
    page.get_by_role("button", name=OFFER, exact=True).click()
    page.get_by_role("heading", name=title_after, exact=True).wait_for()
    idle(page)
    assert "lang=en" in page.url
    assert page.get_by_role("button", name=OFFER, exact=True).count() == 0


def test_an_english_browser_is_offered_english_on_every_page_of_a_german_room(tmp_path):
    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings)
    c, _ = store.create_consultation("Wie soll der Marktplatz künftig genutzt werden?", secret="browser-language-1")
    store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: "de"})
    store.add_statement(c.id, "xid:author0", "Der Marktplatz braucht mehr Bänke und Schatten.")
    with server_starting(settings.data_dir, tmp_path / "logs") as starting:
        with chromium_page(1000, 1400, timeout=120_000, locale="en-US", idle_hook=True) as (browser, page):
            server = starting()
            page.goto(f"{server.url}/participate?code={c.code}")
            _offered(page, "Mitmachen", "Take part")
            page.get_by_role("button", name="Join", exact=True).click()  # joins in English
            page.get_by_text("Welcome!").wait_for()

            page.goto(f"{server.url}/board?code={c.code}")
            _offered(page, "Live-Tafel", "Live board")

            page.goto(f"{server.url}/moderator?code={c.code}")
            _offered(page, "Moderationskonsole", "Moderator console")

            # a German browser reads the German room without an offer
            german = new_page(browser, 1000, 1400, 120_000, "de-DE")
            pages = (("participate", "Mitmachen"), ("board", "Live-Tafel"), ("moderator", "Moderationskonsole"))
            for path, title in pages:
                german.goto(f"{server.url}/{path}?code={c.code}")
                idle(german)
                assert _title(german) == title
                assert german.get_by_role("button", name=OFFER).count() == 0
                assert german.get_by_text("Diese Seite auf Deutsch lesen").count() == 0
