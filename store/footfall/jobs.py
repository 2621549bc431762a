"""Scheduled footfall upkeep: the last days' footfall rollups are recomputed from the raw rows every night.

Every write keeps the rollups current on its own; the nightly pass is a safety net that heals any
drift (a count fixed by hand in the database, a bulk load that forgot its rebuild).
"""

from __future__ import annotations

import logging

from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.footfall import rollups
from store.kpi import service as kpi_service

log = logging.getLogger("store.footfall")
DAYS_BACK = 3


def rebuild_recent_rollups() -> None:
    """Rebuild the footfall rollups of the last ``DAYS_BACK`` business days of every store."""
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        for code in kpi_service.rebuild_recent(session, rollups.rebuild, days_back=DAYS_BACK):
            log.info("rebuilt footfall rollups", extra={"store": code, "days": DAYS_BACK + 1})


JOBS = [(rebuild_recent_rollups, {"trigger": "cron", "hour": 3, "minute": 45})]
