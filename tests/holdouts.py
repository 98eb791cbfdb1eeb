"""What the faithfulness guard's sealed holdouts (``tests/data/grounding_holdout*_sealed.jsonl``)
share: the kinds of case, reading a set, its seal and the shape of one case. Scoring lives in
bench/score_grounding.py (test_grounding_holdout scores the first set with it)."""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path

import pytest

#: the real Polis corpora (../shared/corpora beside the repository) the holdouts' statements come from
CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
#: the corpora the sealed holdouts draw on, each with its language
BOWLING_GREEN, MARCH_ON = "american-assembly.bowling-green", "march-on.operation-marchin-orders"
GERMAN, SEATTLE = "austria-climate.5twd2jsnkf.2022-08-08", "15-per-hour-seattle"
LANGUAGE = {SEATTLE: "en", BOWLING_GREEN: "en", MARCH_ON: "en", GERMAN: "de"}
UNFAITHFUL_KINDS = {"substitution", "direction_verb", "scope_inflation", "invented_entity", "condition_dropped"}
FAITHFUL_KINDS = {"paraphrase", "direction_kept", "scope_kept", "conditional", "concession"}
#: the kinds from the seventh holdout on: also a negation flipped or kept, and two statements joined into a claim
#: neither makes or summed up faithfully (the earlier sets have none of these four)
UNFAITHFUL_KINDS_7 = UNFAITHFUL_KINDS | {"negation_flip", "joined_claims"}
FAITHFUL_KINDS_7 = FAITHFUL_KINDS | {"negation_kept", "summary"}
#: the name of a sealed holdout's recorded run (tests/data/grounding_holdout_first_runs.json) with the default encoder
ENCODER_RUN = "with use-multilingual-v3"


def read_cases(path: Path) -> list[dict]:
    """The cases of a holdout, one JSON object per non-empty line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def first_run(path: Path) -> dict:
    """The first and only scoring run of the holdout at ``path`` (tests/data/grounding_holdout_first_runs.json)."""
    runs = json.loads((path.parent / "grounding_holdout_first_runs.json").read_text(encoding="utf-8"))
    return runs[path.name]


def first_run_or_skip(path: Path) -> dict:
    """The first run of the holdout at ``path``, for a set scored at the end of its session: until its one
    run is recorded, the test that asks is skipped, saying so."""
    runs = json.loads((path.parent / "grounding_holdout_first_runs.json").read_text(encoding="utf-8"))
    if path.name not in runs:
        pytest.skip(f"{path.name} is not scored yet (its one run is to be recorded at the session's end)")
    return runs[path.name]


def sha256(path: Path) -> str:
    """The seal of a holdout file: its SHA-256, pinned by its test."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_sealed(path: Path, pinned: str) -> None:
    """The holdout at ``path`` is as it was sealed: written blind to the guard, never edited."""
    assert sha256(path) == pinned, f"the sealed holdout {path.name} changed; it must stay as it was written"


def assert_case_shape(case: dict, unfaithful_kinds: set[str] = UNFAITHFUL_KINDS,
                      faithful_kinds: set[str] = FAITHFUL_KINDS) -> None:
    """A label and a kind of that label, citations among the case's statements, no empty text."""
    name = case.get("case")
    assert case["label"] in {"faithful", "unfaithful"}, name
    assert case["kind"] in (unfaithful_kinds if case["label"] == "unfaithful" else faithful_kinds), name
    assert set(case["citations"]) <= {s["id"] for s in case["statements"]}, name
    assert case["draft"].strip() and all(s["text"].strip() for s in case["statements"]), name


def assert_holdout_shape(cases: list[dict], language: dict[str, str], min_cases: int, min_per_kind: int,
                         min_german: int, unfaithful_kinds: set[str] = UNFAITHFUL_KINDS,
                         faithful_kinds: set[str] = FAITHFUL_KINDS) -> None:
    """A sealed set as it was written: enough cases, unique names, each case well formed and in its
    corpus's language, every kind present often enough, enough German, about half unfaithful."""
    assert len(cases) >= min_cases
    assert len({c["case"] for c in cases}) == len(cases), "case names must be unique"
    for c in cases:
        assert_case_shape(c, unfaithful_kinds, faithful_kinds)
        assert c["language"] == language[c["corpus"]], c["case"]
        assert c["citations"], c["case"]
        ids = [s["id"] for s in c["statements"]]
        assert len(ids) == len(set(ids)), f"{c['case']}: a statement listed twice"
    kinds = Counter(c["kind"] for c in cases)
    assert set(kinds) == unfaithful_kinds | faithful_kinds
    assert min(kinds.values()) >= min_per_kind, kinds
    assert sum(c["language"] == "de" for c in cases) >= min_german
    unfaithful = sum(c["label"] == "unfaithful" for c in cases)
    assert abs(unfaithful - len(cases) / 2) <= len(cases) * 0.05, "about half the cases are unfaithful"


