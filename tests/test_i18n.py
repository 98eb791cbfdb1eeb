"""The app's words in every language (ui/messages/*.toml, read by ui/i18n.py; the report's words:
deliberation/messages/*.toml, read by deliberation/report_text.py): each language file has every
message id of English, no id English lacks, the same placeholders in each text, and a
counted text (one/other) where English has one; every text formats with its placeholders."""

from __future__ import annotations

import re
import string

import pytest

from deliberation.wording import TERMS
from deliberation.words import CONVERTED, Texts, load, message_file
from ui.i18n import FORMS, LANGUAGES, Words, placeholders


def _forms(text) -> dict[str, str]:
    return text if isinstance(text, dict) else {"": text}


@pytest.mark.parametrize("package", ["ui", "deliberation"])
def test_every_language_has_every_id_with_the_same_placeholders(package):
    """The pages' words (ui/messages) and the report's (deliberation/messages)."""
    english = load(package, "en")
    assert len(english) > 100
    files = {p.stem for p in message_file(package, "en").parent.iterdir() if p.suffix == ".toml"}
    # every file is an offered language (Traditional Chinese, zh-Hant in Taiwan's words, too), none is left unread;
    # Simplified Chinese has none: it is the Traditional words converted (deliberation.words.CONVERTED)
    assert files == set(LANGUAGES) - set(CONVERTED) and "zh" in files, files
    for lang in LANGUAGES:
        assert lang in CONVERTED or message_file(package, lang).is_file(), f"{package}/messages/{lang}.toml is missing"
        texts = load(package, lang)
        assert not set(english) - set(texts), f"{lang}.toml lacks {sorted(set(english) - set(texts))}"
        assert not set(texts) - set(english), f"{lang}.toml has ids English lacks: {sorted(set(texts) - set(english))}"
        for mid, text in texts.items():
            en = english[mid]
            assert isinstance(text, dict) == isinstance(en, dict), f"{lang}.toml: {mid} is counted in one language only"
            if isinstance(text, dict):
                assert set(text) == set(FORMS), f"{lang}.toml: {mid} needs exactly the forms {FORMS}"
            want = set().union(*(placeholders(t) for t in _forms(en).values()))
            for form, t in _forms(text).items():
                assert t.strip(), f"{lang}.toml: {mid} {form} is empty"
                assert placeholders(t) <= want | {"n"} and want - {"n"} <= placeholders(t), (
                    f"{lang}.toml: {mid} {form} has placeholders {sorted(placeholders(t))}, English {sorted(want)}")
            fields = {f: 1 for f in want}
            for t in _forms(text).values():  # each form formats (a stray brace would raise here)
                t.format(**{"n": 1, **fields})
            words = Words(lang) if package == "ui" else Texts(lang)
            assert words.lang == lang and words(mid, **{"n": 1, **fields})  # and the lookup finds it in this language
    if package == "deliberation":  # deliberation.wording.TERMS is en.toml's [terms] table (its one home)
        assert set(TERMS) == {"jr", "ejr", "gic", "schulze"}
        assert all(TERMS[k] is english[f"terms.{k}"] for k in TERMS)


#: fields of deliberation's sentences read back by a pattern of their own (deliberation.words.FIELD_PATTERNS,
#: PROBLEM_FIELDS),
#: written as they are
WRITTEN = {"checks": "EJR", "quoted": "'x, y; z'", "id_kind": "author", "instruction": "mentions the system prompt"}
#: ... of them, those that are deliberation's words too, said again in the language
SAID_AGAIN = ("id_kind", "instruction")


def test_every_sentence_of_deliberation_reads_back_into_its_own_words():
    """Each ``said.*`` text of en.toml, written with its fields, is read back into the same text of
    every language (deliberation.words.retell): no two English texts are mistaken for each other."""
    from deliberation.words import NUMBER_FIELDS, PERCENT_FIELDS, SAID, percent, retell, said

    from deliberation.report_text import LANGUAGE_NAMES
    from deliberation.text.languages import LANGUAGES as DETECTED, language_name

    english = {mid: t for mid, t in load("deliberation", "en").items() if mid.startswith(SAID + ".")}
    assert len(english) > 50
    # every language the analysis can name in a sentence has its name in every language
    assert {LANGUAGE_NAMES + language_name(code) for code in DETECTED} <= set(load("deliberation", "en"))
    for mid, text in english.items():
        for n, form in ((1, "one"), (7, "other")) if isinstance(text, dict) else ((7, ""),):
            fields = {f: WRITTEN.get(f) or (percent(0.125, 1) if PERCENT_FIELDS.match(f) else "7" if NUMBER_FIELDS.match(f)
                                            else f"x{f}")
                      for t in _forms(text).values() for f in placeholders(t) if f != "n"}
            written = said(mid.removeprefix(SAID + "."), n=n, **fields)
            for lang in LANGUAGES:
                said_in = {f: retell(v, lang) if f in SAID_AGAIN else Texts(lang).percent(0.125, 1)
                           if PERCENT_FIELDS.match(f) else v for f, v in fields.items()}
                assert retell(written, lang) == Texts(lang)(mid, n=n, **said_in), (mid, form, lang, written)


def test_french_and_spanish_sentences_keep_their_articles_before_a_name_or_number():
    """French never elides before a placeholder (the coverage audit's note on topics' voices read
    "se rapporte à l'1 auteur distinct" for one author, "à l'0" for none), and Spanish does not put
    "de" before a topic's name, which carries its article ("el de el tema «…»" in the audit's
    redraft route, where Spanish says "del")."""
    import re

    from deliberation.report_text import said_in
    from deliberation.wording import audience_name
    from deliberation.words import said

    for package in ("ui", "deliberation"):
        elided = [(mid, t) for mid, text in load(package, "fr").items() for t in _forms(text).values()
                  if re.search(r"\b(?:[lLdDjJnNsS]|[qQ]u)'\{", t)]
        assert not elided, (package, elided)
    topics = {"3": "bus lanes"}
    rep = {"topics": [{"id": 3, "label": "bus lanes"}], "groups": [{"id": 0}, {"id": 1}]}
    route = said("audit.route_topic", where=said("audit.where_ungrouped", n_left=4),
                 audience=audience_name("topic:3", topics), sid="12")
    spanish = said_in(rep, Texts("es"))(route)
    assert "«bus lanes»" in spanish and not re.search(r"\bde el\b", spanish), spanish
    for n in (0, 1):
        french = said_in(rep, Texts("fr"))(said("audit.voices", n=n))
        assert f" {n} auteur distinct" in french and f"l'{n}" not in french, french


