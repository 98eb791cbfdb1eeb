"""The moderator console in the room's language (ui/views/moderator.py, ui/run_console.py,
ui/run_stop.py, ui/review_cards.py; words: ui/messages/*.toml through ui.i18n.console_words): a
German town hall's moderator signs in, works the queue, runs the graph, reviews, opens and closes
voting in German, and may choose another language for the console as participants may for their
page. Run in-process with streamlit.testing (AppTest) on a copy of the imported sample."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")

from deliberation.config import Settings  # noqa: E402
from deliberation.models import ModerationStatus, Statement  # noqa: E402
from deliberation.storage import Store  # noqa: E402
from ui.i18n import LANGUAGES, ROOM_LANGUAGE_SETTING, Words  # noqa: E402
from ui_helpers import app, console_sign_in, texts, unescape  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
#: The console's modules: every message id they name must exist (tests/test_i18n.py checks that every
#: language has every id English has).
CONSOLE_FILES = ["ui/views/moderator.py", "ui/run_console.py", "ui/run_stop.py", "ui/review_cards.py",
                 "ui/room_language.py", "ui/seed_form.py", "ui/console_live.py"]
#: English a German console must not show (its headings, buttons and status lines).
ENGLISH = ["Moderator console", "Moderation queue", "Sign out", "Review ", "Coverage audit", "Cited statements",
           "Submit the decisions", "Approve all drafts", "Voting is", "Open voting", "Close voting",
           "Run the facilitation graph", "The graph waits", "Statements participants see", "Voting closed",
           "Seed statements"]


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _page(at) -> str:
    """The page's text with its buttons', tabs' and widgets' labels."""
    labels = [b.label for b in at.button] + [t.label for t in at.tabs] + [r.label for r in at.radio]
    return unescape(texts(at)) + "\n" + "\n".join(labels)


def test_every_message_id_the_console_names_exists():
    """A literal id in w("…") of the console's modules that no message file has would raise
    KeyError only when that line runs (a rare error path); ids built from a prefix are listed."""
    en = Words("en")
    named = set()
    for f in CONSOLE_FILES:
        source = (REPO / f).read_text(encoding="utf-8")
        named |= set(re.findall(r'\bw\(\s*"([a-z_]+\.[a-z_.]+|[a-z_]+)"', source))
    assert len(named) > 100, len(named)
    assert not [m for m in named if m not in en], sorted(m for m in named if m not in en)
    built = ["imports.kind_statements", "imports.kind_polis", "imports.from_path", "imports.from_upload",
             "imports.path_polis", "imports.path_statements", "queue.accept", "queue.accepting", "queue.reject",
             "queue.rejecting", "review.group_agrees", "review.group_disagrees", "review.verdict_entailed",
             "review.verdict_no_opinion", "voting.state_open", "voting.state_not_opened", "voting.state_closed",
             *(f"review.{d}" for d in ("approve", "edit", "reject")),
             *(f"imports.status_{m.value}" for m in ModerationStatus),
             *(f"voting.col_{c}" for c in ("draft", "speaks_for", "agree", "disagree", "pass", "text"))]
    assert not [m for m in built if m not in en]


def test_the_import_previews_status_says_published_for_every_status_participants_see():
    """The preview said "published" for an accepted statement but "not moderated" for an unmoderated
    one, which participants see too (Statement.is_public; deliberation/services.py's summary: "shown
    to participants"): a moderator could read it as held back. In every language the status of a
    statement participants see begins with the same word, and no other status does."""
    for lang in LANGUAGES:
        w = Words(lang)
        published = re.split(r" \(|（", w("imports.status_accepted"))[0]  # Chinese opens its brackets with no space
        said = {m: w(f"imports.status_{m.value}") for m in ModerationStatus}
        seen = {m: Statement(external_id="1", text="A statement.", moderation=m).is_public for m in ModerationStatus}
        assert {m: s.startswith(published) for m, s in said.items()} == seen, (lang, said)


def test_the_run_steps_are_said_in_every_language():
    """The graph's steps have one home (deliberation/messages' [step]): the command line's words
    (graphs.runner.STEP_WORDS) and the console's in every language come from it."""
    from deliberation.words import Texts
    from graphs import runner
    from ui.i18n import step_words, where_stopped

    assert runner.where_stopped(["intake", "draft"]) == "after drafting statements"
    assert where_stopped(Words("en"), ["intake", "draft"]) == "after drafting statements"
    assert step_words(Words("de"), ["draft", "unknown-step"]) == "Aussagen entwerfen, unknown-step"
    for lang in LANGUAGES:
        assert all(f"step.{n}" in Texts(lang) for n in runner.STEPS)


