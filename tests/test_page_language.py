"""A page declares the language it is drawn in, and a Simplified-Chinese room gets Simplified pages.

Found running rooms by hand: every Streamlit page said ``<html lang="en">`` whatever its language (a
screen reader read a German room's page with English sounds, a browser offered to translate a Chinese
page "from English"); and a room whose question was in Simplified Chinese, a link with ``?lang=zh-CN``
or a browser asking for zh-CN got the pages in Traditional characters, which a mainland reader reads
with effort. The Simplified pages are the Traditional words converted by OpenCC (deliberation.words.
CONVERTED), the document's lang says which script it is in: "zh-Hans", "zh-Hant" for the Traditional.
Real Streamlit server, Debian's chromium, real SQLite; the room's language told by the real detector."""

from __future__ import annotations

import pytest

from deliberation.config import Settings
from deliberation.storage import Store
from ui.i18n import ROOM_LANGUAGE_SETTING

#: ms: how long a drawn page may take to run the script that declares its language (a loaded 2-core machine)
DRAWN = 30_000
#: the participant page's title ("Take part") in each script, as a reader expects it
TRADITIONAL_TITLE, SIMPLIFIED_TITLE = "參與討論", "参与讨论"
#: the offer of a browser's Chinese on a page in another language, in each script, naming it
TRADITIONAL_OFFER, SIMPLIFIED_OFFER = "以繁體中文閱讀此頁", "以简体中文阅读此页"


def test_a_question_in_simplified_characters_makes_a_simplified_room():
    """The room's language a new consultation starts with (the console's "Create", the CLI's imports)."""
    from deliberation.text.languages import question_languages, room_language_of

    assert room_language_of("我们的社区应该把旧火车站改成什么？") == "zh-Hans"
    assert room_language_of("我們的社區應該把舊火車站改成什麼？") == "zh"  # Traditional stays Traditional
    assert question_languages("公交车应该增加班次吗？") == ("zh-Hans", None)
    assert room_language_of("Should the old station become housing?") is None  # English


def test_a_tag_asking_for_simplified_chinese_gets_it():
    from ui.i18n import language_code

    assert [language_code(t) for t in ("zh-CN", "zh-Hans", "zh_SG", "zh-Hans-TW", "zh-hans")] == ["zh-Hans"] * 5
    assert [language_code(t) for t in ("zh-TW", "zh-Hant", "zh-HK", "zh", "zh-Hant-CN")] == ["zh"] * 5
    assert language_code("de-DE") == "de" and language_code(None) == ""


def test_the_simplified_words_are_the_traditional_ones_converted():
    """Every message of both packages exists in zh-Hans, in Simplified characters, fields untouched."""
    from deliberation.words import LANGUAGES, document_tag, load, placeholders, script_counts

    assert "zh-Hans" in LANGUAGES and document_tag("zh") == "zh-Hant" and document_tag("zh-Hans") == "zh-Hans"
    for package in ("ui", "deliberation"):
        hant, hans = load(package, "zh"), load(package, "zh-Hans")
        assert hans.keys() == hant.keys()
        for mid, text in hant.items():
            for t, s in zip(*(x.values() if isinstance(x, dict) else [x] for x in (text, hans[mid]))):
                assert placeholders(s) == placeholders(t), mid
                assert script_counts(s)["traditional"] == 0, (mid, s)
    assert load("ui", "zh-Hans")["join.title"] == SIMPLIFIED_TITLE and load("ui", "zh")["join.title"] == TRADITIONAL_TITLE


def test_the_simplified_words_quote_as_the_mainland_does_and_name_their_script():
    """Left from the review of the Simplified pages: OpenCC converts characters, not punctuation, so every
    Simplified page and report quoted with Taiwan's 「」 (the mainland writes “”); and the one-click offer of
    the browser's language said "以中文阅读此页" to a zh-CN browser in a Traditional room (its pages are
    Chinese too: which one?), "以中文閱讀此頁" to a zh-TW browser in a Simplified one."""
    from deliberation.words import load

    for package in ("ui", "deliberation"):
        left = {mid: t for mid, text in load(package, "zh-Hans").items()
                for t in (text.values() if isinstance(text, dict) else [text]) if set(t) & set("「」『』")}
        assert not left, left
    assert load("deliberation", "zh-Hans")["report.quoted"] == "“{text}”" and load("deliberation", "zh")["report.quoted"] == "「{text}」"
    assert load("ui", "zh-Hans")["language_offer"] == SIMPLIFIED_OFFER and load("ui", "zh")["language_offer"] == TRADITIONAL_OFFER


