"""The Streamlit pages, run in-process with streamlit.testing.v1.AppTest.

The sample consultation (corpora/harbour-road) is imported once per module (fixtures in conftest.py);
each test works on its own copy, selected with DELIBERATION_DATA before the app runs.
"""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("streamlit")

from deliberation.config import Settings  # noqa: E402
from deliberation.models import ModerationStatus  # noqa: E402
from deliberation.storage import Store  # noqa: E402
from conftest import CORPORA  # noqa: E402
from ui_helpers import app, console_sign_in, texts, unescape  # noqa: E402


def _store(sample) -> Store:
    """The tests' own store: it casts votes in bulk, so without the per-participant rate limits."""
    try:
        from deliberation.ratelimit import UNLIMITED
    except ImportError:  # a tree without rate limits
        return Store(Settings(data_dir=sample.data_dir))
    return Store(Settings(data_dir=sample.data_dir), limits=UNLIMITED)


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _join(sample):
    at = app("participant")
    at.run()
    _ok(at)
    at.text_input(key="join-code").input(sample.code.lower())  # codes are case-insensitive
    at.button(key="join-button").click().run()
    _ok(at)
    assert "Welcome!" in unescape(texts(at))  # flashes are escaped
    return at, at.session_state["participant"]["pid"]


def _moderator(sample, secret=None):
    at = app("moderator")
    at.run()
    return console_sign_in(at, sample.code, sample.secret if secret is None else secret)


def _tab(at, label: str):
    at.session_state["mod-tab"] = label
    return at.run()


# ---- participant ----------------------------------------------------------------------------
def test_join_needs_a_real_code(sample):
    at = app("participant")
    at.run()
    _ok(at)
    at.text_input(key="join-code").input("NOPE99")
    at.button(key="join-button").click().run()
    assert "No consultation has this code" in texts(at)
    assert "participant" not in at.session_state
    # a consultation's number is not a code: participants join by code only
    at.text_input(key="join-code").input(str(sample.cid))
    at.button(key="join-button").click().run()
    assert "participant" not in at.session_state


def test_join_by_code_and_vote_is_stored_once(sample):
    at, pid = _join(sample)
    store = _store(sample)
    assert pid not in store.participants(sample.cid)  # no participant row before the first vote
    page = texts(at)
    assert "Harbour Road" in unescape(page)
    shown = [k for k in (b.key or "" for b in at.button) if k.startswith("vote-")]
    sid = shown[0].split("-")[1]
    at.button(key=f"vote-{sid}-1").click().run()
    _ok(at)
    assert f"Vote stored: agree (statement {sid})." in unescape(texts(at))
    assert pid in store.participants(sample.cid)
    votes = store.current_votes(sample.cid)
    mine = votes[votes["participant"] == pid]
    assert mine[["statement", "vote"]].values.tolist() == [[sid, 1]]
    events = store.vote_events(sample.cid)
    assert len(events[events["participant"] == pid]) == 1
    # the next statement is a different one (voted statements are skipped)
    nxt = [k for k in (b.key or "" for b in at.button) if k.startswith("vote-")]
    assert nxt and all(k.split("-")[1] != sid for k in nxt)


def test_vote_change_replaces_the_current_vote(sample):
    at, pid = _join(sample)
    sid = [k for k in (b.key or "" for b in at.button) if k.startswith("vote-")][0].split("-")[1]
    at.button(key=f"vote-{sid}-1").click().run()
    at.session_state["p-tab"] = "My votes"
    at.run()
    _ok(at)
    control = at.segmented_control(key=f"myvote-{sid}")
    assert control.value == "Agree"
    control.set_value("Disagree").run()
    _ok(at)
    assert f"Vote stored: disagree (statement {sid})." in unescape(texts(at))
    store = _store(sample)
    votes = store.current_votes(sample.cid)
    mine = votes[votes["participant"] == pid]
    assert mine[["statement", "vote"]].values.tolist() == [[sid, -1]]  # replaced, not added
    events = store.vote_events(sample.cid)
    assert events[events["participant"] == pid]["vote"].tolist() == [1, -1]  # history kept


