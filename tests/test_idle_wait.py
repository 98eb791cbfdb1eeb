""":func:`ui_helpers.idle` on a page with the idle hook waits for the run a click asks for, even when the page
sends its request late. Streamlit sends a widget's rerun request from a ``setTimeout(0)`` after the click:
``idle`` looked before it, saw the previous run as ended and returned, and a test that counted or read
right after it raced the request (CI counted 14 rerun requests for 15 review clicks). Here the page's
requests are held back on purpose until half of :data:`ui_helpers.INPUT_GRACE_MS` after the user's last
input, by its own timer: before the fix ``idle`` returned before the request left and the page did not show
the run's answer yet."""

from __future__ import annotations

import pytest

from ui_helpers import (BROWSER_LOCALE, INPUT_GRACE_MS, browser_skip_reason, idle, launch_chromium,
                        start_server)

pytestmark = pytest.mark.slow
pytest.importorskip("streamlit")
if browser_skip_reason():
    pytest.skip(browser_skip_reason(), allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

expect.set_options(timeout=120_000)  # a page drawn by a loaded server takes more than playwright's 5 s

#: ms after the user's last input (a click, a key) until which the page holds each message to the server (a
#: loaded page's late request); below the grace, so the request still answers the click
HELD_MS = INPUT_GRACE_MS // 2
#: Added after the idle hook: the page's websocket sends each message once HELD_MS have passed since the
#: user's last input (seen in the capture phase right after the hook, which sets the grace's timer then), at
#: once if they have (the hook, underneath, sees it when it leaves). Counted from the input, not from the
#: app's send: the held send's timer is then due before the grace's, wherever a loaded page's flush falls
#: (held from the send, a flush later than HELD_MS after the click sent it after the grace had begun its
#: idle wait: idle returned early and the test failed, not the helper)
HOLD_JS = f"""
(() => {{
  if (window.top !== window) return;
  let input = performance.now();
  const touched = e => {{ if (e.isTrusted) input = performance.now(); }};
  for (const type of ['click', 'keydown', 'input', 'change']) window.addEventListener(type, touched, true);
  const Hooked = window.WebSocket;
  window.WebSocket = class extends Hooked {{
    send(data) {{ setTimeout(() => super.send(data), Math.max(0, input + {HELD_MS} - performance.now())); }}
  }};
}})();
"""
ASKED_JS = "() => window.__stIdle.asked"


def test_idle_waits_for_the_request_a_click_sends_late_and_not_forever_for_one_that_sends_none(tmp_path):
    from ui.i18n import Words

    server = start_server(tmp_path / "data", tmp_path / "logs")
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw, idle_hook=True)
            try:
                context = browser.new_context(viewport={"width": 1000, "height": 800}, locale=BROWSER_LOCALE)
                context.add_init_script(script=HOLD_JS)
                page = context.new_page()
                page.set_default_timeout(120_000)
                page.goto(f"{server.url}/participate")
                expect(page.get_by_role("button", name="Join", exact=True)).to_be_visible()
                idle(page)
                unknown = page.get_by_text(Words("en")("join.unknown_code"), exact=True)
                assert unknown.count() == 0
                page.get_by_label("Consultation code", exact=True).fill("NOSUCH42")  # a key typed asks for no run
                asked = page.evaluate(ASKED_JS)
                page.get_by_role("button", name="Join", exact=True).click()
                idle(page)
                # read at once, no waiting: idle returned after the click's run, not before its request
                assert page.evaluate(ASKED_JS) > asked, "idle returned before the page asked for the click's run"
                assert unknown.count() == 1, "idle returned before the page showed the click's run"
                # a click on plain text asks for nothing: idle returns once the grace is over
                asked = page.evaluate(ASKED_JS)
                page.get_by_role("heading").first.click()
                idle(page)
                assert page.evaluate(ASKED_JS) == asked
                assert page.evaluate("() => window.__stIdle.quiet >= window.__stIdle.input")
            finally:
                browser.close()
    finally:
        server.stop()
