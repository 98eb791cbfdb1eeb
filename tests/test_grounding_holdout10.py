"""The tenth sealed holdout for the faithfulness guard (issue 11, item 5 "measure honestly"): shape and
provenance only, NO scoring. To be scored once by the lead at the end of the session that wrote it (7 Dec 2026).

``tests/data/grounding_holdout10_sealed.jsonl`` was written on 2026-12-07 by the helper "holdout10", by
hand, outside the repository (/tmp/holdout10), blind to the guard, and sealed at 01:21:26 UTC by the
machine clock; tests/data/grounding_holdout10_PROVENANCE.md says how, from which statements and with
what counts. 160 cases: 110 English, from march-on.operation-marchin-orders (99, statements NOT YET
moderated, ``moderated`` = 0) and american-assembly.bowling-green (11, of the few statements Polis's
moderators accepted, ``moderated`` = 1, that no other set uses), and 50 German from
austria-climate.5twd2jsnkf.2022-08-08 (statements the moderators did NOT accept, ``moderated`` = -1, as
in the eighth and ninth sets; only well-formed ones with a clear claim). 80 faithful and 80 unfaithful
(en 55/55, de 25/25). The fourteen kinds of the seventh set, 11 or 12 cases each; 22 drafts cite two
statements, and only ``joined_claims`` and ``summary`` do. Case h10-NNN loads in bench/score_grounding.py
as number 10NNN (its digits), so ``--half odd|even`` splits it 80 / 80 (40 unfaithful, 55 English in each).

Its checks are tests/holdouts.py's ``MarkedKindsOf7Checks``: the seal (sha256 pinned below), the shape and
counts as written, no reuse of another set's statements or texts, no statement a test quotes, the
moderation marks, the halves, the scorer's numbering, and the one first run once it is recorded.
"""

from __future__ import annotations

from pathlib import Path

from holdouts import BOWLING_GREEN, GERMAN, MARCH_ON, MarkedKindsOf7Checks

DATA = Path(__file__).resolve().parent / "data"


class TestHoldout10(MarkedKindsOf7Checks):
    HOLDOUT = DATA / "grounding_holdout10_sealed.jsonl"
    SEALED_SHA256 = "c7e60368a5e1a902fbb0dac2559f4afe74bd1ef190828575eb759127f6d28483"
    MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 160, 11, 48
    PREFIX = "h10"
    KINDS = {"substitution": 12, "direction_verb": 11, "scope_inflation": 11, "invented_entity": 12,
             "condition_dropped": 12, "negation_flip": 11, "joined_claims": 11, "paraphrase": 11,
             "direction_kept": 11, "scope_kept": 12, "conditional": 12, "concession": 12, "negation_kept": 11,
             "summary": 11}
    PER_LANGUAGE_LABEL = {("en", "faithful"): 55, ("en", "unfaithful"): 55, ("de", "faithful"): 25,
                          ("de", "unfaithful"): 25}
    SOURCES = {MARCH_ON: 99, BOWLING_GREEN: 11, GERMAN: 50}
    MAX_USES = {"en": 2, "de": 3}
    #: Polis's moderation mark of every statement cited from each corpus: march-on statements not yet
    #: moderated ("0"); accepted bowling-green ("1"); German the moderators did not accept ("-1")
    MODERATED = {MARCH_ON: "0", BOWLING_GREEN: "1", GERMAN: "-1"}
    #: case h10-NNN loads in bench/score_grounding.py as number 10NNN; the odd and the even half (h10-001,
    #: h10-003, ... and h10-002, h10-004, ...) each hold 40 unfaithful drafts and 55 English ones
    NUMBER = 10
    HALF_LABELS, HALF_LANGUAGES = {"faithful": 40, "unfaithful": 40}, {"en": 55, "de": 25}
