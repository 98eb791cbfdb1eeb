"""Build the synthetic Harbour Road town-hall corpus as a Polis export folder.

Reads the hand-written statements in ``statements-source.csv`` (text, author,
camp, kind, topic and one stance per camp) and simulates a three-week Polis
conversation: arrival times, visits, and agree / disagree / pass votes drawn
from each voter's camp stance. Writes, next to this script:

    comments.csv  votes.csv  participants-votes.csv  summary.csv  camps.csv

Everything comes from one ``numpy.random.default_rng(SEED)`` stream and is
written with fixed formatting, so running the script twice gives byte-identical
files. Run from the repository root (or anywhere):

    .venv/bin/python corpora/harbour-road/make_corpus.py
"""

from __future__ import annotations

import bisect
import csv
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20260302

# Participants: every one belongs to exactly one camp. Authors' camps come from
# statements-source.csv; the vote-only participants fill the rest of each camp.
N_PARTICIPANTS = 100
CAMP_SIZES = {"carfree": 46, "traders": 43, "access": 11}
CAMPS = list(CAMP_SIZES)

# The consultation window (UTC; Millbrook is in the UK and March 2026 is GMT).
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
END = datetime(2026, 3, 22, 22, 0, tzinfo=timezone.utc)
RETURN_VISITS_P = [0.70, 0.22, 0.06, 0.02]  # P(0, 1, 2, 3 return visits)
RETURN_GAP_DAYS = 2.0  # mean time between a participant's visits
REMINDER_DAY, REMINDER_SHARE = 13, 0.15  # council newsletter on Sun 15 March
LAST_CALL_DAY, LAST_CALL_SHARE = 18, 0.10  # "last chance" e-mail on Fri 20 March
MIN_SEEN_SHARE = 0.35  # everyone's last visit shows at least this share of statements

# Vote model (see README.md, "How the votes were simulated").
VOTE_FRACTION = (0.50, 0.85)   # share of the visible statements a participant votes on
NOISE_SD = 0.30                # per-vote noise added to the camp stance
CONVICTION = (0.80, 1.15)      # per-participant multiplier of the camp stance
AGREE_BIAS = (0.05, 0.05)      # per-participant mean / sd of a general lean to agree
STEEPNESS = 3.2                # logistic slope from stance to P(agree | not pass)
PASS_BASE, PASS_UNSURE = 0.07, 0.16
PASS_PROBLEM = 0.20            # extra pass chance on abusive / off-topic / injection
CHANGE_RATE = 0.03             # share of final votes that replaced an earlier vote
SPAM_VISIBLE_HOURS = 12        # a comment moderated out (-1) is hidden after this

PROBLEM_KINDS = {"abusive", "off-topic", "injection"}
KINDS = {"normal", "near-duplicate", "personal-data"} | PROBLEM_KINDS

DESCRIPTION = (
    "Harbour Road, the main shopping street of Millbrook, is due to be rebuilt in 2027. "
    "Millbrook Town Council wants to hear from residents, traders and visitors before "
    "the design is drawn up. One option makes the street car-free, with wider pavements, "
    "street trees, bus priority and a protected cycle lane; another keeps through traffic, "
    "on-street parking and loading much as today; there are many possibilities in between. "
    "Read the statements below and vote agree, disagree or pass on each, and add your own "
    "short statement if something is missing. Please keep statements to one idea each and "
    "do not include names, phone numbers or addresses. The consultation runs from 2 to 22 "
    "March 2026 and a summary will go to the Town Council's transport committee."
)
TOPIC = (
    "Harbour Road is being rebuilt in 2027: should it become car-free with wider pavements, "
    "trees, bus priority and a protected cycle lane, or keep through traffic and parking?"
)


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


T0, T1 = ms(START), ms(END)
MINUTE, HOUR, DAY = 60_000, 3_600_000, 86_400_000


def polis_datetime(ts: int) -> str:
    d = datetime.fromtimestamp(ts / 1000, tz=timezone.utc)
    return d.strftime("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)")