def test_the_map_says_why_it_is_missing_in_the_pages_language():
    """The analysis's note on why there are no opinion groups, on a German page, in German."""
    from deliberation.words import said
    from ui.opinion_map import no_map_reason

    analysis = {"n_votes": 3, "notes": [said("groups.only_one_voted", need=1)]}
    assert no_map_reason(analysis, None, 1, Words("de")) == (
        "Noch keine Meinungskarte: Erst eine Person hat abgestimmt, daher haben sich keine Meinungsgruppen "
        "gebildet (nötig sind mindestens 2 Teilnehmende mit 1 oder mehr Stimmen).")
    assert no_map_reason(analysis, None, 1) == f"No opinion map yet: {analysis['notes'][0]}"


def test_counted_texts_pick_their_form():
    assert Words("en")("mine.votes", n=1) == "1 vote" and Words("en")("mine.votes", n=0) == "0 votes"
    assert Words("fr")("mine.votes", n=0) == "0 vote"  # French counts zero as one
    assert Words("de")("mine.votes", n=2) == "2 Stimmen"
    assert Words("xx").lang == "en"  # a language the app does not speak falls back to English


def test_drafts_are_named_in_the_page_language():
    from ui.i18n import draft_heading

    de, fr = Words("de"), Words("fr")
    assert draft_heading(de, {"key": "all:2", "heading": "Common ground 2"}) == "Gemeinsamer Nenner 2"
    assert draft_heading(de, {"key": "group:1", "heading": "What group B asks for"}) == "Was Gruppe B fordert"
    assert draft_heading(fr, {"key": "topic:3", "heading": "Where opinions split on the topic “parking · market”"}) \
        == "Là où les avis divergent sur le thème «\u00a0parking · market\u00a0»"  # no-break: deliberation.words
    assert draft_heading(Words("en"), {"key": "group:1", "heading": "What group B asks for"}) == "What group B asks for"


def test_a_draft_caption_counts_its_sources():
    """A room of six read 'Draft 14 · based on statements 5' under a draft citing one statement."""
    from ui.i18n import draft_caption

    one, two = {"statement_id": "14", "citations": ["5"]}, {"statement_id": "14", "citations": ["3", "5"]}
    assert draft_caption(Words("en"), one) == "Draft 14 · based on statement 5"
    assert draft_caption(Words("en"), two) == "Draft 14 · based on statements 3, 5"
    assert draft_caption(Words("de"), one) == "Entwurf 14 · beruht auf Aussage 5"
    assert draft_caption(Words("fr"), one) == "Projet 14 · fondé sur la proposition 5"
    assert draft_caption(Words("es"), two) == "Borrador 14 · basado en las afirmaciones 3, 5"


def test_a_vote_after_the_drafts_closed_names_the_draft_and_says_it_closed():
    """A room of six read 'voting on this draft (statement 16) is not open (the moderator has not opened
    it yet, or has closed it)' under an item the page called 'Draft 16', in every language."""
    import streamlit as st

    from deliberation.errors import VotingClosed
    from ui.participant_actions import PAGE_LANGUAGE_KEY, reason

    said = {"en": "voting on the drafts has closed (Draft 16)", "de": "die Abstimmung über die Entwürfe ist beendet "
            "(Entwurf 16)", "fr": "le vote sur les projets de texte est clos (Projet 16)",
            "es": "la votación de los borradores está cerrada (Borrador 16)"}
    for lang, words in said.items():
        st.session_state[PAGE_LANGUAGE_KEY] = lang
        assert reason(VotingClosed("closed", draft="16", closed=True)) == words
    assert reason(VotingClosed("x", draft="16")) == "la votación de este borrador aún no está abierta (Borrador 16)"


def test_a_ballot_item_for_several_drafts_names_each_in_the_page_language():
    """A merged ballot item (a small room's topic draft with a group draft's words) was named after
    its first draft only on a German or French page: 'Gemeinsamer Nenner 1' for an item that also
    stands for group A's and a topic's drafts, as the English heading says."""
    from ui.i18n import draft_heading

    p = {"key": "all:1", "also": ["group:0", "topic:2"],
         "heading": "Common ground 1; What group A asks for; What people said about the topic “parking, buses”"}
    assert draft_heading(Words("de"), p) == ("Gemeinsamer Nenner 1; Was Gruppe A fordert; "
                                             "Was zum Thema „parking, buses“ gesagt wurde")
    assert draft_heading(Words("en"), p) == p["heading"]


def test_the_pass_button_names_the_answer_my_votes_and_the_acknowledgement_show():
    """The Vote tab's third button ("Pass / unsure") stores the answer My votes and "Vote stored: …"
    then call "Pass": in French the button said "Passer / je ne sais pas" and the vote showed as
    "Sans avis", a word the participant had not pressed."""
    for lang in LANGUAGES:
        w = Words(lang)
        assert w("answer.pass_unsure").startswith(w("answer.pass")), lang


def test_the_board_names_a_replaced_drafts_ballot_item_after_the_drafts_it_still_stands_for():
    """A ballot item for two drafts with the same words ('Common ground 1; What people said about the
    topic “parking”') whose first draft a revision round replaced: the board listed it under its whole
    heading beside the revision, two items called "Common ground 1"."""
    from ui.common import ballot_slate
    from ui.i18n import draft_heading

    published = [{"key": "all:1", "also": ["topic:2"], "statement_id": "10", "round": 0, "text": "A",
                  "heading": "Common ground 1; What people said about the topic “parking”"},
                 {"key": "all:1", "statement_id": "16", "round": 1, "text": "A, revised", "heading": "Common ground 1"}]
    assert [(p["statement_id"], p["heading"]) for p in ballot_slate({"published": published})] == [
        ("16", "Common ground 1"), ("10", "What people said about the topic “parking”")]
    assert draft_heading(Words("de"), ballot_slate({"published": published})[1]) == "Was zum Thema „parking“ gesagt wurde"


