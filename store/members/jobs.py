"""Scheduled members upkeep: every night each store's members are reviewed against the tier rule
(rolling 12-month spend, ``store.members.rules``): upgrades as soon as the spend shows, downgrades once the
keep year is over."""

from __future__ import annotations

import logging

from store.clock import business_day, utcnow
from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.members import service
from store.premises import service as premises_service

log = logging.getLogger("store.members")


def review_tiers() -> None:
    """Review every store's members as of its business day today (spend up to yesterday)."""
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        for store in premises_service.list_stores(session):
            today = business_day(utcnow(), store.timezone)
            result = service.review_tiers(session, store.id, today)  # type: ignore[arg-type]
            log.info(
                "reviewed member tiers",
                extra={"store": store.code, "members": result.members, "up": result.up, "down": result.down},
            )


JOBS = [(review_tiers, {"trigger": "cron", "hour": 4, "minute": 10})]
