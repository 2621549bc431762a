"""Forms posted without this session's token are refused with a readable page, and change nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.premises import service as premises_service
from tests.admin.conftest import Premises, sign_in
from tests.admin.test_premises import GOOD_SHOP


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
