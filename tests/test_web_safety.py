"""Web safety.

- Statement text is always rendered as text: statements full of HTML, Markdown, LaTeX and
  Streamlit markup (colours, icons, emoji shortcodes) are shown literally, with no element made
  from them, on the participant page, the moderation queue, the review, the live board and the
  report, checked in the DOM of a real browser (Debian's chromium against ``streamlit run``).
- CSV exports neutralise spreadsheet formulas (cells starting with = + - @, tab, CR) and a
  re-import gives back the original text exactly.
- Uploads cannot write outside the data directory (odd names, planted symlinks) and are capped.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest

from ui_helpers import (REPO, browser_skip_reason, idle, launch_chromium, new_page, sign_in, start_server,
                        unescape)

#: Each payload carries a unique marker word (ending in "Qx"): an element made from a payload
#: (bold, heading, link, coloured span...) would contain one.
PAYLOADS = [
    "<img src=x onerror=window.__pwned=1> imgQx",
    "<script>window.__pwned=2</script> scriptQx",
    '<a href="javascript:window.__pwned=3">anchorQx</a>',
    "**boldQx** and __strongQx__ and *emQx*",
    "[linkQx](http://evil.example/) and <http://evil.example/auto>",
    "![imageQx](http://evil.example/y.png)",
    "# headingQx of a statement",
    "| cellQx | b |\n|---|---|\n| 1 | 2 |",
    "$x^2$ and $$\\int_0^1 latexQx$$",
    ":red[redQx] and :blue-background[bgQx] and :rainbow[rainbowQx]",
    ":material/warning: iconQx :material/thumb_up:",
    "emoji :smile: :+1: :tada: emojiQx",
    "www.evil.example and mail@evil.example and http://evil.example/bare autolinkQx",
    "&lt;b&gt;entityQx&lt;/b&gt; &amp; &#60;img&#62;",
    "> quoteQx\n- itemQx\n1. numberQx",
    "`codeQx` ~~strikeQx~~ ==markQx== H~2~O x^2^",
    '=HYPERLINK("http://evil.example","formulaQx")',
    "\\*escapedQx\\* \\\\ backslashes",
]
QUESTION = "Should <b>Harbour</b> Road be **car-free**? [vote](http://evil.example) :red[now]"
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1",
            "'=already quoted", "''+two quotes", "'plain quote", "ok = fine", "-", "=", "@"]


def norm(text: str) -> str:
    return " ".join(str(text).split())


# ---- escaping helpers (no browser) ------------------------------------------------------------
def test_esc_escapes_every_markup_character():
    import string

    from ui.common import esc

    for p in PAYLOADS + [QUESTION] + FORMULAS:
        out = esc(p)
        assert unescape(out) == norm(p)  # renders back to exactly the text
        bare = re.sub(r"\\.", "", out)  # nothing but escaped punctuation is left
        assert not set(bare) & set(string.punctuation), (p, out)


def test_report_md_is_inert_and_reads_cleanly():
    """The report's Markdown escapes only what could form markup: parsed by a CommonMark + GFM
    parser (markdown-it-py, tables and strikethrough on) each payload is one paragraph of plain text
    that reads exactly as written; nothing Streamlit would turn into LaTeX, colour, icon or emoji
    and no autolink is left; ordinary sentences carry no backslash at all."""
    from markdown_it import MarkdownIt

    from deliberation.report import WJ, _md

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for p in PAYLOADS + [QUESTION] + FORMULAS:
        out = _md(p)
        tokens = parser.parse("- " + out)
        inline = [t for t in tokens if t.type == "inline"]
        assert len(inline) == 1, (p, out, [t.type for t in tokens])
        kinds = {c.type for c in inline[0].children}
        assert kinds <= {"text", "softbreak"}, (p, out, kinds)
        assert "".join(c.content for c in inline[0].children).replace(WJ, "") == norm(p), (p, out)
        assert not re.search(r"(?<!\\)[$~]|(?<!\\):[A-Za-z_+/-]", out), (p, out)
        plain = out.replace(WJ, " ")
        assert not re.search(r"(?i)(https?|ftp):|www\.|\w@\w", plain), (p, out)
    assert _md("Keep the market on Saturdays, it's the best thing (really!) - 20% of us go.") == \
        "Keep the market on Saturdays, it's the best thing (really!) - 20% of us go."


def test_html_report_escapes_statement_text():
    from deliberation.report import to_html

    rep = {"question": QUESTION, "audit": {"findings": PAYLOADS[:3]},
           "consensus": [{"audience": PAYLOADS[3], "key": "all",
                          "sentences": [{"text": p, "citations": ["1"]} for p in PAYLOADS],
                          "cited_statements": {"1": PAYLOADS[0], "2": PAYLOADS[1]}}],
           "minority": []}
    out = to_html(rep)
    for bad in ("<img", "<script>window", "<a href", "<b>Harbour"):
        assert bad not in out
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in out


def test_safe_markdown_leaves_no_links_entities_or_directives():
    from ui.common import safe_markdown

    md = safe_markdown("x [a](http://e) ![i](http://e/i.png) <b> $x$ :red[r] :smile: &amp; a@b.org www.e.org "
                       "http\\:\\/\\/e\\.org")
    assert "](" not in md.replace("]\\(", "") and "\\<b>" in md and "\\$x\\$" in md
    assert "\\:red" in md and "\\:smile" in md and "\\&amp;" in md and "a@\u2060b" in md and "www\u2060." in md
    assert "http\u2060\\:" in md


# ---- CSV exports -------------------------------------------------------------------------------
def _export(tmp_path, texts, authors=None, question="Q?", description=""):
    import pandas as pd

    from deliberation.importers.polis import write_polis_export
    from deliberation.models import Statement

    statements = [Statement(external_id=str(i), text=t, author=(authors or {}).get(i))
                  for i, t in enumerate(texts)]
    pids = ["0", "1"] + [a for a in (authors or {}).values() if a]
    events = pd.DataFrame({"participant": [p for p in pids for _ in statements],
                           "statement": [s.external_id for _ in pids for s in statements],
                           "vote": [random.Random(i).choice([1, -1, 0]) for i in range(len(pids) * len(statements))],
                           "timestamp": [float(1_700_000_000_000 + i) for i in range(len(pids) * len(statements))]})
    return write_polis_export(tmp_path / "export", statements, events, question=question, description=description)


def _cells(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _formula(cell: str) -> bool:
    """Would a spreadsheet run this cell as a formula?"""
    return bool(cell) and cell[0] in "=+-@\t\r"


def test_polis_export_neutralises_formulas_and_reimport_gives_the_original_text(tmp_path):
    from deliberation.importers.polis import read_polis_export

    texts = FORMULAS + [p for p in PAYLOADS]
    out = _export(tmp_path, texts, question="=cmd|' /C calc'!A0", description="@SUM(1+1)")
    rows = _cells(out / "comments.csv")
    header, body = rows[0], rows[1:]
    col = header.index("comment-body")
    for row in body:
        assert not any(_formula(c) for c in row), row
    written = {r[header.index("comment-id")]: r[col] for r in body}
    assert written["0"].startswith("'=HYPERLINK(")
    assert written["1"] == "'+1+1" and written["2"] == "'-2+3" and written["3"] == "'@SUM(A1)"
    assert written["5"] == "''=already quoted" and written["6"] == "'''+two quotes"
    assert written["7"] == "'plain quote" and written["8"] == "ok = fine"  # not formulas: unchanged
    for name in ("summary.csv", "votes.csv", "participants-votes.csv"):
        for row in _cells(out / name):
            assert not any(_formula(c) and not re.fullmatch(r"-?\d+", c) for c in row), (name, row)
    again = read_polis_export(out)
    from deliberation.models import validate_statement_text

    assert [s.text for s in again.statements] == [validate_statement_text(t) for t in texts]
    assert again.question == "=cmd|' /C calc'!A0"


def test_polis_export_neutralises_non_numeric_ids(tmp_path):
    out = _export(tmp_path, ["a statement", "another"], authors={0: "=HYPERLINK(\"x\")", 1: "@evil"})
    for name in ("comments.csv", "votes.csv", "participants-votes.csv"):
        for row in _cells(out / name):
            assert not any(_formula(c) and not re.fullmatch(r"-?\d+", c) for c in row), (name, row)


def test_csv_safe_round_trips_any_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from deliberation.importers.polis import _csv_safe, _csv_unsafe

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("'=+-@\t\rab ")), max_size=8) | st.text(max_size=20))
    def check(text):
        safe = _csv_safe(text)
        assert not _formula(safe)
        assert _csv_unsafe(safe) == text

    check()


# ---- uploads -------------------------------------------------------------------------------------
class _Upload:
    def __init__(self, name, data=b"text\nhello\n"):
        self.name, self._data = name, data

    def getvalue(self):
        return self._data


BAD_NAMES = ["../../etc/passwd", "/abs/path.csv", "..\\..\\win.csv", "a/../../b.csv", "evil\x00.csv",
             "x" * 5000 + ".csv", "Ümläut café 日本語.csv", "..", ".", "", "/", ".hidden.csv", "con.csv",
             "a\nb.csv", "~/.bashrc", "%2e%2e%2fpasswd.csv", "..%c0%af..%c0%afetc.csv", "😀.jsonl"]


def _all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.parametrize("name", BAD_NAMES)
def test_safe_name_stays_in_its_folder(name, tmp_path):
    from ui.uploads import MAX_NAME, safe_name

    s = safe_name(name)
    assert s and "/" not in s and "\\" not in s and "\x00" not in s and not s.startswith(".")
    assert s not in (".", "..") and len(s) <= MAX_NAME
    assert re.fullmatch(r"[A-Za-z0-9._-]+", s)
    assert (tmp_path / s).resolve().parent == tmp_path.resolve()


def test_safe_name_keeps_ordinary_names_and_suffixes():
    from ui.uploads import safe_name

    assert safe_name("comments.csv") == "comments.csv"
    assert safe_name("participants-votes.csv") == "participants-votes.csv"
    assert safe_name("../../evil name;rm.csv") == "evil_name_rm.csv"
    assert safe_name("日本語.csv").endswith(".csv")
    assert safe_name("x" * 5000 + ".jsonl").endswith(".jsonl")


def test_save_uploads_never_writes_outside_the_data_directory(tmp_path):
    from ui.uploads import save_uploads

    data = tmp_path / "data"
    data.mkdir()
    before = _all_files(tmp_path)
    folder = save_uploads(data, 7, [_Upload(n) for n in BAD_NAMES], "../../sub")
    assert data.resolve() in folder.resolve().parents
    new = _all_files(tmp_path) - before
    assert new and all(data.resolve() in p.resolve().parents for p in new)
    for p in folder.iterdir():
        assert p.is_file() and not p.is_symlink()


def test_planted_symlinks_are_not_followed(tmp_path):
    from deliberation.errors import InputError
    from ui.uploads import save_uploads

    data, outside = tmp_path / "data", tmp_path / "outside"
    data.mkdir()
    outside.mkdir()
    victim = outside / "victim.csv"
    victim.write_text("keep me", encoding="utf-8")
    # a symlink planted under an upload's file name
    folder = data / "uploads" / "1" / "s1"
    folder.mkdir(parents=True)
    (folder / "comments.csv").symlink_to(victim)
    with pytest.raises(InputError):
        save_uploads(data, 1, [_Upload("comments.csv", b"pwned")], "s1")
    assert victim.read_text(encoding="utf-8") == "keep me"
    # a symlinked sub folder, consultation folder, uploads folder
    (data / "uploads" / "1" / "s2").symlink_to(outside, target_is_directory=True)
    (data / "uploads" / "2").symlink_to(outside, target_is_directory=True)
    for cid, sub in ((1, "s2"), (2, "s3")):
        with pytest.raises(InputError):
            save_uploads(data, cid, [_Upload("a.csv", b"pwned")], sub)
    data2 = tmp_path / "data2"
    data2.mkdir()
    (data2 / "uploads").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError):
        save_uploads(data2, 1, [_Upload("a.csv", b"pwned")], "s")
    assert sorted(p.name for p in outside.iterdir()) == ["victim.csv"]
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_uploads_are_capped():
    from deliberation.errors import InputError
    from ui.launch import streamlit_args
    from ui.uploads import save_uploads

    with pytest.raises(InputError, match="larger than 1 MB"):
        save_uploads(Path("/nonexistent-data-dir"), 1, [_Upload("big.csv", b"x" * (1024 * 1024 + 1))], "s",
                     max_mb=1)
    args = streamlit_args(8501)
    assert args[args.index("--server.maxUploadSize") + 1] == "50"
    assert args[args.index("--client.disableDataExport") + 1] == "true"  # no formula-unsafe CSV download
    assert args[args.index("--server.address") + 1] == "127.0.0.1"
    cfg = (REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "maxUploadSize = 50" in cfg and "disableDataExport = true" in cfg


# ---- error messages quote input: shown as text (AppTest) ----------------------------------------
def test_error_messages_are_escaped(tmp_path, monkeypatch):
    pytest.importorskip("streamlit")
    from deliberation.config import Settings
    from deliberation.storage import Store
    from ui.common import esc
    from ui_helpers import app, console_sign_in

    Store(Settings(data_dir=tmp_path / "data").ensure()).create_consultation("Q?", secret="secret-123456")
    monkeypatch.setenv("DELIBERATION_DATA", str(tmp_path / "data"))
    at = app("moderator")
    at.run()
    ref = "![x](http://evil.example/x.png) :red[r] <img src=x>"
    console_sign_in(at, ref, "whatever")
    errors = [e.value for e in at.error]
    assert errors and all(e == esc(unescape(e)) for e in errors)  # fully escaped
    assert any(norm(ref) in unescape(e) for e in errors)


# ---- in a real browser ----------------------------------------------------------------------------
#: Problems in the DOM: a script that ran, images/links to the payloads' targets, LaTeX, and any
#: element that could only come from markup (bold, heading, link, code, colour...) holding a marker in
#: words of its own. ``own``: the app's own texts made of the payloads' words, the topic labels ("boldQx ·
#: strongqx · emQx", its terms written as the statements write them), which the app may put in its own
#: headings and bold ("What people said about the topic “boldQx · …”"): taken out of an element's text
#: before it is read for a marker, so a bold or heading made of a payload ("**boldQx**") is still found.
DOM_PROBLEMS_JS = r"""(own) => {
  const words = (e) => own.reduce((t, label) => t.split(label).join(''), e.textContent);
  const bad = [];
  if (window.__pwned) bad.push('script ran: ' + window.__pwned);
  for (const img of document.querySelectorAll('img')) {
    const s = img.getAttribute('src') || '';
    if (s === 'x' || /evil/.test(s)) bad.push('img ' + s);
  }
  for (const a of document.querySelectorAll('a')) {
    const h = a.getAttribute('href') || '';
    if (h.startsWith('#')) continue;  // a heading's own anchor (its slug may spell a payload's words)
    if (/evil|javascript:|mailto:/i.test(h)) bad.push('a ' + h);
  }
  for (const s of document.querySelectorAll('script')) if (/__pwned/.test(s.textContent)) bad.push('script element');
  if (document.querySelector('.katex, math, mjx-container')) bad.push('LaTeX rendered');
  for (const md of document.querySelectorAll('[data-testid="stMarkdownContainer"]')) {
    if (md.querySelector('[data-testid="stIconMaterial"]') && /Qx/.test(words(md))) bad.push('icon in statement');
  }
  const markup = 'STRONG B EM I H1 H2 H3 H4 H5 H6 A TABLE TD TH CODE PRE DEL S BLOCKQUOTE SUP SUB MARK KBD IMG HR'.split(' ');
  for (const e of document.querySelectorAll(markup.join(','))) {
    if (e.closest('[data-testid="stDataFrame"]')) continue;  // the data grid's own (accessible) table of text
    if (/Qx/.test(words(e))) bad.push(e.tagName + ': ' + e.textContent.slice(0, 60));
  }
  for (const e of document.querySelectorAll('span[style], span[class*="olor"]')) {
    const st = (e.getAttribute('style') || '') + (e.getAttribute('class') || '');
    if (/Qx/.test(words(e)) && /color|background/i.test(st)) bad.push('styled span: ' + e.textContent.slice(0, 60));
  }
  return bad;
}"""


def _page_text(page) -> str:
    return norm(page.evaluate("() => document.body.textContent").replace("\u2060", ""))  # esc's word joiners


#: ms: how long :func:`_check` waits, after the run has ended, for the page to draw every text it expects (the
#: data grid's table, an expander's body are drawn after the run's messages), asking every SHOWN_POLL_MS
SHOWN_WAIT_MS, SHOWN_POLL_MS = 60_000, 100


def _missing(page, expected: list[str]) -> list[str]:
    text = _page_text(page)
    return [t for t in expected if norm(t) not in text]


def _check(page, expected: list[str], where: str, own: list[str]) -> None:
    """Each of ``expected`` shown literally on ``page`` once its run has ended, and no element made of
    a payload (``own``: the app's own texts made of payload words, :data:`DOM_PROBLEMS_JS`): read once the
    page shows them all (or SHOWN_WAIT_MS have passed), not after a fixed time."""
    idle(page)
    waited = 0
    while (missing := _missing(page, expected)) and waited < SHOWN_WAIT_MS:
        page.wait_for_timeout(SHOWN_POLL_MS)
        waited += SHOWN_POLL_MS
    problems = page.evaluate(DOM_PROBLEMS_JS, own)
    assert problems == [], f"{where}: {problems}"
    assert not missing, f"{where}: not shown literally: {missing}"


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    """A consultation whose question and statements are all payloads (visible ones, held ones with
    payload reasons, a rejected one), with votes that make the payloads the common ground; the
    facilitation graph has run up to the moderator's review. Served by ``streamlit run``."""
    reason = browser_skip_reason()
    if reason:
        pytest.skip(reason)
    pytest.importorskip("streamlit")
    from deliberation.config import Settings
    from deliberation.models import ModerationStatus
    from deliberation.storage import Store
    from graphs import runner

    base = tmp_path_factory.mktemp("web-safety")
    settings = Settings(data_dir=base / "data").ensure()
    store = Store(settings)
    secret = "web-safety-secret-1"
    c, _ = store.create_consultation(QUESTION, description=PAYLOADS[3], secret=secret)
    shown = [store.add_statement(c.id, None, p).external_id for p in PAYLOADS]
    normal = [store.add_statement(c.id, None, f"Plain statement {i} about the harbour, the buses and the shops")
              .external_id for i in range(8)]
    held = []
    for p in PAYLOADS:
        s = store.add_statement(c.id, None, p)
        store.set_moderation(c.id, s.external_id, ModerationStatus.NEEDS_REVIEW, "flagged: " + p)
        held.append(s.external_id)
    store.set_moderation(c.id, held[-1], ModerationStatus.REJECTED, "rejected: " + PAYLOADS[0])
    rng = random.Random(1)
    for i in range(24):
        pid = store.add_participant(c.id)
        for sid in shown:
            store.cast_vote(c.id, pid, sid, 1 if rng.random() < 0.9 else 0)
        for j, sid in enumerate(normal):
            store.cast_vote(c.id, pid, sid, 1 if (i + j) % 2 else -1)
    st = runner.start(settings, c.id, {"drafter": "extractive", "seed": 0})
    assert (st.waiting or {}).get("type") == "review", st.next
    labels = [t["label"] for t in st.values["analysis"]["topics"]["topics"]]  # the app's own words (_check)
    srv = start_server(settings.data_dir, base / "log")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = launch_chromium(pw, idle_hook=True)
    try:
        yield {"url": srv.url, "settings": settings, "store": store, "c": c, "secret": secret, "browser": browser,
               "labels": labels}
    finally:
        browser.close()
        pw.stop()
        srv.stop()


def _new_page(nasty, width=1280):
    return new_page(nasty["browser"], width, 1000, timeout=180_000)


def _moderator_page(nasty):
    page = _new_page(nasty)
    sign_in(page, nasty["url"], nasty["c"].code, nasty["secret"])
    page.get_by_role("tab", name="Import").wait_for()
    idle(page)
    return page


def test_browser_participant_page_shows_statements_as_text(nasty):
    store, c = nasty["store"], nasty["c"]
    page = _new_page(nasty, width=390)
    page.goto(f"{nasty['url']}/participate?code={c.code}")
    page.get_by_role("button", name="Join", exact=True).click()
    page.get_by_text("Welcome!").wait_for()
    _check(page, [QUESTION], "participant page, vote tab", nasty["labels"])
    first = page.get_by_text(re.compile(r"^Statement \d+$")).first.inner_text().split()[1]
    texts = {s.external_id: s.text for s in store.statements(c.id)}
    assert norm(texts[first]) in _page_text(page)
    # vote on every statement (straight into the store) and look at "My votes": all of them
    # the participant is stored at the first vote; the personal link (?p=TOKEN) names them
    from urllib.parse import parse_qs, urlsplit

    from deliberation.storage.sessions import participant_for_token

    pid = participant_for_token(parse_qs(urlsplit(page.url).query)["p"][0])
    visible = [s for s in store.statements(c.id) if s.is_public]
    for s in visible:
        store.cast_vote(c.id, pid, s.external_id, 0, create_participant=True)
    page.get_by_role("tab", name=re.compile("My votes")).click()
    _check(page, PAYLOADS + [QUESTION], "participant page, my votes", nasty["labels"])
    # about this consultation (the description is a payload too)
    page.get_by_text("About this consultation").click()
    _check(page, [PAYLOADS[3]], "participant page, description", nasty["labels"])
    page.context.close()


def test_browser_moderation_queue_and_review_show_statements_as_text(nasty):
    from graphs import runner

    page = _moderator_page(nasty)
    _check(page, [QUESTION], "moderator overview", nasty["labels"])
    page.get_by_role("tab", name=re.compile("Moderation queue")).click()
    idle(page)
    page.get_by_text(re.compile(r"^Moderated out")).click()
    _check(page, PAYLOADS[:-1] + ["flagged: " + p for p in PAYLOADS[:-1]] + [PAYLOADS[-1]],
           "moderation queue", nasty["labels"])
    page.get_by_role("tab", name="Facilitation").click()
    page.get_by_text(re.compile(r"^Review \d+ drafts$")).wait_for()
    drafts = runner.status(nasty["settings"], nasty["c"].id).waiting["drafts"]
    cited = {t for d in drafts for t in (d.get("cited") or {}).values()}
    sentences = [s["text"] for d in drafts for s in d["sentences"]]
    assert any("Qx" in t for t in cited), "the drafts cite no payload: the check would be empty"
    _check(page, sorted(cited) + sentences, "review", nasty["labels"])
    page.context.close()


def _past_review(nasty):
    """The run's status once every draft is approved (the browser tests share one run, in file order)."""
    from graphs import runner

    st = runner.status(nasty["settings"], nasty["c"].id)
    if (st.waiting or {}).get("type") == "review":
        st = runner.resume(nasty["settings"], nasty["c"].id, {"reviewer": "test", "approve_all": True})
    return st


def test_browser_board_and_voting_tab_show_drafts_as_text(nasty):
    st = _past_review(nasty)
    assert (st.waiting or {}).get("type") == "voting"
    from ui.common import current_published

    published = current_published(st.values)
    assert any("Qx" in p["text"] for p in published)
    page = _new_page(nasty, width=1600)
    page.goto(f"{nasty['url']}/board?code={nasty['c'].code}")
    page.get_by_text("Drafts put to the vote").wait_for()
    _check(page, [p["text"] for p in published] + [QUESTION], "live board", nasty["labels"])
    # the labels taken out of the app's own bold still leave a bold or heading made of a payload to be found
    assert any("Qx" in label for label in nasty["labels"]), nasty["labels"]  # a label keeps its capitals
    planted = page.evaluate("""(own) => { for (const [tag, text] of [['strong', 'About “' + own.join('”, “') + '”'],
        ['h3', 'headingQx of a statement'], ['strong', own[0] + ' boldQx']]) {
        const e = document.createElement(tag); e.textContent = text; document.body.appendChild(e); } }""",
                            nasty["labels"])
    assert planted is None and page.evaluate(DOM_PROBLEMS_JS, nasty["labels"]) == [
        "H3: headingQx of a statement", "STRONG: " + (nasty["labels"][0] + " boldQx")[:60]]
    page.context.close()
    # the moderator's table of drafts has no CSV download (it would not neutralise formulas)
    mod = _moderator_page(nasty)
    mod.get_by_role("tab", name="Voting").click()
    table = mod.get_by_test_id("stDataFrame").first
    table.wait_for()
    idle(mod)
    table.hover()
    # the table's toolbar (drawn with the table, shown on hover) holds its buttons: read once they are there
    own = table.locator("xpath=ancestor::*[@data-testid='stElementContainer'][1]")  # the table's, not an outer one's
    own.get_by_test_id("stElementToolbarButton").first.wait_for()
    assert mod.get_by_role("button", name="Download as CSV").count() == 0
    _check(mod, [QUESTION], "moderator voting tab", nasty["labels"])
    mod.context.close()


def test_browser_report_shows_statements_as_text(nasty):
    import json

    from graphs import runner

    settings, cid = nasty["settings"], nasty["c"].id
    st = _past_review(nasty)
    if (st.waiting or {}).get("type") == "voting":
        st = runner.resume(settings, cid, {"close": True})
    rep = json.loads((settings.data_dir / "reports" / str(cid) / "report.json").read_text(encoding="utf-8"))
    drafts = rep["consensus"] + rep["minority"]
    expected = [s["text"] for d in drafts for s in d["sentences"]]
    expected += [t for d in drafts for t in d["cited_statements"].values()]
    expected += [t for g in rep["groups"] for t in g["repness_texts"].values()]
    assert any("Qx" in t for t in expected)
    page = _new_page(nasty)
    page.goto(f"{nasty['url']}/report?code={nasty['c'].code}")
    page.get_by_text("Downloads").wait_for()
    _check(page, expected + [QUESTION], "report", nasty["labels"])
    html = (settings.data_dir / "reports" / str(cid) / "report.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "<script>window" not in html and 'href="javascript' not in html
    # the Polis export the moderator downloads is formula-safe too
    from deliberation.storage import Store

    out = Store(settings).export_polis(cid, settings.data_dir / "exports" / "t")
    body = [r[-1] for r in _cells(out / "comments.csv")[1:]]
    assert not any(_formula(b) for b in body) and any(b.startswith("'=HYPERLINK") for b in body)
    page.context.close()
