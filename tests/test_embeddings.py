"""deliberation.embeddings with the real bundled models (no doubles, offline): all-MiniLM-L6-v2
against plain sentence-transformers, and USE multilingual v3 (the default).

One ONNX export and one sentence-transformers model are shared by the module (fixtures below),
so the file runs in well under a minute on 2 cores.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPORA, REPO  # conftest.py also sets HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE
from deliberation.embeddings import CACHE_FILENAME, Embedder, EmbeddingConfig, default_model_path, text_digest

SEATTLE = CORPORA / "15-per-hour-seattle" / "comments.csv"
#: Lowest acceptable cosine between the project's vectors and plain sentence-transformers'.
MIN_COSINE = 0.999
#: Tolerance on the L2 norm of returned rows.
NORM_TOLERANCE = 1e-5
#: Statements taken from the Seattle corpus.
N_CORPUS = 40
#: Seconds the child process of the cross-process test may take (imports + one ONNX session).
CHILD_TIMEOUT_S = 120
#: The English model compared with plain sentence-transformers, and its dimension.
MINILM = "all-MiniLM-L6-v2"
MINILM_DIM = 384

HANDWRITTEN = [
    "The city should raise the minimum wage to fifteen dollars an hour.",
    "Small businesses will close if labour costs rise too quickly.",
    "Ok.",
    "Die Stadt sollte mehr Radwege bauen, auch wenn Parkplätze wegfallen.",
    "Öffentliche Verkehrsmittel müssen für alle bezahlbar bleiben.",
    "政府应该提高最低工资。",
    "我們需要更多的公園和綠地。",
    "Café prices at the market are too high 🙂 — and parking is a nightmare!",
    " ".join(["very long statement"] * 200),  # over the 256-token limit: truncated like ST does
]


def seattle_statements(n: int) -> list[str]:
    if not SEATTLE.is_file():
        pytest.skip(f"real Polis corpus not found at {SEATTLE} (../shared is absent on this machine)")
    with open(SEATTLE, newline="", encoding="utf-8") as fh:
        texts = [row["comment-body"].strip() for row in csv.DictReader(fh)]
    texts = list(dict.fromkeys(t for t in texts if t))
    assert len(texts) >= n, f"expected at least {n} statements in {SEATTLE}"
    return texts[:n]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("embedding-cache")


@pytest.fixture(scope="module")
def embedder(cache_dir) -> Embedder:
    emb = Embedder(EmbeddingConfig(model=MINILM, cache_dir=cache_dir, show_progress=False))
    yield emb
    emb.close()


@pytest.fixture(scope="module")
def reference():
    """Plain sentence-transformers on CPU: what the project's vectors must match."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(default_model_path()), device="cpu")
    return lambda texts: model.encode(list(texts), convert_to_numpy=True)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def assert_matches_reference(vectors: np.ndarray, texts: list[str], reference) -> None:
    expected = reference(texts)
    assert vectors.shape == expected.shape == (len(texts), MINILM_DIM)
    cos = cosines(vectors, expected)
    worst = int(np.argmin(cos))
    assert cos.min() >= MIN_COSINE, f"cosine {cos[worst]:.6f} for {texts[worst]!r}"


def test_constructing_is_lazy(tmp_path):
    emb = Embedder(EmbeddingConfig(model=MINILM, cache_dir=tmp_path))
    assert emb.dim == MINILM_DIM
    assert emb.max_seq_length == 256
    assert not emb.model_loaded
    assert not emb.onnx_path.exists()
    assert not (tmp_path / CACHE_FILENAME).exists()
    assert emb.model_id.startswith("all-MiniLM-L6-v2@")
    assert emb.encode([]).shape == (0, MINILM_DIM)
    assert not emb.model_loaded


def test_onnx_matches_sentence_transformers_on_real_statements(embedder, reference):
    texts = seattle_statements(N_CORPUS)
    assert_matches_reference(embedder.encode(texts), texts, reference)
    assert embedder.config.backend == "onnx" and embedder.model_loaded


def test_onnx_matches_sentence_transformers_on_handwritten_multilingual(embedder, reference):
    assert_matches_reference(embedder.encode(HANDWRITTEN), HANDWRITTEN, reference)


def test_rows_are_l2_normalised_float32(embedder):
    vectors = embedder.encode(HANDWRITTEN)
    assert vectors.dtype == np.float32 and vectors.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=NORM_TOLERANCE)


