"""Online orders through the mini-program (issue 11 item 3): browse, cart, order with stock reserved, pay through
the payment plugin, the sale in store.sales (online, member), delivery with the quoted promise, live attribution,
cancel and refund to the original method."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from store.auth.models import Role
from store.catalog import stock
from store.catalog.schemas import PriceChannel
from store.clock import utcnow
from store.delivery.models import DeliveryOrder
from store.live import service as live_service
from store.mall import service as mall_service
from store.mall.models import MallOrder
from store.payments.models import PaymentOrder, PaymentRefund
from store.payments.simulator import SIMULATOR
from store.sales.models import Order, Refund
from store.sales.rollups import online_member_orders
from tests.factories.auth import staff_headers
from tests.factories.catalog import create_sku
from tests.factories.members import create_member, member_tokens
from tests.factories.omni import create_session
from tests.factories.premises import create_shop, create_store

API = "/api/v1/mall"


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


@pytest.fixture
def sku(session, shop):
    row = create_sku(session, shop, offline=12_800, online=12_800)
    stock.set_on_hand(session, shop.store_id, shop.id, row.id, 5)
    return row


@pytest.fixture
def member(session, store):
    return create_member(session, store)


@pytest.fixture
def buyer(session, member):
    return {"Authorization": f"Bearer {member_tokens(session, member).access_token}"}


def _order(client, buyer, shop, sku, quantity=2, **extra):
    body = {"shop_id": shop.id, "lines": [{"sku": sku.code, "quantity": quantity}], **extra}
    return client.post(f"{API}/orders", json=body, headers=buyer)


def _available(session, shop, sku) -> int:
    on_hand, reserved = stock.level(session, shop.id, sku.id)
    return on_hand - reserved


class TestBrowse:
    def test_a_member_sees_the_shops_products_at_the_resolver_price_and_the_units_left(
        self, client, session, buyer, shop, sku
    ):
        assert shop.id in [s["id"] for s in client.get(f"{API}/shops", headers=buyer).json()]
        page = client.get(f"{API}/shops/{shop.id}/products", headers=buyer).json()
        assert [(p["sku"], p["price_fen"], p["available"]) for p in page["items"]] == [(sku.code, 12_800, 5)]

    def test_the_cart_is_priced_now_and_emptied_of_what_was_ordered(self, client, buyer, shop, sku):
        cart = client.put(f"{API}/cart/{sku.code}", json={"quantity": 3}, headers=buyer).json()
        assert (cart["items"][0]["quantity"], cart["total_fen"]) == (3, 38_400)
        assert _order(client, buyer, shop, sku, quantity=3).status_code == 201
        assert client.get(f"{API}/cart", headers=buyer).json()["items"] == []

    def test_staff_tokens_are_not_member_tokens(self, client, session, store):
        assert client.get(f"{API}/cart", headers=staff_headers(session, store, Role.manager)).status_code == 401


class TestOrder:
    def test_placing_reserves_the_stock_and_paying_records_an_online_sale_of_the_member(
        self, client, session, store, shop, sku, member, buyer
    ):
        placed = _order(client, buyer, shop, sku)
        assert placed.status_code == 201, placed.text
        order = placed.json()
        assert (order["status"], order["total_fen"], _available(session, shop, sku)) == ("awaiting_payment", 25_600, 3)
        paid = client.post(f"{API}/orders/{order['id']}/pay", json={"method": "wechat"}, headers=buyer).json()
        assert (paid["status"], paid["payment_status"]) == ("paid", "paid")
        sale = session.get(Order, paid["sales_order_id"])
        assert (sale.channel, sale.member_id, sale.total_fen, sale.order_no) == (
            "online",
            member.id,
            25_600,
            order["order_no"],
        )
        assert stock.level(session, shop.id, sku.id) == (3, 0)  # committed: left the shop's stock
        day = sale.business_on
        assert online_member_orders(session, store.id, day, day) == (1, 1)  # S5 counts it

    def test_out_of_stock_refuses_the_whole_order_and_holds_nothing(self, client, session, shop, sku, buyer):
        other = create_sku(session, shop)
        stock.set_on_hand(session, shop.store_id, shop.id, other.id, 1)
        body = {"shop_id": shop.id, "lines": [{"sku": sku.code, "quantity": 1}, {"sku": other.code, "quantity": 2}]}
        refused = client.post(f"{API}/orders", json=body, headers=buyer)
        assert refused.status_code == 409 and refused.json()["type"].endswith("out-of-stock")
        assert (_available(session, shop, sku), _available(session, shop, other)) == (5, 1)
        assert session.exec(select(MallOrder)).all() == []

    def test_a_closed_shop_refuses_orders(self, client, session, store, buyer):
        closed = create_shop(session, store, closed_on=utcnow().date() - timedelta(days=30))
        row = create_sku(session, closed)
        refused = _order(client, buyer, closed, row, quantity=1)
        assert refused.status_code == 409 and "closed" in refused.json()["detail"]

    def test_a_sku_of_another_shop_is_refused(self, client, session, store, shop, buyer):
        elsewhere = create_sku(session, create_shop(session, store))
        assert _order(client, buyer, shop, elsewhere, quantity=1).status_code == 400

    def test_a_retry_with_the_same_key_places_one_order(self, client, session, shop, sku, buyer):
        body = {"shop_id": shop.id, "lines": [{"sku": sku.code, "quantity": 1}]}
        headers = {**buyer, "Idempotency-Key": "tap-1"}
        first = client.post(f"{API}/orders", json=body, headers=headers).json()
        again = client.post(f"{API}/orders", json=body, headers=headers).json()
        assert first["id"] == again["id"] and _available(session, shop, sku) == 4

    def test_another_members_order_reads_as_not_found(self, client, session, store, shop, sku, buyer):
        order = _order(client, buyer, shop, sku).json()
        stranger = {"Authorization": f"Bearer {member_tokens(session, create_member(session, store)).access_token}"}
        assert client.get(f"{API}/orders/{order['id']}", headers=stranger).status_code == 404


class TestPayment:
    def test_a_declined_payment_keeps_the_order_waiting_and_a_second_attempt_pays(
        self, client, session, shop, sku, buyer, simulator
    ):
        simulator.script(create=["declined", "paid"])
        order = _order(client, buyer, shop, sku).json()
        first = client.post(f"{API}/orders/{order['id']}/pay", json={"method": "alipay"}, headers=buyer).json()
        assert (first["status"], first["payment_status"]) == ("awaiting_payment", "declined")
        second = client.post(f"{API}/orders/{order['id']}/pay", json={"method": "alipay"}, headers=buyer).json()
        assert second["status"] == "paid"
        assert len(session.exec(select(PaymentOrder)).all()) == 2

    def test_an_unknown_answer_stays_pending_until_the_worker_hears_it_was_paid(
        self, client, session, shop, sku, buyer, simulator
    ):
        simulator.script(create="unknown", query=["unknown", "paid"])
        order = _order(client, buyer, shop, sku).json()
        pending = client.post(f"{API}/orders/{order['id']}/pay", json={"method": "wechat"}, headers=buyer).json()
        assert (pending["status"], pending["sales_order_id"]) == ("payment_pending", None)
        cancel = client.post(f"{API}/orders/{order['id']}/cancel", headers=buyer)
        assert cancel.status_code == 409  # the network has not said yet: nothing is released
        assert mall_service.settle_pending(session) == 1
        row = session.get(MallOrder, order["id"])
        assert row.status == "paid" and session.get(Order, row.sales_order_id).total_fen == 25_600

    def test_an_unknown_answer_that_turns_out_declined_lets_the_buyer_pay_again(
        self, client, session, shop, sku, buyer, simulator
    ):
        simulator.script(create="unknown", query="declined")
        order = _order(client, buyer, shop, sku).json()
        client.post(f"{API}/orders/{order['id']}/pay", json={"method": "wechat"}, headers=buyer)
        mall_service.settle_pending(session)
        assert session.get(MallOrder, order["id"]).status == "awaiting_payment"


class TestCancelAndRefund:
    def test_cancelling_an_unpaid_order_releases_the_stock(self, client, session, shop, sku, buyer):
        order = _order(client, buyer, shop, sku).json()
        cancelled = client.post(f"{API}/orders/{order['id']}/cancel", headers=buyer).json()
        assert cancelled["status"] == "cancelled" and _available(session, shop, sku) == 5

    def test_an_order_not_paid_in_time_gives_its_stock_back(self, client, session, shop, sku, buyer):
        order = _order(client, buyer, shop, sku).json()
        assert mall_service.expire_unpaid(session, now=utcnow() + mall_service.HOLD) == 1
        assert _available(session, shop, sku) == 5
        late = client.post(f"{API}/orders/{order['id']}/pay", json={"method": "wechat"}, headers=buyer)
        assert late.status_code == 409

    def test_cancelling_a_paid_order_refunds_the_original_method_and_returns_the_stock(
        self, client, session, shop, sku, buyer, simulator
    ):
        order = _order(client, buyer, shop, sku).json()
        client.post(f"{API}/orders/{order['id']}/pay", json={"method": "unionpay"}, headers=buyer)
        cancelled = client.post(f"{API}/orders/{order['id']}/cancel", headers=buyer).json()
        assert (cancelled["status"], cancelled["refunded_fen"]) == ("cancelled", 25_600)
        refund = session.exec(select(PaymentRefund)).one()
        assert (refund.method, refund.amount_fen, refund.status) == ("unionpay", 25_600, "done")
        assert sum(simulator.refunded.values()) == 25_600
        sale = session.get(Order, cancelled["sales_order_id"])
        assert sale.refunded_fen == 25_600 and stock.level(session, shop.id, sku.id) == (5, 0)

    def test_a_manager_refunds_part_of_a_collected_order_to_its_method(self, client, session, store, shop, sku, buyer):
        order = _order(client, buyer, shop, sku).json()
        client.post(f"{API}/orders/{order['id']}/pay", json={"method": "wechat"}, headers=buyer)
        cashier = staff_headers(session, store, Role.cashier)
        assert client.post(f"{API}/shop-orders/{order['id']}/collected", json={}, headers=cashier).json()["status"] == (
            "collected"
        )
        assert client.post(f"{API}/orders/{order['id']}/cancel", headers=buyer).status_code == 409
        manager = staff_headers(session, store, Role.manager)
        done = client.post(f"{API}/shop-orders/{order['id']}/refunds", json={"amount_fen": 12_800}, headers=manager)
        assert done.status_code == 200 and done.json()["refunded_fen"] == 12_800
        assert session.exec(select(PaymentRefund.method)).one() == "wechat"
        assert session.exec(select(Refund.amount_fen)).one() == 12_800
        over = client.post(f"{API}/shop-orders/{order['id']}/refunds", json={"amount_fen": 12_801}, headers=manager)
        assert over.status_code == 409


class TestDeliveryAndLive:
    def test_a_delivery_order_keeps_the_promise_quoted_when_it_was_placed(self, client, session, shop, sku, buyer):
        order = _order(client, buyer, shop, sku, fulfilment="delivery", address="上海市黄浦区南京东路1号").json()
        assert order["delivery_level"] in ("same_day", "next_day") and order["promised_by"]
        paid = client.post(f"{API}/orders/{order['id']}/pay", json={"method": "wechat"}, headers=buyer).json()
        delivery = session.exec(
            select(DeliveryOrder).where(DeliveryOrder.sales_order_id == paid["sales_order_id"])
        ).one()
        assert delivery.level == order["delivery_level"]
        assert delivery.promised_by.isoformat().replace("+00:00", "Z")[:16] == order["promised_by"][:16]
        assert paid["delivery_status"] == "placed"

    def test_a_delivery_without_an_address_is_refused(self, client, shop, sku, buyer):
        assert _order(client, buyer, shop, sku, fulfilment="delivery").status_code == 400

    def test_an_order_with_a_live_code_is_a_live_sale_stamped_with_its_session(
        self, client, session, store, shop, sku, buyer
    ):
        live = create_session(session, store.id, utcnow() - timedelta(hours=1), coupons=["LIVE-88"])
        from store.catalog import service as catalog_service

        catalog_service.set_price(session, sku, PriceChannel.live, 9_900, utcnow() - timedelta(days=1), change_id=None)
        order = _order(client, buyer, shop, sku, quantity=1, live_code=live.code).json()
        assert (order["channel"], order["total_fen"], order["live_session_id"]) == ("live", 9_900, live.id)
        paid = client.post(f"{API}/orders/{order['id']}/pay", json={"method": "wechat"}, headers=buyer).json()
        assert live_service.session_of_order(session, store.id, paid["sales_order_id"]) == live.id
        assert session.get(Order, paid["sales_order_id"]).channel == "live"

    def test_an_unknown_live_code_is_refused_before_anything_is_reserved(self, client, session, shop, sku, buyer):
        assert _order(client, buyer, shop, sku, live_code="NOPE").status_code == 400
        assert _available(session, shop, sku) == 5


class TestStaff:
    def test_tenant_staff_see_only_their_shops_orders_with_the_address_masked(
        self, client, session, store, shop, sku, buyer
    ):
        _order(client, buyer, shop, sku, fulfilment="delivery", address="上海市黄浦区南京东路1号")
        tenant = staff_headers(session, store, Role.tenant, shop=shop)
        rows = client.get(f"{API}/shop-orders", headers=tenant).json()
        assert rows["total"] == 1 and rows["items"][0]["address"] == "上海市黄浦区****"
        neighbour = staff_headers(session, store, Role.tenant, shop=create_shop(session, store))
        assert client.get(f"{API}/shop-orders", headers=neighbour).json()["total"] == 0
