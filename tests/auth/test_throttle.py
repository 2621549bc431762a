"""Sign-in throttle: five failures of one username from one address, then waits that double each time.

A stranger elsewhere cannot lock a user out (issue 7). Time is moved by passing ``now=``, never by sleeping.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from store.auth import service as auth_service
from store.auth import throttle
from store.auth.errors import TooManyAttempts
from store.auth.models import LoginFailure, Role
from store.clock import utcnow
from store.config import get_settings
from store.errors import Unauthorized
from tests.factories.auth import PASSWORD, create_user
from tests.factories.premises import create_store

HERE, THERE = "198.51.100.7", "203.0.113.9"
WINDOW = timedelta(seconds=get_settings().login_window_s)
BACKOFF = timedelta(seconds=get_settings().login_backoff_s)


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
    def test_five_wrong_passwords_then_the_right_one_waits_the_first_back_off(self, session):
        start = utcnow()
        fail(session, "li.na", 5, now=start)
        with pytest.raises(TooManyAttempts, match="try again in 1 minute") as refused:
            auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE, now=start + timedelta(seconds=10))
        assert refused.value.status_code == 429
        assert refused.value.headers == {"Retry-After": str(int(BACKOFF.total_seconds()) - 10)}

    def test_four_wrong_passwords_still_let_the_right_one_in(self, session):
        fail(session, "li.na", 4)
        secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE)
        assert auth_service.resolve_session(session, secret) is not None

    def test_the_right_password_works_again_once_the_back_off_passed(self, session):
        start = utcnow()
        fail(session, "li.na", 5, now=start)
        secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE, now=start + BACKOFF)
        assert auth_service.resolve_session(session, secret) is not None

    def test_each_further_failure_doubles_the_wait(self, session):
        now = utcnow()
        fail(session, "li.na", 5, now=now)
        waits = []
        for _ in range(3):
            now += timedelta(seconds=BACKOFF.total_seconds() * 2 ** len(waits))  # the wait just passed
            fail(session, "li.na", 1, now=now)
            with pytest.raises(TooManyAttempts) as refused:
                auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE, now=now)
            waits.append(refused.value.retry_after_s)
        b = int(BACKOFF.total_seconds())
        assert waits == [2 * b, 4 * b, 8 * b]

    def test_the_wait_never_passes_the_window(self):
        limit = get_settings().login_max_failures
        assert throttle.lock_for(limit - 1) is None
        assert throttle.lock_for(limit) == BACKOFF
        assert throttle.lock_for(limit + 40) == WINDOW

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
    def test_a_stranger_cannot_lock_the_user_out(self, session):
        fail(session, "li.na", 5, client=THERE)
        with pytest.raises(TooManyAttempts):
            auth_service.login(session, "li.na", PASSWORD, 3600, client=THERE)
        secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE)
        assert auth_service.resolve_session(session, secret) is not None

    def test_the_same_address_may_still_sign_in_as_another_user(self, session):
        fail(session, "li.na", 5, client=HERE)
        secret, _ = auth_service.login(session, "wang.fang", PASSWORD, 3600, client=HERE)
        assert auth_service.resolve_session(session, secret) is not None

    def test_an_address_guessing_many_usernames_is_refused(self, session, monkeypatch):
        monkeypatch.setattr(get_settings(), "login_max_failures_per_address", 8)
        for n in range(8):
            fail(session, f"guess.{n}", 1, client=HERE)
        with pytest.raises(TooManyAttempts):
            auth_service.login(session, "wang.fang", PASSWORD, 3600, client=HERE)
        secret, _ = auth_service.login(session, "wang.fang", PASSWORD, 3600, client=THERE)
        assert auth_service.resolve_session(session, secret) is not None

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
    def test_signing_in_forgets_that_users_earlier_mistakes_from_that_address(self, session):
        fail(session, "li.na", 4)
        auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE)
        fail(session, "li.na", 4)
        auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE)  # not refused: 4, not 8

    def test_signing_in_does_not_reset_a_strangers_back_off(self, session):
        fail(session, "li.na", 5, client=THERE)
        auth_service.login(session, "li.na", PASSWORD, 3600, client=HERE)
        with pytest.raises(TooManyAttempts):
            auth_service.login(session, "li.na", PASSWORD, 3600, client=THERE)

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
