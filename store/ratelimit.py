"""A rate limiter in the database, so every ``serve`` process behind a proxy shares one count.

DESIGN.md: public pages (complaint form, OTP requests, sign-in) are rate-limited, and nothing keeps
state in process memory. Each bucket (``"signin:203.0.113.9"``) counts hits per fixed window in
``rate_limit_counter``, one row per bucket and window, bumped by one atomic upsert; the decision weighs the
previous window by how much of it still overlaps the sliding window (the "sliding window counter"),
so a burst at a window's edge cannot pass twice the limit.

A hit is written in the caller's session: a route that refuses must *answer* its refusal rather than
raise it, or the rollback forgets the hit (see ``store.auth.api.issue_token``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Column, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select

from store.clock import utcnow
from store.errors import StoreError

KEEP_S = 24 * 3600  # counters older than a day are purged (no window is longer)


class RateLimitCounter(SQLModel, table=True):
    """Hits of one bucket in one fixed window."""

    __tablename__ = "rate_limit_counter"

    bucket: str = Field(primary_key=True, max_length=128)
    window_start: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))  # epoch s
    hits: int = 0


class RateLimited(StoreError):
    """Too many requests from one caller for one kind of request."""

    status_code = 429
    type = "rate-limited"
    title = "Too many requests"

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = max(1, math.ceil(retry_after_s))
        super().__init__(f"too many requests: try again in {self.retry_after_s} second(s)")

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    estimate: float  # hits in the sliding window, this one included
    retry_after_s: float


def _bump(session: Session, bucket: str, window_start: int) -> int:
    """Add one hit to (bucket, window) in one statement, whichever process gets there first; the new count."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = RateLimitCounter.__table__  # type: ignore[attr-defined]
    statement = (
        insert(table)
        .values(bucket=bucket, window_start=window_start, hits=1)
        .on_conflict_do_update(index_elements=["bucket", "window_start"], set_={"hits": table.c.hits + 1})
        .returning(table.c.hits)
    )
    return int(session.execute(statement).scalar_one())


def hit(session: Session, bucket: str, *, limit: int, window_s: int, now: datetime | None = None) -> Decision:
    """Count one request in ``bucket`` and say whether it stays within ``limit`` per ``window_s``."""
    moment = (now or utcnow()).timestamp()
    start = int(moment // window_s) * window_s
    current = _bump(session, bucket[:128], start)
    previous = session.exec(
        select(RateLimitCounter.hits).where(
            col(RateLimitCounter.bucket) == bucket[:128], col(RateLimitCounter.window_start) == start - window_s
        )
    ).first()
    elapsed = moment - start
    estimate = (previous or 0) * (window_s - elapsed) / window_s + current
    if estimate <= limit:
        return Decision(True, estimate, 0.0)
    # Wait until the previous window has faded enough for one more hit, or, if this window alone is
    # full, until it ends. Refused hits count too: a caller that keeps hammering stays refused.
    room = limit - current - 1
    if room < 0 or not previous:
        retry = window_s - elapsed
    else:
        retry = max(0.0, (window_s - elapsed) - room * window_s / previous)
    return Decision(False, estimate, max(retry, 1.0))


def check(session: Session, bucket: str, *, limit: int, window_s: int, now: datetime | None = None) -> None:
    """:func:`hit`, raising :class:`RateLimited` when the bucket is over its limit."""
    decision = hit(session, bucket, limit=limit, window_s=window_s, now=now)
    if not decision.allowed:
        raise RateLimited(decision.retry_after_s)


def purge(session: Session, *, now: datetime | None = None) -> int:
    """Delete counters older than a day; returns how many went."""
    cutoff = int((now or utcnow()).timestamp()) - KEEP_S
    result = session.exec(delete(RateLimitCounter).where(col(RateLimitCounter.window_start) < cutoff))
    return result.rowcount or 0
