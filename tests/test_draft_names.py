"""A draft put to the vote goes by one name in each language, the one its ballot shows ("Projet 25 ·
fondé sur la proposition 5"): a French room read "Vote enregistré : d'accord (proposition 25)." after
voting on "Projet 25", and the report's chart "Terrain d'entente 1 (proposition 25)". The name's one
home is the ``draft`` of deliberation/audiences.toml (deliberation.wording.draft_name); statements
keep their own word."""

from __future__ import annotations

import pytest

from deliberation.report_text import vote_line
from deliberation.wording import draft_name
from deliberation.words import LANGUAGES

pytest.importorskip("streamlit")

#: each language's word for a draft and for a statement, as its ballot says them
WORDS = {"en": ("draft", "statement"), "de": ("Entwurf", "Aussage"), "fr": ("projet", "proposition"),
         "es": ("borrador", "afirmación"), "zh": ("草案", "意見"), "zh-Hans": ("草案", "意见")}
VOTES = {"agree": 3, "disagree": 1, "passes": 0, "n_votes": 4, "groups": []}


def test_a_draft_has_one_name_on_the_ballot_in_the_vote_and_in_the_report():
    from ui.i18n import Words, draft_caption
    from ui.views.report import _vote_rows

    assert set(WORDS) == set(LANGUAGES)
    for lang, (draft, statement) in WORDS.items():
        w = Words(lang)
        name = draft_name("25", lang)
        assert name.casefold() == f"{draft} 25".casefold() and w.draft("25") == name
        label = w.draft("25", start=True)  # as the ballot shows it
        caption = draft_caption(w, {"statement_id": "25", "citations": ["5"]})
        assert caption.startswith(f"{label} · ") and statement.casefold() in caption.casefold(), caption
        said = [w("vote.stored_draft", answer="x", draft=label), w("vote.elsewhere_same_draft", answer="x", draft=name),
                w("vote.drafts_closed", draft=label), w("vote.draft_not_open", draft=label),
                vote_line(VOTES, "25", lang=lang), vote_line(None, "25", lang=lang)]
        rows, _ = _vote_rows(w, [{"key": "all:1", "heading": "Common ground 1", "published_as": "25", "votes": VOTES}])
        said += sorted({r[w("report.col_draft")] for r in rows})
        for text in said:
            assert name.casefold() in text.casefold() and statement.casefold() not in text.casefold(), (lang, text)
    assert Words("fr").draft("25", start=True) == "Projet 25" and Words("en").draft("25") == "draft 25"


def _press_on_a_draft():
    import streamlit as st

    from ui.participant_actions import PAGE_LANGUAGE_KEY, vote

    st.session_state[PAGE_LANGUAGE_KEY] = "fr"
    cid, sid = int(st.session_state["cid"]), st.session_state["sid"]
    if st.session_state.get("elsewhere"):  # this page did not cast the stored vote: another page did
        st.session_state.pop("last-vote", None)
    vote(cid, "p-fr", sid, st.session_state.get("value", 1), True, True, True)
    st.write(st.session_state["participant-flash"]["text"])


def test_a_french_vote_on_a_draft_is_confirmed_by_the_drafts_name(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from deliberation.config import Settings
    from deliberation.storage import Store

    settings = Settings(data_dir=tmp_path / "data").ensure()
    store = Store(settings)
    c, _ = store.create_consultation("Place du Marché : que faire le samedi ?")
    draft = store.add_statement(c.id, None, "Fermer la place aux voitures le samedi matin.", is_draft=True)
    store.open_voting(c.id, [draft.external_id])
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    at = AppTest.from_function(_press_on_a_draft, default_timeout=60)
    at.session_state["cid"], at.session_state["sid"] = c.id, draft.external_id
    sid = draft.external_id

    def said() -> str:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at.markdown[-1].value.replace("\u00a0", " ")

    assert said() == f"Vote enregistré : d'accord (Projet {sid})."
    at.session_state["elsewhere"] = True
    assert said() == f"Vous avez déjà voté « d'accord » sur le projet {sid} depuis une autre page."
    store.close_voting(c.id, [sid])
    at.session_state["value"] = -1  # a late change of mind
    assert f"le vote sur les projets de texte est clos (Projet {sid})" in said()
    assert store.votes_of(c.id, "p-fr") == {sid: 1}


def test_the_reports_ranking_names_a_draft_by_its_heading_and_its_name(tmp_path, monkeypatch):
    """The report's ranking said a draft's number without its name in a French room ("Par accord
    entre les groupes : Terrain d'entente 1 (900).", under "Vote (projet 900)"): the report page in
    each room language names it "Terrain d'entente 1 (projet 900)"; the English report is as it was
    ("Common ground 1 (900)", the tally's notes read back by it)."""
    from test_i18n import _german_report
    from ui_helpers import app, texts, unescape

    from deliberation.report import to_markdown
    from deliberation.words import Texts

    settings, c, rep, _ = _german_report(tmp_path)
    assert "- By agreement across groups: Common ground 1 (900)." in to_markdown(rep)
    monkeypatch.setenv("DELIBERATION_DATA", str(settings.data_dir))
    headings = {"de": "Gemeinsamer Nenner 1", "fr": "Terrain d'entente 1", "es": "Terreno común 1"}
    for lang, heading in headings.items():
        r = app("report")
        r.query_params["code"], r.query_params["lang"] = c.code, lang
        r.run()
        assert not r.exception and not r.error, (r.exception, [e.value for e in r.error])
        page = unescape(texts(r))
        named = f"{heading} ({draft_name('900', lang)})"
        assert Texts(lang)("ranking.gic", items=named) in page, (lang, page)
        assert Texts(lang)("ranking.schulze", items=named) in page, lang
        assert f"{heading} (900)" not in page, lang