def test_submit_statement_goes_through_intake(sample):
    at, pid = _join(sample)
    at.session_state["p-tab"] = "Add a statement"
    at.run()
    original = "Call me on 07700 900123 or mail jo.bloggs@example.org: the bus lane must stay on Harbour Road."
    at.text_area(key="new-statement").input(original)
    at.button(key="check-similar").click().run()
    _ok(at)
    assert "bus" in unescape(texts(at)).lower()  # similar existing statements are previewed
    at.button(key="submit-statement").click().run()
    _ok(at)
    page = unescape(texts(at))
    assert "was added" in page or "was received" in page
    assert at.text_area(key="new-statement").value == ""
    mine = [s for s in _store(sample).statements(sample.cid) if s.author == pid]
    assert len(mine) == 1
    stored = mine[0].text
    assert "07700 900123" not in stored and "jo.bloggs@example.org" not in stored
    assert "[phone removed]" in stored and "[email removed]" in stored
    assert "07700" not in page and "jo.bloggs" not in page  # the original is not shown back
    assert "[phone removed]" in page  # the participant sees what was stored


def test_the_offline_note_is_drawn_once_a_page(sample):
    """The note that a press is not recorded while the connection to the server is lost (ui/look.py shows
    it then) was drawn under every set of vote buttons: a participant shown the statements similar to
    theirs read it under each of them, and once more under the Vote tab's. Drawn once a page now."""
    from ui.i18n import Words

    at, _ = _join(sample)
    at.session_state["p-tab"] = "Add a statement"
    at.run()
    at.text_area(key="new-statement").input("The bus lane must stay on Harbour Road, and buses should run more often.")
    at.button(key="check-similar").click().run()
    _ok(at)
    assert len({b.key.rsplit("-", 1)[0] for b in at.button if (b.key or "").startswith("similar-")}) >= 2
    assert [e.value for e in at.warning].count(Words("en")("vote.offline")) == 1


def test_participants_never_see_held_or_rejected_statements_or_ids(sample, monkeypatch):
    # the test casts ~200 votes for one participant in a second: no rate limit in the app's store
    try:
        from deliberation.ratelimit import UNLIMITED

        monkeypatch.setattr("deliberation.storage.store.RateLimits", lambda: UNLIMITED)
    except ImportError:  # a tree without rate limits
        pass
    store = _store(sample)
    statements = store.statements(sample.cid)
    held = [s for s in statements if s.moderation is ModerationStatus.NEEDS_REVIEW]
    rejected = [s for s in statements if s.moderation is ModerationStatus.REJECTED]
    assert held and rejected
    nasty = store.add_statement(sample.cid, None, "<b>bold</b> **stars** [link](http://example.org) $x$ :red[r]")
    other = store.add_participant(sample.cid)
    at, pid = _join(sample)
    # vote on everything visible except the nasty statement, straight into the store
    skip = {s.external_id for s in held + rejected} | {nasty.external_id}
    for s in statements:
        if s.external_id not in skip and not s.is_draft:
            store.cast_vote(sample.cid, pid, s.external_id, 0, create_participant=True)
    at.run()
    _ok(at)
    from ui.common import esc

    md = [m.value for m in at.markdown]
    assert esc(nasty.text) in md  # shown, but as text: every markup character escaped
    assert "\\<b\\>bold\\<\\/b\\>" in esc(nasty.text)
    at.button(key=f"vote-{nasty.external_id}-0").click().run()
    page = unescape(texts(at))
    assert "You have voted on every statement" in page
    for s in held + rejected:
        assert s.text not in page
    # similar-statement preview with a held statement's own words does not show it
    at.session_state["p-tab"] = "Add a statement"
    at.run()
    at.text_area(key="new-statement").input(held[0].text)
    at.button(key="check-similar").click().run()
    page = unescape(texts(at))
    assert held[0].text not in page
    assert other not in page and pid not in page


# ---- moderator ------------------------------------------------------------------------------
def test_moderator_console_refuses_a_wrong_secret(sample):
    at = _moderator(sample, secret="not-the-secret")
    assert "the moderator secret is wrong" in texts(at)
    assert "mod-cid" not in at.session_state
    assert not [t for t in at.tabs if t.label == "Moderation queue"]
    # no secret at all
    at = _moderator(sample, secret="")
    assert "the moderator secret is wrong" in texts(at)
    # a tampered session (consultation id without the secret) is sent back to sign-in
    at = app("moderator")
    at.session_state["mod-cid"] = sample.cid
    at.session_state["moderator"] = {str(sample.cid): "guess"}
    at.run()
    assert "Open a consultation with its moderator secret" in texts(at)
    assert not [t for t in at.tabs if t.label == "Moderation queue"]


