"""Tests for deliberation.text: language detection (Lingua, offline) and terms."""

from __future__ import annotations


import pytest

from deliberation.text import (
    detect_language,
    detect_languages,
    extract_terms,
    language_name,
    main_language,
    stop_words,
)


def test_detect_language_on_short_statements() -> None:
    assert detect_language("The bus should run more often.") == "en"
    assert detect_language("Der Bus sollte öfter fahren.") == "de"
    assert detect_language("Kampagne gegen Greenwashing.") == "de"
    assert detect_language("公車應該增加班次") == "zh"
    assert detect_language("我覺得 UberX 很好") == "zh"
    assert detect_language("Le bus devrait passer plus souvent.") == "fr"
    assert detect_language("El autobús debería pasar más a menudo.") == "es"


def test_undetermined_text_and_bad_input() -> None:
    assert detect_language("15") == ""
    assert detect_language("  ") == ""
    assert detect_languages(["Tempo 30 in der ganzen Stadt", "$15", "市長是白痴。"]) == ["de", "", "zh"]
    # too close to call alone (Lingua's second guess is near its first) ...
    assert detect_language("I prefer jazz to classical music.") == ""
    # ... so in a batch it takes the main language of the others
    batch = ["I prefer jazz to classical music.", "The bus should run more often.", "Parking is too expensive."]
    assert detect_languages(batch, fill_main=True) == ["en", "en", "en"]
    assert detect_languages([]) == []
    with pytest.raises(TypeError, match="text 1 is int"):
        detect_languages(["ok", 3])  # type: ignore[list-item]


def test_main_language_and_names() -> None:
    assert main_language(["de", "de", "en", ""]) == "de"
    assert main_language(["de", "en"]) == "en"  # ties go to the default
    assert main_language(["zh", "de"], default="en") == "zh"  # else the first seen
    assert main_language(["", ""]) == "en"
    assert language_name("de") == "German" and language_name("") == "unknown"


def test_stop_words_per_language() -> None:
    assert "und" in stop_words("de") and "the" not in stop_words("de")
    assert "the" in stop_words("en") and "the" in stop_words("zh")
    assert {"le", "les", "des"} <= stop_words("fr")
    assert extract_terms("Les villes doivent planter plus d'arbres", "fr") == ["villes", "planter", "arbres"]


def test_languages_are_remembered(monkeypatch) -> None:
    """A text's language is detected once per process: asked again (one by one or in a batch),
    the answer is the remembered one, the same as Lingua's; the memory keeps CACHE_SIZE texts."""
    from deliberation.text import languages

    texts = ["Der Bus sollte öfter fahren.", "The bus should run more often.", "15", "公車應該增加班次",
             "The bus should run more often."]
    first = detect_languages(texts)
    monkeypatch.setattr(languages, "_detector", lambda: pytest.fail("Lingua asked about a remembered text"))
    assert detect_languages(texts) == first == ["de", "en", "", "zh", "en"]
    assert [detect_language(t) for t in texts] == first
    monkeypatch.setattr(languages, "CACHE_SIZE", 2)
    # on a memory of its own: texts "a", "b", "c" remembered by earlier tests of the session would
    # stay where they were and be trimmed first (found running make test without ../shared)
    monkeypatch.setattr(languages, "_cache", type(languages._cache)())
    languages._remember({"a": "en", "b": "de", "c": "fr"})
    assert list(languages._cache) == ["b", "c"]


def _translations() -> list[str]:
    import json
    from pathlib import Path

    rows = Path(__file__).with_name("data").joinpath("multilingual", "translations.jsonl").read_text("utf-8")
    return [row[code] for row in map(json.loads, rows.splitlines()) for code in ("en", "de", "zh", "fr", "es")]


