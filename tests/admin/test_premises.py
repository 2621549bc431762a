"""The premises page: floors and shops, creating and editing shops, staff headcount, who may see what."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from store.premises import service as premises_service
from store.premises.models import Shop
from tests.admin.conftest import Premises, field_error, sign_in, store_today

GOOD_SHOP = {
    "code": "2F-009",
    "name": "新店",
    "name_en": "New Shop",
    "tenant": "新店有限公司",
    "category": "menswear",
    "floor_code": "2F",
    "selling_area_m2": "65.5",
    "opened_on": "2024-03-01",
    "closed_on": "",
}


def _shop_count(session: Session, premises: Premises) -> int:
    return len(session.exec(select(Shop).where(Shop.store_id == premises.store.id)).all())


class TestPremisesPage:
    def test_floors_show_their_shops_area_and_staff(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.manager)
        html = client.get("/admin/premises").text
        floors = html.split('id="floors"')[1].split("</table>")[0]
        assert "1F · 一楼" in floors and "120.5" in floors  # 80 + 40.5 m²
        assert "商场自有员工" in floors and ">22<" in floors  # 4 + 2 + 6 in shops, 10 store staff

    def test_shops_show_category_in_chinese_and_filter_by_floor(
        self, client: TestClient, session: Session, premises: Premises
    ):
        sign_in(client, session, premises.manager)
        html = client.get(f"/admin/premises?floor={premises.floors['2F'].id}").text
        shops = html.split('id="shop-table"')[1]
        assert "2F-001" in shops and "女装" in shops
        assert "1F-001" not in shops


class TestCreateShop:
    def test_new_shop_is_saved_and_listed(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.manager)
        response = client.post("/admin/premises/shops/new", data={**GOOD_SHOP, "csrf_token": csrf})
        assert response.url.path == "/admin/premises" and "已保存" in response.text
        shop = premises_service.get_shop_by_code(session, premises.store.id, "2F-009")
        assert shop.selling_area_m2 == 65.5 and shop.floor_id == premises.floors["2F"].id

    def test_duplicate_code_is_explained_beside_the_code_and_nothing_is_written(
        self, client: TestClient, session: Session, premises: Premises
    ):
        csrf = sign_in(client, session, premises.manager)
        before = _shop_count(session, premises)
        response = client.post("/admin/premises/shops/new", data={**GOOD_SHOP, "code": "1F-001", "csrf_token": csrf})
        assert response.status_code == 400
        assert field_error(response.text, "code") == "该编号已被其他商户使用。"
        assert 'value="新店"' in response.text  # what was typed stays in the form
        assert _shop_count(session, premises) == before

    def test_negative_area_is_explained_beside_the_area_and_nothing_is_written(
        self, client: TestClient, session: Session, premises: Premises
    ):
        csrf = sign_in(client, session, premises.manager)
        before = _shop_count(session, premises)
        response = client.post(
            "/admin/premises/shops/new", data={**GOOD_SHOP, "selling_area_m2": "-20", "csrf_token": csrf}
        )
        assert response.status_code == 400
        assert field_error(response.text, "selling_area_m2") == "必须大于 0。"
        assert field_error(response.text, "code") == ""
        assert _shop_count(session, premises) == before

    def test_every_missing_field_gets_its_own_message(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.manager)
        response = client.post("/admin/premises/shops/new", data={"csrf_token": csrf})
        for field in ("code", "name", "category", "floor_code", "selling_area_m2", "opened_on"):
            assert field_error(response.text, field), field

    def test_closing_before_opening_is_explained_beside_the_closing_day(
        self, client: TestClient, session: Session, premises: Premises
    ):
        csrf = sign_in(client, session, premises.manager)
        data = {**GOOD_SHOP, "closed_on": "2023-01-01", "csrf_token": csrf}
        response = client.post("/admin/premises/shops/new", data=data)
        assert field_error(response.text, "closed_on") == "闭店日期早于开业日期。"


class TestEditShop:
    def test_changes_are_saved(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.manager)
        shop = premises.shops["1F-002"]
        form = client.get(f"/admin/premises/shops/{shop.id}/edit").text
        assert 'value="40.5"' in form
        data = {**GOOD_SHOP, "floor_code": "1F", "selling_area_m2": "55", "closed_on": "2030-12-31", "csrf_token": csrf}
        client.post(f"/admin/premises/shops/{shop.id}/edit", data=data)
        session.refresh(shop)
        assert (shop.code, shop.selling_area_m2, shop.closed_on) == ("1F-002", 55.0, date(2030, 12, 31))

    def test_bad_area_keeps_the_old_value(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.manager)
        shop = premises.shops["1F-002"]
        data = {**GOOD_SHOP, "floor_code": "1F", "selling_area_m2": "abc", "csrf_token": csrf}
        response = client.post(f"/admin/premises/shops/{shop.id}/edit", data=data)
        assert field_error(response.text, "selling_area_m2") == "请输入数字。"
        session.refresh(shop)
        assert shop.selling_area_m2 == 40.5 and shop.name == "商户1F-002"


class TestAreaHistory:
    def test_an_area_from_a_day_keeps_the_days_before_and_is_listed(
        self, client: TestClient, session: Session, premises: Premises
    ):
        csrf = sign_in(client, session, premises.manager)
        shop = premises.shops["1F-002"]
        data = {**GOOD_SHOP, "floor_code": "1F", "selling_area_m2": "30", "area_from": "2025-07-01", "csrf_token": csrf}
        client.post(f"/admin/premises/shops/{shop.id}/edit", data=data)
        records = premises_service.area_records(session, premises.store.id, shop_id=shop.id)[shop.id]
        assert [(r.effective_on, r.selling_area_m2) for r in records] == [
            (date(2020, 1, 1), 40.5),
            (date(2025, 7, 1), 30.0),
        ]
        form = client.get(f"/admin/premises/shops/{shop.id}/edit").text
        history = form.split('id="area-history"')[1]
        assert "营业面积变更记录" in history and "2025-07-01" in history and "30.0" in history

    def test_saving_the_form_unchanged_adds_no_area_record(
        self, client: TestClient, session: Session, premises: Premises
    ):
        csrf = sign_in(client, session, premises.manager)
        shop = premises.shops["1F-002"]
        data = {**GOOD_SHOP, "floor_code": "1F", "selling_area_m2": "40.5", "csrf_token": csrf}
        client.post(f"/admin/premises/shops/{shop.id}/edit", data=data)
        records = premises_service.area_records(session, premises.store.id, shop_id=shop.id)[shop.id]
        assert [(r.effective_on, r.selling_area_m2) for r in records] == [(date(2020, 1, 1), 40.5)]


class TestHeadcount:
    def test_htmx_save_swaps_the_cell_with_the_new_count(
        self, client: TestClient, session: Session, premises: Premises
    ):
        sign_in(client, session, premises.manager)
        shop = premises.shops["1F-001"]
        csrf = client.get("/admin/premises").text.split('"X-CSRF-Token": "')[1].split('"')[0]
        response = client.post(
            f"/admin/premises/shops/{shop.id}/headcount",
            data={"headcount": "7"},
            headers={"HX-Request": "true", "X-CSRF-Token": csrf},
        )
        assert response.text.lstrip().startswith("<form") and 'value="7"' in response.text and "已保存" in response.text
        today = premises_service.headcount_on(session, premises.store.id, store_today(premises), shop_id=shop.id)
        assert today == 7

    def test_negative_headcount_is_refused_beside_the_input(
        self, client: TestClient, session: Session, premises: Premises
    ):
        csrf = sign_in(client, session, premises.manager)
        shop = premises.shops["1F-001"]
        response = client.post(
            f"/admin/premises/shops/{shop.id}/headcount",
            data={"headcount": "-3"},
            headers={"HX-Request": "true", "X-CSRF-Token": csrf},
        )
        assert "不能小于 0" in response.text
        assert premises_service.headcount_on(session, premises.store.id, store_today(premises), shop_id=shop.id) == 4


class TestTenantStaff:
    def test_see_only_their_own_shop(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.tenant)
        html = client.get("/admin/premises").text
        assert "1F-001" in html
        assert "1F-002" not in html and "2F-001" not in html and "商场自有员工" not in html
        assert "新增商户" not in html

    def test_may_set_their_own_shops_staff_but_not_anothers(
        self, client: TestClient, session: Session, premises: Premises
    ):
        csrf = sign_in(client, session, premises.tenant)
        own, other = premises.shops["1F-001"], premises.shops["2F-001"]
        client.post(f"/admin/premises/shops/{own.id}/headcount", data={"headcount": "5", "csrf_token": csrf})
        refused = client.post(
            f"/admin/premises/shops/{other.id}/headcount", data={"headcount": "0", "csrf_token": csrf}
        )
        assert refused.status_code == 404
        day = store_today(premises)
        assert premises_service.headcount_on(session, premises.store.id, day, shop_id=own.id) == 5
        assert premises_service.headcount_on(session, premises.store.id, day, shop_id=other.id) == 6

    def test_cannot_open_the_shop_form(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.tenant)
        response = client.get(f"/admin/premises/shops/{premises.shops['1F-001'].id}/edit")
        assert response.status_code == 403 and "您的角色无权打开此页面" in response.text


class TestCashier:
    def test_gets_a_readable_forbidden_page(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.cashier)
        response = client.get("/admin/premises")
        assert response.status_code == 403
        assert "无权访问" in response.text and "退出登录" in response.text  # inside the layout

    def test_cannot_create_a_shop(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.cashier)
        before = _shop_count(session, premises)
        response = client.post("/admin/premises/shops/new", data={**GOOD_SHOP, "csrf_token": csrf})
        assert response.status_code == 403
        assert _shop_count(session, premises) == before
