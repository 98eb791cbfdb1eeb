"""Run the real facilitation graph with a real LLM drafter (SmolLM2-135M-Instruct behind
llama-cpp-python's server, as tests/llm_server.py starts it) on real Polis corpora and write every
sentence the LLM drafted, with the statements it cites and the guard's verdicts, one JSON line each.

Run: .venv/bin/python bench/collect_llm_drafts.py OUT.jsonl [--corpus NAME ...] [--seeds 1 2] [--set NAME=VALUE]

Each line: ``corpus``, ``seed``, ``key`` (the draft's audience), ``kind``, ``attempt``, ``draft``
(the sentence), ``citations``, ``statements`` (the cited ones: ``id``, ``text``), ``graph`` (the
graph's verdict: the rules with the consultation's encoder, then the model's second opinion) and
``model_verdict`` (the model asked about every sentence, also those the rules rejected). Labelling
these lines gives a grounding set in bench/score_grounding.py's format
(tests/data/grounding_smollm2_drafts.jsonl). The graph runs up to the moderator's review in a
throwaway data folder; nothing is written anywhere else.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for p in (REPO, REPO / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import llm_server  # noqa: E402
from deliberation.config import Settings  # noqa: E402
from deliberation.grounding.models import SourceStatement  # noqa: E402
from deliberation.services import ensure_consultation  # noqa: E402
from deliberation.tuning import parse_assignments  # noqa: E402
from graphs import nodes, runner  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"
DEFAULT_CORPORA = ("american-assembly.bowling-green", "15-per-hour-seattle", "march-on.operation-marchin-orders",
                   "austria-climate.5twd2jsnkf.2022-08-08")


def _recorder(out, corpus: str, seed: int):
    """Wrap the graph's guard so that every LLM-drafted sentence is written to ``out``."""

    original_ground_draft, original_check = nodes.ground_draft, nodes.check_sentences
    current: dict = {}

    def ground_draft(d, state, ctx, statements, sources):
        current.update(key=d.key, kind=str(getattr(d.kind, "value", d.kind)), attempt=d.attempt, drafter=d.drafter)
        return original_ground_draft(d, state, ctx, statements, sources)

    def check(draft, statements, encoder=None, config=None, judge=None):
        kept, verdicts = original_check(draft, statements, encoder=encoder, config=config, judge=judge)
        if current.get("drafter") == "extractive":
            return kept, verdicts
        by_id = {s.external_id: s.text for s in statements}
        for sentence, v in zip(draft.sentences, verdicts):
            cited = [{"id": c, "text": by_id[c]} for c in sentence.citations if c in by_id]
            model = v.model_verdicts[0] if v.model_verdicts else None
            if judge is not None and model is None and cited:
                model = judge.judge(sentence.text, [SourceStatement(**c) for c in cited])
            out.write(json.dumps({
                "corpus": corpus, "seed": seed, **{k: current[k] for k in ("key", "kind", "attempt")},
                "draft": sentence.text, "citations": list(sentence.citations), "statements": cited,
                "graph": {"supported": v.supported, "reason": v.reason, "problem_kinds": v.problem_kinds},
                "model_verdict": model}, ensure_ascii=False) + "\n")
            out.flush()
        return kept, verdicts

    nodes.ground_draft, nodes.check_sentences = ground_draft, check
    return lambda: setattr(nodes, "ground_draft", original_ground_draft) or setattr(
        nodes, "check_sentences", original_check)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--corpus", action="append", help="folder name under ../shared/corpora (repeatable)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1], help="analysis seeds (each a separate run)")
    ap.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE",
                    help="any setting of the run, as `deliberation run --set` (facilitation.max_sources=6)")
    args = ap.parse_args()
    reason = llm_server.missing_requirements()
    if reason:
        sys.exit(f"needs the SmolLM2 server: {reason}")
    server = llm_server.start_server(llm_server.gguf_path())
    print(f"server up in {server.startup_seconds:.1f} s", flush=True)
    try:
        with args.out.open("a", encoding="utf-8") as out:
            for seed in args.seeds:
                for corpus in args.corpus or DEFAULT_CORPORA:
                    t0 = time.monotonic()
                    with tempfile.TemporaryDirectory() as tmp:
                        settings = Settings(data_dir=Path(tmp))
                        cid = ensure_consultation(settings, str(CORPORA / corpus))
                        restore = _recorder(out, corpus, seed)
                        try:
                            runner.start(settings, cid, {"drafter": "llm", "base_url": server.base_url,
                                                         "model": server.model, "seed": seed,
                                                         **parse_assignments(args.assignments)})
                        finally:
                            restore()
                    print(f"{corpus} seed {seed}: {time.monotonic() - t0:.0f} s", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
