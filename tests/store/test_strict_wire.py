"""Dates are ISO days and whole numbers are whole numbers, in bodies and query strings (issue 7).

Before: ``?day=0`` and ``open_on=0`` were read as 1970-01-01, ``"headcount": false`` as 0 and ``"1.0"``
as 1. Every refusal is a 422 naming the field, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session, select

from store.auth.models import Role
from store.premises.models import Floor, StaffHeadcount
from store.premises.models import Store as StoreRow
from store.wire import Day, Int32, Money, RowId, Whole
from tests.factories.auth import staff_headers
from tests.factories.premises import create_floor, create_shop, create_store

API = "/api/v1"


@dataclass
class Mall:
    manager: dict[str, str]
    shop_id: int


@pytest.fixture
def mall(session: Session) -> Mall:
    store = create_store(session)
    floor = create_floor(session, store, code="1F")
    shop = create_shop(session, store, floor)
    return Mall(manager=staff_headers(session, store, Role.manager), shop_id=shop.id)  # type: ignore[arg-type]


def refused_field(response) -> str:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return ".".join(str(part) for part in response.json()["errors"][0]["loc"])


class TestQueryDates:
    @pytest.mark.parametrize("value", ["0", "1700000000", "2025-01-01T00:00:00", "2025-1-1", "20250101"])
    def test_a_day_that_is_not_yyyy_mm_dd_is_refused(self, client, mall, value):
        assert refused_field(client.get(f"{API}/sales/orders?day={value}", headers=mall.manager)) == "query.day"
        assert refused_field(client.get(f"{API}/footfall/counts?day={value}", headers=mall.manager)) == "query.day"
        shops = client.get(f"{API}/premises/shops?open_on={value}", headers=mall.manager)
        assert refused_field(shops) == "query.open_on"

    def test_kpi_periods_take_iso_days_only(self, client, mall):
        response = client.get(f"{API}/kpi/series?start=0&end=2025-01-31", headers=mall.manager)
        assert refused_field(response) == "query.start"

    def test_an_iso_day_is_still_read(self, client, mall):
        assert client.get(f"{API}/premises/shops?open_on=2025-01-01", headers=mall.manager).status_code == 200


class TestQueryNumbers:
    @pytest.mark.parametrize("value", ["1.0", "1_0", "true", "+5", " 5"])
    def test_limit_and_offset_are_whole_numbers(self, client, mall, value):
        assert refused_field(client.get(f"{API}/premises/shops?limit={value}", headers=mall.manager)) == "query.limit"
        assert refused_field(client.get(f"{API}/sales/orders?offset={value}", headers=mall.manager)) == "query.offset"


class TestBodies:
    @pytest.mark.parametrize("value", [False, True, 5.0, "5.5", "five"])
    def test_headcount_must_be_a_whole_number(self, client, session, mall, value):
        body = {"shop_id": mall.shop_id, "effective_on": "2025-01-01", "headcount": value}
        assert (
            refused_field(client.put(f"{API}/premises/headcount", json=body, headers=mall.manager)) == "body.headcount"
        )
        assert session.exec(select(StaffHeadcount)).all() == []

    @pytest.mark.parametrize("value", [0, 20250101, "2025-01-01T00:00:00", "01/01/2025"])
    def test_a_date_in_a_body_is_an_iso_day(self, client, session, mall, value):
        response = client.patch(f"{API}/premises/store", json={"smart_upgrade_on": value}, headers=mall.manager)
        assert refused_field(response) == "body.smart_upgrade_on"
        assert session.exec(select(StoreRow.smart_upgrade_on)).one() is None

    def test_a_floor_level_is_not_a_bool_or_a_float(self, client, session, mall):
        for level in (True, 2.0):
            body = {"code": "2F", "name": "二楼", "level": level}
            assert refused_field(client.post(f"{API}/premises/floors", json=body, headers=mall.manager)) == "body.level"
        assert [f.code for f in session.exec(select(Floor))] == ["1F"]

    def test_an_area_is_not_a_bool(self, client, mall):
        shop = {"code": "1F-09", "name": "x", "category": "cosmetics", "floor_code": "1F", "opened_on": "2025-01-01"}
        response = client.post(f"{API}/premises/shops", json={**shop, "selling_area_m2": True}, headers=mall.manager)
        assert refused_field(response) == "body.selling_area_m2"

    def test_money_and_ids_in_an_order_are_not_bools_or_floats(self, client, mall):
        order = {
            "order_no": "A-1",
            "shop_id": True,
            "channel": "offline",
            "ordered_at": "2025-01-01T10:00:00+08:00",
            "lines": [{"sku": "S", "name": "N", "quantity": 1, "unit_price_fen": 100, "total_fen": 100}],
            "payments": [{"method": "cash", "amount_fen": 100}],
            "subtotal_fen": 100.0,
            "total_fen": 100,
        }
        response = client.post(f"{API}/sales/orders", json=order, headers=mall.manager)
        assert response.status_code == 422
        refused = {".".join(map(str, e["loc"])) for e in response.json()["errors"]}
        assert {"body.shop_id", "body.subtotal_fen"} <= refused


class TestTypes:
    @pytest.mark.parametrize("kind", [RowId, Int32, Money, Whole])
    @pytest.mark.parametrize("value", [True, False, 1.0, "1.0", "1e3", None])
    def test_whole_number_types_refuse(self, kind, value):
        with pytest.raises(ValidationError):
            TypeAdapter(kind).validate_python(value)

    @pytest.mark.parametrize("kind", [RowId, Int32, Money, Whole])
    def test_whole_number_types_take_ints_and_digit_strings(self, kind):
        assert TypeAdapter(kind).validate_python(12) == TypeAdapter(kind).validate_python("12") == 12

    def test_day_checks_the_calendar(self):
        with pytest.raises(ValidationError):
            TypeAdapter(Day).validate_python("2025-02-30")
