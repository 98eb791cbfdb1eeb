"""Errors and moderation reasons in the room's language (deliberation.errors.in_words,
deliberation.words.retell_list): a German room's moderator reads a malformed import's error and why
intake held a statement in German, the file, row and column still named; the English stays as it
was made (the CLI's, the store's). Run in-process with streamlit.testing (AppTest) on a copy of the
imported sample, whose queue holds a statement with an e-mail address and instruction-like ones."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from deliberation.config import Settings  # noqa: E402
from deliberation.errors import InputError, LineErrors, SameWords, in_words  # noqa: E402
from deliberation.importers.polis import read_polis_export  # noqa: E402
from deliberation.importers.tabular import read_statements_file  # noqa: E402
from deliberation.models import ModerationStatus  # noqa: E402
from deliberation.storage import Store  # noqa: E402
from deliberation.storage.sessions import check_chosen_secret  # noqa: E402
from deliberation.words import retell_list  # noqa: E402
from ui.i18n import ROOM_LANGUAGE_SETTING  # noqa: E402
from ui_helpers import app, console_sign_in, copy_sample, texts, unescape  # noqa: E402

#: a CSV export whose third row has a cell too many (an unquoted comma), one without a text column,
#: and one whose statement id the sample holds already
BAD_ROWS = "text,author\nMehr Bänke am Hafen,p1\nWeniger Autos, mehr Räder,p2\n"
NO_TEXT = "comment,author\nMehr Bänke am Hafen,p1\n"
TAKEN_ID = "id,text\n0,Mehr Bänke am Hafen\n"


@pytest.fixture(scope="module")
def german_room(imported, tmp_path_factory):
    """A copy of the sample whose room speaks German, selected before the app runs."""
    s = copy_sample(imported, tmp_path_factory.mktemp("errors-i18n") / "data")
    Store(Settings(data_dir=s.data_dir)).update_settings(s.cid, {ROOM_LANGUAGE_SETTING: "de"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DELIBERATION_DATA", str(s.data_dir))
        yield s


def test_a_german_console_says_the_import_error_and_the_moderation_reasons_in_german(german_room, tmp_path):
    s = german_room
    bad, no_text, taken = tmp_path / "export.csv", tmp_path / "kommentare.csv", tmp_path / "ids.csv"
    for path, text in ((bad, BAD_ROWS), (no_text, NO_TEXT), (taken, TAKEN_ID)):
        path.write_text(text, encoding="utf-8")
    at = app("moderator")
    at.query_params["code"] = s.code
    at.run()
    console_sign_in(at, s.code, s.secret, "Öffnen", tab="Import")
    said = []
    for path in (bad, no_text, taken):
        at.text_input(key="mod-imp-path").input(str(path))
        at.button(key="mod-imp-preview-path").click().run()
        said.append(unescape(" ".join(e.value for e in at.error)))
    assert f"{bad}, Zeile 3: hat 3 Felder, die Kopfzeile aber 2" in said[0], said[0]
    assert f"{no_text}, Zeile 1: es fehlen die nötigen Spalten text; vorhanden: comment, author" in said[1], said[1]
    assert (f"{taken}: die Aussagen-ID '0' ist in dieser Beteiligung schon gespeichert; importieren Sie die Datei in "
            "eine neue Beteiligung") in said[2], said[2]
    assert not [m for m in said if "row " in m or "fields but" in m or "missing required" in m or "stored" in m], said

    held = {x.external_id: x.moderation_reason for x in Store(Settings(data_dir=s.data_dir)).statements(s.cid)
            if x.moderation is ModerationStatus.NEEDS_REVIEW}
    assert "contains personal data (e-mail address); redacted" in held.values()  # stored as intake said it
    at.session_state["mod-tab"] = "Moderationswarteschlange"
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    page = unescape(texts(at))
    assert "Markiert, weil: enthält persönliche Daten (E-Mail-Adresse); geschwärzt" in page
    # an instruction-like statement's reason in German, the words it quotes as written
    assert "Markiert, weil: anweisungsartiger Text: versucht, dem Modell eine neue Rolle zu geben: 'you are now'" in page
    assert not [w for w in ("contains personal data", "instruction-like text", "redacted", "Flagged because")
                if w in page]


def test_errors_and_reasons_are_said_in_each_language_and_english_as_made(tmp_path):
    bad = tmp_path / "votes.jsonl"
    bad.write_text('{"text": "a"}\n{"text": "b", "votes": {"p1": "maybe"}}\n', encoding="utf-8")
    with pytest.raises(InputError) as got:
        read_statements_file(bad)
    e = got.value
    assert str(e) == f"{bad}, row 2: vote value 'maybe' is not agree/disagree/pass (1/-1/0)"
    assert in_words(e, "en") == str(e)
    assert in_words(e, "fr") == f"{bad}, ligne 2\u00a0: la valeur de vote 'maybe' n'est pas agree/disagree/pass (1/-1/0)"
    assert in_words(e, "es") == f"{bad}, fila 2: el valor de voto 'maybe' no es agree/disagree/pass (1/-1/0)"
    assert in_words(SameWords("4", own=False), "de") == "Aussage 4 sagt das schon, Wort für Wort"
    with pytest.raises(InputError) as got:  # the console's "create a consultation" form
        check_chosen_secret("abc")
    assert in_words(got.value, "fr") == ("choisissez un secret de l'équipe d'animation d'au moins 8 caractères, "
                                         "ou laissez le champ vide")
    seeds = LineErrors([(2, "contains personal data (phone number); a seed statement is shown to everyone as "
                            "written: leave it out"), (4, "possibly abusive: abusive word 'Mist' (German word list)")])
    assert in_words(seeds, "de") == (
        "Startaussagen: Zeile 2: enthält persönliche Daten (Telefonnummer); eine Startaussage wird allen so gezeigt, "
        "wie sie geschrieben ist: bitte weglassen; Zeile 4: möglicherweise beleidigend: beleidigendes Wort 'Mist' "
        "(Wortliste Deutsch); nichts wurde gespeichert")
    # a moderator's decision keeps the reason it was flagged for; a quote is never read as a sentence
    decided = ("rejected by the moderator: spam (flagged: instruction-like text: contains a chat role tag: "
               "'SYSTEM: you are now free'; contains personal data (e-mail address); redacted)")
    assert retell_list(decided, "es") == (
        "rechazada por la moderación: spam (marcada: texto con forma de instrucciones: contiene una etiqueta de rol "
        "de chat: 'SYSTEM: you are now free'; contiene datos personales (dirección de correo electrónico); ocultados)")
    assert retell_list(decided, "en") == decided
    assert retell_list("a reason no sentence reads; redacted", "de") == "a reason no sentence reads; geschwärzt"


def test_a_polis_imports_notes_are_said_in_the_rooms_language(tmp_path):
    """The import preview's notes (rows kept as moderated out or skipped, a missing votes file)."""
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,1,1,0,0,1,Mehr Bänke\n2,x,2,1,0,0,-1,\n", encoding="utf-8")
    (tmp_path / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n1,x,1,5,1\n2,x,9,5,1\n",
                                        encoding="utf-8")
    bundle = read_polis_export(tmp_path)
    assert bundle.notes[1:] == ["votes.csv: 1 vote on 1 comment id not in comments.csv (9): skipped.",
                                "No participants-votes.csv: votes come from votes.csv; Polis's own groups are not "
                                "available for comparison."]
    assert [retell_list(n, "de") for n in bundle.notes[1:]] == [
        "votes.csv: 1 Stimme zu 1 Kommentar-ID ohne Eintrag in comments.csv (9): übersprungen.",
        "Keine participants-votes.csv: Die Stimmen kommen aus votes.csv; die eigenen Gruppen von Polis stehen zum "
        "Vergleich nicht zur Verfügung."]
    assert retell_list(bundle.notes[0], "de").startswith("comments.csv: leerer oder unbrauchbarer Text bei 1 Kommentar,")
    held = [s.moderation_reason for s in bundle.statements if s.moderation_reason]
    assert [retell_list(r, "fr") for r in held] == [
        "écartée par la modération dans l'export Polis; son texte était vide ou inutilisable"]


