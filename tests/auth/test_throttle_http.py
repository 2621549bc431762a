"""What a script and a manager see when sign-ins are throttled: a 429 with Retry-After, a readable page."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from store.auth.deps import SESSION_COOKIE
from store.auth.models import LoginFailure, Role
from store.config import get_settings
from tests.factories.auth import PASSWORD, create_user
from tests.factories.premises import create_store

TOKEN = "/api/v1/auth/token"
WINDOW_S = get_settings().login_window_s


@pytest.fixture
def users(session: Session) -> None:
    store = create_store(session)
    create_user(session, store, username="li.na", role=Role.cashier)
    create_user(session, store, username="wang.fang", role=Role.manager)
    session.commit()


def wrong_tokens(client: TestClient, username: str, times: int) -> None:
    for _ in range(times):
        assert client.post(TOKEN, json={"username": username, "password": "not-the-password"}).status_code == 401


def age_failures(session: Session, by: timedelta) -> None:
    """Move every recorded failure into the past, as if ``by`` had gone by."""
    for row in session.exec(select(LoginFailure)):
        row.failed_at -= by
        session.add(row)
    session.flush()


@pytest.mark.usefixtures("users")
class TestTokenThrottle:
    def test_five_wrong_passwords_then_the_right_one_is_429_with_retry_after(self, client):
        wrong_tokens(client, "li.na", 5)
        response = client.post(TOKEN, json={"username": "li.na", "password": PASSWORD})
        assert response.status_code == 429
        assert response.headers["content-type"].startswith("application/problem+json")
        assert 0 < int(response.headers["Retry-After"]) <= WINDOW_S
        body = response.json()
        assert body["type"].endswith("/too-many-attempts")
        assert body["detail"].startswith("too many failed sign-in attempts")
        assert "access_token" not in body

    def test_failures_are_remembered_although_each_request_failed(self, client, session):
        wrong_tokens(client, "li.na", 2)
        assert len(session.exec(select(LoginFailure)).all()) == 2

    def test_the_right_password_works_again_after_the_window(self, client, session):
        wrong_tokens(client, "li.na", 5)
        age_failures(session, timedelta(seconds=WINDOW_S))
        assert client.post(TOKEN, json={"username": "li.na", "password": PASSWORD}).status_code == 200

    def test_another_user_from_another_address_is_unaffected(self, app, client):
        wrong_tokens(client, "li.na", 5)
        with TestClient(app, client=("203.0.113.9", 50000)) as elsewhere:
            response = elsewhere.post(TOKEN, json={"username": "wang.fang", "password": PASSWORD})
        assert response.status_code == 200

    def test_a_stranger_cannot_lock_the_user_out(self, app, client):
        with TestClient(app, client=("203.0.113.9", 50000)) as stranger:
            wrong_tokens(stranger, "li.na", 5)
            assert stranger.post(TOKEN, json={"username": "li.na", "password": PASSWORD}).status_code == 429
        assert client.post(TOKEN, json={"username": "li.na", "password": PASSWORD}).status_code == 200

    def test_unknown_username_is_refused_the_same_way(self, client):
        refusals = []
        for username in ("nobody.here", "li.na"):
            wrong_tokens(client, username, 5)
            response = client.post(TOKEN, json={"username": username, "password": PASSWORD})
            refusals.append((response.status_code, response.json()["detail"]))
        assert refusals[0] == refusals[1] and refusals[0][0] == 429

    def test_too_many_sign_ins_from_one_address_are_rate_limited(self, client, monkeypatch):
        monkeypatch.setattr(get_settings(), "signin_rate_per_minute", 3)
        for _ in range(3):
            assert client.post(TOKEN, json={"username": "li.na", "password": PASSWORD}).status_code == 200
        response = client.post(TOKEN, json={"username": "li.na", "password": PASSWORD})
        assert response.status_code == 429
        assert response.json()["type"].endswith("/rate-limited")
        assert int(response.headers["Retry-After"]) > 0

    def test_the_spec_documents_the_429(self, app):
        responses = app.openapi()["paths"][TOKEN]["post"]["responses"]
        assert {"200", "401", "429"} <= set(responses)


def post_login(client: TestClient, username: str, password: str, *, lang: str = "") -> httpx.Response:
    page = client.get("/admin/login" + (f"?lang={lang}" if lang else ""))
    token = re.search(r'name="csrf_token" value="([^"]*)"', page.text)
    assert token, "no form token on the login page"
    form = {"username": username, "password": password, "next": "/admin/", "csrf_token": token.group(1)}
    return client.post("/admin/login" + (f"?lang={lang}" if lang else ""), data=form, follow_redirects=False)


@pytest.mark.usefixtures("users")
class TestAdminLoginThrottle:
    def test_the_login_page_says_to_wait_in_chinese(self, client):
        for _ in range(5):
            assert post_login(client, "wang.fang", "not-the-password").status_code == 400
        page = post_login(client, "wang.fang", PASSWORD)
        assert page.status_code == 429
        assert "登录失败次数过多，请在 1 分钟后重试。" in page.text
        assert int(page.headers["Retry-After"]) > 0
        assert SESSION_COOKIE not in client.cookies

    def test_the_login_page_says_to_wait_in_english(self, client):
        for _ in range(5):
            post_login(client, "wang.fang", "not-the-password", lang="en")
        page = post_login(client, "wang.fang", PASSWORD, lang="en")
        assert "Too many failed sign-in attempts. Please try again in 1 minutes." in page.text

    def test_the_manager_signs_in_after_the_window(self, client, session):
        for _ in range(5):
            post_login(client, "wang.fang", "not-the-password")
        age_failures(session, timedelta(seconds=get_settings().login_backoff_s))
        assert post_login(client, "wang.fang", PASSWORD).status_code == 303

    def test_the_login_page_says_when_the_address_is_rate_limited(self, client, monkeypatch):
        monkeypatch.setattr(get_settings(), "signin_rate_per_minute", 1)
        assert post_login(client, "wang.fang", "not-the-password").status_code == 400
        page = post_login(client, "wang.fang", PASSWORD)
        assert page.status_code == 429
        assert "此地址的登录尝试过多" in page.text