def test_moderator_signs_in_and_works_the_queue(sample):
    at = _moderator(sample)
    _ok(at)
    assert [t.label for t in at.tabs][-4:] == ["Import", "Moderation queue", "Facilitation", "Voting"]
    store = _store(sample)
    held = [s for s in store.statements(sample.cid) if s.moderation is ModerationStatus.NEEDS_REVIEW]
    _tab(at, "Moderation queue")
    _ok(at)
    page = unescape(texts(at))
    assert f"{len(held)} statements were flagged" in page
    assert held[0].moderation_reason.split(";")[0] in page  # the reason is shown
    at.button(key=f"mod-q-accept-{held[0].external_id}").click().run()
    at.button(key=f"mod-q-reject-{held[1].external_id}").click().run()
    _ok(at)
    now = {s.external_id: s for s in store.statements(sample.cid)}
    assert now[held[0].external_id].moderation is ModerationStatus.ACCEPTED
    assert now[held[1].external_id].moderation is ModerationStatus.REJECTED
    # the console counts statements as the board and the report do, and names the others
    public = sum(s.is_public for s in now.values())
    rejected = sum(s.moderation is ModerationStatus.REJECTED for s in now.values())
    assert [m.value for m in at.metric if m.label == "Statements"] == [str(public)]
    assert (f"Statements participants see: {public}; in the moderation queue: {len(held) - 2}; "
            f"rejected: {rejected}.") in unescape(texts(at))


def test_create_consultation_and_import_with_preview_and_clear_errors(sample, tmp_path):
    at = app("moderator")
    at.run()
    at.text_area(key="mod-new-question").input("Should the library open on Sundays?")
    at.button[[b.label for b in at.button].index("Create consultation")].click().run()
    _ok(at)
    created = at.session_state["mod-created"]
    store = _store(sample)
    c = store.get_consultation(created["code"])
    store.require_moderator(c.id, created["secret"])  # the shown secret is the real one
    # a bad CSV: the error names the file and the row, no stack trace, nothing stored
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\n1,Open on Sundays please\n1,Duplicate id here\n", encoding="utf-8")
    at.text_input(key="mod-imp-path").input(str(bad))
    at.button(key="mod-imp-preview-path").click().run()
    assert not at.exception
    err = unescape(" ".join(e.value for e in at.error))  # error messages are escaped (they quote input)
    assert "bad.csv" in err and "row" in err
    assert store.counts(c.id)["statements"] == 0
    # a real export with a moderated-out comment whose body is empty: previewed, the kept row said
    # in one line (issue 13; built from a real corpus, skipped where ../shared is absent)
    seattle = CORPORA / "15-per-hour-seattle"
    if seattle.is_dir():
        import pandas as pd

        shape = tmp_path / "seattle"
        shape.mkdir()
        comments = pd.read_csv(seattle / "comments.csv", dtype=str, keep_default_na=False)
        comments.loc[comments.index[comments["moderated"] == "-1"][0], "comment-body"] = ""
        comments.to_csv(shape / "comments.csv", index=False)
        at.radio(key="mod-imp-kind").set_value("polis").run()
        at.text_input(key="mod-imp-path").input(str(shape))
        at.button(key="mod-imp-preview-path").click().run()
        _ok(at)
        page = unescape(texts(at))
        assert "Preview of" in page and "1 comment that Polis moderated out had an empty" in page
        assert "No votes.csv and no participants-votes.csv" in page
        at.button(key="mod-imp-discard").click().run()
        at.radio(key="mod-imp-kind").set_value("statements").run()
    # an upload: saved inside the data dir under a sanitised name, previewed, then imported
    at.radio(key="mod-imp-how").set_value("upload").run()
    at.file_uploader(key="mod-imp-file").upload(
        "../../evil name;rm.csv", b"text,author\nOpen on Sundays please,a\nCall 07700 900123 for details,b\n",
        "text/csv")
    at.button(key="mod-imp-preview-upload").click().run()
    _ok(at)
    assert "Preview of" in texts(at)
    saved = list((sample.data_dir / "uploads" / str(c.id)).rglob("*.csv"))
    assert [p.name for p in saved] == ["evil_name_rm.csv"]
    assert all(sample.data_dir.resolve() in p.resolve().parents for p in saved)
    at.button(key="mod-imp-go").click().run()
    _ok(at)
    assert "Imported 2 statements" in texts(at)
    texts_stored = [s.text for s in store.statements(c.id)]
    assert "07700 900123" not in " ".join(texts_stored)


