"""Sign-in throttle: after too many failures for one username or one client address, refuse for a while.

DESIGN.md: public endpoints are rate-limited, and nothing keeps state in process memory: several
``serve`` processes behind a proxy share one database, so the failures live in ``login_failure``.
The rule looks only at the name as typed, never at the user table, so a refusal (and its timing) is
the same for a username that exists and one that does not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from store.auth.errors import TooManyAttempts
from store.auth.models import LoginFailure
from store.clock import utcnow
from store.config import get_settings


def _name(username: str) -> str:
    # "Admin" and "admin " count against the same name: case and spaces are no way around the limit.
    return username.strip().lower()[:64]


def _window() -> timedelta:
    return timedelta(seconds=get_settings().login_window_s)


def unlock_at(session: Session, username: str, client: str | None, *, now: datetime | None = None) -> datetime | None:
    """When this username and client address may try again, or None when they may try now."""
    now = now or utcnow()
    limit, window = get_settings().login_max_failures, _window()
    scopes = [col(LoginFailure.username) == _name(username)]
    if client:
        scopes.append(col(LoginFailure.client_address) == client[:64])
    unlocks = []
    for scope in scopes:
        # The limit-th most recent failure in the window: once it leaves the window, one more try is allowed.
        query = (
            select(LoginFailure.failed_at)
            .where(scope, col(LoginFailure.failed_at) > now - window)
            .order_by(col(LoginFailure.failed_at).desc())
            .offset(limit - 1)
            .limit(1)
        )
        if (nth := session.exec(query).first()) is not None:
            unlocks.append(nth + window)
    return max(unlocks, default=None)


def check(session: Session, username: str, client: str | None, *, now: datetime | None = None) -> None:
    """Raise :class:`TooManyAttempts` while this username or client address is locked out."""
    now = now or utcnow()
    until = unlock_at(session, username, client, now=now)
    if until is not None:
        raise TooManyAttempts((until - now).total_seconds())


def record_failure(session: Session, username: str, client: str | None, *, now: datetime | None = None) -> None:
    """Remember a failed sign-in; the caller must commit it even though the sign-in fails."""
    session.add(
        LoginFailure(
            username=_name(username), client_address=client[:64] if client else None, failed_at=now or utcnow()
        )
    )
    session.flush()


def clear(session: Session, username: str) -> None:
    """Forget the failures of a username (after it signed in with the right password)."""
    session.exec(delete(LoginFailure).where(col(LoginFailure.username) == _name(username)))


def purge(session: Session, *, now: datetime | None = None) -> int:
    """Delete failures older than the window (they no longer count); returns how many went."""
    cutoff = (now or utcnow()) - _window()
    result = session.exec(delete(LoginFailure).where(col(LoginFailure.failed_at) <= cutoff))
    return result.rowcount or 0
