"""How the pages look where Streamlit's theme cannot say it: the vote colours, the coloured vote
buttons, the projector screen and the live pages' refresh. The CSS here is static and ours; no
statement text goes into it.

Vote colours: agree and disagree come from ColorBrewer's PRGn diverging scheme (green / purple),
which stays distinguishable under the common colour-vision deficiencies (unlike green / red), and
each button also carries a word and an icon. White text on each colour has a contrast ratio above
4.5:1 (WCAG 2.1 AA for normal text).
"""

from __future__ import annotations

import streamlit as st

#: agree / disagree / pass: ColorBrewer PRGn dark green and dark purple, and a neutral grey.
VOTE_COLOURS = {"agree": "#1b7837", "disagree": "#762a83", "pass": "#6b6b6b"}
#: The same colours as an Altair scale, for the vote bars of the board, the projector and the report.
VOTE_DOMAIN = ["agree", "disagree", "pass"]

#: How faint the Agree and Disagree buttons are while Streamlit has disabled them (no connection to the
#: server: a press is not sent). Coloured as ever, they looked pressable while the server was down, and a
#: press made then was lost without a word (a hand-run room); the Pass button already looked disabled.
OFFLINE_OPACITY = 0.35
#: Where the offline note stays while the page scrolls: just under Streamlit's header (stHeader, 3.75rem
#: high in Streamlit 1.67, drawn over the page). Drawn above the tabs, the note scrolled out of view, and a
#: participant down at a statement's buttons on a phone (where a press is not sent) did not see it. The
#: note's wrapper (stLayoutWrapper) sticks: the note's own parent is no taller than the note.
OFFLINE_NOTE_TOP = "3.75rem"
#: The key of the container of ui.participant_actions.offline_note, which the style below shows only while the
#: vote buttons are disabled (here, beside that style: this module imports nothing of the app's)
OFFLINE_NOTE = "offline-note"

#: ms a new set of vote buttons ignores the pointer after it appears (their arming time). In a room run for
#: real, two taps at one spot 200 ms apart on "Agree" stored agree on the statement read AND "pass" on the
#: next one, never seen: the first tap's "Vote stored" pushed the next statement's buttons under the finger.
#: Half a second, the common double-click time (Windows' default): a tap meant for the statement read
#: comes within it, and nobody reads a new statement and presses in less. Pointer only: a key press
#: (Tab, Enter) is deliberate and works at once. Streamlit draws a new statement's buttons anew (each
#: button's key names its item), so each new set waits again; so does a set drawn when the page loads.
VOTE_ARMING_MS = 500

_BUTTONS = """
<style>
@keyframes vote-arming {from, to {pointer-events: none;}}
div[class*="st-key-agree-"] button, div[class*="st-key-disagree-"] button, div[class*="st-key-pass-"] button {
    animation: vote-arming %(arming_ms)dms step-end;}
div[class*="st-key-agree-"] button, div[class*="st-key-agree-"] button:hover,
div[class*="st-key-agree-"] button:focus, div[class*="st-key-agree-"] button:active {
    background-color: %(agree)s !important; border-color: %(agree)s !important; color: #fff !important;}
div[class*="st-key-disagree-"] button, div[class*="st-key-disagree-"] button:hover,
div[class*="st-key-disagree-"] button:focus, div[class*="st-key-disagree-"] button:active {
    background-color: %(disagree)s !important; border-color: %(disagree)s !important; color: #fff !important;}
div[class*="st-key-agree-"] button:hover, div[class*="st-key-disagree-"] button:hover {filter: brightness(1.2);}
div[class*="st-key-agree-"] button p, div[class*="st-key-disagree-"] button p {color: #fff !important;}
div[class*="st-key-agree-"] button:disabled, div[class*="st-key-disagree-"] button:disabled {
    opacity: %(offline_opacity)s; cursor: not-allowed; filter: none;}
div.st-key-%(note)s {display: none;}
body:has(div[class*="st-key-agree-"] button:disabled) div.st-key-%(note)s {display: block;
    backdrop-filter: blur(8px); border-radius: 0.5rem;}
div[data-testid="stLayoutWrapper"]:has(> div.st-key-%(note)s) {position: sticky; top: %(note_top)s; z-index: 2;}
</style>
""" % {**VOTE_COLOURS, "offline_opacity": OFFLINE_OPACITY, "note": OFFLINE_NOTE, "note_top": OFFLINE_NOTE_TOP,
    "arming_ms": VOTE_ARMING_MS}