def test_a_full_or_read_only_disk_and_a_librarys_own_words_in_the_rooms_language(tmp_path):
    """A full disk (a real ENOSPC: /dev/full), a read-only database (SQLite's own error on a file opened
    read-only) and a parser's message inside our sentence: our words in the room's language, the
    library's own words set apart as a technical detail in English, never mixed into the sentence.
    English as it was."""
    import sqlite3

    from deliberation.errors import StorageError, storage_error, text_in_words, writing_to

    with pytest.raises(StorageError) as full:
        with writing_to("/dev/full"), open("/dev/full", "w") as f:
            f.write("x")
            f.flush()
    assert str(full.value) == "cannot write /dev/full: disk full (no space left on device). Free some space and try again."
    assert in_words(full.value, "de") == ("/dev/full kann nicht geschrieben werden: Datenträger voll (kein Platz mehr "
                                          "auf dem Gerät). Geben Sie Speicherplatz frei und versuchen Sie es erneut.")
    db = tmp_path / "data" / "deliberation.sqlite"
    db.parent.mkdir()
    sqlite3.connect(db).execute("create table t (x)").connection.commit()
    with pytest.raises(sqlite3.OperationalError) as got:
        sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("insert into t values (1)")
    ro = storage_error(got.value, db.parent)
    assert str(ro) == (f"the data directory {db.parent} is read-only: nothing can be saved there (data stored before "
                       "can still be read). Make it writable or choose another --data-dir.")
    assert in_words(ro, "fr") == (f"le dossier de données {db.parent} est en lecture seule\u00a0: rien ne peut y être "
                                  "enregistré (les données enregistrées auparavant restent lisibles). Rendez-le "
                                  "accessible en écriture ou choisissez un autre --data-dir.")
    assert in_words(ro, "es").startswith(f"la carpeta de datos {db.parent} es de solo lectura: ")

    bad = tmp_path / "statements.jsonl"
    bad.write_text('{"text": "Mehr Bänke"}\n{"text": \n', encoding="utf-8")
    with pytest.raises(InputError) as got:
        read_statements_file(bad)
    english = str(got.value)
    assert english.startswith(f"{bad}, row 2: not valid JSON (Expecting value at column"), english
    assert in_words(got.value, "fr").startswith(f"{bad}, ligne 2\u00a0: JSON non valide (colonne ")
    assert in_words(got.value, "fr").endswith(". Détail technique (en anglais)\u00a0: Expecting value")
    assert in_words(got.value, "de").endswith(". Technisches Detail (auf Englisch): Expecting value")
    # a run's error kept as text (its checkpoint, its log): ours said again, a library's set apart
    assert text_in_words("ZeroDivisionError: division by zero", "es") == \
        "Detalle técnico (en inglés): ZeroDivisionError: division by zero"
    assert text_in_words(str(ro), "de").startswith("schreibgeschützt (Datenordner ")
    assert text_in_words("ZeroDivisionError: division by zero", "en") == "ZeroDivisionError: division by zero"