def _english_left(page: str, statements: list[str], packages=("ui", "deliberation")) -> list[str]:
    """The runs of three words or more of the English texts of ``packages``' messages that ``page``
    still holds once the participants' ``statements`` (and the moderator's question) are taken out."""
    for text in sorted(set(statements), key=len, reverse=True):  # their words stay as they were written
        page = page.replace(" ".join(text.split()), "")
    english = {lit.strip() for package in packages for text in load(package, "en").values()
               for t in _forms(text).values() for lit, _, _, _ in string.Formatter().parse(t)}
    return sorted(lit for lit in english if len(lit.split()) >= 3 and lit in page)


def _german_report(tmp_path):
    """The sample consultation (corpora/harbour-road) analysed, in a room whose language is German:
    its common-ground item published as statement 900 with a vote, group A's draft rejected by the
    moderator; the grouping's stability measured, the real tally's notes and coverage audit in the
    report; the report's files written as the graph writes them (English)."""
    from conftest import SAMPLE
    from deliberation.analysis.groups import GroupingConfig
    from deliberation.analysis.pipeline import AnalysisConfig, analyze
    from deliberation.config import Settings
    from deliberation.facilitation import build_requests
    from deliberation.importers.polis import read_polis_export
    from deliberation.report import build_report, write_report
    from deliberation.storage import Store
    from ui.i18n import ROOM_LANGUAGE_SETTING

    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings)
    bundle = read_polis_export(SAMPLE)
    cid = store.import_bundle(bundle, question="Wie soll die Harbour Road künftig aussehen?").consultation_id
    store.update_settings(cid, {ROOM_LANGUAGE_SETTING: "de"})
    # Polis's map, its stability not measured: the report's words are under test, not the grouping
    config = AnalysisConfig(grouping=GroupingConfig(mode="polis", subgroups=False))
    result = analyze(bundle.vote_matrix(), bundle.statements, None, config=config)
    source = next(r.sources[0] for r in build_requests(result, bundle.statements, "q") if r.speaks_for == "all:1")
    said = [{"text": source.text, "citations": [source.id]}]
    votes = {"agree": 3, "disagree": 1, "passes": 0, "n_votes": 4,
             "groups": [{"group": "group:0", "agree": 2, "disagree": 1, "passes": 0, "n_votes": 3}]}
    state = {"question": "Wie soll die Harbour Road künftig aussehen?", "consultation_id": cid,
             "analysis": result.model_dump(mode="json"),
             "drafts": [{"key": "all:1", "kind": "consensus", "status": "published", "sentences": said,
                         "drafter": "extractive"},
                        {"key": "group:0", "kind": "minority", "status": "rejected", "sentences": said,
                         "drafter": "extractive"}],
             "published": [{"key": "all:1", "statement_id": "900", "heading": "Common ground 1"}],
             "tally": {"drafts": [{"draft_id": "900", **votes}], "ranking_gic": ["900"], "ranking_schulze": [["900"]]},
             "moderation": {"note": "", "queue": [{"id": "7", "reason": "contains personal data (email); redacted"}]}}
    state.update(_tally_and_audit(bundle, result, store.statements(cid), source.id, state))
    rep = build_report(state, store.statements(cid), store.counts(cid))
    write_report(rep, settings.data_dir / "reports" / str(cid))
    return settings, store.get_consultation(cid), rep, source.text


def _tally_and_audit(bundle, result, statements, source_id: str, state: dict) -> dict:
    """The real tally's notes (three of the sample's statements counted as drafts, and statement 900,
    which no one voted on) and the real coverage audit of the state's drafts, as the graph keeps them."""
    from deliberation.coverage import audit_coverage
    from deliberation.facilitation import approvals_from_matrix, group_labels, group_members, placement_note
    from deliberation.models import Draft, DraftSentence
    from deliberation.tally import tally

    matrix = bundle.vote_matrix()
    labels, placed = group_labels(result, matrix)  # as the graph's tally places late participants
    counted = tally(matrix, labels, [source_id, *[s for s in matrix.statement_ids if s != source_id][:3]])
    unvoted = tally(matrix, labels, ["900", source_id], names={"900": "Common ground 1 (900)"}, closed=True)
    drafts = [Draft(kind=d["kind"], speaks_for=d["key"], status=d["status"],
                    sentences=[DraftSentence(**x) for x in d["sentences"]]) for d in state["drafts"]]
    audit = audit_coverage(drafts, group_members(result, statements), approvals_from_matrix(matrix),
                           draft_keys=[d["key"] for d in state["drafts"]])
    placement = placement_note(placed + 2, int((labels < 0).sum()) + 1)  # (the sample has no one to place)
    return {"tally": {**state["tally"], "notes": counted.notes + unvoted.notes + [placement]},
            "audit": audit.model_dump(mode="json")}


@pytest.fixture(scope="module")
def german_report(tmp_path_factory):
    """:func:`_german_report`, once for the tests of this file that read it."""
    return _german_report(tmp_path_factory.mktemp("german"))


def test_the_reports_analysis_sentences_speak_the_rooms_language(german_report):
    """The sentences the report takes from the analysis, the grouping's stability, the coverage audit
    and the tally (en.toml's ``said.*``, written in English where they are made) are said in the
    room's language: no run of three words or more of any English text of deliberation/messages
    is left in the German or the French report, once the participants' statements are taken out.
    The English report and the analysis's JSON keep their English sentences."""
    from deliberation.report import to_markdown
    from conftest import SAMPLE
    from deliberation.importers.polis import read_polis_export

    _, _, rep, _ = german_report
    statements = [s.text for s in read_polis_export(SAMPLE).statements]
    assert rep["audit"]["findings"] and rep["tally"]["notes"] and rep["notes"]
    assert rep["method"]["grouping"]["stability"]["text"].startswith("the ")
    for lang in ("de", "fr", "zh"):
        left = _english_left(to_markdown(rep, lang).replace("\\", ""), statements, packages=("deliberation",))
        assert not left, (lang, left)
    md = to_markdown(rep)
    assert rep["method"]["grouping"]["stability"]["text"][4:] in md  # English as it was


