"""What a Chinese room (the vTaiwan UberX export in ../shared/corpora, run by hand with the app and the CLI)
showed that no test looked at, each with the real components.

- The extractive drafter put an ASCII full stop after a Chinese statement that had none: the moderator's
  review and the participants' ballot read "…最重要還是安全第一." and "…我還是會傾向叫 Uber.".
"""

from __future__ import annotations

import csv

import pytest

from deliberation.drafting.base import DraftRequest, SourceRef
from deliberation.drafting.extractive import ExtractiveDrafter
from deliberation.embeddings import Embedder, EmbeddingConfig
from deliberation.grounding import check_draft
from deliberation.models import DraftKind
from deliberation.text.terms import CJK_RE

try:
    from conftest import corpus
except ImportError:  # tests/ imported as a package
    from tests.conftest import corpus

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
