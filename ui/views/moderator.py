"""Moderator console: create or open a consultation (secret required), choose the room's language
(ui/room_language.py), import statements, add the moderator's seed statements (ui/seed_form.py),
work the moderation queue, run the facilitation graph, review drafts (ui/review_cards.py), open and
close voting; in the room's language, or the one this browser session chose (ui.i18n.console_words)."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from deliberation.errors import InputError
from deliberation.importers.polis import read_polis_export
from deliberation.importers.tabular import read_statements_file
from deliberation.models import ModerationStatus
from deliberation.services import import_bundle, intake, set_moderation
from deliberation.storage.ids import new_statement_ids
from deliberation.storage.sessions import check_chosen_secret
from deliberation.text.languages import question_language, question_languages_of
from deliberation.words import QUESTION_LANGUAGE_SETTING, retell_list, said
from ui.common import (
    MODERATOR_SESSION_PARAM,
    act,
    code,
    esc,
    find_consultation,
    graph_status,
    moderator_token,
    quote,
    require_moderator,
    restore_moderator,
    settings,
    sign_in,
    sign_out,
    store,
    switch_tab,
    switchable_tabs,
)
from ui.create_once import create_once
from ui import console_live, room_language, run_console
from ui.i18n import (CONSOLE_LANGUAGE_KEY, LANGUAGES, ROOM_LANGUAGE_SETTING, Words, choose_language, console_words,
                     language_offer, page_words)
from ui.review_cards import review
from ui.run_log import log_lines
from ui.seed_form import seed_section
from ui.uploads import named_as_uploaded, polis_upload, safe_name, save_uploads

#: what the statements importer reads (deliberation/importers/tabular.py): with .tsv and .txt, Excel's
#: "Unicode text" (UTF-16, tab-separated), which the uploader refused ("Invalid file extension: .txt")
UPLOAD_SUFFIXES = ["csv", "tsv", "txt", "jsonl", "ndjson", "json"]


# ---- sign-in -----------------------------------------------------------------------------
def _current_cid() -> int | None:
    cid = st.session_state.get("mod-cid")
    if cid is None:  # a reload: the session token in the address signs the moderator back in
        cid = restore_moderator()
        if cid is not None:
            st.session_state["mod-cid"] = cid
    return int(cid) if cid is not None and moderator_token(int(cid)) else None


def _remember(cid: int, token: str) -> None:
    st.session_state["mod-cid"] = cid
    st.query_params[MODERATOR_SESSION_PARAM] = token


def _choose_language(key: str) -> None:
    choose_language(st.session_state.get(key))


def _language_menu(w: Words) -> None:
    """The console's own language for this browser session (``?lang=`` keeps it across a reload),
    as the participant page offers; the room's language until the moderator chooses."""
    key = f"mod-lang-menu-{w.lang}"
    st.selectbox(w("console.language"), list(LANGUAGES), index=list(LANGUAGES).index(w.lang), format_func=LANGUAGES.get,
                 key=key, on_change=_choose_language, args=(key,), width=200)
    language_offer(w, "mod-lang-offer")


def _sign_in_form() -> None:
    w = console_words()
    st.title(w("console.title"))
    # the console's language before any room: a French moderator creating the room's consultation
    # read the sign-in page in English with no way to change it but typing ?lang=fr
    _language_menu(w)
    st.write(w("console.sign_in_intro"))
    open_tab, create_tab = st.tabs([w("console.open_tab"), w("console.create_tab")])
    with open_tab, st.form("mod-open"):
        ref = st.text_input(w("console.code_or_number"), key="mod-open-ref", value=st.query_params.get("code", ""))
        secret = st.text_input(w("report.secret"), type="password", key="mod-open-secret")
        if st.form_submit_button(w("console.open"), type="primary"):
            with act(w, w("console.signing_in")):
                c = store().get_consultation((ref or "").strip())
                _remember(c.id, sign_in(c.id, secret))
                st.rerun()
    with create_tab, st.form("mod-create"):
        question = st.text_area(w("console.question"), key="mod-new-question", max_chars=500)
        description = st.text_area(w("console.description_optional"), key="mod-new-description", max_chars=2000)
        drafter = st.selectbox(w("run.drafter"), ["extractive", "llm"], key="mod-new-drafter",
                               help=w("console.drafter_help"))
        model = st.text_input(w("console.llm_model"), key="mod-new-model")
        base_url = st.text_input(w("console.llm_address"), key="mod-new-base-url")
        secret = st.text_input(w("console.new_secret"), type="password", key="mod-new-secret")
        if st.form_submit_button(w("console.create"), type="primary"):
            with act(w, w("console.creating")):
                check_chosen_secret(secret)
                # the question's language, told once: the room's, or one the pages do not speak; kept for the
                # report, which marks the question with it (an English question in a German report)
                told = question_language(question, description)
                lang, unspoken = question_languages_of(told)
                c, made_secret = create_once(
                    store(), st.session_state, question, description, secret,
                    {"drafter": drafter, "model": model or None, "base_url": base_url or None,
                     **({ROOM_LANGUAGE_SETTING: lang} if lang else {}), **({QUESTION_LANGUAGE_SETTING: told} if told else {})})
                _remember(c.id, sign_in(c.id, made_secret))
                st.session_state["mod-created"] = {"cid": c.id, "code": c.code, "secret": made_secret, "lang": lang,
                                                   "unspoken": unspoken}
                st.rerun()


