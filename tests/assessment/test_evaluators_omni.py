"""S7 and S8 on real rows: delivery orders against their fixed promise, live sessions per month."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from store.assessment import service as assessment_service
from store.delivery import service as delivery_service
from store.delivery.schemas import CourierEvent, EventKind
from store.live.schemas import SessionKind
from tests.factories.omni import create_delivery, create_session
from tests.factories.premises import create_shop, create_store

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 4, 15, 4, 0, tzinfo=UTC)
PERIOD = {"period_from": "2026-02", "period_to": "2026-03"}


def _row(session, store, indicator):
    report = assessment_service.assess(session, store.id, now=NOW, **PERIOD)
    return next(r for r in report.indicators if r.id == indicator)


def _delivered(session, shop, placed, delivered):
    row = create_delivery(session, shop, placed)
    event = CourierEvent(row.order_no, EventKind.delivered, delivered)
    delivery_service.record_event(session, shop.store_id, event, now=NOW)


class TestDelivery:
    def test_one_in_five_same_day_and_all_next_day_earns_three(self, session):
        store = create_store(session)
        shop = create_shop(session, store)
        _delivered(session, shop, datetime(2026, 3, 2, 10, tzinfo=SH), datetime(2026, 3, 2, 18, tzinfo=SH))
        for day in (3, 4, 5, 6):
            _delivered(session, shop, datetime(2026, 3, day, 16, tzinfo=SH), datetime(2026, 3, day + 1, 11, tzinfo=SH))
        row = _row(session, store, "S7")
        assert (row.points, row.status) == (3, "measured")
        figures = {f.name: f.value for f in row.figures}
        assert figures["same_day_share"] == 20.0 and figures["next_day_share"] == 100.0
        assert figures["sla_2026-03"] == "20.0% / 100.0%"

    def test_no_deliveries_earns_nothing(self, session):
        assert _row(session, create_store(session), "S7").points == 0


class TestLive:
    def test_a_launch_each_month_earns_five_and_selling_alone_does_not(self, session):
        store = create_store(session)
        create_session(session, store.id, datetime(2026, 2, 7, 12, tzinfo=SH), kind=SessionKind.launch)
        create_session(session, store.id, datetime(2026, 3, 7, 12, tzinfo=SH), kind=SessionKind.selling)
        row = _row(session, store, "S8")
        assert row.points == 0 and "2026-03" in row.missing
        create_session(session, store.id, datetime(2026, 3, 21, 12, tzinfo=SH), kind=SessionKind.event)
        row = _row(session, store, "S8")
        assert row.points == 5
        assert {f.name: f.value for f in row.figures}["live_2026-03"] == "1/2"