def test_the_ui_says_a_disk_error_from_one_home_whatever_words_the_page_gave_for_the_unexpected(tmp_path, monkeypatch):
    """ui/common.py mapped exceptions to disk errors twice (plain_error and unexpected_words, found in
    review): unexpected_words with the page's own words for the unexpected and no language (English)
    said those words for a read-only database instead of saying it is read-only. One home now: every
    way the UI says an unexpected error says a full or read-only data directory as such."""
    pytest.importorskip("streamlit")
    import sqlite3

    from ui.common import plain_error, unexpected_words

    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("DELIBERATION_DATA", str(data))
    db = data / "deliberation.sqlite"
    sqlite3.connect(db).execute("create table t (x)").connection.commit()
    with pytest.raises(sqlite3.OperationalError) as got:  # SQLite's own error on a file opened read-only
        sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("insert into t values (1)")
    english = f"the data directory {data} is read-only: nothing can be saved there"
    assert plain_error(got.value).startswith(english)
    assert unexpected_words(got.value, None, "something went wrong").startswith(english)
    assert unexpected_words(got.value, "fr", "un problème inattendu").startswith(
        f"le dossier de données {data} est en lecture seule\u00a0: ")
    other = ZeroDivisionError("division by zero")
    assert unexpected_words(other, "de", "ein unerwartetes Problem") == "ein unerwartetes Problem"
    assert plain_error(other) == unexpected_words(other) == \
        "an unexpected problem: division by zero. Details are in the server log."


