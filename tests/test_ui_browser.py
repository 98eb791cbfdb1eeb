"""End to end in a real browser: Debian's chromium driven by Playwright against `streamlit run`.

The moderator creates a consultation, imports the sample corpus by path, runs the facilitation
graph, approves the drafts and opens voting; two participants in separate browser contexts (phone
size) join by code and vote on the published drafts, one changes a vote; the live board and the
report show exactly those votes, checked against the database. Screenshots of every page go to
artifacts/screenshots/. The console's sign-in page speaks the browser's language where no room's applies.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui_helpers import LONG_MS as LONG
from ui_helpers import (BROWSER_LOCALE, REPO, SAMPLE, browser_skip_reason, idle, idle_all, launch_chromium, new_page,
                        sign_in, start_server)

SHOTS = REPO / "artifacts" / "screenshots"
#: ms: how long a page is left to lay out (charts draw after the first layout) before its height is
#: measured for a screenshot, and again after each growth (pictures only: nothing is asserted on them)
SHOT_SETTLE_MS = 400

pytestmark = pytest.mark.slow

pytest.importorskip("streamlit")
if browser_skip_reason():
    pytest.skip(browser_skip_reason(), allow_module_level=True)
from playwright.sync_api import expect, sync_playwright  # noqa: E402

# a page drawn by a loaded server takes more than playwright's 5 s (the room tests' room_steps sets
# the same for the whole process; run alone, this file had the default and failed at its first look)
expect.set_options(timeout=60_000)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("ui-browser")
    srv = start_server(base / "data", base / "log")
    try:
        yield srv.url, srv.data_dir
    finally:
        srv.stop()


def _idle(page, timeout=LONG) -> None:
    """Wait until Streamlit has finished running the script (the running indicator is gone)."""
    idle(page, timeout)


def _shot(page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main area, so the viewport is
    made as tall as the content for the picture."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    js = ("() => Math.max(document.body.scrollHeight, ...[...document.querySelectorAll("
          "'[data-testid=\"stMain\"], [data-testid=\"stAppViewContainer\"], section')].map(e => e.scrollHeight))")
    height = size["height"]
    for _ in range(6):  # grow until the content fits (charts render after the first layout)
        page.wait_for_timeout(SHOT_SETTLE_MS)
        want = min(max(int(page.evaluate(js)), size["height"]), 12000)
        if want <= height:
            break
        height = want
        page.set_viewport_size({"width": size["width"], "height": height})
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def _click(page, name: str, role: str = "button", exact: bool = True) -> None:
    page.get_by_role(role, name=name, exact=exact).first.click()
    _idle(page)


def _shown_draft(page) -> str:
    """The id of the draft a participant's page shows for voting."""
    cap = page.get_by_text(re.compile(r"^Draft \d+ · based on statements?")).first
    expect(cap).to_be_visible()
    return re.match(r"Draft (\d+)", cap.inner_text()).group(1)


def _vote_together(*presses) -> dict[str, str]:
    """Press vote buttons in several sessions without waiting in between, then wait for every
    acknowledgement naming the statement that was on screen. Returns page name -> statement id."""
    shown = [_shown_draft(page) for page, _ in presses]
    for page, button in presses:
        page.get_by_role("button", name=re.compile(r"(^|\s)" + button.replace("/", "\\/") + "$")).first.click()
    for (page, button), sid in zip(presses, shown):
        word = button.split()[0].lower()
        expect(page.get_by_text(f"Vote stored: {word} (Draft {sid}).")).to_be_visible(timeout=30_000)  # as its ballot names it
    idle_all([page for page, _ in presses], LONG)
    return shown


def test_moderator_participants_board_report(server):
    url, data = server
    from deliberation.config import Settings
    from deliberation.storage import Store

    with sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook=True)
        try:
            _run(browser, url, data)
        finally:
            browser.close()
    # the database holds exactly the acknowledged votes (checked inside _run too)
    store = Store(Settings(data_dir=data))
    assert store.counts(1)["participants"] == 102