def test_models_load_once_per_process_with_the_same_answers(monkeypatch) -> None:
    """A batch of new texts (an import: more than 200 of Bowling Green's statements) keeps
    Lingua's models loaded, so the draft sentences the guard asks about later load nothing again
    (before, the batch released them and the next new text reloaded them: 2 loads in
    bench_graph's process); batch and one-by-one detection answer the same."""
    from collections import OrderedDict

    from deliberation.text import languages

    texts = _translations()  # 120 statements in en, de, zh, fr, es

    def forget() -> None:  # a fresh memory, so every text goes to Lingua again
        monkeypatch.setattr(languages, "_cache", OrderedDict())

    forget()
    before = languages.detector_state()  # an import earlier in the session may have released them
    one_by_one = [detect_language(t) for t in texts]
    held = languages.detector_state()
    assert held.loaded and held.loads == before.loads + (not before.loaded)
    assert one_by_one.count("de") == one_by_one.count("zh") == 24

    forget()
    batch = texts * 2 + [t + " " + t for t in texts]  # 360 texts, 240 of them new: batch work
    assert detect_languages(batch)[:len(texts)] == one_by_one
    after_batch = languages.detector_state()
    assert after_batch.loaded and after_batch.loads == held.loads
    assert after_batch.texts_detected == held.texts_detected + 2 * len(texts)

    forget()
    assert [detect_language(t) for t in texts] == one_by_one  # no reload, same answers
    assert detect_languages(texts[:10]) == one_by_one[:10]  # remembered: Lingua not asked
    again = languages.detector_state()
    assert again.loaded and again.loads == held.loads
    assert again.texts_detected == after_batch.texts_detected + len(texts)




def test_an_import_releases_the_models_when_it_sent_a_batch_and_keeps_them_otherwise(tmp_path, monkeypatch) -> None:
    """An import that sends Lingua more than RELEASE_AFTER new texts releases its models once its
    language work is done (before its embedding), and the memory with them: bench_scale's
    product path peaked at 1,222 MB with them held after the import, against ~950 released and
    ~1,100 at b330756. A batch outside an import (an analysis's intake) keeps them, as does an
    import of texts detected before in the process; after a release the next new text reloads them,
    with the same answers."""
    import csv
    from collections import OrderedDict

    from deliberation.config import Settings
    from deliberation.importers.tabular import read_statements_file
    from deliberation.services import import_bundle
    from deliberation.text import languages

    texts = _translations()[:40]  # 40 statements in en, de, zh, fr, es
    monkeypatch.setattr(languages, "RELEASE_AFTER", len(texts) // 2, raising=False)

    def forget() -> None:  # a fresh memory, so every text goes to Lingua again
        monkeypatch.setattr(languages, "_cache", OrderedDict())

    def room(name: str, rows: list[str]):
        path = tmp_path / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([("id", "author", "text"), *((i, f"p{i}", t) for i, t in enumerate(rows))])
        return read_statements_file(path, question="What should the town change?")

    settings = Settings(data_dir=tmp_path / "data").ensure()
    forget()
    told = detect_languages(texts)  # a batch outside an import: kept
    kept = languages.detector_state()
    assert kept.loaded

    import_bundle(settings, room("known", texts), embed=False)  # only the question is new: kept
    after = languages.detector_state()
    assert (after.loaded, after.loads, after.releases) == (True, kept.loads, kept.releases)
    assert after.texts_detected - kept.texts_detected <= 2  # the room's language, from its question

    forget()
    import_bundle(settings, room("new", texts), embed=False)  # 40 new texts: released
    released = languages.detector_state()
    assert not released.loaded and released.releases == kept.releases + 1
    assert released.texts_detected > kept.texts_detected + len(texts) // 2

    forget()
    assert detect_languages(texts) == told  # reloaded, the same answers
    assert languages.detector_state().loads == kept.loads + 1

    forget()  # an import a graph run follows in the process (`deliberation run FOLDER`) keeps them
    import_bundle(settings, room("run", texts), embed=False, keep_languages=True)
    held = languages.detector_state()
    assert held.loaded and (held.loads, held.releases) == (kept.loads + 1, released.releases)
    assert held.texts_detected > released.texts_detected + len(texts)
