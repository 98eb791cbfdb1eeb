"""A run's record in the console's language: who started a run, what it did, who stopped it and in
which step, how it ended before it finished, and why a second run or a late answer was refused were
English in a German, French or Spanish console ("Der letzte Lauf … : The last run (a run from the
start, started from the moderator console, pid 412, at 13:19:20 UTC) was stopped by the moderator at
13:20:01 UTC while drafting statements"), and so was an unreachable language model's address. They are
made in English (``said.run`` of deliberation/messages: the command line, ``deliberation status`` and
the record's file keep them) and the console says them again in its language.

Real components: the run lock and its record on disk (deliberation/storage/runs.py), the console's
own drawing of them (ui/run_stop.py, ui/run_console.py) in streamlit.testing's AppTest, the real chat
client against a closed local port."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from deliberation.config import Settings  # noqa: E402
from deliberation.storage import Store, runs  # noqa: E402

#: English of a run's record that a console in another language must not show
ENGLISH = ["The last run", "started from", "stopped by", "the moderator", "a run from the start", "drafting statements",
           "right now", "wait until", "is unreachable", "no longer waits", "Technical detail"]
#: what each language's console says of the run stopped by the moderator while drafting
SAID = {"de": ["Der letzte Lauf (ein Lauf von Anfang an, gestartet von ",
               "beim Schritt „Aussagen entwerfen“ von der Moderation angehalten",
               "läuft gerade (ein Lauf, der jeden Entwurf annimmt und die Abstimmung gleich schließt, gestartet von ",
               "das Sprachmodell unter http://127.0.0.1:9/v1 (", ") ist nicht erreichbar: ",
               "der Graph wartet nicht mehr auf "],
        "fr": ["Le dernier processus (un processus depuis le début, lancé depuis ",
               "a été arrêté par l'équipe d'animation à ", ", à l'étape « rédiger les propositions »",
               "est en cours (un processus qui approuve chaque projet et clôt le vote d'un coup, lancé depuis ",
               "le modèle de langage à l'adresse http://127.0.0.1:9/v1 (", ") est injoignable : ",
               "le graphe n'attend plus "],
        "es": ["El último proceso (un proceso desde el principio, iniciado desde ",
               "fue detenido por la moderación a las ", ", en el paso «redactar afirmaciones»",
               "se está ejecutando ahora (un proceso que aprueba todos los borradores y cierra la votación de una "
               "vez, iniciado desde ", "el modelo de lenguaje en http://127.0.0.1:9/v1 (", ") no está accesible: ",
               "el grafo ya no espera "]}


def _console(lang: str, cid: int, llm_error: str, busy: bool) -> None:
    """What the console draws of the last run (the Facilitation tab's note, the Voting tab's reason
    why a closed vote was not counted), its refusal of an answer the graph no longer waits for and a
    run failed on an unreachable language model; ``busy``: its refusal of a second run while a
    terminal's run holds the lock, and that run in progress."""
    import streamlit as st

    from deliberation.errors import text_in_words
    from deliberation.storage import runs
    from graphs import runner
    from ui import common, run_console, run_stop
    from ui.i18n import CONSOLE_LANGUAGE_KEY, console_words

    st.session_state[CONSOLE_LANGUAGE_KEY] = lang
    w, settings = console_words(), common.settings()
    if busy:
        with common.act(w, w("run.retrying")):
            with runs.running(settings, cid, runner.DOING[None]):
                pass
        st.info(w("run.in_progress", what=run_console.run_in_progress(cid), step="-"))
        return
    run_stop.ended(runs.last_run(settings, cid), None)
    st.info(run_console._why_not_counted(cid, runner.Status(next=("voting",), waiting=None, values={}), w))
    with common.act(w, w("run.retrying")):
        runner.check_answer(runner.Status(next=("ground",), waiting=None, values={"x": 1}), {"close": True})
    st.error(w("run.failed_where", where=w("run.in_first_step"), error=text_in_words(llm_error, lang)))


def _drawn(lang: str, cid: int, llm_error: str, busy: bool) -> str:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_console, args=(lang, cid, llm_error, busy), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    page = "\n".join(str(e.value) for kind in ("info", "error") for e in getattr(at, kind))
    return page.replace("\u00a0", " ").replace("\\", "")


