"""Delivery orders: courier events in order, clear refusals, and SLA shares per month against the promise."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from store.delivery import courier
from store.delivery import service as delivery
from store.delivery.errors import DeliveryExists, DeliveryNotFound, EventConflict, EventOutOfOrder
from store.delivery.models import DeliveryEvent
from store.delivery.schemas import CourierEvent, DeliveryLevel, DeliveryStatus, EventKind
from tests.factories.omni import create_delivery
from tests.factories.premises import create_shop, create_store

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 4, 15, 12, 0, tzinfo=SH)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session))


def _event(row, kind, when):
    return CourierEvent(row.order_no, kind, when, courier="顺丰")


def _deliver(session, row, when):
    delivery.record_event(session, row.store_id, _event(row, EventKind.delivered, when), now=NOW)


class TestEvents:
    def test_the_steps_move_the_status_forward(self, session, shop):
        row = create_delivery(session, shop, at(4, 10))
        for kind, hour in ((EventKind.dispatched, 11), (EventKind.handed_over, 12), (EventKind.delivered, 16)):
            delivery.record_event(session, shop.store_id, _event(row, kind, at(4, hour)), now=NOW)
        assert row.status == DeliveryStatus.delivered
        assert (row.handed_over_at, row.delivered_at, row.courier) == (at(4, 12), at(4, 16), "顺丰")

    def test_an_event_for_an_unknown_order_is_a_clear_error(self, session, shop):
        with pytest.raises(DeliveryNotFound, match="no delivery for order 'NOPE'"):
            delivery.record_event(session, shop.store_id, CourierEvent("NOPE", EventKind.delivered, at(4, 10)), now=NOW)

    def test_an_event_before_the_order_was_placed_is_refused(self, session, shop):
        row = create_delivery(session, shop, at(4, 10))
        with pytest.raises(EventOutOfOrder, match="before order"):
            delivery.record_event(session, shop.store_id, _event(row, EventKind.dispatched, at(4, 9)), now=NOW)

    def test_a_delivery_earlier_than_the_hand_over_is_refused_and_writes_nothing(self, session, shop):
        row = create_delivery(session, shop, at(4, 10))
        delivery.record_event(session, shop.store_id, _event(row, EventKind.handed_over, at(4, 12)), now=NOW)
        with pytest.raises(EventOutOfOrder, match="delivered at .* is before handed_over"):
            _deliver(session, row, at(4, 11))
        assert row.delivered_at is None and row.status == DeliveryStatus.handed_over
        assert len(session.exec(select(DeliveryEvent)).all()) == 1

    def test_a_late_hand_over_after_the_delivery_is_refused(self, session, shop):
        row = create_delivery(session, shop, at(4, 10))
        _deliver(session, row, at(4, 15))
        with pytest.raises(EventOutOfOrder, match="after delivered"):
            delivery.record_event(session, shop.store_id, _event(row, EventKind.handed_over, at(4, 16)), now=NOW)

    def test_the_same_report_twice_changes_nothing_but_another_time_is_refused(self, session, shop):
        row = create_delivery(session, shop, at(4, 10))
        _deliver(session, row, at(4, 15))
        assert (
            delivery.record_event(session, shop.store_id, _event(row, EventKind.delivered, at(4, 15)), now=NOW) is False
        )
        with pytest.raises(EventConflict):
            _deliver(session, row, at(4, 17))

    def test_an_event_in_the_future_is_refused(self, session, shop):
        row = create_delivery(session, shop, at(4, 10))
        with pytest.raises(EventOutOfOrder, match="in the future"):
            _deliver(session, row, NOW + timedelta(hours=1))

    def test_an_order_gets_one_delivery(self, session, shop):
        row = create_delivery(session, shop, at(4, 10))
        with pytest.raises(DeliveryExists):
            delivery.create(session, shop.store_id, row.sales_order_id)

    def test_the_courier_simulator_reports_and_refusals_are_listed(self, session, shop):
        row = create_delivery(session, shop, at(4, 10))
        sim = courier.CourierSimulator()
        sim.book(row.order_no)
        sim.report(row.order_no, EventKind.handed_over, at(4, 12))
        sim.report("UNKNOWN-1", EventKind.delivered, at(4, 13))
        sim.report(row.order_no, EventKind.delivered, at(4, 11))
        report = courier.pull(session, shop.store_id, sim)
        assert report.recorded == 1
        assert [reason for _, reason in report.refused] == [
            "no delivery for order 'UNKNOWN-1' in this store",
            f"delivered at {at(4, 11).isoformat()} is before handed_over at {at(4, 12).isoformat()}",
        ]
        assert row.tracking_no.startswith("SIM")


class TestPromiseIsFixed:
    def test_a_later_cut_off_change_does_not_move_an_existing_promise(self, session, shop):
        row = create_delivery(session, shop, at(4, 13))
        delivery.set_cutoff(session, shop.store_id, time(12, 0))
        assert row.level == DeliveryLevel.same_day
        later = create_delivery(session, shop, at(4, 13))
        assert later.level == DeliveryLevel.next_day


class TestMonthlySla:
    def test_shares_are_counted_against_each_orders_own_promise(self, session, shop):
        same_ok = create_delivery(session, shop, at(4, 10))  # same day, delivered 18:00
        _deliver(session, same_ok, at(4, 18))
        same_late = create_delivery(session, shop, at(4, 11))  # same day promised, delivered next day
        _deliver(session, same_late, at(5, 10))
        next_ok = create_delivery(session, shop, at(4, 15))  # after the cut-off: next day
        _deliver(session, next_ok, at(5, 20))
        next_late = create_delivery(session, shop, at(4, 16))
        _deliver(session, next_late, at(6, 9))
        never = create_delivery(session, shop, at(4, 17))  # never delivered, deadline passed: late
        assert never.next_day_by < NOW
        [march] = delivery.monthly_sla(session, shop.store_id, date(2026, 3, 1), date(2026, 3, 31), now=NOW)
        assert (march.measured, march.same_day_met, march.next_day_met, march.promise_met) == (5, 1, 3, 2)
        assert march.same_day_promised == 2

    def test_an_order_still_within_its_deadline_is_open_not_late(self, session, shop):
        create_delivery(session, shop, at(15, 10, month=4))
        [april] = delivery.monthly_sla(session, shop.store_id, date(2026, 4, 1), date(2026, 4, 30), now=NOW)
        assert (april.measured, april.open) == (0, 1)

    def test_a_cancelled_delivery_leaves_the_shares(self, session, shop):
        row = create_delivery(session, shop, at(4, 10))
        delivery.cancel(session, shop.store_id, row.id)
        assert delivery.monthly_sla(session, shop.store_id, date(2026, 3, 1), date(2026, 3, 31), now=NOW) == []

    def test_orders_are_counted_in_the_month_they_were_placed_in_the_stores_timezone(self, session, shop):
        row = create_delivery(session, shop, datetime(2026, 3, 31, 23, 30, tzinfo=SH))  # 15:30 UTC
        _deliver(session, row, datetime(2026, 4, 1, 9, 0, tzinfo=SH))
        months = delivery.monthly_sla(session, shop.store_id, date(2026, 3, 1), date(2026, 4, 30), now=NOW)
        assert [m.label for m in months] == ["2026-03"]
