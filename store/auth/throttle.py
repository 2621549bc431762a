"""Sign-in throttle: a username *and* address pair that keeps failing waits longer and longer.

Issue 7: counting failures per username let a stranger lock the admin out by typing five wrong
passwords from anywhere. Now the lock belongs to the pair (username, client address): after
``login_max_failures`` failures of that pair within ``login_window_s``, the pair waits
``login_backoff_s``, twice that after one more failure, four times after two more … at most the window.
The same user from another address is not slowed at all. One address failing across many usernames
(password spraying) is refused as a whole after ``login_max_failures_per_address`` failures in the window.

DESIGN.md: nothing keeps state in process memory: several ``serve`` processes behind a proxy share one
database, so the failures live in ``login_failure``. The rule looks only at the name as typed, never at
the user table, so a refusal (and its timing) is the same for a username that exists and one that does not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from store.auth.errors import TooManyAttempts
from store.auth.models import LoginFailure
from store.clock import utcnow
from store.config import get_settings


def _name(username: str) -> str:
    # "Admin" and "admin " count against the same name: case and spaces are no way around the limit.
    return username.strip().lower()[:64]


def _address(client: str | None) -> str | None:
    return client[:64] if client else None


def _window() -> timedelta:
    return timedelta(seconds=get_settings().login_window_s)


def _pair(username: str, client: str | None) -> ColumnElement[bool]:
    address = _address(client)
    same_address = (
        col(LoginFailure.client_address) == address if address else col(LoginFailure.client_address).is_(None)
    )
    return (col(LoginFailure.username) == _name(username)) & same_address


def lock_for(failures: int) -> timedelta | None:
    """How long a pair waits after its ``failures``-th failure in the window (None: not locked)."""
    settings = get_settings()
    over = failures - settings.login_max_failures
    if over < 0:
        return None
    seconds = settings.login_backoff_s * 2 ** min(over, 32)
    return min(timedelta(seconds=seconds), _window())


def unlock_at(session: Session, username: str, client: str | None, *, now: datetime | None = None) -> datetime | None:
    """When this username from this address may try again, or None when it may try now."""
    now = now or utcnow()
    since = now - _window()
    unlocks = []
    # A locked pair is refused before its password is checked, so it records nothing more while it waits:
    # the rows read here stay a handful.
    recent = session.exec(
        select(LoginFailure.failed_at)
        .where(_pair(username, client), col(LoginFailure.failed_at) > since)
        .order_by(col(LoginFailure.failed_at).desc())
    ).all()
    if (lock := lock_for(len(recent))) is not None:
        unlocks.append(recent[0] + lock)
    if address := _address(client):
        # The n-th most recent failure of this address in the window: once it leaves the window, one more try.
        nth = session.exec(
            select(LoginFailure.failed_at)
            .where(col(LoginFailure.client_address) == address, col(LoginFailure.failed_at) > since)
            .order_by(col(LoginFailure.failed_at).desc())
            .offset(get_settings().login_max_failures_per_address - 1)
            .limit(1)
        ).first()
        if nth is not None:
            unlocks.append(nth + _window())
    until = max(unlocks, default=None)
    return until if until is not None and until > now else None


def check(session: Session, username: str, client: str | None, *, now: datetime | None = None) -> None:
    """Raise :class:`TooManyAttempts` while this username from this address (or the address) must wait."""
    now = now or utcnow()
    until = unlock_at(session, username, client, now=now)
    if until is not None:
        raise TooManyAttempts((until - now).total_seconds())


def record_failure(session: Session, username: str, client: str | None, *, now: datetime | None = None) -> None:
    """Remember a failed sign-in; the caller must commit it even though the sign-in fails."""
    session.add(LoginFailure(username=_name(username), client_address=_address(client), failed_at=now or utcnow()))
    session.flush()


def clear(session: Session, username: str, client: str | None) -> None:
    """Forget the failures of this username from this address (it just signed in with the right password).

    Only the pair's: a user signing in from the office must not reset a stranger's back-off elsewhere.
    """
    session.exec(delete(LoginFailure).where(_pair(username, client)))


def purge(session: Session, *, now: datetime | None = None) -> int:
    """Delete failures older than the window (they no longer count); returns how many went."""
    cutoff = (now or utcnow()) - _window()
    result = session.exec(delete(LoginFailure).where(col(LoginFailure.failed_at) <= cutoff))
    return result.rowcount or 0
