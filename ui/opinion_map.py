"""The analysis of the votes so far and the pictures made from it: the opinion map, the vote bars,
and where one participant stands (their group, and their votes beside their group's and
everyone's, as Polis shows them). Shared by the live board, the projector view and the participant
page.

The analysis is recomputed from the store when the votes have changed, at most every
:data:`FRESH_MIN_SECONDS` and never more often than :data:`FRESH_COST_FACTOR` times its own run
time (a 2,000-participant consultation takes seconds), once per consultation for every session of
the server; a session that finds a computation under way shows the previous result.
Its groups are renamed to match the last facilitation run's (most members in common), so a group's
letter and colour on the map are those of the drafts written for it, and stay put as votes arrive;
before any run, to the previous refresh's, with the letters closed up (A, B, C: :func:`named_groups`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from scipy.optimize import linear_sum_assignment

from deliberation.analysis.pipeline import AnalysisConfig
from deliberation.services import analyze_source
from deliberation.wording import group_letter
from deliberation.words import retell
from ui.common import error_in, log, settings
from ui.i18n import ENGLISH, Words
from ui.look import VOTE_COLOURS, VOTE_DOMAIN

#: A fresh analysis is recomputed at most this often (seconds)...
FRESH_MIN_SECONDS = 3.0
#: ...and no more often than this many times the run time of the previous computation.
FRESH_COST_FACTOR = 5.0
#: A page waits at most this long for a new analysis before it shows the previous one (seconds).
FRESH_WAIT_SECONDS = 2.0
#: Dot area on the map: this many square pixels shared out among the participants...
MAP_INK = 60_000
#: ...within these bounds (square pixels), so 6 people get big dots and 2,000 small ones.
DOT_AREA = (18, 500)
#: Positions on the map are rounded to this many decimals to find people at the same spot.
SPOT_DECIMALS = 3
#: Empty margin around the dots (px), so dots and labels at the edge are not cut.
MAP_PADDING = 30
#: Above this many participants the dots are drawn see-through, so dense areas read as dense.
CROWD = 200

VOTE_NAMES = {1: "agree", -1: "disagree", 0: "pass"}
#: The message id of each answer's name in the vote bars (ui/messages/).
VOTE_SAID = {1: "said.agree", -1: "said.disagree", 0: "said.pass"}


@dataclass
class _Fresh:
    lock: threading.Lock = field(default_factory=threading.Lock)
    signature: tuple | None = None
    at: float = 0.0
    cost: float = 0.0
    result: dict | None = None
    error: BaseException | None = None
    worker: threading.Thread | None = None


@st.cache_resource(show_spinner=False)
def _holder(data_dir: str, db_url: str, cid: int) -> _Fresh:
    return _Fresh()


def _signature(votes: pd.DataFrame) -> tuple:
    if votes.empty:
        return (0, 0)
    h = pd.util.hash_pandas_object(votes[["participant", "statement", "vote"]], index=False)
    return (len(votes), int(h.sum()))


def run_author_agrees(values: dict) -> bool:
    """Whether the last facilitation run counted an author's own statement as their agree vote (its
    ``analysis.author_agrees``, from the checkpoint's values; the default, on, before any run)."""
    return bool(((values.get("config") or {}).get("analysis") or {}).get("author_agrees", True))


def _compute(h: _Fresh, s, cid: int, sig: tuple, reference: dict | None, author_agrees: bool) -> None:
    """In a background thread (no Streamlit calls): analyse the stored votes, keep the result."""
    t0 = time.monotonic()
    try:
        result, _summary = analyze_source(s, str(cid), topics=False,
                                          config=AnalysisConfig(author_agrees=author_agrees))
        h.result, h.error = named_groups(result.model_dump(mode="json"), reference, h.result), None
    except Exception as e:  # noqa: BLE001 - too few votes or a failure: the pages go on
        log.exception("analysis of the votes so far failed")
        h.error = e.with_traceback(None)  # said in each page's language when shown (no_map_reason)
    h.cost, h.at, h.signature = time.monotonic() - t0, time.monotonic(), sig


