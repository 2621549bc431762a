"""Numbers a column cannot hold are refused as 422 naming the field, never a 500, and nothing is written.

Found by fuzzing the API (schemathesis): on PostgreSQL an amount past 2^31 fen, on SQLite one past 2^63,
reached the database and failed there. Money is BIGINT now; an amount is capped at MONEY_MAX so that a
day's rollup of many of them still fits.
"""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from store.sales.models import Order, Refund
from store.wire import MONEY_MAX
from tests.factories.sales import create_order, order_body

ORDERS = "/api/v1/sales/orders"
TOO_BIG = 2**31  # one past PostgreSQL's INTEGER (row ids)
TOO_RICH = MONEY_MAX + 1  # one past what a money field takes
HUGE = 10**20  # past SQLite's 64-bit integer too


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _one_line_order(shop, amount: int) -> dict:
    body = order_body(shop, lines=((1, 100, 0),))
    body["lines"][0].update(unit_price_fen=amount, total_fen=amount)
    body.update(subtotal_fen=amount, total_fen=amount)
    body["payments"][0]["amount_fen"] = amount
    return body


class TestOrderAmountBeyondWhatIsStored:
    @pytest.mark.parametrize("amount", [TOO_RICH, HUGE])
    def test_order_worth_more_than_a_column_holds_is_refused_and_not_written(
        self, client, session, shop, manager, amount
    ):
        before = _count(session, Order)
        response = client.post(ORDERS, json=_one_line_order(shop, amount), headers=manager)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert "lines.0.unit_price_fen" in response.json()["detail"]
        assert _count(session, Order) == before

    @pytest.mark.parametrize("amount", [TOO_RICH, HUGE])
    def test_refund_of_an_impossible_amount_is_refused_and_not_written(self, client, session, shop, manager, amount):
        order = create_order(session, shop)
        session.commit()
        response = client.post(f"{ORDERS}/{order.id}/refunds", json={"amount_fen": amount}, headers=manager)
        assert response.status_code == 422
        assert _count(session, Refund) == 0


class TestOrderIdBeyondWhatIsStored:
    def test_reading_an_order_id_past_the_column_is_a_422_not_a_500(self, client, manager):
        response = client.get(f"{ORDERS}/{TOO_BIG}", headers=manager)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["path", "order_id"]

    def test_filtering_by_an_impossible_shop_or_offset_is_a_422(self, client, manager):
        assert client.get(ORDERS, params={"shop_id": TOO_BIG}, headers=manager).status_code == 422
        assert client.get(ORDERS, params={"offset": HUGE}, headers=manager).status_code == 422
