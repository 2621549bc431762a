"""Scheduled video patrol: every five minutes, each route whose interval has passed runs a round.

A scheduled round views each stop through its camera node: an online camera is viewed for the stop's
minimum time with the checklist answered from the camera's open findings; an offline camera is missed,
and the round is incomplete (patrol log).
"""

from __future__ import annotations

import logging

from store.clock import utcnow
from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.patrol import service as patrol_service

log = logging.getLogger("store.patrol")


def run_due_rounds() -> None:
    """Run a round of every scheduled route that is due."""
    now = utcnow()
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        for route in patrol_service.due_routes(session, now):
            done = patrol_service.run_scheduled_round(session, route.store_id, route.id, now)  # type: ignore[arg-type]
            log.info(
                "patrol round",
                extra={
                    "route": route.name,
                    "status": done.status,
                    "viewed": done.stops_viewed,
                    "stops": done.stops_total,
                },
            )


JOBS = [(run_due_rounds, {"trigger": "interval", "minutes": 5})]