def assert_verbatim(cases: list[dict], corpora: Path, corpus_names) -> None:
    """Every cited id exists in its corpus's comments.csv with exactly that text (skipped where the
    real corpora are absent)."""
    if not corpora.is_dir():
        pytest.skip(f"the real Polis corpora are not at {corpora} (../shared is absent on this machine)")
    texts: dict[str, dict[str, str]] = {}
    for name in corpus_names:
        with (corpora / name / "comments.csv").open(encoding="utf-8", newline="") as fh:
            texts[name] = {row["comment-id"]: row["comment-body"] for row in csv.DictReader(fh)}
    for c in cases:
        for s in c["statements"]:
            assert texts[c["corpus"]].get(s["id"]) == s["text"], f"{c['case']}: {c['corpus']} id {s['id']} not verbatim"


#: The guard's case files in tests/data: every file named so is one, the sealed holdouts among them
#: (``grounding_*_sealed.jsonl``), those still being written too (grounding_holdout7_sealed.jsonl).
GROUNDING_SETS = "grounding_*.jsonl"
#: How a sealed holdout's name ends: of such a file, no test but its own reads more than (corpus, id).
SEALED = "_sealed.jsonl"


def statements_of(path: Path) -> list[tuple[str | None, str]]:
    """(corpus, statement id) of every statement of the case file at ``path`` (corpus None where a
    case names none), in order: the one way a test reads another set's statements for a reuse
    check. Nothing else of a case is kept (its draft, label, kind and text), so no test learns a
    sealed holdout's drafts from it."""
    out: list[tuple[str | None, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                case = json.loads(line)
                out += [(case.get("corpus") or None, str(s["id"])) for s in case.get("statements", [])]
    return out


def taken_statements(data: Path, besides: Path) -> dict[str | None, set[str]]:
    """The statement ids every case file of ``data`` (:data:`GROUNDING_SETS`) but ``besides`` uses,
    by corpus (key None: the ids of cases naming no corpus), read by :func:`statements_of` only. A set
    added later (a new sealed holdout) is covered as it lands, without a test naming it. A file's ids of a
    corpus it may share with ``besides`` (:func:`shared_corpora`) are not counted."""
    taken: dict[str | None, set[str]] = {}
    for path in sorted(data.glob(GROUNDING_SETS)):
        if path.resolve() != besides.resolve():
            shared = shared_corpora(besides.name, path.name)
            for corpus, sid in statements_of(path):
                if corpus not in shared:
                    taken.setdefault(corpus, set()).add(sid)
    return taken


def shared_corpora(one: str, other: str) -> set[str]:
    """The corpora whose statements the case files named ``one`` and ``other`` may both cite: those a row of
    :data:`SEALED_FROM_7` lets one of them reuse from the other (:attr:`Holdout.reuses`), either way round (so
    the closed set's own reuse check does not fail on the later set either). Empty for any other pair."""
    return {corpus for h in SEALED_FROM_7 for corpus, files in h.reuses.items()
            if (h.file == one and other in files) or (h.file == other and one in files)}


def corpus_less_texts(data: Path, besides: Path) -> set[str]:
    """The statements' texts of the case files of ``data`` but ``besides`` whose cases name no corpus
    (the development sets: grounding_cases.jsonl, the fr/es sets); never a sealed holdout's
    (:data:`SEALED`), of which only (corpus, id) is read."""
    texts: set[str] = set()
    for path in sorted(data.glob(GROUNDING_SETS)):
        if path.resolve() != besides.resolve() and not path.name.endswith(SEALED):
            texts |= {s["text"] for c in read_cases(path) if not c.get("corpus") for s in c.get("statements", [])}
    return texts


def assert_reuses_no_earlier(cases: list[dict], data: Path, earlier: tuple[str, ...], development: str) -> None:
    """No statement id of the earlier holdouts (same corpus) or of the development cases (any corpus:
    ``development`` names no corpus); those files read by :func:`statements_of` only."""
    used: dict[str, set[str]] = {name: set() for name in LANGUAGE}
    for name in earlier:
        for corpus, sid in statements_of(data / name):
            used[corpus].add(sid)
    dev_ids = {sid for _, sid in statements_of(data / development)}
    for c in cases:
        for s in c["statements"]:
            assert s["id"] not in used[c["corpus"]], f"{c['case']}: {c['corpus']} id {s['id']} is in an earlier holdout"
            assert s["id"] not in dev_ids, f"{c['case']}: id {s['id']} is in {development}"


def norm_text(text: str) -> str:
    """A statement's text compared without case, punctuation or spacing."""
    return re.sub(r"\W+", " ", text.lower()).strip()


def assert_reuses_no_other_file(holdout: Path, max_uses: dict[str, int]) -> None:
    """No (corpus, id) that another ``grounding_*.jsonl`` beside ``holdout`` uses for the same corpus; no
    statement text of a file naming no corpus (its statements are not from these corpora, so its ids are
    not theirs); no statement in more cases than ``max_uses`` allows for its corpus. The other files are
    read through :func:`taken_statements` and :func:`corpus_less_texts` only."""
    used = taken_statements(holdout.parent, holdout)
    texts_without_corpus = {norm_text(t) for t in corpus_less_texts(holdout.parent, holdout)}
    cases = read_cases(holdout)
    for c in cases:
        for s in c["statements"]:
            assert s["id"] not in used.get(c["corpus"], set()), f"{c['case']}: {c['corpus']} id {s['id']} is taken"
            assert norm_text(s["text"]) not in texts_without_corpus, f"{c['case']}: {s['id']} is in a corpus-less set"
    uses = Counter((c["corpus"], s["id"]) for c in cases for s in c["statements"])
    for (corpus, sid), n in uses.items():
        assert n <= max_uses[corpus], f"{corpus} id {sid} is in {n} cases"


#: a sentence of a statement this long (characters, compared by :func:`norm_text`) found in a test is a quote of it
QUOTED_SENTENCE = 40


#: The guard tests' case tables kept as data (tests/guard_cases.py reads them), under ``tests_dir``: a statement
#: one quotes is a test's as much as one a test module quotes
GUARD_CASE_TABLES = "data/grounding_*_cases.toml"


def quoted_by_tests(text: str, tests_dir: Path) -> list[str]:
    """The test modules (``tests_dir/*.py``) and guard case tables (:data:`GUARD_CASE_TABLES`) that quote
    ``text``: its whole text, or one of its sentences of :data:`QUOTED_SENTENCE` characters or more, compared by
    :func:`norm_text` (a statement a guard test uses must not be in a holdout: its verdict was tuned on)."""
    pieces = [norm_text(text)] + [norm_text(p) for p in re.split(r"[.!?]+\s+", text)]
    pieces = [p for i, p in enumerate(pieces) if p and (i == 0 or len(p) >= QUOTED_SENTENCE)]
    return sorted(name for name, source in _normalized_modules(tests_dir).items() if any(p in source for p in pieces))


@functools.lru_cache(maxsize=4)
def _normalized_modules(tests_dir: Path) -> dict[str, str]:
    """Each test module and guard case table of ``tests_dir`` by name, its text by :func:`norm_text` (read
    once per run)."""
    files = sorted(tests_dir.glob("*.py")) + sorted(tests_dir.glob(GUARD_CASE_TABLES))
    return {m.name: norm_text(m.read_text(encoding="utf-8")) for m in files}


def assert_quoted_by_no_test(cases: list[dict], tests_dir: Path) -> None:
    """No statement of ``cases`` is quoted by a test module of ``tests_dir`` (:func:`quoted_by_tests`)."""
    for c in cases:
        for s in c["statements"]:
            quoting = quoted_by_tests(s["text"], tests_dir)
            assert not quoting, f"{c['case']}: {c['corpus']} {s['id']} is quoted by {quoting}"


def assert_no_text_of_a_taken_statement(holdout: Path, corpora: Path) -> None:
    """No statement of ``holdout`` has the text (by :func:`norm_text`) of a statement another
    ``grounding_*.jsonl`` uses in the same corpus under another id (Polis's rejected statements are often
    such repeats); the other files' texts are looked up by (corpus, id) in the corpora, never read from the
    files. Skipped where the real corpora are absent."""
    if not corpora.is_dir():
        pytest.skip(f"the real Polis corpora are not at {corpora} (../shared is absent on this machine)")
    cases = read_cases(holdout)
    taken = taken_statements(holdout.parent, holdout)
    for name in {c["corpus"] for c in cases}:
        with (corpora / name / "comments.csv").open(encoding="utf-8", newline="") as fh:
            taken_texts = {norm_text(r["comment-body"]) for r in csv.DictReader(fh)
                           if r["comment-id"] in taken.get(name, set())}
        for c in cases:
            if c["corpus"] == name:
                for s in c["statements"]:
                    assert norm_text(s["text"]) not in taken_texts, f"{c['case']}: {name} {s['id']} repeats a taken statement"


def assert_cites_moderated(cases: list[dict], corpora: Path, moderated: dict[str, str]) -> None:
    """Every cited statement of a case from corpus ``name`` has Polis's moderation mark ``moderated[name]``
    in that corpus's comments.csv ("1" accepted, "-1" not accepted by the moderators), skipped where the
    real corpora are absent."""
    if not corpora.is_dir():
        pytest.skip(f"the real Polis corpora are not at {corpora} (../shared is absent on this machine)")
    marked: dict[str, set[str]] = {}
    for name, mark in moderated.items():
        with (corpora / name / "comments.csv").open(encoding="utf-8", newline="") as fh:
            marked[name] = {r["comment-id"] for r in csv.DictReader(fh) if r["moderated"] == mark}
    for c in cases:
        for s in c["statements"]:
            assert s["id"] in marked[c["corpus"]], \
                f"{c['case']}: {c['corpus']} {s['id']} is not moderated {moderated[c['corpus']]}"


def assert_cites_accepted(cases: list[dict], corpora: Path, corpus_names) -> None:
    """Every cited statement is one Polis's moderators accepted (``moderated`` = 1), skipped where the real
    corpora are absent."""
    assert_cites_moderated(cases, corpora, {name: "1" for name in corpus_names})


def assert_first_run_counts(cases: list[dict], run: dict, encoder_run: str) -> None:
    """The recorded first run scored these very cases: its counts add up to the cases, per label and
    per kind, lexical only and with the encoder named ``encoder_run``."""
    for name in ("lexical only", encoder_run):
        counts = run[name]
        assert counts["tp"] + counts["fn"] == sum(c["label"] == "unfaithful" for c in cases), name
        assert counts["fp"] + counts["tn"] == sum(c["label"] == "faithful" for c in cases), name
    kinds = Counter(c["kind"] for c in cases)
    assert {k: total for k, (_, total) in run["per kind, lexical only"].items()} == dict(kinds)


class SealedHoldoutChecks:
    """The checks every sealed holdout written blind outside the repository gets (its seal, its
    shape, no statement of an earlier set, verbatim statements, its one recorded run); a test
    module subclasses it as ``Test...`` and sets the class attributes."""

    #: the holdout file and its pinned sha256
    HOLDOUT: Path
    SEALED_SHA256: str
    #: the shape the set was written to: at least this many cases, per kind, and in German
    MIN_CASES, MIN_PER_KIND, MIN_GERMAN = 200, 16, 60
    #: the kinds of case the set holds, each present
    UNFAITHFUL_KINDS: set[str] = UNFAITHFUL_KINDS
    FAITHFUL_KINDS: set[str] = FAITHFUL_KINDS
    #: the sets whose statement ids this one must not reuse (per corpus)
    EARLIER_HOLDOUTS: tuple[str, ...] = ()
    #: the development cases, whose ids no holdout reuses in any corpus (the file names no corpus)
    DEVELOPMENT_CASES = "grounding_cases.jsonl"
    #: the name of the recorded run with the default encoder
    ENCODER_RUN = ENCODER_RUN

    def test_is_sealed(self) -> None:
        assert_sealed(self.HOLDOUT, self.SEALED_SHA256)

    def test_shape(self) -> None:
        cases = read_cases(self.HOLDOUT)
        assert_holdout_shape(cases, LANGUAGE, self.MIN_CASES, self.MIN_PER_KIND, self.MIN_GERMAN,
                             self.UNFAITHFUL_KINDS, self.FAITHFUL_KINDS)
        assert any(len(c["citations"]) > 1 for c in cases), "some drafts join several statements"

    def test_reuses_no_statement_of_the_earlier_sets(self) -> None:
        assert_reuses_no_earlier(read_cases(self.HOLDOUT), self.HOLDOUT.parent, self.EARLIER_HOLDOUTS,
                                 self.DEVELOPMENT_CASES)

    def test_cites_real_statements_verbatim(self) -> None:
        assert_verbatim(read_cases(self.HOLDOUT), CORPORA, LANGUAGE)

    def test_first_run_counts_every_case_once(self) -> None:
        assert_first_run_counts(read_cases(self.HOLDOUT), first_run(self.HOLDOUT), self.ENCODER_RUN)


def scorer_load():
    """bench/score_grounding.py's ``load`` (it reads a labelled file and numbers its cases; it scores nothing)."""
    bench = str(Path(__file__).resolve().parents[1] / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    from score_grounding import load

    return load


#: the fourteen kinds of case from the seventh holdout on, in the order a row of :data:`SEALED_FROM_7` counts them
KINDS_OF_7 = ("substitution", "direction_verb", "scope_inflation", "invented_entity", "condition_dropped",
              "negation_flip", "joined_claims", "paraphrase", "direction_kept", "scope_kept", "conditional",
              "concession", "negation_kept", "summary")
#: the kinds whose drafts cite two statements (from the seventh holdout on, no other kind does)
JOINED_KINDS = {"joined_claims", "summary"}
#: the (language, label) pairs in the order a row of :data:`SEALED_FROM_7` counts them
LANGUAGE_LABELS = (("en", "faithful"), ("en", "unfaithful"), ("de", "faithful"), ("de", "unfaithful"))


@dataclass(frozen=True)
class Holdout:
    """One sealed holdout of the fourteen kinds (the seventh on), written blind outside the repository: its
    file and pinned seal, and the shape, counts and rules it was written to (checked by
    tests/test_grounding_sealed_from_7.py; no scoring)."""

    #: the file in tests/data and its SHA-256, pinned: any edit of the file fails its seal check
    file: str
    sha256: str
    #: the cases' names are PREFIX-001 ... in order
    prefix: str
    #: at least this many cases, of each kind, and in German
    min_cases: int
    min_per_kind: int
    min_german: int
    #: the cases of each kind, in :data:`KINDS_OF_7`'s order, and of each (language, label), in
    #: :data:`LANGUAGE_LABELS`' order, as written
    kinds: tuple[int, ...]
    labels: tuple[int, int, int, int]
    #: the cases drawn from each corpus
    sources: dict[str, int]
    #: how many cases one statement may appear in, per language
    max_uses: dict[str, int]
    #: Polis's moderation mark of every statement cited from each corpus ("1" accepted by the moderators,
    #: "0" not yet moderated, "-1" not accepted)
    moderated: dict[str, str]
    #: the fields below are given by name only (a row passing two dicts of one type in swapped places
    #: would still load)
    _: KW_ONLY
    #: each half's cases (odd- and even-numbered, as bench/score_grounding.py's ``--half`` keeps them) per
    #: label and per language; None: not written to be balanced so
    half_labels: dict[str, int] | None = None
    half_languages: dict[str, int] | None = None
    #: case PREFIX-NNN loads in bench/score_grounding.py as number NUMBER·1000 + NNN (None: not checked)
    number: int | None = None
    #: the rules from the eighth set on: no statement repeats the text of one another set uses under another
    #: id, and no test module quotes a statement (a statement a guard test was tuned on leaked into the seventh)
    rules_of_8: bool = True
    #: corpus -> the CLOSED sealed sets (file names) whose statements of that corpus this set may cite again,
    #: with new drafts: those sets are scored and no one tuning the guard has read them. A statement any other
    #: file cites stays taken; every other check still applies. Empty: no statement another file cites.
    reuses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return Path(__file__).resolve().parent / "data" / self.file


def _holdout(row: dict) -> Holdout:
    """One [[holdout]] of tests/data/sealed_holdouts.toml as a :class:`Holdout` (its ``note`` is for readers)."""
    fields = {key: value for key, value in row.items() if key != "note"}
    fields["kinds"], fields["labels"] = tuple(fields["kinds"]), tuple(fields["labels"])
    fields["reuses"] = {corpus: tuple(files) for corpus, files in fields.get("reuses", {}).items()}
    return Holdout(**fields)


#: the sealed sets from the seventh on, as tests/data/sealed_holdouts.toml lists them (these rows replace
#: tests/test_grounding_holdout{7,8,9,10}.py (f65a5b9), which the PROVENANCE files still name)
SEALED_FROM_7 = tuple(_holdout(row) for row in tomllib.loads(
    (Path(__file__).resolve().parent / "data" / "sealed_holdouts.toml").read_text(encoding="utf-8"))["holdout"])
