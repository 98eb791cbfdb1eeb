"""A room whose question is Chinese speaks Traditional Chinese (zh-Hant, Taiwan's words), in a real browser.
Found running the vTaiwan room by hand: its question and statements are Chinese, yet the participant page,
the board and the report came up in English, about 1,200 texts of the app untranslated. The room is made
as a moderator makes it from the command line (real language detection of the question, real SQLite on
disk), with real vTaiwan statements (../shared/corpora); a participant in an English browser joins, votes
and reads the page in Chinese; the report (deliberation.report from the store) reads in Chinese too.
Real Streamlit server, Debian's chromium."""

from __future__ import annotations

import csv
import json
import re

import pytest
from conftest import corpus, run_cli

from deliberation.config import Settings
from deliberation.report import build_report, to_markdown
from deliberation.storage import Store
from ui.i18n import ROOM_LANGUAGE_SETTING

pytest.importorskip("streamlit")
from ui_helpers import browser_skip_reason, chromium_page, idle, server_starting  # noqa: E402

pytestmark = pytest.mark.skipif(browser_skip_reason() is not None, reason=browser_skip_reason() or "")

VTAIWAN = "vtaiwan.uberx"
#: the vTaiwan conversation's own question (its summary.csv's description)
QUESTION = "提供不同選擇與體驗的 UberX，是否需要跟臺灣小黃或租車業者遵守相同的法律？"
#: how many of its accepted statements the room holds
N_STATEMENTS = 3
#: words of the English pages that must not be left on the Chinese ones
ENGLISH = ["Agree", "Disagree", "Vote stored", "Add a statement", "My votes", "Your personal link",
           "You have voted", "Leave this consultation", "Consultation ", "Common ground", "Topics", "Question"]


def _statements() -> list[str]:
    """The first vTaiwan statements its moderator accepted (Polis's moderated = 1)."""
    with open(corpus(VTAIWAN) / "comments.csv", newline="", encoding="utf-8") as fh:
        rows = [r["comment-body"].strip() for r in csv.DictReader(fh) if r["moderated"] == "1"]
    return rows[:N_STATEMENTS]


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_a_vtaiwan_room_shows_its_participants_and_its_report_in_chinese(tmp_path):
    statements = _statements()
    data = tmp_path / "data"
    csv_path = tmp_path / "uberx.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["text"], *([s] for s in statements)])
    res = run_cli(data, "import-statements", str(csv_path), "--question", QUESTION, "--no-embed")
    assert "Room language: Chinese, the language of the question" in res.stdout, res.stdout
    c = Store(Settings(data_dir=data)).get_consultation(1)
    assert c.settings[ROOM_LANGUAGE_SETTING] == "zh"

    with server_starting(data, tmp_path / "logs") as starting:
        with chromium_page(1000, 1400, timeout=120_000, idle_hook=True) as (_, page):  # an English browser
            server = starting()
            page.goto(f"{server.url}/participate?code={c.code}")
            idle(page)
            page.get_by_role("button", name="加入", exact=True).click()
            page.get_by_text("歡迎！").wait_for()
            idle(page)
            page.get_by_text(f"您已對 {N_STATEMENTS} 則意見中的 0 則投票。").wait_for()
            page.get_by_role("button", name="同意", exact=True).click()
            page.get_by_text(re.compile(r"已記錄投票：同意（意見 \d+）。")).wait_for()
            idle(page)  # the next statement's buttons drawn
            page.get_by_text(f"您已對 {N_STATEMENTS} 則意見中的 1 則投票。").wait_for()
            text = _main_text(page)
            for word in ["新增意見", "我的投票", "您的個人連結", "離開這場討論", "不同意", "略過"]:
                assert word in text, word
            assert "以英文閱讀此頁" not in text and "Read this page in English" in text  # the browser's, one click
            page.get_by_role("tab", name="我的投票").click()
            page.get_by_text("您目前的投票。").wait_for()
            idle(page)
            text += _main_text(page)
            assert "即時看板" in page.locator("[data-testid='stSidebar']").inner_text()  # the pages' names
            left = [w for w in ENGLISH if w in text.replace("Read this page in English", "")]
            assert not left, f"English words on the Chinese page: {left}"

            store = Store(Settings(data_dir=data))
            rep = build_report({"analysis": {}, "question": QUESTION}, store.statements(c.id), store.counts(c.id))
            folder = data / "reports" / str(c.id)
            folder.mkdir(parents=True)
            (folder / "report.json").write_text(json.dumps(rep, ensure_ascii=False), encoding="utf-8")
            (folder / "report.md").write_text(to_markdown(rep, "zh"), encoding="utf-8")  # as a run writes both
            page.goto(f"{server.url}/report?code={c.code}")
            page.get_by_text("討論報告").first.wait_for()
            idle(page)
            report = _main_text(page)
            for word in ["問題：", QUESTION, "共同點", "各群組的訴求", "主題", "此部分沒有草案", "1 位參與者投了 1 票", "下載"]:
                assert word in report, (word, report)
            left = [w for w in ENGLISH if w in report]
            assert not left, f"English words in the Chinese report: {left}\n{report}"
