"""tests/room_hand.py drives the app by the app's own words (ui/messages through ui.i18n.Words), not by
copies of them: each pattern it waits for matches the text the app writes, in every language it runs in;
and the side file its CLI imports while the app serves is in the room's language (it was French in
every room)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("streamlit")

import room_hand  # noqa: E402
from conftest import run_cli  # noqa: E402
from deliberation.config import Settings  # noqa: E402
from deliberation.storage import Store  # noqa: E402
from deliberation.text import detect_language  # noqa: E402
from ui.i18n import Words  # noqa: E402


@pytest.mark.parametrize("lang", sorted(room_hand.ROOMS))
def test_the_room_waits_for_the_texts_the_app_writes(lang: str) -> None:
    words, w = room_hand.room_words(lang), Words(lang)
    assert words["question"] == room_hand.ROOMS[lang]["question"] and words["language_menu"] == w("language_label")
    for answer, value in words["said"].items():
        statement = w("vote.stored", answer=answer, sid="12")
        draft = w("vote.stored_draft", answer=answer, draft=w.draft("12", start=True))
        for text in (statement, draft):
            found = re.search(words["stored"].replace(room_hand.SID, "12"), text)
            assert found and words["said"][next(g for g in found.groups() if g)] == value, text
            assert not re.search(words["stored"].replace(room_hand.SID, "13"), text), text
    assert re.match(words["caption"], w("vote.statement_caption", sid="7")).group(1) == "7"
    for n in (1, 2):
        caption = w("vote.draft_caption", n=n, draft=w.draft("25", start=True), sources="3, 4")
        assert re.match(words["draft"], caption).group(1) == "25", caption
    assert all(re.search(words["added"], w(mid, sid="31")) for mid in ("write.added", "write.received"))
    assert w("vote.all_done").startswith(words["all_done"]) and w("vote.all_done_closed").startswith(words["all_done"])
    assert w("voting.state_open", page="x").startswith(words["is_open"] + " **")
    assert re.search(words["closed"], w("vote.not_stored")) and re.search(words["recorded"], w("review.recorded"))
    assert words["answers"] == {1: w("answer.agree"), -1: w("answer.disagree"), 0: w("answer.pass")}


@pytest.mark.parametrize("lang", sorted(room_hand.ROOMS))
def test_the_side_file_is_in_the_rooms_language(lang: str, tmp_path) -> None:
    side, question = room_hand.write_side_file(tmp_path, lang)
    run_cli(tmp_path / "data", "import-statements", str(side), "--question", question, "--no-embed")
    store = Store(Settings(data_dir=tmp_path / "data"))
    [room] = store.list_consultations()
    statements = store.statements(room.id)
    assert room.question == question and detect_language(question) == lang
    assert [(s.text, s.language) for s in statements] == [(room_hand.ROOMS[lang]["side_statement"], lang),
                                                          (room_hand.SIDE_ENGLISH, "en")]
    assert [detect_language(s.text) for s in statements] == [lang, "en"]