def test_more_settings_reach_the_run_and_wrong_ones_are_named(sample):
    """The console's "More settings" box: every setting by name, as `run --set`."""
    at = _moderator(sample)
    _tab(at, "Facilitation")
    # before any run the form shows the configs' defaults
    assert (at.selectbox(key="mod-run-drafter").value, at.number_input(key="mod-run-seed").value,
            at.checkbox(key="mod-run-topics").value, at.number_input(key="mod-run-revise").value) == ("extractive", 0, True, 1)
    assert at.selectbox(key="mod-run-embedding-model").value == "auto"
    at.selectbox(key="mod-run-embedding-model").select("all-MiniLM-L6-v2")  # the moderator pins a model
    at.text_area(key="mod-run-more").input("facilitation.consensus_slate_sise=1")  # misspelt
    at.button(key="mod-run-start").click().run(timeout=120)
    assert not Store(Settings(data_dir=sample.data_dir)).get_consultation(sample.cid).settings.get(
        "embedding_model_pinned")  # a refused run stores nothing
    assert any("unknown setting" in unescape(e.value) and "consensus_slate_sise" in unescape(e.value)
               for e in at.error), [e.value for e in at.error]
    from graphs import runner

    assert not runner.status(Settings(data_dir=sample.data_dir), sample.cid).values  # nothing ran
    at.text_area(key="mod-run-more").input("facilitation.consensus_slate_size=1\nseed=3")
    at.button(key="mod-run-start").click().run(timeout=600)
    _ok(at)
    waiting = runner.status(Settings(data_dir=sample.data_dir), sample.cid).waiting
    keys = [d["key"] for d in waiting["drafts"]]
    assert [k for k in keys if k.startswith("all:")] == ["all:1"]  # a slate of one, as set
    saved = Store(Settings(data_dir=sample.data_dir)).get_consultation(sample.cid).settings
    assert saved["embedding_model"] == "all-MiniLM-L6-v2" and saved["embedding_model_pinned"] is True