def read_source() -> list[dict]:
    with open(HERE / "statements-source.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for i, r in enumerate(rows):
        cid = int(r["comment-id"])
        assert cid == i, f"comment-id must be 0..n-1 in order, got {cid} at row {i}"
        assert r["kind"] in KINDS, r["kind"]
        assert r["camp"] in CAMPS, r["camp"]
        stance = {c: float(r[f"stance_{c}"]) for c in CAMPS}
        assert all(-1.0 <= s <= 1.0 for s in stance.values())
        out.append(dict(cid=cid, author=int(r["author-id"]), camp=r["camp"],
                        kind=r["kind"], text=r["text"], stance=stance))
    return out


def waking_time(rng, day_lo: float, day_hi: float) -> int:
    """A time on a random day in [day_lo, day_hi) at a plausible hour (07:00-23:00)."""
    day = int(rng.integers(int(day_lo), int(np.ceil(day_hi))))
    hour = 7 + 16 * rng.beta(2.2, 1.8)
    return T0 - 9 * HOUR + day * DAY + int(hour * HOUR) + int(rng.integers(0, 60_000))


def comment_times(rng, n: int) -> list[int]:
    """Creation times, increasing with comment-id (Polis numbers comments in order).
    Front-loaded: most statements arrive in the first week."""
    times = []
    for _ in range(n):
        u = rng.random()
        if u < 0.30:
            lo, hi = 0, 3
        elif u < 0.60:
            lo, hi = 3, 9
        elif u < 0.82:
            lo, hi = 9, 15
        else:
            lo, hi = 15, LAST_CALL_DAY - 1
        t = waking_time(rng, lo, hi)
        if t < T0 + 30 * MINUTE:  # nothing before the launch at 09:00 on day 0
            t = T0 + 30 * MINUTE + t % (20 * MINUTE)
        times.append(t)
    times.sort()
    for i in range(1, n):  # strictly increasing, at least 20 s apart
        times[i] = max(times[i], times[i - 1] + 20_000 + int(rng.integers(0, 40_000)))
    assert times[-1] < T0 + (LAST_CALL_DAY - 1) * DAY
    return times


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def main() -> None:
    rng = np.random.default_rng(SEED)
    stmts = read_source()
    n_c = len(stmts)
    pids = list(range(N_PARTICIPANTS))

    # ---- camps ---------------------------------------------------------------
    camp = {}
    for s in stmts:
        assert camp.setdefault(s["author"], s["camp"]) == s["camp"], "one camp per author"
    authors = sorted(camp)
    assert max(authors) < N_PARTICIPANTS
    left = dict(CAMP_SIZES)
    for a in authors:
        left[camp[a]] -= 1
    assert all(v >= 0 for v in left.values()), left
    pool = [c for c in CAMPS for _ in range(left[c])]
    voters_only = [p for p in pids if p not in camp]
    assert len(pool) == len(voters_only)
    for p, c in zip(voters_only, rng.permutation(pool)):
        camp[p] = str(c)

    # ---- when things happen --------------------------------------------------
    created = comment_times(rng, n_c)
    own = {p: set() for p in pids}
    for s in stmts:
        own[s["author"]].add(s["cid"])
    first_comment = {a: min(created[c] for c in own[a]) for a in authors}
    assert all(first_comment[a] < first_comment[b] for a, b in zip(authors, authors[1:])), \
        "author ids must follow the order of their first statement"

    # Arrival (join) times increase with participant id, as in Polis.
    # Authors arrive a few minutes before their first statement (and early enough
    # to leave room for the vote-only participants numbered between them).
    join = {}
    nxt, nxt_pid = T1, N_PARTICIPANTS
    for a in reversed(authors):
        t = first_comment[a] - int(rng.integers(2 * MINUTE, 25 * MINUTE))
        join[a] = max(min(t, nxt - 20_000 * (nxt_pid - a)), T0 + (a + 1) * 1000)
        nxt, nxt_pid = join[a], a
    anchors = [(-1, T0 - MINUTE)] + [(a, join[a]) for a in authors] + \
              [(N_PARTICIPANTS, T1 - DAY)]
    for (pa, ta), (pb, tb) in zip(anchors, anchors[1:]):
        gap = list(range(pa + 1, pb))
        if gap:
            ts = np.sort(rng.uniform(ta + 1000, tb - 1000, size=len(gap))).astype(np.int64)
            for i in range(1, len(ts)):
                ts[i] = max(ts[i], ts[i - 1] + 1)
            for p, t in zip(gap, ts):
                join[p] = int(t)
    assert all(join[p] < join[p + 1] for p in pids[:-1])
    assert all(T0 <= join[p] < T1 - HOUR for p in pids)
    assert all(join[a] < first_comment[a] for a in authors)

    # Visits: the arrival visit, one visit per statement written, 0-3 return
    # visits (some after the newsletter), the last-call e-mail, and a top-up visit.
    sessions = {}
    for p in pids:
        starts = [join[p]]
        for c in sorted(own[p]):
            if created[c] - join[p] > 30 * MINUTE:
                starts.append(created[c] - int(rng.integers(2 * MINUTE, 15 * MINUTE)))
        n_ret = int(rng.choice(len(RETURN_VISITS_P), p=RETURN_VISITS_P))
        last = join[p]
        for _ in range(n_ret):
            if rng.random() < REMINDER_SHARE and last < T0 + REMINDER_DAY * DAY:
                t = waking_time(rng, REMINDER_DAY, REMINDER_DAY + 2)
            else:  # most people come back within a few days
                t = last + 2 * HOUR + int(rng.exponential(RETURN_GAP_DAYS * DAY))
            if t >= T1 - HOUR:
                break
            starts.append(t)
            last = t
        # "Last chance to have your say" e-mail, two days before the close.
        if join[p] < T0 + LAST_CALL_DAY * DAY and rng.random() < LAST_CALL_SHARE:
            starts.append(waking_time(rng, LAST_CALL_DAY, LAST_CALL_DAY + 2))
        # Nobody in this sample left after seeing only a handful of statements:
        # whoever had seen under MIN_SEEN_SHARE of them came back after a reminder.
        if bisect.bisect_left(created, max(starts)) < MIN_SEEN_SHARE * n_c:
            t_need = created[int(np.ceil(MIN_SEEN_SHARE * n_c))]
            day = max(REMINDER_DAY, (t_need - (T0 - 9 * HOUR)) // DAY + 1)
            starts.append(waking_time(rng, day, LAST_CALL_DAY + 2))
        starts.sort()
        merged = []
        for t in starts:
            dur = int(rng.integers(10 * MINUTE, 45 * MINUTE))
            if merged and t < merged[-1][0] + merged[-1][1]:
                continue
            merged.append((t, dur))
        sessions[p] = merged

    # ---- votes ---------------------------------------------------------------
    kinds = [s["kind"] for s in stmts]
    sid = spam_id(stmts)
    hidden_after = [None] * n_c  # the moderator removed the spam advert after a while
    hidden_after[sid] = created[sid] + SPAM_VISIBLE_HOURS * HOUR
    final = {}  # (cid, pid) -> (ts, vote)
    for p in pids:
        frac = rng.uniform(*VOTE_FRACTION)
        conviction = rng.uniform(*CONVICTION)
        bias = rng.normal(*AGREE_BIAS)
        pass_lean = rng.normal(0.0, 0.04)
        seen = set(own[p])
        for start, dur in sessions[p]:
            cand = [c for c in range(n_c) if c not in seen and created[c] < start
                    and (hidden_after[c] is None or start < hidden_after[c])]
            cand = [int(c) for c in rng.permutation(cand)]
            seen.update(cand)
            chosen = [c for c in cand if rng.random() < frac]
            if not chosen:
                continue
            offs = np.sort(rng.integers(20_000, dur, size=len(chosen)))
            for c, off in zip(chosen, offs):
                s = stmts[c]["stance"][camp[p]]
                p_pass = PASS_BASE + PASS_UNSURE * (1 - abs(s)) + pass_lean
                if kinds[c] in PROBLEM_KINDS:
                    p_pass += PASS_PROBLEM
                p_pass = float(np.clip(p_pass, 0.02, 0.6))
                x = conviction * s + bias + rng.normal(0.0, NOISE_SD)
                p_agree = (1 - p_pass) * sigmoid(STEEPNESS * x)
                u = rng.random()
                v = 1 if u < p_agree else (0 if u < p_agree + p_pass else -1)
                final[(c, p)] = (start + int(off), v)

    # Some votes were changed: an earlier, different vote precedes the final one.
    events = []
    keys = sorted(final)
    n_change = int(round(CHANGE_RATE * len(keys)))
    changed = set(int(i) for i in rng.choice(len(keys), size=n_change, replace=False))
    for i, (c, p) in enumerate(keys):
        t, v = final[(c, p)]
        if i in changed:
            before = int(rng.choice([x for x in (1, 0, -1) if x != v]))
            t_final = t + int(rng.integers(15_000, 20 * MINUTE))
            events.append((c, p, t, before))
            events.append((c, p, t_final, v))
            final[(c, p)] = (t_final, v)
        else:
            events.append((c, p, t, v))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    for c, p, t, _ in events:
        assert created[c] < t < T1 and p not in (stmts[c]["author"],)

    # ---- write ---------------------------------------------------------------
    def writer(name):
        f = open(HERE / name, "w", newline="", encoding="utf-8")
        return f, csv.writer(f, lineterminator="\n")

    agrees = [0] * n_c
    disagrees = [0] * n_c
    for c, _, _, v in events:
        agrees[c] += v == 1
        disagrees[c] += v == -1

    f, w = writer("votes.csv")
    w.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
    for c, p, t, v in events:
        w.writerow([t, polis_datetime(t), c, p, v])
    f.close()

    f, w = writer("comments.csv")
    w.writerow(["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees",
                "moderated", "comment-body"])
    for s in stmts:
        c = s["cid"]
        w.writerow([created[c], polis_datetime(created[c]), c, s["author"], agrees[c],
                    disagrees[c], -1 if c == sid else 0, s["text"]])
    f.close()

    f, w = writer("participants-votes.csv")
    w.writerow(["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
               + [str(c) for c in range(n_c)])
    for p in pids:
        row = [final[(c, p)][1] if (c, p) in final else "" for c in range(n_c)]
        vals = [v for v in row if v != ""]
        w.writerow([p, "", len(own[p]), len(vals), sum(v == 1 for v in vals),
                    sum(v == -1 for v in vals)] + row)
    f.close()

    f, w = writer("camps.csv")
    w.writerow(["participant", "camp"])
    for p in pids:
        w.writerow([p, camp[p]])
    f.close()

    voters = len({p for _, p in final})
    f, w = writer("summary.csv")
    for row in [["topic", TOPIC], ["url", ""],
                ["views", int(round(N_PARTICIPANTS * rng.uniform(3.2, 3.8)))],
                ["voters", voters], ["voters-in-conv", voters],
                ["commenters", len(authors)], ["comments", n_c], ["groups", ""],
                ["conversation-description", DESCRIPTION]]:
        w.writerow(row)
    f.close()

    print(f"{n_c} comments, {N_PARTICIPANTS} participants ({len(authors)} authors), "
          f"{len(events)} vote rows, {len(final)} final votes, {n_change} changed")


def spam_id(stmts: list[dict]) -> int:
    """The one obvious spam advert, shown as moderated out (-1) in comments.csv."""
    ids = [s["cid"] for s in stmts if s["kind"] == "off-topic" and "resurfacing" in s["text"]]
    assert len(ids) == 1
    return ids[0]


if __name__ == "__main__":
    main()
