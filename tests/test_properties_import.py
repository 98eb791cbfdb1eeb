"""More property-based tests (hypothesis): every importer end to end into the on-disk store,
wrong encodings, huge fields, duplicate and missing ids, and `check-draft` on arbitrary JSON.

The property everywhere: a clear error (InputError naming the file) and nothing stored, or a
correct result that matches what went in. Never a crash, never a partial write.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import REPO
from deliberation.config import DATA_DIR_ENV, Settings
from deliberation.errors import InputError
from deliberation.importers.base import blank_row
from deliberation.importers.polis import read_polis_export
from deliberation.importers.tabular import read_statements_file
from deliberation.models import MAX_STATEMENT_CHARS
from deliberation.storage import Store

#: Characters that break naive code: RTL and bidi overrides, zero-width, combining marks, emoji
#: (astral plane), CJK, NUL, BOM, CSV and formula specials, line breaks of every kind.
NASTY = ["\u200b", "\u200d", "\u202e", "\u2066", "\u0301", "\u0327", "\U0001f600", "\U0001f3f3", "\ufe0f",
         "\u05d0", "\u0627", "\u4e2d", "\x00", "\ufeff", "\u2028", "\x85", "\r", "\n", "\t", '"', ",", ";", "=", "+",
         "-", "@", "'"]
TEXT = st.text(alphabet=st.one_of(st.sampled_from(NASTY), st.characters(codec="utf-8")), max_size=80)
#: Statement ids: sometimes duplicated, sometimes empty (missing), sometimes odd.
IDS = st.one_of(st.sampled_from(["1", "2", "2", "", " ", "007", "x"]), TEXT.map(lambda t: t[:8]))
#: check-draft processes run at once by the hostile-stdin test (the CI machine has 2 cores)
CLI_PROCESSES = 2
FAST = settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def _csv_bytes(rows: list[list[str]], header: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8", errors="surrogatepass")


def _stored_everything_or_nothing(data, bundle_or_error, expect_statements=None):
    """Import into a fresh on-disk store: all of it, or (after an error) nothing at all."""
    store = Store(Settings(data_dir=data))
    before = len(store.list_consultations())
    try:
        rep = store.import_bundle(bundle_or_error)
    except InputError as e:
        assert str(e)
        assert len(store.list_consultations()) == before
        return None
    stored = store.statements(rep.consultation_id)
    assert len(stored) == len(bundle_or_error.statements) == rep.statements
    if expect_statements is not None:
        assert {s.external_id: s.text for s in stored} == expect_statements
    assert store.counts(rep.consultation_id)["vote_events"] == len(bundle_or_error.votes)
    return rep


@FAST
@given(rows=st.lists(st.tuples(IDS, TEXT, TEXT), min_size=0, max_size=6))
def test_statements_csv_structured_rows(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("csv")
    p = tmp / "s.csv"
    try:
        p.write_bytes(_csv_bytes([list(r) for r in rows], ["id", "text", "author"]))
    except UnicodeEncodeError:  # lone surrogates cannot be written as UTF-8: not a file anyone can send
        return
    try:
        bundle = read_statements_file(p, question="Q?")
    except InputError as e:
        assert "s.csv" in str(e)
        return
    ids = [s.external_id for s in bundle.statements]
    assert len(ids) == len(set(ids)), "duplicate ids must be refused"
    for s in bundle.statements:
        assert s.text == s.text.strip() and 0 < len(s.text) <= MAX_STATEMENT_CHARS and "\x00" not in s.text
    _stored_everything_or_nothing(tmp / "data", bundle, {s.external_id: s.text for s in bundle.statements})


@FAST
@given(text=TEXT, encoding=st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-8-sig", "shift_jis",
                                            "koi8-r", "utf-32"]))
def test_statements_file_in_any_encoding(tmp_path_factory, text, encoding):
    """A file in another encoding is read correctly or refused with a message naming the encoding problem."""
    tmp = tmp_path_factory.mktemp("enc")
    p = tmp / "s.csv"
    body = "id,text\n" + _csv_bytes([["1", text]], []).decode("utf-8", "surrogatepass").lstrip("\n")
    try:
        raw = body.encode(encoding)
    except UnicodeEncodeError:
        return
    p.write_bytes(raw)
    try:
        bundle = read_statements_file(p, question="Q?")
    except InputError as e:
        assert "s.csv" in str(e)
        # a bare carriage return in the text ends the CSV row early (csv.writer quotes only fields
        # holding its own line terminator): the short row is named, with its field count
        if encoding == "utf-8-sig":  # the one accepted encoding fails only on the text itself
            assert any(w in str(e) for w in ("empty", "limit", "NUL", "text", "fields"))
        else:
            assert any(w in str(e) for w in ("UTF-8", "NUL", "empty", "column", "fields"))
        return
    # read only when the bytes are UTF-8, or UTF-16 with its byte-order mark (Excel's "Unicode
    # text"), and then exactly as those bytes say: no silent mis-decoding
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not raw.startswith(codecs.BOM_UTF32_LE)
    decoded = raw.decode("utf-16" if utf16 else "utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(decoded, newline="")))
    [st_] = bundle.statements
    assert st_.text == row["text"].strip()
    _stored_everything_or_nothing(tmp / "data", bundle)


@FAST
@given(n=st.integers(MAX_STATEMENT_CHARS - 2, MAX_STATEMENT_CHARS + 2), fill=st.sampled_from(["a", "\u4e2d", "\U0001f600",
                                                                                          "e\u0301"]))
def test_huge_fields_are_refused_whole(tmp_path_factory, n, fill):
    tmp = tmp_path_factory.mktemp("huge")
    p = tmp / "s.jsonl"
    text = (fill * n)[:n]
    p.write_text(json.dumps({"id": "1", "text": "ok"}) + "\n" + json.dumps({"id": "2", "text": text}) + "\n",
                 encoding="utf-8")
    try:
        bundle = read_statements_file(p, question="Q?")
    except InputError as e:
        assert "s.jsonl" in str(e) and "row 2" in str(e) and "limit" in str(e)
        assert len(text.strip()) > MAX_STATEMENT_CHARS
        return
    assert len(text.strip()) <= MAX_STATEMENT_CHARS
    _stored_everything_or_nothing(tmp / "data", bundle, {"1": "ok", "2": text.strip()})


@FAST
@given(votes=st.lists(st.tuples(TEXT.map(lambda t: t[:6]), st.sampled_from(["1", "2", "3", "", "9"]),
                                st.sampled_from(["1", "-1", "0", "agree", "2", "", "maybe", "1.0"])),
                      max_size=8))
def test_statements_with_votes_file(tmp_path_factory, votes):
    tmp = tmp_path_factory.mktemp("votes")
    s = tmp / "s.csv"
    s.write_text("id,text\n1,More trees\n2,Fewer cars\n3,A bus lane\n")
    v = tmp / "v.csv"
    try:
        v.write_bytes(_csv_bytes([list(x) for x in votes], ["participant", "statement", "vote"]))
    except UnicodeEncodeError:
        return
    try:
        bundle = read_statements_file(s, votes_path=v, question="Q?")
    except InputError as e:
        assert "v.csv" in str(e) or "s.csv" in str(e)
        return
    assert len(bundle.votes) == sum(not blank_row(list(x)) for x in votes)  # cleared rows (,,) are skipped
    assert set(bundle.votes["statement"]) <= {"1", "2", "3"}
    assert set(bundle.votes["vote"].astype(int)) <= {-1, 0, 1}
    _stored_everything_or_nothing(tmp / "data", bundle)


@FAST
@given(header_extra=st.lists(IDS, max_size=4), cells=st.lists(st.lists(st.sampled_from(["1", "-1", "0", "", "2", "x",
                                                                                         "\u200b", "1e3"]),
                                                                       min_size=0, max_size=5), max_size=5),
       pids=st.lists(IDS, max_size=5))
def test_participants_votes_matrix(tmp_path_factory, header_extra, cells, pids):
    """Polis's participants-votes.csv with odd, duplicate and missing ids and bad cells."""
    tmp = tmp_path_factory.mktemp("pv")
    folder = tmp / "export"
    folder.mkdir()
    (folder / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,1,0,0,0,1,More trees\n2,x,2,0,0,0,1,Fewer cars\n", encoding="utf-8")
    fixed = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
    rows = [[pid, "", "0", "0", "0", "0", *row] for pid, row in zip(pids, cells)]
    try:
        (folder / "participants-votes.csv").write_bytes(_csv_bytes(rows, fixed + ["1", "2", *header_extra]))
    except UnicodeEncodeError:
        return
    try:
        bundle = read_polis_export(folder)
    except InputError as e:
        assert "participants-votes.csv" in str(e) or "comments.csv" in str(e)
        return
    m = bundle.vote_matrix()
    assert len(set(m.participant_ids)) == len(m.participant_ids)
    assert set(bundle.votes["vote"].astype(int)) <= {-1, 0, 1}
    _stored_everything_or_nothing(tmp / "data", bundle)


JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
                    lambda kids: st.one_of(st.lists(kids, max_size=3), st.dictionaries(TEXT, kids, max_size=3)),
                    max_leaves=8)