def _run(browser, url: str, data: Path) -> None:
    from deliberation.config import Settings
    from deliberation.storage import Store

    store = Store(Settings(data_dir=data))
    mod = browser.new_context(viewport={"width": 1280, "height": 900}, locale=BROWSER_LOCALE).new_page()
    mod.set_default_timeout(60_000)

    mod.goto(url)
    expect(mod.get_by_text("Moderator console").first).to_be_visible()
    _shot(mod, "00-start")

    # --- the moderator creates a consultation --------------------------------------------------
    mod.goto(f"{url}/moderator")
    expect(mod.get_by_text("Open a consultation with its moderator secret")).to_be_visible()
    _shot(mod, "01-moderator-sign-in")
    mod.get_by_role("tab", name="Create a consultation").click()
    mod.get_by_label("Question put to participants").fill(
        "Harbour Road is being rebuilt in 2027: should it become car-free?")
    _click(mod, "Create consultation")
    expect(mod.get_by_text("Consultation created.")).to_be_visible()
    code = store.list_consultations()[-1].code
    cid = store.list_consultations()[-1].id
    expect(mod.get_by_text(code).first).to_be_visible()

    # a wrong secret is refused (another browser)
    intruder = browser.new_context(viewport={"width": 1280, "height": 900}, locale=BROWSER_LOCALE).new_page()
    sign_in(intruder, url, code, "not-the-secret")  # the form's Open: the language menu has one too (ac956f0)
    _idle(intruder)
    expect(intruder.get_by_text("the moderator secret is wrong")).to_be_visible()
    expect(intruder.get_by_role("tab", name="Import")).to_have_count(0)
    _shot(intruder, "01-moderator-wrong-secret")
    intruder.context.close()

    # --- imports the sample corpus by path ---------------------------------------------------
    mod.get_by_role("tab", name="Import").click()
    mod.get_by_text("Polis export", exact=True).click()
    _idle(mod)
    box = mod.get_by_label("Folder of the Polis export")
    box.fill(str(SAMPLE))
    box.press("Enter")
    _idle(mod)
    _click(mod, "Preview")
    expect(mod.get_by_text("Preview of")).to_be_visible(timeout=LONG)
    _shot(mod, "02-moderator-import-preview")
    _click(mod, "Import into this consultation")
    expect(mod.get_by_text("Imported 210 statements")).to_be_visible(timeout=LONG)

    # --- moderation queue ----------------------------------------------------------------------
    mod.get_by_role("tab", name=re.compile(r"Moderation queue")).click()
    _idle(mod)
    _shot(mod, "03-moderator-queue")

    # --- runs the graph and approves the drafts ----------------------------------------------
    mod.get_by_role("tab", name="Facilitation").click()
    _click(mod, "Run the facilitation graph")
    expect(mod.get_by_text(re.compile(r"^Review \d+ drafts$"))).to_be_visible(timeout=LONG)
    _shot(mod, "04-moderator-review")
    _click(mod, "Approve all drafts")
    expect(mod.get_by_text("drafts are published")).to_be_visible(timeout=LONG)
    _idle(mod)  # the console moves to the Voting tab by itself after publishing: let that run end first

    # --- opens voting --------------------------------------------------------------------------
    mod.get_by_role("tab", name="Voting").click()
    _idle(mod)
    _click(mod, "Open voting")
    expect(mod.get_by_text("Voting is open")).to_be_visible()
    drafts = [s for s in store.statements(cid) if s.is_draft]
    assert len(drafts) >= 2
    d1, d2 = drafts[0].external_id, drafts[1].external_id

    # --- two participants join by code (side by side) and vote on the published drafts -------
    phones = []
    for name in ("a", "b"):
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale=BROWSER_LOCALE)
        p = ctx.new_page()
        p.set_default_timeout(60_000)
        p.goto(f"{url}/participate")
        p.get_by_label("Consultation code").fill(code)
        p.get_by_role("button", name="Join", exact=True).first.click()
        phones.append(p)
    idle_all(phones, LONG)
    for p in phones:
        expect(p.get_by_text("Welcome!")).to_be_visible()
    a, b = phones
    expect(a.get_by_text("Proposed statement (Common ground 1)")).to_be_visible()
    _shot(a, "05-participant-draft-vote")
    # both vote at the same moment (two sessions served side by side), twice
    assert _vote_together((a, "Agree"), (b, "Pass / unsure")) == [d1, d1]   # d1: a agree, b pass
    assert _vote_together((a, "Disagree"), (b, "Agree")) == [d2, d2]        # d2: a disagree, b agree
    # a changes the vote on d1: agree -> disagree (replaces the current vote)
    a.get_by_role("tab", name=re.compile(r"My votes")).click()
    _idle(a)
    _shot(a, "06-participant-my-votes")
    first = a.get_by_test_id("stButtonGroup").first
    first.get_by_text("Disagree", exact=True).click()
    expect(a.get_by_text(f"Vote stored: disagree (Draft {d1}).")).to_be_visible(timeout=30_000)
    _idle(a)
    # b adds a statement (with the duplicate preview first)
    b.get_by_role("tab", name="Add a statement").click()
    b.get_by_label("Your statement").fill("Please keep the bus stop by the library where it is.")
    b.get_by_label("Your statement").press("Control+Enter")
    _idle(b)
    _click(b, "Check for similar statements")
    _shot(b, "07-participant-add-statement")

    expected = {d1: {"disagree": 1, "pass": 1, "agree": 0}, d2: {"disagree": 1, "agree": 1, "pass": 0}}
    votes = store.current_votes(cid)
    on_drafts = votes[votes["statement"].isin([d1, d2])]
    ev = store.vote_events(cid)
    assert len(on_drafts) == 4 and on_drafts["participant"].nunique() == 2, ev[ev["statement"].isin([d1, d2])]
    for sid, exp in expected.items():
        v = on_drafts[on_drafts["statement"] == sid]["vote"].astype(int)
        assert {"agree": int((v == 1).sum()), "disagree": int((v == -1).sum()), "pass": int((v == 0).sum())} == exp
    events = store.vote_events(cid)
    assert len(events[events["statement"].isin([d1, d2])]) == 5  # four votes and one change

    # --- the live board shows those votes --------------------------------------------------------
    board = browser.new_context(viewport={"width": 1600, "height": 1000}, locale=BROWSER_LOCALE).new_page()
    board.goto(f"{url}/board?code={code}")
    expect(board.get_by_text(f"draft {d1} · 0 agree · 1 disagree · 1 pass")).to_be_visible(timeout=60_000)
    expect(board.get_by_text(f"draft {d2} · 1 agree · 1 disagree · 0 pass")).to_be_visible()
    _shot(board, "08-live-board")
    # a changes the vote on d2 (disagree -> agree): the board shows it without a reload
    a.get_by_test_id("stButtonGroup").nth(1).get_by_text("Agree", exact=True).click()
    expect(a.get_by_text(f"Vote stored: agree (Draft {d2}).")).to_be_visible(timeout=30_000)
    expect(board.get_by_text(f"draft {d2} · 2 agree · 0 disagree · 0 pass")).to_be_visible(timeout=30_000)
    votes = store.current_votes(cid)
    v2 = votes[votes["statement"] == d2]["vote"].astype(int)
    assert sorted(v2.tolist()) == [1, 1]
    events = store.vote_events(cid)
    assert len(events[events["statement"].isin([d1, d2])]) == 6

    # --- the moderator closes voting; the report shows the same votes ----------------------------
    mod.get_by_role("tab", name="Voting").click()
    _click(mod, "Close voting and count")
    expect(mod.get_by_text("Voting closed")).to_be_visible(timeout=LONG)
    rep = browser.new_context(viewport={"width": 1280, "height": 1000}, locale=BROWSER_LOCALE).new_page()
    rep.goto(f"{url}/report?code={code}")
    expect(rep.get_by_text(f"Vote (draft {d1}): 0 agree, 1 disagree, 1 pass"))\
        .to_be_visible(timeout=60_000)
    expect(rep.get_by_text(f"Vote (draft {d2}): 2 agree, 0 disagree, 0 pass"))\
        .to_be_visible()
    _shot(rep, "09-report")
    report_md = (data / "reports" / str(cid) / "report.md").read_text(encoding="utf-8")
    assert f"(draft {d1}): 0 agree, 1 disagree, 1 pass" in report_md


