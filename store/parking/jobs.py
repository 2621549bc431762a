"""Parking jobs in `smartstore worker`: the MQTT subscriber of the gate controllers (started, kept alive)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from store.config import StoreSettings
from store.db import WRITE_INTENT, get_engine
from store.facilities.mqtt import KeptAlive, Subscriber
from store.parking import mqtt

log = logging.getLogger("store.parking")


def _gate_subscriber(settings: StoreSettings) -> Subscriber:
    return mqtt.subscriber(
        get_engine().execution_options(**{WRITE_INTENT: True}),
        settings.mqtt_host,
        settings.mqtt_port,
        client_id=f"{settings.mqtt_client_id}-parking",
    )


_kept = KeptAlive(_gate_subscriber, label="parking mqtt subscriber", log=log)
_subscriber = _kept.running


def ensure_gate_subscriber() -> None:
    """Start the gate subscriber, or a new one when the old one died (a broker restart, a crash)."""
    _kept.ensure()


JOBS = [(ensure_gate_subscriber, {"trigger": "interval", "seconds": 30, "next_run_time": datetime.now(UTC)})]
