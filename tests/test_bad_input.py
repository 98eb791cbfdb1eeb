"""Bad input gets a clear error naming the file, row and problem; exit code non-zero; nothing stored."""

from __future__ import annotations

import codecs
import json
import shutil

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE
from deliberation.cli import app
from deliberation.config import Settings
from deliberation.errors import InputError
from deliberation.importers.polis import read_polis_export
from deliberation.importers.tabular import read_statements_file
from deliberation.storage import Store

runner = CliRunner()

GOOD_COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1700000000000,x,0,1,1,0,1,Keep the Saturday market on Harbour Road\n"
    "1700000001000,x,1,2,0,1,0,Build a protected cycle lane\n"
)
GOOD_VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    "1700000002000,x,0,1,1\n"
    "1700000003000,x,1,2,-1\n"
)


def polis_folder(tmp_path, comments: str | bytes = GOOD_COMMENTS, votes: str | bytes | None = GOOD_VOTES):
    folder = tmp_path / "export"
    folder.mkdir(exist_ok=True)
    for name, content in (("comments.csv", comments), ("votes.csv", votes)):
        if content is None:
            continue
        data = content.encode() if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def run_import_polis(tmp_path, folder):
    data = tmp_path / "data"
    res = runner.invoke(app, ["--data-dir", str(data), "import-polis", str(folder), "--no-embed"])
    stored = Store(Settings(data_dir=data)).list_consultations()
    return res, stored


def test_good_folder_imports(tmp_path):
    res, stored = run_import_polis(tmp_path, polis_folder(tmp_path))
    assert res.exit_code == 0, res.output
    assert len(stored) == 1


@pytest.mark.parametrize(
    "comments, votes, file, row, problem",
    [
        # malformed CSV: an unclosed quote runs to the end of the file
        (GOOD_COMMENTS + '1700000002000,x,2,3,0,0,0,"never closed\n', GOOD_VOTES, "comments.csv", None, "malformed CSV"),
        # a row with too many fields
        (GOOD_COMMENTS + "1700000002000,x,2,3,0,0,0,text,extra\n", GOOD_VOTES, "comments.csv", 4, "fields"),
        # missing column
        ("comment-id,author-id\n0,1\n", GOOD_VOTES, "comments.csv", 1, "missing required column(s) comment-body"),
        # empty statement
        (GOOD_COMMENTS + "1700000002000,x,2,3,0,0,0,   \n", GOOD_VOTES, "comments.csv", 4, "statement text is empty"),
        # 100 KB statement
        (GOOD_COMMENTS + "1700000002000,x,2,3,0,0,0," + "a" * 100_000 + "\n", GOOD_VOTES, "comments.csv", 4,
         "characters long; the limit is"),
        # duplicate ids
        (GOOD_COMMENTS + "1700000002000,x,1,3,0,0,0,Another one\n", GOOD_VOTES, "comments.csv", 4,
         "duplicate comment-id 1"),
        # non-integer id
        (GOOD_COMMENTS + "1700000002000,x,abc,3,0,0,0,Another one\n", GOOD_VOTES, "comments.csv", 4,
         "comment-id 'abc' is not an integer id"),
        # bad moderation value
        (GOOD_COMMENTS + "1700000002000,x,2,3,0,0,7,Another one\n", GOOD_VOTES, "comments.csv", 4, "moderated value"),
        # (a vote on a comment id missing from comments.csv is skipped and counted, not refused:
        # tests/test_polis_import.py::test_votes_on_missing_comments_are_skipped)
        # vote value other than agree/disagree/pass
        (GOOD_COMMENTS, GOOD_VOTES + "1700000004000,x,1,3,2\n", "votes.csv", 4, "vote value '2' is not agree/disagree/pass"),
        (GOOD_COMMENTS, GOOD_VOTES + "1700000004000,x,1,3,maybe\n", "votes.csv", 4, "'maybe' is not agree/disagree/pass"),
        # missing column in votes
        (GOOD_COMMENTS, "comment-id,vote\n0,1\n", "votes.csv", 1, "missing required column(s) voter-id"),
        # non-UTF-8 (Latin-1 umlaut)
        (GOOD_COMMENTS.encode() + "1700000002000,x,2,3,0,0,0,Stra\u00dfe f\u00fcr alle\n".encode("latin-1"), GOOD_VOTES,
         "comments.csv", None, "not UTF-8 text"),
        # UTF-16 with its byte-order mark is read (Excel's "Unicode text"); a broken one is named
        (codecs.BOM_UTF16_LE + GOOD_COMMENTS.encode("utf-16-le")[:-2] + b"\x00\xd8", GOOD_VOTES, "comments.csv", None,
         "starts as UTF-16 text but is not valid UTF-16"),
        # a votes file cut short in its last row (an interrupted download)
        (GOOD_COMMENTS, GOOD_VOTES + "1700000004000,x,1", "votes.csv", 4, "the file was cut short"),
        # a votes row with a field too many (it was "malformed CSV: Error tokenizing data. C error: ...")
        (GOOD_COMMENTS, GOOD_VOTES + "1700000004000,x,1,3,1,9\n", "votes.csv", 4, "has 6 fields but the header has 5"),
        # empty file
        ("", GOOD_VOTES, "comments.csv", None, "file is empty"),
    ],
)
def test_bad_polis_input(tmp_path, comments, votes, file, row, problem):
    folder = polis_folder(tmp_path, comments, votes)
    with pytest.raises(InputError) as err:
        read_polis_export(folder)
    msg = str(err.value)
    assert file in msg and problem in msg, msg
    if row is not None:
        assert f"row {row}" in msg, msg
    res, stored = run_import_polis(tmp_path, folder)
    assert res.exit_code == 2
    assert problem in res.output.replace("\n", "")
    assert "Traceback" not in res.output
    assert stored == []


