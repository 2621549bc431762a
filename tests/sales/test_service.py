"""Sales rules: numbers add up, order numbers unique per store, shops must trade, refunds within paid."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select

from store.clock import utcnow
from store.errors import InvalidInput
from store.premises.errors import ShopClosed, ShopNotFound
from store.sales import service as sales_service
from store.sales.errors import OrderDoesNotAddUp, OrderNumberTaken, RefundExceedsPaid
from store.sales.models import DailyTotal, Order, OrderLine, Payment, Refund
from store.sales.schemas import Channel, DailyTotalIn, RefundCreate, Source
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_order, order_in


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session))


class TestRecordOrder:
    def test_order_is_stored_with_lines_and_payments(self, session, shop):
        order = create_order(session, shop, methods=("wechat", "stored_value"))
        assert order.total_fen == 2 * 1500 + 3000 - 500 + 3 * 200
        assert order.source == Source.own_till
        lines = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
        assert [line.line_no for line in lines] == [1, 2, 3]
        payments = session.exec(select(Payment).where(Payment.order_id == order.id)).all()
        assert sum(p.amount_fen for p in payments) == order.total_fen

    def test_business_day_is_the_stores_local_day(self, session, shop):
        late_evening = datetime(2025, 3, 1, 17, 30, tzinfo=UTC)  # 01:30 on 2 March in Shanghai
        order = create_order(session, shop, ordered_at=late_evening)
        assert order.business_on == date(2025, 3, 2)

    def test_online_order_says_it_came_from_the_online_mall(self, session, shop):
        assert create_order(session, shop, channel=Channel.online).source == Source.online_mall


class TestOrdersThatDoNotAddUp:
    def test_wrong_line_total_is_named(self, session, shop):
        data = order_in(shop)
        data.lines[0].total_fen += 1
        with pytest.raises(OrderDoesNotAddUp) as caught:
            sales_service.create_order(session, shop.store_id, data)
        assert ["lines", 0, "total_fen"] in [e["loc"] for e in caught.value.errors]
        assert _count(session, Order) == 0

    def test_every_wrong_field_is_listed(self, session, shop):
        data = order_in(shop)
        data.lines[1].discount_fen = -5
        data.subtotal_fen += 100
        data.payments[0].amount_fen -= 1
        with pytest.raises(OrderDoesNotAddUp) as caught:
            sales_service.create_order(session, shop.store_id, data)
        locs = [e["loc"] for e in caught.value.errors]
        assert ["lines", 1, "discount_fen"] in locs
        assert ["subtotal_fen"] in locs
        assert ["total_fen"] in locs
        assert ["payments"] in locs
        assert "subtotal_fen" in caught.value.message

    def test_payments_must_cover_the_total_exactly(self, session, shop):
        data = order_in(shop)
        data.payments[0].amount_fen += 100
        with pytest.raises(OrderDoesNotAddUp, match="payments add up to"):
            sales_service.create_order(session, shop.store_id, data)

    def test_order_without_lines_is_refused(self, session, shop):
        data = order_in(shop).model_copy(update={"lines": [], "subtotal_fen": 0, "total_fen": 0, "payments": []})
        with pytest.raises(OrderDoesNotAddUp, match="at least one line"):
            sales_service.create_order(session, shop.store_id, data)

    def test_order_in_the_future_is_refused(self, session, shop):
        with pytest.raises(OrderDoesNotAddUp, match="in the future"):
            create_order(session, shop, ordered_at=utcnow() + timedelta(hours=2))
        assert _count(session, Order) == 0


class TestOrderNumbers:
    def test_same_number_twice_in_a_store_is_a_conflict(self, session, shop):
        create_order(session, shop, order_no="A-1")
        with pytest.raises(OrderNumberTaken):
            create_order(session, shop, order_no="A-1")
        assert _count(session, Order) == 1

    def test_another_store_may_use_the_same_number(self, session, shop):
        create_order(session, shop, order_no="A-1")
        other = create_shop(session, create_store(session))
        assert create_order(session, other, order_no="A-1").id is not None


class TestShopMustTrade:
    def test_closed_shop_takes_no_orders(self, session):
        store = create_store(session)
        shop = create_shop(session, store, closed_on=date(2024, 12, 31))
        with pytest.raises(ShopClosed):
            create_order(session, shop)
        assert _count(session, Order) == 0

    def test_shop_of_another_store_is_not_found(self, session, shop):
        other_store = create_store(session)
        with pytest.raises(ShopNotFound):
            sales_service.create_order(session, other_store.id, order_in(shop))


class TestRefunds:
    def test_partial_refunds_up_to_the_paid_amount(self, session, shop):
        order = create_order(session, shop)
        sales_service.refund(session, shop.store_id, order.id, RefundCreate(amount_fen=1000))
        sales_service.refund(session, shop.store_id, order.id, RefundCreate(amount_fen=order.total_fen - 1000))
        assert order.refunded_fen == order.total_fen
        assert _count(session, Refund) == 2

    def test_refund_beyond_what_was_paid_names_the_numbers(self, session, shop):
        order = create_order(session, shop)
        sales_service.refund(session, shop.store_id, order.id, RefundCreate(amount_fen=1000))
        with pytest.raises(RefundExceedsPaid) as caught:
            sales_service.refund(session, shop.store_id, order.id, RefundCreate(amount_fen=order.total_fen))
        message = caught.value.message
        assert f"paid {order.total_fen} fen" in message and "already refunded 1000 fen" in message
        assert order.refunded_fen == 1000
        assert _count(session, Refund) == 1

    def test_zero_refund_is_refused(self, session, shop):
        order = create_order(session, shop)
        with pytest.raises(InvalidInput, match="amount_fen"):
            sales_service.refund(session, shop.store_id, order.id, RefundCreate(amount_fen=0))

    def test_refund_is_dated_in_the_stores_timezone(self, session, shop):
        order = create_order(session, shop, ordered_at=datetime(2025, 3, 1, 3, 0, tzinfo=UTC))
        refund = sales_service.refund(
            session,
            shop.store_id,
            order.id,
            RefundCreate(amount_fen=100, refunded_at=datetime(2025, 3, 3, 17, 0, tzinfo=UTC)),
        )
        assert refund.business_on == date(2025, 3, 4)


class TestDailyTotals:
    def test_declaring_a_day_again_replaces_it(self, session, shop):
        day = date(2025, 5, 1)
        sales_service.record_daily_total(
            session, shop.store_id, DailyTotalIn(shop_id=shop.id, business_on=day, revenue_fen=50_000, orders=12)
        )
        row = sales_service.record_daily_total(
            session, shop.store_id, DailyTotalIn(shop_id=shop.id, business_on=day, revenue_fen=60_000, orders=14)
        )
        assert (row.revenue_fen, row.orders) == (60_000, 14)
        assert _count(session, DailyTotal) == 1

    def test_negative_and_future_totals_are_refused(self, session, shop):
        with pytest.raises(InvalidInput) as caught:
            sales_service.record_daily_total(
                session,
                shop.store_id,
                DailyTotalIn(shop_id=shop.id, business_on=date.today() + timedelta(days=3), revenue_fen=-1),
            )
        assert {tuple(e["loc"]) for e in caught.value.errors} == {("revenue_fen",), ("business_on",)}


class TestBulkInsert:
    def test_many_orders_arrive_with_their_lines(self, session, shop):
        orders = [order_in(shop) for _ in range(30)]
        assert sales_service.bulk_insert_orders(session, shop.store_id, orders, source=Source.import_) == 30
        assert _count(session, Order) == 30
        assert _count(session, OrderLine) == 90
        assert {o.source for o in session.exec(select(Order))} == {Source.import_}

    def test_one_bad_order_is_reported_with_its_position(self, session, shop):
        orders = [order_in(shop) for _ in range(3)]
        orders[2].total_fen += 1
        with pytest.raises(OrderDoesNotAddUp) as caught:
            sales_service.bulk_insert_orders(session, shop.store_id, orders, source=Source.import_)
        assert all(e["loc"][0] == 2 for e in caught.value.errors)
        assert _count(session, Order) == 0