def _sign_out() -> None:
    cid = st.session_state.pop("mod-cid", None)
    if cid is not None:
        sign_out(int(cid))
    st.session_state.pop("mod-created", None)


# ---- overview ----------------------------------------------------------------------------
def _overview(cid: int, c, w: Words):
    st.title(w("console.title"))
    _language_menu(w)
    st.subheader(esc(c.question), anchor=False)
    if c.description:
        with st.expander(w("console.description")):
            quote(c.description)
    created = st.session_state.get("mod-created")
    if created and created["cid"] == cid:
        with st.container(border=True):
            st.success(w("console.created", code=c.code))
            if created.get("lang") or created.get("unspoken"):
                st.info(room_language.said_at_creation(created.get("lang"), w, created.get("unspoken")))
            st.code(created["secret"], language=None)
            st.button(w("console.noted"), key="mod-noted", on_click=lambda: st.session_state.pop("mod-created"))
    counts = store().counts(cid)
    statements = store().statements(cid)
    queue = [s for s in statements if s.moderation is ModerationStatus.NEEDS_REVIEW]
    cols = st.columns(4)
    cols[0].metric(w("console.join_code"), c.code)
    rejected = sum(s.moderation is ModerationStatus.REJECTED and not s.is_draft for s in statements)
    # counted as the board and the report count them (what participants see); the others named below
    cols[1].metric(w("board.statements"), sum(s.is_public for s in statements))
    # who voted or wrote a statement, as the live board counts them (counts() counts voters only:
    # a room whose six had written and not yet voted showed 0 here and 6 on the board)
    cols[2].metric(w("board.participants"), store().participant_count(cid))
    cols[3].metric(w("board.votes"), counts["votes"])
    st.caption(w("console.how_to_join", code=c.code, page=w("nav.take_part"), public=sum(s.is_public for s in statements),
                 queue=len(queue), rejected=rejected))
    console_live.remember_drawn(cid, statements)
    notice = st.container()  # where console_live says that statements arrived since (main)
    room_language.language_setting(cid, c, w)
    st.button(w("console.sign_out"), key="mod-sign-out", on_click=_sign_out)
    return statements, notice


# ---- import ------------------------------------------------------------------------------
def _save_uploads(cid: int, files, sub: str) -> Path:
    """Save uploaded files under <data dir>/uploads/<cid>/<sub>/ with sanitised names only."""
    return save_uploads(settings().data_dir, cid, files, sub)


def _read_bundle(kind: str, path: Path, votes_path: Path | None, question: str, w: Words):
    if kind == "polis":
        return read_polis_export(path)
    if path.is_dir():
        raise InputError(w("import_errors.is_folder"), path)
    if path.suffix.lower().lstrip(".") not in UPLOAD_SUFFIXES:
        raise InputError(w("import_errors.not_readable", suffixes="." + ", .".join(UPLOAD_SUFFIXES)), path)
    if not path.exists():
        raise InputError(said("input.file_not_found"), path)
    return read_statements_file(path, votes_path=votes_path, question=question)


