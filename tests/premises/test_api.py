"""The premises API as managers, cashiers and tenant staff see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import Session, func, select

from store.auth.models import Role
from store.premises.models import Shop, StaffHeadcount, Store
from tests.factories.auth import staff_headers
from tests.factories.premises import create_floor, create_shop, create_store, set_headcount

API = "/api/v1/premises"


@dataclass
class Mall:
    store: Store
    own: Shop  # the tenant's shop
    other: Shop
    manager: dict[str, str]
    cashier: dict[str, str]
    tenant: dict[str, str]


@pytest.fixture
def mall(session: Session) -> Mall:
    store = create_store(session, code="M1")
    ground = create_floor(session, store, code="1F", level=1)
    create_floor(session, store, code="2F", level=2)
    own = create_shop(session, store, ground, code="1F-01", category="cosmetics", opened_on=date(2020, 1, 1))
    other = create_shop(session, store, ground, code="1F-02", category="jewellery", opened_on=date(2025, 6, 1))
    set_headcount(session, store, 80)
    set_headcount(session, store, 4, shop=own)
    set_headcount(session, store, 5, shop=other)
    mall = Mall(
        store,
        own,
        other,
        staff_headers(session, store, Role.manager),
        staff_headers(session, store, Role.cashier),
        staff_headers(session, store, Role.tenant, shop=own),
    )
    session.commit()  # a failing request rolls back to here, not past the setup
    return mall


def new_shop(**fields) -> dict:
    body = {
        "code": "1F-09",
        "name": "雪颜集",
        "name_en": "Snowface",
        "category": "cosmetics",
        "floor_code": "1F",
        "selling_area_m2": 65.5,
        "opened_on": "2025-09-01",
    }
    return {**body, **fields}


def shop_count(session: Session, store: Store) -> int:
    return session.exec(select(func.count()).select_from(Shop).where(Shop.store_id == store.id)).one()


def assert_problem(response, status: int, type_suffix: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith(type_suffix)
    return body


class TestReadStore:
    def test_any_staff_reads_the_store_with_timezone(self, client, mall):
        body = client.get(f"{API}/store", headers=mall.cashier).json()
        assert (body["code"], body["timezone"]) == ("M1", "Asia/Shanghai")

    def test_floors_come_bottom_to_top(self, client, mall):
        assert [f["code"] for f in client.get(f"{API}/floors", headers=mall.cashier).json()] == ["1F", "2F"]


class TestUpdateStore:
    def test_manager_sets_the_smart_upgrade_date(self, client, mall):
        response = client.patch(f"{API}/store", json={"smart_upgrade_on": "2025-11-01"}, headers=mall.manager)
        assert response.json()["smart_upgrade_on"] == "2025-11-01"

    def test_unknown_timezone_is_a_422_naming_the_field(self, client, mall):
        response = client.patch(f"{API}/store", json={"timezone": "Mars/Base"}, headers=mall.manager)
        body = assert_problem(response, 422, "validation-error")
        assert "timezone" in body["detail"]
        assert mall.store.timezone == "Asia/Shanghai"

    def test_cashier_may_not_change_the_store(self, client, mall):
        assert_problem(client.patch(f"{API}/store", json={"name": "x"}, headers=mall.cashier), 403, "forbidden")


class TestCreateShop:
    def test_manager_opens_a_shop(self, client, session, mall):
        response = client.post(f"{API}/shops", json=new_shop(), headers=mall.manager)
        assert response.status_code == 201
        assert response.json()["selling_area_m2"] == 65.5
        assert shop_count(session, mall.store) == 3

    def test_duplicate_code_is_409_naming_the_code_and_writes_nothing(self, client, session, mall):
        response = client.post(f"{API}/shops", json=new_shop(code="1F-01"), headers=mall.manager)
        assert "'1F-01'" in assert_problem(response, 409, "shop-code-taken")["detail"]
        assert shop_count(session, mall.store) == 2

    @pytest.mark.parametrize("area", [0, -40])
    def test_area_not_above_zero_is_422_naming_the_field(self, client, session, mall, area):
        response = client.post(f"{API}/shops", json=new_shop(selling_area_m2=area), headers=mall.manager)
        body = assert_problem(response, 422, "validation-error")
        assert ["body", "selling_area_m2"] in [e["loc"] for e in body["errors"]]
        assert shop_count(session, mall.store) == 2

    def test_closing_before_opening_is_400_naming_closed_on(self, client, session, mall):
        # The schema cannot state a rule between two fields: a 400 problem, not a 422 (found by the fuzzer).
        response = client.post(f"{API}/shops", json=new_shop(closed_on="2025-08-31"), headers=mall.manager)
        body = assert_problem(response, 400, "invalid-dates")
        assert "before opened_on" in body["detail"]
        assert ["body", "closed_on"] in [e["loc"] for e in body["errors"]]
        assert shop_count(session, mall.store) == 2

    def test_floor_of_another_store_is_404(self, client, session, mall):
        create_floor(session, create_store(session), code="7F", level=7)
        session.commit()
        response = client.post(f"{API}/shops", json=new_shop(floor_code="7F"), headers=mall.manager)
        assert "'7F'" in assert_problem(response, 404, "floor-not-found")["detail"]
        assert shop_count(session, mall.store) == 2

    def test_cashier_may_not_open_a_shop(self, client, session, mall):
        assert_problem(client.post(f"{API}/shops", json=new_shop(), headers=mall.cashier), 403, "forbidden")
        assert shop_count(session, mall.store) == 2


class TestUpdateShop:
    def test_manager_records_a_closing_day(self, client, mall):
        response = client.patch(f"{API}/shops/{mall.other.id}", json={"closed_on": "2026-01-31"}, headers=mall.manager)
        assert response.json()["closed_on"] == "2026-01-31"

    def test_closing_before_opening_is_refused_and_changes_nothing(self, client, session, mall):
        name = mall.other.name
        response = client.patch(
            f"{API}/shops/{mall.other.id}", json={"closed_on": "2025-05-31", "name": "新名"}, headers=mall.manager
        )
        assert "before opened_on 2025-06-01" in assert_problem(response, 400, "invalid-dates")["detail"]
        session.refresh(mall.other)
        assert (mall.other.closed_on, mall.other.name) == (None, name)

    def test_negative_area_is_422(self, client, mall):
        response = client.patch(f"{API}/shops/{mall.own.id}", json={"selling_area_m2": -1}, headers=mall.manager)
        assert_problem(response, 422, "validation-error")


class TestListShops:
    def test_pages_report_the_total(self, client, mall):
        body = client.get(f"{API}/shops", params={"limit": 1, "offset": 1}, headers=mall.manager).json()
        assert (body["total"], [s["code"] for s in body["items"]]) == (2, ["1F-02"])

    def test_filters_by_category_and_trading_day(self, client, mall):
        by_category = client.get(f"{API}/shops", params={"category": "jewellery"}, headers=mall.manager).json()
        before_opening = client.get(f"{API}/shops", params={"open_on": "2025-01-01"}, headers=mall.manager).json()
        assert [s["code"] for s in by_category["items"]] == ["1F-02"]
        assert [s["code"] for s in before_opening["items"]] == ["1F-01"]

    def test_filter_by_floor_code(self, client, mall):
        body = client.get(f"{API}/shops", params={"floor": "2F"}, headers=mall.manager).json()
        assert body["total"] == 0


class TestTenantIsolation:
    def test_tenant_lists_only_their_own_shop(self, client, mall):
        body = client.get(f"{API}/shops", headers=mall.tenant).json()
        assert (body["total"], [s["code"] for s in body["items"]]) == (1, ["1F-01"])

    def test_another_shop_reads_as_not_found(self, client, mall):
        assert client.get(f"{API}/shops/{mall.own.id}", headers=mall.tenant).status_code == 200
        assert_problem(client.get(f"{API}/shops/{mall.other.id}", headers=mall.tenant), 404, "shop-not-found")

    def test_tenant_sees_only_their_shop_headcount(self, client, mall):
        rows = client.get(f"{API}/headcount", headers=mall.tenant).json()
        assert {r["shop_id"] for r in rows} == {mall.own.id}
        assert_problem(
            client.get(f"{API}/headcount", params={"shop_id": mall.other.id}, headers=mall.tenant),
            404,
            "shop-not-found",
        )

    def test_tenant_may_not_change_their_shop(self, client, mall):
        response = client.patch(f"{API}/shops/{mall.own.id}", json={"selling_area_m2": 500}, headers=mall.tenant)
        assert_problem(response, 403, "forbidden")


class TestHeadcount:
    def test_manager_sets_a_shop_headcount_from_a_day_on(self, client, session, mall):
        body = {"shop_id": mall.own.id, "effective_on": "2026-01-01", "headcount": 6}
        assert client.put(f"{API}/headcount", json=body, headers=mall.manager).json()["headcount"] == 6
        rows = client.get(f"{API}/headcount", params={"shop_id": mall.own.id}, headers=mall.manager).json()
        assert [(r["effective_on"], r["headcount"]) for r in rows] == [("2020-01-01", 4), ("2026-01-01", 6)]

    def test_negative_headcount_is_422_and_writes_nothing(self, client, session, mall):
        body = {"shop_id": None, "effective_on": "2026-01-01", "headcount": -3}
        assert_problem(client.put(f"{API}/headcount", json=body, headers=mall.manager), 422, "validation-error")
        count = select(func.count()).select_from(StaffHeadcount).where(StaffHeadcount.store_id == mall.store.id)
        assert session.exec(count).one() == 3


class TestOpeningHours:
    def test_manager_sets_friday_late_closing(self, client, mall):
        body = {"weekday": 4, "opens_at": "10:00", "closes_at": "22:30"}
        assert client.put(f"{API}/opening-hours", json=body, headers=mall.manager).status_code == 200
        hours = client.get(f"{API}/opening-hours", headers=mall.cashier).json()
        assert hours == [{"weekday": 4, "opens_at": "10:00:00", "closes_at": "22:30:00"}]


class TestZones:
    def test_manager_adds_an_entrance_and_staff_list_it(self, client, mall):
        body = {"code": "1F-MAIN", "name": "正门", "floor_code": "1F", "kind": "entrance"}
        assert client.post(f"{API}/zones", json=body, headers=mall.manager).status_code == 201
        zones = client.get(f"{API}/zones", params={"kind": "entrance"}, headers=mall.cashier).json()
        assert [z["code"] for z in zones] == ["1F-MAIN"]

    def test_duplicate_zone_code_is_409(self, client, mall):
        body = {"code": "1F-MAIN", "name": "正门", "floor_code": "1F", "kind": "entrance"}
        client.post(f"{API}/zones", json=body, headers=mall.manager)
        assert_problem(client.post(f"{API}/zones", json=body, headers=mall.manager), 409, "code-taken")