def test_a_runs_record_is_said_in_the_consoles_language(tmp_path, monkeypatch):
    import os
    import threading

    from deliberation.drafting.client import ChatClient, LLMUnavailableError
    from graphs import runner, runner_process

    settings = Settings(data_dir=tmp_path / "data").ensure()
    c, _ = Store(settings).create_consultation("Wie soll die Hauptstraße aussehen?")
    # a run the moderator stopped while it drafted, as the console's Stop records it
    with pytest.raises(runs.RunStopped):
        with runs.running(settings, c.id, runner.DOING["start"]):
            raise runs.RunStopped(runner_process.MODERATOR)
    assert runs.mark_stopped(settings, c.id, os.getpid(), runner_process.MODERATOR, runner.steps_words(["draft"]))
    english_words = runs.last_run(settings, c.id).how_it_stopped()
    assert english_words.startswith("The last run (a run from the start, started from ") and \
        english_words.endswith(" UTC while drafting statements"), english_words  # the command line's, as it was
    with pytest.raises(LLMUnavailableError) as unreachable:  # nothing listens on port 9 here
        from langchain_core.messages import HumanMessage

        client = ChatClient("some-model", base_url="http://127.0.0.1:9/v1", api_key="none")
        client.invoke(client.model, [HumanMessage("Hallo")])
    assert str(unreachable.value).startswith("the language model at http://127.0.0.1:9/v1 (llm:")

    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    holding, release = threading.Event(), threading.Event()

    def terminal_run() -> None:  # a terminal's run holds the lock while the console is drawn
        with runs.running(settings, c.id, runner.DOING["to_end"]):
            holding.set()
            release.wait(120)

    holder = threading.Thread(target=terminal_run)
    pages = {lang: _drawn(lang, c.id, str(unreachable.value), busy=False) for lang in SAID}
    english = _drawn("en", c.id, str(unreachable.value), busy=False)  # as the record says it
    assert english.startswith(english_words + ". Nothing after the last completed step") and \
        "the moderator stopped the count (a run from the start, started from " in english, english
    holder.start()
    assert holding.wait(30)
    try:
        for lang in SAID:
            pages[lang] += "\n" + _drawn(lang, c.id, str(unreachable.value), busy=True)
    finally:
        release.set()
        holder.join(30)
    for lang, said in SAID.items():
        page = pages[lang]
        assert not [e for e in ENGLISH if e in page], (lang, [e for e in ENGLISH if e in page], page)
        assert not [s for s in said if s not in page], (lang, [s for s in said if s not in page], page)


def _settings_box(lang: str) -> None:
    """The console's run settings refused: a "More settings" line that is no NAME=VALUE, an unknown
    setting, and the LLM drafter without a model."""
    import streamlit as st

    from graphs import runner
    from ui import common, run_console
    from ui.i18n import CONSOLE_LANGUAGE_KEY, console_words

    st.session_state[CONSOLE_LANGUAGE_KEY] = lang
    w = console_words()
    for options in ({"more": "oops"}, {"more": "stats.no_such_setting=1"}, {"drafter": "llm", "more": ""}):
        with common.act(w, w("run.running")):
            runner.context(common.settings(), run_console.run_settings(options))


def test_the_run_settings_refusals_are_said_in_the_consoles_language(tmp_path, monkeypatch):
    """The console's "More settings" box and the LLM drafter's missing model were refused in English in
    a German, French or Spanish console ("More settings 'oops': write NAME=VALUE …", "unknown setting …",
    "the llm drafter needs a model: …"); the command line's English is as it was."""
    from streamlit.testing.v1 import AppTest

    from deliberation.errors import InputError
    from deliberation.tuning import parse_assignments

    with pytest.raises(InputError, match=r"^--set 'oops': write NAME=VALUE, e\.g\. stats\.min_votes_room_share=0\.3$"):
        parse_assignments(["oops"])
    monkeypatch.setenv("DELIBERATION_DATA", str(Settings(data_dir=tmp_path / "data").ensure().data_dir))
    said = {"de": ["Weitere Einstellungen 'oops': schreiben Sie NAME=WERT",
                   "unbekannte Einstellung 'analysis.stats.no_such_setting'", "der LLM-Entwurf braucht ein Modell"],
            "fr": ["Autres réglages 'oops' : écrivez NOM=VALEUR", "réglage inconnu 'analysis.stats.no_such_setting'",
                   "la rédaction par LLM a besoin d'un modèle"],
            "es": ["Más ajustes 'oops': escriba NOMBRE=VALOR", "ajuste desconocido 'analysis.stats.no_such_setting'",
                   "la redacción con LLM necesita un modelo"]}
    for lang, expected in said.items():
        at = AppTest.from_function(_settings_box, args=(lang,), default_timeout=60)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        page = "\n".join(str(e.value) for e in at.error).replace("\u00a0", " ").replace("\\", "")
        assert len(at.error) == 3 and not [s for s in expected if s not in page], (lang, page)
        assert not [e for e in ("write NAME", "unknown setting", "needs a model", "More settings") if e in page], page


