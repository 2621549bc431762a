"""Against the real Mosquitto on 127.0.0.1:1883: the subscriber stores what devices publish, survives bad
payloads, and commands are never retained."""

from __future__ import annotations

import json
import threading
import time
from uuid import uuid4

import paho.mqtt.client as paho
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from store.db import unit_of_work
from store.facilities import ingest
from store.facilities import service as facilities_service
from store.facilities.models import FacilityCommand, FacilityKind, FacilityReading
from store.facilities.mqtt import Subscriber, publisher
from tests import mqtt_broker
from tests.factories import facilities as f
from tests.mqtt_broker import HOST, PORT, needs_broker, wait_until

pytestmark = needs_broker


class TestSubscriber:
    def test_readings_are_stored_and_bad_payloads_do_not_stop_it(self, own_engine: Engine):
        code = f"T{uuid4().hex[:6]}"  # a store code of its own: other runs on the same broker stay apart
        with unit_of_work(own_engine) as session:
            store, zone = f.create_store_with_zone(session, code=code)
            f.create_device(session, store, code="AQ-1", zone=zone)
        # Its own store's topics only: other tests publish to the same broker at the same time.
        subscriber = Subscriber(own_engine, HOST, PORT, subscription=f"{ingest.TOPIC_PREFIX}/{code}/device/+/+")
        subscriber.start()
        try:
            assert subscriber.subscribed.wait(5)
            client = mqtt_broker.client()
            reading = ingest.topic(code, "AQ-1", "reading")
            client.publish(reading, b"\xff\xfe not json", qos=1).wait_for_publish(5)
            client.publish(ingest.topic(code, "GHOST", "reading"), b'{"values": {"co2_ppm": 1}}', qos=1)
            # the store's own command to a device comes back through the wildcard: not a device's bad message
            client.publish(ingest.topic(code, "AQ-1", ingest.OUTGOING), b'{"action": "switch_off"}', qos=1)
            for i in range(20):
                body = json.dumps({"values": {"co2_ppm": 600 + i}, "ts": time.time() - 30 + i})
                client.publish(reading, body.encode(), qos=1).wait_for_publish(5)
            client.loop_stop()
            client.disconnect()

            def stored() -> int:
                with Session(own_engine) as session:
                    return len(session.exec(select(FacilityReading)).all())

            assert wait_until(lambda: stored() == 20)
            assert wait_until(lambda: subscriber.totals["bad_json"] == 1 and subscriber.totals["unknown_device"] == 1)
            assert subscriber.totals["bad_topic"] == 0
            assert subscriber.alive()
        finally:
            subscriber.stop()


class TestCommands:
    def test_a_command_is_logged_with_its_sender_and_never_retained(self, session: Session):
        code = f"T{uuid4().hex[:6]}"
        store, zone = f.create_store_with_zone(session, code=code)
        device = f.create_device(session, store, code="PC-1", kind=FacilityKind.power_control, zone=zone)
        row, error = facilities_service.send_command(
            session,
            store,
            device.id,
            action="switch_off",
            args={"circuit": 3},
            sent_by="manager1",
            publish=publisher(HOST, PORT),
        )
        assert (row.sent_by, row.published, error) == ("manager1", True, None)
        # a device (re)connecting after the command was sent gets nothing: no retained message on the topic
        got: list[paho.MQTTMessage] = []
        arrived = threading.Event()
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"test-{uuid4().hex[:8]}")
        client.on_message = lambda c, u, m: (got.append(m), arrived.set())
        client.connect(HOST, PORT)
        client.subscribe(row.topic, qos=1)
        client.loop_start()
        try:
            assert not arrived.wait(1.0)
        finally:
            client.loop_stop()
            client.disconnect()
        assert got == []

    def test_an_unreachable_broker_is_a_clear_error_and_the_attempt_stays_logged(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="PC-1", kind=FacilityKind.power_control, zone=zone)
        _, error = facilities_service.send_command(
            session, store, device.id, action="switch_on", args={}, sent_by="m", publish=publisher(HOST, 1)
        )
        assert error is not None and "not sent" in error.message
        logged = session.exec(select(FacilityCommand).where(col(FacilityCommand.device_id) == device.id)).all()
        assert [(c.sent_by, c.published) for c in logged] == [("m", False)]
