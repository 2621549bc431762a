"""Commands a device must confirm: an ack on its topic, an alert when none comes within the timeout, cleared
by the ack; against the real Mosquitto for the round trip."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from uuid import uuid4

import paho.mqtt.client as paho
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from store.clock import utcnow
from store.db import WRITE_INTENT, unit_of_work
from store.facilities import ingest, thresholds
from store.facilities import service as facilities_service
from store.facilities.models import AlertState, FacilityAlert, FacilityCommand, FacilityCommandAck, FacilityKind
from store.facilities.mqtt import Subscriber, publisher
from tests.factories import facilities as f
from tests.mqtt_broker import HOST, PORT, needs_broker, wait_until

TIMEOUT = thresholds.COMMAND_ACK_TIMEOUT


def _sent(session: Session, store, device, published: list[tuple[str, bytes]]) -> FacilityCommand:
    row, error = facilities_service.send_command(
        session,
        store,
        device.id,
        action="switch_off",
        args={"circuit": 2},
        sent_by="manager1",
        publish=lambda topic, body: published.append((topic, body)),
    )
    assert error is None
    return row


def _ack(store, device_code: str, command_id: int, at, **extra) -> ingest.Message:
    body = json.dumps({"id": command_id, "ts": at.isoformat()} | extra).encode()
    return ingest.Message(ingest.topic(store.code, device_code, "ack"), body, at)


def _unconfirmed(session: Session, device_id: int) -> list[FacilityAlert]:
    return list(
        session.exec(
            select(FacilityAlert).where(
                col(FacilityAlert.device_id) == device_id, col(FacilityAlert.rule) == thresholds.UNCONFIRMED
            )
        ).all()
    )


class TestUnconfirmedCommands:
    def test_a_command_left_unconfirmed_raises_one_alert_that_its_ack_clears(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="PC-1", kind=FacilityKind.power_control, zone=zone)
        command = _sent(session, store, device, [])
        sent = command.sent_at
        assert facilities_service.check_unconfirmed(session, sent + TIMEOUT - timedelta(seconds=1)) == 0
        assert facilities_service.check_unconfirmed(session, sent + TIMEOUT) == 1
        assert facilities_service.check_unconfirmed(session, sent + TIMEOUT * 3) == 0  # one alert, not a storm
        [alert] = _unconfirmed(session, device.id)
        assert (alert.state, alert.since_at) == (AlertState.active, sent)
        late = sent + TIMEOUT * 4
        assert ingest.store_batch(session, [_ack(store, "PC-1", command.id, late)], now=late)["stored"] == 1
        session.refresh(alert)
        assert alert.state == AlertState.cleared
        [(_, ack)] = facilities_service.recent_commands(session, store.id)
        assert ack is not None and (ack.acked_at, ack.ok) == (late, True)

    def test_a_refusal_is_recorded_and_an_ack_naming_another_devices_command_changes_nothing(self, session):
        store, zone = f.create_store_with_zone(session)
        plug = f.create_device(session, store, code="PC-1", kind=FacilityKind.power_control, zone=zone)
        f.create_device(session, store, code="PC-2", kind=FacilityKind.power_control, zone=zone)
        command = _sent(session, store, plug, [])
        at = command.sent_at + timedelta(seconds=2)
        ingest.store_batch(session, [_ack(store, "PC-2", command.id, at)], now=at)
        assert facilities_service.recent_commands(session, store.id) == [(command, None)]
        assert facilities_service.check_unconfirmed(session, at + TIMEOUT * 2) == 1
        ingest.store_batch(session, [_ack(store, "PC-1", command.id, at, ok=False, error="breaker tripped")], now=at)
        [(_, ack)] = facilities_service.recent_commands(session, store.id)
        assert ack is not None and (ack.ok, ack.error) == (False, "breaker tripped")
        assert [a.state for a in _unconfirmed(session, plug.id)] == [AlertState.cleared]

    def test_a_malformed_ack_is_counted_and_dropped(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        f.create_device(session, store, code="PC-1", kind=FacilityKind.power_control, zone=zone)
        now = utcnow()
        bad = [
            f.raw(store, "PC-1", b'{"id": "x"}', now, "ack"),
            f.raw(store, "PC-1", b'{"id": 3, "ok": 1}', now, "ack"),
        ]
        assert ingest.store_batch(session, bad, now=now) == {"invalid": 2}

    def test_a_command_never_published_raises_no_alert(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="PC-1", kind=FacilityKind.power_control, zone=zone)
        row, error = facilities_service.send_command(
            session, store, device.id, action="switch_on", args={}, sent_by="m", publish=publisher(HOST, 1)
        )
        assert error is not None  # the sender was told at once; no device can confirm what it never got
        assert facilities_service.check_unconfirmed(session, row.sent_at + TIMEOUT * 2) == 0


@needs_broker
class TestRoundTrip:
    def test_a_device_receives_the_command_and_its_ack_is_stored(self, own_engine: Engine):
        code = f"T{uuid4().hex[:6]}"
        with unit_of_work(own_engine) as session:
            store, zone = f.create_store_with_zone(session, code=code)
            f.create_device(session, store, code="PC-1", kind=FacilityKind.power_control, zone=zone)
        # as the worker runs it: its writes take the write lock up front (the sender's transaction may hold it)
        writer = own_engine.execution_options(**{WRITE_INTENT: True})
        subscriber = Subscriber(writer, HOST, PORT, subscription=f"{ingest.TOPIC_PREFIX}/{code}/device/+/+")
        subscriber.start()
        device = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"dev-{uuid4().hex[:8]}")
        subscribed = threading.Event()

        def answer(client: paho.Client, _userdata: object, message: paho.MQTTMessage) -> None:
            command = json.loads(message.payload)  # what a smart breaker does: switch, then confirm
            client.publish(ingest.topic(code, "PC-1", "ack"), json.dumps({"id": command["id"], "ok": True}), qos=1)

        device.on_message = answer
        device.on_subscribe = lambda *args: subscribed.set()
        device.connect(HOST, PORT)
        device.subscribe(ingest.topic(code, "PC-1", "command"), qos=1)
        device.loop_start()
        try:
            assert subscriber.subscribed.wait(5) and subscribed.wait(5)
            with unit_of_work(own_engine) as session:
                store = session.merge(store)
                dev = facilities_service.list_devices(session, store.id)[0]
                row, error = facilities_service.send_command(
                    session, store, dev.id, action="switch_off", args={}, sent_by="m1", publish=publisher(HOST, PORT)
                )
                assert error is None
                command_id = row.id

            def acked() -> bool:
                with Session(own_engine) as session:
                    found = session.exec(
                        select(FacilityCommandAck).where(col(FacilityCommandAck.command_id) == command_id)
                    ).first()
                    return found is not None and found.ok

            assert wait_until(acked), dict(subscriber.totals)
        finally:
            device.loop_stop()
            device.disconnect()
            subscriber.stop()
