"""A till sells its shop's catalogue: a line naming an unknown SKU, or another shop's, is a 422 for that sale only."""

from __future__ import annotations

from sqlmodel import func, select

from store.premises.models import Store
from store.sales.models import Order
from tests.factories.catalog import create_sku
from tests.factories.premises import create_shop
from tests.factories.sales import order_body

ORDERS = "/api/v1/sales/orders"
BATCH = "/api/v1/sales/orders/batch"


def _sale(shop, seq, skus=("SKU-1", "SKU-2", "SKU-3")):
    body = order_body(shop)
    for line, sku in zip(body["lines"], skus, strict=True):
        line["sku"] = sku
    body["till_seq"] = seq
    return {"idempotency_key": f"sale-{seq}", "order": body}


def _count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Order)).one()


class TestTillSkus:
    def test_a_batch_with_an_unknown_sku_lands_the_rest(self, client, session, shop, till):
        headers, _ = till
        for n in (1, 2, 3):
            create_sku(session, shop, code=f"SKU-{n}")
        session.commit()
        sales = [_sale(shop, 1), _sale(shop, 2, ("SKU-1", "NOPE", "SKU-3")), _sale(shop, 3)]
        results = client.post(BATCH, json={"sales": sales}, headers=headers).json()["results"]
        assert [r["status"] for r in results] == [201, 422, 201]
        problem = results[1]["problem"]
        assert problem["type"].endswith("/unknown-sku") and problem["status"] == 422
        assert problem["errors"] == [
            {"loc": ["body", "lines", 1, "sku"], "line": 1, "sku": "NOPE", "msg": "not in the store's catalogue"}
        ]
        assert "line 1" in problem["detail"] and "NOPE" in problem["detail"]
        assert _count(session) == 2

    def test_another_shops_sku_is_refused_on_a_single_post(self, client, session, shop, till):
        headers, _ = till
        other = create_shop(session, session.get(Store, shop.store_id))
        create_sku(session, shop, code="SKU-1")
        create_sku(session, shop, code="SKU-2")
        create_sku(session, other, code="SKU-3")
        session.commit()
        response = client.post(ORDERS, json=_sale(shop, 1)["order"], headers={**headers, "Idempotency-Key": "x"})
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        (error,) = response.json()["errors"]
        assert error["line"] == 2 and error["msg"] == f"sold by shop {other.id}, not by shop {shop.id}"
        assert _count(session) == 0

    def test_a_sale_naming_no_sku_of_the_catalogue_is_refused(self, client, session, shop, till):
        # None of the codes is found: the store's catalogue exists all the same, so the sale is checked.
        headers, _ = till
        create_sku(session, shop, code="SKU-1")
        session.commit()
        body = _sale(shop, 1, ("A", "B", "C"))["order"]
        response = client.post(ORDERS, json=body, headers={**headers, "Idempotency-Key": "none-known"})
        assert response.status_code == 422
        assert [error["sku"] for error in response.json()["errors"]] == ["A", "B", "C"]
        assert _count(session) == 0

    def test_a_backlog_naming_many_codes_is_checked_code_by_code(self, client, session, shop, till):
        # More distinct codes than the one prebuilt statement takes (32): checked all the same.
        headers, _ = till
        for n in range(60):
            create_sku(session, shop, code=f"SKU-{n}")
        session.commit()
        sales = [_sale(shop, n + 1, (f"SKU-{3 * n}", f"SKU-{3 * n + 1}", f"SKU-{3 * n + 2}")) for n in range(20)]
        sales[7] = _sale(shop, 8, ("SKU-0", "GONE", "SKU-1"))
        results = client.post(BATCH, json={"sales": sales}, headers=headers).json()["results"]
        assert [r["status"] for r in results] == [201] * 7 + [422] + [201] * 12
        assert results[7]["problem"]["errors"][0]["sku"] == "GONE"
        assert _count(session) == 19

    def test_a_store_without_a_catalogue_checks_no_sku(self, client, session, shop, till):
        headers, _ = till
        results = client.post(BATCH, json={"sales": [_sale(shop, 1, ("A", "B", "C"))]}, headers=headers).json()
        assert results["results"][0]["status"] == 201

    def test_a_staff_post_is_not_a_till_post(self, client, session, shop, manager):
        create_sku(session, shop, code="SKU-1")
        session.commit()
        body = _sale(shop, None, ("X", "Y", "Z"))["order"]
        del body["till_seq"]
        response = client.post(ORDERS, json=body, headers={**manager, "Idempotency-Key": "m"})
        assert response.status_code == 201
