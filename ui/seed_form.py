"""The moderator console's seed form: the moderator's own statements (Polis's seed comments), typed
one per line before participants arrive, so the first to come have something to vote on.

Each line is checked as a participant's statement is (:mod:`deliberation.seeds`); a line that
fails is named with its problem, the typed text stays in the box, and nothing is stored until every
line passes. Stored seeds are shown to participants like any statement. ``deliberation seed`` does
the same from a terminal.
"""

from __future__ import annotations

import streamlit as st

from deliberation.errors import DeliberationError, LineErrors, in_words
from deliberation.models import TYPED_STATEMENT_MAX_CHARS
from deliberation.seeds import add_seeds, seed_lines
from deliberation.wording import listing
from deliberation.words import retell_list
from ui.common import embedder, esc, index, log, require_moderator, store, unexpected_in
from ui.i18n import DEFAULT_LANGUAGE, console_words

#: session keys of the form's text and of its last outcome (kind, message, bad lines)
TEXT_KEY, OUTCOME_KEY = "mod-seed-text", "mod-seed-outcome"


def _add(cid: int) -> None:
    """The button's callback (it runs before the page is drawn again, so it may empty the box)."""
    lines, w = seed_lines(st.session_state.get(TEXT_KEY, "")), console_words()
    try:
        require_moderator(cid)
        if not lines:
            raise DeliberationError(w("seeds.none"))
        added = add_seeds(store(), cid, lines, index=_index(cid), embedder=_embedder(cid))
    except LineErrors as e:
        st.session_state[OUTCOME_KEY] = ("error", w("seeds.refused"),
                                         [w("seeds.line", n=n, problem=retell_list(problem, w.lang))
                                          for n, problem in e.problems])
        return
    except DeliberationError as e:
        st.session_state[OUTCOME_KEY] = ("error", in_words(e, w.lang), [])
        return
    except Exception as e:  # noqa: BLE001 - shown in words, logged with its trace
        log.exception("adding seed statements failed")
        st.session_state[OUTCOME_KEY] = ("error", w("seeds.failed", reason=unexpected_in(e, w)), [])
        return
    st.session_state[TEXT_KEY] = ""
    ids = listing([s.external_id for s in added]) if w.lang == DEFAULT_LANGUAGE else ", ".join(s.external_id for s in added)
    st.session_state[OUTCOME_KEY] = ("success", w("seeds.added", n=len(added), ids=ids), [])


def _index(cid: int):
    """The consultation's vector collection for the participants' similar-statements check, or None
    when it cannot be opened now (the run indexes the seeds then)."""
    try:
        return index(cid)
    except Exception:  # noqa: BLE001 - best effort, see add_seeds
        log.exception("the vector index could not be opened for the seed statements")
        return None


def _embedder(cid: int):
    try:
        return embedder(cid, console_words())
    except Exception:  # noqa: BLE001 - best effort, see add_seeds
        log.exception("the embedding model could not be loaded for the seed statements")
        return None


def seed_section(cid: int) -> None:
    """The form: a box for the statements, one per line, the button, and the last outcome."""
    w = console_words()
    st.markdown("#### " + w("seeds.title"))
    st.write(w("seeds.intro", limit=TYPED_STATEMENT_MAX_CHARS))
    st.text_area(w("seeds.label"), key=TEXT_KEY, height=140)
    st.button(w("seeds.add"), key="mod-seed-add", on_click=_add, args=(cid,))
    outcome = st.session_state.pop(OUTCOME_KEY, None)  # said once, after the press
    if not outcome:
        return
    kind, message, lines = outcome
    getattr(st, kind)(esc(message) + "".join(f"\n- {esc(line)}" for line in lines))
