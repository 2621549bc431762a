"""Scheduled marketing work in ``smartstore worker`` (one worker per database: the lock row in store.jobs).

- ``weekly_push`` every 15 minutes: prepares each store's plans for the current week once (unique per plan
  and week) and sends what is due, cancelling the queued sends of members who withdrew consent (S3 精准推送);
- ``nightly_rfm`` at 03:40 UTC: every member's RFM scores from the last 365 days of orders.
"""

from __future__ import annotations

import logging

from store.clock import business_day, utcnow
from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.marketing import push, segments
from store.premises import service as premises_service

log = logging.getLogger("store.marketing")


def weekly_push() -> None:
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        for store in premises_service.list_stores(session):
            runs = push.run_week(session, store.id)  # type: ignore[arg-type]
            prepared = [r for r in runs if not r.already_prepared]
            if prepared:
                log.info("weekly push prepared", extra={"store": store.code, "plans": len(prepared)})


def nightly_rfm() -> None:
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        for store in premises_service.list_stores(session):
            today = business_day(utcnow(), store.timezone)
            scored = segments.compute_rfm(session, store.id, today)  # type: ignore[arg-type]
            log.info("rfm scores computed", extra={"store": store.code, "members": scored})


JOBS = [
    (weekly_push, {"trigger": "cron", "minute": "*/15"}),
    (nightly_rfm, {"trigger": "cron", "hour": 3, "minute": 40}),
]