def _import_tab(cid: int, c, w: Words) -> None:
    st.write(w("imports.intro"))
    kind = st.radio(w("imports.what"), ["statements", "polis"], horizontal=True, key="mod-imp-kind",
                    format_func=lambda k: w(f"imports.kind_{k}"))
    how = st.radio(w("imports.from"), ["path", "upload"], horizontal=True, key="mod-imp-how",
                   format_func=lambda k: w(f"imports.from_{k}"))
    votes_path = None
    if how == "path":
        raw = st.text_input(w(f"imports.path_{kind}"), key="mod-imp-path", placeholder="/path/to/export")
        if kind == "statements":
            vp = st.text_input(w("imports.votes_path"), key="mod-imp-votes")
            votes_path = Path(vp.strip()).expanduser() if vp.strip() else None
        go = st.button(w("imports.preview"), key="mod-imp-preview-path")
        if go:
            with act(w, w("imports.reading")):
                require_moderator(cid)
                if not raw.strip():
                    raise InputError(w("imports.no_path"))
                path = Path(raw.strip()).expanduser()
                _preview(kind, path, votes_path, c, w)
    else:
        if kind == "polis":
            files = st.file_uploader(w("imports.polis_files"), type=[*UPLOAD_SUFFIXES, "zip"], accept_multiple_files=True,
                                     key="mod-imp-files")
        else:
            one = st.file_uploader(w("imports.kind_statements"), type=UPLOAD_SUFFIXES, key="mod-imp-file")
            votes = st.file_uploader(w("imports.votes_file"), type=["csv", "tsv", "txt"], key="mod-imp-votefile")
            files = [f for f in (one,) if f]
        go = st.button(w("imports.preview"), key="mod-imp-preview-upload")
        if go:
            with act(w, w("imports.reading_upload")):
                require_moderator(cid)
                if not files:
                    raise InputError(w("imports.no_files"))
                # one folder per preview: two moderators uploading in the same second never share one
                sub = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(4)
                try:
                    # the preview names the files as uploaded, not the server's copy under uploads/<id>/<time>/
                    shown = ", ".join(f.name for f in [*files, *([votes] if kind != "polis" and votes else [])])
                    if kind == "polis":
                        _preview(kind, polis_upload(settings().data_dir, cid, files, sub), None, c, w, shown)
                    else:
                        # the votes file in a folder of its own: same-named files cannot overwrite each other
                        folder = _save_uploads(cid, files, sub)
                        votes_folder = _save_uploads(cid, [votes], sub + "-votes") if votes else None
                        _preview(kind, folder / safe_name(files[0].name),
                                 votes_folder / safe_name(votes.name) if votes else None, c, w, shown)
                except InputError as e:
                    raise named_as_uploaded(e) from None
    prev = st.session_state.get("mod-imp-preview")
    if prev and prev["cid"] == cid:
        _show_preview(cid, prev, w)
    st.divider()
    seed_section(cid)


def _preview(kind: str, path: Path, votes_path: Path | None, c, w: Words, shown: str | None = None) -> None:
    """Read the import and keep its preview; ``shown``: what the preview names (the uploaded files)."""
    with st.spinner(w("imports.checking")):
        bundle = _read_bundle(kind, path, votes_path, c.question, w)
        _check_new_ids(bundle, c.id, w)
        checked = intake(list(bundle.statements))
    rows = pd.DataFrame({
        "id": [s.external_id for s in checked],
        w("imports.col_text"): [s.text for s in checked],
        w("imports.col_status"): [w(f"imports.status_{s.moderation.value}") for s in checked],
        w("imports.col_why"): [retell_list(s.moderation_reason, w.lang) for s in checked],
    })
    st.session_state["mod-imp-preview"] = {"cid": c.id, "bundle": bundle, "rows": rows, "path": shown or str(path),
                                           "summary": bundle.summary(),
                                           "flagged": int(sum(s.moderation is ModerationStatus.NEEDS_REVIEW
                                                              for s in checked))}


def _check_new_ids(bundle, cid: int, w: Words) -> None:
    """Refuse at the preview what the import would refuse after it: statement ids of the file that
    this consultation already holds (a Polis export into a consultation with statements: the preview
    showed it, "Import" then failed with "statement id '0' is already stored")."""
    existing = {s.external_id for s in store().statements(cid)}
    try:
        new_statement_ids(bundle, list(bundle.statements), existing)
    except InputError as e:
        raise InputError(w("import_errors.new_ids", problem=retell_list(e.problem, w.lang)), e.source) from None