def test_cache_hit_does_not_rerun_the_model(embedder):
    texts = ["Cache test: fund the libraries.", "Cache test: longer opening hours for the pool."]
    before = embedder.stats
    first = embedder.encode(texts)
    after_first = embedder.stats
    assert after_first.model_texts - before.model_texts == 2
    second = embedder.encode(texts)
    after_second = embedder.stats
    assert after_second.model_texts == after_first.model_texts
    assert after_second.model_batches == after_first.model_batches
    assert after_second.memory_hits - after_first.memory_hits == 2
    np.testing.assert_array_equal(first, second)
    second[0, 0] = 42.0  # callers get copies; the cache is not affected
    np.testing.assert_array_equal(embedder.encode(texts), first)


def test_identical_texts_deduplicated_and_order_preserved(embedder, reference):
    a, b, c = ("Dedup test: alpha statement about parks.", "Dedup test: beta statement on buses.",
               "Dedup test: gamma, rents are too high.")
    texts = [b, a, b, c, a, b]
    before = embedder.stats.model_texts
    vectors = embedder.encode(texts)
    assert embedder.stats.model_texts - before == 3
    for i, j in [(0, 2), (0, 5), (1, 4)]:
        np.testing.assert_array_equal(vectors[i], vectors[j])
    assert_matches_reference(vectors, texts, reference)  # row i belongs to texts[i]
    # a text differing only in whitespace is a different text (exact-text hash)
    assert text_digest(a) != text_digest(a + " ")


def test_second_embedder_reuses_export_and_vector_cache(embedder, cache_dir):
    texts = ["Reuse test: one.", "Reuse test: two, a little longer than one."]
    expected = embedder.encode(texts)
    onnx_file = embedder.onnx_path
    stat_before = onnx_file.stat()

    other = Embedder(EmbeddingConfig(model=MINILM, cache_dir=cache_dir, show_progress=False))
    assert other.model_id == embedder.model_id
    np.testing.assert_array_equal(other.encode(texts), expected)
    assert other.stats.disk_hits == 2 and other.stats.model_texts == 0
    assert not other.model_loaded  # all hits: the model was not even loaded

    other.encode(["Reuse test: a new text needs the model."])
    assert other.model_loaded and other.stats.model_texts == 1
    assert other.stats.onnx_exports == 0
    stat_after = onnx_file.stat()
    assert (stat_after.st_ino, stat_after.st_mtime_ns) == (stat_before.st_ino, stat_before.st_mtime_ns)
    assert list(onnx_file.parent.glob("*.tmp")) == []
    other.close()


def test_one_export_serves_every_data_folder(tmp_path, monkeypatch):
    """The ONNX export depends on the model alone: the first data folder's export is shared through
    the user's cache ($XDG_CACHE_HOME/deliberation), and another folder takes it from there."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    first = Embedder(EmbeddingConfig(model=MINILM, cache_dir=tmp_path / "a", show_progress=False))
    expected = first.encode(["Shared export: one text."])
    assert first.stats.onnx_exports == 1
    shared = tmp_path / "xdg" / "deliberation" / first.onnx_path.parent.name / first.onnx_path.name
    assert shared.is_file()
    second = Embedder(EmbeddingConfig(model=MINILM, cache_dir=tmp_path / "b", show_progress=False))
    np.testing.assert_allclose(second.encode(["Shared export: one text."]), expected, atol=1e-7)
    assert second.stats.onnx_exports == 0 and second.onnx_path.is_file()
    assert list(second.onnx_path.parent.glob("*.tmp")) == []
    first.close()
    second.close()


CHILD_SCRIPT = """
import json, sys
from pathlib import Path
from deliberation.embeddings import Embedder, EmbeddingConfig
emb = Embedder(EmbeddingConfig(model="all-MiniLM-L6-v2", cache_dir=Path(sys.argv[1]), show_progress=False))
vectors = emb.encode(json.loads(sys.argv[2]))
print(json.dumps({"stats": vars(emb.stats), "vectors": vectors.tolist(), "model_id": emb.model_id,
                  "torch_imported": "torch" in sys.modules}))
