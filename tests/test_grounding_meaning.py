"""The guard's checks for meaning changed through one word (issue 11): substitutions, direction
verbs, scope inflation, dropped conditions; faithful conditionals pass. WordNet (Debian
``wordnet-base``) backs synonyms, hypernyms, antonyms and change verbs; without it the guard says so.

The examples here (tests/data/grounding_meaning_cases.toml) are made up (like the issue's); the labelled sets are in test_grounding.py and the
sealed holdout in test_grounding_holdout.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberation.grounding import ProblemKind, check_draft
from deliberation.grounding import thesaurus_de
from deliberation.grounding import wordnet as wn
from guard_cases import guard_cases

needs_wordnet = pytest.mark.skipif(wn.wordnet() is None, reason=wn.status())

needs_thesaurus_de = pytest.mark.skipif(not Path("/usr/share/mythes/th_de_DE_v2.idx").is_file(),
                                        reason="Debian's mythes-de (OpenThesaurus) is not installed")
#: (statement, draft, the problem kind expected or None for faithful): tests/data/grounding_meaning_cases.toml
CASES = guard_cases("grounding_meaning_cases.toml", {"thesaurus_de": needs_thesaurus_de})


@needs_wordnet
@pytest.mark.parametrize("statement,draft,kind", CASES, ids=[getattr(c, "values", c)[1][:40] for c in CASES])
def test_meaning_checks(statement: str, draft: str, kind: ProblemKind | None) -> None:
    report = check_draft([{"id": "1", "text": statement}], draft, ["1"])
    verdict = report.sentences[0]
    if kind is None:
        assert report.supported, verdict.reason
    else:
        assert not report.supported and kind in verdict.problem_kinds, verdict.reason
    assert report.lexical_resource.startswith("WordNet 3.0")


@needs_wordnet
def test_wordnet_relations() -> None:
    assert wn.supports("pigeon", "bird") and not wn.supports("pigeon", "fox")
    assert wn.supports("closure", "closed")
    assert wn.are_antonyms("hard", "easier") and wn.are_antonyms("increase", "decrease")
    assert [wn.verb_direction(v) for v in ("raise", "boost", "cut", "lower", "reduce")] == [1, 1, -1, -1, -1]
    assert wn.verb_direction("bring", "down") == -1 and wn.verb_direction("speed", "up") == 1
    # the usual part of speech from WordNet's sense-tagged counts, not the first listed sense
    assert [wn.usual_pos(w) for w in ("trees", "stop", "put", "longer")] == ["n", "v", "v", "a"]
    assert wn.same_thing("pigeon", "bird") and not wn.same_thing("trees", "dogs") and not wn.same_thing("bird", "pigeon")


@needs_wordnet
def test_what_a_word_names_is_read_in_one_place() -> None:
    """WordNet's senses are walked in :mod:`.wordnet` alone (a name: an instance of something; a
    built place: a kind of one of ``circumstance_place_kinds`` at any level, its first senses only),
    :mod:`.circumstances` asks it through the public :func:`wordnet.descends_from`. The answers on
    9,231 words (6,000 random noun lemmas, Bowling Green's and Seattle's words) were the same before
    and after the walk moved (the commit that moved it says how)."""
    from deliberation.grounding import circumstances

    assert wn.is_name("Colorado") and wn.is_name("Kennedy") and not wn.is_name("fountain")
    places = circumstances._PLACE_KINDS
    assert all(wn.descends_from(w, places, circumstances.PLACE_SENSES) for w in ("yard", "school", "lane"))
    assert not any(wn.descends_from(w, places, circumstances.PLACE_SENSES) for w in ("idea", "happiness", "pigeon"))
    # "yard" is a unit of length first: its first sense alone is no place
    assert not wn.descends_from("yard", places, 1)
    assert [circumstances._time_or_place(w) for w in ("morning", "area", "yard", "idea")] == [True, True, True, False]


@pytest.mark.parametrize("env, cached, text, words", [
    ("DELIBERATION_WORDNET_DIR", wn.wordnet, "Parks need more bins.", ("WordNet not available", "wordnet-base")),
    ("DELIBERATION_THESAURUS_DE", thesaurus_de._index, "Mehr Mülleimer in Parks.",
     ("OpenThesaurus not available", "mythes-de")),
])
def test_guard_says_when_a_lexical_resource_is_missing(tmp_path, monkeypatch, env, cached, text, words) -> None:
    """Without WordNet or the German thesaurus the guard still checks, and its report says which is
    missing and which Debian package brings it."""
    monkeypatch.setenv(env, str(tmp_path / "absent"))
    cached.cache_clear()
    try:
        assert cached() is None
        report = check_draft([{"id": "1", "text": text}], text, ["1"])
        assert report.supported
        assert all(w in report.lexical_resource for w in words), report.lexical_resource
    finally:
        monkeypatch.delenv(env)
        cached.cache_clear()


@needs_wordnet
def test_lemma_index_equals_nltks_own() -> None:
    """The lemma index parsed per lemma on first use (wordnet_index.LemmaIndex) holds, for every one
    of WordNet's 147,000 lemmas, what nltk's own start-up loader builds; synsets and base forms
    come out the same."""
    import random

    own = wn.open_reader(wn.wordnet_dir(), lazy_index=False)
    ours = wn.wordnet()
    assert ours._lemma_pos_offset_map is not own._lemma_pos_offset_map
    assert ours._exception_map == own._exception_map
    adjectives = {o for v in own._lemma_pos_offset_map.values() for o in v.get("a", ())}
    assert {o for o in adjectives if o in ours.satellite_offsets} == own.satellite_offsets & adjectives
    assert 1 not in ours.satellite_offsets and -5 not in ours.satellite_offsets
    assert len(ours._lemma_pos_offset_map) == len(own._lemma_pos_offset_map) > 140_000
    assert all(ours._lemma_pos_offset_map[k] == v for k, v in own._lemma_pos_offset_map.items())
    words = random.Random(0).sample(sorted(own._lemma_pos_offset_map), 500) + ["drove", "geese", "better", "xqzt"]
    for w in words:
        for pos in (None, "n", "v", "a", "r", "s"):
            assert ours.synsets(w, pos) == own.synsets(w, pos) or \
                [s.name() for s in ours.synsets(w, pos)] == [s.name() for s in own.synsets(w, pos)], (w, pos)
            assert pos is None or ours.morphy(w, pos) == own.morphy(w, pos), (w, pos)
            assert [lem.count() for s in ours.synsets(w, pos) for lem in s.lemmas()] == \
                [own.lemma_count(lem) for s in own.synsets(w, pos) for lem in s.lemmas()], (w, pos)


@pytest.mark.skipif(not Path("/usr/share/mythes/th_de_DE_v2.idx").is_file(),
                    reason="Debian's mythes-de (OpenThesaurus) is not installed")
def test_german_synonyms_from_openthesaurus() -> None:
    """Real holdout paraphrases: 'Herkunft' for 'Ursprung', 'Gerichte' for 'Speisen', and
    inflected forms looked up by their headword."""
    from deliberation.grounding import thesaurus_de

    assert "ursprung" in thesaurus_de.synonyms("Herkunft")
    assert "speise" in thesaurus_de.synonyms("Gerichte")
    assert thesaurus_de.headwords("Häusern") == ("haus",)
    report = check_draft([{"id": "126", "text": "Bei allen Nahrungsmitteln (auch bei Speisen in Restaurants): "
                                                 "verpflichtende Angabe des Ursprunges von Zutaten."}],
                         "Für alle Nahrungsmittel, auch für Gerichte im Restaurant, soll die Herkunft der Zutaten "
                         "angegeben werden müssen.", ["126"])
    assert report.supported, report.sentences[0].reason


@needs_thesaurus_de
def test_suspended_compound_heads() -> None:
    """The shared head is the longest ending after a first part the thesaurus knows ('Fahrrad|wege'),
    else the longest ending it knows ('Stroh|bau'); other hyphens and other languages are left alone."""
    from deliberation.grounding.ellipsis import written_out

    assert written_out("Auto- und Fahrradwege bauen.") == "Autowege und Fahrradwege bauen."
    assert written_out("Ein- und Ausfahrten sperren.") == "Einfahrten und Ausfahrten sperren."
    assert written_out("Holz-, Lehm- oder Strohbau.") == "Holzbau, Lehmbau oder Strohbau."
    for text in ("E-Autos und Lastenräder fördern.", "Baden-Württemberg und Bayern.",
                 "Pre- and post-war housing.", "Mehr Bäume pflanzen."):
        assert written_out(text) == text
