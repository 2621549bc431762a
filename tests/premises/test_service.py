"""Premises rules as the other domains (sales, kpi, imports) rely on them."""

from __future__ import annotations

from datetime import date, time

import pytest
from pydantic import ValidationError
from sqlmodel import func, select

from store.premises import service as premises_service
from store.premises.errors import BadDates, FloorNotFound, ShopClosed, ShopCodeTaken, ShopNotFound, StoreNotFound
from store.premises.models import Shop
from store.premises.schemas import ShopCreate, ShopUpdate, StoreCreate, StoreUpdate
from tests.factories.premises import create_floor, create_shop, create_store, set_headcount


def shop_in(floor_code: str = "1F", **fields) -> ShopCreate:
    values = {
        "code": "1F-01",
        "name": "兰芮诗",
        "name_en": "Lanressie",
        "category": "cosmetics",
        "floor_code": floor_code,
        "selling_area_m2": 80,
        "opened_on": date(2024, 1, 1),
    }
    return ShopCreate(**{**values, **fields})


def shop_count(session) -> int:
    return session.exec(select(func.count()).select_from(Shop)).one()


class TestStore:
    def test_unknown_timezone_is_refused_by_name(self):
        with pytest.raises(ValidationError, match="unknown IANA timezone 'Asia/Peking'"):
            StoreCreate(code="X1", name="x", timezone="Asia/Peking")

    def test_update_changes_only_fields_sent(self, session):
        store = create_store(session, timezone="Asia/Shanghai")
        premises_service.update_store(session, store.id, StoreUpdate(smart_upgrade_on=date(2025, 11, 1)))
        assert (store.smart_upgrade_on, store.timezone) == (date(2025, 11, 1), "Asia/Shanghai")

    def test_default_store_without_any_store_says_what_to_run(self, session):
        if session.exec(select(func.count()).select_from(premises_service.Store)).one():
            pytest.skip("the test database already holds a store")
        with pytest.raises(StoreNotFound, match="smartstore demo"):
            premises_service.default_store(session)

    def test_store_found_by_code(self, session):
        store = create_store(session, code="SH01")
        assert premises_service.get_store_by_code(session, "SH01").id == store.id


class TestCreateShop:
    def test_shop_lands_on_the_named_floor(self, session):
        store = create_store(session)
        floor = create_floor(session, store, code="1F")
        shop = premises_service.create_shop(session, store.id, shop_in())
        assert (shop.floor_id, shop.selling_area_m2) == (floor.id, 80)

    def test_duplicate_code_names_the_code_and_writes_nothing(self, session):
        store = create_store(session)
        create_floor(session, store, code="1F")
        premises_service.create_shop(session, store.id, shop_in())
        before = shop_count(session)
        with pytest.raises(ShopCodeTaken, match="'1F-01'"):
            premises_service.create_shop(session, store.id, shop_in(name="另一家"))
        assert shop_count(session) == before

    def test_same_code_in_another_store_is_fine(self, session):
        for _ in range(2):
            store = create_store(session)
            create_floor(session, store, code="1F")
            premises_service.create_shop(session, store.id, shop_in())

    def test_floor_of_another_store_is_not_found(self, session):
        mine, other = create_store(session), create_store(session)
        create_floor(session, other, code="9F", level=9)
        with pytest.raises(FloorNotFound, match="'9F'"):
            premises_service.create_shop(session, mine.id, shop_in(floor_code="9F"))

    @pytest.mark.parametrize("area", [0, -12.5])
    def test_area_must_be_positive(self, area):
        with pytest.raises(ValidationError, match="selling_area_m2"):
            shop_in(selling_area_m2=area)

    def test_closing_before_opening_is_refused(self, session):
        store = create_store(session)
        create_floor(session, store, code="1F")
        with pytest.raises(BadDates, match="closed_on 2023-12-31 is before opened_on 2024-01-01"):
            premises_service.create_shop(session, store.id, shop_in(closed_on=date(2023, 12, 31)))

    def test_unknown_category_lists_the_known_ones(self):
        with pytest.raises(ValidationError, match="unknown category 'perfume'.*cosmetics"):
            shop_in(category="perfume")


