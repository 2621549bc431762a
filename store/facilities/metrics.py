"""Facilities figures for ``/metrics``: MQTT messages by outcome (counted by the worker), and at scrape time
devices live and stale by kind, alerts active by rule, and the last good backup (no labels by id)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlmodel import Session, col, select

from store import metrics
from store.clock import utcnow
from store.db import get_engine
from store.facilities import service as facilities_service
from store.facilities.models import AlertState, FacilityAlert, FacilityDevice


def observe_ingest(counts: Counter[str]) -> None:
    for outcome, n in counts.items():
        if n > 0:
            metrics.MQTT_MESSAGES.labels(outcome).inc(n)


class DatabaseFigures(Collector):
    """Read at every scrape: a few aggregate queries, no per-device series."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from store.backup import service as backup_service

        devices = GaugeMetricFamily(
            "store_devices", "Devices in service, by kind and state (live or stale)", labels=["kind", "state"]
        )
        alerts = GaugeMetricFamily("store_alerts_active", "Facility alerts active, by rule", labels=["rule"])
        backup = GaugeMetricFamily("store_backup_last_success_timestamp_seconds", "When the last good backup started")
        now = utcnow()
        try:
            with Session(get_engine()) as session:
                states: Counter[tuple[str, str]] = Counter()
                for device in session.exec(
                    select(FacilityDevice).where(col(FacilityDevice.removed_on).is_(None))
                ).all():
                    states[(str(device.kind), "stale" if facilities_service.is_stale(device, now) else "live")] += 1
                for (kind, state), n in sorted(states.items()):
                    devices.add_metric([kind, state], n)
                rows = session.exec(
                    select(FacilityAlert.rule, func.count(col(FacilityAlert.id)))
                    .where(col(FacilityAlert.state) == AlertState.active.value)
                    .group_by(col(FacilityAlert.rule))
                ).all()
                for rule, n in rows:
                    alerts.add_metric([rule], n)
                last = backup_service.last_good_backup(session)
                if last is not None:
                    backup.add_metric([], last.started_at.timestamp())
        except Exception:  # a scrape never fails because the database is busy: the figures are left out
            return
        yield devices
        yield alerts
        yield backup


metrics.COLLECTORS.append(DatabaseFigures())
