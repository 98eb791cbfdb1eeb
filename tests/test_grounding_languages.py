"""The guard and the languages it reads: a sentence in a language without word lists is never
passed on its words (it said "supported" to a French draft that added "ne ... pas"), a word-for-word
quote still passes in every language, and French / Spanish have lists of their own.

Statements: tests/data/multilingual/translations.jsonl (the French and Spanish rooms of
tests/test_room_languages.py); the Italian ones are written for this test, in the same style.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from deliberation.grounding import ProblemKind, check_draft, public_reason

TRANSLATIONS = [json.loads(line) for line in
                (REPO / "tests" / "data" / "multilingual" / "translations.jsonl").read_text(encoding="utf-8").splitlines()]
IT = "I bus dovrebbero passare ogni dieci minuti la sera."


def _one(source: str, draft: str):
    report = check_draft([{"id": "0", "text": source}], draft, ["0"])
    assert len(report.sentences) == 1
    return report.sentences[0]


@pytest.mark.parametrize("draft", [
    "I bus non dovrebbero passare ogni dieci minuti la sera.",
    "Tutti sono d'accordo che i bus dovrebbero passare ogni cinque minuti la sera.",
    "I partecipanti chiedono autobus più frequenti la sera.",  # a fair paraphrase is not passed either
])
def test_a_sentence_the_guard_cannot_read_is_not_passed_and_says_why(draft):
    v = _one(IT, draft)
    assert not v.supported
    assert v.problem_kinds == [ProblemKind.NOT_CHECKED]
    assert v.reason == ("not checked: the guard has no word lists for Italian; "
                        "read it against its sources by hand")
    assert public_reason(v.problem_kinds[0]) == "was not checked: the guard has no word lists for its language"


def test_a_word_for_word_quote_passes_in_any_language():
    v = _one(IT + " Oggi si aspetta mezz'ora.", "i bus  dovrebbero passare ogni dieci minuti la sera")
    assert v.supported and v.best_match == "0"
    assert "quoted word for word from statement 0" in v.reason and "Italian" in v.reason
    # a part of a sentence is not a quote: it may drop what the rest said
    assert not _one("Non credo che i bus dovrebbero passare ogni dieci minuti la sera.", IT).supported


def test_a_sentence_whose_language_is_not_told_takes_its_sources():
    """"Zona 30." (the detector cannot tell its language) was read with the English and German word
    lists; citing an Italian statement it is not checked, citing a French one it is read with the
    French lists, and citing an English one it is read as before."""
    it = "Il comune dovrebbe fare una zona 30 e più piste ciclabili in centro."
    v = _one(it, "Zona 30.")
    assert not v.supported and v.problem_kinds == [ProblemKind.NOT_CHECKED] and "Italian" in v.reason
    assert _one("Zona 30.", "Zona 30.").supported  # its sources' language not told either: as before
    v = _one("La ville devrait créer une zone 30 et plus de pistes cyclables au centre.", "Zone 30.")
    assert "French" in v.reason
    v = _one("The city should make a 30 zone and more bike lanes in the centre.", "Tram 15.")
    assert not v.supported and ProblemKind.NOT_CHECKED not in v.problem_kinds


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_the_real_statements_quoted_verbatim_still_pass(lang):
    statements = [{"id": t["id"], "text": t[lang]} for t in TRANSLATIONS]
    for t in statements:
        report = check_draft(statements, t["text"], [t["id"]])
        assert report.supported, (t, report.sentences[0].reason)


#: one change of meaning each, to a translated statement (lang, translation id, draft, the problem it must raise)
MEANING_CHANGES = [json.loads(line) for line in (REPO / "tests" / "data" / "multilingual" / "meaning_changes.jsonl")
                   .read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("lang, source, draft, kind", [(c["lang"], c["source"], c["draft"], ProblemKind[c["kind"]])
                                                     for c in MEANING_CHANGES])
def test_french_and_spanish_changes_of_meaning_are_caught(lang, source, draft, kind):
    text = next(t[lang] for t in TRANSLATIONS if t["id"] == source)
    v = _one(text, draft)
    assert not v.supported and kind in v.problem_kinds, v.reason


FR_THESAURUS = Path("/usr/share/mythes/thes_fr.idx").is_file() and Path("/usr/share/mythes/th_es_ES_v2.idx").is_file()
needs_fr_es_thesauri = pytest.mark.skipif(not FR_THESAURUS, reason="Debian's mythes-fr / mythes-es (LibreOffice's "
                                          "French and Spanish thesauri) are not installed")
PIGEONS = "Les pigeons salissent l'abri de bus de la place du marché."
PALOMAS = "Las palomas ensucian la marquesina del autobús de la plaza mayor."


@needs_fr_es_thesauri
@pytest.mark.parametrize("source, draft, kind, word", [
    (PIGEONS, "Les renards salissent l'abri de bus de la place du marché.", ProblemKind.SUBSTITUTION, "renards"),
    (PALOMAS, "Los zorros ensucian la marquesina del autobús de la plaza mayor.", ProblemKind.SUBSTITUTION, "zorros"),
    (PIGEONS, "Les pigeons salissent l'abri de bus de la place du marché, surtout en hiver.",
     ProblemKind.ADDED_CONTENT, "hiver"),
    (PALOMAS, "Las palomas ensucian la marquesina del autobús de la plaza mayor si hay obras.",
     ProblemKind.ADDED_CONTENT, "obras"),
    # role pairs the French thesaurus lists as synonyms (data/fr.toml own_never_synonyms)
    ("Les locataires paient trop de charges.", "Les propriétaires paient trop de charges.",
     ProblemKind.SUBSTITUTION, "propriétaires"),
    ("Les femmes se sentent en danger dans la gare le soir.",
     "Les hommes se sentent en danger dans la gare le soir.", ProblemKind.SUBSTITUTION, "hommes"),
    ("Favoriser le commerce en ligne, à condition que la livraison soit neutre pour le climat.",
     "Des participants veulent favoriser le commerce en ligne.", ProblemKind.SCOPE_INFLATED, "à condition que"),
    # an elliptical condition dropped ("si nécessaire", "au besoin", "de ser necesario"; bare French
    # 'si' is also 'so' and is not looked for alone)
    ("La mairie devrait fermer la rue du marché aux voitures le dimanche si nécessaire.",
     "Des habitants demandent que la mairie ferme la rue du marché aux voitures le dimanche.",
     ProblemKind.SCOPE_INFLATED, "si nécessaire"),
    ("Si besoin, la ville devrait ajouter un feu de circulation devant l'école.",
     "La ville devrait ajouter un feu de circulation devant l'école.", ProblemKind.SCOPE_INFLATED, "si besoin"),
    ("De ser necesario, el ayuntamiento debería cortar la calle del mercado los domingos.",
     "Algunos vecinos piden que el ayuntamiento corte la calle del mercado los domingos.",
     ProblemKind.SCOPE_INFLATED, "de ser necesario"),
    # 'vecinos' / 'habitants' frame a report only before a reporting verb ("algunos vecinos dicen"):
    # elsewhere they are a side of the statement, and a swap is caught
    ("La policía local se beneficiaría de más formación en relaciones con la comunidad.",
     "Los vecinos se beneficiarían de más formación en relaciones con la policía local.",
     ProblemKind.SUBSTITUTION, "vecinos"),
    ("Los comerciantes del centro deberían poder aparcar gratis en la plaza.",
     "Los vecinos del centro deberían poder aparcar gratis en la plaza.", ProblemKind.SUBSTITUTION, "vecinos"),
    ("Les commerçants du centre devraient pouvoir se garer gratuitement sur la place.",
     "Les habitants du centre devraient pouvoir se garer gratuitement sur la place.",
     ProblemKind.SUBSTITUTION, "habitants"),
])
def test_french_and_spanish_words_no_statement_says_are_caught(source, draft, kind, word):
    v = _one(source, draft)
    assert not v.supported and kind in v.problem_kinds and word in v.reason, v.reason


@needs_fr_es_thesauri
@pytest.mark.parametrize("source, draft", [
    ("Il faut réduire la vitesse des voitures devant l'école primaire.",
     "Des habitants signalent qu'il faut diminuer la vitesse des voitures devant l'école primaire."),
    ("Les bus devraient passer toutes les dix minutes le soir.",
     "Des participants demandent que les bus passent toutes les dix minutes le soir."),
    ("Las aceras de la calle principal son demasiado estrechas para los carritos de bebé.",
     "Las aceras de la calle principal son demasiado angostas para los carritos de bebé."),
    ("Las centrales de carbón deben cerrarse antes de 2030.",
     "Algunos participantes quieren que las centrales de carbón se cierren antes de 2030."),
    # a light verb or a need for a modal ("estar abierta" for "abrir", "a besoin de" for "il faut")
    ("La biblioteca debería abrir los domingos.", "La biblioteca debería estar abierta los domingos."),
    ("Il faut plus de bancs dans le parc.", "Selon des habitants, le parc a besoin de plus de bancs."),
    ("Hay que multar a los propietarios que no mantienen sus viviendas.",
     "Según algunos participantes, los propietarios que no mantienen sus viviendas deberían recibir multas."),
    # people who frame a report, before or after their verb; 'si' as 'so' is no condition
    ("El ayuntamiento debería plantar árboles en el patio del colegio.",
     "El ayuntamiento debería plantar árboles en el patio del colegio, dicen algunos vecinos."),
    ("Les loyers sont si chers que les jeunes familles quittent la ville.",
     "Des habitants signalent que les loyers sont tellement chers que les jeunes familles quittent la ville."),
    ("La mairie devrait fermer la rue du marché le dimanche si nécessaire.",
     "Des habitants demandent que la mairie ferme la rue du marché le dimanche au besoin."),
    # a price "too high" is "too dear": one pole of the level axis ('élevés' / 'chers', 'altos' / 'caros')
    ("Les loyers sont trop chers dans le centre.", "Les loyers du centre sont trop élevés."),
    ("Los alquileres son demasiado caros en el centro.", "Los alquileres del centro son demasiado altos."),
])
def test_french_and_spanish_synonyms_and_word_forms_pass(source, draft):
    v = _one(source, draft)
    assert v.supported, v.reason
    assert "word lists and the" in v.reason and "thesaurus of LibreOffice" in v.reason


def test_the_guard_says_plainly_when_the_french_thesaurus_is_missing(tmp_path, monkeypatch):
    """Without mythes-fr a swapped thing passes as before, and the report and the sentence say why
    (nothing reads the thesaurus's files then: whether they are there is asked first)."""
    monkeypatch.setenv("DELIBERATION_THESAURUS_FR", str(tmp_path / "absent"))
    v = _one(PIGEONS, "Les renards salissent l'abri de bus de la place du marché.")
    report = check_draft([{"id": "0", "text": PIGEONS}], PIGEONS, ["0"])
    assert v.supported and "read with the French word lists only, no thesaurus" in v.reason, v.reason
    assert "apt-get install mythes-fr" in v.reason
    assert ("the French thesaurus of LibreOffice not available" in report.lexical_resource
            and "apt-get install mythes-fr" in report.lexical_resource), report.lexical_resource


@needs_fr_es_thesauri
@pytest.mark.parametrize("source, draft", [
    ("Les loyers sont trop élevés dans le centre.", "Les loyers du centre sont trop bas."),
    ("Les loyers sont trop chers dans le centre.", "Les loyers du centre sont abordables."),
    ("Los alquileres son demasiado caros en el centro.", "Los alquileres del centro son demasiado bajos."),
])
def test_french_and_spanish_prices_put_low_for_high_are_reversed(source, draft):
    v = _one(source, draft)
    assert not v.supported and ProblemKind.DIRECTION_REVERSED in v.problem_kinds, v.reason


@needs_fr_es_thesauri
def test_one_reader_for_every_mythes_file():
    """The Spanish file is ISO8859-1 and marks a few antonyms, the French one writes parts of speech:
    one reader (deliberation/grounding/mythes.py) reads both, as it reads OpenThesaurus."""
    from deliberation.grounding.thesaurus_fr_es import THESAURI, function_word

    es = {w for m in THESAURI["es"].entry("ahorrativo") for w in m.words}
    assert "tacaño" in es and "gastador" not in es  # "gastador (Antónimo)"
    assert [m.pos for m in THESAURI["fr"].entry("pigeon")] == ["(Nom)"]
    assert function_word("mieux", "fr") and not function_word("hiver", "fr")


@needs_fr_es_thesauri
@pytest.mark.parametrize("name, max_fn, max_fp", [("grounding_fr_es_dev.jsonl", 0, 0), ("grounding_fr_es_dev2.jsonl", 0, 6),
                                                  ("grounding_fr_es_dev3.jsonl", 0, 3),
                                                  ("grounding_fr_es_check2.jsonl", 4, 3)])
def test_the_french_spanish_sets(name, max_fn, max_fp):
    """tests/data/grounding_fr_es_dev*.jsonl (written for development, see their provenance field)
    and grounding_fr_es_check2.jsonl (never tuned on, grounding_fr_es_set3_PROVENANCE.md): at most
    so many misses and false alarms. dev2's false alarms are gaps of the thesauri ('instalar' for
    'poner', 'plazas' for 'sitios', 'garder' for 'rester', 'siga' for 'quedarse'), a paraphrase that
    adds a verb, and two statements joined in one sentence; dev3's and check2's are words a
    paraphrase adds or derives ('réservé', 'représentées', 'evitar' for 'impedir', 'posséder' for
    'possession', 'offrent'), check2's misses a thing the thesaurus gives as a synonym ('carreteras'
    for 'aceras'), a changed verb the purpose clause of which is dropped and 'toute la ville' for
    'certaines parties'."""
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    from score_grounding import load, score

    result = score(load(REPO / "tests" / "data" / name))
    assert result["counts"]["fn"] <= max_fn, result["errors"]
    assert result["counts"]["fp"] <= max_fp, result["errors"]