def test_review_approve_publish_vote_and_report(sample):
    """The whole moderator path on the sample with the extractive drafter (and a participant)."""
    at = _moderator(sample)
    _tab(at, "Facilitation")
    _ok(at)
    at.button(key="mod-run-start").click().run(timeout=600)
    _ok(at)
    page = unescape(texts(at))
    assert "The graph waits for your review" in page
    assert "Coverage audit" in page
    assert "Opinion groups: the three groups are " in page  # how sure the grouping is, in words
    radios = [r for r in at.radio if (r.key or "").startswith("mod-dec-")]
    assert len(radios) >= 3
    # every draft is shown beside the statements it cites
    assert page.count("Cited statements") == len(radios)
    keys = [r.key.split("-", 3)[3] for r in radios]
    assert "all:1" in keys  # the common-ground slate: one ballot item per claim
    # approve all but two; edit one (to the words of the first statement it cites); reject one
    from graphs import runner

    payload = {d["key"]: d for d in runner.status(Settings(data_dir=sample.data_dir), sample.cid).waiting["drafts"]}
    nonce = {r.key.split("-", 3)[3]: r.key.split("-")[2] for r in radios}  # per draft
    for r in radios[:-2]:
        r.set_value("approve")
    radios[-2].set_value("edit")
    radios[-1].set_value("reject")
    at.run()
    edited = payload[keys[-2]]["sentences"][0]["text"]
    at.text_area(key=f"mod-edit-{nonce[keys[-2]]}-{keys[-2]}").input(edited)
    at.text_input(key=f"mod-why-{nonce[keys[-1]]}-{keys[-1]}").input("too narrow")
    at.button(key="mod-review-submit").click().run(timeout=600)
    _ok(at)
    assert "drafts are published" in texts(at)
    assert "Voting is **not open yet**" in texts(at)  # the console moved to the Voting tab
    store = _store(sample)
    drafts = [s for s in store.statements(sample.cid) if s.is_draft]
    assert len(drafts) == len(radios) - 1
    saved = {d.speaks_for: d for d in store.drafts(sample.cid)}
    assert saved[keys[-1]].status == "rejected"
    assert saved[keys[-2]].status == "approved" and saved[keys[-2]].text == edited
    assert [r.decision for r in store.reviews(saved[keys[-2]].id)] == ["edit"]
    assert [r.reason for r in store.reviews(saved[keys[-1]].id)] == ["too narrow"]
    assert edited in [s.text for s in drafts]  # the edited wording is what participants vote on
    # participants do not see drafts before voting opens
    p, pid = _join(sample)
    assert "Proposed" not in texts(p)
    sid = [k for k in (b.key or "" for b in p.button) if k.startswith("vote-")][0].split("-")[1]
    p.button(key=f"vote-{sid}-1").click().run()
    assert f"Vote stored: agree (statement {sid})." in unescape(texts(p))
    at.button(key="mod-vote-open").click().run()
    _ok(at)
    assert "Voting is **open**" in texts(at)
    # the counts before the text: a long draft's text pushed them off the grid at 1280 px
    assert list(at.dataframe[0].value.columns) == ["draft", "speaks for", "agree", "disagree", "pass", "text"]
    p.run()
    assert "Proposed statement (Common ground 1)" in texts(p)
    # the statement vote's acknowledgement does not linger above the drafts that came since
    assert "Vote stored" not in texts(p)
    draft_id = drafts[0].external_id
    p.button(key=f"vote-{draft_id}-1").click().run()
    _ok(p)
    assert f"Vote stored: agree (Draft {draft_id})." in unescape(texts(p))  # as its ballot names it
    votes = store.current_votes(sample.cid)
    assert votes[(votes["participant"] == pid) & (votes["statement"] == draft_id)]["vote"].tolist() == [1]
    # the board shows the draft with that vote
    b = app("board")
    b.query_params["code"] = sample.code
    b.run()
    _ok(b)
    assert f"draft {draft_id} · 1 agree · 0 disagree · 0 pass" in unescape(texts(b))
    at.run()  # the console counts the one voter in words: it said "1 participants have voted"
    assert "1 participant has voted on the drafts so far." in texts(at)
    # close voting: tally and report
    at.button(key="mod-vote-close").click().run(timeout=600)
    _ok(at)
    assert "Voting closed" in texts(at)
    r = app("report")
    r.query_params["code"] = sample.code
    r.run()
    _ok(r)
    page = unescape(texts(r))
    assert f"Vote (draft {draft_id}): 1 agree, 0 disagree, 0 pass" in page
    assert "Coverage audit" in page
    assert "## Moderation" not in page  # the public view leaves the moderation section out
    labels = [d.label for d in r.download_button]
    assert "Report (Markdown)" in labels and "Report (HTML)" in labels
    assert "Report (JSON)" not in labels
    # the moderator (same session as the console) gets JSON and the Polis export, by the sidebar's
    # "Report" link (no code in the address): it asked for the consultation's code
    at.switch_page("views/report.py")
    for param in ("code", "session"):
        at.query_params.pop(param, None)
    at.run()
    _ok(at)
    assert "Held for the moderator" in unescape(texts(at))  # the full report
    at.button(key="dl-polis-prepare").click().run()
    _ok(at)
    labels = [d.label for d in at.download_button]
    assert "Polis export (zip of CSVs)" in labels and "Report (JSON)" in labels
    # a link to another room's report (?code=B, as the participant page's "Read the report") in this
    # same session opens on B, not on the moderator's room; the sign-in to this room is no
    # moderator's view of B (B's folder gets a copy of this room's report to show it)
    other, _ = store.create_consultation("Another room's question")
    shutil.copytree(sample.data_dir / "reports" / str(sample.cid), sample.data_dir / "reports" / str(other.id))
    at.query_params["code"] = other.code
    at.run()
    _ok(at)
    assert at.text_input(key="code-input").value == other.code
    assert at.query_params["code"] == other.code
    assert "Held for the moderator" not in unescape(texts(at))
    assert "Report (JSON)" not in [d.label for d in at.download_button]


