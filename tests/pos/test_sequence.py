"""Tills' sequence numbers: a sale stored once per till number, replays answered, gaps raised as alarms."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from store.clock import business_day, utcnow
from store.sales.models import Order
from tests.factories.sales import order_body

ORDERS = "/api/v1/sales/orders"
BATCH = "/api/v1/sales/orders/batch"
HEARTBEAT = "/api/v1/pos/heartbeat"
TILLS = "/api/v1/pos/tills"


def _sale(shop, seq, **kwargs):
    body = order_body(shop, **kwargs)
    body["till_seq"] = seq
    return {"idempotency_key": f"sale-{seq}-{body['order_no']}", "order": body}


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(Order)).one()


class TestTillSequence:
    def test_a_replay_under_another_key_gets_the_first_order(self, client, session, shop, till):
        headers, _ = till
        sale = _sale(shop, 1)
        first = client.post(BATCH, json={"sales": [sale]}, headers=headers).json()["results"][0]
        assert first["status"] == 201 and first["order"]["till_seq"] == 1
        again = {**sale, "idempotency_key": "a-key-the-till-lost"}
        replay = client.post(BATCH, json={"sales": [again]}, headers=headers).json()["results"][0]
        assert replay["status"] == 200
        assert replay["order"]["id"] == first["order"]["id"]
        assert _count(session) == 1

    def test_a_single_post_replayed_under_another_key_is_stored_once(self, client, session, shop, till):
        headers, _ = till
        body = _sale(shop, 7)["order"]
        first = client.post(ORDERS, json=body, headers={**headers, "Idempotency-Key": "k1"})
        second = client.post(ORDERS, json=body, headers={**headers, "Idempotency-Key": "k2"})
        assert first.status_code == 201 and second.status_code == 200
        assert second.json()["id"] == first.json()["id"]
        assert _count(session) == 1

    def test_another_sale_under_a_taken_number_is_refused(self, client, session, shop, till):
        headers, _ = till
        client.post(BATCH, json={"sales": [_sale(shop, 3)]}, headers=headers)
        other = client.post(BATCH, json={"sales": [_sale(shop, 3)]}, headers=headers).json()["results"][0]
        assert other["status"] == 409
        assert other["problem"]["type"].endswith("till-sequence-taken")
        assert _count(session) == 1

    def test_one_bad_sale_comes_back_with_its_error_and_the_rest_land(self, client, session, shop, till):
        headers, _ = till
        bad = _sale(shop, 2)
        bad["order"]["total_fen"] += 1
        results = client.post(BATCH, json={"sales": [_sale(shop, 1), bad, _sale(shop, 3)]}, headers=headers).json()[
            "results"
        ]
        assert [r["status"] for r in results] == [201, 400, 201]
        assert "total_fen" in results[1]["problem"]["detail"]

    def test_a_late_sale_lands_on_its_own_business_day(self, client, session, shop, till):
        headers, _ = till
        yesterday = utcnow() - timedelta(hours=30)
        result = client.post(BATCH, json={"sales": [_sale(shop, 1, ordered_at=yesterday)]}, headers=headers).json()[
            "results"
        ][0]
        assert result["order"]["business_on"] == business_day(yesterday, "Asia/Shanghai").isoformat()


class TestMissingSaleAlarm:
    def _beat(self, client, headers, **kwargs):
        body = {"outbox_backlog": 0, "dead_letters": 0, "last_seq": 0, **kwargs}
        response = client.post(HEARTBEAT, json=body, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["till"]

    def test_a_gap_raises_an_alarm_until_the_sale_arrives(self, client, session, shop, till, manager):
        headers, _ = till
        client.post(BATCH, json={"sales": [_sale(shop, 1), _sale(shop, 2), _sale(shop, 5)]}, headers=headers)
        read = self._beat(client, headers, last_seq=5, dead_letters=1, dead_seqs=[3])
        assert [(g["first_seq"], g["last_seq"]) for g in read["open_gaps"]] == [(3, 4)]
        page = client.get(TILLS, headers=manager).json()
        assert page["missing_sales"] == 2
        client.post(BATCH, json={"sales": [_sale(shop, 3)]}, headers=headers)
        read = self._beat(client, headers, last_seq=5)
        assert [(g["first_seq"], g["last_seq"]) for g in read["open_gaps"]] == [(4, 4)]
        client.post(BATCH, json={"sales": [_sale(shop, 4)]}, headers=headers)
        read = self._beat(client, headers, last_seq=5)
        assert read["open_gaps"] == [] and read["server_seq"] == 5

    def test_numbers_the_till_gave_but_never_sent_are_missing(self, client, session, shop, till):
        headers, _ = till
        client.post(BATCH, json={"sales": [_sale(shop, 1)]}, headers=headers)
        queued = self._beat(client, headers, last_seq=3, outbox_backlog=2)
        assert queued["open_gaps"] == []  # still in the outbox: not missing yet
        emptied = self._beat(client, headers, last_seq=3, outbox_backlog=0)
        assert [(g["first_seq"], g["last_seq"]) for g in emptied["open_gaps"]] == [(2, 3)]

    def test_the_backlog_is_shown_to_the_back_office(self, client, session, shop, till, manager):
        headers, device = till
        self._beat(client, headers, outbox_backlog=42, last_seq=0)
        page = client.get(TILLS, headers=manager).json()
        assert page["outbox_backlog"] == 42
        assert page["items"][0]["device_id"] == device.id and page["items"][0]["state"] == "online"


class TestTillPayments:
    def test_unknown_stays_pending_then_paid_and_refund_goes_to_the_method(self, client, session, shop, till):
        from store.payments.simulator import SIMULATOR

        headers, _ = till
        SIMULATOR.reset()
        SIMULATOR.script(create="unknown", query="paid")
        try:
            body = {"order_no": "T-PAY-1", "amount_fen": 1200, "method": "wechat", "auth_code": "134567890123456789"}
            created = client.post("/api/v1/pos/payments", json=body, headers=headers)
            assert created.status_code == 201 and created.json()["status"] == "pending"
            pid = created.json()["id"]
            status = client.get(f"/api/v1/pos/payments/{pid}", headers=headers).json()
            assert status["status"] == "paid"
            again = client.post("/api/v1/pos/payments", json=body, headers=headers)
            assert again.status_code == 409  # already paid: a second scan never charges twice
            refund = client.post(f"/api/v1/pos/payments/{pid}/refunds", json={"amount_fen": 200}, headers=headers)
            assert refund.status_code == 201 and refund.json()["method"] == "wechat"
        finally:
            SIMULATOR.reset()


class TestTenantsSeeTheirOwnTills:
    def test_a_tenant_sees_only_the_tills_of_their_shop(self, client, session, shop, till):
        from store.auth.models import Role
        from store.premises.models import Store
        from tests.factories.premises import create_shop
        from tests.factories.sales import create_till, staff_token

        other = create_shop(session, session.get(Store, shop.store_id), code="2F-99")
        create_till(session, other)
        session.commit()
        token = staff_token(session, shop.store_id, Role.tenant, shop_id=other.id)
        page = client.get(TILLS, headers={"Authorization": f"Bearer {token}"}).json()
        assert [item["shop_id"] for item in page["items"]] == [other.id]