def test_a_german_rooms_console_speaks_german(sample):
    store = Store(Settings(data_dir=sample.data_dir))
    store.update_settings(sample.cid, {ROOM_LANGUAGE_SETTING: "de"})
    held = [s for s in store.statements(sample.cid) if s.moderation is ModerationStatus.NEEDS_REVIEW]
    at = app("moderator")
    at.query_params["code"] = sample.code  # the room's link: its sign-in is in its language
    at.run()
    _ok(at)
    assert at.title[0].value == "Moderationskonsole"
    console_sign_in(at, sample.code, sample.secret, "Öffnen")
    _ok(at)
    assert [t.label for t in at.tabs][-4:] == ["Import", "Moderationswarteschlange", "Moderationslauf", "Abstimmung"]
    assert "In diese Beteiligung importieren" not in _page(at) and "Vorschau" in _page(at)
    assert [m.value for m in at.metric if m.label == "Aussagen"]
    assert {"Abmelden", "Startaussagen hinzufügen"} <= {b.label for b in at.button}
    assert not [e for e in ENGLISH if e in _page(at)], [e for e in ENGLISH if e in _page(at)]

    at.session_state["mod-tab"] = "Moderationswarteschlange"
    at.run()
    _ok(at)
    assert f"{len(held)} Aussagen wurden beim Eingang markiert" in _page(at)
    assert {"Annehmen", "Ablehnen"} <= {b.label for b in at.button}
    at.button(key=f"mod-q-accept-{held[0].external_id}").click().run()
    _ok(at)
    now = {s.external_id: s.moderation for s in store.statements(sample.cid)}
    assert now[held[0].external_id] is ModerationStatus.ACCEPTED

    at.session_state["mod-tab"] = "Moderationslauf"
    at.run()
    assert "Moderationslauf starten" in _page(at)
    at.button(key="mod-run-start").click().run(timeout=600)
    _ok(at)
    page = _page(at)
    for german in ["Der Lauf wartet auf Ihre Durchsicht", "Prüfung der Abdeckung", "Zitierte Aussagen",
                   "Entscheidungen absenden", "Alle Entwürfe annehmen", "Entwürfe durchsehen", "Gemeinsamer Nenner 1",
                   "Bestanden: Jede Gruppe hat einen Entwurf"]:  # the audit's verdict, as the report says it
        assert german in page, german
    assert "Every opinion group" not in page and not [e.value for e in at.success if "Passed" in e.value]
    # the run's log lines (the progress and the log's own expander) in German, as the graph wrote
    # them in English for the command line and report.json
    log = "\n".join(t.value for t in at.text)
    for german in ["Eingang: ", " in der Moderationswarteschlange, ", "Analyse: ", " Meinungsgruppen, ",
                   "Entwurf: ", "Prüfung ", " Sätzen gestützt", "Abdeckung: "]:
        assert german in log and german in page, (german, log)
    assert not [e for e in ("intake:", "analyse:", "draft:", "sentences supported", "audit:", "opinion groups")
                if e in page], log
    # each draft by its heading, never by its key ("Prüfung all:1: …")
    assert "Prüfung Gemeinsamer Nenner 1: " in log and not re.search(r"\b(all|group|topic):\d", log), log
    radios = [r for r in at.radio if (r.key or "").startswith("mod-dec-")]
    assert radios and radios[0].label == "Entscheidung" and radios[0].options == ["Annehmen", "Ändern", "Ablehnen"]
    at.button(key="mod-review-submit").click().run()  # no decision yet: said, nothing sent
    assert "Noch kein Entwurf hat eine Entscheidung" in _page(at)
    at.button(key="mod-review-approve-all").click().run(timeout=600)
    _ok(at)
    page = _page(at)
    assert re.search(r"Durchsicht gespeichert\. \d+ Entwürfe sind veröffentlicht", page), page
    assert "Die Abstimmung ist **noch nicht offen**" in texts(at)  # the console moved to the Voting tab
    assert list(at.dataframe[0].value.columns) == ["Entwurf", "spricht für", "dafür", "dagegen", "weiß nicht", "Text"]
    at.button(key="mod-vote-open").click().run()
    _ok(at)
    assert "Die Abstimmung ist **offen**" in texts(at) and "Bisher haben 0 Personen" in texts(at)
    assert at.button(key="mod-vote-close").label == "Abstimmung schließen und zählen"
    at.button(key="mod-vote-close").click().run(timeout=600)
    _ok(at)
    page = _page(at)
    assert "Abstimmung geschlossen." in page, page
    left = [e for e in ENGLISH if e in page]
    assert not left, left

    # the moderator's own language for the console, as a participant chooses one for their page
    at.selectbox(key="mod-lang-menu-de").set_value("fr").run()
    _ok(at)
    assert at.title[0].value == "Console d'animation" and at.query_params["lang"] == "fr"
    assert "Se déconnecter" in [b.label for b in at.button]
    assert [t.label for t in at.tabs][-4:] == ["Import", "File de modération", "Animation", "Vote"]