def test_rejected_edit_shows_an_error_and_keeps_the_text(sample):
    """An edit the guard does not accept: an error with its reason beside the draft, the edited text
    still in the box for correction, no "Review recorded." banner; approving afterwards leaves no
    stale note in the report."""
    at = _moderator(sample)
    _tab(at, "Facilitation")
    at.button(key="mod-run-start").click().run(timeout=600)
    _ok(at)
    radio = next(r for r in at.radio if (r.key or "").startswith("mod-dec-") and r.key.endswith("-all:1"))
    radio.set_value("edit")
    at.run()
    bad = "Everyone agrees that Harbour Road must close to all traffic in 2031, says the mayor."
    nonce = radio.key.split("-")[2]
    at.text_area(key=f"mod-edit-{nonce}-all:1").input(bad)
    at.button(key="mod-review-submit").click().run(timeout=600)
    errors = unescape(" ".join(e.value for e in at.error))
    assert "edit was not accepted" in errors and "Your edit was not accepted" in errors
    assert "Review recorded" not in unescape(texts(at))
    box = next(t for t in at.text_area if (t.key or "").endswith("-all:1"))
    assert box.value == bad  # kept for correction
    # a Reject clicked on another draft (stored at once) stands: "Approve all" approves the drafts without
    # a decision (the refused edit's draft too, in its own words), as its help says; it approved them all
    other = next(r for r in at.radio if (r.key or "").startswith("mod-dec-") and not r.key.endswith("-all:1"))
    other.set_value("reject")
    at.run()
    help_ = at.button(key="mod-review-approve-all").help
    at.button(key="mod-review-approve-all").click().run(timeout=600)
    _ok(at)
    status = {d.speaks_for: d.status for d in _store(sample).drafts(sample.cid)}
    assert status.pop(other.key.split("-", 3)[3]) == "rejected"
    assert status["all:1"] == "approved" and set(status.values()) == {"approved"}, status
    assert "no decision yet" in help_
    md = (sample.data_dir / "reports" / str(sample.cid) / "report.md")
    at.button(key="mod-vote-open").click().run()
    at.button(key="mod-vote-close").click().run(timeout=600)
    _ok(at)
    report = md.read_text(encoding="utf-8")
    assert "not supported" not in report and "not accepted" not in report
    assert "\\." not in report and "\\," not in report  # no escapes littering ordinary text


def test_report_and_board_before_any_run(sample):
    r = app("report")
    r.query_params["code"] = sample.code
    r.run()
    _ok(r)
    assert "No report yet" in texts(r)
    # an address naming no consultation says so, and another code typed over it is opened (the
    # address's code is not put back into the box on the next rerun)
    r = app("report")
    r.query_params["code"] = "NOPE99"
    r.run()
    assert "No consultation has this code" in texts(r)
    r.text_input(key="code-input").input(sample.code.lower()).run()
    _ok(r)
    assert r.text_input(key="code-input").value.upper() == sample.code and r.query_params["code"] == sample.code
    assert "No report yet" in texts(r)
    b = app("board")
    b.query_params["code"] = sample.code
    b.run()
    assert not b.exception
    page = texts(b)
    assert "Participants: 100" in page and "Votes: " in page


