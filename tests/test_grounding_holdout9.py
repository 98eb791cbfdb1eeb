"""The ninth sealed holdout for the faithfulness guard (issue 11, item 5 "measure honestly"): shape and
provenance only, NO scoring. To be scored once by the lead at the end of the session that wrote it (6 Dec 2026).

``tests/data/grounding_holdout9_sealed.jsonl`` was written on 2026-12-06 by the helper "holdout9", by
hand, outside the repository (/tmp/holdout9), blind to the guard, and sealed at 22:32:54 UTC by the
machine clock; tests/data/grounding_holdout9_PROVENANCE.md says how, from which statements and with
what counts. 160 cases: 110 English, from american-assembly.bowling-green (39, statements Polis's
moderators accepted, ``moderated`` = 1) and march-on.operation-marchin-orders (71, statements NOT YET
moderated, ``moderated`` = 0: the 24 accepted march-on statements no other set uses are mostly self-
descriptions with no claim to draft from), and
50 German from austria-climate.5twd2jsnkf.2022-08-08 (statements the moderators did NOT accept,
``moderated`` = -1, as in the eighth set; only well-formed ones with a clear claim). 80 faithful and 80
unfaithful (en 55/55, de 25/25). The fourteen kinds of the seventh set, 11 or 12 cases each; 22 drafts
cite two statements, and only ``joined_claims`` and ``summary`` do. Case h9-NNN loads in
bench/score_grounding.py as number 9NNN, so ``--half odd|even`` splits it 80 / 80 (40 unfaithful, 55
English in each).

Statements: no (corpus, id) that another ``tests/data/grounding_*.jsonl`` uses for the same corpus, no
statement text of a file naming no corpus, no text of a statement another set uses under another id, and
no statement any test module quotes.

The file is sealed: its sha256 is pinned below, so any edit fails this test. When it is scored, the
run goes into tests/data/grounding_holdout_first_runs.json under its file name, and
``test_first_run_counts_every_case_once`` then checks it counted every case once (skipped until then).
"""

from __future__ import annotations

from pathlib import Path

from holdouts import BOWLING_GREEN, GERMAN, MARCH_ON, MarkedKindsOf7Checks

DATA = Path(__file__).resolve().parent / "data"


class TestHoldout9(MarkedKindsOf7Checks):
    HOLDOUT = DATA / "grounding_holdout9_sealed.jsonl"
    SEALED_SHA256 = "8652b85e0c37cc15fe226934dc7b2f796482f1e38729ccfd401087f6dc315702"
    MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 160, 11, 48
    PREFIX = "h9"
    KINDS = {"substitution": 12, "direction_verb": 12, "scope_inflation": 12, "invented_entity": 11,
             "condition_dropped": 11, "negation_flip": 11, "joined_claims": 11, "paraphrase": 12,
             "direction_kept": 12, "scope_kept": 12, "conditional": 11, "concession": 11, "negation_kept": 11,
             "summary": 11}
    PER_LANGUAGE_LABEL = {("en", "faithful"): 55, ("en", "unfaithful"): 55, ("de", "faithful"): 25,
                          ("de", "unfaithful"): 25}
    SOURCES = {BOWLING_GREEN: 39, MARCH_ON: 71, GERMAN: 50}
    MAX_USES = {"en": 2, "de": 3}
    #: Polis's moderation mark of every statement cited from each corpus: accepted bowling-green ("1");
    #: march-on statements not yet moderated ("0"); German the moderators did not accept ("-1")
    MODERATED = {BOWLING_GREEN: "1", MARCH_ON: "0", GERMAN: "-1"}
    #: case h9-NNN loads in bench/score_grounding.py as number 9NNN; the odd and the even half (h9-001,
    #: h9-003, ... and h9-002, h9-004, ...) each hold 40 unfaithful drafts and 55 English ones
    NUMBER = 9
    HALF_LABELS, HALF_LANGUAGES = {"faithful": 40, "unfaithful": 40}, {"en": 55, "de": 25}