#: the console's title in each language (ui/messages' console.title)
CONSOLE_TITLES = {"en": "Moderator console", "de": "Moderationskonsole", "fr": "Console d'animation",
                  "es": "Consola de moderación", "zh": "主持人控制台"}


def test_the_console_speaks_the_browsers_language_where_no_other_applies(server):
    """Found by a German moderator: the console's sign-in page (no room yet, no ``?lang=``) was English
    whatever the browser's language. The browser's preferred language (``navigator.language``, Streamlit's
    ``st.context.locale``: ui.i18n.browser_language) is used when the app speaks it; one it does not
    speak gives English; a room's language still wins, English too for a room that stores none (an English
    question; and ``?lang=`` wins: tests/test_console_german.py)."""
    url, data = server
    from deliberation.config import Settings
    from deliberation.storage import Store
    from ui.i18n import ROOM_LANGUAGE_SETTING

    store = Store(Settings(data_dir=data))
    c, _ = store.create_consultation("¿Debería cerrarse la calle Mayor al tráfico?", secret="browser-language-1")
    store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: "es"})
    # (the browser's language, the address) -> the console's language
    english, _ = store.create_consultation("Should the library open on Sundays?", secret="browser-language-2")
    # a signed-in console's address after a reload or a server restart (no code, a new browser session):
    # its sidebar was English under a Spanish console (a hand-run room)
    token = store.create_moderator_session(c.id, "browser-language-1")
    cases = [("de-DE", "", "de"), ("fr-CA", "", "fr"), ("pt-BR", "", "en"), ("zh-TW", "", "zh"),
             ("de-DE", f"?code={c.code}", "es"),
             ("de-DE", f"?code={english.code}", "en"),  # an English room stores no language: it stays English
             ("en-US", f"?session={token}", "es")]
    said, navigation = {}, {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook=True)
        try:
            pages = {}  # the cases' pages side by side, each in a context of its own language
            for locale, address, _ in cases:
                pages[locale, address] = page = new_page(browser, 1280, 900, locale=locale)
                page.goto(f"{url}/moderator{address}")
            idle_all(list(pages.values()), LONG)
            for key, page in pages.items():
                said[key] = page.get_by_role("heading", level=1).first.inner_text()
                navigation[key] = page.get_by_test_id("stSidebarNav").inner_text()
                page.context.close()
        finally:
            browser.close()
    assert said == {(locale, address): CONSOLE_TITLES[lang] for locale, address, lang in cases}, said
    # the sidebar names the console in the console's own language
    assert all(CONSOLE_TITLES[lang] in navigation[locale, address] for locale, address, lang in cases), navigation


