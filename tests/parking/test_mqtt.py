"""Against the real Mosquitto on 127.0.0.1:1883: gate controllers' plate reads and space sensors over MQTT open
and close stays through the facilities subscriber; a redelivered read is stored once, bad messages are counted."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import paho.mqtt.client as paho
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from store import db, migrate
from store.clock import utcnow
from store.db import unit_of_work
from store.parking import mqtt
from store.parking.models import ParkingGateEvent, ParkingSession
from tests.conftest import fresh_database_url
from tests.factories.parking import create_car_park
from tests.factories.premises import create_store

HOST, PORT = "127.0.0.1", 1883


def _broker_up() -> bool:
    try:
        socket.create_connection((HOST, PORT), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _broker_up(), reason="Mosquitto is not running on 127.0.0.1:1883 (.ci/run starts it)"
)


@pytest.fixture
def own_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database of its own: the subscriber's writer thread commits (no rolled-back test transaction)."""
    urls = fresh_database_url(tmp_path, f"park_{uuid4().hex[:6]}")
    engine = db.make_engine(next(urls))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    next(urls, None)


def _wait(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


class TestGateOverMqtt:
    def test_reads_open_and_close_stays_and_bad_messages_do_not_stop_it(self, own_engine: Engine):
        code = f"P{uuid4().hex[:6]}"  # a store of its own: other runs on the same broker stay apart
        with unit_of_work(own_engine) as session:
            create_car_park(session, create_store(session, code=code))
        subscriber = mqtt.subscriber(own_engine, HOST, PORT, subscription=f"smartstore/{code}/parking/+/+")
        subscriber.start()
        try:
            assert subscriber.subscribed.wait(5)
            client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"gate-{uuid4().hex[:8]}")
            client.connect(HOST, PORT)
            client.loop_start()
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

            assert _wait(closed)
            assert _wait(lambda: subscriber.totals["unknown_gate"] == 1 and subscriber.totals["bad_json"] == 1)
            with Session(own_engine) as session:
                stay = session.exec(select(ParkingSession)).one()
                assert (stay.plate, stay.space) == ("沪A12345", "058")  # within the free minutes: out
                assert len(session.exec(select(ParkingGateEvent)).all()) == 2  # r1 once, r2
            assert subscriber.alive()
        finally:
            subscriber.stop()
