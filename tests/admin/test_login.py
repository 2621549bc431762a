"""Signing in and out of the back office, and what a signed-out or expired visitor sees."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.auth.deps import SESSION_COOKIE
from tests.admin.conftest import Premises, hidden, sign_in
from tests.factories.auth import PASSWORD, expire_session


def _post_login(client: TestClient, username: str, password: str, next_path: str = "/admin/premises", **headers):
    page = client.get("/admin/login")
    token = hidden(page.text, "csrf_token")
    form = {"username": username, "password": password, "next": next_path, "csrf_token": token}
    return client.post("/admin/login", data=form, headers=headers, follow_redirects=False)


class TestSignIn:
    def test_right_password_opens_the_page_that_was_asked_for(self, client: TestClient, premises: Premises):
        response = _post_login(client, "manager-wang", PASSWORD)
        assert response.status_code == 303
        assert response.headers["location"] == "/admin/premises"
        cookie = response.headers["set-cookie"]
        assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
        assert "门店与商户" in client.get("/admin/premises").text

    def test_wrong_password_says_so_and_signs_nobody_in(self, client: TestClient, premises: Premises):
        response = _post_login(client, "manager-wang", "not-the-password")
        assert response.status_code == 400
        assert "用户名或密码错误" in response.text
        assert SESSION_COOKIE not in client.cookies

    def test_login_form_posted_from_another_site_is_refused(self, client: TestClient, premises: Premises):
        response = _post_login(client, "manager-wang", PASSWORD, origin="https://evil.example")
        assert response.status_code == 403
        assert "登录表单已过期" in response.text
        assert SESSION_COOKIE not in client.cookies

    def test_login_without_the_form_token_is_refused(self, client: TestClient, premises: Premises):
        form = {"username": "manager-wang", "password": PASSWORD, "csrf_token": "forged"}
        response = client.post("/admin/login", data=form, follow_redirects=False)
        assert response.status_code == 403

    def test_next_cannot_send_the_browser_to_another_site(self, client: TestClient, premises: Premises):
        response = _post_login(client, "manager-wang", PASSWORD, next_path="https://evil.example/")
        assert response.headers["location"] == "/admin/"


class TestSignedOut:
    def test_visitor_without_a_session_is_sent_to_sign_in_and_back(self, client: TestClient, premises: Premises):
        response = client.get("/admin/premises?floor=1", follow_redirects=False)
        assert response.status_code == 303
        target = urlsplit(response.headers["location"])
        assert target.path == "/admin/login"
        assert parse_qs(target.query) == {"next": ["/admin/premises?floor=1"]}
        assert "登录已过期" not in client.get(response.headers["location"]).text

    def test_expired_session_is_told_it_expired(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.manager)
        expire_session(session, client.cookies[SESSION_COOKIE])
        response = client.get("/admin/premises")  # follows the redirect to the login page
        assert response.url.path == "/admin/login"
        assert "登录已过期，请重新登录。" in response.text

    def test_unknown_cookie_reads_as_expired(self, client: TestClient, premises: Premises):
        client.cookies.set(SESSION_COOKIE, "left-over-from-an-old-server")
        response = client.get("/admin/premises", follow_redirects=False)
        assert "expired=1" in response.headers["location"]

    def test_htmx_request_is_redirected_by_header(self, client: TestClient, premises: Premises):
        response = client.get("/admin/premises", headers={"HX-Request": "true"}, follow_redirects=False)
        assert response.headers["HX-Redirect"].startswith("/admin/login?")


class TestSignOut:
    def test_sign_out_ends_the_session(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.manager)
        response = client.post("/admin/logout", data={"csrf_token": csrf}, follow_redirects=False)
        assert response.headers["location"] == "/admin/login?bye=1"
        client.cookies.clear()
        assert "您已退出登录" in client.get("/admin/login?bye=1").text

    def test_old_cookie_does_not_work_after_sign_out(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.manager)
        cookie = client.cookies[SESSION_COOKIE]
        client.post("/admin/logout", data={"csrf_token": csrf}, follow_redirects=False)
        client.cookies.set(SESSION_COOKIE, cookie)
        assert client.get("/admin/premises", follow_redirects=False).status_code == 303


class TestCashierSignIn:
    def test_a_cashier_signing_in_sees_what_to_do_not_a_403(self, client: TestClient, premises: Premises):
        response = _post_login(client, "cashier-zhao", PASSWORD, next_path="/admin/")
        assert response.headers["location"] == "/admin/"
        page = client.get("/admin/")
        assert page.status_code == 200 and "收银台" in page.text and "403" not in page.text
