"""Topics, near-duplicates and labels across languages, with the real multilingual embedding model
(USE multilingual v3, which the "auto" choice gives consultations in several languages) on
hand-written statements (tests/data/multilingual) and the sample corpus.

Figures compared with all-MiniLM-L6-v2 come from ``bench/bench_models.py`` (README table).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from deliberation.analysis.topics import TopicConfig, find_topics
from deliberation.config import Settings
from deliberation.embeddings import Embedder, EmbeddingConfig
from deliberation.importers.tabular import read_statements_file
from deliberation.services import (
    analyze_source,
    consultation_model,
    embedder_for,
    import_bundle,
    set_moderation,
    similar_statements,
    vector_index,
)
from deliberation.models import ModerationStatus
from deliberation.storage import Store
from deliberation.text import detect_languages

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "multilingual"
CORPORA = REPO.parent / "shared" / "corpora"
SEATTLE = CORPORA / "15-per-hour-seattle" / "comments.csv"
#: Topic-vs-subject agreement the mixed en/de/zh set must reach (issue 12).
MIN_MIXED_ARI = 0.9
#: all-MiniLM-L6-v2 on the sample, measured by bench/bench_models.py: share of statements whose
#: nearest other statement has the same hand-labelled topic (statements-source.csv).
MINILM_SAMPLE_NEIGHBOUR_AGREEMENT = 0.41
#: all-MiniLM-L6-v2's topics on the sample before topics were fitted on principal components:
#: adjusted Rand index vs the hand labels, mean over seeds 0-9 (bench/bench_models.py, "before").
MINILM_SAMPLE_TOPIC_ARI = 0.114
#: Seeds the sample's topic agreement is averaged over (one seed's k is a coin toss on this sample).
SAMPLE_SEEDS = 10
#: all-MiniLM-L6-v2's silhouette of its topics on Seattle $15 (bench/bench_models.py).
MINILM_SEATTLE_SILHOUETTE = 0.117


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def embed(tmp_path_factory):
    embedder = Embedder(EmbeddingConfig(cache_dir=tmp_path_factory.mktemp("embeddings"), show_progress=False))
    yield embedder.encode
    embedder.close()


@pytest.fixture(scope="module")
def mixed(embed):
    rows = _jsonl("mixed_topics.jsonl")
    ids, texts = [r["id"] for r in rows], [r["text"] for r in rows]
    return rows, find_topics(ids, texts, embed(texts), rng=0)


def test_mixed_language_topics_follow_the_subject(mixed):
    rows, result = mixed
    assert {r["language"] for r in rows} == {"en", "de", "zh"}
    ari = adjusted_rand_score([r["subject"] for r in rows], [result.assignment[r["id"]] for r in rows])
    print(f"mixed en/de/zh: {len(result.topics)} topics, ARI vs subject {ari:.3f}: "
          + " | ".join(t.label for t in result.topics))
    assert ari >= MIN_MIXED_ARI


def test_a_mixed_language_consultation_gets_the_multilingual_model(tmp_path):
    """Imported and analysed as a consultation (the default "auto" model choice): the mixed set is
    embedded with USE, which the consultation stores, and its topics follow the subject."""
    settings = Settings(data_dir=tmp_path / "data", database_url=None, chroma_url=None, embedding_model=None)
    cid = import_bundle(settings, read_statements_file(DATA / "mixed_topics.jsonl", question="Our town?")).consultation_id
    assert Store(settings).get_consultation(cid).settings["embedding_model"] == "use-multilingual-v3"
    result, _ = analyze_source(settings, str(cid))
    assert result.topics["embedding_model"].startswith("use-multilingual-v3: 16 of 48 statements")
    rows = _jsonl("mixed_topics.jsonl")
    topic_of = {sid: t["id"] for t in result.topics["topics"] for sid in t["statement_ids"]}
    ari = adjusted_rand_score([r["subject"] for r in rows], [topic_of[r["id"]] for r in rows])
    print(f"mixed en/de/zh as a consultation: ARI vs subject {ari:.3f}")
    assert ari >= MIN_MIXED_ARI
    # two statements held for the moderator: the model's line counts every statement (48, as the
    # summary's "statements: 48"), the topics' note says it counts those participants see (46); it
    # said "The statements are in several languages" with 46 below a line counting 48
    for sid in [r["id"] for r in rows if r["language"] == "de"][:2]:
        set_moderation(settings, cid, sid, ModerationStatus.NEEDS_REVIEW, "held")
    result, summary = analyze_source(settings, str(cid))
    assert "statements: 48" in summary and "use-multilingual-v3: 16 of 48 statements" in summary
    seen = [n for n in result.notes if "several languages" in n]
    assert len(seen) == 1 and seen[0].startswith("The statements participants see are in several languages: "), seen
    assert "German (14)" in seen[0] and "English (16)" in seen[0], seen


def test_mixed_language_labels_are_readable_and_name_the_languages(mixed):
    from deliberation.wording import topic_label

    rows, result = mixed
    assert result.languages == {"en": 16, "de": 16, "zh": 16} and result.language == "en"
    # words as label terms are cut ("Short-term" gives "short" and "term": the housing topic's label,
    # from its most central statement, since its statements share no word)
    english_words = {w.strip(".,").lower() for r in rows if r["language"] == "en" for w in re.split(r"[\s-]+", r["text"])}
    for topic in result.topics:
        assert topic.languages == {"en": 4, "de": 4, "zh": 4}
        assert topic.label.endswith(" (English, German, Chinese)")
        # a German or French room reads the languages in its own words (deliberation.wording.topic_label)
        assert topic_label(topic.label, "de").endswith(" (Englisch, Deutsch, Chinesisch)")
        assert topic_label(topic.label, "fr") == topic.label.replace("(English, German, Chinese)", "(anglais, allemand, chinois)")
        # every label term comes from the English statements (a reader of the main language can read it)
        assert all(any(w.startswith(term) for w in english_words) for term in topic.terms[:3]), topic.label
    assert any("several languages" in note for note in result.notes)


def test_translations_are_near_duplicates_and_distinct_statements_are_not(embed):
    rows = _jsonl("translations.jsonl")[:8]
    langs = ["en", "de", "zh", "fr", "es"]
    ids = [f"{r['id']}-{lang}" for r in rows for lang in langs]
    texts = [r[lang] for r in rows for lang in langs]
    result = find_topics(ids, texts, embed(texts), rng=0)
    groups = [set(g) for g in result.near_duplicates]
    # no group mixes two subjects ...
    assert all(len({i.split("-")[0] for i in g}) == 1 for g in groups), groups
    # ... and most translations are linked to their original
    linked = sum(1 for i in ids if any(i in g for g in groups))
    assert linked >= 0.8 * len(ids), result.near_duplicates
    # each group is kept in one topic
    assert all(len({result.assignment[i] for i in g}) == 1 for g in groups)
    # with the English model's calibration (it does not align languages) nothing links across languages
    english = find_topics(ids, texts, embed(texts), config=TopicConfig(embedding_model="all-MiniLM-L6-v2"), rng=0)
    assert english.near_duplicates == []


def test_distinct_statements_in_three_languages_are_not_near_duplicates(mixed):
    _, result = mixed
    assert result.near_duplicates == []


def test_english_sample_neighbours_no_worse_than_minilm(embed):
    """On the bundled English sample, a statement's nearest neighbour shares its hand-labelled topic
    at least as often as with all-MiniLM-L6-v2."""
    with open(REPO / "corpora" / "harbour-road" / "statements-source.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    vectors = embed([r["text"] for r in rows])
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -2.0)
    nearest = sims.argmax(axis=1)
    agreement = float(np.mean([rows[i]["topic"] == rows[j]["topic"] for i, j in enumerate(nearest)]))
    print(f"sample: nearest neighbour in the same topic {agreement:.3f} (MiniLM {MINILM_SAMPLE_NEIGHBOUR_AGREEMENT})")
    assert agreement >= MINILM_SAMPLE_NEIGHBOUR_AGREEMENT


def test_english_sample_topics_no_worse_than_minilm(embed):
    """The default model's topics on the bundled English sample agree with its hand-labelled topics
    at least as well as all-MiniLM-L6-v2's did (mean over seeds)."""
    with open(REPO / "corpora" / "harbour-road" / "statements-source.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids, texts = [r["comment-id"] for r in rows], [r["text"] for r in rows]
    vectors = embed(texts)
    aris = []
    for seed in range(SAMPLE_SEEDS):
        result = find_topics(ids, texts, vectors, rng=seed)
        aris.append(adjusted_rand_score([r["topic"] for r in rows], [result.assignment[i] for i in ids]))
    print(f"sample: topics vs hand labels, ARI mean {np.mean(aris):.3f} (MiniLM {MINILM_SAMPLE_TOPIC_ARI})")
    assert np.mean(aris) >= MINILM_SAMPLE_TOPIC_ARI


def test_seattle_topics_separate_no_worse_than_minilm(embed):
    """Seed 0's topics on Seattle separate in USE's space at least as well as MiniLM's did in its own.
    This guards USE's Seattle clustering against regressions only: silhouettes of two spaces are not
    comparable, and against hand subject labels (tests/data/seattle_subjects.json) USE's Seattle
    topics agree less than MiniLM's (bench/bench_models.py, README "Languages"), which no test here
    asserts because that target of issue 12 is not met."""
    if not SEATTLE.is_file():
        pytest.skip(f"real Polis corpus not found at {SEATTLE} (../shared is absent on this machine)")
    with open(SEATTLE, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["moderated"].strip() != "-1"]
    texts = [r["comment-body"] for r in rows]
    result = find_topics([r["comment-id"] for r in rows], texts, embed(texts), rng=0)
    print(f"Seattle: {len(result.topics)} topics, silhouette {result.quality:.3f}: "
          + " | ".join(t.label for t in result.topics))
    assert result.language == "en" and result.languages == {"en": len(rows)}
    assert result.quality >= MINILM_SEATTLE_SILHOUETTE


# ---- the German and Chinese Polis conversations end to end: import, analysis, drafts, report ----
E2E = {
    # corpus: (main language, a pattern every label must match: words of that language)
    "austria-climate.5twd2jsnkf.2022-08-08": ("de", r"[a-zäöüß]{3,}"),
    "vtaiwan.uberx": ("zh", r"[\u4e00-\u9fff]{2,}"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(E2E))
def test_german_and_chinese_conversations_end_to_end(tmp_path, name):
    folder = CORPORA / name
    if not folder.is_dir():
        pytest.skip(f"real Polis corpus {name} not found at {folder} (../shared is absent on this machine)")
    language, word = E2E[name]
    data = tmp_path / "data"
    res = subprocess.run([sys.executable, "-m", "graphs.cli", "--data-dir", str(data), "run", str(folder),
                          "--approve-all"], capture_output=True, text=True, cwd=REPO, timeout=1200,
                         env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    report = json.loads((data / "reports" / "1" / "report.json").read_text(encoding="utf-8"))
    assert report["topics"], "no topics in the report"
    labels = [t["label"] for t in report["topics"]]
    print(f"{name}: " + " | ".join(labels))
    with open(folder / "comments.csv", newline="", encoding="utf-8") as fh:
        texts = [r["comment-body"] for r in csv.DictReader(fh) if r["comment-body"].strip()]
    own = "\n".join(t.lower() for t, lang in zip(texts, detect_languages(texts)) if lang == language)
    for label in labels:
        # every label term occurs in statements of the conversation's own language (a trailing
        # "(German, English)" names the languages when there are several)
        terms = label.split(" (")[0].lower().split(" · ")  # a term may keep its written case ("CO2", "UberX")
        assert all(t in own for t in terms) and any(re.fullmatch(word, t) for t in terms), label
    assert report["consensus"] or report["minority"], "no drafts in the report"
    if language == "zh":
        # a Chinese draft reads as Chinese is written: no ASCII full stop after a Chinese character, no space
        # after 。 between two quoted statements (the vTaiwan room's "…傾向叫 Uber. 我覺得傳統的…")
        drafts = report["consensus"] + report["minority"]
        chinese = [s["text"] for d in drafts for s in d["sentences"]
                   if len(re.findall(r"[\u4e00-\u9fff]", s["text"])) > len(s["text"]) / 2]
        assert chinese and not [t for t in chinese if t.endswith(".")], chinese
        assert not [d["text"] for d in drafts if re.search(r"[。！？] ", d["text"])], [d["text"] for d in drafts]
    # Austria's first slate left 91 participants who all agree with statement 15 without a draft
    # they approve (JR failed); the redraft of the group holding most of them now cites it
    assert report["audit"]["jr"] is not False, report["audit"]["verdict"]
    assert (data / "reports" / "1" / "report.md").stat().st_size > 500


def test_similar_statements_cross_languages(tmp_path):
    """The participant page's "similar statements" in a multilingual consultation: a statement
    typed in French finds what was said in English, German and Chinese (the consultation's model
    is USE, chosen by the rule), and nothing below the model's similar_min."""
    rows = _jsonl("translations.jsonl")[:12]
    path = tmp_path / "statements.jsonl"
    path.write_text("".join(json.dumps({"id": f"{r['id']}-{lang}", "text": r[lang]}, ensure_ascii=False) + "\n"
                            for r in rows for lang in ("en", "de", "zh")), encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", database_url=None, chroma_url=None, embedding_model=None)
    cid = import_bundle(settings, read_statements_file(path, question="Our town?")).consultation_id
    model = consultation_model(settings, cid).model
    assert model == "use-multilingual-v3"
    embedder = embedder_for(settings, model)
    with vector_index(settings, model) as index:
        found = {r["id"]: similar_statements(Store(settings), index, embedder, cid, r["fr"]) for r in rows}
    least = embedder.calibration.similar_min
    assert all(sim >= least for hits in found.values() for _, _, sim in hits)
    top_is_a_translation = sum(bool(hits) and hits[0][0].startswith(rid + "-") for rid, hits in found.items())
    print(f"French query -> a translation first: {top_is_a_translation} of {len(rows)}")
    assert top_is_a_translation >= len(rows) - 1
