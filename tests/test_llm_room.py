"""What a room run with the LLM drafter found (the Seattle $15 export, SmolLM2-135M behind llama.cpp's
server, the CLI's `run FOLDER --drafter llm` and the moderator console, run by hand)."""

from __future__ import annotations

import pytest

from deliberation.config import Settings
from deliberation.storage import Store

#: an address where no model server listens: the LLM drafter falls back to the extractive draft (saying so)
NO_SERVER = "http://127.0.0.1:9/v1"
#: the run's options (as `deliberation run FOLDER --drafter llm --model … --base-url … --seed 3` gives them)
OPTIONS = {"drafter": "llm", "model": "smollm2-135m-instruct", "base_url": NO_SERVER, "seed": 3}


@pytest.fixture(scope="module")
def llm_run(tmp_path_factory):
    """A small Polis export run to the review with the LLM drafter at an address where no server
    listens: (settings, import report, the graph's status)."""
    from graphs import runner
    from test_bad_input import GOOD_COMMENTS, GOOD_VOTES, polis_folder
    from deliberation.importers.polis import read_polis_export
    from deliberation.services import import_bundle

    tmp_path = tmp_path_factory.mktemp("llm-room")
    settings = Settings(data_dir=tmp_path / "data").ensure()
    folder = polis_folder(tmp_path, GOOD_COMMENTS + "".join(
        f"170000000{k}000,x,{k},{k},1,0,1,Statement number {k} about the harbour\n" for k in range(2, 8)), GOOD_VOTES)
    rep = import_bundle(settings, read_polis_export(folder), secret="llmroom-secret")
    st = runner.start(settings, rep.consultation_id, OPTIONS)
    assert (st.waiting or {}).get("type") == "review"
    return settings, rep, st


def test_the_consoles_new_run_starts_from_the_last_runs_settings(llm_run, monkeypatch):
    """After `deliberation run ... --drafter llm --model M --base-url U` in a terminal, the console's
    "Start a new run" offered the extractive drafter and an empty model: a click on it dropped the LLM
    without a word. The form starts from the last run's settings, whoever started it."""
    pytest.importorskip("streamlit")
    from ui_helpers import app, console_sign_in

    settings, rep, _ = llm_run
    assert Store(settings).get_consultation(rep.consultation_id).settings.get("drafter") is None  # not the console's
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    at = app("moderator")
    at.run()
    console_sign_in(at, rep.code, "llmroom-secret")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="mod-run-drafter").value == "llm"
    assert at.text_input(key="mod-run-model").value == "smollm2-135m-instruct"
    assert at.text_input(key="mod-run-base-url").value == NO_SERVER
    assert at.number_input(key="mod-run-seed").value == 3


def test_a_model_server_down_is_said_in_plain_words_and_its_error_in_the_run_log(llm_run):
    """The model server killed mid-run: each LLM draft fell back to the extractive one, and its notes,
    which the public report prints under the draft, read 'the llm:http://127.0.0.1:60335/v1/… drafter
    failed (LLMUnavailableError: … OpenAIConnectionError: Connection error.)'. The notes say it in
    words; the error, with the server's address, goes to the run's log (the moderator's)."""
    from graphs.state import DraftRecord

    _, _, st = llm_run
    drafts = [DraftRecord.model_validate(d) for d in st.values["drafts"]]
    fell_back = [d for d in drafts if "could not be reached" in d.notes]
    assert fell_back and all(d.drafter == "extractive" for d in fell_back)
    for d in drafts:
        assert "Error" not in d.notes and "127.0.0.1" not in d.notes, d.notes
    failed = [line for line in st.values["log"] if "the language model failed (LLMUnavailableError" in line]
    assert len(failed) == len(fell_back) and NO_SERVER in failed[0], st.values["log"]