def _addresses(lang: str) -> None:
    """The console's refusal of a run whose vector store or database address is malformed (the app's
    $DELIBERATION_CHROMA_URL, $DELIBERATION_DATABASE_URL)."""
    import streamlit as st

    from deliberation.storage.sql import make_engine
    from deliberation.storage.vectors import parse_chroma_url
    from ui import common
    from ui.i18n import CONSOLE_LANGUAGE_KEY, console_words

    st.session_state[CONSOLE_LANGUAGE_KEY] = lang
    w = console_words()
    for bad in (lambda: parse_chroma_url("http://chroma:99999"), lambda: parse_chroma_url("ftp://chroma"),
                lambda: parse_chroma_url("http://chroma:8000/api"), lambda: make_engine("postgress://db/x")):
        with common.act(w, w("run.running")):
            bad()


def test_a_malformed_address_is_refused_in_the_consoles_language(tmp_path, monkeypatch):
    """A malformed Chroma or database address was refused in English in a German, French or Spanish
    console ("Chroma URL: 'ftp://chroma' is not a Chroma server address: …"); the library's own words
    after it stay as they are, and the command line's English is as it was."""
    from streamlit.testing.v1 import AppTest

    from deliberation.errors import InputError
    from deliberation.storage.vectors import parse_chroma_url

    with pytest.raises(InputError, match=r"^Chroma URL: 'ftp://x' is not a Chroma server address: expected "):
        parse_chroma_url("ftp://x")
    monkeypatch.setenv("DELIBERATION_DATA", str(Settings(data_dir=tmp_path / "data").ensure().data_dir))
    said = {"de": ["Chroma-URL: 'http://chroma:99999' ist keine gültige URL (",
                   "ist keine Adresse eines Chroma-Servers", "nur Schema, Host und Port werden unterstützt",
                   "--database-url: keine Datenbank-URL"],
            "fr": ["URL de Chroma : 'http://chroma:99999' n'est pas une URL valide (",
                   "n'est pas l'adresse d'un serveur", "seuls le schéma, l'hôte et le port",
                   "--database-url : pas une URL de base de données"],
            "es": ["URL de Chroma: 'http://chroma:99999' no es una URL válida (", "no es la dirección de un servidor",
                   "solo se admiten esquema, host y puerto", "--database-url: no es una URL de base de datos"]}
    for lang, expected in said.items():
        at = AppTest.from_function(_addresses, args=(lang,), default_timeout=60)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        page = "\n".join(str(e.value) for e in at.error).replace("\u00a0", " ").replace("\\", "").replace("\u2060", "")
        assert len(at.error) == 4 and not [s for s in expected if s not in page], (lang, page)
        assert not [e for e in ("is not a valid URL", "is not a Chroma", "only scheme", "not a database URL")
                    if e in page], page


def test_who_stopped_the_count_is_said_in_the_case_german_needs(tmp_path, monkeypatch):
    """Why a closed vote was not counted named who stopped the count as the subject of a German
    sentence, in the dative the run's record gives it ("einem anderen Prozess hat die Zählung
    angehalten"): the sentence now takes it after "von", as the record's own sentences do; every
    stopper reads right, the moderator too, and the English is as it was."""
    from deliberation.words import said
    from graphs import runner, runner_process
    from ui import run_console
    from ui.i18n import Words

    settings = Settings(data_dir=tmp_path / "data").ensure()
    c, _ = Store(settings).create_consultation("Wie soll die Hauptstraße aussehen?")
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    counting = runner.Status(next=("voting",), waiting=None, values={})
    stoppers = {runner_process.MODERATOR: ("von der Moderation angehalten", "the moderator stopped the count ("),
                said("run.by.other", process="python3"): ("von einem anderen Prozess (python3) angehalten",
                                                           "another process (python3) stopped the count ("),
                said("run.by.launcher"): ("von dem Starter der App (make run) angehalten",
                                          "the app's launcher (make run) stopped the count ("),
                said("run.by.signal"): ("von einem SIGTERM an seinen Prozess angehalten",
                                        "a SIGTERM to its process stopped the count (")}
    for by, (german, english) in stoppers.items():
        with pytest.raises(runs.RunStopped):
            with runs.running(settings, c.id, runner.DOING["voting"]):
                raise runs.RunStopped(by)
        de, en = (run_console._why_not_counted(c.id, counting, Words(lang)).replace("\\", "") for lang in ("de", "en"))
        assert de.startswith("sie wurde ") and german in de, de
        assert en.startswith(english), en