def test_the_report_speaks_the_rooms_language(german_report, monkeypatch):
    """A German town hall's report: its headings, section texts, vote words, why a section is empty
    and counts (singular and plural) in German, the participants' statement in the words it was
    written in; the report page says it in the room's language, its downloads too, and leaves the
    moderation section out for the public."""
    from deliberation.report import to_html, to_markdown
    from ui_helpers import app, texts, unescape

    settings, c, rep, statement = german_report
    md = to_markdown(rep, "de").replace("\\", "")
    for said in ["# Bericht zur Beteiligung", "## Gemeinsamer Nenner", "### Gemeinsamer Nenner 1",
                 "Abstimmung (Entwurf 900): 3 dafür, 1 dagegen, 0 weiß nicht. Nach Gruppen: Gruppe A: 2 dafür, "
                 "1 dagegen, 0 weiß nicht; in keiner Gruppe: 1 Stimme.",
                 "In diesem Abschnitt gibt es keinen Entwurf: Die Moderation hat den 1 Entwurf dafür abgelehnt.",
                 "## Wie die Entwürfe abgeschnitten haben",
                 "Nach Zustimmung über die Gruppen hinweg: Gemeinsamer Nenner 1 (Entwurf 900).",
                 "ABGELEHNT: Was Gruppe A fordert", statement]:
        assert said in md, said
    p = rep["participation"]
    assert f"{p['participants']} Teilnehmende gaben {p['votes']} Stimmen " in md and f"zu {p['statements']} Aussagen" in md
    english = ["Consultation report", "Common ground", "No draft in this section", "Vote (draft", "agree,",
               "participants cast", "Cited statements", "Opinion groups", "How the drafts"]
    assert not [w for w in english if w in md], [w for w in english if w in md]
    assert "Gemeinsamer Nenner 1" in to_html(rep, "de") and "Consultation report" not in to_html(rep, "de")
    assert "Common ground 1" in to_markdown(rep)  # the graph's English report is as it was

    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    r = app("report")
    r.query_params["code"] = c.code
    r.run()
    assert not r.exception and not r.error, (r.exception, [e.value for e in r.error])
    page = unescape(texts(r))
    for said in ["Bericht zur Beteiligung", "Abstimmung (Entwurf 900): 3 dafür", "Abstimmung über die Entwürfe",
                 "Bericht erstellt am", "Den Abschnitt zur Moderation sieht nur die Moderation.", statement]:
        assert said in page, said
    assert "Für die Moderation zurückgehalten" not in page and "Consultation report" not in page
    assert {"Bericht (Markdown)", "Bericht (HTML)"} <= {d.label for d in r.download_button}
    # the code box speaks the page's language: its example and a code no consultation has
    assert r.text_input(key="code-input").placeholder == "z. B. K7RM2Q"
    r.text_input(key="code-input").input("NOPE99").run()
    assert "Zu diesem Code gibt es keine Beteiligung." in unescape(texts(r))
    assert "No consultation has this code" not in texts(r)


def test_the_board_counts_a_topic_in_the_reports_words():
    """The board's topic line is the report's (deliberation.report_text.topic_counts), in each language."""
    from deliberation.report_text import topic_counts
    from ui.i18n import topic_line

    topic = {"n_statements": 9, "n_authors": 1, "n_seed": 3, "n_moderator_seeds": 2}
    assert topic_line(Words("de"), topic) == ("9 Aussagen · 1 Person · 2 Startaussagen der Moderation · "
                                              "1 ohne bekannte Urheberschaft")
    assert topic_line(Words("en"), topic) == ("9 statements from 1 participant, the moderator's 2 seed statements "
                                              "and 1 without a named author")
    for lang in LANGUAGES:
        assert topic_line(Words(lang), topic) == topic_counts(9, 1, 3, 2, lang)


def test_the_reports_counts_agree_with_their_number():
    """'1 participante emitieron 1 voto': the verb of the report's first line counts the people too."""
    from deliberation.report import participation_line

    one = {"participants": 1, "votes": 1, "statements": 1, "moderated_out": 1}
    assert participation_line(one) == ("1 participant cast 1 vote on 1 statement (1 more statement was held or "
                                       "rejected by moderation).")
    assert participation_line(one, "de").startswith("1 Person gab 1 Stimme zu 1 Aussage ab (die Moderation hat 1 "
                                                    "weitere Aussage")
    assert participation_line(one, "es").startswith("1 participante emitió 1 voto sobre 1 afirmación")
    assert participation_line({**one, "participants": 0, "votes": 2}, "fr").startswith(
        "0 participant a exprimé 2 votes sur 1 proposition")  # French counts zero as one


def test_the_german_report_counts_drafts_put_to_the_vote_not_drafts_voted_on():
    """A German room's report said "38 zu den 7 Entwürfen, über die abgestimmt wurde" ("the 7 drafts that
    were voted on") where one of the 7 drafts opened for voting got no vote (found in a German room run
    by hand); it now says they were put to the vote, as the English, French and Spanish reports do."""
    from deliberation.report import participation_line

    p = {"participants": 8, "votes": 159, "statements": 12, "draft_votes": 38, "drafts": 7}
    assert participation_line(p).endswith("38 on the 7 drafts put to the vote.")
    german = participation_line(p, "de")
    assert "38 zu den 7 zur Abstimmung gestellten Entwürfen" in german and "abgestimmt wurde" not in german
    one = participation_line({**p, "draft_votes": 2, "drafts": 1}, "de")
    assert "2 zu dem einen zur Abstimmung gestellten Entwurf" in one


