"""The shared rate limiter: counts in the database, so every server process sees the same limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from store import db, ratelimit
from store.ratelimit import RateLimitCounter, RateLimited
from tests.conftest import separate_database

START = datetime(2025, 3, 1, 10, 0, 0, tzinfo=UTC)  # on a minute boundary


def hits(session: Session, bucket: str, n: int, *, limit: int = 5, at: datetime = START) -> list[bool]:
    return [ratelimit.hit(session, bucket, limit=limit, window_s=60, now=at).allowed for _ in range(n)]


class TestLimit:
    def test_up_to_the_limit_then_refused(self, session):
        assert hits(session, "otp:13800000000", 6) == [True] * 5 + [False]

    def test_buckets_are_counted_apart(self, session):
        hits(session, "signin:198.51.100.7", 5)
        assert hits(session, "signin:203.0.113.9", 1) == [True]

    def test_check_raises_a_429_with_retry_after(self, session):
        hits(session, "form:a", 5)
        with pytest.raises(RateLimited) as refused:
            ratelimit.check(session, "form:a", limit=5, window_s=60, now=START + timedelta(seconds=15))
        assert refused.value.status_code == 429
        assert refused.value.headers == {"Retry-After": "45"}


class TestSlidingWindow:
    def test_a_burst_at_the_edge_of_a_window_does_not_pass_twice_the_limit(self, session):
        hits(session, "b", 5, at=START + timedelta(seconds=59))
        # One second later a new fixed window begins, but the last one still weighs 59/60 of its hits.
        assert hits(session, "b", 1, at=START + timedelta(seconds=60)) == [False]

    def test_the_previous_window_fades(self, session):
        hits(session, "b", 5, at=START + timedelta(seconds=10))
        # Half a window on, the last window's 5 hits weigh 2.5: two more fit under 5, the third does not.
        assert hits(session, "b", 3, at=START + timedelta(seconds=60 + 30)) == [True, True, False]

    def test_the_refusal_says_when_the_next_try_passes(self, session):
        hits(session, "c", 5, at=START + timedelta(seconds=30))
        now = START + timedelta(seconds=60)
        decision = ratelimit.hit(session, "c", limit=5, window_s=60, now=now)
        assert not decision.allowed
        later = now + timedelta(seconds=decision.retry_after_s)
        assert ratelimit.hit(session, "c", limit=5, window_s=60, now=later).allowed


class TestPurge:
    def test_counters_older_than_a_day_go(self, session):
        hits(session, "old", 1, at=START - timedelta(days=2))
        hits(session, "new", 1, at=START)
        ratelimit.purge(session, now=START)
        assert session.exec(select(RateLimitCounter.bucket)).all() == ["new"]


class TestAcrossProcesses:
    def test_two_connections_share_one_count(self, tmp_path: Path):
        """Two sessions on their own connections, as two ``serve`` processes would have, committing each hit."""
        with separate_database(tmp_path, "ratelimit"):
            engine = db.get_engine()
            allowed = []
            for _ in range(6):
                with Session(engine) as one_process:
                    allowed.append(ratelimit.hit(one_process, "shared", limit=4, window_s=60, now=START).allowed)
                    one_process.commit()
            assert allowed == [True] * 4 + [False] * 2
            with Session(engine) as reader:
                assert reader.exec(select(RateLimitCounter.hits)).one() == 6