def test_public_report_leaves_out_the_moderation_section_in_the_rooms_language(tmp_path, monkeypatch):
    """A report shown as the run wrote it (its JSON unreadable) is in the room's language: its
    moderation section, which can quote held statements, is left out of the public view too."""
    from deliberation.words import ROOM_LANGUAGE_SETTING

    settings = Settings(data_dir=tmp_path / "data")
    store = Store(settings)
    c, _ = store.create_consultation("Que faire du port ?")
    store.update_settings(c.id, {ROOM_LANGUAGE_SETTING: "fr"})
    folder = settings.data_dir / "reports" / str(c.id)
    folder.mkdir(parents=True)
    (folder / "report.md").write_text("# Rapport de la consultation\n\n## Modération\n\n- retenue : HELD-WORDS\n\n"
                                      "## Groupes d'opinion\n\nPUBLIC-WORDS\n", encoding="utf-8")
    (folder / "report.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    r = app("report")
    r.query_params["code"] = c.code
    r.run()
    _ok(r)
    page = texts(r)
    assert "PUBLIC-WORDS" in page and "HELD-WORDS" not in page and "Modération" not in page, page


def test_safe_markdown_and_escaping():
    from ui.common import esc, safe_markdown

    assert esc("<script>alert(1)</script>") == "\\<script\\>alert\\(1\\)\\<\\/script\\>"
    assert esc("a  b\n c") == "a b c"
    md = safe_markdown("- [1](javascript:alert) ![x](y) <img> $x$ ~~s~~ :red[x]")
    assert "](" not in md.replace("]\\(", "") and "\\<img>" in md and "\\$x\\$" in md



def test_the_map_rings_the_participants_own_dot():
    """A room of two who vote opposite lies on one line: the projection's second coordinate is
    float noise (1e-16). The dots were drawn at rounded places and the "you" ring at the exact
    one, so the ring sat at the far edge of the map's degenerate axis, away from every dot
    (seen on the participant page of a room of six in two camps, and of a room of two)."""
    from ui.opinion_map import map_chart

    analysis = {"groups": {"a": 0, "b": 1, "c": 1},
                "projection": {"a": [-1.4142135623730947, -1.1102230246251565e-16],
                               "b": [1.4142135623730947, 1.1102230246251565e-16],
                               "c": [1.4142135623730947, 1.1102230246251565e-16]}}
    for me in analysis["groups"]:
        spec = map_chart(analysis, me=me).to_dict()
        rows = {name: [(r["x"], r["y"]) for r in data] for name, data in spec["datasets"].items()}
        marks = {(layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]): layer
                 for layer in spec["layer"]}
        dots = rows[marks["circle"]["data"]["name"]]
        ring = rows[marks["point"]["data"]["name"]]
        assert len(ring) == 1 and ring[0] in dots, (me, ring, dots)


def test_a_shared_read_survives_its_entry_expiring_while_it_is_read(monkeypatch):
    """The pages' time-bounded shared reads (ui.common.cached_for): an entry that is fresh when
    Streamlit's cache checks for it and expired when it reads it (a loaded server) is computed
    again, where st.cache_resource(ttl=...) alone raised a bare KeyError that the participant page
    showed as 'Showing the statements failed: an unexpected problem'."""
    import itertools

    import streamlit as st
    import streamlit.runtime.caching.cache_utils as cache_utils

    from ui.common import cached_for

    clock: list[float] = []  # what the cache's clock says next; the last value stays

    def now() -> float:
        return clock.pop(0) if len(clock) > 1 else (clock[0] if clock else 0.0)

    monkeypatch.setattr(cache_utils, "TTLCACHE_TIMER", now)  # read when a cache is made
    made = itertools.count()
    plain = st.cache_resource(ttl=1.0, show_spinner=False)(lambda key: next(made))
    shared = cached_for(1.0, show_spinner=False)(lambda key: next(made))
    assert (plain("room"), shared("room")) == (0, 1)
    clock[:] = [0.5, 1.5]  # fresh at the membership check, expired at the read
    with pytest.raises(KeyError):  # Streamlit's own behaviour, which cached_for works around
        plain("room")
    clock[:] = [0.5, 1.5]
    assert shared("room") == 2  # computed again
    shared.clear()


def test_a_shared_read_lets_the_functions_own_key_error_through_once():
    """cached_for reads again only on Streamlit's expiry KeyError: a KeyError the cached function
    raises (a missing key in its own data) propagates, and the function runs once, not twice."""
    from ui.common import cached_for

    calls = []

    @cached_for(60.0, show_spinner=False)
    def lookup(key: str) -> str:
        calls.append(key)
        return {"known": "value"}[key]

    with pytest.raises(KeyError, match="missing"):
        lookup("missing")
    assert calls == ["missing"]
    assert lookup("known") == "value" and lookup("known") == "value" and calls == ["missing", "known"]
    lookup.clear()
