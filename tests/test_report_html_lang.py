"""The HTML report marks the participants' words with their language where the report's own words are
in another. Found running the Chinese (vTaiwan) room by hand: the download said lang='en' throughout while
its question and statements are Chinese, so a screen reader read them with an English voice. Real CLI
import into SQLite on disk; the statements' languages are the ones the store keeps."""

from __future__ import annotations

from conftest import run_cli

from deliberation.config import Settings
from deliberation.report import build_report
from deliberation.report_text import to_html
from deliberation.storage import Store

STATEMENTS = ("text\n台北市的計程車應該和 UberX 遵守相同的法律規範。\n自用車載客應該要有保險，乘客的安全才有保障。\n"
              "政府應該先和計程車司機溝通，再決定是否開放。\n")
QUESTION = "台北市應該如何管理 UberX 這類自用車載客服務？"


def test_a_chinese_rooms_words_are_marked_chinese_in_an_english_report(tmp_path):
    (tmp_path / "zh.csv").write_text(STATEMENTS, encoding="utf-8")
    run_cli(tmp_path / "data", "import-statements", str(tmp_path / "zh.csv"), "--question", QUESTION, "--no-embed")
    store = Store(Settings(data_dir=tmp_path / "data"))
    rep = build_report({"analysis": {}, "question": QUESTION}, store.statements(1), store.counts(1))
    assert rep["statements_language"] == "zh"
    page = to_html(rep)
    assert page.startswith("<!doctype html><html lang='en'>")  # the report's own words are English
    assert f"<span lang='zh'>{QUESTION}</span>" in page
    # read in a language the statements are not written in, still marked; no mark where they agree
    assert f"<span lang='zh'>{QUESTION}</span>" in to_html(rep, "de")
    assert "lang='zh'" not in to_html({**rep, "statements_language": ""})