def _show_preview(cid: int, prev: dict, w: Words) -> None:
    s = prev["summary"]
    with st.container(border=True):
        st.markdown(f"**{w('imports.preview_of')}** " + code(prev['path']))
        # everyone who voted or wrote a statement, as the counts above the tabs say ("33 participants",
        # where the preview said "0 participants" of an export whose 33 authors had no vote in it)
        st.write(w("imports.summary", statements=s["statements"], out=s["moderated_out"], participants=s["registered"],
                   voters=s["participants"], votes=s["votes"], events=s["vote_events"], flagged=prev["flagged"]))
        for note in prev["bundle"].notes:  # rows kept as moderated out or skipped, one line per kind
            st.caption(esc(retell_list(note, w.lang)))
        st.dataframe(prev["rows"], hide_index=True, height=240)
        c1, c2 = st.columns(2)
        if c1.button(w("imports.go"), type="primary", key="mod-imp-go"):
            with act(w, w("imports.importing")):
                require_moderator(cid)
                with st.status(w("imports.importing_steps"), expanded=True) as box:
                    box.write(w("imports.storing", statements=s["statements"], votes=s["votes"]))
                    rep = import_bundle(settings(), prev["bundle"], consultation_id=cid)
                    box.update(label=w("imports.finished"), state="complete")
                st.session_state.pop("mod-imp-preview", None)
                st.session_state["mod-flash"] = ("success", w("imports.imported", statements=rep.statements,
                                                              participants=rep.registered, voters=rep.participants,
                                                              votes=rep.votes,
                                                              flagged=rep.flagged))
                st.rerun()
        if c2.button(w("imports.discard"), key="mod-imp-discard"):
            st.session_state.pop("mod-imp-preview", None)
            st.rerun()


# ---- moderation queue --------------------------------------------------------------------
def _moderation_tab(cid: int, statements, w: Words) -> None:
    queue = [s for s in statements if s.moderation is ModerationStatus.NEEDS_REVIEW]
    removed = [s for s in statements if s.moderation is ModerationStatus.REJECTED]
    if not queue:
        st.success(w("queue.empty"))
    else:
        st.write(w("queue.intro", n=len(queue)))
    for s in queue:
        with st.container(border=True):
            quote(s.text, prefix=f"#{esc(s.external_id)}")
            st.caption(w("queue.flagged_because", reason=esc(retell_list(s.moderation_reason, w.lang) or w("queue.no_reason"))))
            reason = st.text_input(w("queue.note"), key=f"mod-q-note-{s.external_id}")
            # the decision as the store keeps it stays English (the moderation log, the report's source)
            choices = [("accept", "accepted", ModerationStatus.ACCEPTED),
                       ("reject", "rejected", ModerationStatus.REJECTED)]
            for col, (label, verb, status) in zip(st.columns(2), choices):
                if col.button(w(f"queue.{label}"), key=f"mod-q-{label}-{s.external_id}", width="stretch"):
                    with act(w, w(f"queue.{label}ing")):
                        require_moderator(cid)
                        moderate_statement(cid, s.external_id, status, said(
                            f"held.{verb}_note" if reason else f"held.{verb}", moderator_note=reason,
                            reasons=s.moderation_reason))
                        st.rerun()
    if removed:
        with st.expander(w("queue.removed", n=len(removed))):
            for s in removed:
                quote(s.text, prefix=f"#{esc(s.external_id)}")
                st.caption(w("queue.reason", reason=esc(retell_list(s.moderation_reason, w.lang) or w("queue.moderated_out"))))
                if not s.has_text:  # nothing to show participants: its reason says why
                    continue
                if st.button(w("queue.restore"), key=f"mod-q-restore-{s.external_id}"):
                    with act(w, w("queue.restoring")):
                        require_moderator(cid)
                        moderate_statement(cid, s.external_id, ModerationStatus.ACCEPTED, said("held.restored"))
                        st.rerun()


# ---- the facilitation graph --------------------------------------------------------------
def moderate_statement(cid: int, statement: str, status: ModerationStatus, reason: str) -> None:
    """Moderator decision in the store and in the vector index (so duplicate previews follow it)."""
    set_moderation(settings(), cid, statement, status, reason)


def _facilitation_tab(cid: int, c, w: Words) -> bool:
    """The run's controls and the review; True when they hold a fragment with buttons (review
    cards, a running run's), beside which the console's timer does not run (ui/console_live.py)."""
    gs = graph_status(cid)
    waiting = gs.waiting or {}
    kind = waiting.get("type")
    if run_console.run_in_progress(cid):
        run_console.running_run(cid)
        return True
    if not gs.values:
        st.write(w("run.intro"))
        run_console.unstarted_run(cid)
    elif kind == "review":
        st.info(w("run.waits_for_review"))
    elif kind == "voting":
        st.info(w("run.published", tab=w("console.tab_voting")))
    elif gs.finished:
        st.success(w("run.finished", page=w("nav.report")))
    elif gs.next:
        run_console.stopped_run(cid, c, gs)
    if kind == "review":
        review(cid, gs)
    # A fresh start is offered before a run, while drafts wait for review, and after a run finished.
    can_start = not gs.values or kind == "review" or gs.finished
    if can_start:
        box = st.container() if not gs.values else st.expander(w("run.new_run"), expanded=False)
        with box:
            options = run_console.options_form(c, boxed=not gs.values, last_run=gs.values.get("config"))
            label = w("run.start") if not gs.values else w("run.start_again")
            confirm = True
            if kind == "review":
                confirm = st.checkbox(w("run.discard_review"), key="mod-run-confirm")
            if st.button(label, type="primary" if not gs.values else "secondary", key="mod-run-start",
                         disabled=not confirm):
                run_console.start_run(cid, options)
    if gs.values.get("log"):
        with st.expander(w("run.log")):
            st.text("\n".join(log_lines(gs.values["log"], w, gs.values)))
    return kind == "review"