def test_the_tab_title_and_the_sidebar_speak_the_rooms_language(server):
    """Found in a German room: the browser's tab said "Deliberation" on every page whatever the room's
    language (ui/app.py's st.set_page_config named the app in English); it names it in the language of
    the sidebar's page names now (ui/messages' home.title: "Beteiligung", "Délibération",
    "Deliberación"), on the participant page, the board, the report and a signed-in console; an English
    room keeps "Deliberation"."""
    url, data = server
    from deliberation.config import Settings
    from deliberation.storage import Store
    from ui.i18n import ROOM_LANGUAGE_SETTING, Words

    store = Store(Settings(data_dir=data))
    rooms = {}
    for lang, question in [("de", "Was soll aus der Hafenstraße werden?"),
                           ("fr", "Que faire de la rue du Port ?"),
                           ("es", "¿Qué hacer con la calle del Puerto?"),
                           ("en", "What should happen to Harbour Road?")]:
        c, _ = store.create_consultation(question, secret=f"tab-title-{lang}-1")
        if lang != "en":
            store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: lang})
        rooms[lang] = c
    token = store.create_moderator_session(rooms["es"].id, "tab-title-es-1")
    # (the room's language, the address)
    cases = [("de", f"/participate?code={rooms['de'].code}"), ("de", f"/board?code={rooms['de'].code}"),
             ("de", f"/report?code={rooms['de'].code}"), ("fr", f"/participate?code={rooms['fr'].code}"),
             ("es", f"/moderator?session={token}"), ("en", f"/participate?code={rooms['en'].code}")]
    titles, navigation = {}, {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook=True)
        try:
            pages = {}
            for lang, address in cases:
                pages[lang, address] = page = new_page(browser, 1280, 900)
                page.goto(f"{url}{address}")
            idle_all(list(pages.values()), LONG)
            for key, page in pages.items():
                titles[key] = page.title()
                navigation[key] = page.get_by_test_id("stSidebarNav").inner_text()
                page.context.close()
        finally:
            browser.close()
    assert titles == {(lang, address): Words(lang)("home.title") for lang, address in cases}, titles
    assert titles["en", f"/participate?code={rooms['en'].code}"] == "Deliberation"
    for (lang, address), said in navigation.items():
        w = Words(lang)
        assert [w(f"nav.{k}") in said for k in ("start", "take_part", "board", "report")] == [True] * 4, \
            (lang, address, said)


