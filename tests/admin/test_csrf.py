"""Forms posted without this session's token are refused with a readable page, and change nothing.

Every admin and kiosk route that writes is found from the routers and checked (issue 8).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

import kiosk.web as kiosk_web
from admin.deps import checked_form
from admin.pages import page_modules
from store.premises import service as premises_service
from tests.admin.conftest import Premises, sign_in
from tests.admin.test_premises import GOOD_SHOP

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [*(ROOT / "admin" / "templates").rglob("*.html"), *(ROOT / "kiosk" / "templates").rglob("*.html")]


class TestCsrf:
    def test_form_without_token_is_refused_and_nothing_written(
        self, client: TestClient, session: Session, premises: Premises
    ):
        sign_in(client, session, premises.manager)
        response = client.post("/admin/premises/shops/new", data=GOOD_SHOP)
        assert response.status_code == 403
        assert "表单已过期或来自其他网站" in response.text
        codes = {shop.code for shop in premises_service.list_shops(session, premises.store.id)}  # type: ignore[arg-type]
        assert GOOD_SHOP["code"] not in codes

    def test_token_of_another_session_is_refused(self, client: TestClient, session: Session, premises: Premises):
        other_token = sign_in(client, session, premises.tenant)
        sign_in(client, session, premises.manager)
        response = client.post("/admin/premises/shops/new", data={**GOOD_SHOP, "csrf_token": other_token})
        assert response.status_code == 403

    def test_sign_out_needs_the_token_too(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.manager)
        assert client.post("/admin/logout", data={}).status_code == 403
        assert client.get("/admin/premises", follow_redirects=False).status_code == 200


# Every route of the admin and kiosk that changes something, found from the routers (a new one is checked too).
def _writing_routes() -> list[APIRoute]:
    routers = [module.router for module in page_modules()] + [kiosk_web.router]
    return [
        route
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and route.methods - {"GET", "HEAD", "OPTIONS"}
    ]


# The login form has no session yet: its double-submit cookie and Origin check are tested in test_login.py.
OWN_CHECK = {"/admin/login"}
WRITING = [route for route in _writing_routes() if route.path not in OWN_CHECK]


def _calls(dependant: Dependant) -> set[object]:
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


class TestEveryForm:
    def test_there_are_forms_to_check(self):
        assert len(WRITING) >= 9

    @pytest.mark.parametrize("route", WRITING, ids=lambda r: r.path)
    def test_every_writing_route_depends_on_the_token_check(self, route: APIRoute):
        assert checked_form in _calls(route.dependant)

    @pytest.mark.parametrize("route", WRITING, ids=lambda r: r.path)
    def test_every_writing_route_refuses_a_post_without_the_token(
        self, client: TestClient, session: Session, premises: Premises, route: APIRoute
    ):
        sign_in(client, session, premises.manager)
        path = route.path.replace("{shop_id}", str(premises.shops["1F-001"].id))
        for headers in ({}, {"HX-Request": "true", "X-CSRF-Token": "forged"}):
            response = client.post(path, data={"headcount": "99", "code": "9F"}, headers=headers)
            assert response.status_code == 403, path
            assert "表单已过期或来自其他网站" in response.text

    @pytest.mark.parametrize("template", sorted(TEMPLATE_DIRS), ids=str)
    def test_every_post_form_in_the_templates_carries_the_token(self, template: Path):
        text = template.read_text(encoding="utf-8")
        for form in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.S | re.I):
            opening = form.group(0)[: form.group(0).index(">") + 1]
            if re.search(r"method=\"post\"|hx-post", opening, re.I):
                assert re.search(r"csrf", form.group(1)), f"a post form in {template} has no CSRF token"


class TestOddTokens:
    def test_a_non_ascii_token_in_a_form_is_refused_not_a_500(
        self, client: TestClient, session: Session, premises: Premises
    ):
        sign_in(client, session, premises.manager)
        response = client.post("/admin/premises/shops/new", data={**GOOD_SHOP, "csrf_token": "令牌"})
        assert response.status_code == 403
