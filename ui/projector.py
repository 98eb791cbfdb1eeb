"""The projector view of the live board (``/board?code=CODE&view=projector``): one 1920x1080
screen with nothing to scroll and no input widget. Left: the join address as a QR code and in large
type, the code, the counts. Middle: the opinion map, readable with 6 people or 2,000. Right: the
drafts put to the vote (or the common ground so far), clipped to fit.

The join address is the participant page under the address the browser used to open this view
(``st.context.url``), or ``$DELIBERATION_PUBLIC_URL`` when the app sits behind a proxy whose
public name the browser on the projector does not use.
"""

from __future__ import annotations

import io
import os
from urllib.parse import urlsplit

import segno
import streamlit as st

from deliberation.config import PUBLIC_URL_ENV
from ui.common import esc
from ui.i18n import ballot_text, draft_heading
from ui.look import projector_style
from ui.opinion_map import group_label, map_chart, no_map_reason, totals, vote_bars

#: Page path of the participant page (ui/app.py).
PARTICIPATE_PATH = "participate"
#: Drafts or statements shown at once, and the characters kept of each text.
SHOWN_ITEMS = 3
CLIP_CHARS = 230
#: Longest draft heading shown (a topic's draft is named by its label: "Where opinions split on the topic “…”")
TITLE_CHARS = 70
#: Height of the opinion map on the projector (px): with the title row it fills a 1080 px screen.
MAP_HEIGHT = 800


def join_url(code: str) -> str:
    """The address participants open to join, with the code filled in."""
    base = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if not base:
        try:
            parts = urlsplit(st.context.url or "")
        except Exception:  # noqa: BLE001 - no browser context (tests): a relative address
            parts = urlsplit("")
        path = parts.path.rstrip("/")
        path = path.rsplit("/", 1)[0] if path.rsplit("/", 1)[-1] in {"board", "start", ""} else path
        base = f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else ""
    return f"{base}/{PARTICIPATE_PATH}?code={code}"


@st.cache_data(max_entries=32, show_spinner=False)
def qr_png(text: str) -> bytes:
    """A QR code (segno, error correction M) as PNG bytes, made offline."""
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=12, border=2)
    return buf.getvalue()


def clip(text: str, limit: int = CLIP_CHARS) -> str:
    """At most ``limit`` characters, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _join(r: dict) -> None:
    c, votes, w = r["c"], r["votes"], r["w"]
    with st.container(key="projector-join"):
        url = join_url(c.code)
        st.image(qr_png(url), width=330)
        st.markdown(w("board.join_phone"))
        host, _, rest = url.split("://", 1)[-1].partition("/")
        st.markdown(f"**{esc(host)}**  \n**/{esc(rest)}**")
        st.markdown(w("board.with_code"))
    with st.container(key="projector-code"):
        st.header(esc(c.code), anchor=False)
    a, b = st.columns(2)
    a.metric(w("board.participants"), r["participants"])
    b.metric(w("board.votes"), len(votes))
    a.metric(w("board.voted"), r["voters"])
    b.metric(w("board.statements"), len(r["shown"]))


def _map(r: dict) -> None:
    a, w = r["analysis"], r["w"]
    st.markdown(f"#### {w('board.map')}")
    if a.get("projection"):
        st.altair_chart(map_chart(a, height=MAP_HEIGHT, font=18, words=w), width="stretch")
        st.caption(w("board.projector_map_caption", where=r["where"]))
    else:
        st.markdown(esc(no_map_reason(a, r["error"], r["voters"], w)))


def _items(r: dict, common_ground) -> None:
    votes, w = r["item_votes"], r["w"]
    groups = {str(k): int(v) for k, v in r["analysis"].get("groups", {}).items()}
    if r["published"]:
        st.markdown(f"#### {w('board.drafts')}")
        items = [(draft_heading(w, p), p["statement_id"], ballot_text(w, p["text"])) for p in r["published"]]
    else:
        st.markdown(f"#### {w('board.common_ground')}")
        items = [(w("board.statement", sid=s.external_id), s.external_id, s.text)
                 for s in common_ground(r, SHOWN_ITEMS)]
        if not items:
            st.markdown(w("board.no_common_ground"))
    for title, sid, text in items[:SHOWN_ITEMS]:
        with st.container(border=True):
            st.markdown(f"**{esc(clip(title, TITLE_CHARS))}** · {totals(votes, sid, w)}")
            st.markdown(esc(clip(text)))
            chart = vote_bars(votes, sid, groups, step=20, font=13, words=w)
            if chart is not None:
                st.altair_chart(chart, width="stretch")
    if len(items) > SHOWN_ITEMS:
        st.caption(w("board.more", n=len(items) - SHOWN_ITEMS))


def projector_board(r: dict, common_ground) -> None:
    """The whole projector screen for one refresh."""
    projector_style()
    with st.container(key="projector-question"):
        st.title(esc(clip(r["c"].question, 160)), anchor=False)
    left, middle, right = st.columns([1.25, 2.2, 1.7], gap="large")
    with left:
        _join(r)
    with middle:
        _map(r)
        sizes = ", ".join(f"{group_label(g['id'], r['w'])}: {g['size']}" for g in r["analysis"].get("group_summaries") or [])
        if sizes:
            st.caption(sizes)
    with right:
        _items(r, common_ground)