def _nav_link(nav, title: str):
    """The sidebar's link to the page titled ``title`` (by its name, not its place: a page added to the
    sidebar would send a test by place elsewhere; the icon's name comes before the title)."""
    return nav.get_by_role("link", name=re.compile(rf"{re.escape(title)}$"))


def test_the_pages_the_sidebar_opens_speak_the_rooms_language_as_its_page_names_do(server):
    """Found in a German room: from a join link's page (/participate?code=…, its sidebar German), the
    sidebar opened a start page titled "Deliberation" and a board titled "Live board", their sidebars
    English ("Take part", "Live board", "Report"): the sidebar's links carry no code, and the page
    named the room only in its address. The room in the address is remembered as the one this session
    last opened (ui.common.session_consultation), and the start page and the board's title read it as
    the sidebar and the report do."""
    url, data = server
    from deliberation.config import Settings
    from deliberation.storage import Store
    from ui.i18n import ROOM_LANGUAGE_SETTING, Words

    store = Store(Settings(data_dir=data))
    c, _ = store.create_consultation("Was soll aus dem Marktplatz werden?", secret="sidebar-pages-de-1")
    store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: "de"})
    w = Words("de")
    with sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook=True)
        try:
            page = new_page(browser, 1280, 900)
            page.goto(f"{url}/participate?code={c.code}")
            _idle(page)
            nav = page.get_by_test_id("stSidebarNav")
            said = {}
            for name in ("start", "board"):
                _nav_link(nav, w(f"nav.{name}")).click()
                page.wait_for_url(re.compile(r"/(board)?(\?.*)?$"))
                _idle(page)
                said[name] = page.get_by_role("heading", level=1).first.inner_text()
                said[name, "sidebar"] = [w(f"nav.{k}") in nav.inner_text() for k in ("take_part", "board", "report")]
        finally:
            browser.close()
    assert said == {"start": w("home.title"), "board": w("board.title"), ("start", "sidebar"): [True] * 3,
                    ("board", "sidebar"): [True] * 3}, said


def test_the_console_reached_by_the_sidebar_stays_signed_in_across_a_reload(server):
    """Found while checking the sidebar's words: the console keeps its sign-in across a reload by the
    token in its address (``?session=``), but the sidebar's links carry no parameters, so a moderator
    who went to the start page and back to the console by the sidebar, then reloaded (or the server
    restarted), was back at the sign-in form. The console puts its token back into the address."""
    url, data = server
    from deliberation.config import Settings
    from deliberation.storage import Store
    from ui.i18n import Words

    c, _ = Store(Settings(data_dir=data)).create_consultation("Should the pier get a café?",
                                                              secret="sidebar-console-1")
    w = Words("en")
    with sync_playwright() as pw:
        browser = launch_chromium(pw, idle_hook=True)
        try:
            page = new_page(browser, 1280, 900)
            sign_in(page, url, c.code, "sidebar-console-1")
            expect(page.get_by_role("tab", name="Facilitation")).to_be_visible(timeout=LONG)
            nav = page.get_by_test_id("stSidebarNav")
            _nav_link(nav, w("nav.start")).click()
            _idle(page)
            _nav_link(nav, w("console.title")).click()
            expect(page.get_by_role("tab", name="Facilitation")).to_be_visible(timeout=LONG)
            _idle(page)
            assert "session=" in page.url, page.url
            page.reload()
            _idle(page)
            expect(page.get_by_role("tab", name="Facilitation")).to_be_visible(timeout=LONG)
        finally:
            browser.close()
