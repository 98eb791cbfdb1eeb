"""How the report and the review card name who drafted: in words of the room's language, never the
drafter's internal name (a Spanish room's report read "Redactado por el redactor «extractive»", its
review card "Redactado por extractive"), and the embedding model's reason as a whole sentence (it
ended "…así que el modelo multilingüe", "…so the multilingual model", with no verb). Found running a
Spanish room by hand."""

from __future__ import annotations

import os
import re

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pytest  # noqa: E402

from deliberation.embeddings.choice import choose_model  # noqa: E402
from deliberation.models import Statement  # noqa: E402
from deliberation.report import build_report, to_markdown  # noqa: E402
from deliberation.report_text import drafter_words  # noqa: E402

#: a Spanish room's statements (the language detector decides the model, as in a run)
SPANISH = ["La calle Mayor debería cerrarse al tráfico los fines de semana.",
           "Los autobuses de la línea 5 pasan con muy poca frecuencia por la mañana.",
           "Necesitamos más bancos y sombra en la plaza del mercado.",
           "Los comercios del centro temen perder clientes si se cierra la calle."]

#: what each language says of the extractive drafter and of the multilingual model's choice
WORDS = {"en": ("Drafted by the extractive drafter, which quotes participants' own statements.",
                "Drafts written by the extractive drafter", "so the multilingual model is used"),
         "es": ("Redactado por el redactor extractivo, que cita las propias afirmaciones de los participantes.",
                "Borradores redactados por el redactor extractivo", "así que se usa el modelo multilingüe"),
         "de": ("Entworfen durch das auszugsweise Verfahren, das die Aussagen der Teilnehmenden selbst zitiert.",
                "Entwürfe verfasst durch das auszugsweise Verfahren", "daher wird das mehrsprachige Modell verwendet"),
         "fr": ("Rédigé par le rédacteur extractif, qui cite les propositions des participants elles-mêmes.",
                "Brouillons rédigés par le rédacteur extractif", "donc le modèle multilingue est utilisé")}


@pytest.fixture(scope="module")
def report() -> dict:
    statements = [Statement(external_id=str(i), text=t) for i, t in enumerate(SPANISH, 1)]
    choice = choose_model(SPANISH)
    assert choice.reason.endswith("so the multilingual model is used"), choice
    state = {"question": "¿Debería cerrarse la calle Mayor al tráfico?", "consultation_id": 1,
             "analysis": {"n_participants": 6, "n_statements": 4, "n_votes": 20, "group_summaries": [],
                          "topics": {"embedding_model": str(choice)}},
             "drafts": [{"key": "consensus", "kind": "consensus", "audience": "everyone", "status": "approved",
                         "sentences": [{"text": SPANISH[2], "citations": ["3"]}], "drafter": "extractive",
                         "notes": ""}],
             "log": []}
    return build_report(state, statements)


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_report_names_the_drafter_and_the_model_choice_in_words(report, lang):
    drafted_by, method, multilingual = WORDS[lang]
    md = to_markdown(report, lang)
    assert drafted_by in md, md
    assert f"- {method}" in md, md
    assert "«extractive»" not in md and "„extractive“" not in md and "« extractive »" not in md
    model = report["method"]["embedding_model"].partition(":")[0]
    # French puts a no-break space before the colon (method.model_why)
    embedding = next(line for line in md.splitlines() if re.search(rf" {re.escape(model)}\u00a0?: ", line))
    assert embedding.endswith(multilingual), embedding


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_a_language_model_drafter_is_named_with_its_model(lang):
    said = drafter_words("llm:llama3.2", lang)
    assert "llama3.2" in said and "llm" not in said.replace("llama", ""), said
    assert "llm" not in drafter_words("llm", lang)
    assert drafter_words("something-else", lang) == "something-else"