def _new_run_form():
    from types import SimpleNamespace

    import streamlit as st

    from ui import run_console

    st.session_state["options"] = run_console.options_form(SimpleNamespace(settings={}),
                                                           last_run=st.session_state["last_run"])


@pytest.mark.parametrize("last_run, drafter, rounds", [
    # `deliberation run … --max-revise-rounds 4` in a terminal: a value the form's box did not allow
    ({"drafting": {"drafter": "llm"}, "facilitation": {"max_revise_rounds": 4}}, "llm", 4),
    # a checkpoint of an older version whose drafter this one does not know: the form's defaults
    ({"drafting": {"drafter": "gpt"}}, "extractive", 1),
])
def test_the_new_run_form_draws_whatever_the_last_run_was_started_with(tmp_path, monkeypatch, last_run, drafter, rounds):
    """Found reviewing e14e6d6 (the form starts from the last run's settings): a terminal's run with more
    revision rounds than the form's box offers, or a stored config this version refuses, made the
    console's facilitation tab a traceback (StreamlitValueAboveMaxError; InputError), so the moderator
    could not even start the room over from it."""
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DELIBERATION_DATA", str(Settings(data_dir=tmp_path / "data").ensure().data_dir))
    at = AppTest.from_function(_new_run_form, default_timeout=60)
    at.session_state["last_run"] = last_run
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    options = at.session_state["options"]
    assert (options["drafter"], options["max_revise_rounds"]) == (drafter, rounds)


def _report(llm_run) -> dict:
    from deliberation.report import build_report

    settings, rep, st = llm_run  # with the run's options, as the graph's report step gives them
    return build_report({**st.values, "options": OPTIONS}, Store(settings).statements(rep.consultation_id))


def test_a_drafts_notes_are_said_in_the_rooms_language(llm_run):
    """A German, French or Spanish report printed a draft's notes in English under it ('the language
    model could not be reached; the LLM returned no usable draft, …'): they are said in its language,
    and the English report says them as before."""
    from deliberation.report import to_markdown

    report = _report(llm_run)
    english = ("the language model could not be reached; the LLM returned no usable draft, "
               "so the extractive draft is used")
    assert english in to_markdown(report)
    for lang, words in (("de", "das Sprachmodell war nicht erreichbar; das Sprachmodell lieferte keinen"),
                        ("fr", "le modèle de langue était injoignable\u00a0; le modèle de langue n'a rendu"),
                        ("es", "no se pudo contactar con el modelo de lenguaje; el modelo de lenguaje no")):
        md = to_markdown(report, lang)
        assert words in md and "could not be reached" not in md, (lang, md)


def test_the_public_report_names_no_model_server_address(llm_run):
    """The public report named the model server's address under each LLM draft ("Drafted by the
    language model http://127.0.0.1:9/v1/smollm2-135m-instruct.") and in its method ("model …,
    http://127.0.0.1:9/v1"). It names the drafter by its model and the server without its address;
    the run's log (the moderator's) keeps the address."""
    import json

    from deliberation.report import to_html, to_markdown

    from deliberation.report import build_report

    settings, rep, st = llm_run
    assert any(NO_SERVER in line for line in st.values["log"])  # the moderator's record keeps it
    # a draft the model wrote (here the server was down: each fell back) is named by its drafter
    drafts = [{**st.values["drafts"][0], "drafter": f"llm:{NO_SERVER}/smollm2-135m-instruct", "notes": ""}]
    report = build_report({**st.values, "drafts": drafts + st.values["drafts"][1:], "options": OPTIONS},
                          Store(settings).statements(rep.consultation_id))
    texts = [json.dumps(report), to_html(report)] + [to_markdown(report, lang) for lang in ("en", "de", "fr", "es")]
    for text in texts:
        assert "127.0.0.1" not in text, text
    md = to_markdown(report)
    assert "Drafted by the language model smollm2-135m-instruct." in md, md
    assert "a language model (model smollm2-135m-instruct, an OpenAI-compatible model server)" in md, md