def fresh_analysis(cid: int, votes: pd.DataFrame, reference: dict | None = None, author_agrees: bool = True,
                   wait: float = FRESH_WAIT_SECONDS) -> tuple[dict | None, BaseException | None]:
    """The latest analysis of the stored votes (as ``AnalysisResult`` JSON; None while the first one
    is being computed) and, when the last computation failed, its error (:func:`no_map_reason` says
    it in the page's language). When the votes have changed
    since, a new computation starts in the background; the caller waits for it at most ``wait``
    seconds and otherwise gets the previous result (a page never stalls on a large consultation).

    ``reference``: the last facilitation run's analysis, whose group numbers the fresh groups take;
    ``author_agrees``: that run's setting (:func:`run_author_agrees`), so the map counts votes as
    the run did.
    """
    s = settings()
    h = _holder(str(s.data_dir.resolve()), s.db_url, cid)
    sig = (_signature(votes), len((reference or {}).get("groups") or {}), author_agrees)
    with h.lock:
        busy = h.worker is not None and h.worker.is_alive()
        done = h.result is not None or h.error is not None
        gap = max(FRESH_MIN_SECONDS, FRESH_COST_FACTOR * h.cost)
        if not busy and h.signature != sig and (not done or time.monotonic() - h.at >= gap):
            h.worker = threading.Thread(target=_compute, args=(h, s, cid, sig, reference, author_agrees), daemon=True,
                                        name=f"fresh-analysis-{cid}")
            h.worker.start()
        worker = h.worker
    if worker is not None and worker.is_alive() and wait > 0:
        worker.join(wait)
    return h.result, h.error


def align_groups(analysis: dict, reference: dict | None) -> dict:
    """``analysis`` with its group numbers changed to those of ``reference`` they share the most
    members with (a maximum-weight matching, scipy's ``linear_sum_assignment``); groups without a
    partner get the next free numbers."""
    new = {str(p): int(g) for p, g in (analysis.get("groups") or {}).items()}
    old = {str(p): int(g) for p, g in ((reference or {}).get("groups") or {}).items()}
    if not new or not old:
        return analysis
    new_ids, old_ids = sorted(set(new.values())), sorted(set(old.values()))
    overlap = np.zeros((len(new_ids), len(old_ids)))
    for p, g in new.items():
        if p in old:
            overlap[new_ids.index(g), old_ids.index(old[p])] += 1
    rows, cols = linear_sum_assignment(-overlap)
    rename = {new_ids[r]: old_ids[c] for r, c in zip(rows, cols)}
    spare = iter(i for i in range(len(new_ids) + len(old_ids)) if i not in old_ids)
    for g in new_ids:
        rename.setdefault(g, next(spare))
    return _renamed(analysis, rename)


def named_groups(analysis: dict, reference: dict | None, previous: dict | None) -> dict:
    """The fresh groups' numbers: those of the last facilitation run's groups (``reference``) they
    share the most members with, kept with their gaps (the run's drafts name its groups); before
    any run, those of the previous fresh groups (``previous``), closed up so the letters run A, B,
    C: a room of six whose three groups became two showed "group A" and "group C" on the board,
    and nobody could say where group B had gone."""
    if (reference or {}).get("groups"):
        return align_groups(analysis, reference)
    out = align_groups(analysis, previous)
    ids = sorted({int(g) for g in (out.get("groups") or {}).values()})
    return _renamed(out, {g: i for i, g in enumerate(ids)}) if ids != list(range(len(ids))) else out


def _renamed(analysis: dict, rename: dict[int, int]) -> dict:
    """``analysis`` with its group numbers changed by ``rename`` (old -> new)."""
    out = dict(analysis)
    out["groups"] = {str(p): rename[int(g)] for p, g in (analysis.get("groups") or {}).items()}
    out["group_summaries"] = sorted(({**s, "id": rename[int(s["id"])]} for s in analysis.get("group_summaries") or []),
                                    key=lambda s: s["id"])
    out["repness"] = {str(rename[int(g)]): v for g, v in (analysis.get("repness") or {}).items()}
    return out


def no_map_reason(analysis: dict | None, error: BaseException | None, n_voters: int, words: Words = ENGLISH) -> str:
    """Why there is no opinion map yet, in words: the analysis's own note, said in the page's language
    (deliberation.words.retell; a note no language has words for is kept only on an English page)."""
    if error is not None:
        return words("map.failed", error=error_in(error, words))
    if n_voters == 0:
        return words("map.no_votes")
    if analysis is None or not analysis.get("n_votes"):
        return words("map.computing", n=n_voters)
    notes = [n for n in (analysis or {}).get("notes") or [] if "group" in n.lower()]
    said = [s for n in notes for s in [retell(n, words.lang)] if words.lang == ENGLISH.lang or s != n]
    if said:
        return words("map.note", note=said[0])
    return words("map.apart", n=n_voters)