def test_the_start_page_speaks_the_language_of_the_room_in_its_address(tmp_path, monkeypatch):
    """The start page (``/?code=``, where a room's link without a page leads) was English in every
    room; it now speaks the room's language like the pages it links to, and passes the code on."""
    from deliberation.config import Settings
    from deliberation.storage import Store
    from ui.i18n import ROOM_LANGUAGE_SETTING
    from ui_helpers import app, texts

    monkeypatch.setenv("DELIBERATION_DATA", str(tmp_path / "data"))
    store = Store(Settings(data_dir=tmp_path / "data"))
    c, _ = store.create_consultation("Wie soll der Marktplatz aussehen?", secret="start-page-secret")
    store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: "de"})
    home = app("home")
    home.query_params["code"] = c.code
    home.run()
    assert not home.exception, [e.value for e in home.exception]
    shown = texts(home)
    assert "Beteiligung" in shown and "Stimme nicht zu" in shown and "Share short statements" not in shown, shown
    english = app("home")
    english.run()
    assert "Share short statements" in texts(english)


@pytest.mark.parametrize("tag", ["zh", "zh-TW", "zh-Hant", "zh_tw"])
def test_an_address_names_the_chinese_pages_by_the_tag_an_invitation_writes(tmp_path, monkeypatch, tag):
    """``?lang=zh-TW`` (how a Taiwanese invitation or vTaiwan's own links name the language) gave the
    English room's page in English: only the bare code "zh" was read. Any tag of the language is it, and
    the page's links carry the language's code on."""
    from ui_helpers import joined_room, texts

    at, c = joined_room(tmp_path / "data", monkeypatch, "Should Harbour Road get bus lanes?", "en")
    assert f"Consultation {c.code}" in texts(at)  # an English room
    at.query_params["lang"] = tag
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert f"討論 {c.code}" in shown and "目前還沒有意見。" in shown and "Consultation " not in shown, shown


#: a small room in a consultation whose statements are in two languages (test_small_room_drafts's
#: three people, a split topic among them, and three more statements, one of them German)
ROOM_EXTRA = [("8", "p2", "The market square needs more benches and shade."),
              ("9", "p1", "Parking on Harbour Street should be free on Saturdays."),
              ("10", "p3", "Die Stadtbibliothek sollte auch sonntags geöffnet sein.")]


#: the moderator secret of :func:`voting_room`
VOTING_ROOM_SECRET = "voting-room-secret"


@pytest.fixture(scope="module")
def voting_room(tmp_path_factory):
    """The room run through the graph (real SQLite, Chroma and embedding model, the extractive
    drafter) with every draft approved and the vote open: its drafts hold a split topic's positions,
    each with who holds it, and its topics' labels name their languages."""
    from test_small_room_drafts import QUESTION, STATEMENTS, VOTES, write_room

    from deliberation.config import Settings
    from deliberation.importers.tabular import read_statements_file
    from deliberation.storage import Store
    from graphs import runner

    tmp = tmp_path_factory.mktemp("room")
    votes = {**VOTES, "8": [1, 1, 1], "9": [1, -1, 1], "10": [1, 1, 1]}
    paths = write_room(tmp / "files", STATEMENTS + ROOM_EXTRA, votes)
    settings = Settings(data_dir=tmp / "data").ensure()
    store = Store(settings)
    bundle = read_statements_file(paths[0], votes_path=paths[1], question=QUESTION)
    cid = store.import_bundle(bundle, question=QUESTION, secret=VOTING_ROOM_SECRET).consultation_id
    runner.start(settings, cid)
    st = runner.resume(settings, cid, {"reviewer": "moderator", "approve_all": True})
    runner.open_voting(settings, cid)
    return settings, store, cid, st.values


@pytest.fixture
def room(voting_room, tmp_path):
    """This test's own copy of :func:`voting_room` (its folder copied): a test that changes the room's
    language or closes its vote leaves the next test the room as it was built, in any order."""
    from conftest import copy_data

    from deliberation.config import Settings
    from deliberation.storage import Store

    built, _store, cid, values = voting_room
    settings = Settings(data_dir=copy_data(built.data_dir, tmp_path / "data"))
    return settings, Store(settings), cid, values


#: what follows who holds a position before its quoted statement, in each language
QUOTED = {"en": ": “", "de": ": „", "fr": "\u00a0: «\u00a0", "es": ": «", "zh": "：「", "zh-Hans": "：“"}  # French: no-break, deliberation.words


def test_a_german_consoles_voting_tab_says_who_holds_a_position_in_german(room, monkeypatch):
    """The Voting tab's table of the drafts put to the vote, in a German room's console: a split
    topic's draft said "Most of group A agree (2 of 2 who voted): “…”" in English (its stored text)
    while the review, the participants' page and the board said it in German (found in a German
    room of two languages run by hand)."""
    from ui.i18n import ROOM_LANGUAGE_SETTING
    from ui_helpers import app, console_sign_in

    settings, store, cid, values = room
    c = store.get_consultation(cid)
    store.update_settings(cid, {ROOM_LANGUAGE_SETTING: "de"})
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    at = app("moderator")
    at.query_params["code"] = c.code  # the room's link: its console speaks the room's language
    at.run()
    console_sign_in(at, c.code, VOTING_ROOM_SECRET, "Öffnen", tab="Abstimmung")
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    table = at.dataframe[0].value
    split = next(p for p in values["published"] if "split" in p["heading"])
    [text] = table.loc[table["Entwurf"] == split["statement_id"], "Text"].tolist()
    assert "Die meisten in Gruppe A stimmen zu (2 von 2, die abgestimmt haben)" in text, text
    assert "Most of group" not in " ".join(table["Text"]) and QUOTED["de"] in text, table["Text"].tolist()