def _lang(page) -> str:
    return page.evaluate("() => document.documentElement.lang")


def test_each_page_declares_its_language_and_a_simplified_room_reads_simplified(tmp_path):
    pytest.importorskip("streamlit")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from ui_helpers import browser_skip_reason, chromium_page, idle, new_page, server_starting

    if browser_skip_reason():
        pytest.skip(browser_skip_reason())
    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings)
    rooms = {}
    for lang, question in (("de", "Wie soll der Marktplatz künftig genutzt werden?"),
                           ("zh", "我們的社區應該把舊火車站改成什麼？"), ("zh-Hans", "我们的社区应该把旧火车站改成什么？"),
                           (None, "What should the old station become?")):
        c, _ = store.create_consultation(question, secret=f"page-language-{lang}")
        if lang:
            store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: lang})
        rooms[lang] = c.code
    with server_starting(settings.data_dir, tmp_path / "logs") as starting:
        with chromium_page(1000, 1200, timeout=120_000, locale="en-US", idle_hook=True) as (browser, page):
            url = starting().url

            def opened(path: str, expected: str) -> str:
                """The page's declared language once it has drawn (``expected``, or what it says instead)."""
                page.goto(f"{url}/{path}")
                idle(page)
                try:  # the script that sets it runs as the page draws its first element
                    page.wait_for_function(f"() => document.documentElement.lang === {expected!r}", timeout=DRAWN)
                except PlaywrightTimeout:
                    pass
                return _lang(page)

            for path in ("participate", "board", "report", "moderator"):
                assert opened(f"{path}?code={rooms['de']}", "de") == "de", path  # each said "en"
            assert opened(f"participate?code={rooms['zh']}", "zh-Hant") == "zh-Hant"
            page.get_by_role("heading", name=TRADITIONAL_TITLE, exact=True).wait_for()
            assert opened(f"participate?code={rooms['zh-Hans']}", "zh-Hans") == "zh-Hans"
            page.get_by_role("heading", name=SIMPLIFIED_TITLE, exact=True).wait_for()  # it was Traditional
            assert opened(f"participate?code={rooms[None]}&lang=zh-CN", "zh-Hans") == "zh-Hans"
            page.get_by_role("heading", name=SIMPLIFIED_TITLE, exact=True).wait_for()
            assert opened(f"participate?code={rooms['de']}&lang=en", "en") == "en"  # back to English
            # a browser asking for zh-CN in an English room is offered the page in Simplified characters
            mainland = new_page(browser, 1000, 1200, 120_000, "zh-CN")
            mainland.goto(f"{url}/participate?code={rooms[None]}")
            idle(mainland)
            mainland.get_by_role("button", name=SIMPLIFIED_OFFER, exact=True).click()
            mainland.get_by_role("heading", name=SIMPLIFIED_TITLE, exact=True).wait_for()
            mainland.wait_for_function("() => document.documentElement.lang === 'zh-Hans'", timeout=DRAWN)
            assert "lang=zh-Hans" in mainland.url
            # ... and in a Traditional room, the Simplified script by its name (it was "以中文阅读此页"); a
            # Taiwanese browser in a Simplified room, the Traditional one
            mainland.goto(f"{url}/participate?code={rooms['zh']}")
            idle(mainland)
            mainland.get_by_role("heading", name=TRADITIONAL_TITLE, exact=True).wait_for()
            mainland.get_by_role("button", name=SIMPLIFIED_OFFER, exact=True).click()
            mainland.get_by_role("heading", name=SIMPLIFIED_TITLE, exact=True).wait_for()
            taiwan = new_page(browser, 1000, 1200, 120_000, "zh-TW")
            taiwan.goto(f"{url}/participate?code={rooms['zh-Hans']}")
            idle(taiwan)
            taiwan.get_by_role("button", name=TRADITIONAL_OFFER, exact=True).click()
            taiwan.get_by_role("heading", name=TRADITIONAL_TITLE, exact=True).wait_for()
