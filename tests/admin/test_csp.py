"""The pages pass their own Content-Security-Policy: no inline script, handler or style attribute (issue 8).

Every GET page of the admin and the kiosk (found from the routers) is fetched and its HTML read the way
a browser applies the policy: a ``<script>`` must load a file (JSON data blocks are not run), no ``on*``
attribute, no ``style`` attribute, and a ``<style>`` block only with this response's nonce.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

import kiosk.web as kiosk_web
from admin.pages import page_modules
from tests.admin.conftest import Premises, sign_in


class PolicyReader(HTMLParser):
    """What a browser enforcing ``script-src 'self'; style-src 'self' 'nonce-…'`` would block."""

    def __init__(self, nonce: str) -> None:
        super().__init__()
        self.nonce = nonce
        self.blocked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, _ in attrs:
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=…> handler")
            if name == "style":
                self.blocked.append(f"<{tag} style=…> attribute")
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.blocked.append("inline <script>")
        if tag == "style" and values.get("nonce") != self.nonce:
            self.blocked.append("<style> without this response's nonce")
        if tag == "a" and (values.get("href") or "").lower().startswith("javascript:"):
            self.blocked.append("javascript: link")


def blocked(response) -> list[str]:
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    reader = PolicyReader(nonce.group(1) if nonce else "")
    reader.feed(response.text)
    return reader.blocked


def page_paths() -> list[str]:
    routes = [r for m in page_modules() for r in m.router.routes] + list(kiosk_web.router.routes)
    return sorted(
        {
            r.path
            for r in routes
            if isinstance(r, APIRoute)
            and "GET" in r.methods
            and "{" not in r.path
            and not r.path.endswith((".pdf", ".xlsx", ".json", ".csv"))
        }
    )


class TestPagesPassTheirPolicy:
    @pytest.mark.parametrize("path", page_paths())
    def test_signed_in_page(self, client: TestClient, session: Session, premises: Premises, path: str):
        sign_in(client, session, premises.manager)
        response = client.get(path)
        if "text/html" not in response.headers.get("content-type", ""):
            pytest.skip(f"{path} is not a page")
        assert response.status_code < 500
        assert blocked(response) == []

    def test_the_login_page(self, client: TestClient):
        assert blocked(client.get("/admin/login")) == []

    def test_the_floor_filter_submits_through_a_script_file(self, client, session, premises):
        sign_in(client, session, premises.manager)
        page = client.get("/admin/premises").text
        assert "data-autosubmit" in page and "/admin/static/js/forms.js" in page
        assert client.get("/admin/static/js/forms.js").status_code == 200

    def test_the_reader_sees_what_the_policy_blocks(self, client):
        response = client.get("/admin/login")
        response._content = response.content.replace(
            b"</body>", b'<div style="x" onclick="y()"></div><script>1</script></body>'
        )
        assert len(blocked(response)) == 3