def test_a_german_a_french_and_a_chinese_room_read_no_english_outside_the_statements(room, monkeypatch):
    """The voting page (a draft to vote on, and My votes), the board and the report of a German, a
    French and a (Traditional) Chinese room: no run of three words of the app's or the report's English texts is left once
    the participants' statements are taken out. Who holds a split topic's positions ("Most of group
    A agree (2 of 2 who voted)") and a topic's languages ("(English, German)") were English in
    every room; the English pages say them as they always did."""
    import json

    from deliberation.report import to_markdown
    from graphs import runner
    from ui.i18n import ROOM_LANGUAGE_SETTING
    from ui_helpers import app, texts, unescape

    settings, store, cid, values = room
    c = store.get_consultation(cid)
    statements = [s.text for s in store.statements(cid) if not s.is_draft] + [c.question]
    published = values["published"]
    split = next(p for p in published if "split" in p["heading"])
    assert "Most of group A agree (2 of 2 who voted)" in split["text"], split["text"]
    assert {t["label"].rpartition(" (")[2] for t in values["analysis"]["topics"]["topics"]} == {"English)", "English, German)"}
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))

    def page(name: str):
        at = app(name)
        at.query_params["code"] = c.code
        at.run()
        assert not at.exception and not at.error, (name, at.exception, [e.value for e in at.error])
        return at

    seen = {}
    for lang, held, languages in (("de", "Die meisten in Gruppe A stimmen zu (2 von 2, die abgestimmt haben)",
                                   "(Englisch"),
                                  ("fr", "La majorité du groupe A est d'accord (2 sur 2 votants)", "(anglais"),
                                  ("zh", "群組 A 多數同意（投票的 2 人中 2 人）", "（英文")):
        store.update_settings(cid, {ROOM_LANGUAGE_SETTING: lang})
        voter = page("participant")
        voter.button(key="join-button").click().run()
        pid = voter.session_state["participant"]["pid"]
        for p in published:  # every draft voted on but the split topic's, which the Vote tab shows
            if p is not split:
                store.cast_vote(cid, pid, p["statement_id"], 1, create_participant=True)
        voter.run()
        board = page("board")
        seen[lang] = {"voting page": unescape(texts(voter)), "board": unescape(texts(board))}
        for where, text in seen[lang].items():
            assert held in text and languages in text, (lang, where, text)
            # the room's colon and quote marks (a no-break space reads as a space here)
            assert QUOTED[lang].replace("\u00a0", " ") in text.replace("\u00a0", " ") and ": “" not in text, (lang, where)
            assert not _english_left(text, statements), (lang, where, _english_left(text, statements))
    st = runner.resume(settings, cid, {"close": True})
    with open(st.values["report"]["paths"]["json"], encoding="utf-8") as f:
        rep = json.load(f)
    for lang in ("de", "fr", "zh"):
        store.update_settings(cid, {ROOM_LANGUAGE_SETTING: lang})
        for where, text in {"report": to_markdown(rep, lang).replace("\\", ""),
                            "report page": unescape(texts(page("report")))}.items():
            assert not _english_left(text, statements), (lang, where, _english_left(text, statements))
            assert "Most of group" not in text and "(English" not in text, (lang, where)
            assert QUOTED[lang].replace("\u00a0", " ") in text.replace("\u00a0", " ") and ": “" not in text, (lang, where)
    assert "Most of group A agree (2 of 2 who voted)" in to_markdown(rep)


def test_a_topics_label_says_its_own_words_and_languages_in_the_rooms_language():
    """The analysis's labels (English: the noise topic "Other", "Topic 3" for a topic without label
    terms, the languages a topic holds) in each language; a label's terms stay as they are."""
    from deliberation.wording import topic_label

    assert topic_label("Other (English, German)", "de") == "Sonstiges (Englisch, Deutsch)"
    assert topic_label("Topic 3", "fr") == "Thème 3"
    assert topic_label("parking · Topic (Chinese)", "es") == "parking · Topic (chino)"
    assert topic_label("bus · tram (German)", "en") == "bus · tram (German)"
    assert topic_label("bus · tram (Deutsch)", "de") == "bus · tram (Deutsch)"  # not ours: as it is


def test_the_checks_that_hold_are_joined_in_the_rooms_language():
    """'Réussi : … ; JR and EJR sont satisfaites': the audit's verdict kept English's "and"."""
    from deliberation.words import retell, said

    verdict = said("audit.passed_checked", n=2, heard=said("audit.heard_groups"), checks="JR and EJR")
    assert retell(verdict, "fr").endswith("\u00a0; JR et EJR sont satisfaites.")  # no-break: deliberation.words
    assert retell(verdict, "de").endswith("; JR und EJR sind erfüllt.")
    assert retell(verdict, "en") == verdict


def test_an_empty_rooms_topics_note_speaks_the_rooms_language():
    """A room without statements: the topics' note ("There are no statements, so there are no
    topics.") was an English literal the report's method notes kept English in every room."""
    import numpy as np

    from deliberation.analysis.topics import find_topics
    from deliberation.report_text import said_in

    (note,) = find_topics([], [], np.zeros((0, 8))).notes
    assert note == "There are no statements, so there are no topics."
    rep = {"topics": [], "groups": []}
    assert said_in(rep, Texts("de"))(note) == "Es gibt keine Aussagen, also gibt es keine Themen."
    assert said_in(rep, Texts("fr"))(note) == "Il n'y a aucune proposition\u00a0: il n'y a donc aucun thème."
    assert said_in(rep, Texts("es"))(note) == "No hay afirmaciones, así que no hay temas."


def test_a_quoted_position_takes_the_rooms_quote_marks_and_the_stored_text_stays():
    """French writes "… : « … »" (no-break spaces), German "…: „…“", Spanish "…: «…»": a split topic's positions
    read "…: “…”" in every room. Only what readers see: the stored draft text (what the vote and
    the ballot's merging read; the guard reads the sentences) stays English, byte for byte."""
    from deliberation.wording import ballot_text_in, draft_text, position_phrase, sentence_text

    sentences = [{"text": "Bus lanes on Harbour Road.", "held_by": position_phrase([(0, 3, 3)])},
                 {"text": "He said “no” to it.", "held_by": position_phrase([(1, 3, 4)], [(0, 2, 3)])}]
    stored = draft_text(sentences)
    assert stored == ("Most of group A agree (3 of 3 who voted): “Bus lanes on Harbour Road.” Most of group B agree "
                      "(3 of 4 who voted); most of group A disagree (2 of 3 who voted): “He said “no” to it.”")
    assert ballot_text_in(stored, "en") == stored
    assert ballot_text_in(stored, "fr") == (
        "La majorité du groupe A est d'accord (3 sur 3 votants)\u00a0: «\u00a0Bus lanes on Harbour Road.\u00a0» La "
        "majorité du groupe B est d'accord (3 sur 4 votants)\u00a0; la majorité du groupe A n'est pas d'accord (2 sur "
        "3 votants)\u00a0: «\u00a0He said “no” to it.\u00a0»")
    for lang in LANGUAGES:  # the ballot as the report's sentences say it
        assert ballot_text_in(stored, lang) == " ".join(sentence_text(s, lang) for s in sentences), lang
        assert QUOTED[lang] in sentence_text(sentences[0], lang), lang
    assert sentence_text(sentences[0], "es").endswith("votaron): «Bus lanes on Harbour Road.»")
    assert sentence_text(sentences[0], "de").endswith("haben): „Bus lanes on Harbour Road.“")
    # a statement's own quote (no position before it) stays as written
    assert ballot_text_in("The sign reads: “No parking”", "fr") == "The sign reads: “No parking”"


