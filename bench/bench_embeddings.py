"""Speed and fidelity of deliberation.embeddings' ONNX path (all-MiniLM-L6-v2) against plain
sentence-transformers. The default model is now USE multilingual v3 (numpy, no ONNX path); it is
compared with this same baseline, and with the other models, by bench/bench_models.py.

Run: cd /work/main && .venv/bin/python bench/bench_embeddings.py [--n 2000] [--rounds 3]

Sentences: the statement texts (column ``comment-body``) of the Polis corpora in
``../shared/corpora/*/comments.csv`` beside the repository, distinct and shuffled with a fixed
seed; a generated set when that folder is absent.

Timed, in the same process, after warming both up:

* baseline: ``SentenceTransformer(path, device="cpu").encode(texts)`` (its defaults);
* project: ``Embedder(EmbeddingConfig(model="all-MiniLM-L6-v2", cache_vectors=False)).encode(texts)``, i.e. the model path
  with no cache hits (the one-time ONNX export happens during warm-up and is timed separately).

The two are timed alternately for ``--rounds`` rounds, so load from other processes hits both;
the figure per path is its best round, and the ratio is the median of the per-round ratios.
Then min/mean cosine between the two outputs on every sentence, and the cached re-encode speed
(in-memory cache, then a fresh Embedder reading the on-disk cache).
Targets (printed as PASS/FAIL): ratio >= MIN_SPEEDUP and min cosine >= MIN_COSINE.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
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

from deliberation.embeddings import Embedder, EmbeddingConfig, default_model_path, model_info  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPORA = SHARED / "corpora"
#: The model whose ONNX path is measured, and its default batch size.
MODEL = "all-MiniLM-L6-v2"
MINILM_BATCH = model_info(MODEL).batch_size
#: Target throughput ratio project / baseline.
MIN_SPEEDUP = 1.7
#: Target lowest cosine between project and baseline vectors of the same sentence.
MIN_COSINE = 0.999
#: Texts each path encodes once before timing (loads weights, builds kernels, exports ONNX).
WARMUP_TEXTS = 64
SEED = 0


def corpus_texts() -> list[str]:
    """Distinct non-empty statement texts of every corpus in ../shared/corpora (may be [])."""
    seen: dict[str, None] = {}
    for path in sorted(CORPORA.glob("*/comments.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                text = (row.get("comment-body") or "").strip()
                if text:
                    seen.setdefault(text, None)
    return list(seen)


def generated_texts(n: int) -> list[str]:
    """Town-hall-like statements of varied length from templates (used without ../shared)."""
    rng = np.random.default_rng(SEED)
    subjects = ["The city", "Our council", "The state", "Local businesses", "Residents", "The school board",
                "Landlords", "Public transit", "The police department", "Every neighbourhood"]
    verbs = ["should fund", "must stop cutting", "ought to review", "needs to expand", "should not privatise",
             "has to protect", "could better support", "should publish data on"]
    objects = ["affordable housing", "bike lanes", "the minimum wage", "after-school programmes", "parks",
               "mental health services", "small businesses", "street lighting", "recycling", "bus routes"]
    tails = ["", "because families are struggling", "even if taxes rise a little",
             "so that young people can stay in town", "and report on progress every year",
             "before the next election", "without cutting other services that people rely on every day"]
    out: dict[str, None] = {}
    while len(out) < n:
        parts = [rng.choice(subjects), rng.choice(verbs), rng.choice(objects)]
        for _ in range(int(rng.integers(0, 3))):
            parts.append(str(rng.choice(tails)))
        text = " ".join(p for p in parts if p).strip() + "."
        if text in out:
            text = f"{text[:-1]} (point {len(out)})."
        out[text] = None
    return list(out)


def sentences(n: int) -> tuple[list[str], str]:
    texts = corpus_texts()
    source = f"Polis corpora in {CORPORA}" if texts else f"generated ({CORPORA} not found)"
    if len(texts) < n:
        known = set(texts)
        extra = [t for t in generated_texts(n) if t not in known]
        texts = texts + extra[: n - len(texts)]
        if source.startswith("Polis"):
            source += " + generated"
    rng = np.random.default_rng(SEED)
    rng.shuffle(texts)
    return texts[:n], source


def timed(fn, texts: list[str]) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    out = fn(texts)
    return time.perf_counter() - start, np.asarray(out, dtype=np.float32)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="number of sentences (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timing rounds (default 3)")
    parser.add_argument("--batch-size", type=int, default=MINILM_BATCH,
                        help=f"project batch size (default {MINILM_BATCH})")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads of BOTH paths (torch.set_num_threads and onnxruntime); default: each "
                             "library's own default (all CPUs)")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="reuse this cache dir for the ONNX export (default: a fresh temporary one)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    if args.threads:
        torch.set_num_threads(args.threads)
    texts, source = sentences(args.n)
    print(f"sentences: {len(texts)} from {source}; mean {np.mean([len(t) for t in texts]):.0f} chars")
    print(f"machine: {os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}, "
          f"load average {os.getloadavg()[0]:.2f} at start")

    with tempfile.TemporaryDirectory() as tmp:
        cache_dir = args.cache_dir or Path(tmp)
        st = SentenceTransformer(str(default_model_path()), device="cpu")
        project = Embedder(EmbeddingConfig(model=MODEL, cache_dir=cache_dir, cache_vectors=False, show_progress=False,
                                           batch_size=args.batch_size, num_threads=args.threads))
        st.encode(texts[:WARMUP_TEXTS])
        start = time.perf_counter()
        project.encode(texts[:WARMUP_TEXTS])
        print(f"project warm-up (ONNX export: {'yes' if project.stats.onnx_exports else 'reused'}) "
              f"{time.perf_counter() - start:.1f} s; model_id {project.model_id}")

        base_rates, proj_rates, ratios = [], [], []
        for r in range(args.rounds):
            t_base, v_base = timed(st.encode, texts)
            t_proj, v_proj = timed(project.encode, texts)
            base_rates.append(len(texts) / t_base)
            proj_rates.append(len(texts) / t_proj)
            ratios.append(t_base / t_proj)
            print(f"  round {r + 1}: baseline {base_rates[-1]:7.1f}/s  project {proj_rates[-1]:7.1f}/s  "
                  f"ratio {ratios[-1]:.2f}x  (load {os.getloadavg()[0]:.2f})")
        cosine = (v_base * v_proj).sum(axis=1) / (
            np.linalg.norm(v_base, axis=1) * np.linalg.norm(v_proj, axis=1))
        ratio = statistics.median(ratios)

        cached = Embedder(EmbeddingConfig(model=MODEL, cache_dir=cache_dir, show_progress=False, batch_size=args.batch_size,
                                          num_threads=args.threads))
        t_fill, _ = timed(cached.encode, texts)
        t_memory, v_memory = timed(cached.encode, texts)
        cached.close()
        reopened = Embedder(EmbeddingConfig(model=MODEL, cache_dir=cache_dir, show_progress=False))
        t_disk, v_disk = timed(reopened.encode, texts)
        reopened.close()
        assert reopened.stats.model_texts == 0 and np.array_equal(v_memory, v_disk)

    print()
    print(f"baseline SentenceTransformer.encode : {max(base_rates):8.1f} sentences/s (best of {args.rounds})")
    print(f"project Embedder.encode, no cache  : {max(proj_rates):8.1f} sentences/s (best of {args.rounds})")
    print(f"speed ratio project/baseline       : {ratio:8.2f}x (median of rounds; "
          f"best/best {max(proj_rates) / max(base_rates):.2f}x)")
    print(f"cosine project vs baseline         : min {cosine.min():.6f}  mean {cosine.mean():.6f}  "
          f"(1 - min = {1 - float(cosine.min()):.1e})")
    print(f"cache fill (cold, writes sqlite)   : {len(texts) / t_fill:8.1f} sentences/s")
    print(f"cached re-encode (in memory)       : {len(texts) / t_memory:8.0f} sentences/s")
    print(f"cached re-encode (new Embedder, disk cache): {len(texts) / t_disk:8.0f} sentences/s")
    ok_speed = ratio >= MIN_SPEEDUP
    ok_cos = float(cosine.min()) >= MIN_COSINE
    print(f"target speed >= {MIN_SPEEDUP}x: {'PASS' if ok_speed else 'FAIL'}; "
          f"target min cosine >= {MIN_COSINE}: {'PASS' if ok_cos else 'FAIL'}")
    return 0 if (ok_speed and ok_cos) or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
