"""Adding a floor and setting the store's own staff from the premises page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.premises import service as premises_service
from tests.admin.conftest import Premises, field_error, sign_in, store_today


class TestNewFloor:
    def test_floor_is_added_and_listed(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.manager)
        data = {"code": "3F", "name": "三楼", "name_en": "Level 3", "level": "3", "csrf_token": csrf}
        response = client.post("/admin/premises/floors/new", data=data)
        assert response.url.path == "/admin/premises" and "3F · 三楼" in response.text

    def test_duplicate_code_is_explained_beside_the_code(
        self, client: TestClient, session: Session, premises: Premises
    ):
        csrf = sign_in(client, session, premises.manager)
        data = {"code": "1F", "name": "又一个一楼", "level": "9", "csrf_token": csrf}
        response = client.post("/admin/premises/floors/new", data=data)
        assert response.status_code == 400 and field_error(response.text, "code") == "该编号已被使用。"
        assert len(premises_service.list_floors(session, premises.store.id)) == 2  # type: ignore[arg-type]

    def test_level_must_be_a_whole_number(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.manager)
        data = {"code": "4F", "name": "四楼", "level": "four", "csrf_token": csrf}
        assert field_error(client.post("/admin/premises/floors/new", data=data).text, "level") == "请输入整数。"


class TestStoreStaff:
    def test_manager_sets_the_stores_own_staff(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.manager)
        response = client.post(
            "/admin/premises/staff", data={"headcount": "15"}, headers={"HX-Request": "true", "X-CSRF-Token": csrf}
        )
        assert 'value="15"' in response.text and "已保存" in response.text
        total = premises_service.headcount_on(session, premises.store.id, store_today(premises))  # type: ignore[arg-type]
        assert total == 15 + 4 + 2 + 6

    def test_tenant_staff_cannot(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.tenant)
        assert client.post("/admin/premises/staff", data={"headcount": "0", "csrf_token": csrf}).status_code == 403
