"""The sealed holdouts of the faithfulness guard (issue 11) that were written blind outside the
repository: the third and the fourth, one class each, with how it was written and its one scoring run
(tests/data/grounding_holdout_first_runs.json). Shape and provenance only, no scoring: the checks
they share are :class:`holdouts.SealedHoldoutChecks`."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

import holdouts
from holdouts import SealedHoldoutChecks, corpus_less_texts, statements_of, taken_statements

DATA = Path(__file__).resolve().parent / "data"


class TestHoldout3(SealedHoldoutChecks):
    """The third sealed holdout for the faithfulness guard (issue 11): shape and provenance only, no scoring.

    ``tests/data/grounding_holdout3_sealed.jsonl`` was written because the second sealed holdout
    (``grounding_holdout2_sealed.jsonl``) was scored once and missed the targets, so a change made
    because of its errors turns it into a tuning set too. This set is the next one nobody tunes on.

    How it was written: on 2026-12-05 by the engineer "holdout", by hand, outside the repository
    (/work/sealed3/), reading real statements in ../shared/corpora (american-assembly.bowling-green,
    march-on.operation-marchin-orders and 15-per-hour-seattle in English;
    austria-climate.5twd2jsnkf.2022-08-08 in German; vtaiwan.uberx has no English text and was left
    out). No statement id that the first or second holdout uses for the same corpus, and no id that
    ``grounding_cases.jsonl`` uses at all, was reused. The statements' text was copied verbatim from
    each ``comments.csv`` by a script (by id), never retyped. Each draft was written the way a careful
    LLM drafter writes ("participants want ...", clauses reordered, synonyms): a faithful draft says
    what the cited statements say in other words (conditions and concessions restated, e.g. "until X"
    as "as long as not X"); an unfaithful draft changes the meaning in exactly one way of its kind. The
    set is blind to the guard: its author did not read deliberation/grounding/ or anything about the
    guard's rules, did not run ``check-draft``, bench/score_grounding.py or any guard code on any case,
    before or after sealing, and discussed the cases with nobody.

    Each line holds ``case``, ``corpus``, ``language`` (en / de), ``statements`` (real ids and verbatim
    text), ``citations``, ``draft``, ``label`` (faithful / unfaithful) and ``kind``:

    * unfaithful: ``substitution`` (a new thing swapped in), ``direction_verb`` (a direction reversed by
      a verb or adjective, not by a negation), ``scope_inflation`` (some -> all, limit -> ban,
      "including X" not said), ``invented_entity`` (a name, number, place or organisation no statement
      gives), ``condition_dropped`` (a condition or exception left out, so the claim becomes
      unconditional);
    * faithful: ``paraphrase``, ``direction_kept``, ``scope_kept``, ``conditional``, ``concession``.

    Some cases cite two or three statements that the draft joins.

    The file is sealed: its sha256 is pinned below, so any edit fails this test. It was scored ONCE,
    by the lead, with the guard as it stood at the end of the afternoon's tuning on the second holdout
    (main at 870cc6e): the recorded run (tests/data/grounding_holdout_first_runs.json). The targets
    (precision and recall >= 0.95 for "unfaithful") were NOT met. This module holds no scoring.

    It is now a DEVELOPMENT set, no longer a holdout: after that run the guard was tuned on its errors
    (5 Dec 2026 evening, the engineer "guard4"), on its odd-numbered cases, the even-numbered ones only
    checked after each change (``bench/score_grounding.py tests/data/grounding_holdout3_sealed.jsonl
    --half odd|even``). Its figures say how well the guard fits the cases it was tuned on; a fourth
    holdout, written blind to the guard outside this repository, is the one scored for that. The file
    stays sealed all the same, so that every figure quoted for it is over the same cases.
    """

    HOLDOUT = DATA / "grounding_holdout3_sealed.jsonl"
    SEALED_SHA256 = "33c98f9520fefddfc47fef55983ab73349d853acb51b0d5f0d891bb1dfa9a225"
    EARLIER_HOLDOUTS = ("grounding_holdout_sealed.jsonl", "grounding_holdout2_sealed.jsonl")


class TestHoldout4(SealedHoldoutChecks):
    """The fourth sealed holdout for the faithfulness guard (issue 11): shape and provenance only, no scoring.

    ``tests/data/grounding_holdout4_sealed.jsonl`` was written because the third sealed holdout was scored
    once, missed the targets and was then tuned on (its odd half) with the second, so both are
    development sets now. This set is the next one nobody tunes on.

    How it was written: on 2026-12-05 (sealed 19:32 UTC) by the engineer "holdout4", by hand, outside the
    repository (/work/sealed4/), reading real statements in ../shared/corpora
    (american-assembly.bowling-green and march-on.operation-marchin-orders in English,
    austria-climate.5twd2jsnkf.2022-08-08 in German; 70 cases each; 15-per-hour-seattle has no statement
    left that the earlier sets do not use, vtaiwan.uberx no English text). No statement id that an earlier
    holdout uses for the same corpus, and no id that ``grounding_cases.jsonl`` uses at all, was reused.
    Statement text was copied verbatim from each ``comments.csv`` by a script, by id. Each draft was
    written the way an LLM drafter writes town-hall summaries; a faithful draft says what the cited
    statements say in other words, an unfaithful one changes the meaning in exactly one way of its kind
    (the kinds of :mod:`holdouts`). 31 of the 219 statements are German ones Polis's moderators hid:
    still participants' text, used because few accepted German statements were left. The author was
    blind to the guard: did not read deliberation/grounding/, bench/ or the guard's tests, ran no guard
    code on any case, and discussed the cases with nobody. Meanwhile the guard was tuned on the odd halves
    of the second and third holdouts.

    The file is sealed: its sha256 is pinned below, so any edit fails this test. It was scored ONCE, by
    the lead, with the guard as it stood at the end of that tuning (main at 9a2ca7b):
    the recorded run (tests/data/grounding_holdout_first_runs.json). The targets (precision and recall
    >= 0.95 for "unfaithful") were NOT met. This module holds no scoring; a change made because of this
    set's errors makes it a tuning set too.
    """

    HOLDOUT = DATA / "grounding_holdout4_sealed.jsonl"
    SEALED_SHA256 = "f5ef74e607cccee365c30fa86a1f637abedd436261502170f311e989e39575c5"
    EARLIER_HOLDOUTS = ("grounding_holdout_sealed.jsonl", "grounding_holdout2_sealed.jsonl",
                        "grounding_holdout3_sealed.jsonl")


# ---- reuse checks read another set's (corpus, id) only, through one helper ----------------------
# tests/test_grounding_holdout3.py's and test_grounding_holdout6.py's reuse checks each globbed
# tests/data/grounding_*.jsonl and read every case of every file, the sealed holdouts' drafts among them.


def _case(corpus: str | None, sid: str, text: str, draft: str) -> str:
    return json.dumps({"case": "x", **({"corpus": corpus} if corpus else {}),
                       "statements": [{"id": sid, "text": text}], "draft": draft}) + "\n"


def test_a_new_sealed_holdout_is_covered_and_only_its_ids_are_read(tmp_path: Path) -> None:
    """A set that lands later (grounding_holdout7_sealed.jsonl) blocks its (corpus, id) in every other
    set's reuse check without a test naming it, and what the checks get of it is (corpus, id) only."""
    (tmp_path / "grounding_cases.jsonl").write_text(_case(None, "1", "A development statement.", "dev draft"))
    (tmp_path / "grounding_holdout6_sealed.jsonl").write_text(_case("bg", "10", "Statement ten.", "draft six"))
    (tmp_path / "grounding_holdout7_sealed.jsonl").write_text(
        _case("bg", "11", "Statement eleven.", "SEALED DRAFT") + _case(None, "12", "Corpus-less, sealed.", "SEALED"))
    holdout = tmp_path / "grounding_holdout6_sealed.jsonl"
    taken = taken_statements(tmp_path, holdout)
    assert taken == {"bg": {"11"}, None: {"1", "12"}}
    assert statements_of(tmp_path / "grounding_holdout7_sealed.jsonl") == [("bg", "11"), (None, "12")]
    # the statements' texts of the development sets only, never a sealed holdout's
    assert corpus_less_texts(tmp_path, holdout) == {"A development statement."}
    # the check the sixth and seventh holdouts' tests make, on these files: passes, and fails once
    # the new sealed set takes one of the holdout's (corpus, id)
    holdouts.assert_reuses_no_other_file(holdout, {"bg": 3})
    (tmp_path / "grounding_holdout7_sealed.jsonl").write_text(_case("bg", "10", "Statement ten.", "SEALED DRAFT"))
    with pytest.raises(AssertionError, match="bg id 10 is taken"):
        holdouts.assert_reuses_no_other_file(holdout, {"bg": 3})