@FAST
@given(payload=st.one_of(
    JSON,
    st.fixed_dictionaries({"statements": st.one_of(JSON, st.lists(st.fixed_dictionaries({"id": JSON, "text": JSON}),
                                                                   max_size=3)),
                           "draft": JSON}, optional={"citations": JSON})))
def test_check_draft_arbitrary_json(payload):
    """check_draft_json on any JSON value: a verdict, or ValueError/TypeError with a message (the CLI maps
    both to exit code 2 and one line)."""
    from deliberation.grounding import check_draft_json

    try:
        out = check_draft_json(payload)
    except (ValueError, TypeError) as e:
        assert str(e)
        return
    assert isinstance(out["supported"], bool) and isinstance(out["sentences"], list)


def test_check_draft_cli_on_hostile_stdin(tmp_path):
    """The CLI itself: random bytes, wrong encodings, huge input, odd JSON. Exit 0/1 with JSON, or 2 and one line."""
    # a data folder of its own: the default, ./data of the repository (the embedding model's caches),
    # is the one `make run` serves and was written by this test
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO),
           DATA_DIR_ENV: str(tmp_path / "data")}
    good = {"statements": [{"id": "1", "text": "Plant more trees on Harbour Road."}],
            "draft": "Participants want more trees on Harbour Road.", "citations": ["1"]}
    cases = [
        os.urandom(300),
        json.dumps(good).encode("utf-16"),
        json.dumps(good).encode("utf-8"),
        b"[]", b"null", b"{}", b'{"statements": 5, "draft": "x"}', b"",
        json.dumps({**good, "draft": "\u202e\u200b" + "word " * 50_000}).encode(),
        json.dumps({**good, "statements": [{"id": "1", "text": "\U0001f600" * 3000}]}).encode(),
        json.dumps({**good, "citations": ["nope"]}).encode(),
    ]

    def check_draft(raw: bytes) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "graphs.cli", "check-draft"], input=raw,
                              capture_output=True, env=env, cwd=REPO, timeout=300)

    # each case is a process of its own that loads the language detector, WordNet and the embedding
    # model (~2.6 s each in the CI run): CLI_PROCESSES at a time use the machine's second core
    with ThreadPoolExecutor(max_workers=CLI_PROCESSES) as pool:
        results = list(pool.map(check_draft, cases))
    for res in results:
        err = res.stderr.decode("utf-8", "replace")
        assert "Traceback" not in err, err[-2000:]
        if res.returncode in (0, 1):
            out = json.loads(res.stdout)
            assert isinstance(out["supported"], bool)
        else:
            assert res.returncode == 2 and err.strip() and len(err.strip().splitlines()) <= 2, err
    assert (tmp_path / "data" / "models").is_dir()  # the model's caches went to the test's folder
