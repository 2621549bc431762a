"""Scheduled analytics in ``smartstore worker``: at 04:10 UTC (after the KPI rollups and RFM) refit every store's
forecasts with their backtest, then recluster the consumer groups; pages read the stored results."""

from __future__ import annotations

import logging

from store.analytics import profiles, service
from store.clock import business_day, utcnow
from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.premises import service as premises_service

log = logging.getLogger("store.analytics")


def nightly_analytics() -> None:
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        for store in premises_service.list_stores(session):
            today = business_day(utcnow(), store.timezone)
            fitted = service.refit(session, store.id, today=today)  # type: ignore[arg-type]
            grouped = profiles.cluster(session, store.id, today)  # type: ignore[arg-type]
            log.info(
                "analytics refitted",
                extra={"store": store.code, "series": len(fitted), "profiled": grouped.members},
            )


JOBS = [(nightly_analytics, {"trigger": "cron", "hour": 4, "minute": 10})]