class TestUpdateShop:
    def test_closing_before_opening_changes_nothing(self, session):
        store = create_store(session)
        shop = create_shop(session, store, opened_on=date(2024, 5, 1))
        with pytest.raises(BadDates, match="before opened_on 2024-05-01"):
            premises_service.update_shop(session, store.id, shop.id, ShopUpdate(closed_on=date(2024, 4, 30)))
        assert shop.closed_on is None

    def test_shop_moves_to_another_floor_by_code(self, session):
        store = create_store(session)
        shop = create_shop(session, store)
        top = create_floor(session, store, code="6F", level=6)
        premises_service.update_shop(session, store.id, shop.id, ShopUpdate(floor_code="6F", selling_area_m2=55))
        assert (shop.floor_id, shop.selling_area_m2) == (top.id, 55)

    def test_shop_of_another_store_is_not_found(self, session):
        mine, other = create_store(session), create_store(session)
        shop = create_shop(session, other)
        with pytest.raises(ShopNotFound):
            premises_service.update_shop(session, mine.id, shop.id, ShopUpdate(name="x"))


class TestTrading:
    def test_shop_trades_from_opening_to_closing_day(self, session):
        store = create_store(session)
        shop = create_shop(session, store, opened_on=date(2025, 3, 1), closed_on=date(2025, 9, 30))
        for day in (date(2025, 3, 1), date(2025, 9, 30)):
            assert premises_service.ensure_shop_trading(session, store.id, shop.id, day) is shop

    @pytest.mark.parametrize("day", [date(2025, 2, 28), date(2025, 10, 1)])
    def test_no_trade_outside_those_days(self, session, day):
        store = create_store(session)
        shop = create_shop(session, store, opened_on=date(2025, 3, 1), closed_on=date(2025, 9, 30))
        with pytest.raises(ShopClosed, match=str(day)):
            premises_service.ensure_shop_trading(session, store.id, shop.id, day)

    def test_open_on_filter_and_area_count_only_trading_shops(self, session):
        store = create_store(session)
        floor = create_floor(session, store)
        create_shop(session, store, floor, area_m2=100, opened_on=date(2020, 1, 1))
        create_shop(session, store, floor, area_m2=50, opened_on=date(2020, 1, 1), closed_on=date(2024, 12, 31))
        create_shop(session, store, floor, area_m2=30, opened_on=date(2025, 6, 1))
        assert len(premises_service.list_shops(session, store.id, open_on=date(2025, 1, 1))) == 1
        assert premises_service.total_area_m2(session, store.id, date(2025, 7, 1)) == 130


class TestHeadcount:
    def test_headcount_holds_until_the_next_entry(self, session):
        store = create_store(session)
        shop = create_shop(session, store)
        set_headcount(session, store, 5, shop=shop, effective_on=date(2024, 1, 1))
        set_headcount(session, store, 3, shop=shop, effective_on=date(2025, 1, 1))
        on = premises_service.headcount_on
        assert [
            on(session, store.id, d, shop_id=shop.id)
            for d in (date(2023, 12, 31), date(2024, 12, 31), date(2025, 1, 1))
        ] == [0, 5, 3]

    def test_store_total_is_own_staff_plus_trading_shops(self, session):
        store = create_store(session)
        floor = create_floor(session, store)
        trading = create_shop(session, store, floor)
        gone = create_shop(session, store, floor, closed_on=date(2024, 6, 30))
        set_headcount(session, store, 100)
        set_headcount(session, store, 6, shop=trading)
        set_headcount(session, store, 4, shop=gone)
        assert premises_service.headcount_on(session, store.id, date(2024, 6, 30)) == 110
        assert premises_service.headcount_on(session, store.id, date(2024, 7, 1)) == 106

    def test_setting_the_same_day_twice_replaces(self, session):
        store = create_store(session)
        for n in (120, 118):
            premises_service.set_headcount(session, store.id, shop_id=None, effective_on=date(2025, 1, 1), headcount=n)
        assert [e.headcount for e in premises_service.headcount_entries(session, store.id)] == [118]

    def test_headcount_for_a_shop_of_another_store_is_not_found(self, session):
        mine, other = create_store(session), create_store(session)
        shop = create_shop(session, other)
        with pytest.raises(ShopNotFound):
            premises_service.set_headcount(
                session, mine.id, shop_id=shop.id, effective_on=date(2025, 1, 1), headcount=3
            )


class TestOpeningHours:
    def test_hours_are_replaced_per_weekday(self, session):
        store = create_store(session)
        premises_service.set_opening_hours(session, store.id, 4, time(10), time(22))
        premises_service.set_opening_hours(session, store.id, 4, time(10), time(22, 30))
        rows = premises_service.list_opening_hours(session, store.id)
        assert [(r.weekday, r.closes_at) for r in rows] == [(4, time(22, 30))]

    def test_closing_before_opening_is_refused(self, session):
        store = create_store(session)
        with pytest.raises(BadDates, match="after opens_at"):
            premises_service.set_opening_hours(session, store.id, 0, time(22), time(10))