def group_label(g: int | str, words: Words = ENGLISH) -> str:
    """An opinion group in words: "group A" (a group that is no number stays as it is)."""
    return words.group(group_letter(g))


def map_chart(analysis: dict, *, me: str | None = None, height: int = 320, font: int = 13, words: Words = ENGLISH):
    """Each participant a dot placed by how they vote, coloured by opinion group, every group
    labelled at its centre with its size; ``me`` ringed and labelled "you"."""
    groups = {str(p): int(g) for p, g in (analysis.get("groups") or {}).items()}
    proj = analysis.get("projection") or {}
    df = pd.DataFrame([{"x": xy[0], "y": xy[1], "group": group_label(groups.get(str(p), "?"), words),
                        "you": str(p) == str(me)} for p, xy in proj.items()])
    n = len(df)
    area = float(np.clip(MAP_INK / max(n, 1), *DOT_AREA))
    # people who voted alike sit on one spot: one dot per spot, its area growing with their number
    spots = df.assign(x=df["x"].round(SPOT_DECIMALS), y=df["y"].round(SPOT_DECIMALS)).groupby(
        ["x", "y", "group"], as_index=False).agg(people=("you", "size"))
    spots["area"] = area * spots["people"]
    colour = alt.Color("group:N", scale=alt.Scale(scheme="category10"), legend=None)
    axis = dict(axis=None, scale=alt.Scale(zero=False, nice=False, padding=MAP_PADDING))
    points = alt.Chart(spots).mark_circle(opacity=0.85 if n <= CROWD else 0.45).encode(
        x=alt.X("x:Q", **axis), y=alt.Y("y:Q", **axis), color=colour,
        size=alt.Size("area:Q", scale=None, legend=None), tooltip=["group", "people"])
    # each group's label sits above its spot nearest the group's centre (not in empty space between spots)
    spots["d"] = ((spots["x"] - spots.groupby("group")["x"].transform("mean")) ** 2
                  + (spots["y"] - spots.groupby("group")["y"].transform("mean")) ** 2)
    centres = spots.sort_values("d").groupby("group", as_index=False).first()
    centres["label"] = [f"{g} · {int((df['group'] == g).sum())}" for g in centres["group"]]
    lift = -(float(np.sqrt(spots["area"].max())) / 2 + font)
    text = dict(fontSize=font + 3, fontWeight="bold", dy=lift)
    labels = alt.Chart(centres).mark_text(**text, stroke="white", strokeWidth=4).encode(
        x="x:Q", y="y:Q", text="label:N")
    labels_ink = alt.Chart(centres).mark_text(**text).encode(x="x:Q", y="y:Q", text="label:N", color=colour)
    layers = [points, labels, labels_ink]
    # on the spot its dot was drawn at: unrounded, a room on one line (two groups of like voters)
    # put the ring at the other end of the map's degenerate axis, away from every dot
    mine = df[df["you"]].round({"x": SPOT_DECIMALS, "y": SPOT_DECIMALS})
    if not mine.empty:
        ring = alt.Chart(mine).mark_point(shape="circle", size=max(area * 4, 300), filled=False, color="black",
                                          strokeWidth=3).encode(x="x:Q", y="y:Q")
        you = alt.Chart(mine).mark_text(text=words("group.you"), fontSize=font + 2, fontWeight="bold", dy=22).encode(
            x="x:Q", y="y:Q")
        layers += [ring, you]
    return alt.layer(*layers).properties(height=height).configure_view(strokeWidth=0)


#: px a line of the vote bars' legend takes beyond its font size: the bars' rows together are at
#: least as tall as the legend of every answer (:func:`bar_row`)
LEGEND_ENTRY_PAD = 8