def test_a_runs_log_lines_are_said_in_the_consoles_language_and_written_in_english():
    """The lines a graph run writes (graphs/nodes.py, graphs/review.py: ``said.log``) stay the English
    the command line prints; the console says them in its language (ui.run_log), the reviewer's
    default name and the tally's notes too, each draft by its heading, the report's path as written."""
    from deliberation.words import said
    from graphs.nodes import tally_line
    from ui.run_log import log_lines

    lines = [said("log.intake", n=25, n_queue=2, n_out=0, n_new=25),
             said("log.review_approve", key="all:1", reviewer="moderator"),
             said("log.ground", key="group:0", n_kept=1, n_checked=2),
             tally_line(2, [said("tally.winner", draft="Common ground 1 (8)"), said("tally.no_votes")]),
             said("log.report", file="/data/reports/1/report.md"), "a line of an older run"]
    assert lines[:5] == ["intake: 25 statements, 2 in the moderation queue, 0 moderated out, 25 newly embedded",
                         "review all:1: approve by moderator", "ground group:0: 1/2 sentences supported",
                         "tally: 2 drafts; Schulze winner: Common ground 1 (8). No votes on any draft, so none "
                         "is ranked.", "report: /data/reports/1/report.md"]
    assert log_lines(lines, Words("en")) == [lines[0], "review Common ground 1: approve by moderator",
                                             "ground What group A asks for: 1/2 sentences supported", *lines[3:]]
    published = {"published": [{"key": "all:1", "heading": "Common ground 1", "statement_id": "8"}]}
    assert log_lines(lines, Words("fr"), published) == [
        "Réception\u00a0: 25 propositions\u00a0; dans la file de modération\u00a0: 2\u00a0; écartées par la "
        "modération\u00a0: 0\u00a0; nouvellement vectorisées\u00a0: 25",
        "Relecture Terrain d'entente 1\u00a0: approuvé par l'équipe d'animation",
        "Vérification Ce que demande le groupe A\u00a0: 1 sur 2 phrases étayées",
        "Décompte\u00a0: 2 projets\u00a0; Vainqueur selon la méthode de Schulze\u00a0: "
        "Terrain d'entente 1 (projet 8). "
        + Texts("fr")("said.tally.no_votes"), "Rapport\u00a0: /data/reports/1/report.md", "a line of an older run"]
    assert log_lines(lines[:1], Words("de")) == [
        "Eingang: 25 Aussagen, 2 in der Moderationswarteschlange, 0 aussortiert, 25 neu eingebettet"]
    # a run drawn step by step names its drafts from the steps' updates, which hold models, not JSON
    from graphs.state import PublishedDraft

    update = {"published": [PublishedDraft(key="all:1", kind="consensus", statement_id="8", text="x",
                                           heading="Common ground 1")]}
    assert log_lines(lines[3:4], Words("de"), update)[0].startswith(
        "Auszählung: 2 Entwürfe; Sieger nach der Schulze-Methode: Gemeinsamer Nenner 1 (Entwurf 8). ")


def test_the_note_of_a_rebuilt_vector_index_is_said_in_the_consoles_language():
    """The note intake writes when the vector index failed on a consultation's records and its vectors
    were rebuilt (deliberation.services.indexed_vectors; tests/test_vector_sharing.py makes the fault)
    stayed English in a German, French or Spanish console; the vector store's own words stay as they
    were written, and the command line's English line is as it was."""
    from ui.run_log import log_lines

    line = ("intake: the vector index failed on this consultation's records (Error finding id 2:17); rebuilt "
            "40 vectors from the statements")
    said_as = {"en": line,
               "de": "Eingang: der Vektorindex hat bei den Einträgen dieser Beteiligung versagt (Error finding id "
                     "2:17); 40 Vektoren wurden aus den Aussagen neu aufgebaut",
               "fr": "Réception : l'index vectoriel a échoué sur les enregistrements de cette consultation (Error "
                     "finding id 2:17) ; 40 vecteurs reconstruits à partir des propositions",
               "es": "Recepción: el índice vectorial falló en los registros de esta consulta (Error finding id "
                     "2:17); se reconstruyeron 40 vectores a partir de las afirmaciones"}
    for lang, expected in said_as.items():
        assert log_lines([line], Words(lang))[0].replace("\u00a0", " ") == expected, lang


