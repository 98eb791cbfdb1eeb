"""The guard answers the same in every process: no choice may follow a set's iteration order, which
Python's string hashing changes from one process to the next (PYTHONHASHSEED). perf19 found the
direction check reading "Rents fell" as "fall" (down) under some hash seeds and as "fell" (to cut
down: no direction) under others, so one draft could pass in one run and be refused in the next."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: sentences whose verb is both a base form and another verb's past tense ("fell": fall / fell)
SENTENCES = ("Rents fell last year.", "Prices rose after the new road opened.", "Crime fell sharply.")

#: hash seeds under which perf19 saw both readings of "fell" (1: fall; 2: fell)
SEEDS = ("1", "2", "3")

PROGRAM = """
import json, sys
from deliberation.grounding.meaning import _direction_words
print(json.dumps([[list(w) for w in _direction_words(s)[0]] for s in json.loads(sys.argv[1])]))
"""


def _directions(seed: str) -> list:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", PROGRAM, json.dumps(SENTENCES)], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=300)
    return json.loads(out.stdout)


def test_a_past_tense_reads_as_its_verb_under_every_hash_seed() -> None:
    runs = {seed: _directions(seed) for seed in SEEDS}
    assert len({json.dumps(r) for r in runs.values()}) == 1, runs
    fell, rose, crime = runs[SEEDS[0]]
    assert [d for _, d, _ in fell] == [-1], fell  # "fell" as "fall": down
    assert [d for _, d, _ in rose] == [1], rose  # "rose" as "rise": up
    assert [d for _, d, _ in crime] == [-1], crime
