"""Moderator console: create or open a consultation (secret required), choose the room's language
(ui/room_language.py), import statements, add the moderator's seed statements (ui/seed_form.py),
work the moderation queue, run the facilitation graph, review drafts (ui/review_cards.py), open and
close voting."""

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
from deliberation.wording import inflect, plural
from ui.common import (
    MODERATOR_SESSION_PARAM,
    action,
    code,
    esc,
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
from ui import room_language, run_console
from ui.review_cards import review
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


def _sign_in_form() -> None:
    st.title("Moderator console")
    st.write("Open a consultation with its moderator secret, or create a new one.")
    open_tab, create_tab = st.tabs(["Open a consultation", "Create a consultation"])
    with open_tab, st.form("mod-open"):
        ref = st.text_input("Consultation code (or number)", key="mod-open-ref", value=st.query_params.get("code", ""))
        secret = st.text_input("Moderator secret", type="password", key="mod-open-secret")
        if st.form_submit_button("Open", type="primary"):
            with action("Signing in"):
                c = store().get_consultation((ref or "").strip())
                _remember(c.id, sign_in(c.id, secret))
                st.rerun()
    with create_tab, st.form("mod-create"):
        question = st.text_area("Question put to participants", key="mod-new-question", max_chars=500)
        description = st.text_area("Description (optional)", key="mod-new-description", max_chars=2000)
        drafter = st.selectbox("Drafter", ["extractive", "llm"], key="mod-new-drafter",
                               help="extractive: quotes participants' own statements (offline). "
                                    "llm: writes with a language model you name below.")
        model = st.text_input("LLM model (for the llm drafter)", key="mod-new-model")
        base_url = st.text_input("LLM server address (OpenAI-compatible, optional)", key="mod-new-base-url")
        secret = st.text_input("Moderator secret (leave empty to generate one)", type="password",
                               key="mod-new-secret")
        if st.form_submit_button("Create consultation", type="primary"):
            with action("Creating the consultation"):
                check_chosen_secret(secret)
                c, new_secret = store().create_consultation(
                    question, description=description,
                    settings={"drafter": drafter, "model": model or None, "base_url": base_url or None},
                    secret=secret or None)
                _remember(c.id, sign_in(c.id, new_secret))
                st.session_state["mod-created"] = {"cid": c.id, "code": c.code, "secret": new_secret}
                st.rerun()


def _sign_out() -> None:
    cid = st.session_state.pop("mod-cid", None)
    if cid is not None:
        sign_out(int(cid))
    st.session_state.pop("mod-created", None)


# ---- overview ----------------------------------------------------------------------------
def _overview(cid: int):
    c = store().get_consultation(cid)
    st.title("Moderator console")
    st.subheader(esc(c.question), anchor=False)
    if c.description:
        with st.expander("Description"):
            quote(c.description)
    created = st.session_state.get("mod-created")
    if created and created["cid"] == cid:
        with st.container(border=True):
            st.success(f"Consultation created. Participants join with the code **{c.code}**. "
                       "Keep the moderator secret: it is shown only now.")
            st.code(created["secret"], language=None)
            st.button("I have noted the secret", key="mod-noted", on_click=lambda: st.session_state.pop("mod-created"))
    counts = store().counts(cid)
    statements = store().statements(cid)
    queue = [s for s in statements if s.moderation is ModerationStatus.NEEDS_REVIEW]
    cols = st.columns(4)
    cols[0].metric("Join code", c.code)
    rejected = sum(s.moderation is ModerationStatus.REJECTED and not s.is_draft for s in statements)
    # counted as the board and the report count them (what participants see); the others named below
    cols[1].metric("Statements", sum(s.is_public for s in statements))
    # who voted or wrote a statement, as the live board counts them (counts() counts voters only:
    # a room whose six had written and not yet voted showed 0 here and 6 on the board)
    cols[2].metric("Participants", store().participant_count(cid))
    cols[3].metric("Votes", counts["votes"])
    st.caption(f"Participants open the app's “Take part” page and enter {c.code} "
               f"(or use the address …/participate?code={c.code}). Statements participants see: "
               f"{sum(s.is_public for s in statements)}; in the moderation queue: {len(queue)}; "
               f"rejected: {rejected}.")
    room_language.language_setting(cid, c)
    st.button("Sign out", key="mod-sign-out", on_click=_sign_out)
    return c, statements


# ---- import ------------------------------------------------------------------------------
def _save_uploads(cid: int, files, sub: str) -> Path:
    """Save uploaded files under <data dir>/uploads/<cid>/<sub>/ with sanitised names only."""
    return save_uploads(settings().data_dir, cid, files, sub)


def _read_bundle(kind: str, path: Path, votes_path: Path | None, question: str):
    if kind == "polis":
        return read_polis_export(path)
    if path.is_dir():
        raise InputError("is a folder: choose “Polis export folder” for a folder, or name a .csv or .jsonl file",
                         path)
    if path.suffix.lower().lstrip(".") not in UPLOAD_SUFFIXES:
        raise InputError(f"is not a file the statements import reads (.{', .'.join(UPLOAD_SUFFIXES)})", path)
    if not path.exists():
        raise InputError("file not found", path)
    return read_statements_file(path, votes_path=votes_path, question=question)


def _import_tab(cid: int, c) -> None:
    st.write("Import statements (and votes) into this consultation: a statements file (CSV or JSON Lines, "
             "with a `text` column) or a Polis export (`comments.csv` with `votes.csv` or "
             "`participants-votes.csv`). You see a preview first; nothing is stored until you import.")
    kind = st.radio("What to import", ["statements", "polis"], horizontal=True, key="mod-imp-kind",
                    format_func=lambda k: {"statements": "Statements file (CSV / JSON Lines)",
                                           "polis": "Polis export"}[k])
    how = st.radio("From", ["path", "upload"], horizontal=True, key="mod-imp-how",
                   format_func=lambda k: {"path": "A path on this server", "upload": "Upload files"}[k])
    votes_path = None
    if how == "path":
        label = "Folder of the Polis export" if kind == "polis" else "Statements file (.csv or .jsonl)"
        raw = st.text_input(label, key="mod-imp-path", placeholder="/path/to/export")
        if kind == "statements":
            vp = st.text_input("Votes CSV (optional: participant, statement, vote)", key="mod-imp-votes")
            votes_path = Path(vp.strip()).expanduser() if vp.strip() else None
        go = st.button("Preview", key="mod-imp-preview-path")
        if go:
            with action("Reading the import"):
                require_moderator(cid)
                if not raw.strip():
                    raise InputError("enter a path first")
                path = Path(raw.strip()).expanduser()
                _preview(kind, path, votes_path, c)
    else:
        if kind == "polis":
            files = st.file_uploader("Polis export files (comments.csv, votes.csv or participants-votes.csv, "
                                     "summary.csv), or the export's .zip as Polis downloads it",
                                     type=[*UPLOAD_SUFFIXES, "zip"], accept_multiple_files=True, key="mod-imp-files")
        else:
            one = st.file_uploader("Statements file", type=UPLOAD_SUFFIXES, key="mod-imp-file")
            votes = st.file_uploader("Votes CSV (optional)", type=["csv", "tsv", "txt"], key="mod-imp-votefile")
            files = [f for f in (one,) if f]
        go = st.button("Preview", key="mod-imp-preview-upload")
        if go:
            with action("Reading the upload"):
                require_moderator(cid)
                if not files:
                    raise InputError("choose the file(s) to upload first")
                # one folder per preview: two moderators uploading in the same second never share one
                sub = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(4)
                try:
                    if kind == "polis":
                        _preview(kind, polis_upload(settings().data_dir, cid, files, sub), None, c)
                    else:
                        # the votes file in a folder of its own: same-named files cannot overwrite each other
                        folder = _save_uploads(cid, files, sub)
                        votes_folder = _save_uploads(cid, [votes], sub + "-votes") if votes else None
                        _preview(kind, folder / safe_name(files[0].name),
                                 votes_folder / safe_name(votes.name) if votes else None, c)
                except InputError as e:
                    raise named_as_uploaded(e) from None
    prev = st.session_state.get("mod-imp-preview")
    if prev and prev["cid"] == cid:
        _show_preview(cid, prev)
    st.divider()
    seed_section(cid)


def _preview(kind: str, path: Path, votes_path: Path | None, c) -> None:
    with st.spinner("Reading and checking the statements…"):
        bundle = _read_bundle(kind, path, votes_path, c.question)
        _check_new_ids(bundle, c.id)
        checked = intake(list(bundle.statements))
    rows = pd.DataFrame({
        "id": [s.external_id for s in checked],
        "statement (as it will be stored)": [s.text for s in checked],
        "status": [s.moderation.value for s in checked],
        "why flagged": [s.moderation_reason for s in checked],
    })
    st.session_state["mod-imp-preview"] = {"cid": c.id, "bundle": bundle, "rows": rows, "path": str(path),
                                           "summary": bundle.summary(),
                                           "flagged": int(sum(s.moderation is ModerationStatus.NEEDS_REVIEW
                                                              for s in checked))}


def _check_new_ids(bundle, cid: int) -> None:
    """Refuse at the preview what the import would refuse after it: statement ids of the file that
    this consultation already holds (a Polis export into a consultation with statements: the preview
    showed it, "Import" then failed with "statement id '0' is already stored")."""
    existing = {s.external_id for s in store().statements(cid)}
    try:
        new_statement_ids(bundle, list(bundle.statements), existing)
    except InputError as e:
        raise InputError(f"{e.problem}; import it into a new consultation (Create a consultation) or give "
                         "its statements other ids", e.source) from None


def _show_preview(cid: int, prev: dict) -> None:
    s = prev["summary"]
    with st.container(border=True):
        st.markdown("**Preview of** " + code(prev['path']))
        st.write(f"{s['statements']} statements ({s['moderated_out']} moderated out in the source), "
                 f"{s['participants']} participants, {s['votes']} votes ({s['vote_events']} vote events). "
                 f"{prev['flagged']} statements will wait in the moderation queue; personal data is redacted.")
        for note in prev["bundle"].notes:  # rows kept as moderated out or skipped, one line per kind
            st.caption(esc(note))
        st.dataframe(prev["rows"], hide_index=True, height=240)
        c1, c2 = st.columns(2)
        if c1.button("Import into this consultation", type="primary", key="mod-imp-go"):
            with action("Importing"):
                require_moderator(cid)
                with st.status("Importing: moderation, storage and embeddings…", expanded=True) as box:
                    box.write(f"Storing {s['statements']} statements and {s['votes']} votes in one transaction…")
                    rep = import_bundle(settings(), prev["bundle"], consultation_id=cid)
                    box.update(label="Import finished", state="complete")
                st.session_state.pop("mod-imp-preview", None)
                st.session_state["mod-flash"] = (
                    "success", f"Imported {rep.statements} statements, {rep.participants} participants and "
                               f"{rep.votes} votes; {rep.flagged} statements wait in the moderation queue.")
                st.rerun()
        if c2.button("Discard preview", key="mod-imp-discard"):
            st.session_state.pop("mod-imp-preview", None)
            st.rerun()


# ---- moderation queue --------------------------------------------------------------------
def _moderation_tab(cid: int, statements) -> None:
    queue = [s for s in statements if s.moderation is ModerationStatus.NEEDS_REVIEW]
    removed = [s for s in statements if s.moderation is ModerationStatus.REJECTED]
    if not queue:
        st.success("The moderation queue is empty.")
    else:
        st.write(f"{plural(len(queue), 'statement')} {inflect(len(queue), 'was', 'were')} flagged at intake. "
                 f"{inflect(len(queue), 'It is', 'They are')} not shown to participants and not "
                 f"drafted from until you accept {inflect(len(queue), 'it', 'them')}. Personal data has already been removed.")
    for s in queue:
        with st.container(border=True):
            quote(s.text, prefix=f"#{esc(s.external_id)}")
            st.caption("Flagged because: " + esc(s.moderation_reason or "no reason given"))
            reason = st.text_input("Note (optional)", key=f"mod-q-note-{s.external_id}")
            choices = [("Accept", "accepted", "Accepting", ModerationStatus.ACCEPTED),
                       ("Reject", "rejected", "Rejecting", ModerationStatus.REJECTED)]
            for col, (label, verb, doing, status) in zip(st.columns(2), choices):
                if col.button(label, key=f"mod-q-{label.lower()}-{s.external_id}", width="stretch"):
                    with action(f"{doing} the statement"):
                        require_moderator(cid)
                        moderate_statement(cid, s.external_id, status,
                                           f"{verb} by the moderator{': ' + reason if reason else ''} "
                                           f"(flagged: {s.moderation_reason})")
                        st.rerun()
    if removed:
        with st.expander(f"Moderated out ({len(removed)})"):
            for s in removed:
                quote(s.text, prefix=f"#{esc(s.external_id)}")
                st.caption("Reason: " + esc(s.moderation_reason or "moderated out"))
                if st.button("Restore", key=f"mod-q-restore-{s.external_id}"):
                    with action("Restoring the statement"):
                        require_moderator(cid)
                        moderate_statement(cid, s.external_id, ModerationStatus.ACCEPTED,
                                               "restored by the moderator")
                        st.rerun()


# ---- the facilitation graph --------------------------------------------------------------
def moderate_statement(cid: int, statement: str, status: ModerationStatus, reason: str) -> None:
    """Moderator decision in the store and in the vector index (so duplicate previews follow it)."""
    set_moderation(settings(), cid, statement, status, reason)


def _facilitation_tab(cid: int, c) -> None:
    gs = graph_status(cid)
    waiting = gs.waiting or {}
    kind = waiting.get("type")
    if run_console.run_in_progress(cid):
        run_console.running_run(cid)
        return
    if not gs.values:
        st.write("The facilitation graph moderates the intake, analyses topics and opinion groups, drafts "
                 "consensus and minority statements citing participants' statements, checks each sentence "
                 "against its sources, audits that every group is heard, and then waits for your review.")
        run_console.unstarted_run(cid)
    elif kind == "review":
        st.info("The graph waits for your review of the drafts below.")
    elif kind == "voting":
        st.info("Drafts are published. Open and close voting in the Voting tab.")
    elif gs.finished:
        st.success("The facilitation run is finished. The report is on the Report page.")
    elif gs.next:
        run_console.stopped_run(cid, c, gs)
    if kind == "review":
        review(cid, gs)
    # A fresh start is offered before a run, while drafts wait for review, and after a run finished.
    can_start = not gs.values or kind == "review" or gs.finished
    if can_start:
        box = st.container() if not gs.values else st.expander("Start a new run", expanded=False)
        with box:
            options = run_console.options_form(c, boxed=not gs.values)
            label = ("Run the facilitation graph" if not gs.values
                     else "Start a new run with the current statements and votes")
            confirm = True
            if kind == "review":
                confirm = st.checkbox("Discard the drafts waiting for review and start over", key="mod-run-confirm")
            if st.button(label, type="primary" if not gs.values else "secondary", key="mod-run-start",
                         disabled=not confirm):
                run_console.start_run(cid, options)
    if gs.values.get("log"):
        with st.expander("Run log"):
            st.text("\n".join(gs.values["log"]))


def _open_where_the_graph_waits(cid: int) -> None:
    """A console opened anew (signed in, or reloaded mid-review) opens on the tab with the
    moderator's next step: Facilitation while a run goes on, stopped or waits for the review,
    Voting while the drafts are put to the vote. It opened on Import, where the review a reload
    interrupted was nowhere to be seen."""
    gs = graph_status(cid, quiet=True)
    kind = (gs.waiting or {}).get("type")
    if kind == "voting":
        switch_tab(run_console.CONSOLE_TABS, "Voting")
    elif kind == "review" or run_console.run_in_progress(cid) or (gs.next and not gs.finished):
        switch_tab(run_console.CONSOLE_TABS, "Facilitation")
    else:
        st.session_state[f"{run_console.CONSOLE_TABS}:switches"] = 0  # Import, once per session


def main() -> None:
    flash = st.session_state.pop("mod-flash", None)
    cid = _current_cid()
    if cid is None:
        _sign_in_form()
        return
    try:
        require_moderator(cid)
    except Exception:  # noqa: BLE001 - secret no longer valid (or consultation gone): sign in again
        _sign_out()
        _sign_in_form()
        return
    c, statements = _overview(cid)
    if flash:
        getattr(st, flash[0])(esc(flash[1]))
    labels = ["Import", "Moderation queue", "Facilitation", "Voting"]
    if f"{run_console.CONSOLE_TABS}:switches" not in st.session_state:  # a sign-in or a reload
        _open_where_the_graph_waits(cid)
    tabs = switchable_tabs(labels, run_console.CONSOLE_TABS)
    sections = [("Showing the import", lambda: _import_tab(cid, c)),
                ("Showing the moderation queue", lambda: _moderation_tab(cid, statements)),
                ("Showing the facilitation run", lambda: _facilitation_tab(cid, c)),
                ("Showing the vote", lambda: run_console.voting_tab(cid))]
    for tab, (what, show) in zip(tabs, sections):
        if tab.open is False:  # only the open tab runs (None = tabs without state: run all)
            continue
        with tab, action(what):
            show()


with action("Showing the moderator console"):
    main()
