"""The store under a crowd that crashes: writer processes killed with SIGKILL at random
moments and restarted from their last acknowledged answer, a reader running throughout, on
SQLite and on a real PostgreSQL. The full-size run is benchmarks/bench_store_crash.py."""

from __future__ import annotations

import pytest

from tests import store_crash

WRITERS, ANSWERS, KILLS = 6, 40, 12


@pytest.fixture(params=["sqlite", "postgresql"])
def crash_url(request, tmp_path):
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'crash.sqlite'}"


def test_killed_writers_lose_and_duplicate_nothing(crash_url, tmp_path):
    """Killed at random moments (mid-transaction, after a commit it never acknowledged) and
    restarted with the same keys, is every acknowledged answer stored exactly once, whole,
    with no torn read, no 'database is locked' and an intact database?"""
    report = store_crash.run(crash_url, tmp_path / "run", writers=WRITERS, answers=ANSWERS,
                             kills=KILLS, self_kills=3, seed=8, kill_gap=0.08, pause=0.05,
                             timeout=120)
    print(report.summary())
    assert report.problems == [] and report.writer_errors == []
    assert report.reader_errors == [] and report.reader_violations == []
    assert report.acknowledged == WRITERS * ANSWERS
    assert (report.lost, report.duplicated, report.half_written) == (0, 0, 0)
    assert report.rows == WRITERS * ANSWERS
    assert report.integrity == "ok"
    # the run really crashed writers at each kind of moment, and the reader really read
    assert report.kills["external"] == KILLS
    assert report.kills[store_crash.MID] >= 1 and report.kills[store_crash.AFTER_COMMIT] >= 1
    assert report.resent_duplicates >= report.kills[store_crash.AFTER_COMMIT]
    assert report.reader_reads > 0
    assert report.ok
