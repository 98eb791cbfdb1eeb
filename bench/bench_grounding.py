"""Speed of the faithfulness guard (``check-draft``) per sentence.

Run: cd /work/main && .venv/bin/python bench/bench_grounding.py [--n 300] [--rounds 3]

Drafts: ``--n`` real single-sentence statements from ``../shared/corpora/*/comments.csv`` (fixed
seed), each checked as a one-sentence draft that paraphrases it lightly ("Participants say that
..."), citing that statement and one other. Timed in one process, after a warm-up (WordNet and
Lingua load once per process; their load time is printed apart, WordNet's against nltk's
reader as it is, which parses the whole lemma index at start-up):

* baseline: the guard with WordNet switched off (the rule checks without the lexical resource);
* guard: the full guard with WordNet (``check_draft``, no encoder: the command's offline path).

The corpora are English, German and Chinese; French and Spanish drafts are timed apart on the
drafts of ``tests/data/grounding_fr_es_dev*.jsonl``, without (baseline) and with LibreOffice's
thesauri (``mythes-fr``, ``mythes-es``), whose stem index is built once per process (time printed).

Alternating rounds; the figure per path is its best round, the ratio the median of per-round
ratios. Target (PASS/FAIL): the full guard under TARGET_MS milliseconds per sentence.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from deliberation.grounding import check_draft, split_sentences  # noqa: E402
from deliberation.grounding import wordnet as wn  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"
#: the issue's target: check-draft under this many milliseconds per sentence on this machine
TARGET_MS = 50.0


def cases(n: int, seed: int = 7) -> list[tuple[list[dict], str, list[str]]]:
    texts = []
    for path in sorted(CORPORA.glob("*/comments.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            texts += [r["comment-body"].strip() for r in csv.DictReader(fh)]
    texts = [t for t in dict.fromkeys(texts) if re.search(r"\w", t) and len(split_sentences(t)) == 1]
    if not texts:
        sys.exit(f"no statements found under {CORPORA}")
    rng = random.Random(seed)
    picked = rng.sample(texts, min(n + 1, len(texts)))
    out = []
    for i, t in enumerate(picked[:-1]):
        statements = [{"id": "a", "text": t}, {"id": "b", "text": picked[i + 1]}]
        out.append((statements, "Participants say that " + t[0].lower() + t[1:], ["a", "b"]))
    return out


def run(batch) -> float:
    t0 = time.perf_counter()
    for statements, draft, cites in batch:
        check_draft(statements, draft, cites)
    return (time.perf_counter() - t0) / len(batch) * 1000


def wordnet_off(flag: bool, empty: str) -> None:
    if flag:
        os.environ["DELIBERATION_WORDNET_DIR"] = empty
    else:
        os.environ.pop("DELIBERATION_WORDNET_DIR", None)
    wn.wordnet.cache_clear()


FR_ES_CASES = sorted((REPO / "tests" / "data").glob("grounding_fr_es_dev*.jsonl"))
FR_ES_THESAURI = ("DELIBERATION_THESAURUS_FR", "DELIBERATION_THESAURUS_ES")


def fr_es(rounds: int, empty: str) -> None:
    """French and Spanish drafts per sentence, without and with their thesauri."""
    from deliberation.grounding import thesaurus_fr_es

    batch = [(c["statements"], c["draft"], c["citations"]) for path in FR_ES_CASES
             for c in map(json.loads, path.read_text(encoding="utf-8").splitlines())]
    t0 = time.process_time()
    for lang in ("fr", "es"):
        thesaurus_fr_es.headwords("x", lang)
    print(f"French and Spanish thesauri start-up (index, stems), CPU s: {time.process_time() - t0:.2f}")
    run(batch[:3])
    base, full = [], []
    for _ in range(rounds):
        os.environ.update({env: empty for env in FR_ES_THESAURI})
        base.append(run(batch))
        for env in FR_ES_THESAURI:
            os.environ.pop(env)
        full.append(run(batch))
    print(f"French/Spanish drafts ({len(batch)}): without thesauri {min(base):.2f} ms per sentence, with them "
          f"{min(full):.2f} ms, ratio {min(full) / min(base):.2f}; target < {TARGET_MS:.0f} ms: "
          f"{'PASS' if min(full) < TARGET_MS else 'FAIL'}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    batch = cases(args.n)
    empty = tempfile.mkdtemp(prefix="no-wordnet-")
    t0 = time.process_time()
    importlib.import_module("nltk.corpus.reader.wordnet")  # its import alone, apart from the reader's start-up
    print(f"nltk import, CPU s: {time.process_time() - t0:.2f} (nltk's reader needs it; ours reads WordNet's "
          "files directly, grounding/wordnet_reader.py)")
    t0 = time.process_time()
    wn.wordnet()
    ours = time.process_time() - t0
    t0 = time.process_time()
    wn.open_reader(wn.wordnet_dir(), lazy_index=False)
    nltks = time.process_time() - t0
    print(f"WordNet start-up, CPU s: {ours:.2f} (our reader, lemma index looked up on use), "
          f"baseline nltk's reader as it is "
          f"{nltks:.2f} (whole index), ratio {ours / nltks:.2f} ({wn.status()})")
    t0 = time.perf_counter()
    run(batch[:3])  # Lingua and the caches
    print(f"warm-up (language detector, caches): {time.perf_counter() - t0:.2f} s")
    base, full, ratios = [], [], []
    for _ in range(args.rounds):
        wordnet_off(True, empty)
        b = run(batch)
        wordnet_off(False, empty)
        wn.wordnet()
        f = run(batch)
        base.append(b)
        full.append(f)
        ratios.append(f / b)
    best = min(full)
    print(f"sentences per round: {len(batch)}, rounds: {args.rounds}")
    print(f"baseline (rules without WordNet): {min(base):.2f} ms per sentence")
    print(f"guard (rules with WordNet):       {best:.2f} ms per sentence")
    print(f"ratio guard / baseline (median):  {statistics.median(ratios):.2f}")
    print(f"target < {TARGET_MS:.0f} ms per sentence: {'PASS' if best < TARGET_MS else 'FAIL'}")
    fr_es(args.rounds, empty)


if __name__ == "__main__":
    main()