def _open_where_the_graph_waits(cid: int, w: Words) -> None:
    """A console opened anew (signed in, or reloaded mid-review) opens on the tab with the
    moderator's next step: Facilitation while a run goes on, stopped or waits for the review,
    Voting while the drafts are published (the submitted review's run: the Voting tab shows it in
    progress, then the vote; a reload then opened on Facilitation, where the moderator had to
    find the Voting tab once it ended) and put to the vote. It opened on Import, where the review
    a reload interrupted was nowhere to be seen."""
    gs = graph_status(cid, quiet=True)
    kind = (gs.waiting or {}).get("type")
    if kind == "voting" or run_console.publishing(cid, gs):
        switch_tab(run_console.CONSOLE_TABS, w("console.tab_voting"))
    elif kind == "review" or run_console.run_in_progress(cid) or (gs.next and not gs.finished):
        switch_tab(run_console.CONSOLE_TABS, w("console.tab_facilitation"))
    else:
        st.session_state[f"{run_console.CONSOLE_TABS}:switches"] = 0  # Import, once per session


#: The console's tabs by message id, in order.
TABS = ("console.tab_import", "console.tab_queue", "console.tab_facilitation", "console.tab_voting")
#: Session key of the language the console's tabs were last drawn in.
_TABS_LANGUAGE = "mod-tab-lang"


def _tabs(cid: int, w: Words):
    """The console's tabs in its language. A new language (the moderator's choice, or the room's
    changed) makes new tabs open on the tab that was open: the browser sends the open tab's label,
    which the tabs in another language do not have."""
    key, ss = run_console.CONSOLE_TABS, st.session_state
    if f"{key}:switches" not in ss:  # a sign-in or a reload
        _open_where_the_graph_waits(cid, w)
    before = ss.get(_TABS_LANGUAGE)
    if before is not None and before != w.lang:
        switches = ss.get(f"{key}:switches", 0)
        label = ss.get(key if not switches else f"{key}-{switches}") or ss.get(f"{key}:open")
        old = [Words(before)(t) for t in TABS]
        switch_tab(key, w(TABS[old.index(label)] if label in old else TABS[0]))
    ss[_TABS_LANGUAGE] = w.lang
    return switchable_tabs([w(t) for t in TABS], key)


def main() -> None:
    flash = st.session_state.pop("mod-flash", None)
    cid = _current_cid()
    try:
        if cid is not None:
            require_moderator(cid)
            c = store().get_consultation(cid)
    except Exception:  # noqa: BLE001 - secret no longer valid (or consultation gone): sign in again
        _sign_out()
        cid = None
    if cid is None:
        st.session_state[CONSOLE_LANGUAGE_KEY] = page_words(find_consultation(st.query_params.get("code", ""))).lang
        _sign_in_form()
        return
    # the sign-in's token back in the address (reached by the sidebar, whose links carry none, a reload
    # or a server restart showed the sign-in form)
    if st.query_params.get(MODERATOR_SESSION_PARAM) != moderator_token(cid):
        st.query_params[MODERATOR_SESSION_PARAM] = moderator_token(cid)
    st.session_state[CONSOLE_LANGUAGE_KEY] = page_words(c).lang
    w = console_words()
    statements, notice = _overview(cid, c, w)
    if flash:
        getattr(st, flash[0])(esc(flash[1]))
    tabs = _tabs(cid, w)
    sections = [("console.showing_import", lambda: _import_tab(cid, c, w)),
                ("console.showing_queue", lambda: _moderation_tab(cid, statements, w)),
                ("console.showing_run", lambda: _facilitation_tab(cid, c, w)),
                ("console.showing_vote", lambda: run_console.voting_tab(cid, w))]
    buttons_in_fragments = False
    for tab, (what, show) in zip(tabs, sections):
        if tab.open is False:  # only the open tab runs (None = tabs without state: run all)
            continue
        with tab, act(w, w(what)):
            buttons_in_fragments = show() is True or buttons_in_fragments
    if not buttons_in_fragments:
        with notice:
            console_live.live_notice()


with act(console_words(), console_words()("console.showing")):
    main()
