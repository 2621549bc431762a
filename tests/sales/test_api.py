"""Sales API as tills and staff use it: problem+json errors, retry-safe posts, shop-bound access."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import func, select

from store.auth.models import Role
from store.sales.models import Order, Refund
from tests.factories.members import ensure_member
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_order, create_till, order_body, staff_token

ORDERS = "/api/v1/sales/orders"


def _orders(session) -> int:
    return session.exec(select(func.count()).select_from(Order)).one()


@pytest.fixture
def store(session):
    return create_store(session)


@pytest.fixture
def shop(session, store):
    return create_shop(session, store)


@pytest.fixture
def till(session, shop):
    key, device = create_till(session, shop)
    return {"X-Device-Key": key}, device


class TestTillPostsAnOrder:
    def test_order_is_created_with_the_till_as_terminal(self, client, shop, till):
        headers, device = till
        response = client.post(ORDERS, json=order_body(shop), headers=headers)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["terminal_id"] == device.id
        assert body["source"] == "own_till"
        assert len(body["lines"]) == 3 and body["payments"][0]["method"] == "wechat"

    def test_retry_with_the_same_key_returns_the_first_order(self, client, session, shop, till):
        headers = {**till[0], "Idempotency-Key": "till-7-000123"}
        body = order_body(shop)
        first = client.post(ORDERS, json=body, headers=headers)
        again = client.post(ORDERS, json=body, headers=headers)
        assert again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert _orders(session) == 1

    def test_same_key_with_another_order_is_a_conflict(self, client, session, shop, till):
        headers = {**till[0], "Idempotency-Key": "till-7-000124"}
        client.post(ORDERS, json=order_body(shop), headers=headers)
        response = client.post(ORDERS, json=order_body(shop), headers=headers)
        assert response.status_code == 409
        assert response.json()["type"].endswith("idempotency-key-reused")
        assert _orders(session) == 1

    def test_till_of_another_shop_is_forbidden(self, client, session, store, till):
        other = create_shop(session, store)
        response = client.post(ORDERS, json=order_body(other), headers=till[0])
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("application/problem+json")
        assert _orders(session) == 0

    def test_receipt_capture_box_posts_captured_sales(self, client, session, shop):
        from store.auth.models import DeviceKind

        key, _ = create_till(session, shop, kind=DeviceKind.capture_box)
        response = client.post(ORDERS, json=order_body(shop), headers={"X-Device-Key": key})
        assert response.json()["source"] == "receipt_capture"


class TestTheAnswerIsWhatWasWritten:
    def test_the_created_order_reads_back_the_same(self, client, session, shop, till):
        ensure_member(session, shop.store_id, 42)
        body = order_body(shop, member_id=42)
        body["ordered_at"] = "2025-03-01T23:30:00+08:00"  # the till's own offset comes back as sent
        created = client.post(ORDERS, json=body, headers=till[0]).json()
        stored = client.get(f"{ORDERS}/{created['id']}", headers=till[0]).json()
        assert created["ordered_at"] == "2025-03-01T23:30:00+08:00" and created["business_on"] == "2025-03-01"
        assert {**created, "ordered_at": None} == {**stored, "ordered_at": None}
        assert datetime.fromisoformat(created["ordered_at"]) == datetime.fromisoformat(stored["ordered_at"])

    def test_an_order_number_already_recorded_is_a_conflict_and_writes_nothing(self, client, session, shop, till):
        body = order_body(shop)
        client.post(ORDERS, json=body, headers={**till[0], "Idempotency-Key": "a"})
        again = client.post(ORDERS, json=body, headers={**till[0], "Idempotency-Key": "b"})
        assert again.status_code == 409
        assert again.json()["detail"] == f"order number {body['order_no']!r} is already recorded in this store"
        assert _orders(session) == 1
        assert client.post(ORDERS, json=body, headers={**till[0], "Idempotency-Key": "b"}).status_code == 409


class TestBadOrdersAreRefused:
    def test_numbers_that_do_not_add_up_list_every_field(self, client, session, shop, till):
        body = order_body(shop)
        body["lines"][0]["total_fen"] += 1
        body["total_fen"] += 7
        response = client.post(ORDERS, json=body, headers=till[0])
        assert response.status_code == 400
        problem = response.json()
        assert problem["type"].endswith("order-does-not-add-up")
        locs = [e["loc"] for e in problem["errors"]]
        assert ["lines", 0, "total_fen"] in locs and ["total_fen"] in locs
        assert _orders(session) == 0

    def test_closed_shop_is_a_conflict(self, client, session, store):
        closed = create_shop(session, store, closed_on=date(2024, 6, 30))
        headers = {"Authorization": f"Bearer {staff_token(session, store.id, Role.manager)}"}
        response = client.post(ORDERS, json=order_body(closed), headers=headers)
        assert response.status_code == 409
        assert response.json()["type"].endswith("shop-closed")
        assert _orders(session) == 0

    def test_marketing_staff_cannot_post_sales(self, client, session, store, shop):
        headers = {"Authorization": f"Bearer {staff_token(session, store.id, Role.marketing)}"}
        assert client.post(ORDERS, json=order_body(shop), headers=headers).status_code == 403

    def test_anonymous_post_is_unauthorized(self, client, shop):
        assert client.post(ORDERS, json=order_body(shop)).status_code == 401


class TestRefundsThroughTheApi:
    def test_refund_beyond_paid_is_refused_with_the_numbers(self, client, session, shop, till):
        order = create_order(session, shop)
        url = f"{ORDERS}/{order.id}/refunds"
        assert client.post(url, json={"amount_fen": 1000}, headers=till[0]).status_code == 201
        response = client.post(url, json={"amount_fen": order.total_fen}, headers=till[0])
        assert response.status_code == 409
        assert f"paid {order.total_fen} fen" in response.json()["detail"]

    def test_retried_refund_is_given_once(self, client, session, shop, till):
        order = create_order(session, shop)
        headers = {**till[0], "Idempotency-Key": "refund-1"}
        url = f"{ORDERS}/{order.id}/refunds"
        first = client.post(url, json={"amount_fen": 500, "reason": "尺码不合"}, headers=headers)
        again = client.post(url, json={"amount_fen": 500, "reason": "尺码不合"}, headers=headers)
        assert first.json() == again.json()
        assert session.exec(select(func.count()).select_from(Refund)).one() == 1
        assert client.get(f"{ORDERS}/{order.id}", headers=till[0]).json()["refunded_fen"] == 500

    def test_one_key_on_two_orders_refunds_each_order(self, client, session, shop, till):
        first_order, second_order = create_order(session, shop), create_order(session, shop)
        headers = {**till[0], "Idempotency-Key": "refund-slip-9"}
        for order in (first_order, second_order):
            reply = client.post(f"{ORDERS}/{order.id}/refunds", json={"amount_fen": 300}, headers=headers)
            assert reply.status_code == 201 and reply.json()["order_id"] == order.id
        assert session.exec(select(func.count()).select_from(Refund)).one() == 2


class TestReadingOrders:
    def test_filters_by_day_channel_and_member(self, client, session, store, shop):
        day = datetime(2025, 4, 2, 4, 0, tzinfo=UTC)
        create_order(session, shop, ordered_at=day, member_id=77, channel="online")
        create_order(session, shop, ordered_at=day)
        create_order(session, shop, ordered_at=datetime(2025, 4, 3, 4, 0, tzinfo=UTC), member_id=77)
        headers = {"Authorization": f"Bearer {staff_token(session, store.id, Role.manager)}"}
        page = client.get(ORDERS, params={"day": "2025-04-02"}, headers=headers).json()
        assert page["total"] == 2
        assert client.get(ORDERS, params={"member_id": 77}, headers=headers).json()["total"] == 2
        online = client.get(ORDERS, params={"channel": "online", "day": "2025-04-02"}, headers=headers).json()
        assert [o["member_id"] for o in online["items"]] == [77]

    def test_pages_carry_the_total(self, client, session, store, shop):
        for _ in range(3):
            create_order(session, shop)
        headers = {"Authorization": f"Bearer {staff_token(session, store.id, Role.admin)}"}
        page = client.get(ORDERS, params={"limit": 2, "offset": 2}, headers=headers).json()
        assert (page["total"], len(page["items"]), page["offset"]) == (3, 1, 2)

    def test_tenant_sees_only_their_own_shop(self, client, session, store, shop):
        other = create_shop(session, store)
        mine = create_order(session, shop)
        theirs = create_order(session, other)
        headers = {"Authorization": f"Bearer {staff_token(session, store.id, Role.tenant, shop_id=shop.id)}"}
        page = client.get(ORDERS, headers=headers).json()
        assert [o["id"] for o in page["items"]] == [mine.id]
        assert client.get(f"{ORDERS}/{theirs.id}", headers=headers).status_code == 404

    def test_order_of_another_store_is_not_found(self, client, session, store, shop):
        foreign = create_order(session, create_shop(session, create_store(session)))
        headers = {"Authorization": f"Bearer {staff_token(session, store.id, Role.manager)}"}
        assert client.get(f"{ORDERS}/{foreign.id}", headers=headers).status_code == 404


class TestKpiFollowsEveryWrite:
    def test_posted_order_and_its_refund_reach_the_daily_rollup(self, client, session, store, shop, till):
        from store.sales import rollups as sales_rollups
        from store.sales.schemas import Channel

        body = client.post(ORDERS, json=order_body(shop), headers=till[0]).json()
        client.post(f"{ORDERS}/{body['id']}/refunds", json={"amount_fen": 300}, headers=till[0])
        day = date.fromisoformat(body["business_on"])
        net = sales_rollups.channel_totals(session, store.id, day, day)[Channel.offline]
        assert net == body["total_fen"] - 300
        assert sales_rollups.shops_with_pos_sales(session, store.id, day, day) == {shop.id}


class TestShopOfAnotherStore:
    def test_manager_cannot_post_for_a_shop_of_another_store(self, client, session, store):
        foreign = create_shop(session, create_store(session))
        headers = {"Authorization": f"Bearer {staff_token(session, store.id, Role.manager)}"}
        response = client.post(ORDERS, json=order_body(foreign), headers=headers)
        assert response.status_code == 404
        assert _orders(session) == 0
