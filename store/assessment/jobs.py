"""Worker upkeep of the self-assessment: the snapshots a manager's first request would otherwise compute.

Every few minutes the default period's costly figures (the last 12 full months, as the admin page opens;
S6 parity over every SKU) are checked against the data's version and recomputed only where it moved, so
the page, its PDF and XLSX find them ready; a request still computes whatever the worker has not caught up
with, so the report never waits on the worker to be true.
"""

from __future__ import annotations

import logging

from store.assessment import service as assessment_service
from store.clock import utcnow
from store.db import OWN_UNIT, get_engine, unit_of_work
from store.premises import service as premises_service

log = logging.getLogger("store.assessment")


def refresh_snapshots() -> None:
    """Every store's default-period snapshots, recomputed where the data moved since."""
    with unit_of_work(get_engine()) as session:
        stores = premises_service.list_stores(session)
    for store in stores:
        with unit_of_work(get_engine()) as session:
            # Ours to end: the snapshot's write ends the (long) read and takes the write lock for itself
            # alone (store.db.write_lock), so that sales written meanwhile never make it fail.
            session.info[OWN_UNIT] = True
            assessment_service.warm_snapshots(session, store, utcnow())
        log.info("assessment snapshots refreshed", extra={"store": store.code})


JOBS = [(refresh_snapshots, {"trigger": "interval", "minutes": 5})]
