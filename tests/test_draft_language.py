"""Drafts of a bilingual room, each in one language. A German room run by hand (tests/room_hand.py
--lang de --mix en: three German and three English statements) put to the vote "Im Bahnhof sollte
samstags eine Markthalle öffnen. Keep the station building and turn it into a library." and "Ein
Park mit Bäumen und Bänken wäre besser als neue Häuser. The old station should become affordable
housing for families.": one text switching language mid-ballot. The rule (README, "Languages"): a
draft quotes the statements in the language of its best one (deliberation.facilitation.one_language);
the others stay in the report's groups and topics; a split topic's positions, each quoted with who
holds it, keep their own languages side by side. That room's statements and votes
(tests/data/bilingual_hand_room.json) imported into a data folder (SQLite and Chroma on disk, the
real embedding model) and the facilitation graph run to the moderator's review; every draft passes
the guard as before."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from deliberation.config import Settings
from deliberation.importers.tabular import read_statements_file
from deliberation.storage import Store
from deliberation.text.languages import detect_languages
from deliberation.words import ROOM_LANGUAGE_SETTING

ROOM = json.loads((Path(__file__).parent / "data" / "bilingual_hand_room.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """The room's data folder, its consultation (its language German, as the console sets it from the
    question) and the drafts the moderator reviews."""
    from graphs import runner

    tmp = tmp_path_factory.mktemp("bilingual")
    (tmp / "statements.csv").write_text(
        "id,author,text\n" + "".join(f'{i},{a},"{t}"\n' for i, a, t in ROOM["statements"]), encoding="utf-8")
    (tmp / "votes.csv").write_text("participant,statement,vote\n" + "".join(
        f"{p},{s},{v}\n" for p, vs in ROOM["votes"].items() for s, v in vs.items()), encoding="utf-8")
    settings = Settings(data_dir=tmp / "data").ensure()
    store = Store(settings)
    bundle = read_statements_file(tmp / "statements.csv", votes_path=tmp / "votes.csv", question=ROOM["question"])
    cid = store.import_bundle(bundle, question=ROOM["question"]).consultation_id
    store.update_settings(cid, {ROOM_LANGUAGE_SETTING: "de"})
    st = runner.start(settings, cid)
    assert st.waiting, st
    return settings, cid, st.waiting["drafts"]


@pytest.fixture(scope="module")
def review(room):
    """The drafts the moderator reviews."""
    return room[2]


def test_every_draft_quotes_statements_of_one_language(review):
    language = dict(zip((i for i, _, _ in ROOM["statements"]),
                        detect_languages([t for _, _, t in ROOM["statements"]])))
    assert sorted(language.values()) == ["de"] * 3 + ["en"] * 3
    mixed = []
    for d in review:
        if any(s.get("held_by") for s in d["sentences"]):
            continue  # a split topic's positions, each with who holds it
        cited = {language[c] for s in d["sentences"] for c in s["citations"]}
        if len(cited) > 1:
            mixed.append(d["text"])
    assert review and not mixed, mixed
    # the room's English statements are not silenced: a draft in English where one is a group's best
    cited_all = {c for d in review for s in d["sentences"] for c in s["citations"]}
    assert {language[c] for c in cited_all} == {"de", "en"}, [d["text"] for d in review]


@pytest.fixture(scope="module")
def report(room):
    """The moderator rejects the split topic's draft and approves the rest; voting opens and closes:
    (the split drafts' keys, the German report.md the graph wrote, its report.json)."""
    from graphs import runner

    settings, cid, drafts = room
    split = [d["key"] for d in drafts if any(s.get("held_by") for s in d["sentences"])]
    assert split, [d["text"] for d in drafts]
    runner.resume(settings, cid, {"reviewer": "moderator", "decisions": [
        {"key": d["key"], "decision": "reject" if d["key"] in split else "approve", "text": "", "reason": ""}
        for d in drafts]})
    runner.open_voting(settings, cid)
    st = runner.resume(settings, cid, {"close": True})
    paths = st.values["report"]["paths"]
    md = Path(paths["md"]).read_text(encoding="utf-8").replace("\\", "")
    return split, md, json.loads(Path(paths["json"]).read_text(encoding="utf-8"))  # the report's data, any language


def test_a_rejected_split_draft_says_who_holds_it_in_the_rooms_language(report):
    """The moderator rejects the split topic's draft (its positions in German and English, each with
    who holds it): the German report's moderation section listed it as "ABGELEHNT: Wo die Meinungen
    beim Thema … auseinandergehen: Most of group B agree (3 of 3 who voted); most of group A disagree
    …: “Parking for the market …”", who holds each position in English, where the drafts put to the
    vote say it in German. Now it is said as those are, the statements' words as written."""
    split, md, _ = report
    rejected = [line for line in md.splitlines() if line.startswith("- ABGELEHNT: ")]
    assert len(rejected) == len(split), md
    for line in rejected:
        assert "Die meisten in Gruppe" in line and ": „" in line, line
        assert "Most of group" not in line and "who voted" not in line and ": “" not in line, line


def test_the_reports_method_says_how_the_groups_were_formed_in_sentences(report):
    """The report's "Wie die Entwürfe entstanden sind" said "Meinungsgruppen: 2 Gruppen … nach dem
    Verfahren robust; Die Gruppen stammen aus der robusten Karte, … (mittlerer bereinigter Rand-Index
    0,60 gegenüber 0,22).." (in every language: a capital after the semicolon, two full stops), and
    said that note again as a "Hinweis:" a few lines below. Now the line says how the groups were
    formed and stops; the note is said once, in the notes."""
    _, md, _ = report
    line = next(x for x in md.splitlines() if x.startswith("- Meinungsgruppen: "))
    assert line.endswith(".") and not line.endswith("..") and "; " not in line, line
    notes = [x for x in md.splitlines() if x.startswith("- Hinweis: ")]
    assert any("robusten Karte" in note for note in notes), notes  # the grouping's note, said in the notes
    for note in notes:
        assert note.removeprefix("- Hinweis: ").rstrip(".") not in line, (note, line)


def test_the_french_reports_colons_keep_their_space(report):
    """The same room's report in French (the room's language menu): "Liste des thèmes" read
    "construire · logements · abordables (français, anglais): 6 propositions · 6 participants" and
    the method "… le modèle d'embedding use-multilingual-v3: 3 des 6 propositions …", the two colons
    the report wrote itself in English's way; French puts a no-break space before a colon, as every
    other line of the report does. Now both are the language's own words (topics.item, method.model_why)."""
    from deliberation.report import to_markdown

    rep = report[2]
    md = to_markdown(rep, "fr").replace("\\", "")
    lines = md.splitlines()
    topics = lines[lines.index("## Liste des thèmes") + 2]
    model = next(x for x in lines if x.startswith("- Thèmes trouvés avec le modèle d'embedding "))
    for line in (topics, model):
        assert "\u00a0: " in line and not re.search(r"[^\s\u00a0]: ", line), line
    # English keeps its colons where they were
    en = to_markdown(rep).splitlines()
    assert re.search(r"\S: \d+ statements", en[en.index("## Topic list") + 2]), en[en.index("## Topic list") + 2]


def test_the_reports_words_keep_their_no_break_spaces(report):
    """The report said in French, German and Spanish (the page a phone reads): its sentences put a
    no-break space before a French colon, semicolon, "?", "!" and "»", after "«", and before every
    language's "%" (deliberation.words.no_break_spaces), but the Markdown escaping of each sentence
    collapsed them with the other whitespace: "41 votes : 30 sur 6 propositions", "Lässt man 20 % der
    6 Teilnehmenden", "(50 %)", dozens in each report of this room. Now none."""
    from deliberation.report import to_markdown

    rep = report[2]
    for lang in ("fr", "de", "es"):
        md = to_markdown(rep, lang)
        breakable = [m[0] for m in re.finditer(r".{0,20} [:;?!»%]|« .{0,20}", md)]
        assert not breakable, (lang, breakable)
        assert "\u00a0%" in md, lang
