"""The session cookie is HttpOnly and SameSite, and Secure over https or when settings say so."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from store.auth.models import Role
from store.config import get_settings
from tests.auth.test_throttle_http import post_login
from tests.factories.auth import PASSWORD, create_user
from tests.factories.premises import create_store


@pytest.fixture
def manager(session: Session) -> None:
    create_user(session, create_store(session), username="wang.fang", role=Role.manager)
    session.commit()


def session_cookie(client: TestClient) -> str:
    response = post_login(client, "wang.fang", PASSWORD)
    assert response.status_code == 303
    return next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "smartstore_session=" in v)


@pytest.mark.usefixtures("manager")
class TestSessionCookie:
    def test_over_plain_http_in_development_it_is_httponly_and_samesite(self, client):
        cookie = session_cookie(client).lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie

    def test_over_https_it_is_secure(self, app):
        with TestClient(app, base_url="https://testserver") as client:
            assert "secure" in session_cookie(client).lower()

    def test_the_setting_overrides_the_scheme(self, app, monkeypatch):
        # "never" for a proxy that ends TLS but forwards no X-Forwarded-Proto; "always" is the opposite case.
        monkeypatch.setattr(get_settings(), "cookie_secure", "never")
        with TestClient(app, base_url="https://testserver") as client:
            assert "secure" not in session_cookie(client).lower()
