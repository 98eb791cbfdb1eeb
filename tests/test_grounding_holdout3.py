"""The fifth sealed holdout for the faithfulness guard (issue 11, item 5 "measure honestly"): shape and
provenance only, no scoring. Scored once: 2026-12-06, main at 3d6aa61 (below).

``tests/data/grounding_holdout3b_sealed.jsonl`` was written because every earlier set was scored once
and then tuned on, so none of them says any longer how the guard does on drafts it has not seen. The
name: ``grounding_holdout3_sealed.jsonl`` was already taken by the third holdout of 5 Dec (now a
development set, tested in tests/test_grounding_sealed_holdouts.py), so this set is "holdout3b"; the
name keeps it inside ``tests/data/grounding_holdout3*``, the files the guard's engineers were told
never to open.

How it was written: on 2026-12-06 (09:12 to 09:19 UTC by the machine clock, sealed at 09:19
UTC) by the engineer "holdout3", by hand, outside the repository (a private folder in /tmp),
reading real statements in ../shared/corpora: american-assembly.bowling-green and
march-on.operation-marchin-orders in English, austria-climate.5twd2jsnkf.2022-08-08 in German.
15-per-hour-seattle has no accepted statement left that an earlier file does not use; vtaiwan.uberx
has no English statement. Only statements Polis's
moderators accepted (``moderated`` = 1) were used, and no statement id that any other
``tests/data/grounding_*.jsonl`` uses for the same corpus (files naming no corpus: for any corpus);
those ids were collected by a script that read only the files' ``corpus`` and statement ids. The
statements' text was copied verbatim from each ``comments.csv`` by that script, by id, never retyped.
Each case was written as (corpus, cited ids, kind, draft); the cases were then shuffled (fixed seed)
and numbered h3-001 ... h3-216.

The drafts are written the way an LLM drafter of consensus statements writes ("Participants want
...", "one participant says ...", "Gefordert wird ...", "eine Stimme meint ..."): clauses reordered,
synonyms, reported speech, 17 drafts joining two or three statements. A faithful draft says only what
the cited statements say (a careful annotator would accept it as entailed); an unfaithful draft
changes the meaning in exactly ONE way of its kind and otherwise stays close (in a joined draft, one
statement is changed, the others restated faithfully). A statement may appear in up to three cases,
often once faithfully and once changed.

The set is blind to the guard: its author did not open deliberation/grounding/ or read anything about
the guard's rules or its errors, did not run ``check-draft``, bench/score_grounding.py or any guard
code on any case, before or after sealing, read of the other grounding files only their ``corpus``
and statement ids (and three lines of holdout2 for the format), and discussed the cases with nobody.
Only bench/score_grounding.py's ``load`` was read, to check the file loads there: case h3-NNN loads
as number 3NNN, so ``--half odd|even`` splits it 108 / 108.

Each line holds ``case``, ``corpus``, ``language`` (en / de), ``statements`` (real ids and verbatim
text), ``citations``, ``draft``, ``label`` (faithful / unfaithful) and ``kind``:

* unfaithful: ``substitution`` (a new thing swapped in for the one named), ``direction_verb`` (a
  direction reversed by a verb or adjective, not by a negation), ``scope_inflation`` (some -> all,
  limit -> ban, "including X" not said), ``invented_entity`` (a name, number, date, place or
  organisation no statement gives), ``condition_dropped`` (a condition or restriction left out, so
  the claim becomes unconditional or wider);
* faithful: ``paraphrase``, ``direction_kept``, ``scope_kept``, ``conditional`` (a condition
  restated, e.g. "only vote for X" as "not vote unless X"), ``concession``.

Counts: 216 cases, 136 English and 80 German; 108 faithful and 108 unfaithful (en 68/68, de 40/40);
per kind: paraphrase 24, substitution 23, invented_entity 23, conditional 23, direction_verb 22,
scope_inflation 22, scope_kept 21, direction_kept 21, concession 19, condition_dropped 18.

The file is sealed: its sha256 is pinned below, so any edit fails this test. It was scored ONCE, by
the lead, at the end of the session of 2026-12-06 (10:52 UTC, main at 3d6aa61, after that session's
guard round), with ``bench/score_grounding.py tests/data/grounding_holdout3b_sealed.jsonl
[--encoder]``; the run is recorded in tests/data/grounding_holdout_first_runs.json (read here as
:data:`FIRST_RUN`): lexical only precision 0.632, recall 0.667 for "unfaithful" (English 0.694 /
0.632, German 0.558 / 0.725); with the default encoder 0.670 / 0.639. The targets (0.95 / 0.95) were
NOT met. From now on it may be tuned on, and then it is a development set like the others.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from holdouts import CORPORA, SealedHoldoutChecks, first_run, read_cases, taken_statements

DATA = Path(__file__).resolve().parent / "data"


class TestHoldout3b(SealedHoldoutChecks):
    HOLDOUT = DATA / "grounding_holdout3b_sealed.jsonl"
    SEALED_SHA256 = "aeb084807cf72534c631c58b2a21d7a9604be830b4445ec64cbd7def0348ad94"
    MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 200, 15, 70
    EARLIER_HOLDOUTS = ("grounding_holdout_sealed.jsonl", "grounding_holdout2_sealed.jsonl",
                        "grounding_holdout3_sealed.jsonl", "grounding_holdout4_sealed.jsonl",
                        "grounding_smollm2_drafts.jsonl")
    #: the first and only scoring run, recorded by the lead at the end of the session of 2026-12-06
    FIRST_RUN = first_run(HOLDOUT)

    def test_half_english_half_german_labels(self) -> None:
        """About half of each language is unfaithful, and English is about 60 % of the set."""
        cases = read_cases(self.HOLDOUT)
        per = Counter((c["language"], c["label"]) for c in cases)
        for lang in ("en", "de"):
            total = per[(lang, "faithful")] + per[(lang, "unfaithful")]
            assert abs(per[(lang, "unfaithful")] - total / 2) <= total * 0.05, per
        assert 0.55 <= sum(c["language"] == "en" for c in cases) / len(cases) <= 0.70

    def test_reuses_no_statement_of_any_other_grounding_file(self) -> None:
        """No (corpus, id) of any other tests/data/grounding_*.jsonl; a file naming no corpus blocks its
        ids in every corpus."""
        used = taken_statements(DATA, self.HOLDOUT)
        anywhere = used.get(None, set())
        for c in read_cases(self.HOLDOUT):
            for s in c["statements"]:
                taken = used.get(c["corpus"], set()) | anywhere
                assert s["id"] not in taken, f"{c['case']}: {c['corpus']} id {s['id']} is taken"

    def test_cites_only_statements_the_moderators_accepted(self) -> None:
        if not CORPORA.is_dir():
            pytest.skip(f"the real Polis corpora are not at {CORPORA} (../shared is absent on this machine)")
        cases = read_cases(self.HOLDOUT)
        accepted: dict[str, set[str]] = {}
        for name in {c["corpus"] for c in cases}:
            with (CORPORA / name / "comments.csv").open(encoding="utf-8", newline="") as fh:
                accepted[name] = {r["comment-id"] for r in csv.DictReader(fh) if r["moderated"] == "1"}
        for c in cases:
            for s in c["statements"]:
                assert s["id"] in accepted[c["corpus"]], f"{c['case']}: {c['corpus']} {s['id']} hidden"
