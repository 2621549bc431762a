"""The worker's gate subscriber: started, left alone while alive, replaced when it died (the keep-alive that
facilities' subscriber uses too, ``store.facilities.mqtt.KeptAlive``)."""

from __future__ import annotations

import os
from pathlib import Path
from uuid import uuid4

import pytest

from store import config
from store.parking import jobs
from store.parking.mqtt import SUBSCRIPTION
from tests.conftest import separate_database
from tests.mqtt_broker import needs_broker

pytestmark = needs_broker


@pytest.fixture
def worker_db(tmp_path: Path):
    os.environ["SMARTSTORE_MQTT_CLIENT_ID"] = f"test-gates-{uuid4().hex[:8]}"
    with separate_database(tmp_path, "parkjobs") as url:
        yield url
        while jobs._subscriber:
            jobs._subscriber.pop().stop()
    os.environ.pop("SMARTSTORE_MQTT_CLIENT_ID", None)
    config.get_settings.cache_clear()


def test_the_gate_subscriber_is_kept_alive(worker_db):
    jobs.ensure_gate_subscriber()
    first = jobs._subscriber[0]
    assert first.subscribed.wait(5) and first.subscription == SUBSCRIPTION
    jobs.ensure_gate_subscriber()
    assert jobs._subscriber == [first]  # alive: left alone
    first.stop()
    jobs.ensure_gate_subscriber()
    assert jobs._subscriber[0] is not first and jobs._subscriber[0].subscribed.wait(5)
    assert len(jobs._subscriber) == 1


def test_no_broker_configured_starts_nothing(worker_db, monkeypatch):
    monkeypatch.setenv("SMARTSTORE_MQTT_HOST", "")
    config.get_settings.cache_clear()
    jobs.ensure_gate_subscriber()
    assert jobs._subscriber == []
