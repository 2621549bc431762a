"""Live sessions: attribution stamped at order creation by link, QR or coupon; records kept three years."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from store.live import service as live
from store.live.errors import LiveCodeTaken, LiveCodeUnknown, LiveTimesInvalid, RetentionTooShort
from store.live.models import LiveSession
from store.live.schemas import LiveSessionCreate, Platform, SessionKind
from store.sales.models import Order
from store.sales.schemas import Channel
from tests.factories.omni import create_session
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import order_in

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 7, 19, 0, tzinfo=SH)


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session))


def _order(session, shop, code, at):
    data = order_in(shop, channel=Channel.live, ordered_at=at)
    return live.create_attributed_order(session, shop.store_id, data, code=code)


class TestAttribution:
    def test_an_order_through_the_session_link_is_stamped_with_the_session(self, session, shop):
        row = create_session(session, shop.store_id, START)
        order = _order(session, shop, row.code, START + timedelta(minutes=30))
        assert live.session_of_order(session, shop.store_id, order.id) == row.id
        assert live.attributed_totals(session, shop.store_id, [row.id]) == {row.id: (1, order.total_fen)}

    def test_a_session_bound_coupon_attributes_the_order(self, session, shop):
        row = create_session(session, shop.store_id, START, coupons=["LIVE-0307"])
        order = _order(session, shop, "LIVE-0307", START + timedelta(days=5))
        assert live.session_of_order(session, shop.store_id, order.id) == row.id

    def test_a_link_used_long_after_the_session_is_refused_and_no_order_is_written(self, session, shop):
        row = create_session(session, shop.store_id, START)
        with pytest.raises(LiveCodeUnknown, match="72 h after its end"):
            _order(session, shop, row.code, START + timedelta(days=5))
        assert session.exec(select(Order)).all() == []

    def test_an_unknown_code_is_a_clear_error(self, session, shop):
        with pytest.raises(LiveCodeUnknown, match="no live session link"):
            _order(session, shop, "L000", START)

    def test_an_order_without_a_code_is_never_attributed_later(self, session, shop):
        create_session(session, shop.store_id, START)
        order = _order(session, shop, None, START + timedelta(minutes=10))  # during the session, no code
        assert live.session_of_order(session, shop.store_id, order.id) is None

    def test_another_stores_code_is_unknown_here(self, session, shop):
        other = create_session(session, create_store(session).id, START)
        with pytest.raises(LiveCodeUnknown):
            _order(session, shop, other.code, START + timedelta(minutes=5))


class TestSchedule:
    def test_a_session_ending_before_it_starts_is_refused(self, session, shop):
        data = LiveSessionCreate(
            title="x", platform=Platform.douyin, starts_at=START, ends_at=START - timedelta(hours=1)
        )
        with pytest.raises(LiveTimesInvalid):
            live.create(session, shop.store_id, data)

    def test_a_coupon_code_used_by_another_session_refuses_the_whole_session(self, session, shop):
        create_session(session, shop.store_id, START, coupons=["C1"])
        with pytest.raises(LiveCodeTaken):
            create_session(session, shop.store_id, START + timedelta(days=7), coupons=["C2", "C1"])
        assert len(session.exec(select(LiveSession)).all()) == 1

    def test_sessions_are_counted_per_month_with_those_beyond_selling(self, session, shop):
        create_session(session, shop.store_id, START, kind=SessionKind.brand_pick)
        create_session(session, shop.store_id, START + timedelta(days=1))
        counts = live.monthly_counts(session, shop.store_id, date(2026, 3, 1), date(2026, 3, 31), "Asia/Shanghai")
        assert (counts["2026-03"].sessions, counts["2026-03"].beyond_selling) == (2, 1)


class TestRetention:
    def test_a_purge_that_would_touch_records_younger_than_three_years_is_refused(self, session, shop):
        with pytest.raises(RetentionTooShort):
            live.purge_before(session, shop.store_id, date(2023, 6, 1), today=date(2026, 3, 1))

    def test_a_purge_deletes_only_sessions_older_than_its_date(self, session, shop):
        old = create_session(session, shop.store_id, datetime(2022, 5, 1, 19, tzinfo=SH))
        young = create_session(session, shop.store_id, datetime(2023, 5, 1, 19, tzinfo=SH))
        assert live.purge_before(session, shop.store_id, date(2023, 1, 1), today=date(2026, 3, 1)) == 1
        assert session.get(LiveSession, old.id) is None and session.get(LiveSession, young.id) is not None
