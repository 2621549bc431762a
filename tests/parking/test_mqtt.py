"""Against the real Mosquitto on 127.0.0.1:1883: gate controllers' plate reads and space sensors over MQTT open
and close stays through the facilities subscriber; a redelivered read is stored once, bad messages are counted."""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import uuid4

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from store.clock import utcnow
from store.db import unit_of_work
from store.parking import mqtt
from store.parking.models import ParkingGateEvent, ParkingSession
from tests import mqtt_broker
from tests.factories.parking import create_car_park
from tests.factories.premises import create_store
from tests.mqtt_broker import HOST, PORT, needs_broker, wait_until

pytestmark = needs_broker


class TestGateOverMqtt:
    def test_reads_open_and_close_stays_and_bad_messages_do_not_stop_it(self, own_engine: Engine):
        code = f"P{uuid4().hex[:6]}"  # a store of its own: other runs on the same broker stay apart
        with unit_of_work(own_engine) as session:
            create_car_park(session, create_store(session, code=code))
        subscriber = mqtt.subscriber(own_engine, HOST, PORT, subscription=f"smartstore/{code}/parking/+/+")
        subscriber.start()
        try:
            assert subscriber.subscribed.wait(5)
            client = mqtt_broker.client("gate")
            entered = (utcnow() - timedelta(minutes=10)).isoformat()

            def send(topic: str, body: object) -> None:
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                client.publish(topic, raw, qos=1).wait_for_publish(5)

            plate_in = mqtt.topic(code, "G-IN", "plate")
            send(plate_in, b"\xff not json")
            send(plate_in, {"direction": "in", "plate": "沪A12345", "ts": entered, "id": "r1"})
            send(plate_in, {"direction": "in", "plate": "沪A12345", "ts": entered, "id": "r1"})  # redelivered
            send(mqtt.topic(code, "NOPE", "plate"), {"direction": "in", "plate": "沪A55555"})
            send(mqtt.topic(code, "B2-A", "space"), {"space": "058", "plate": "沪A12345"})
            send(mqtt.topic(code, "G-OUT", "plate"), {"direction": "out", "plate": "沪A12345", "id": "r2"})
            client.loop_stop()
            client.disconnect()

            def closed() -> bool:
                with Session(own_engine) as session:
                    stay = session.exec(select(ParkingSession)).first()
                    return stay is not None and stay.exited_at is not None

            assert wait_until(closed)
            assert wait_until(lambda: subscriber.totals["unknown_gate"] == 1 and subscriber.totals["bad_json"] == 1)
            with Session(own_engine) as session:
                stay = session.exec(select(ParkingSession)).one()
                assert (stay.plate, stay.space) == ("沪A12345", "058")  # within the free minutes: out
                assert len(session.exec(select(ParkingGateEvent)).all()) == 2  # r1 once, r2
            assert subscriber.alive()
        finally:
            subscriber.stop()
