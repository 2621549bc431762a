"""The catalogue API: a till's sync by pages, the resolver, price changes with a second approver, isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from store.auth.models import Role
from store.catalog.models import Price, PriceChange
from store.clock import utcnow
from store.premises.models import Store
from tests.factories.auth import create_device, staff_headers
from tests.factories.catalog import create_sku
from tests.factories.premises import create_shop, create_store

API = "/api/v1/catalog"


@pytest.fixture
def store(session):
    return create_store(session)


@pytest.fixture
def shop(session, store):
    return create_shop(session, store)


def _till(session, store, shop=None):
    key, _ = create_device(session, store, shop=shop)
    return {"X-Device-Key": key}


class TestSync:
    def test_a_till_pages_through_its_shop_and_then_gets_only_changes(self, client, session, store, shop) -> None:
        skus = [create_sku(session, shop, offline=1_000 + n) for n in range(5)]
        create_sku(session, create_shop(session, store))  # another shop's SKU: not this till's
        till = _till(session, store, shop)
        got, cursor = [], None
        while True:
            page = client.get(f"{API}/sync", params={"limit": 2, "cursor": cursor}, headers=till).json()
            got += [item["sku"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not page["more"]:
                break
        assert sorted(got) == sorted(s.code for s in skus)
        assert client.get(f"{API}/sync", params={"cursor": cursor}, headers=till).json()["items"] == []
        managers = [staff_headers(session, store, Role.manager) for _ in range(2)]
        change = client.post(
            f"{API}/price-changes",
            json={"sku": skus[2].code, "channel": "offline", "price_fen": 777},
            headers=managers[0],
        ).json()
        client.post(f"{API}/price-changes/{change['id']}/approve", headers=managers[1]).raise_for_status()
        page = client.get(f"{API}/sync", params={"cursor": cursor}, headers=till).json()
        assert [(i["sku"], i["price_fen"]) for i in page["items"]] == [(skus[2].code, 777)]
        assert page["version"] > 0 and page["more"] is False

    def test_scheduled_price_comes_with_its_step(self, client, session, store, shop) -> None:
        sku = create_sku(session, shop, offline=1_000)
        at = (utcnow() + timedelta(days=2)).replace(microsecond=0)
        session.add(Price(store_id=store.id, sku_id=sku.id, channel="offline", price_fen=800, starts_at=at))
        session.flush()
        item = client.get(f"{API}/sync", headers=_till(session, store, shop)).json()["items"][0]
        assert item["price_fen"] == 1_000
        assert [s["price_fen"] for s in item["steps"]] == [1_000, 800]

    def test_a_cursor_it_never_gave_is_a_400(self, client, session, store) -> None:
        response = client.get(f"{API}/sync", params={"cursor": "abc"}, headers=_till(session, store))
        assert response.status_code == 400 and response.json()["type"].endswith("/bad-cursor")


class TestResolverAndChanges:
    def test_price_endpoint_answers_the_tax_inclusive_effective_price(self, client, session, store, shop) -> None:
        sku = create_sku(session, shop, offline=11_300, online=11_300)
        headers = staff_headers(session, store, Role.cashier)
        body = client.get(f"{API}/price", params={"sku": sku.code, "channel": "online"}, headers=headers).json()
        assert (body["price_fen"], body["promotion"]) == (11_300, None)

    def test_negative_price_is_a_clear_400_and_writes_nothing(self, client, session, store, shop) -> None:
        sku = create_sku(session, shop)
        response = client.post(
            f"{API}/price-changes",
            json={"sku": sku.code, "channel": "online", "price_fen": -5},
            headers=staff_headers(session, store, Role.manager),
        )
        assert response.status_code == 400 and response.json()["type"].endswith("/price-negative")
        assert session.exec(select(func.count()).select_from(PriceChange)).one() == 0

    def test_promotion_ending_before_it_starts_is_a_clear_400(self, client, session, store) -> None:
        now = utcnow()
        response = client.post(
            f"{API}/promotions",
            json={
                "name": "x",
                "channel": "online",
                "percent_off": 10,
                "starts_at": now.isoformat(),
                "ends_at": (now - timedelta(hours=1)).isoformat(),
            },
            headers=staff_headers(session, store, Role.marketing),
        )
        assert response.status_code == 400 and "before it starts" in response.json()["detail"]

    def test_preview_then_request_then_self_approval_refused(self, client, session, store, shop) -> None:
        sku = create_sku(session, shop)
        manager = staff_headers(session, store, Role.manager)
        body = {"sku": sku.code, "channel": "online", "price_fen": 9_000}
        preview = client.post(f"{API}/price-changes/preview", json=body, headers=manager).json()
        assert preview["message"] == "S6 share 100.0% → 0.0%"
        change = client.post(f"{API}/price-changes", json=body, headers=manager).json()
        response = client.post(f"{API}/price-changes/{change['id']}/approve", headers=manager)
        assert response.status_code == 403 and response.json()["type"].endswith("/price-change-self-approval")

    def test_parity_report_states_its_rule(self, client, session, store, shop) -> None:
        create_sku(session, shop, online=9_000)
        now = utcnow()
        params = {"start": (now - timedelta(days=30)).isoformat(), "end": now.isoformat()}
        body = client.get(f"{API}/parity", params=params, headers=staff_headers(session, store, Role.manager)).json()
        assert body["total"] == {"in_parity": 0, "counted": 1, "percent": 0.0}
        assert body["drifted"][0]["offline_fen"] == 10_000 and body["drifted"][0]["online_fen"] == 9_000
        assert "denominator" in body["rule"]["en"]


class TestIsolation:
    def test_tenant_cannot_price_another_shops_sku(self, client, session, store, shop) -> None:
        neighbour_sku = create_sku(session, create_shop(session, store))
        tenant = staff_headers(session, store, Role.tenant, shop=shop)
        response = client.post(
            f"{API}/price-changes",
            json={"sku": neighbour_sku.code, "channel": "online", "price_fen": 1},
            headers=tenant,
        )
        assert response.status_code == 404

    def test_another_stores_manager_cannot_approve(self, client, session, store, shop) -> None:
        sku = create_sku(session, shop)
        change = client.post(
            f"{API}/price-changes",
            json={"sku": sku.code, "channel": "online", "price_fen": 1},
            headers=staff_headers(session, store, Role.manager),
        ).json()
        other = staff_headers(session, create_store(session), Role.manager)
        assert client.post(f"{API}/price-changes/{change['id']}/approve", headers=other).status_code == 404
        assert session.get(PriceChange, change["id"]).status == "pending"

    def test_another_stores_till_syncs_nothing_of_this_store(self, client, session, store, shop) -> None:
        create_sku(session, shop)
        other_store: Store = create_store(session)
        page = client.get(f"{API}/sync", headers=_till(session, other_store)).json()
        assert page["items"] == []


class TestTillsRecordTheirBook:
    def test_sale_names_the_synced_version_and_a_sale_on_an_older_book_counts_as_stale(
        self, client, session, store, shop
    ) -> None:
        from store.catalog import service as catalog_service
        from tests.factories.sales import order_body

        for n in (1, 2, 3):  # the codes order_body's lines name: a till's sale must name SKUs of its shop
            create_sku(session, shop, code=f"SKU-{n}")
        till = _till(session, store, shop)
        version = client.get(f"{API}/sync", headers=till).json()["version"]
        body = {**order_body(shop, ordered_at=utcnow() - timedelta(minutes=2)), "price_book_version": version}
        first = client.post("/api/v1/sales/orders", json=body, headers=till)
        assert first.status_code == 201 and first.json()["price_book_version"] == version
        catalog_service.publish(session, store.id, "new prices", at=utcnow() - timedelta(minutes=1))
        stale = {**order_body(shop, ordered_at=utcnow()), "price_book_version": version}
        assert client.post("/api/v1/sales/orders", json=stale, headers=till).status_code == 201
        plain = client.post("/api/v1/sales/orders", json=order_body(shop), headers=till)
        assert plain.status_code == 201 and plain.json()["price_book_version"] is None
        window = (utcnow() - timedelta(hours=1), utcnow() + timedelta(minutes=1))
        assert catalog_service.stale_sales(session, store.id, *window) == (1, 2)
        ((_, newest, _),) = catalog_service.tills_on_books(session, store.id)
        assert newest == version < catalog_service.current_version(session, store.id)