def test_the_fourteenth_shares_only_the_closed_sets_german_statements(tmp_path: Path) -> None:
    """The fourteenth set may cite German statements the closed sets 11-13 cite (its row's ``reuses``), and
    their own reuse checks let it, either way round; a statement of another corpus, or one another file
    cites, stays taken."""
    de, mo = holdouts.GERMAN, holdouts.MARCH_ON
    h11, h14 = tmp_path / "grounding_holdout11_sealed.jsonl", tmp_path / "grounding_holdout14_sealed.jsonl"
    h11.write_text(_case(de, "5", "Fünf.", "SEALED") + _case(mo, "6", "Six.", "SEALED"))
    (tmp_path / "grounding_holdout10_sealed.jsonl").write_text(_case(de, "7", "Sieben.", "tunable"))
    h14.write_text(_case(de, "5", "Fünf.", "new draft"))
    assert taken_statements(tmp_path, h14) == {mo: {"6"}, de: {"7"}}
    holdouts.assert_reuses_no_other_file(h14, {de: 4})
    assert taken_statements(tmp_path, h11) == {de: {"7"}}
    holdouts.assert_reuses_no_other_file(h11, {de: 4, mo: 2})
    assert holdouts.shared_corpora("grounding_holdout10_sealed.jsonl", h14.name) == set()
    h14.write_text(_case(de, "7", "Sieben.", "new draft"))
    with pytest.raises(AssertionError, match="id 7 is taken"):
        holdouts.assert_reuses_no_other_file(h14, {de: 4})


