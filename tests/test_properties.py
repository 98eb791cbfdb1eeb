"""Property-based tests (hypothesis): random and hostile input gives a clear error or a correct
result, never a crash or a partial write."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pg import BACKENDS, backend_url

from deliberation.config import Settings
from deliberation.errors import DeliberationError, InputError
from deliberation.importers.polis import read_polis_export
from deliberation.importers.tabular import read_statements_file
from deliberation.storage import Store

ODD = st.text(alphabet=st.sampled_from(
    list("abc ,\"'\n\r\t=+-@;") + ["\u200b", "\u202e", "\u0301", "\U0001f600", "\u05d0", "\u4e2d", "\x00", "\ufeff"]),
    max_size=60)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(data=st.binary(max_size=400))
def test_statements_csv_random_bytes(tmp_path, data):
    p = tmp_path / "s.csv"
    p.write_bytes(b"id,text\n" + data)
    try:
        bundle = read_statements_file(p, question="Q?")
    except InputError as e:
        assert "s.csv" in str(e)
        return
    for s in bundle.statements:
        assert s.text.strip() and "\x00" not in s.text


@FAST
@given(text=ODD, author=ODD)
def test_jsonl_odd_unicode_round_trips_or_errors(tmp_path, text, author):
    p = tmp_path / "s.jsonl"
    p.write_text(json.dumps({"id": "x", "text": text, "author": author}) + "\n", encoding="utf-8")
    try:
        bundle = read_statements_file(p, question="Q?")
    except InputError:
        return
    assert bundle.statements[0].text == text.strip()


@FAST
@given(comments=st.binary(max_size=300), votes=st.binary(max_size=300))
def test_polis_folder_random_bytes(tmp_path, comments, votes):
    folder = tmp_path / "f"
    folder.mkdir(exist_ok=True)
    (folder / "comments.csv").write_bytes(b"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n" + comments)
    (folder / "votes.csv").write_bytes(b"timestamp,datetime,comment-id,voter-id,vote\n" + votes)
    try:
        bundle = read_polis_export(folder)
    except InputError:
        return
    bundle.vote_matrix()


@pytest.fixture(scope="module", params=BACKENDS)
def voting(request, tmp_path_factory):
    p = tmp_path_factory.mktemp("v") / "s.csv"
    p.write_text("id,text\n1,More trees\n2,Fewer cars\n")
    store = Store(Settings(data_dir=p.parent / "data", database_url=backend_url(request, request.param)))
    cid = store.import_bundle(read_statements_file(p, question="Q?")).consultation_id
    return store, cid, store.add_participant(cid)


@FAST
@given(value=st.one_of(st.integers(-5, 5), st.floats(allow_nan=True), ODD, st.none(), st.booleans()),
       statement=st.one_of(st.just("1"), ODD))
def test_vote_api_never_partial(voting, value, statement):
    store, cid, pid = voting
    before = store.counts(cid)["vote_events"]
    try:
        store.cast_vote(cid, pid, statement, value)
    except DeliberationError:
        assert store.counts(cid)["vote_events"] == before
        return
    assert store.counts(cid)["vote_events"] == before + 1


@FAST
@given(draft=ODD, texts=st.lists(ODD, min_size=1, max_size=3), cite=st.booleans())
def test_check_draft_json_clear_error_or_verdict(draft, texts, cite):
    from deliberation.grounding import check_draft_json

    payload = {"statements": [{"id": str(i), "text": t} for i, t in enumerate(texts)], "draft": draft}
    if cite:
        payload["citations"] = ["0"]
    try:
        out = check_draft_json(payload)
    except ValueError as e:
        assert str(e)
        return
    assert isinstance(out["supported"], bool)
    assert all(isinstance(s["reason"], str) and s["reason"] for s in out["sentences"])
