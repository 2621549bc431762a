"""Sign-in throttle: after five failures for one username or one address, sign-ins wait out the window.

Time is moved by passing ``now=`` to the service, never by sleeping.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from store.auth import service as auth_service
from store.auth.errors import TooManyAttempts
from store.auth.models import LoginFailure, Role
from store.clock import utcnow
from store.config import get_settings
from store.errors import Unauthorized
from tests.factories.auth import PASSWORD, create_user
from tests.factories.premises import create_store

HERE, THERE = "198.51.100.7", "203.0.113.9"
WINDOW = timedelta(seconds=get_settings().login_window_s)


def fail(session: Session, username: str, times: int, *, client: str | None = HERE, now=None) -> None:
    """Sign in ``times`` times with a wrong password."""
    for _ in range(times):
        with pytest.raises(Unauthorized):
            auth_service.login(session, username, "not-the-password", 3600, client=client, now=now)


@pytest.fixture
def users(session: Session) -> None:
    store = create_store(session)
    create_user(session, store, username="li.na", role=Role.cashier)
    create_user(session, store, username="wang.fang", role=Role.manager)


@pytest.mark.usefixtures("users")
class TestLockout:
    def test_five_wrong_passwords_then_the_right_one_is_refused(self, session):
        start = utcnow()
        fail(session, "li.na", 5, now=start)
        with pytest.raises(TooManyAttempts, match="try again in 15 minute") as refused:
            auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE, now=start + timedelta(seconds=10))
        assert refused.value.status_code == 429
        assert refused.value.headers == {"Retry-After": str(int(WINDOW.total_seconds()) - 10)}

    def test_four_wrong_passwords_still_let_the_right_one_in(self, session):
        fail(session, "li.na", 4)
        secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE)
        assert auth_service.resolve_session(session, secret) is not None

    def test_the_right_password_works_again_once_the_window_passed(self, session):
        start = utcnow()
        fail(session, "li.na", 5, now=start)
        secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE, now=start + WINDOW)
        assert auth_service.resolve_session(session, secret) is not None

    def test_api_tokens_are_throttled_like_browser_logins(self, session):
        fail(session, "li.na", 5)
        with pytest.raises(TooManyAttempts):
            auth_service.token_for_password(session, "li.na", PASSWORD, 3600, client=HERE)

    def test_changing_case_or_spaces_does_not_get_around_the_limit(self, session):
        fail(session, "LI.NA", 3)
        fail(session, " li.na ", 2)
        with pytest.raises(TooManyAttempts):
            auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE)


@pytest.mark.usefixtures("users")
class TestWhoIsLockedOut:
    def test_another_user_from_another_address_is_unaffected(self, session):
        fail(session, "li.na", 5, client=HERE)
        secret, _ = auth_service.login(session, "wang.fang", PASSWORD, 3600, client=THERE)
        assert auth_service.resolve_session(session, secret) is not None

    def test_the_locked_user_is_refused_from_another_address_too(self, session):
        fail(session, "li.na", 5, client=HERE)
        with pytest.raises(TooManyAttempts):
            auth_service.login(session, "li.na", PASSWORD, 3600, client=THERE)

    def test_an_address_guessing_many_usernames_is_refused(self, session):
        for name in ("a.one", "b.two", "c.three", "d.four", "e.five"):
            fail(session, name, 1, client=HERE)
        with pytest.raises(TooManyAttempts):
            auth_service.login(session, "wang.fang", PASSWORD, 3600, client=HERE)

    def test_unknown_and_existing_usernames_are_refused_alike(self, session):
        start = utcnow()
        fail(session, "li.na", 5, client=HERE, now=start)
        fail(session, "nobody.here", 5, client=THERE, now=start)
        refusals = []
        for username, client in (("li.na", HERE), ("nobody.here", THERE)):
            with pytest.raises(TooManyAttempts) as refused:
                auth_service.login(session, username, "anything-at-all", 3600, client=client, now=start)
            refusals.append((refused.value.message, refused.value.retry_after_s))
        assert refusals[0] == refusals[1]


@pytest.mark.usefixtures("users")
class TestSuccessClearsFailures:
    def test_signing_in_forgets_that_users_earlier_mistakes(self, session):
        fail(session, "li.na", 4)
        auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE)
        fail(session, "li.na", 4, client=THERE)
        auth_service.login(session, "li.na", PASSWORD, 3600, client=THERE)  # not refused: 4, not 8

    def test_other_users_failures_are_kept(self, session):
        fail(session, "wang.fang", 2)
        auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE)
        assert len(session.exec(select(LoginFailure).where(LoginFailure.username == "wang.fang")).all()) == 2


@pytest.mark.usefixtures("users")
class TestNightlyPurge:
    def test_failures_older_than_the_window_are_deleted_and_recent_ones_kept(self, session):
        now = utcnow()
        fail(session, "li.na", 2, now=now - WINDOW - timedelta(seconds=1))
        fail(session, "wang.fang", 1, now=now - timedelta(seconds=5))
        auth_service.purge_expired(session, now=now)
        left = session.exec(select(LoginFailure.username)).all()
        assert left == ["wang.fang"]
