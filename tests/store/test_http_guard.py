"""Request bodies are capped (413 before reading on) and every response carries the security headers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from store import config
from store.app import create_app
from store.config import get_settings

LIMIT = get_settings().max_body_bytes
ORDERS = "/api/v1/sales/orders"


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


class TestBodyCap:
    def test_a_declared_length_over_the_limit_is_a_413_problem(self, client):
        response = client.post(ORDERS, content=b"{" + b" " * LIMIT + b"}", headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"] == f"the request body is larger than the limit of {LIMIT} bytes"

    def test_a_streamed_body_without_length_is_cut_at_the_limit(self, app, session):
        from tests.factories.auth import create_device
        from tests.factories.premises import create_store

        key, _ = create_device(session, create_store(session))
        with TestClient(app) as client:
            response = client.post(
                ORDERS, content=chunks(LIMIT * 3), headers={"Content-Type": "application/json", "X-Device-Key": key}
            )
        assert response.status_code == 413
        assert response.json()["title"] == "Request body too large"

    def test_a_body_under_the_limit_reaches_the_route(self, client):
        response = client.post(ORDERS, content=b"{}", headers={"Content-Type": "application/json"})
        assert response.status_code == 401  # the route's own answer: no credentials

    def test_a_multipart_upload_gets_the_larger_upload_limit(self, client):
        files = {"file": ("orders.csv", b"x" * (LIMIT + 1024), "text/csv")}
        assert client.post("/api/v1/imports/orders", files=files).status_code == 401  # not 413

    def test_an_admin_form_over_the_limit_is_a_readable_page(self, client):
        response = client.post("/admin/login", content=b"a=" + b"b" * LIMIT, headers={"Content-Type": "text/plain"})
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("text/html")
        assert "提交的内容过大" in response.text


class TestBodyCapReadsNoFurther:
    """At the ASGI level: how much of a huge body the server pulls before it answers."""

    def run(self, app, headers: list[tuple[bytes, bytes]], total: int) -> tuple[int, int]:
        pulled = 0
        status = 0
        body = chunks(total)

        async def receive():
            nonlocal pulled
            chunk = next(body, None)
            pulled += 1
            return {"type": "http.request", "body": chunk or b"", "more_body": chunk is not None}

        async def send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": ORDERS,
            "raw_path": ORDERS.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
        }
        asyncio.run(app(scope, receive, send))
        return status, pulled

    def test_a_declared_100_mb_body_is_refused_without_reading_a_byte(self, app):
        status, pulled = self.run(app, [(b"content-length", str(100 * 2**20).encode())], 100 * 2**20)
        assert (status, pulled) == (413, 0)

    def test_an_undeclared_100_mb_body_is_read_only_up_to_the_limit(self, app):
        status, pulled = self.run(app, [(b"x-device-key", b"not-a-key")], 100 * 2**20)
        assert status in (401, 413)  # the route may refuse the key before it reads the body at all
        assert pulled <= LIMIT // (64 * 1024) + 2


@pytest.fixture
def settings_env(monkeypatch):
    """Set SMARTSTORE_* variables for one app; the settings cache is cleared before and after."""

    def apply(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"SMARTSTORE_{name.upper()}", value)
        config.get_settings.cache_clear()

    yield apply
    config.get_settings.cache_clear()


class TestSettableLimit:
    def test_a_smaller_limit_from_the_environment(self, settings_env):
        settings_env(max_body_bytes="2048")
        with TestClient(create_app()) as client:
            response = client.post(
                ORDERS, content=b"{" + b" " * 4096 + b"}", headers={"Content-Type": "application/json"}
            )
        assert response.status_code == 413
        assert "2048 bytes" in response.json()["detail"]


class TestSecurityHeaders:
    @pytest.mark.parametrize(
        "path",
        ["/healthz", "/api/v1/auth/me", "/api/v1/no-such-thing", "/admin/login", "/kiosk/", "/admin/static/admin.css"],
    )
    def test_every_response_carries_them(self, client, path):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"

    def test_admin_pages_are_not_stored_by_the_browser(self, client):
        assert client.get("/admin/login").headers["Cache-Control"] == "no-store"
        assert "no-store" not in client.get("/admin/static/admin.css").headers.get("Cache-Control", "")

    def test_a_500_carries_them_too(self, app):
        @app.get("/boom-for-test")
        def boom() -> None:
            raise RuntimeError("boom")

        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get("/boom-for-test")
        assert response.status_code == 500
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]

    def test_each_response_gets_its_own_style_nonce(self, client):
        first, second = (client.get("/healthz").headers["Content-Security-Policy"] for _ in range(2))
        assert "'nonce-" in first and first != second


class TestApiDocs:
    def test_the_docs_page_has_no_inline_script(self, client):
        page = client.get("/api/v1/docs").text
        assert "<script>" not in page and "/api/v1/docs/static/swagger-init.js" in page
        assert client.get("/api/v1/docs/static/swagger-init.js").status_code == 200

    def test_the_docs_and_the_spec_can_be_turned_off(self, settings_env):
        settings_env(api_docs="false")
        with TestClient(create_app()) as client:
            assert client.get("/api/v1/docs").status_code == 404
            assert client.get("/api/v1/openapi.json").status_code == 404
