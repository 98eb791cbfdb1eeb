"""The HTML report marks the participants' words with their language where the report's own words are
in another. Found running the Chinese (vTaiwan) room by hand: the download said lang='en' throughout while
its question and statements are Chinese, so a screen reader read them with an English voice. Real CLI
import into SQLite on disk; the statements' languages are the ones the store keeps."""

from __future__ import annotations

from conftest import run_cli

from deliberation.config import Settings
from deliberation.report import build_report
from deliberation.report_html import to_html
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
    assert "lang='zh'" not in to_html({**rep, "statements_language": "", "question_language": ""})
    # in the room's own language (Traditional Chinese since the pages speak it): one tag for the page, the
    # script named, and no mark on its statements
    chinese = to_html(rep, "zh")
    assert chinese.startswith("<!doctype html><html lang='zh-Hant'>") and "<span lang=" not in chinese, chinese[:200]
    assert "<h1>討論報告</h1>" in chinese



SIMPLIFIED = ("text\n台北市的出租车应该和 UberX 遵守相同的法律规范。\n自用车载客应该要有保险，乘客的安全才有保障。\n"
              "政府应该先和出租车司机沟通，再决定是否开放。\n")
SIMPLIFIED_QUESTION = "台北市应该如何管理 UberX 这类自用车载客服务？"


def test_a_simplified_rooms_statements_are_not_marked_in_its_own_report(tmp_path):
    """The detector tells a Chinese statement "zh" whatever its script: a Simplified (zh-Hans) report marked
    every one of them <span lang='zh'> (the reviewer's LOW on ae454ec), as if in another language."""
    (tmp_path / "hans.csv").write_text(SIMPLIFIED, encoding="utf-8")
    run_cli(tmp_path / "data", "import-statements", str(tmp_path / "hans.csv"), "--question", SIMPLIFIED_QUESTION,
            "--no-embed")
    store = Store(Settings(data_dir=tmp_path / "data"))
    (taxi, taxi_text), (insured, insured_text) = [(s.external_id, s.text) for s in store.statements(1)][:2]
    sentences = [{"text": taxi_text, "citations": [taxi]}, {"text": insured_text, "citations": [insured]}]
    drafts = [{"key": "all:1", "kind": "consensus", "status": "published", "sentences": sentences,
               "drafter": "extractive"}]
    rep = build_report({"analysis": {}, "question": SIMPLIFIED_QUESTION, "drafts": drafts}, store.statements(1),
                       store.counts(1), question_language="zh-Hans")
    assert rep["statements_language"] == "zh" and rep["statement_languages"][taxi] == "zh"
    page = to_html(rep, "zh-Hans")
    assert page.startswith("<!doctype html><html lang='zh-Hans'>") and taxi_text in page
    assert "<span lang=" not in page, page[:600]
    # in English each is still marked with its language
    english = to_html(rep)
    assert f"<span lang='zh'>{taxi_text}</span>" in english and f"<span lang='zh-Hans'>{SIMPLIFIED_QUESTION}" in english



BILINGUAL = ("text,language\n"
             "Der alte Güterbahnhof soll ein Park mit Bäumen und Bänken werden.,de\n"
             "Auf dem Gelände sollen bezahlbare Wohnungen für Familien entstehen.,de\n"
             "Keep the station building and turn it into a library.,en\n")
MIXED_QUESTION = "What should become of the old goods station?"


