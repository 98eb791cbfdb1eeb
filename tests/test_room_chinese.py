"""What a Chinese room (the vTaiwan UberX export in ../shared/corpora, run by hand with the app and the CLI)
showed that no test looked at, each with the real components.

- The extractive drafter put an ASCII full stop after a Chinese statement that had none: the moderator's
  review and the participants' ballot read "…最重要還是安全第一." and "…我還是會傾向叫 Uber.".
- Three phones voting on the drafts made the report's audit fail JR for the 1,921 imported voters.
"""

from __future__ import annotations

import csv
import json

import pytest

from deliberation.config import Settings
from deliberation.drafting.base import DraftRequest, SourceRef
from deliberation.drafting.extractive import ExtractiveDrafter
from deliberation.embeddings import Embedder, EmbeddingConfig
from deliberation.grounding import check_draft
from deliberation.models import DraftKind
from deliberation.storage import Store
from deliberation.text.terms import CJK_RE

try:
    from conftest import corpus, run_cli
except ImportError:  # tests/ imported as a package
    from tests.conftest import corpus, run_cli

VTAIWAN = "vtaiwan.uberx"


def _statements() -> dict[str, str]:
    """The vTaiwan statements a moderator accepted (Polis's moderated = 1), by id."""
    with open(corpus(VTAIWAN) / "comments.csv", newline="", encoding="utf-8") as fh:
        return {r["comment-id"]: r["comment-body"].strip() for r in csv.DictReader(fh) if r["moderated"] == "1"}


@pytest.fixture(scope="module")
def encoder(tmp_path_factory):
    """The multilingual model the app gives a Chinese consultation (README, "Which embedding model")."""
    embedder = Embedder(EmbeddingConfig(model="use-multilingual-v3", show_progress=False,
                                        cache_dir=tmp_path_factory.mktemp("embeddings")))
    yield embedder
    embedder.close()


def test_a_chinese_statement_quoted_without_its_full_stop_gets_the_ideographic_one(encoder):
    statements = _statements()
    # statements 40 ("…最重要還是安全第一") and 38 ("…我還是會傾向叫 Uber", a Chinese sentence ending in a
    # Latin word) are two of the room's drafts; every other accepted statement without an end mark too
    bare = {sid: text for sid, text in statements.items() if text[-1] not in ".!?。！？…⋯"}
    assert {"40", "38"} <= set(bare), sorted(bare)
    for sid, text in bare.items():
        request = DraftRequest(kind=DraftKind.CONSENSUS, speaks_for="all:1", question="UberX", purpose="common ground",
                               sources=[SourceRef(id=sid, text=text)])
        (sentence,) = ExtractiveDrafter().draft(request)
        assert sentence.text[:-1] == " ".join(text.split()), (sid, sentence.text)
        chinese = len("".join(CJK_RE.findall(text))) > len(text) / 2
        assert sentence.text[-1] == ("。" if chinese else "."), (sid, sentence.text)
        # the quote is still the participant's own words: the guard passes it
        report = check_draft([{"id": sid, "text": text}], sentence.text, [sid], encoder=encoder)
        assert report.supported, (sid, sentence.text, [s.reason for s in report.sentences])


@pytest.mark.slow
def test_a_few_votes_on_the_drafts_do_not_make_everyone_else_approve_none(tmp_path):
    """The vTaiwan room imported 1,921 voters; three phones voted on the seven drafts. The report's
    audit then said "the slate fails JR: 689 participants all agreed with statement 16, yet none of
    them approves any draft", while Common ground 2 quotes statement 16: once anyone had voted on a
    draft, only draft votes counted, and the 1,921 who never saw the drafts approved none. A participant
    who did not vote on a draft approves it by the statements it cites, as before the vote."""
    data = tmp_path / "data"
    run_cli(data, "run", str(corpus(VTAIWAN)), timeout=1200)
    run_cli(data, "review", "1", "--approve-all", timeout=1200)
    store = Store(Settings(data_dir=data))
    drafts = [s.external_id for s in store.statements(1) if s.is_draft]
    assert drafts
    for k, value in enumerate([1, -1, 1]):  # three new phones vote on every draft
        for sid in drafts:
            store.cast_vote(1, f"phone-{k}", sid, value, create_participant=True)
    run_cli(data, "resume", "1", "--close-voting", timeout=1200)
    report = json.loads((data / "reports" / "1" / "report.json").read_text(encoding="utf-8"))
    assert report["audit"]["jr"] is True, report["audit"]["verdict"]


#: personal data as a participant in Taipei types it, without spaces around it, and what intake must store (the
#: placeholders in the statement's language: deliberation/messages/zh.toml's [removed])
WRITTEN_CLOSE = {
    "我的電話是0912-345-678，歡迎聯絡我討論Uber": "我的電話是[已移除電話]，歡迎聯絡我討論Uber",
    "我的電話0912345678聯絡我": "我的電話[已移除電話]聯絡我",
    "室內電話02-2345-6789": "室內電話[已移除電話]",
    "請寄信到chen.wei@gmail.com給我": "請寄信到[已移除電子郵件]給我",
    "我的身分證字號是A123456789": "我的身分證字號是[已移除證件號碼]",
    "護照號碼：312345678請保密": "護照號碼：[已移除證件號碼]請保密",
    "我住在台北市大安區忠孝東路四段100號5樓": "我住在台北市大安區忠孝東路[已移除地址]",
    "家在中山路二段12巷3弄5號之1": "家在中山路[已移除地址]",
    # a road named, a bus numbered, a document named: nothing personal
    "忠孝東路有很多計程車，這條路有3號公車，身分證很重要": "忠孝東路有很多計程車，這條路有3號公車，身分證很重要",
    # a count is no phone, with or without spaces
    "UberX在2015年有1200000位乘客": "UberX在2015年有1200000位乘客",
}


def test_a_phone_number_or_address_written_against_chinese_characters_is_redacted():
    """A phone number or an e-mail address written against Chinese characters, as Chinese is written, was
    stored as typed (the same with a space before it was redacted): the patterns' word boundaries took
    Chinese characters for letters of the number's own word. An identity document's number after its
    Chinese name and a house number after its road were not looked for."""
    from deliberation.safety import moderate

    got = {text: result.text for text, result in zip(WRITTEN_CLOSE, moderate(list(WRITTEN_CLOSE)))}
    assert got == WRITTEN_CLOSE
