"""Delivery history and live schedules from files: row errors with row numbers, atomic, re-import idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from store.delivery.models import DeliveryOrder
from store.delivery.schemas import DeliveryLevel, DeliveryStatus
from store.live.models import LiveCoupon, LiveProduct, LiveSession
from store.sales.schemas import Channel
from tests.factories.sales import create_order
from tests.imports.conftest import errors_of

DELIVERIES = "order_no,level,placed_at,handed_over_at,delivered_at,courier\n"
LIVE = "title,platform,kind,starts_at,ends_at,shop_code,host,viewers,skus,coupons\n"


def _orders(session, mall, *numbers):
    for n in numbers:
        create_order(
            session, mall.cosmetics, order_no=n, channel=Channel.online, ordered_at=datetime(2025, 9, 1, tzinfo=UTC)
        )


class TestDeliveriesFile:
    def test_rows_become_deliveries_with_their_promise_and_steps(self, session, mall, import_text):
        _orders(session, mall, "W1", "W2")
        report = import_text(
            "deliveries",
            DELIVERIES + "W1,same_day,2025-09-01 10:00,2025-09-01 12:00,2025-09-01 17:30,顺丰\n"
            "W2,次日达,2025-09-01 15:00,,,\n",
        )
        assert report.imported == 2
        rows = {d.order_no: d for d in session.exec(select(DeliveryOrder)).all()}
        assert rows["W1"].status == DeliveryStatus.delivered and rows["W1"].courier == "顺丰"
        assert rows["W2"].level == DeliveryLevel.next_day and rows["W2"].delivered_at is None

    def test_reimporting_changes_nothing_and_a_later_file_adds_the_delivery_time(self, session, mall, import_text):
        _orders(session, mall, "W1")
        import_text("deliveries", DELIVERIES + "W1,next_day,2025-09-01 15:00,,,\n")
        again = import_text("deliveries", DELIVERIES + "W1,next_day,2025-09-01 15:00,,,\n")
        later = import_text("deliveries", DELIVERIES + "W1,next_day,2025-09-01 15:00,,2025-09-02 11:00,\n")
        assert (again.unchanged, later.imported) == (1, 1)

    def test_unknown_orders_and_backward_times_are_bad_rows_and_nothing_is_written(self, session, mall, import_text):
        _orders(session, mall, "W1", "W2")
        report = import_text(
            "deliveries",
            DELIVERIES + "W1,same_day,2025-09-01 10:00,,2025-09-01 12:00,\n"
            "NOPE,same_day,2025-09-01 10:00,,,\n"
            "W2,same_day,2025-09-01 10:00,2025-09-01 12:00,2025-09-01 11:00,\n"
            "W2,weekly,2025-09-01 10:00,,,\n",
        )
        assert errors_of(report) == [
            "row 3: order_no: unknown order 'NOPE' (import orders first)",
            "row 4: delivered_at: 2025-09-01T11:00:00+08:00 is before handed_over",
            "row 5: level: 'weekly' is not one of same_day, next_day",
        ]
        assert session.exec(select(DeliveryOrder)).all() == []


class TestLiveSessionsFile:
    def test_a_schedule_becomes_sessions_with_products_and_coupons(self, session, mall, import_text):
        report = import_text(
            "live-sessions",
            LIVE
            + "秋季新品发布,抖音,新品发布,2025-09-06 19:00,2025-09-06 21:00,CO01,小王,12000,SKU-1;SKU-2,AUT1;AUT2\n"
            "周三带货,wechat_channels,,2025-09-10 20:00,2025-09-10 21:30,,,,,\n",
        )
        assert report.imported == 2
        launch = session.exec(select(LiveSession).where(LiveSession.title == "秋季新品发布")).one()
        assert (launch.platform, launch.kind, launch.shop_id, launch.viewers) == (
            "douyin",
            "launch",
            mall.cosmetics.id,
            12000,
        )
        assert len(session.exec(select(LiveProduct)).all()) == 2
        assert sorted(c.code for c in session.exec(select(LiveCoupon)).all()) == ["AUT1", "AUT2"]

    def test_reimporting_changes_nothing(self, session, import_text):
        text = LIVE + "周三带货,douyin,selling,2025-09-10 20:00,2025-09-10 21:30,,,,,\n"
        import_text("live-sessions", text)
        assert import_text("live-sessions", text).unchanged == 1

    def test_bad_rows_are_named_and_nothing_is_written(self, session, import_text):
        report = import_text(
            "live-sessions",
            LIVE + "好,douyin,selling,2025-09-10 20:00,2025-09-10 21:30,,,,,\n"
            "倒,douyin,selling,2025-09-10 20:00,2025-09-10 19:30,,,,,\n"
            "店,douyin,selling,2025-09-11 20:00,2025-09-11 21:30,ZZ99,,,,\n"
            "平台,tiktok,selling,2025-09-12 20:00,2025-09-12 21:30,,,,,\n",
        )
        assert errors_of(report) == [
            "row 3: ends_at: is not after starts_at",
            "row 4: shop_code: unknown shop 'ZZ99' (import shops first)",
            "row 5: platform: 'tiktok' is not one of douyin, wechat_channels, taobao, kuaishou, xiaohongshu, own, "
            "other",
        ]
        assert session.exec(select(LiveSession)).all() == []