def test_a_runs_log_names_each_draft_in_words_never_by_its_key():
    """The console's run log read "publish all:1 as statement 25" and "ground topic:0: 3/4 sentences
    supported" (a German console: "Veröffentlichung all:1 als Aussage 25"): each draft is named by its
    heading in the console's language (deliberation.wording, topics counted from 1), in English too;
    the command line's English lines keep their keys."""
    from deliberation.words import said
    from graphs.state import DraftRecord
    from ui.run_log import log_lines

    lines = [said("log.draft_only", n=2, drafter="extractive", keys=str(sorted({"all:1", "topic:0"}))),
             said("log.ground", key="topic:0", n_kept=3, n_checked=4),
             said("log.publish", key="all:1", sid="25"),
             said("log.publish_same", key="group:1", key_same="all:1", sid="25")]
    assert lines[2] == "publish all:1 as statement 25"  # as the command line prints it
    values = {"drafts": [DraftRecord(key="all:1", kind="consensus"),
                         DraftRecord(key="topic:0", kind="minority", split=True)],
              "published": [{"key": "all:1", "heading": "Common ground 1", "statement_id": "25"}]}
    said_as = {
        "en": ["draft: 2 drafts by extractive for Common ground 1 and Where opinions split on topic 1",
               "ground Where opinions split on topic 1: 3/4 sentences supported",
               "publish Common ground 1 as statement 25",
               "publish What group B asks for: word for word the same as Common ground 1, so one ballot item "
               "(statement 25) stands for both"],
        "de": ["Entwurf: 2 Entwürfe von extractive für Gemeinsamer Nenner 1 und Wo die Meinungen beim Thema 1 "
               "auseinandergehen", "Prüfung Wo die Meinungen beim Thema 1 auseinandergehen: 3 von 4 Sätzen gestützt",
               "Veröffentlichung Gemeinsamer Nenner 1 als Aussage 25",
               "Veröffentlichung Was Gruppe B fordert: Wort für Wort wie Gemeinsamer Nenner 1, daher steht ein "
               "Stimmzettelpunkt (Aussage 25) für beide"],
        "fr": ["Rédaction : 2 projets par extractive pour Terrain d'entente 1 et Là où les avis divergent sur le "
               "thème 1", "Vérification Là où les avis divergent sur le thème 1 : 3 sur 4 phrases étayées",
               "Publication Terrain d'entente 1 comme proposition 25",
               "Publication Ce que demande le groupe B : mot pour mot comme Terrain d'entente 1, donc un seul point "
               "de vote (proposition 25) vaut pour les deux"],
        "es": ["Redacción: 2 borradores de extractive para Terreno común 1 y Donde las opiniones se dividen sobre "
               "el tema 1", "Verificación Donde las opiniones se dividen sobre el tema 1: 3 de 4 frases respaldadas",
               "Publicación Terreno común 1 como afirmación 25",
               "Publicación Lo que pide el grupo B: palabra por palabra igual que Terreno común 1, así que un solo "
               "punto de la votación (afirmación 25) vale por ambos"]}
    for lang, expected in said_as.items():
        got = [line.replace("\u00a0", " ") for line in log_lines(lines, Words(lang), values)]
        assert got == expected, (lang, got)
        # a run drawn step by step (no state at hand) names its drafts from their keys
        assert log_lines(lines[2:3], Words(lang))[0] == log_lines(lines[2:3], Words(lang), values)[0]
        assert not [line for line in got if re.search(r"\b(all|group|topic):\d", line)], got


def test_a_share_is_written_in_one_place():
    """A share has one home, deliberation.words.percent_in (through ``Texts.percent`` and, for
    deliberation's English sentences, ``words.percent``): the message files wrote "{share} %" in 44
    sentences of each language besides it, with a breaking space where ``Texts.percent`` writes a
    no-break one. No message writes a "%" after a field now, and a figure's own "%" in a sentence
    ("mit 90 % Sicherheit") gets the language's space."""
    import re

    from deliberation.words import PERCENT_SPACE, percent, retell, said

    for package in ("ui", "deliberation"):
        for lang in LANGUAGES:
            for mid, text in load(package, lang).items():
                for t in _forms(text).values():
                    assert not re.search(r"\}[\s\u00a0]*%", t), (package, lang, mid, t)
                    assert not re.search(r"\d[ \u00a0]?%", t) or re.search(rf"\d{PERCENT_SPACE.get(lang, '')}%", t), \
                        (package, lang, mid, t)
    note = said("analysis.too_little_participation", share_voted=percent(0.5), best=percent(0.125, 1))
    assert "at least 50% of every group" in note and "(the best reached 12.5%)" in note, note
    assert retell(note, "de").count("\u00a0%") == 2 and "12,5\u00a0%" in retell(note, "de"), retell(note, "de")
    assert Texts("fr").percent(0.67) == "67\u00a0%" and Texts("en").percent(0.67) == "67%"
    assert "90\u00a0% Sicherheit" in Texts("de")("said.analysis.no_majority", share=Texts("de").percent(0.5))


def test_every_browser_context_of_the_tests_names_its_language():
    """The pages follow the browser's language where no room's language applies (ui.i18n.browser_language),
    and a Playwright context without ``locale`` takes the machine's: about ten browser tests made one so
    and read English words, passing only where the machine's default was English. Each names its
    language now (ui_helpers.BROWSER_LOCALE, en-US, unless the test means another). Read: every
    ``new_context(...)``, whatever it is called on, and every ``new_page(...)`` called on anything but
    a context (a new context's own call, or a name holding one: ``ctx``), which makes a context too."""
    import ast
    from pathlib import Path

    def makes_a_context(call: ast.Call) -> bool:
        what, on = call.func.attr, call.func.value
        if what == "new_context":
            return True
        is_context = (isinstance(on, ast.Call) and getattr(on.func, "attr", None) == "new_context"
                      or isinstance(on, ast.Name) and on.id in {"ctx", "context"})
        return what == "new_page" and not is_context

    tests = Path(__file__).resolve().parent
    unnamed = [f"{path.name}:{node.lineno}" for path in sorted(tests.glob("*.py"))
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and makes_a_context(node)
               and not any(k.arg == "locale" for k in node.keywords)]
    assert not unnamed, f"browser contexts without a locale: {unnamed}"


def test_a_share_is_written_by_the_one_percent_home():
    """A share is written by deliberation.words.percent / percent_in (Texts.percent), which write it as
    the reader's language does ("45%", German and French "45 %"): three English texts (a group's
    audience in a draft's request, the analysis's summary of its groups, a group's objection sent back
    to a redraft) wrote theirs with ``:.0%`` themselves, a second way that a text said in another
    language would have kept; the guard's reasons too (deliberation/grounding/checks.py, guard.py)."""
    import ast
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    own = [f"{path.relative_to(repo)}:{node.lineno}" for pkg in ("deliberation", "graphs", "ui")
           for path in sorted((repo / pkg).rglob("*.py"))
           for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
           if isinstance(node, ast.FormattedValue) and node.format_spec is not None
           and ast.unparse(node.format_spec).endswith("%'")]
    assert not own, f"shares written outside deliberation.words.percent: {own}"
