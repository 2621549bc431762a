"""The demo store's premises and users: the shape the issue describes, the same for the same seed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from store.auth import demo as auth_demo
from store.auth import service as auth_service
from store.auth.models import Role
from store.config import get_settings
from store.demo import DemoContext, DemoOptions
from store.demo.calendar import DemoCalendar
from store.premises import demo as premises_demo
from store.premises import service as premises_service
from store.premises.models import ZoneKind

END_ON = date(2026, 10, 31)
START_ON = END_ON - timedelta(days=729)


@dataclass
class Demo:
    session: Session
    ctx: DemoContext
    first_run: list[tuple]  # the shops of an earlier run with the same seed
    other_seed: list[tuple]


def context(session: Session, seed: int) -> DemoContext:
    return DemoContext(
        session=session,
        options=DemoOptions(seed=seed, end_on=END_ON),
        start_on=START_ON,
        end_on=END_ON,
        calendar=DemoCalendar(upgrade_on=END_ON - timedelta(days=365)),
        echo=lambda _line: None,
    )


def shops_of(ctx: DemoContext) -> list[tuple]:
    shops = premises_service.list_shops(ctx.session, ctx.store_id)
    return [(s.code, s.name, s.category, s.selling_area_m2, s.opened_on, s.closed_on) for s in shops]


def generated_shops(engine: Engine, seed: int) -> list[tuple]:
    """The shops a run with ``seed`` creates, in a transaction that is rolled back."""
    with engine.connect() as connection, connection.begin() as transaction:
        ctx = context(Session(bind=connection), seed)
        premises_demo.generate(ctx)
        result = shops_of(ctx)
        transaction.rollback()
    return result


@pytest.fixture(scope="module")
def demo(engine: Engine) -> Iterator[Demo]:
    first_run, other_seed = generated_shops(engine, 42), generated_shops(engine, 7)
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    ctx = context(session, 42)
    premises_demo.generate(ctx)
    auth_demo.generate(ctx)
    try:
        yield Demo(session, ctx, first_run, other_seed)
    finally:
        session.close()
        outer.rollback()
        connection.close()


class TestDemoPremises:
    def test_seven_floors_from_b1_to_6f(self, demo):
        floors = premises_service.list_floors(demo.session, demo.ctx.store_id)
        assert [f.code for f in floors] == ["B1", "1F", "2F", "3F", "4F", "5F", "6F"]

    def test_about_150_shops_and_40000_square_metres_trading(self, demo):
        trading = premises_service.list_shops(demo.session, demo.ctx.store_id, open_on=END_ON)
        assert 140 <= len(trading) <= 160
        assert 36_000 <= premises_service.total_area_m2(demo.session, demo.ctx.store_id, END_ON) <= 44_000

    def test_floors_hold_what_the_directory_says(self, demo):
        by_floor = {f.id: f.code for f in premises_service.list_floors(demo.session, demo.ctx.store_id)}
        shops = premises_service.list_shops(demo.session, demo.ctx.store_id)
        where = {(by_floor[s.floor_id], s.category) for s in shops}
        assert {
            ("B1", "supermarket"),
            ("B1", "food_court"),
            ("1F", "cosmetics"),
            ("1F", "jewellery"),
            ("2F", "womenswear"),
            ("4F", "menswear"),
            ("5F", "kidswear"),
            ("5F", "sports"),
            ("6F", "restaurant"),
            ("6F", "cinema"),
        } <= where
        areas = {s.category: s.selling_area_m2 for s in shops if s.category in ("supermarket", "cinema")}
        assert 2_800 <= areas["supermarket"] <= 3_500 and 2_200 <= areas["cinema"] <= 2_800
        assert all(40 <= s.selling_area_m2 <= 130 for s in shops if s.category == "cosmetics")

    def test_a_few_shops_open_and_close_during_the_history(self, demo):
        shops = premises_service.list_shops(demo.session, demo.ctx.store_id)
        closed = [s for s in shops if s.closed_on and START_ON <= s.closed_on <= END_ON]
        opened = [s for s in shops if START_ON <= s.opened_on <= END_ON]
        assert 2 <= len(closed) <= 8 and 2 <= len(opened) <= 8

    def test_entrances_on_1f_and_b1(self, demo):
        entrances = premises_service.list_zones(demo.session, demo.ctx.store_id, kind=ZoneKind.entrance)
        floors = [z.code.split("-")[0] for z in entrances]
        assert floors.count("1F") >= 2 and floors.count("B1") >= 2
        assert sorted(demo.ctx.shared["premises"]["entrance_zone_ids"]) == sorted(z.id for z in entrances)

    def test_store_carries_timezone_and_upgrade_date(self, demo):
        store = premises_service.get_store(demo.session, demo.ctx.store_id)
        assert (store.code, store.timezone, store.smart_upgrade_on) == (
            "DEMO",
            "Asia/Shanghai",
            demo.ctx.calendar.upgrade_on,
        )

    def test_late_closing_on_friday_and_saturday(self, demo):
        hours = {
            h.weekday: (h.opens_at, h.closes_at)
            for h in premises_service.list_opening_hours(demo.session, demo.ctx.store_id)
        }
        assert hours[0] == (time(10), time(22)) and hours[4] == hours[5] == (time(10), time(22, 30))


class TestDemoHeadcount:
    @pytest.mark.parametrize("day", [START_ON, END_ON - timedelta(days=400), END_ON])
    def test_about_900_staff_on_any_day(self, demo, day):
        assert 800 <= premises_service.headcount_on(demo.session, demo.ctx.store_id, day) <= 1_000

    def test_store_staff_step_down_after_the_upgrade(self, demo):
        own = [e for e in premises_service.headcount_entries(demo.session, demo.ctx.store_id) if e.shop_id is None]
        upgrade_on = demo.ctx.calendar.upgrade_on
        before = [e.headcount for e in own if e.effective_on < upgrade_on][-1]
        after = [e.headcount for e in own if e.effective_on >= upgrade_on][-1]
        assert 100 <= after < before <= 140

    def test_shops_change_headcount_over_time(self, demo):
        entries = premises_service.headcount_entries(demo.session, demo.ctx.store_id)
        changes = [e for e in entries if e.shop_id is not None and START_ON < e.effective_on <= END_ON]
        assert len(changes) >= 100


class TestDemoUsers:
    def test_one_user_per_role_signs_in_with_the_demo_password(self, demo):
        users = auth_service.list_users(demo.session, demo.ctx.store_id)
        assert {u.role for u in users} == set(Role)
        assert auth_service.authenticate(demo.session, "admin", get_settings().demo_admin_password) is not None

    def test_tenant_works_at_a_trading_1f_shop(self, demo):
        tenant = auth_service.get_user_by_username(demo.session, auth_demo.TENANT_USERNAME)
        shop = premises_service.ensure_shop_trading(demo.session, demo.ctx.store_id, tenant.shop_id, END_ON)
        assert shop.code.startswith("1F-")


class TestDeterminism:
    def test_same_seed_gives_the_same_shops(self, demo):
        assert shops_of(demo.ctx) == demo.first_run

    def test_another_seed_gives_other_shops(self, demo):
        assert shops_of(demo.ctx) != demo.other_seed
