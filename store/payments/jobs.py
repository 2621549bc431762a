"""Scheduled payments upkeep: pending payments and refunds are queried until the network answers."""

from __future__ import annotations

import logging

from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.payments import service

log = logging.getLogger("store.payments")


def resolve_pending() -> None:
    """Query the network about every pending payment and refund."""
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        settled = service.resolve_pending(session)
        if settled:
            log.info("settled pending payments", extra={"settled": settled})


JOBS = [(resolve_pending, {"trigger": "interval", "minutes": 5})]
