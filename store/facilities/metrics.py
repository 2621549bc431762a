"""Facilities figures for ``/metrics``: MQTT messages by outcome (counted by the worker), and at scrape time
devices live and stale by kind, alerts active by rule (``unconfirmed``: commands no device confirmed), the
last good backup, and the tills' outbox backlogs from their heartbeats (``tills.py``); no labels by id."""

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
from store.facilities import tills
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
        backlog = GaugeMetricFamily("store_till_outbox_backlog_sales", "Sales waiting in the tills' outboxes")
        backlog_age = GaugeMetricFamily(
            "store_till_outbox_oldest_age_seconds", "Age of the oldest sale waiting in any till's outbox"
        )
        tills_state = GaugeMetricFamily(
            "store_tills", "Tills by their last heartbeat: with a backlog, alerting, silent", labels=["state"]
        )
        till_rows: list[tills.TillBacklog] | None = None
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
                till_rows = tills.backlogs(session, None)
        except Exception:  # a scrape never fails because the database is busy: the figures are left out
            return
        yield devices
        yield alerts
        yield backup
        if till_rows is not None:
            summary = tills.summarize(till_rows, now)
            backlog.add_metric([], summary.pending)
            backlog_age.add_metric([], summary.oldest_age_s)
            for state, n in (
                ("reporting", summary.tills),
                ("backlog", summary.with_backlog),
                ("alerting", summary.alerting),
                ("silent", summary.silent),
            ):
                tills_state.add_metric([state], n)
            yield backlog
            yield backlog_age
            yield tills_state


metrics.COLLECTORS.append(DatabaseFigures())
