"""A Polis export "from the wild" imported by the real CLI, then moderated in the console in a real browser
(Debian's chromium, Playwright, `streamlit run`): a comment Polis moderated out whose body was empty is kept
as moderated out under a placeholder text. The console offered "Restore" on it as on any moderated-out
comment, and a click published the placeholder ("[no usable text in the Polis export; …]") for every
participant to vote on. Now it has no Restore button, and a restore reaching the store (a console drawn
before) is refused in words; the other moderated-out comment is restored as before."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from test_statement_has_text import SECRET, wild_export
from ui_helpers import BROWSER_LOCALE, LONG_MS, REPO, browser_skip_reason, idle, launch_chromium, server_starting, \
    sign_in

pytestmark = pytest.mark.slow

pytest.importorskip("streamlit")
if browser_skip_reason():
    pytest.skip(browser_skip_reason(), allow_module_level=True)
from playwright.sync_api import expect, sync_playwright  # noqa: E402

def test_a_polis_comment_without_text_cannot_be_restored(tmp_path):
    from deliberation.config import Settings
    from deliberation.errors import InputError
    from deliberation.models import UNUSABLE_TEXT
    from deliberation.models import ModerationStatus
    from deliberation.services import set_moderation
    from deliberation.storage import Store

    expect.set_options(timeout=60_000)  # a loaded 2-core machine
    data, export = tmp_path / "data", tmp_path / "export"
    wild_export(export)
    env = {**os.environ, "PYTHONPATH": str(REPO), "DELIBERATION_DATA": str(data)}
    cli = subprocess.run([sys.executable, "-m", "graphs.cli", "import-polis", str(export), "--secret", SECRET,
                          "--no-embed"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "1 comment that Polis moderated out had an empty or unusable body (comment-id 2)" in cli.stdout
    settings = Settings(data_dir=data)
    store = Store(settings)
    c = store.list_consultations()[0]
    with server_starting(data, tmp_path / "log") as server, sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook=True)
        try:
            mod = browser.new_context(viewport={"width": 1280, "height": 900}, locale=BROWSER_LOCALE).new_page()
            mod.set_default_timeout(60_000)
            sign_in(mod, server().url, c.code, SECRET)
            idle(mod, LONG_MS)
            mod.get_by_role("tab", name="Moderation queue", exact=True).click()
            idle(mod, LONG_MS)
            mod.get_by_text("Moderated out (2)").click()
            expect(mod.get_by_text(UNUSABLE_TEXT)).to_be_visible()
            expect(mod.get_by_text("its body was empty or unusable")).to_be_visible()
            expect(mod.get_by_role("button", name="Restore")).to_have_count(1)  # the comment with its words
            mod.get_by_role("button", name="Restore").click()
            idle(mod, LONG_MS)
            expect(mod.get_by_text("Moderated out (1)")).to_be_visible()
        finally:
            browser.close()
    shown = {s.external_id: s.moderation for s in store.statements(c.id)}
    assert shown == {"0": ModerationStatus.ACCEPTED, "1": ModerationStatus.ACCEPTED, "2": ModerationStatus.REJECTED}
    with pytest.raises(InputError, match="statement '2' cannot be shown to participants"):
        set_moderation(settings, c.id, "2", ModerationStatus.ACCEPTED, "restored")
    assert {s.external_id: s.moderation for s in store.statements(c.id)}["2"] is ModerationStatus.REJECTED
