"""Tills forwarding a backlog: many sales in one request, each with its own key and its own result."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from store.config import get_settings
from store.premises.models import Store
from store.sales import rollups as sales_rollups
from store.sales.models import Order, OrderLine
from store.sales.schemas import Channel
from tests.factories.premises import create_shop
from tests.factories.sales import create_till, order_body

ORDERS = "/api/v1/sales/orders"
BATCH = "/api/v1/sales/orders/batch"


def _count(session, model=Order) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def till(session, shop):
    key, device = create_till(session, shop)
    return {"X-Device-Key": key}, device


def _sales(*pairs):
    return {"sales": [{"idempotency_key": key, "order": body} for key, body in pairs]}


class TestEachSaleGetsItsOwnResult:
    def test_a_bad_sale_does_not_hold_back_the_others(self, client, session, shop, till):
        bad = order_body(shop)
        bad["total_fen"] += 1
        taken = order_body(shop)
        client.post(ORDERS, json=taken, headers=till[0])
        response = client.post(
            BATCH,
            json=_sales(("a", order_body(shop)), ("b", bad), ("c", taken), ("d", order_body(shop))),
            headers=till[0],
        )
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert [r["status"] for r in results] == [201, 400, 409, 201]
        assert [r["idempotency_key"] for r in results] == ["a", "b", "c", "d"]
        assert results[1]["problem"]["type"].endswith("order-does-not-add-up")
        assert (
            results[2]["problem"]["detail"] == f"order number {taken['order_no']!r} is already recorded in this store"
        )
        assert results[0]["problem"] is None and results[1]["order"] is None
        assert _count(session) == 3
        assert _count(session, OrderLine) == 9

    def test_each_result_is_the_order_as_a_single_post_returns_it(self, client, session, shop, till):
        results = client.post(BATCH, json=_sales(("a", order_body(shop)), ("b", order_body(shop))), headers=till[0])
        for result in results.json()["results"]:
            stored = client.get(f"{ORDERS}/{result['order']['id']}", headers=till[0]).json()
            assert result["order"] == stored
            assert stored["terminal_id"] == till[1].id and stored["source"] == "own_till"

    def test_two_sales_with_one_number_in_a_batch_record_the_first(self, client, session, shop, till):
        first, second = order_body(shop), order_body(shop)
        second["order_no"] = first["order_no"]
        results = client.post(BATCH, json=_sales(("a", first), ("b", second)), headers=till[0]).json()["results"]
        assert [r["status"] for r in results] == [201, 409]
        assert _count(session) == 1

    def test_a_sale_for_another_shop_is_refused_alone(self, client, session, shop, till):
        other = create_shop(session, session.get(Store, shop.store_id))
        results = client.post(
            BATCH, json=_sales(("a", order_body(other)), ("b", order_body(shop))), headers=till[0]
        ).json()["results"]
        assert [r["status"] for r in results] == [403, 201]
        assert results[0]["problem"]["type"].endswith("wrong-shop")

    def test_the_daily_rollup_counts_every_recorded_sale(self, client, session, shop, till):
        bodies = [order_body(shop) for _ in range(3)]
        results = client.post(BATCH, json=_sales(*zip("abc", bodies, strict=True)), headers=till[0]).json()["results"]
        on = date.fromisoformat(results[0]["order"]["business_on"])
        net = sales_rollups.channel_totals(session, shop.store_id, on, on)[Channel.offline]
        assert net == sum(body["total_fen"] for body in bodies)


class TestRetriedBatches:
    def test_a_batch_sent_again_returns_the_first_results(self, client, session, shop, till):
        batch = _sales(("a", order_body(shop)), ("b", order_body(shop)))
        first = client.post(BATCH, json=batch, headers=till[0]).json()
        again = client.post(BATCH, json=batch, headers=till[0]).json()
        assert again == first
        assert _count(session) == 2

    def test_a_sale_posted_alone_then_forwarded_in_a_batch_is_one_sale(self, client, session, shop, till):
        body = order_body(shop)
        alone = client.post(ORDERS, json=body, headers={**till[0], "Idempotency-Key": "k-1"}).json()
        results = client.post(BATCH, json=_sales(("k-1", body)), headers=till[0]).json()["results"]
        assert results == [{"idempotency_key": "k-1", "status": 201, "order": alone, "problem": None}]
        assert _count(session) == 1

    def test_a_key_reused_for_another_sale_is_a_conflict_for_that_sale(self, client, session, shop, till):
        client.post(BATCH, json=_sales(("k-1", order_body(shop))), headers=till[0])
        results = client.post(BATCH, json=_sales(("k-1", order_body(shop))), headers=till[0]).json()["results"]
        assert results[0]["status"] == 409
        assert results[0]["problem"]["type"].endswith("idempotency-key-reused")
        assert _count(session) == 1

    def test_one_key_twice_in_a_batch_is_one_sale_or_a_conflict(self, client, session, shop, till):
        body, other = order_body(shop), order_body(shop)
        results = client.post(BATCH, json=_sales(("k", body), ("k", body), ("k", other)), headers=till[0]).json()
        statuses = [r["status"] for r in results["results"]]
        assert statuses == [201, 201, 409]
        assert results["results"][0]["order"] == results["results"][1]["order"]
        assert _count(session) == 1


class TestLimits:
    def test_an_order_with_more_lines_than_allowed_is_a_422_and_writes_nothing(
        self, client, session, shop, till, monkeypatch
    ):
        monkeypatch.setattr(get_settings(), "max_order_lines", 2)
        response = client.post(ORDERS, json=order_body(shop), headers=till[0])  # 3 lines
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "an order may have at most 2 lines, this one has 3"
        assert _count(session) == 0

    def test_the_default_cap_is_a_thousand_lines(self, client, session, shop, till):
        body = order_body(shop, lines=((1, 1, 0),) * 1001)
        response = client.post(ORDERS, json=body, headers=till[0])
        assert (response.status_code, response.json()["type"].rsplit("/", 1)[1]) == (422, "too-large")
        assert _count(session) == 0

    def test_a_batch_with_more_sales_than_allowed_is_refused_whole(self, client, session, shop, till, monkeypatch):
        monkeypatch.setattr(get_settings(), "max_batch_sales", 2)
        batch = _sales(*((str(n), order_body(shop)) for n in range(3)))
        response = client.post(BATCH, json=batch, headers=till[0])
        assert response.status_code == 422
        assert "at most 2 sales" in response.json()["detail"]
        assert _count(session) == 0

    def test_a_batch_without_keys_is_malformed(self, client, shop, till):
        response = client.post(BATCH, json={"sales": [{"order": order_body(shop)}]}, headers=till[0])
        assert response.status_code == 422