"""


def test_another_process_reuses_export_and_vector_cache(embedder, cache_dir):
    known = ["Process test: cached in the parent.", "Process test: also cached in the parent."]
    expected = embedder.encode(known)
    new = "Process test: only the child embeds this."
    stat_before = embedder.onnx_path.stat()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", CHILD_SCRIPT, str(cache_dir), json.dumps(known + [new])],
                          capture_output=True, text=True, env=env, timeout=CHILD_TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr
    child = json.loads(done.stdout.strip().splitlines()[-1])
    assert child["model_id"] == embedder.model_id
    assert child["stats"]["disk_hits"] == 2 and child["stats"]["model_texts"] == 1
    assert child["stats"]["onnx_exports"] == 0
    assert not child["torch_imported"]  # reusing an export needs onnxruntime only
    np.testing.assert_allclose(np.array(child["vectors"][:2], dtype=np.float32), expected, atol=1e-7)
    stat_after = embedder.onnx_path.stat()
    assert (stat_after.st_ino, stat_after.st_mtime_ns) == (stat_before.st_ino, stat_before.st_mtime_ns)
    # ... and the parent now finds the child's vector on disk without running the model
    fresh = Embedder(EmbeddingConfig(model=MINILM, cache_dir=cache_dir, show_progress=False))
    fresh.encode([new])
    assert fresh.stats.disk_hits == 1 and fresh.stats.model_texts == 0
    fresh.close()


def test_cache_can_be_disabled(cache_dir):
    emb = Embedder(EmbeddingConfig(model=MINILM, cache_dir=cache_dir, cache_vectors=False, show_progress=False))
    texts = ["No-cache test: same text.", "No-cache test: same text."]
    emb.encode(texts)
    emb.encode(texts)
    assert emb.stats.model_texts == 2  # deduplicated within a call, recomputed across calls
    assert emb.stats.memory_hits == emb.stats.disk_hits == 0


@pytest.mark.parametrize("bad", ["", "   ", "\n\t"])
def test_empty_text_raises_value_error(embedder, bad):
    with pytest.raises(ValueError, match=r"text 1 is empty"):
        embedder.encode(["A fine statement.", bad])


def test_non_text_input_raises_type_error(embedder):
    with pytest.raises(TypeError):
        embedder.encode("a single string is not a list of texts")
    with pytest.raises(TypeError, match="text 0"):
        embedder.encode([None])  # type: ignore[list-item]


def test_torch_backend_matches_and_shares_the_cache(tmp_path, embedder, reference):
    texts = HANDWRITTEN[:3]
    emb = Embedder(EmbeddingConfig(model=MINILM, backend="torch", cache_dir=tmp_path, show_progress=False))
    vectors = emb.encode(texts)
    assert emb.stats.model_texts == 3 and emb.model_id == embedder.model_id
    assert_matches_reference(vectors, texts, reference)
    assert cosines(vectors, embedder.encode(texts)).min() >= MIN_COSINE


def test_progress_bar_when_asked(tmp_path, embedder, capsys):
    emb = Embedder(EmbeddingConfig(model=MINILM, cache_dir=embedder.cache_dir, cache_vectors=False, show_progress=True))
    emb.encode(["Progress test: first.", "Progress test: second."])
    assert "Embedding" in capsys.readouterr().err
    emb.encode(["Progress test: third."], show_progress=False)
    assert capsys.readouterr().err == ""


def test_config_paths_and_validation(tmp_path):
    config = EmbeddingConfig.for_data_dir(tmp_path / "data", model=MINILM, batch_size=8)
    assert config.cache_dir == tmp_path / "data" / "models" and config.batch_size == 8
    assert config.resolved_model_path() == default_model_path().resolve()
    with pytest.raises(ValueError, match="backend"):
        EmbeddingConfig(backend="tensorflow")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch_size"):
        EmbeddingConfig(batch_size=0)
    with pytest.raises(FileNotFoundError):
        Embedder(EmbeddingConfig(model_path=tmp_path / "no-such-model", cache_dir=tmp_path))


def test_other_local_model_folder(tmp_path, embedder):
    """A copy of the model in another folder works; its identity follows the files, not the path."""
    import shutil

    copy = tmp_path / "my-model"
    shutil.copytree(default_model_path(), copy)
    emb = Embedder(EmbeddingConfig(model_path=copy, cache_dir=embedder.cache_dir, show_progress=False))
    assert emb.model_id.split("@")[1] == embedder.model_id.split("@")[1]
    assert emb.model_id.startswith("my-model@")


def test_onnx_backend_refuses_models_it_cannot_reproduce(tmp_path):
    """A model with a module the ONNX path does not implement (here Dense) is refused up front."""
    import shutil

    folder = tmp_path / "with-dense"
    folder.mkdir()
    shutil.copy(default_model_path() / "config.json", folder / "config.json")
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"},
    ]
    (folder / "modules.json").write_text(json.dumps(modules), encoding="utf-8")
    shutil.copytree(default_model_path() / "1_Pooling", folder / "1_Pooling")
    with pytest.raises(ValueError, match=r"Dense.*backend='torch'"):
        Embedder(EmbeddingConfig(model_path=folder, cache_dir=tmp_path))


# --------------------------------------------------------------------------- USE multilingual (default)

TRANSLATIONS = REPO / "tests" / "data" / "multilingual" / "translations.jsonl"
USE_CHILD = """
import json, sys
from pathlib import Path
from deliberation.embeddings import Embedder, EmbeddingConfig
emb = Embedder(EmbeddingConfig(cache_dir=Path(sys.argv[1]), cache_vectors=False, show_progress=False))
vectors = emb.encode(["Die Busse sollten öfter fahren."])
print(json.dumps({"model_id": emb.model_id, "dim": int(vectors.shape[1]),
                  "heavy": sorted(m for m in ("torch", "onnxruntime", "transformers") if m in sys.modules)}))
