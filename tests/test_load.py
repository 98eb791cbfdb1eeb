"""Vote load through the service layer the participant page calls (``Store.cast_vote``).

>= 50 participants spread over 4 processes cast >= 20,000 votes and vote changes against the
on-disk store, under the product's default per-participant rate limits; afterwards every
acknowledged vote is present exactly once and every participant's current vote is their last.
Speed is the benchmark's business (``bench/bench_votes.py`` prints votes/s against the 500
votes/s target); this test checks exactness only.
"""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

from bench_votes import run_load  # noqa: E402

from deliberation.ratelimit import RateLimits  # noqa: E402


def test_20000_votes_from_400_participants_in_4_processes_sqlite(tmp_path):
    # 400 participants x 50 votes: each stays under the default 120 votes a minute, so the
    # real limits are on and nobody is refused
    r = run_load(tmp_path / "data", processes=4, participants=400, votes=20_000, limits=RateLimits())
    print(f"\n{r['votes']} votes on {r['backend']} in {r['elapsed_s']:.1f} s ({r['votes_per_s']:.0f} votes/s)")
    assert r["votes"] == 20_000
    assert (r["lost"], r["duplicated"], r["wrong_current"]) == (0, 0, 0)


def test_votes_from_4_processes_postgresql(tmp_path, pg_database_url):
    r = run_load(tmp_path / "data", processes=4, participants=100, votes=4_000, limits=RateLimits(),
                 database_url=pg_database_url)
    print(f"\n{r['votes']} votes on {r['backend']} in {r['elapsed_s']:.1f} s ({r['votes_per_s']:.0f} votes/s)")
    assert r["backend"] == "postgresql"
    assert (r["lost"], r["duplicated"], r["wrong_current"]) == (0, 0, 0)
