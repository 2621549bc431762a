"""Scheduled rentals upkeep: overdue rentals flagged for the admin, stray deposits refunded."""

from __future__ import annotations

import logging

from store.clock import utcnow
from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.rentals import service

log = logging.getLogger("store.rentals")


def check_overdue() -> None:
    """Flag rentals past due (the admin's overdue list shows them as alerts); refund stray deposits."""
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        flagged = service.check_overdue(session, utcnow())
        refunded = service.refund_stray_deposits(session)
        if flagged or refunded:
            log.info("rentals upkeep", extra={"overdue": flagged, "refunded": refunded})


JOBS = [(check_overdue, {"trigger": "interval", "minutes": 10})]
