"""The demo store's sales history: the same seed gives the same history, with a believable mix."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import func, select

from store.sales.models import DailyTotal, Order, Refund
from tests.factories.sales import run_demo


def _history(session) -> list[tuple]:
    query = text(
        "SELECT o.order_no, s.code, o.channel, o.source, o.member_id, o.total_fen, o.refunded_fen "
        "FROM sales_order o JOIN shop s ON s.id = o.shop_id ORDER BY o.order_no"
    )
    return [tuple(row) for row in session.execute(query)]


def _orders_by(session, column) -> dict[str, int]:
    return dict(session.exec(select(column, func.count()).group_by(column)).all())


class TestDemoSalesAreDeterministic:
    def test_same_seed_gives_the_same_orders(self, session):
        with session.begin_nested() as first_run:
            run_demo(session, with_footfall=False)
            first = _history(session)
            first_run.rollback()
        run_demo(session, with_footfall=False)
        assert first and _history(session) == first


class TestDemoSalesLookReal:
    def test_channel_mix_is_mostly_offline(self, session):
        run_demo(session, with_footfall=False)
        by_channel = _orders_by(session, Order.channel)
        total = sum(by_channel.values())
        assert 0.75 <= by_channel["offline"] / total <= 0.92
        assert 0.07 <= by_channel["online"] / total <= 0.2
        assert 0 < by_channel.get("live", 0) / total <= 0.08

    def test_every_order_adds_up(self, session):
        run_demo(session, with_footfall=False)
        wrong = session.execute(
            text(
                "SELECT COUNT(*) FROM sales_order o WHERE o.subtotal_fen <> "
                "(SELECT SUM(total_fen) FROM sales_order_line l WHERE l.order_id = o.id) "
                "OR o.total_fen <> (SELECT SUM(amount_fen) FROM sales_payment p WHERE p.order_id = o.id) "
                "OR o.total_fen <> o.subtotal_fen - o.discount_fen"
            )
        ).scalar()
        assert wrong == 0

    def test_members_refunds_and_shops_without_pos(self, session):
        run_demo(session, with_footfall=False)
        orders = session.exec(select(func.count()).select_from(Order)).one()
        members = session.exec(select(func.count()).where(Order.member_id.is_not(None))).one()  # type: ignore[union-attr]
        refunds = session.exec(select(func.count()).select_from(Refund)).one()
        assert 0.3 <= members / orders <= 0.5
        assert 0 < refunds / orders <= 0.05
        declaring = session.exec(select(func.count(func.distinct(DailyTotal.shop_id)))).one()
        assert 1 <= declaring <= 5
        sources = _orders_by(session, Order.source)
        assert {"own_till", "receipt_capture", "online_mall"} <= set(sources)
