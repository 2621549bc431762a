"""The couriers' status callbacks: signed, repeated safely, in any arrival order, refusals writing nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from store.clock import utcnow
from store.delivery import courier
from store.delivery.models import DeliveryEvent
from store.delivery.schemas import CourierEvent, EventKind
from tests.factories.omni import create_delivery
from tests.factories.premises import create_shop, create_store


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session))


@pytest.fixture
def row(session, shop):
    return create_delivery(session, shop, utcnow() - timedelta(hours=6))


def _post(client, store_id, order_no, kind, at, *, now=None, tamper=None):
    event = CourierEvent(order_no, kind, at, courier="达达", tracking_no="DD123")
    headers, body = courier.signed_callback(store_id, event, now=now)
    if tamper:
        body = tamper(body)
    return client.post(f"/api/v1/delivery/courier/{store_id}/events", content=body, headers=headers)


def _events(session, row):
    return session.exec(select(DeliveryEvent).where(DeliveryEvent.delivery_order_id == row.id)).all()


class TestCallback:
    def test_a_signed_callback_moves_the_delivery_on(self, client, session, shop, row):
        answer = _post(client, shop.store_id, row.order_no, EventKind.handed_over, utcnow() - timedelta(hours=2))
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"recorded": True, "order_no": row.order_no, "status": "handed_over"}
        session.refresh(row)
        assert (row.courier, row.tracking_no) == ("达达", "DD123")

    def test_the_same_callback_again_changes_nothing(self, client, session, shop, row):
        when = utcnow() - timedelta(hours=2)
        _post(client, shop.store_id, row.order_no, EventKind.dispatched, when)
        again = _post(client, shop.store_id, row.order_no, EventKind.dispatched, when)
        assert again.status_code == 200 and again.json()["recorded"] is False
        assert len(_events(session, row)) == 1

    def test_steps_arriving_out_of_order_are_recorded_when_their_times_agree(self, client, session, shop, row):
        base = utcnow() - timedelta(hours=3)
        delivered = _post(client, shop.store_id, row.order_no, EventKind.delivered, base + timedelta(hours=2))
        handed = _post(client, shop.store_id, row.order_no, EventKind.handed_over, base + timedelta(hours=1))
        assert (delivered.status_code, handed.status_code) == (200, 200)
        assert handed.json()["status"] == "delivered"  # the furthest step stays the status
        assert len(_events(session, row)) == 2

    def test_a_step_that_moves_backwards_in_time_is_refused_and_writes_nothing(self, client, session, shop, row):
        base = utcnow() - timedelta(hours=3)
        _post(client, shop.store_id, row.order_no, EventKind.handed_over, base + timedelta(hours=2))
        refused = _post(client, shop.store_id, row.order_no, EventKind.delivered, base + timedelta(hours=1))
        assert refused.status_code == 400 and refused.json()["type"].endswith("delivery-event-out-of-order")
        assert len(_events(session, row)) == 1

    def test_an_unknown_order_is_a_404(self, client, shop):
        refused = _post(client, shop.store_id, "NO-SUCH-ORDER", EventKind.delivered, utcnow())
        assert refused.status_code == 404


class TestSignature:
    def test_an_altered_body_is_refused(self, client, session, shop, row):
        def tamper(body: bytes) -> bytes:
            data = json.loads(body)
            data["kind"] = "delivered"
            return json.dumps(data).encode()

        refused = _post(client, shop.store_id, row.order_no, EventKind.dispatched, utcnow(), tamper=tamper)
        assert refused.status_code == 403 and _events(session, row) == []

    def test_another_stores_key_does_not_verify(self, client, session, shop, row):
        other = create_store(session)
        event = CourierEvent(row.order_no, EventKind.dispatched, utcnow())
        headers, body = courier.signed_callback(other.id, event)  # signed for the other store
        refused = client.post(f"/api/v1/delivery/courier/{shop.store_id}/events", content=body, headers=headers)
        assert refused.status_code == 403

    def test_an_old_signature_is_a_replay(self, client, shop, row):
        stale = _post(
            client, shop.store_id, row.order_no, EventKind.dispatched, utcnow(), now=utcnow() - timedelta(hours=1)
        )
        assert stale.status_code == 403 and "replay" in stale.json()["detail"]

    def test_an_unsigned_callback_is_refused(self, client, shop, row):
        body = json.dumps({"order_no": row.order_no, "kind": "delivered", "at": utcnow().isoformat()})
        refused = client.post(f"/api/v1/delivery/courier/{shop.store_id}/events", content=body)
        assert refused.status_code == 403

    def test_a_signed_body_that_is_no_event_is_a_clear_error(self, client, shop):
        body = b'{"order_no": "X", "kind": "teleported", "at": "yesterday"}'
        timestamp = str(int(utcnow().timestamp()))
        headers = {
            courier.TIMESTAMP_HEADER: timestamp,
            courier.SIGNATURE_HEADER: courier.signature(shop.store_id, timestamp, body),
        }
        refused = client.post(f"/api/v1/delivery/courier/{shop.store_id}/events", content=body, headers=headers)
        assert refused.status_code == 400 and {e["loc"][-1] for e in refused.json()["errors"]} == {"kind", "at"}
