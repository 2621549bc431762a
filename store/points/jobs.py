"""Scheduled points upkeep: award posted sales every minute, release lapsed till holds, write off lapsed lots
every hour (each store on its own calendar: reads already leave lapsed lots out from 00:00), reconcile nightly.
"""

from __future__ import annotations

import logging

from sqlmodel import select

from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.points import nightly, service
from store.premises.models import Store

log = logging.getLogger("store.points")


def _writer():  # type: ignore[no-untyped-def]
    return unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True}))


def award_posted_sales() -> None:
    """Points for member orders and refunds posted since the last run."""
    with _writer() as session:
        orders, refunds = nightly.award_new(session)
    if orders or refunds:
        log.info("points awarded", extra={"orders": orders, "refunds": refunds})


def release_lapsed_holds() -> None:
    with _writer() as session:
        released = service.release_lapsed_holds(session)
    if released:
        log.info("lapsed points holds released", extra={"holds": released})


def expire_lots() -> None:
    with _writer() as session:
        points = nightly.expire_all(session)
    log.info("points expired", extra={"points": points})


def reconcile_and_sweep() -> None:
    """Award stragglers of the last days, then check every member's ledger, balance and lots agree."""
    with _writer() as session:
        nightly.sweep_recent(session)
        for store_id in session.exec(select(Store.id)).all():
            found = nightly.reconcile(session, store_id)  # type: ignore[arg-type]
            log.info("points reconciled", extra={"store_id": store_id, "mismatches": len(found)})


JOBS = [
    (award_posted_sales, {"trigger": "interval", "minutes": 1}),
    (release_lapsed_holds, {"trigger": "interval", "minutes": 1}),
    (expire_lots, {"trigger": "cron", "minute": 5}),
    (reconcile_and_sweep, {"trigger": "cron", "hour": 4, "minute": 20}),
]
