"""Identity and recovery in the Streamlit pages (AppTest, in-process, real store and Chroma):

- a participant's personal link (``?p=TOKEN``) and an embedding site's ``?xid=`` bring back the
  same participant in a new browser session; joining or reloading stores nobody until the first
  vote (no ghosts); "Leave" makes no new voter;
- a reloaded moderator console (``?session=TOKEN``) stays signed in; signing out ends the session;
- a run that fails in a node (the Chroma server it uses went away) says why, and "Retry the run"
  finishes it once the server is back, without restarting the app.
"""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from deliberation.config import Settings  # noqa: E402
from deliberation.ratelimit import UNLIMITED  # noqa: E402
from deliberation.storage import Store, chroma_server  # noqa: E402
from ui_helpers import app, console_sign_in, texts, unescape  # noqa: E402


@pytest.fixture(scope="module")
def imported(imported_slice):
    """A real slice of the sample (conftest.imported_slice): the retried run goes to the review."""
    return imported_slice


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _page(page: str, **params):
    at = app(page)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _first_vote_button(at) -> str:
    return next(k for k in (b.key or "" for b in at.button) if k.startswith("vote-"))


def test_personal_link_xid_no_ghosts_and_leave(sample):
    store = Store(Settings(data_dir=sample.data_dir), limits=UNLIMITED)
    before = set(store.participants(sample.cid))
    at = _page("participant", code=sample.code)
    at.text_input(key="join-code").input(sample.code)
    at.button(key="join-button").click().run()
    _ok(at)
    token, pid = at.query_params["p"], at.session_state["participant"]["pid"]
    assert token and token not in pid
    assert "Your personal link" in [e.label for e in at.expander]
    assert set(store.participants(sample.cid)) == before  # joined, nothing stored yet
    # a reload (a new session with the same address) before voting: still nobody stored
    again = _page("participant", code=sample.code, p=token)
    _ok(again)
    assert again.session_state["participant"]["pid"] == pid
    assert set(store.participants(sample.cid)) == before
    key = _first_vote_button(again)
    again.button(key=key).click().run()
    _ok(again)
    assert set(store.participants(sample.cid)) == before | {pid}
    # another session from the personal link is the same participant, with the vote
    third = _page("participant", code=sample.code, p=token)
    assert third.session_state["participant"]["pid"] == pid
    votes = store.current_votes(sample.cid)
    assert len(votes[votes["participant"] == pid]) == 1
    assert _first_vote_button(third) != key  # the voted statement is not offered again
    # Leave: back to the join form, the link is shown, no new participant
    third.button(key="leave").click().run()
    _ok(third)
    assert "participant" not in third.session_state and "p" not in third.query_params
    assert "To come back as the same participant" in texts(third)
    assert set(store.participants(sample.cid)) == before | {pid}
    # Polis-style xid: one participant per external id, stored at the first vote
    emb = _page("participant", code=sample.code, xid="site-user-7")
    _ok(emb)
    assert emb.session_state["participant"]["pid"] == "xid:site-user-7"
    emb.button(key=_first_vote_button(emb)).click().run()
    emb2 = _page("participant", code=sample.code, xid="site-user-7")
    assert emb2.session_state["participant"]["pid"] == "xid:site-user-7"
    assert set(store.participants(sample.cid)) == before | {pid, "xid:site-user-7"}


def test_moderator_reload_keeps_the_session_and_sign_out_ends_it(sample):
    at = _page("moderator")
    console_sign_in(at, sample.code, sample.secret)
    _ok(at)
    token = at.query_params["session"]
    assert token and sample.secret not in token
    reloaded = _page("moderator", session=token)  # a new browser session from the same address
    _ok(reloaded)
    assert "Moderation queue" in [t.label for t in reloaded.tabs]
    reloaded.button(key="mod-sign-out").click().run()
    assert "session" not in reloaded.query_params
    stale = _page("moderator", session=token)
    assert "Open a consultation with its moderator secret" in texts(stale)
    assert "Moderation queue" not in [t.label for t in stale.tabs]


def test_a_failed_run_is_retried_from_the_console(sample, monkeypatch):
    """The graph's vector store (a `chroma run` server, as `make run` starts) goes away: the run
    fails in its first node with the reason in words; once the server is back on the same address,
    "Retry the run" continues and reaches the review, in the same app process."""
    settings = Settings(data_dir=sample.data_dir)
    server = chroma_server.start(settings)
    port = int(server.url.rsplit(":", 1)[1])
    monkeypatch.setenv("DELIBERATION_CHROMA_URL", server.url)
    try:
        at = _page("moderator")
        console_sign_in(at, sample.code, sample.secret, tab="Facilitation")
        _ok(at)
        server.stop()
        at.button(key="mod-run-start").click().run(timeout=300)
        shown = unescape(texts(at))  # at once, without another click: where and why, and Retry
        assert "The last run stopped before it finished" in shown and "could not be reached" in shown
        assert "It failed while checking statements and embeddings: the Chroma server at" in shown
        # the reason is kept in the graph's checkpoint: a reloaded console (new session) shows it too
        fresh = _page("moderator", session=at.query_params["session"])
        fresh.session_state["mod-tab"] = "Facilitation"
        fresh.run()
        assert "It failed while checking statements and embeddings: the Chroma server at" in unescape(texts(fresh))
        assert [b for b in at.button if b.key == "mod-run-continue"]
        server = chroma_server.start(settings, port=port)
        at.button(key="mod-run-continue").click().run(timeout=600)
        _ok(at)
        assert "The graph waits for your review" in unescape(texts(at))
    finally:
        server.stop()