#: The projector view: no header, toolbar or sidebar, little padding, large type, nothing to scroll.
_PROJECTOR = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], footer {display: none !important;}
.block-container, [data-testid="stMainBlockContainer"] {padding: 1.2rem 2.2rem 0 2.2rem !important;
    max-width: 100% !important;}
[data-testid="stMain"], [data-testid="stAppViewContainer"] {overflow: hidden !important;}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {font-size: 1.35rem;}
[data-testid="stCaptionContainer"] p {font-size: 1.05rem;}
.st-key-projector-question h1 {font-size: 2.6rem; line-height: 1.15; padding: 0;}
.st-key-projector-join p {font-size: 1.5rem; margin-bottom: 0.2rem;}
.st-key-projector-join p strong {font-size: 1.55rem; overflow-wrap: anywhere;}
.st-key-projector-code h2 {font-size: 3.6rem; letter-spacing: 0.1em; padding: 0.2rem 0;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {font-size: 2.6rem !important;}
[data-testid="stMetricLabel"] p {font-size: 1.2rem;}
</style>
"""

#: The live board and the projector redraw themselves every few seconds (ui/views/board.py's fragment),
#: and Streamlit fades what a run redraws to a third of its opacity once that run takes over 0.5 s
#: (``opacity 1s ease-in 0.5s`` on the stale elements): with a room of 2,000 on a busy server the
#: projector's map and drafts faded at almost every refresh, before the whole room. Nothing on these
#: pages takes input, so what they show stays whole until the refresh replaces it.
_LIVE = """
<style>
[data-testid="stElementContainer"][data-stale="true"] {opacity: 1 !important; transition: none !important;}
</style>
"""

#: The report's Markdown tables (the coverage audit's five columns: audience, participants, share,
#: drafts, status) on a phone: a table was as wide as its longest words, 449 px on a 390 px screen, so
#: it pushed the page sideways and cut off its last column. Now a table is never wider than the page:
#: its cells are closer on a narrow screen, and what still does not fit scrolls inside the table (a
#: thin scrollbar under it), the page staying put; only a word longer than its column is broken.
_TABLES = """
<style>
[data-testid="stMarkdownContainer"] table {display: block; max-width: 100%; overflow-x: auto;
    scrollbar-width: thin;}
[data-testid="stMarkdownContainer"] table::-webkit-scrollbar {height: 6px;}
[data-testid="stMarkdownContainer"] table::-webkit-scrollbar-thumb {background: #999; border-radius: 3px;}
[data-testid="stMarkdownContainer"] td {overflow-wrap: break-word;}
@media (max-width: 640px) {
  [data-testid="stMarkdownContainer"] th, [data-testid="stMarkdownContainer"] td {padding: 0.3rem 0.4rem;}
}
</style>
"""


def vote_button_style() -> None:
    """Colour the Agree and Disagree buttons (containers keyed ``agree-…`` / ``disagree-…``); while
    Streamlit has disabled them (the connection to the server is lost) they look disabled, and the page's
    one note (ui.participant_actions.offline_note, keyed :data:`OFFLINE_NOTE`, hidden otherwise) says a press
    is not recorded, in view wherever the page is scrolled (:data:`OFFLINE_NOTE_TOP`; blurred behind, as
    the warning's own colour is translucent). A new set of vote buttons takes no tap or click for
    :data:`VOTE_ARMING_MS` (a double tap cannot vote on the next statement, unread)."""
    st.html(_BUTTONS)


def projector_style() -> None:
    st.html(_PROJECTOR)


def live_style() -> None:
    """The live board and the projector do not fade while they refresh (:data:`_LIVE`)."""
    st.html(_LIVE)


def table_style() -> None:
    """The report's tables fit the page's width (:data:`_TABLES`)."""
    st.html(_TABLES)
