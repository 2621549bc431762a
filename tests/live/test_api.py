"""The live API: sessions scheduled with products priced by the one resolver, read back with their sales; the
mini-program's live room shows the resolver's live price and orders from it are stamped with the session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store.auth.models import Role
from store.catalog import service as catalog_service
from store.catalog import stock
from store.catalog.schemas import PriceChannel
from store.clock import utcnow
from store.payments.simulator import SIMULATOR
from tests.factories.auth import staff_headers
from tests.factories.catalog import create_sku
from tests.factories.members import create_member, member_tokens
from tests.factories.premises import create_shop, create_store


@pytest.fixture(autouse=True)
def simulator():
    SIMULATOR.reset()
    yield SIMULATOR
    SIMULATOR.reset()


@pytest.fixture
def store(session):
    return create_store(session)


@pytest.fixture
def shop(session, store):
    return create_shop(session, store)


def _body(skus, starts_at, **extra):
    return {
        "title": "新品发布会",
        "platform": "douyin",
        "kind": "launch",
        "host": "主播小王",
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(hours=2)).isoformat(),
        "products": [{"sku": s} for s in skus],
        "coupons": ["LIVE-1"],
        **extra,
    }


class TestSchedule:
    def test_products_without_a_price_show_the_resolvers_live_price(self, client, session, store, shop):
        live_priced = create_sku(session, shop, online=10_000)
        catalog_service.set_price(
            session, live_priced, PriceChannel.live, 8_800, utcnow() - timedelta(days=1), change_id=None
        )
        online_only = create_sku(session, shop, online=5_000)
        marketing = staff_headers(session, store, Role.marketing)
        body = _body([live_priced.code, online_only.code, "NOT-IN-CATALOGUE"], utcnow() + timedelta(hours=1))
        made = client.post("/api/v1/live/sessions", json=body, headers=marketing)
        assert made.status_code == 201, made.text
        prices = {p["sku"]: p["price_fen"] for p in made.json()["products"]}
        assert prices == {live_priced.code: 8_800, online_only.code: 5_000, "NOT-IN-CATALOGUE": None}
        listed = client.get("/api/v1/live/sessions", headers=marketing).json()
        assert [s["code"] for s in listed] == [made.json()["code"]]

    def test_a_session_ending_before_it_starts_is_refused(self, client, session, store):
        body = _body([], utcnow())
        body["ends_at"] = (utcnow() - timedelta(hours=1)).isoformat()
        refused = client.post("/api/v1/live/sessions", json=body, headers=staff_headers(session, store, Role.manager))
        assert refused.status_code == 400

    def test_the_audience_is_recorded(self, client, session, store):
        manager = staff_headers(session, store, Role.manager)
        made = client.post("/api/v1/live/sessions", json=_body([], utcnow()), headers=manager).json()
        put = client.put(f"/api/v1/live/sessions/{made['id']}/viewers", json={"viewers": 12_000}, headers=manager)
        assert put.json()["viewers"] == 12_000


class TestLiveRoom:
    def test_a_buyer_opens_the_room_and_the_order_is_stamped_with_the_session(self, client, session, store, shop):
        sku = create_sku(session, shop, online=10_000)
        catalog_service.set_price(session, sku, PriceChannel.live, 8_800, utcnow() - timedelta(days=1), change_id=None)
        stock.set_on_hand(session, store.id, shop.id, sku.id, 3)
        manager = staff_headers(session, store, Role.manager)
        made = client.post("/api/v1/live/sessions", json=_body([sku.code], utcnow()), headers=manager).json()
        buyer = {"Authorization": f"Bearer {member_tokens(session, create_member(session, store)).access_token}"}
        room = client.get(f"/api/v1/mall/live/{made['code']}", headers=buyer).json()
        assert [(i["sku"], i["price_fen"], i["available"]) for i in room["items"]] == [(sku.code, 8_800, 3)]
        body = {"shop_id": shop.id, "lines": [{"sku": sku.code, "quantity": 1}], "live_code": "LIVE-1"}
        order = client.post("/api/v1/mall/orders", json=body, headers=buyer).json()
        client.post(f"/api/v1/mall/orders/{order['id']}/pay", json={"method": "wechat"}, headers=buyer)
        after = client.get(f"/api/v1/live/sessions/{made['id']}", headers=manager).json()
        assert (after["orders"], after["revenue_fen"]) == (1, 8_800)

    def test_a_code_outside_its_window_is_refused(self, client, session, store):
        manager = staff_headers(session, store, Role.manager)
        made = client.post(
            "/api/v1/live/sessions", json=_body([], utcnow() + timedelta(days=2)), headers=manager
        ).json()
        buyer = {"Authorization": f"Bearer {member_tokens(session, create_member(session, store)).access_token}"}
        assert client.get(f"/api/v1/mall/live/{made['code']}", headers=buyer).status_code == 400
