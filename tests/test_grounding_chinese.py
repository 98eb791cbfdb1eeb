"""The guard on Chinese drafts (traditional and simplified), read character by character
(deliberation/grounding/chinese.py, the Chinese lists of deliberation/grounding/data/zh.toml).

A Chinese room (the vTaiwan UberX export, run by hand) showed the guard passing a draft that says
"大家都同意 …" of one participant's statement, one that swaps the statement's noun for another, one
that adds a place and one that drops the statement's condition ('…載客時'); and refusing a faithful
draft that joins two statements with '，'. The cases here are made up (other sentences than the
room's), with the lexical checks alone, as ``check-draft`` runs offline.
"""

from __future__ import annotations

import csv

import pytest

from deliberation.grounding import check_draft
from deliberation.grounding.chinese import conditions
from deliberation.grounding.text import split_sentences

try:
    from conftest import corpus
except ImportError:  # tests/ imported as a package
    from tests.conftest import corpus

#: made-up statements: traditional ("t1", "t2") and simplified ("s1", "s2")
STATEMENTS = {
    "t1": "我認為外送員在下雨時騎車應該要放慢速度。",
    "t2": "我覺得外送平台應該替外送員投保意外險。",
    "s1": "我觉得公园里的路灯晚上应该亮久一点。",
    "s2": "如果预算足够的话，我觉得市政府应该多盖停车场。",
}

UNFAITHFUL = [
    # (what is wrong, cited, draft)
    ("claims everyone", ["t1"], "所有人都認為外送員在下雨時騎車應該要放慢速度。"),
    ("claims a consensus", ["t1"], "參與者一致認為外送員在下雨時騎車應該要放慢速度。"),
    ("claims everyone, mid-sentence", ["t2"], "我覺得大家都支持外送平台替外送員投保意外險。"),
    ("claims everyone, simplified", ["s1"], "大家都觉得公园里的路灯晚上应该亮久一点。"),
    ("swaps the noun", ["t1"], "我認為快遞員在下雨時騎車應該要放慢速度。"),
    ("swaps the noun, simplified", ["s1"], "我觉得学校里的路灯晚上应该亮久一点。"),
    ("adds a place", ["t1"], "我認為高雄的外送員在下雨時騎車應該要放慢速度。"),
    ("adds a place, simplified", ["s1"], "我觉得台中公园里的路灯晚上应该亮久一点。"),
    ("drops the condition closed by 時", ["t1"], "我認為外送員騎車應該要放慢速度。"),
    ("drops the condition opened by 如果", ["s2"], "我觉得市政府应该多盖停车场。"),
]

FAITHFUL = [
    ("verbatim", ["t1"], STATEMENTS["t1"]),
    ("verbatim, simplified", ["s2"], STATEMENTS["s2"]),
    ("shortened", ["t1"], "外送員在下雨時騎車應該放慢速度。"),
    ("framed as a participant's view", ["t1"], "有參與者表示，外送員在下雨時騎車應該要放慢速度。"),
    ("the condition said with 如果", ["t1"], "如果下雨，外送員騎車應該要放慢速度。"),
    ("two statements joined by '，'", ["t1", "t2"], "外送員在下雨時騎車應該要放慢速度，外送平台也應該替外送員投保意外險。"),
    ("shortened, simplified", ["s1"], "公园里的路灯晚上应该亮久一点。"),
    ("the condition kept, simplified", ["s2"], "预算足够的话，市政府应该多盖停车场。"),
]


def _check(cited: list[str], draft: str):
    return check_draft([{"id": i, "text": STATEMENTS[i]} for i in cited], draft, cited)


@pytest.mark.parametrize("what,cited,draft", UNFAITHFUL, ids=[c[0] for c in UNFAITHFUL])
def test_an_unfaithful_chinese_draft_is_refused(what, cited, draft):
    report = _check(cited, draft)
    assert not report.supported, (what, [s.reason for s in report.sentences])


@pytest.mark.parametrize("what,cited,draft", FAITHFUL, ids=[c[0] for c in FAITHFUL])
def test_a_faithful_chinese_draft_passes(what, cited, draft):
    report = _check(cited, draft)
    assert report.supported, (what, [s.reason for s in report.sentences])


def test_the_reasons_name_what_was_added_or_dropped():
    swapped = _check(["t1"], "我認為快遞員在下雨時騎車應該要放慢速度。").sentences[0].reason
    assert "'快遞'" in swapped, swapped
    dropped = _check(["t1"], "我認為外送員騎車應該要放慢速度。").sentences[0].reason
    assert "drops the condition of statement t1" in dropped and "下雨" in dropped, dropped
    claim = _check(["t1"], "所有人都認為外送員在下雨時騎車應該要放慢速度。").sentences[0].reason
    assert "'所有人'" in claim, claim


def test_a_condition_governs_its_own_sentence_only():
    text = "我覺得只要司機有保險就好。搭什麼車都一樣。"
    assert conditions(text) == [("司機有保險就好", "")]  # nothing after it in its sentence
    report = check_draft([{"id": "1", "text": text}], "搭什麼車都一樣。", ["1"])
    assert report.supported, [s.reason for s in report.sentences]


def test_time_words_with_時_close_no_condition():
    assert conditions("我覺得同時開放計程車與自用車比較公平。") == []
    assert conditions("等待的時間太長了。") == []
    assert [c for c, _ in conditions("若是颱風天的話，應該停止營業。")] == ["颱風天"]


def test_every_real_vtaiwan_statement_passes_verbatim_and_sentence_by_sentence():
    with open(corpus("vtaiwan.uberx") / "comments.csv", newline="", encoding="utf-8") as fh:
        statements = {r["comment-id"]: r["comment-body"].strip() for r in csv.DictReader(fh) if r["comment-body"].strip()}
    assert len(statements) > 150
    refused = []
    for sid, text in statements.items():
        for draft in [text, *split_sentences(text)]:
            report = check_draft([{"id": sid, "text": text}], draft, [sid])
            if not report.supported:
                refused.append((sid, draft, [s.reason for s in report.sentences]))
    assert not refused, refused[:5]