def test_a_bilingual_rooms_html_marks_each_statement_with_its_own_language(tmp_path):
    """A room of German and English participants: the HTML report marked every statement with the one language
    most of them are written in, so the English statement in a German report was read with a German voice
    (lang='de' on "Keep the station building ..."), and in an English report the English one was marked German.
    Each statement is marked with its own language now, a draft sentence with its cited statements' one."""
    (tmp_path / "mixed.csv").write_text(BILINGUAL, encoding="utf-8")
    run_cli(tmp_path / "data", "import-statements", str(tmp_path / "mixed.csv"), "--question", MIXED_QUESTION,
            "--no-embed")
    store = Store(Settings(data_dir=tmp_path / "data"))
    (p, park), (f, _), (lib, library) = ((s.external_id, s.text) for s in store.statements(1))
    sentences = [{"text": park, "citations": [p]}, {"text": library, "citations": [lib]}]
    drafts = [{"key": "group:0", "kind": "minority", "status": "published", "sentences": sentences,
               "drafter": "extractive"}]
    rep = build_report({"analysis": {}, "question": MIXED_QUESTION, "drafts": drafts}, store.statements(1),
                       store.counts(1))
    assert rep["statements_language"] == "de" and rep["statement_languages"] == {p: "de", f: "de", lib: "en"}
    english, german = to_html(rep), to_html(rep, "de")
    assert english.startswith("<!doctype html><html lang='en'>")
    assert f"<span lang='de'>{park}</span>" in english and f"<span lang='de'>{library}</span>" not in english
    assert f"{library}</span>" not in english and f"<li>{library} <span class='cite'>" in english
    assert german.startswith("<!doctype html><html lang='de'>")
    assert f"<span lang='en'>{library}</span>" in german and f"lang='de'>{park}" not in german
    # the English question of a room of two languages is not marked as its statements' majority (German)
    assert rep["question_language"] == "" and f"<b>Question:</b> {MIXED_QUESTION}</p>" in english


def test_a_bilingual_rooms_english_question_is_marked_english_in_its_german_report(tmp_path):
    """Found running a bilingual room by hand: in the German report the English question was not marked (the
    report could not tell its language: no statement has its words, the room's are of two languages), so a
    screen reader read it with a German voice. Its language is told when the consultation is made (the CLI's
    import, the console's Create: QUESTION_LANGUAGE_SETTING) and the report node hands it to the report."""
    from deliberation.words import QUESTION_LANGUAGE_SETTING

    (tmp_path / "mixed.csv").write_text(BILINGUAL, encoding="utf-8")
    run_cli(tmp_path / "data", "import-statements", str(tmp_path / "mixed.csv"), "--question", MIXED_QUESTION,
            "--room-language", "de", "--no-embed")
    store = Store(Settings(data_dir=tmp_path / "data"))
    kept = store.get_consultation(1).settings
    assert kept.get(QUESTION_LANGUAGE_SETTING) == "en" and kept.get("ui_language") == "de", kept
    # as graphs.nodes.report builds it
    rep = build_report({"analysis": {}, "question": MIXED_QUESTION}, store.statements(1), store.counts(1),
                       question_language=kept.get(QUESTION_LANGUAGE_SETTING))
    assert f"<b>Frage:</b> <span lang='en'>{MIXED_QUESTION}</span></p>" in to_html(rep, "de")
    assert f"<b>Question:</b> {MIXED_QUESTION}</p>" in to_html(rep)  # English in an English report: no mark


def test_a_report_of_before_each_statement_had_its_language_marks_them_all_with_the_rooms():
    rep = {"question": "Q?", "statements_language": "de", "consensus": [{
        "key": "all:1", "kind": "consensus", "sentences": [{"text": "Ein Park.", "citations": ["1"]}],
        "cited_statements": {"1": "Ein Park."}, "votes": None}], "minority": []}
    page = to_html(rep)
    assert "<li><span lang='de'>Ein Park.</span> <span class='cite'>" in page


def test_only_the_quoted_words_of_a_split_topics_sentence_are_marked_and_a_models_draft_is_the_rooms():
    """Where a draft sets positions side by side, the report's own "Most of group A agree (...):" was marked
    German with the German quote after it; a language model's sentence (written in the room's language) was
    marked with the language of the English statement it cites."""
    quote = {"text": "Ein Park mit Bäumen.", "citations": ["1"], "held_by": "group:0"}
    draft = {"key": "topic:0", "kind": "minority", "sentences": [quote], "cited_statements": {"1": quote["text"]},
             "votes": None, "drafter": "extractive"}
    rep = {"question": "Q?", "statements_language": "de", "statement_languages": {"1": "de", "2": "en"},
           "question_language": "en", "consensus": [], "minority": [draft]}
    page = to_html(rep)
    assert "<span lang='de'>Ein Park mit Bäumen.</span>”" in page and ": “<span lang='de'>" in page
    assert "<b>Question:</b> Q?</p>" in page  # told English: not marked in an English report
    model = {**draft, "drafter": "llm:smollm2", "sentences": [{"text": "Ein Park.", "citations": ["2"]}]}
    assert "<li><span lang='de'>Ein Park.</span>" in to_html({**rep, "minority": [model]})
