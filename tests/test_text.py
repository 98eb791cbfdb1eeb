"""Tests for deliberation.text: language detection (Lingua, offline) and terms."""

from __future__ import annotations

import sys

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


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def test_models_released_after_a_batch_with_the_same_answers(monkeypatch) -> None:
    """A batch of more than RELEASE_AFTER new texts releases Lingua's models (and their memory);
    single texts keep them; detection after a release reloads them and answers the same."""
    from collections import OrderedDict

    from deliberation.text import languages

    texts = _translations()  # 120 statements in en, de, zh, fr, es
    monkeypatch.setattr(languages, "RELEASE_AFTER", len(texts) - 1)

    def forget() -> None:  # a fresh memory, so every text goes to Lingua again
        monkeypatch.setattr(languages, "_cache", OrderedDict())

    forget()
    one_by_one = [detect_language(t) for t in texts]
    held = languages.detector_state()
    assert held.loaded and one_by_one.count("de") == one_by_one.count("zh") == 24
    rss_held = _rss_mb()

    forget()
    assert detect_languages(texts) == one_by_one
    released = languages.detector_state()
    assert not released.loaded and released.releases == held.releases + 1
    assert released.texts_detected == held.texts_detected + len(texts)
    if sys.platform.startswith("linux"):  # malloc_trim hands the models' memory back
        assert _rss_mb() < rss_held - 50

    forget()
    assert [detect_language(t) for t in texts] == one_by_one  # reloaded, same answers
    assert detect_languages(texts[:10]) == one_by_one[:10]  # remembered: Lingua not asked
    again = languages.detector_state()
    assert again.loaded and again.loads == released.loads + 1 and again.releases == released.releases
    assert again.texts_detected == released.texts_detected + len(texts)

    forget()
    assert detect_languages(texts[:20]) == one_by_one[:20]  # a small batch keeps the models
    assert languages.detector_state().loaded


def test_release_while_other_threads_detect(monkeypatch) -> None:
    """The app detects from several threads: releasing the models meanwhile changes no answer."""
    from concurrent.futures import ThreadPoolExecutor

    from deliberation.text import languages

    texts = _translations()[:30]
    expected = [detect_language(t) for t in texts]
    monkeypatch.setattr(languages, "_remembered", lambda _texts: {})  # every call asks Lingua
    monkeypatch.setattr(languages, "_remember", lambda _found: None)
    detect_language(texts[0])  # the models are held
    before = languages.detector_state()

    def detect_all(_: int) -> list[str]:
        return [detect_language(t) for t in texts]

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(detect_all, i) for i in range(3)]
        languages.release_models()
        assert [f.result() for f in futures] == [expected] * 3
    assert languages.detector_state().releases > before.releases
