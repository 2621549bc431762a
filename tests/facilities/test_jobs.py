"""The worker's facilities jobs on a database of their own: the subscriber starts (and restarts when it
died), silent devices are alerted, the nightly rebuild and retention run."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import paho.mqtt.client as paho
import pytest
from sqlmodel import Session, select

from store import config, db
from store.db import unit_of_work
from store.facilities import ingest, jobs
from store.facilities.models import FacilityAlert, FacilityDevice, FacilityReading
from tests.conftest import separate_database
from tests.factories import facilities as f
from tests.mqtt_broker import HOST, PORT, needs_broker, wait_until

pytestmark = needs_broker


@pytest.fixture
def worker_db(tmp_path: Path):
    os.environ["SMARTSTORE_MQTT_CLIENT_ID"] = f"test-worker-{uuid4().hex[:8]}"
    with separate_database(tmp_path, "facjobs") as url:
        yield url
        while jobs._subscriber:
            jobs._subscriber.pop().stop()
    os.environ.pop("SMARTSTORE_MQTT_CLIENT_ID", None)
    config.get_settings.cache_clear()


class TestWorkerJobs:
    def test_the_subscriber_stores_readings_and_is_replaced_when_it_died(self, worker_db):
        code = f"J{uuid4().hex[:6]}"
        with unit_of_work() as session:
            store, zone = f.create_store_with_zone(session, code=code)
            f.create_device(session, store, code="AQ-1", zone=zone)
        jobs.ensure_subscriber()
        first = jobs._subscriber[0]
        assert first.subscribed.wait(5)
        jobs.ensure_subscriber()
        assert jobs._subscriber == [first]  # alive: left alone
        first.stop()
        jobs.ensure_subscriber()
        assert jobs._subscriber[0] is not first and jobs._subscriber[0].subscribed.wait(5)
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"test-{uuid4().hex[:8]}")
        client.connect(HOST, PORT)
        client.loop_start()
        body = json.dumps({"values": {"co2_ppm": 640}}).encode()
        client.publish(ingest.topic(code, "AQ-1", "reading"), body, qos=1).wait_for_publish(5)
        client.loop_stop()
        client.disconnect()

        def stored() -> int:
            with Session(db.get_engine()) as session:
                return len(session.exec(select(FacilityReading)).all())

        assert wait_until(lambda: stored() == 1)

    def test_silent_alerts_and_the_nightly_retention_run(self, worker_db):
        with unit_of_work() as session:
            store, zone = f.create_store_with_zone(session)
            device = f.create_device(session, store, code="AQ-1", zone=zone, stale_after_s=60)
            long_ago = datetime.now(UTC) - timedelta(days=100)
            ingest.store_batch(
                session, [f.reading(store, "AQ-1", long_ago, co2_ppm=700)], now=long_ago + timedelta(days=10)
            )
            session.get(FacilityDevice, device.id).last_heartbeat_at = datetime.now(UTC) - timedelta(minutes=5)
        jobs.raise_silent_alerts()
        jobs.retention_and_rebuild()
        with Session(db.get_engine()) as session:
            assert [a.rule for a in session.exec(select(FacilityAlert)).all()] == ["silent"]
            assert session.exec(select(FacilityReading)).all() == []  # 100 days old: past the raw retention