def vote_bars(votes: pd.DataFrame, sid: str, groups: dict[str, int], *, step: int = 26, font: int = 12,
              words: Words = ENGLISH):
    """Agree / disagree / pass counts on one statement, one bar per opinion group. Each bar gets a
    row of its own of at least ``step`` px (a Vega-Lite step height: the page adds the axis and
    padding around it), and the rows together are at least as tall as the legend: with one bar
    (everyone who voted in no group, or in one group) the projector cut the legend after
    "disagree". A fixed height for the whole chart left the rows what the axis and padding did not
    take: on the projector, three bars (two groups and "not in a group", a room of 2,000) had 11 px
    rows and their 13 px labels overlapped."""
    v = votes[votes["statement"] == sid]
    if v.empty:
        return None
    df = pd.DataFrame({
        "group": [group_label(groups[p], words) if p in groups else words("group.not_in_group")
                  for p in v["participant"]],
        "vote": [words(VOTE_SAID[int(x)]) for x in v["vote"]],
    })
    # the answers' colours (ui/look.py's, keyed by the English names) under this language's names
    names = {VOTE_NAMES[k]: words(VOTE_SAID[k]) for k in VOTE_NAMES}
    scale = alt.Scale(domain=[names[n] for n in VOTE_DOMAIN], range=[VOTE_COLOURS[n] for n in VOTE_DOMAIN])
    counts = df.groupby(["group", "vote"]).size().reset_index(name="votes")
    return alt.Chart(counts).mark_bar(size=step - 8).encode(
        y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=200, labelFontSize=font, labelOverlap=False)),
        x=alt.X("votes:Q", title=None, axis=alt.Axis(tickMinStep=1, format="d", labelFontSize=font)),
        color=alt.Color("vote:N", scale=scale, legend=alt.Legend(orient="right", title=None,
                                                                      labelFontSize=font)),
        order=alt.Order("vote:N"),
        tooltip=["group", "vote", "votes"],
    ).properties(height=alt.Step(bar_row(counts["group"].nunique(), step, font)))


def bar_row(rows: int, step: int, font: int) -> int:
    """px of each row of :func:`vote_bars`: ``step``, or more when its ``rows`` rows would be shorter
    than the legend's lines (one per answer)."""
    legend = len(VOTE_NAMES) * (font + LEGEND_ENTRY_PAD)
    return max(step, -(-legend // max(rows, 1)))


def totals(votes: pd.DataFrame, sid: str, words: Words = ENGLISH) -> str:
    v = votes[votes["statement"] == sid]["vote"].astype(int)
    return words("board.totals", agree=int((v == 1).sum()), disagree=int((v == -1).sum()), **{"pass": int((v == 0).sum())})


def _share(v: pd.Series, words: Words = ENGLISH) -> str:
    if v.empty:
        return words("mine.no_votes")
    agree = int((v == 1).sum())
    return words("mine.share", share=words.percent(agree / len(v)), agree=agree, n=len(v))


def standing(analysis: dict | None, votes: pd.DataFrame, pid: str, words: Words = ENGLISH) -> dict:
    """Where participant ``pid`` stands: their group (None = not placed yet), the group's size, and
    per statement they voted on a line comparing their vote with their group's and everyone's.
    ``same``: on how many of their votes they voted as most of their group did."""
    groups = {str(p): int(g) for p, g in ((analysis or {}).get("groups") or {}).items()}
    g = groups.get(str(pid))
    members = {p for p, k in groups.items() if k == g} if g is not None else set()
    lines, same = {}, 0
    mine = votes[votes["participant"] == pid]
    related = dict(tuple(votes[votes["statement"].isin(mine["statement"])].groupby("statement")))
    for sid, my in zip(mine["statement"], mine["vote"].astype(int)):
        on = related[sid]
        everyone = on["vote"].astype(int)
        text = words("mine.everyone", share=_share(everyone, words))
        if g is not None:
            theirs = on[on["participant"].isin(members - {pid})]["vote"].astype(int)
            text = words("mine.rest_of_group", letter=group_letter(g), share=_share(theirs, words), everyone=text)
            # "as most of your group did": more than half of the rest of the group, not the most frequent
            # vote (mode() picked the lowest value on a tie: a 1-1 split counted as "most" disagreeing)
            if 2 * int((theirs == my).sum()) > len(theirs):
                same += 1
        lines[sid] = text
    return {"group": g, "size": len(members), "lines": lines, "same": same, "n_votes": len(mine)}
