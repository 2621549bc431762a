"""Parking jobs in `smartstore worker`: the MQTT subscriber of the gate controllers (started, kept alive)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from store.config import get_settings
from store.db import WRITE_INTENT, get_engine
from store.facilities.mqtt import Subscriber
from store.parking import mqtt

log = logging.getLogger("store.parking")
_subscriber: list[Subscriber] = []


def ensure_gate_subscriber() -> None:
    """Start the gate subscriber, or a new one when the old one died (a broker restart, a crash)."""
    settings = get_settings()
    if not settings.mqtt_host:
        return
    if _subscriber and _subscriber[0].alive():
        return
    if _subscriber:
        log.warning("parking mqtt subscriber not alive: starting a new one")
        _subscriber.pop().stop()
    found = mqtt.subscriber(
        get_engine().execution_options(**{WRITE_INTENT: True}),
        settings.mqtt_host,
        settings.mqtt_port,
        client_id=f"{settings.mqtt_client_id}-parking",
    )
    try:
        found.start()
    except OSError as exc:
        log.error("mqtt broker unreachable", extra={"host": settings.mqtt_host, "error": str(exc)})
        return
    _subscriber.append(found)


JOBS = [(ensure_gate_subscriber, {"trigger": "interval", "seconds": 30, "next_run_time": datetime.now(UTC)})]
