"""Scheduled: every till's sequence scanned for missing sales (also done at each heartbeat)."""

from __future__ import annotations

import logging

from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.pos import service

log = logging.getLogger("store.pos")


def scan_missing_sales() -> None:
    """Open or resolve the missing-sale alarms of every till."""
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        open_alarms = service.scan_all(session)
        if open_alarms:
            log.warning("tills with missing sales", extra={"open_alarms": open_alarms})


JOBS = [(scan_missing_sales, {"trigger": "interval", "minutes": 1})]
