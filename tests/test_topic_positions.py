"""A split topic's draft sets side by side only positions about the same subject (real Polis exports
in ../shared/corpora, the real embedding model; skipped with a reason where the corpora are absent).

k-means puts every statement in some topic, so a topic also holds statements about other things; the
opposing groups' best-agreed statement of a topic was set beside the dividing one whatever it was about
(Austria: advertising beside daylight saving time)."""

from __future__ import annotations

import pytest

from conftest import CORPORA
from deliberation.analysis.pipeline import AnalysisConfig, analyze
from deliberation.analysis.topics import TopicConfig
from deliberation.embeddings import Embedder, EmbeddingConfig
from deliberation.embeddings.choice import choose_model
from deliberation.facilitation import build_requests
from deliberation.importers.polis import read_polis_export


@pytest.fixture(scope="module")
def split_drafts(tmp_path_factory):
    """corpus name -> the split topic drafts' requests, as `run` makes them
    (with the embedding model it chooses by the statements' languages)."""
    cache = tmp_path_factory.mktemp("embeddings")

    def _split(name):
        folder = CORPORA / name
        if not folder.is_dir():
            pytest.skip(f"real-data test needs the Polis export {folder} (../shared/corpora beside the "
                        "repository), which is absent here")
        bundle = read_polis_export(folder)
        texts = [s.text for s in bundle.statements]
        model = choose_model(texts).model
        vectors = Embedder(EmbeddingConfig(model=model, cache_dir=cache)).encode(texts)
        config = AnalysisConfig(topics=TopicConfig(embedding_model=model))
        result = analyze(bundle.vote_matrix(), bundle.statements, vectors, config=config)
        return [q for q in build_requests(result, bundle.statements, "") if q.split]

    return _split


def test_no_daylight_saving_time_beside_advertising_on_austria(split_drafts):
    """Austria's "werbung · internet · konsum" topic set group B's "Sommerzeit das ganze Jahr …" beside
    "Standardmäßig keine Werbung an Haushalte erlauben …" as the other side of the split. The advertising
    statement still divides the groups and stands alone with who holds and who opposes it."""
    drafts = split_drafts("austria-climate.5twd2jsnkf.2022-08-08")
    texts = [[r.text for r in q.sources] for q in drafts]
    werbung = [q for q in drafts if q.sources[0].text.startswith("Standardmäßig keine Werbung an Haushalte")]
    assert len(werbung) == 1, texts
    assert [r.id for r in werbung[0].sources] == ["479"], texts
    assert "disagree" in werbung[0].sources[0].held_by
    assert "no other statement on the same subject" in werbung[0].purpose
    # no other pair about different things came back (space travel / rental scooters, cruise ships / state intervention)
    for first in ("Raumfahrt belastet die Umwelt", "Kreuzfahrtschiffe dezimieren"):
        assert [d[1:] for d in texts if d[0].startswith(first)] in ([], [[]]), texts


def test_positions_on_one_subject_stay_side_by_side_on_seattle(split_drafts):
    """Seattle's minimum wage: "Higher wages makes it super hard for small businesses to survive …"
    (group B) and "Businesses, small or large, shouldn't be able to pay workers anything below a livable
    wage …" (group A) are two sides of one question and stay paired; so do all four of its pairs."""
    pairs = [[r.id for r in q.sources] for q in split_drafts("15-per-hour-seattle")]
    assert ["46", "48"] in pairs, pairs
    assert sum(len(p) == 2 for p in pairs) == 4, pairs