"""


@pytest.fixture(scope="module")
def use_embedder(cache_dir) -> Embedder:
    emb = Embedder(EmbeddingConfig(cache_dir=cache_dir, show_progress=False))
    yield emb
    emb.close()


def test_default_model_is_use_and_loads_offline_without_torch(tmp_path):
    """The default loads in a fresh process with the hub switched off and needs no torch/onnxruntime."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "NO_PROXY": "*", "no_proxy": "*",
           "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-c", USE_CHILD, str(tmp_path)], capture_output=True, text=True,
                          env=env, timeout=CHILD_TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr
    child = json.loads(done.stdout.strip().splitlines()[-1])
    assert child["model_id"].startswith("use-multilingual-v3@") and child["dim"] == 512
    assert child["heavy"] == []


def test_use_puts_every_statement_next_to_its_translations(use_embedder):
    rows = [json.loads(line) for line in TRANSLATIONS.read_text(encoding="utf-8").splitlines()]
    langs = ["en", "de", "zh", "fr", "es"]
    texts = [row[lang] for row in rows for lang in langs]
    subject = np.repeat(np.arange(len(rows)), len(langs))
    vectors = use_embedder.encode(texts)
    assert vectors.shape == (len(texts), 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=NORM_TOLERANCE)
    sims = vectors @ vectors.T
    language = np.tile(np.arange(len(langs)), len(rows))
    sims[language[:, None] == language[None, :]] = -2.0  # nearest statement in ANOTHER language
    nearest = sims.argmax(axis=1)
    assert (subject[nearest] == subject).mean() == 1.0


def test_models_never_share_cached_vectors(use_embedder, embedder):
    text = ["Shared cache test: one text, two models."]
    a, b = use_embedder.encode(text), embedder.encode(text)
    assert a.shape == (1, 512) and b.shape == (1, MINILM_DIM)
    assert use_embedder.model_id != embedder.model_id
    again = Embedder(EmbeddingConfig(cache_dir=use_embedder.cache_dir, show_progress=False))
    np.testing.assert_array_equal(again.encode(text), a)
    assert again.stats.disk_hits == 1 and not again.model_loaded
    again.close()


def test_model_names_and_calibrations():
    from deliberation.embeddings import DEFAULT_MODEL, MODELS, calibration_for

    assert DEFAULT_MODEL == "use-multilingual-v3" and set(MODELS) == {"use-multilingual-v3", MINILM}
    with pytest.raises(ValueError, match="unknown embedding model 'labse'.*use-multilingual-v3"):
        EmbeddingConfig(model="labse")
    assert calibration_for(MINILM).similar_min == 0.5
    assert calibration_for("use-multilingual-v3@abc").cross_language_duplicate is not None
    assert calibration_for("my-model@abc") == calibration_for(MINILM)  # local folders: MiniLM's values
    with pytest.raises(ValueError, match="not a sentence-transformers folder"):
        EmbeddingConfig().resolved_model_path()