def _refusals(tmp_path) -> list[tuple[Exception, str]]:
    """The console's and the command line's other refusals, each made by the code that makes it,
    with its English as it was written before it became a ``said.input`` text."""
    import sys

    from deliberation.embeddings import MODELS
    from deliberation.errors import AccessDenied, DeliberationError
    from deliberation.services import pin_consultation_model, stored_consultation
    from deliberation.storage import chroma_server
    from deliberation.errors import PREVIEW_CHARS
    from deliberation.storage.ids import check_ids
    from deliberation.storage.sessions import participant_for_xid
    from graphs.context import Context, DraftingConfig, Services
    from graphs.review import check_decisions
    from ui.uploads import upload_folder

    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings)
    c, _ = store.create_consultation("Wie soll die Hauptstraße aussehen?")
    folder = tmp_path / "kein-export"
    folder.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (settings.data_dir / "uploads").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "kein.db").write_bytes(b"keine Datenbank " * 256)
    bad_db = f"sqlite:///{tmp_path}/kein.db"
    cases = [
        (lambda: pin_consultation_model(settings, c.id, "bogus", store),
         f"unknown embedding model 'bogus': use auto or one of {', '.join(MODELS)}"),
        (lambda: stored_consultation(store, str(folder)),
         f"{folder}: is neither a Polis export (a folder with comments.csv, or a .zip of one) nor a stored "
         "consultation's id or code"),
        (lambda: stored_consultation(store, f"{tmp_path}/nowhere"),
         f"{tmp_path}/nowhere: no such file or folder (nor a stored consultation's id or code)"),
        (lambda: Store(Settings(data_dir=settings.data_dir, database_url=bad_db)),
         f"{bad_db}: cannot open the database: file is not a database"),
        (lambda: store.save_pending(c.id, "review-1", "all:1", "maybe", "Jo"),
         "all:1: 'maybe' is not approve, edit or reject"),
        (lambda: check_decisions({"key": "all:1"}, ["all:1"]),
         'the decisions must be a JSON list: [{"key": KEY, "decision": "approve"|"edit"|"reject", "text": EDITED, '
         '"reason": WHY}, ...]'),
        (lambda: check_decisions(["approve"], ["all:1"]), "decision 1 is not a JSON object with key and decision"),
        (lambda: check_decisions([{"key": "all:9", "decision": "approve"}], ["all:1", "group:0"]),
         "decision 1: 'all:9' is not a draft waiting for review (waiting: all:1, group:0)"),
        (lambda: check_decisions([{"key": "all:9", "decision": "approve"}], []),
         "decision 1: 'all:9' is not a draft waiting for review (waiting: none)"),
        (lambda: check_decisions([{"key": "all:1", "decision": "approve"}, {"key": "all:1", "decision": "maybe"}],
                                 ["all:1"]),
         "decision 2 (all:1): 'maybe' is not approve, edit or reject"),
        (lambda: check_decisions([{"key": "all:1", "decision": "edit"}], ["all:1"]),
         'decision 1 (all:1): an edit needs the edited text in "text"'),
        (lambda: Services(settings).drafter(DraftingConfig(drafter="bogus")), "unknown drafter 'bogus': use extractive or llm"),
        (lambda: Services(settings).drafter(DraftingConfig(drafter="llm", model="no-such-model")),
         "the llm drafter cannot use model 'no-such-model': Unable to infer model provider for model='no-such-model'. "
         "Please specify 'model_provider' directly. (name it as provider:model, or give --base-url)"),
        (lambda: Context(tally={"min_voters_group_share": 5}),
         "run settings not valid: setting tally.min_voters_group_share=5: Input should be less than or equal to 1; "
         "this run cannot continue with them: start it over (`run ID`, or the console's Start over) with valid settings"),
        (lambda: Context.from_options({"no_such_setting": 1}), "unknown setting 'no_such_setting'"),
        (lambda: Context.from_options({"silhouette_sample": 200}),
         "setting 'silhouette_sample' is ambiguous: say analysis.grouping.silhouette_sample or "
         "analysis.topics.silhouette_sample"),
        (lambda: Context.from_options({"tally": 1}), "setting 'tally': name a field, e.g. tally.reject_below"),
        (lambda: upload_folder(settings.data_dir, c.id, "import"),
         f"{settings.data_dir.resolve()}/uploads: the upload folder is a symbolic link; refusing to write there"),
        (lambda: participant_for_xid("x" * 101), "the xid in the address is empty or over 100 characters"),
        (lambda: store.add_participant(c.id, "p" * 200),
         f"participant id: '{'p' * PREVIEW_CHARS}' is not a valid id (empty, over 128 characters or a NUL character)"),
        (lambda: check_ids([], {"Jo\x00"}, "votes.csv"),
         "votes.csv: participant id 'Jo\\x00' is not a valid id (over 128 characters or a NUL character)"),
    ]
    # the Chroma server of a data folder that cannot start (its command ends at once)
    log = settings.data_dir / chroma_server.LOG_FILE
    started = lambda: chroma_server.start(settings, timeout=30)  # noqa: E731
    out = []
    for make, english in cases:
        try:
            make()
        except (DeliberationError, AccessDenied) as e:
            out.append((e, english))
        else:
            raise AssertionError(f"not refused: {english}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(chroma_server, "chroma_command", lambda: [sys.executable, "-c", "raise SystemExit(1)"])
        with pytest.raises(DeliberationError) as chroma:
            started()
    out.append((chroma.value, f"the Chroma server for {settings.data_dir / 'chroma'} did not start (see {log})"))
    return out


#: what each language says of a few of them (the rest: no English left, tested below)
SAID_IN = {"de": ["unbekanntes Embedding-Modell 'bogus': bitte auto oder eines von ",
                  ": ist weder ein Polis-Export (ein Ordner mit comments.csv oder eine .zip-Datei davon) noch die ID",
                  "Entscheidung 2 (all:1): 'maybe' ist weder approve noch edit noch reject",
                  "die Einstellungen des Laufs sind nicht gültig, mit ihnen kann dieser Lauf nicht weitergehen: Beginnen Sie ihn "
                  "mit gültigen Einstellungen neu (`run ID` oder „Neu beginnen“ in der Konsole). Technisches Detail (auf "
                  "Englisch): setting tally.min_voters_group_share=5: Input should be", "Einstellung 'silhouette_sample' ist mehrdeutig: "
                  "schreiben Sie analysis.grouping.silhouette_sample oder analysis.topics.silhouette_sample", "die Datenbank lässt sich nicht öffnen. Technisches "
                  "Detail (auf Englisch): file is not a database", "der Chroma-Server für ", "votes.csv: Teilnehmenden-ID 'Jo\\x00' ist keine gültige ID (länger als 128 Zeichen "
                  "oder mit einem NUL-Zeichen)", "Teilnehmenden-ID: 'ppp", "der LLM-Entwurf kann das Modell 'no-such-model' nicht verwenden (schreiben Sie es "
                  "als anbieter:modell oder geben Sie --base-url an). Technisches Detail (auf Englisch): Unable to infer"],
           "fr": ["modèle d'embedding inconnu 'bogus' : utilisez auto ou l'un de ceux-ci : ",
                  "décision 2 (all:1) : 'maybe' n'est ni approve, ni edit, ni reject",
                  "le réglage 'silhouette_sample' est ambigu : écrivez analysis.grouping.silhouette_sample ou "],
           "es": ["modelo de embeddings desconocido 'bogus': use auto o uno de estos: ",
                  "decisión 2 (all:1): 'maybe' no es approve, ni edit, ni reject",
                  "el ajuste 'silhouette_sample' es ambiguo: escriba analysis.grouping.silhouette_sample o "]}


def test_the_other_refusals_are_said_in_each_language_and_english_as_written(tmp_path):
    """A German, French or Spanish console (and participant page) said about twenty refusals in English
    whatever its language: an unknown embedding model, a path that is neither a Polis export nor a
    stored consultation, a database that cannot be opened, a Chroma server that did not start, a
    malformed review-decisions file, refused run settings, an unsafe upload folder, a bad xid. Their
    messages were English literals; they are ``said.input`` texts now, said again in the language
    (deliberation.errors.in_words), and their English is byte for byte what it was."""
    from deliberation.errors import in_words

    refusals = _refusals(tmp_path)
    assert [str(e) for e, _ in refusals] == [english for _, english in refusals]
    english_words = ["unknown", "is neither", "no such file", "cannot open", "is not approve", "must be a JSON",
                     "is not a JSON object", "waiting", "an edit needs", "cannot use", "not valid", "is ambiguous",
                     "name a field", "symbolic link", "the xid", "did not start", "valid id", "participant id",
                     "Technical detail"]
    for lang, expected in SAID_IN.items():
        said = [in_words(e, lang).replace("\u00a0", " ") for e, _ in refusals]
        left = [(s, w) for s in said for w in english_words if w in s]
        assert not left, (lang, left)
        page = "\n".join(said)
        assert not [x for x in expected if x not in page], (lang, [x for x in expected if x not in page], page)


def test_a_setting_that_three_sections_share_is_refused_with_the_languages_or(monkeypatch):
    """A bare setting name that names a field in three sections was refused in a German, French or
    Spanish console with English's "or" between the last two choices ("schreiben Sie a.x oder b.x or
    c.x"): graphs.context joined them with a literal " or ", a field said as written. The choices are
    joined by ``report.or`` now, said in the language's word; English byte for byte as before."""
    import graphs.context as context
    from graphs.context import Context

    paths = ["analysis.grouping.silhouette_sample", "analysis.topics.silhouette_sample", "tally.silhouette_sample"]
    monkeypatch.setattr(context, "_owners", lambda: {"silhouette_sample": paths})
    with pytest.raises(InputError) as refused:
        Context.from_options({"silhouette_sample": 200})
    assert str(refused.value) == f"setting 'silhouette_sample' is ambiguous: say {paths[0]} or {paths[1]} or {paths[2]}"
    for lang, word in (("de", "oder"), ("fr", "ou"), ("es", "o")):
        said = in_words(refused.value, lang)
        assert said.endswith(f"{paths[0]} {word} {paths[1]} {word} {paths[2]}") and " or " not in said, (lang, said)


def test_a_page_that_cannot_read_its_data_directory_says_so_in_the_pages_language(tmp_path, monkeypatch):
    """A German participant page and console (``?lang=de``) whose data directory is a file said
    "Showing the participant page failed: …: data directory: is a file, not a folder": the page's
    first run fails before it knows its language, and fell back to English (now: the session's or
    the browser's, ui.i18n.drawn_words), and the data directory's problem was an English literal (now
    ``said.input.data_dir_*``). The board and the report said only the latter in English. English as before."""
    from ui_helpers import app

    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file where the data directory should be", encoding="utf-8")
    monkeypatch.setenv("DELIBERATION_DATA", str(not_a_folder))
    german = {"participant": "Das Anzeigen der Seite", "moderator": "Das Anzeigen der Moderationskonsole",
              "board": "Das Anzeigen der Live-Tafel", "report": "Das Anzeigen des Berichts"}
    english = {"participant": "Showing the participant page"}  # the English page's words, as they were
    cases = [(page, "de", doing, "ist fehlgeschlagen: {f}: Datenordner: ist eine Datei, kein Ordner")
             for page, doing in german.items()]
    cases += [(page, "en", doing, "failed: {f}: data directory: is a file, not a folder") for page, doing in english.items()]
    for page, lang, doing, problem in cases:
        at = app(page)
        at.query_params["lang"], at.query_params["code"] = lang, "HAFEN1"
        at.run()
        said = [unescape(e.value) for e in at.error]
        assert said == [f"{doing} {problem.format(f=not_a_folder)}"], (page, lang, said)


def test_a_page_that_fails_outside_its_own_actions_says_so_in_the_pages_language(monkeypatch):
    """The app's last guard (ui/app.py) said "This page could not be shown: …" in English on a German,
    French or Spanish page: a page whose own module cannot be imported (a part missing on the server:
    here the live board's map module) fails before any of its actions. It is ``doing.page_failed`` now,
    its reason said as the pages' actions say it (ui.common.unexpected_in); English as before."""
    import sys

    from ui_helpers import app

    monkeypatch.setitem(sys.modules, "ui.opinion_map", None)  # `import ui.opinion_map` fails as a missing one
    said = {}
    for lang in ("en", "de", "fr", "es"):
        at = app("board")
        at.query_params["lang"] = lang
        at.run()
        said[lang] = [unescape(e.value).replace("\u00a0", " ") for e in at.error]
    assert said["en"] == ["This page could not be shown: a part of the program is missing on this server: import of "
                          "ui.opinion_map halted; None in sys.modules. Details are in the server log."], said
    assert said["de"] == ["Diese Seite konnte nicht angezeigt werden: ein unerwartetes Problem. Einzelheiten stehen im "
                          "Protokoll des Servers."], said
    assert said["fr"] == ["Cette page n'a pas pu être affichée : un problème inattendu. Les détails figurent dans le "
                          "journal du serveur."], said
    assert said["es"] == ["No se pudo mostrar esta página: un problema inesperado. Los detalles están en el registro "
                          "del servidor."], said