def test_not_a_polis_folder(tmp_path):
    res, stored = run_import_polis(tmp_path, tmp_path)
    assert res.exit_code == 2 and "no comments.csv" in res.output and stored == []
    res, stored = run_import_polis(tmp_path, tmp_path / "missing")
    assert res.exit_code == 2 and "missing: no such file or folder" in res.output
    res, stored = run_import_polis(tmp_path, polis_folder(tmp_path) / "comments.csv")
    assert res.exit_code == 2 and "is a file: a Polis export is a folder with comments.csv, or a .zip of one" \
        in res.output.replace("\n", "")


PV_HEADER = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,"


@pytest.mark.parametrize("last_column, rows, problem", [
    ("1", "1,,1,2,1,0,1,0\n2,,0,1,0,0,,x\n", r"participants-votes.csv, row 3: vote value 'x'"),
    ("x7", "1,,1,2,1,0,1,0\n", "column 'x7' is neither a known column nor a comment id"),
    # a damaged row with fewer fields than the header: pandas filled it with empty cells, its votes lost
    ("1", "1,,1,2,1,0,1,0\n2,,0,1\n", r"participants-votes.csv, row 3: has 4 fields but the header has 8"),
    # every row a field too many: pandas took the first field for an index (a TypeError) instead of refusing
    ("1", "1,,1,2,1,0,1,0,1\n", r"participants-votes.csv, row 2: has 9 fields but the header has 8"),
])
def test_bad_participants_votes(tmp_path, last_column, rows, problem):
    folder = polis_folder(tmp_path, votes=None)
    (folder / "participants-votes.csv").write_text(f"{PV_HEADER}{last_column}\n{rows}")
    with pytest.raises(InputError, match=problem):
        read_polis_export(folder)


# ---- CSV / JSON Lines statements ------------------------------------------------------------

def write(tmp_path, name, content: str | bytes):
    p = tmp_path / name
    p.write_bytes(content.encode() if isinstance(content, str) else content)
    return p


def test_statements_csv_and_votes(tmp_path):
    st = write(tmp_path, "s.csv", "id,text,author\ns1,More trees on the high street,alice\ns2,Fewer cars please,bob\n")
    votes = write(tmp_path, "v.csv", "participant,statement,vote\nalice,s2,agree\nbob,s1,pass\nalice,s2,disagree\n")
    bundle = read_statements_file(st, votes_path=votes, question="Q?")
    assert [s.external_id for s in bundle.statements] == ["s1", "s2"]
    final = bundle.final_votes().set_index(["participant", "statement"])["vote"].to_dict()
    assert final == {("alice", "s2"): -1, ("bob", "s1"): 0}
    store = Store(Settings(data_dir=tmp_path / "d"))
    rep = store.import_bundle(bundle)
    assert rep.vote_events == 3 and rep.votes == 2
    hist = store.vote_events(rep.consultation_id)
    assert hist["vote"].tolist() == [1, 0, -1]


