"""The moderator console's seed form in a real browser (Debian's chromium, Playwright, `streamlit run`):
a list with a bad line is refused naming the line, keeps the typed text and stores nothing; a good list
is stored as the moderator's seeds, and a participant joining by code is asked to vote on one."""

from __future__ import annotations

import pytest

from ui_helpers import BROWSER_LOCALE, LONG_MS, browser_skip_reason, idle, launch_chromium, server_starting, sign_in

pytestmark = pytest.mark.slow

pytest.importorskip("streamlit")
if browser_skip_reason():
    pytest.skip(browser_skip_reason(), allow_module_level=True)
from playwright.sync_api import expect, sync_playwright  # noqa: E402

expect.set_options(timeout=60_000)

SECRET = "seed-form-secret-1"
SEEDS = ["Harbour Road should keep one lane for buses at all hours.",
         "The market should move onto Harbour Road on Saturdays."]
#: a line a seed may not carry: personal data (the moderator's e-mail address)
BAD = "Write to the moderator at jo.bloggs@example.com with your ideas."


def test_seed_statements_typed_in_the_console_reach_participants(tmp_path):
    from deliberation.config import Settings
    from deliberation.models import StatementOrigin
    from deliberation.storage import Store

    data = tmp_path / "data"
    store = Store(Settings(data_dir=data).ensure())
    c, _ = store.create_consultation("What should Harbour Road become?", secret=SECRET)
    with server_starting(data, tmp_path / "log") as server, sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook=True)  # while Streamlit starts
        try:
            mod = browser.new_context(viewport={"width": 1280, "height": 900}, locale=BROWSER_LOCALE).new_page()
            mod.set_default_timeout(60_000)
            srv = server()
            sign_in(mod, srv.url, c.code, SECRET)
            idle(mod, LONG_MS)
            box = mod.get_by_label("Seed statements, one per line")
            box.fill("\n".join([SEEDS[0], BAD, SEEDS[1]]))
            mod.get_by_role("button", name="Add seed statements").click()
            idle(mod, LONG_MS)
            expect(mod.get_by_text("Nothing was stored. Change these lines")).to_be_visible()
            expect(mod.get_by_text("line 2: contains personal data (e-mail address)")).to_be_visible()
            assert store.statements(c.id) == []
            assert box.input_value() == "\n".join([SEEDS[0], BAD, SEEDS[1]])  # kept for the moderator to fix

            box.fill("\n".join([SEEDS[0], "", SEEDS[1]]))
            mod.get_by_role("button", name="Add seed statements").click()
            idle(mod, LONG_MS)
            expect(mod.get_by_text("Added 2 seed statements")).to_be_visible(timeout=LONG_MS)
            stored = store.statements(c.id)
            assert [(s.text, s.origin, s.author, s.is_public) for s in stored] == [
                (SEEDS[0], StatementOrigin.SEED, None, True), (SEEDS[1], StatementOrigin.SEED, None, True)]
            assert box.input_value() == ""

            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                        locale=BROWSER_LOCALE).new_page()
            phone.set_default_timeout(60_000)
            phone.goto(f"{srv.url}/participate")
            phone.get_by_label("Consultation code").fill(c.code)
            phone.get_by_role("button", name="Join", exact=True).click()
            idle(phone, LONG_MS)
            expect(phone.get_by_text("Welcome!")).to_be_visible()
            expect(phone.get_by_text(SEEDS[0]).or_(phone.get_by_text(SEEDS[1])).first).to_be_visible()
        finally:
            browser.close()
