"""The moderator console says what a room whose question is in a language the app's pages do not speak
gets. Found running the vTaiwan room by hand: a Taipei moderator created "台北市應該如何管理 UberX 這類自用車載客服務？"
and the console said nothing of the language, while for a Spanish question it says the pages speak
Spanish; the participant page, the board and the report then came up in English unannounced. Since the pages speak
Traditional Chinese a Chinese question makes a Chinese room (tests/test_room_chinese_pages.py); a question in a
language they do not speak, Japanese, still makes an English room, and the console says so."""

from __future__ import annotations

import pytest
from ui_helpers import browser_skip_reason, idle, launch_chromium, start_server

from ui.i18n import Words
from ui.room_language import said_at_creation

#: a question in a language the app's pages do not speak (the room run by hand asked it in Chinese)
QUESTION = "東京都はライドシェアをどのように規制すべきですか？"


def test_a_japanese_question_is_said_to_make_an_english_room(tmp_path):
    reason = browser_skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    w = Words("en")
    server = start_server(tmp_path / "data", tmp_path / "logs")
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw, idle_hook=True)
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
                page.set_default_timeout(120_000)
                page.goto(f"{server.url}/moderator")
                idle(page)
                page.get_by_role("tab", name=w("console.create_tab")).click()
                page.get_by_label(w("console.question")).fill(QUESTION)
                page.get_by_role("button", name=w("console.create")).click()
                page.get_by_text(w("console.created", code="@").split(". ")[0]).first.wait_for()  # "Consultation created"
                idle(page)
                said = said_at_creation(None, w, "ja")
                assert "Japanese" in said and "English" in said
                assert said in page.locator("[data-testid=stMain]").inner_text()
            finally:
                browser.close()
    finally:
        server.stop()