def test_statements_jsonl_with_votes(tmp_path):
    lines = [{"id": "a", "text": "Keep the bus lane", "author": "p1", "votes": {"p2": "agree", "p3": -1}},
             {"text": "Plant chestnut trees", "votes": {"p1": "pass"}}]
    p = write(tmp_path, "s.jsonl", "\n".join(json.dumps(x) for x in lines))
    bundle = read_statements_file(p, question="Q?")
    assert len(bundle.statements) == 2 and len(bundle.final_votes()) == 3


@pytest.mark.parametrize(
    "name, content, votes, problem",
    [
        ("s.csv", "id,body\n1,hello\n", None, "s.csv, row 1: missing required column(s) text"),
        ("s.csv", "id,text\n1,hello\n1,again\n", None, "duplicate statement id '1'"),
        # the row of a duplicate counts the blank lines before it (it named row 3 here)
        ("s.csv", "id,text\n1,hello\n\n\n2,there\n1,again\n", None, "s.csv, row 6: duplicate statement id '1' (first on row 2)"),
        ("s.jsonl", '{"id": "a", "text": "ok"}\n\n{"id": "a", "text": "again"}\n', None,
         "s.jsonl, row 3: duplicate statement id 'a' (first on row 1)"),
        ("s.csv", "id,text\n1,\n", None, "s.csv, row 2: statement text is empty"),
        ("s.csv", "id,text\n1," + "x" * 100_000 + "\n", None, "s.csv, row 2: statement text is 100,000 characters"),
        ("s.csv", b"id,text\n1,caf\xe9\n", None, "s.csv: not UTF-8 text"),
        ("s.jsonl", '{"text": "ok"}\n{"text": \n', None, "s.jsonl, row 2: not valid JSON"),
        ("s.jsonl", '["not", "an", "object"]\n', None, "s.jsonl, row 1: each line must be a JSON object"),
        ("s.jsonl", '{"text": "ok", "votes": {"p1": "strongly agree"}}\n', None,
         "s.jsonl, row 1: vote value 'strongly agree' is not agree/disagree/pass"),
        ("s.csv", "id,text\n1,hello\n", "participant,statement,vote\np1,2,agree\n", "v.csv, row 2: vote on unknown statement id '2'"),
        ("s.csv", "id,text\n1,hello\n", "participant,statement,vote\np1,1,5\n", "v.csv, row 2: vote value '5'"),
        ("s.xlsx", "whatever", None, "unknown file type .xlsx"),
    ],
)
def test_bad_statements(tmp_path, name, content, votes, problem):
    path = write(tmp_path, name, content)
    args = ["--data-dir", str(tmp_path / "data"), "import-statements", str(path), "--question", "Q?", "--no-embed"]
    if votes is not None:
        args += ["--votes", str(write(tmp_path, "v.csv", votes))]
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert problem in res.output.replace("\n", ""), res.output
    assert Store(Settings(data_dir=tmp_path / "data")).list_consultations() == []


def test_failure_inside_transaction_stores_nothing(tmp_path):
    """If indexing fails after rows were written, the whole import is rolled back."""
    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE, folder)
    bundle = read_polis_export(folder)
    store = Store(Settings(data_dir=tmp_path / "data"))

    def boom(cid, stored):
        assert len(stored) == len(bundle.statements)
        raise RuntimeError("vector store unavailable")

    with pytest.raises(RuntimeError):
        store.import_bundle(bundle, on_commit=boom)
    assert store.list_consultations() == []
    from sqlalchemy import func, select

    from deliberation.storage.tables import ParticipantRow, StatementRow, VoteEventRow, VoteRow

    with store.session() as s:
        for table in (StatementRow, ParticipantRow, VoteRow, VoteEventRow):
            assert s.scalar(select(func.count()).select_from(table)) == 0


def test_bad_vote_values_api(tmp_path):
    store = Store(Settings(data_dir=tmp_path / "data"))
    bundle = read_statements_file(write(tmp_path, "s.csv", "id,text\n1,hello world\n"), question="Q?")
    rep = store.import_bundle(bundle)
    pid = store.add_participant(rep.consultation_id)
    for bad in ("maybe", 2, 0.5, None, True, "", "agree!"):
        with pytest.raises(InputError, match="is not agree/disagree/pass"):
            store.cast_vote(rep.consultation_id, pid, "1", bad)
    from deliberation.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no statement '9'"):
        store.cast_vote(rep.consultation_id, pid, "9", "agree")
    with pytest.raises(NotFoundError, match="no participant 'nobody'"):
        store.cast_vote(rep.consultation_id, "nobody", "1", "agree")
    assert store.counts(rep.consultation_id)["vote_events"] == 0