def test_no_test_reads_another_grounding_set_but_through_the_helper() -> None:
    """Only tests/holdouts.py lists tests/data/grounding_*.jsonl; every other reuse check asks it."""
    listing = re.compile(r"""glob\(\s*["']grounding_|(?<!def )read_cases\(\s*(?:path\b|data\s*/)""")
    readers = sorted(p.name for p in Path(__file__).parent.glob("*.py")
                     if p.name != "holdouts.py" and listing.search(p.read_text(encoding="utf-8")))
    assert readers == [], readers


def test_holdout3bs_reuse_check_reads_no_other_sealed_holdout_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reuse check of the fifth holdout, run on the real files: it reads its own file whole and
    of every other set (corpus, id) only (a sealed holdout read whole by it fails here)."""
    import test_grounding_holdout3 as h3

    own = h3.TestHoldout3b.HOLDOUT
    whole = holdouts.read_cases

    def read_cases(path: Path) -> list[dict]:
        assert path == own or not path.name.endswith(holdouts.SEALED), f"{path.name} read whole"
        return whole(path)

    monkeypatch.setattr(holdouts, "read_cases", read_cases)
    monkeypatch.setattr(h3, "read_cases", read_cases)
    h3.TestHoldout3b().test_reuses_no_statement_of_any_other_grounding_file()


# ---- the provenance checks from the eighth set on (tests/test_grounding_sealed_from_7.py), on made-up files


def _corpus(corpora: Path, rows: list[tuple[str, str, str]]) -> None:
    """A corpus "bg" under ``corpora`` whose comments.csv holds (id, moderated, text) rows."""
    (corpora / "bg").mkdir(parents=True)
    with (corpora / "bg" / "comments.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["comment-id", "moderated", "comment-body"])
        writer.writerows(rows)


def test_a_statement_a_test_quotes_is_found(tmp_path: Path) -> None:
    """A statement quoted whole, or by one long sentence, in a test module is found; a short sentence
    it shares with a test is no quote."""
    (tmp_path / "test_a.py").write_text('DRAFT = "Parking on the campus should be more accessible to everyone."\n')
    (tmp_path / "test_b.py").write_text('X = "It is very dangerous."\n')
    assert holdouts.quoted_by_tests("Parking on the campus should be more accessible to everyone!", tmp_path) == ["test_a.py"]
    text = "It is very dangerous. Parking on the campus should be more accessible to everyone."
    assert holdouts.quoted_by_tests(text, tmp_path) == ["test_a.py"]
    assert holdouts.quoted_by_tests("The bridge is old. It is very dangerous.", tmp_path) == []
    # ... and so is one quoted by a guard case table kept as data (tests/guard_cases.py)
    tables = tmp_path / "with_tables"
    (tables / "data").mkdir(parents=True)
    bridge = "The old bridge over the river is very dangerous."
    (tables / "data" / "grounding_x_cases.toml").write_text(f'[[case]]\nstatement = "{bridge}"\n')
    assert holdouts.quoted_by_tests(bridge, tables) == ["grounding_x_cases.toml"]
    case = {"case": "h-1", "corpus": "bg", "statements": [{"id": "7", "text": text}]}
    with pytest.raises(AssertionError, match=r"bg 7 is quoted by \['test_a.py'\]"):
        holdouts.assert_quoted_by_no_test([case], tmp_path)


def test_a_rejected_repeat_of_a_taken_statement_is_found(tmp_path: Path) -> None:
    """A statement whose text is that of a statement another set uses under another id fails; the other
    set's text is looked up in the corpus by (corpus, id)."""
    corpora, data = tmp_path / "corpora", tmp_path / "data"
    _corpus(corpora, [("1", "1", "Build more bike lanes."), ("2", "-1", "Build more bike lanes!"),
                      ("3", "-1", "Close the old bridge.")])
    data.mkdir()
    (data / "grounding_holdout7_sealed.jsonl").write_text(_case("bg", "1", "Build more bike lanes.", "SEALED"))
    holdout = data / "grounding_holdout8_sealed.jsonl"
    holdout.write_text(_case("bg", "3", "Close the old bridge.", "draft"))
    holdouts.assert_no_text_of_a_taken_statement(holdout, corpora)
    holdout.write_text(_case("bg", "2", "Build more bike lanes!", "draft"))
    with pytest.raises(AssertionError, match="bg 2 repeats a taken statement"):
        holdouts.assert_no_text_of_a_taken_statement(holdout, corpora)


def test_cited_statements_carry_their_corpus_moderation_mark(tmp_path: Path) -> None:
    _corpus(tmp_path, [("1", "1", "Accepted."), ("2", "-1", "Rejected.")])
    cases = [{"case": "h-1", "corpus": "bg", "statements": [{"id": "2", "text": "Rejected."}]}]
    holdouts.assert_cites_moderated(cases, tmp_path, {"bg": "-1"})
    with pytest.raises(AssertionError, match="bg 2 is not moderated 1"):
        holdouts.assert_cites_accepted(cases, tmp_path, ["bg"])
