"""Amounts past ¥21,474,836.47 (a 32-bit INTEGER of fen): a flagship counter on Double 11 sells more.

Money columns are BIGINT, so such an order posts, is kept to the fen, and the KPIs add it up.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from store.kpi import service as kpi_service
from store.kpi.models import KpiSalesDaily
from store.sales import rollups as sales_rollups
from store.sales import service as sales_service
from store.sales.models import DailyTotal, Order
from store.sales.schemas import DailyTotalIn
from tests.factories.sales import order_body

ORDERS = "/api/v1/sales/orders"
THIRTY_MILLION_YUAN = 3_000_000_000  # fen: past 2^31 − 1


def _one_line_order(shop, amount: int) -> dict:
    body = order_body(shop, lines=((1, amount, 0),))
    assert body["total_fen"] == amount
    return body


def _rollup(session, shop, day: date) -> KpiSalesDaily:
    return session.exec(
        select(KpiSalesDaily).where(KpiSalesDaily.shop_id == shop.id, KpiSalesDaily.business_on == day)
    ).one()


class TestAThirtyMillionYuanOrder:
    def test_it_posts_and_is_stored_to_the_fen(self, client, session, shop, manager):
        response = client.post(ORDERS, json=_one_line_order(shop, THIRTY_MILLION_YUAN), headers=manager)
        assert response.status_code == 201, response.text
        assert response.json()["total_fen"] == THIRTY_MILLION_YUAN
        order = session.get(Order, response.json()["id"])
        session.refresh(order)
        assert (order.subtotal_fen, order.total_fen) == (THIRTY_MILLION_YUAN, THIRTY_MILLION_YUAN)
        read = client.get(f"{ORDERS}/{order.id}", headers=manager).json()
        assert read["lines"][0]["unit_price_fen"] == THIRTY_MILLION_YUAN
        assert read["payments"][0]["amount_fen"] == THIRTY_MILLION_YUAN

    def test_two_of_them_add_up_in_the_days_rollup_and_series(self, client, session, shop, manager):
        for _ in range(2):
            response = client.post(ORDERS, json=_one_line_order(shop, THIRTY_MILLION_YUAN), headers=manager)
            assert response.status_code == 201, response.text
        day = date.fromisoformat(response.json()["business_on"])
        row = _rollup(session, shop, day)
        assert (row.revenue_fen, row.orders) == (2 * THIRTY_MILLION_YUAN, 2)
        [store_day] = kpi_service.series(session, shop.store_id, start=day, end=day, grain="day", by="store")
        assert (store_day.revenue_fen, store_day.orders) == (2 * THIRTY_MILLION_YUAN, 2)
        assert store_day.avg_ticket_fen == THIRTY_MILLION_YUAN

    def test_a_rebuilt_rollup_gives_the_same_figures(self, client, session, shop, manager):
        response = client.post(ORDERS, json=_one_line_order(shop, THIRTY_MILLION_YUAN), headers=manager)
        day = date.fromisoformat(response.json()["business_on"])
        sales_rollups.rebuild(session, shop.store_id, day, day)
        row = _rollup(session, shop, day)
        assert (row.revenue_fen, row.orders) == (THIRTY_MILLION_YUAN, 1)


class TestATenantDeclaresMoreThanThirtyMillionYuan:
    def test_the_declared_total_is_kept_and_counted(self, session, shop):
        day = date(2026, 3, 2)
        data = DailyTotalIn(
            shop_id=shop.id,
            business_on=day,
            revenue_fen=THIRTY_MILLION_YUAN,
            orders=120,
            refunds_fen=THIRTY_MILLION_YUAN // 3,
        )
        total = sales_service.record_daily_total(session, shop.store_id, data)
        session.flush()
        session.refresh(total)
        assert session.get(DailyTotal, total.id).revenue_fen == THIRTY_MILLION_YUAN
        row = _rollup(session, shop, day)
        assert (row.revenue_fen, row.refunds_fen, row.orders) == (THIRTY_MILLION_YUAN, 1_000_000_000, 120)
