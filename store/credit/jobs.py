"""Nightly credit upkeep: every open shop's score recomputed (overdue complaints start to count on their
own), and codes issued to new shops or reissued to shops whose unit changed."""

from __future__ import annotations

import logging

from store.clock import business_day, utcnow
from store.credit import codes, service
from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.premises import service as premises_service

log = logging.getLogger("store.credit")


def nightly_credit() -> None:
    """Recompute the scores of every store's open shops and refresh their QR codes."""
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        for store in premises_service.list_stores(session):
            now = utcnow()
            issued = codes.refresh(session, store.id, on=business_day(now, store.timezone), now=now)  # type: ignore[arg-type]
            scored = service.recompute_all(session, store.id, now=now)  # type: ignore[arg-type]
            log.info("credit scores recomputed", extra={"store": store.code, "shops": scored, "codes_issued": issued})


JOBS = [(nightly_credit, {"trigger": "cron", "hour": 2, "minute": 30})]
