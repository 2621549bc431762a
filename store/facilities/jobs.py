"""Facilities jobs in `smartstore worker`: the MQTT subscriber (started and kept alive), silent devices,
the retention of raw readings (rollups first) and a nightly rebuild of the last days' rollups."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from store.clock import business_day, utcnow
from store.config import StoreSettings
from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.facilities import rollups
from store.facilities import service as facilities_service
from store.facilities.mqtt import KeptAlive, Subscriber
from store.premises.models import Store

log = logging.getLogger("store.facilities")
REBUILD_DAYS_BACK = 2


def _subscriber_of(settings: StoreSettings) -> Subscriber:
    from store.facilities import metrics

    return Subscriber(
        get_engine().execution_options(**{WRITE_INTENT: True}),
        settings.mqtt_host,
        settings.mqtt_port,
        client_id=settings.mqtt_client_id,
        observe=metrics.observe_ingest,
    )


_kept = KeptAlive(_subscriber_of, label="mqtt subscriber", log=log)
_subscriber = _kept.running  # the worker's one subscriber (a list: replaced when it died)


def ensure_subscriber() -> None:
    """Start the MQTT subscriber, or start a new one when the old one died (a broker restart, a crash)."""
    _kept.ensure()


def raise_silent_alerts() -> None:
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        now = utcnow()
        raised = facilities_service.check_silent(session, now)
        unconfirmed = facilities_service.check_unconfirmed(session, now)
    if raised:
        log.warning("devices gone silent", extra={"devices": raised})
    if unconfirmed:
        log.warning("commands not confirmed by their devices", extra={"devices": unconfirmed})


def retention_and_rebuild() -> None:
    """Rebuild the last days' rollups (safety net), then apply the retention (rollups before raw is dropped)."""
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        for store in session.exec(select(Store)).all():
            assert store.id is not None
            today = business_day(utcnow(), store.timezone)
            rollups.rebuild(
                session, store.id, store.timezone, today - timedelta(days=REBUILD_DAYS_BACK), today - timedelta(days=1)
            )
            raw, quarters = rollups.apply_retention(session, store.id, store.timezone, today)
            log.info("facilities retention", extra={"store": store.code, "raw": raw, "quarters": quarters})


JOBS = [
    (ensure_subscriber, {"trigger": "interval", "seconds": 30, "next_run_time": datetime.now(UTC)}),
    (raise_silent_alerts, {"trigger": "interval", "seconds": 60}),
    (retention_and_rebuild, {"trigger": "cron", "hour": 3, "minute": 55}),
]
