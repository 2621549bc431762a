"""Capture jobs in `smartstore worker`: alerts (silent box, no receipts in trading hours, health drop)."""

from __future__ import annotations

import logging

from sqlmodel import select

from store.capture import monitor
from store.clock import utcnow
from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.premises.models import Store

log = logging.getLogger("store.capture")


def raise_alerts() -> None:
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        for store in session.exec(select(Store)).all():
            assert store.id is not None
            raised = monitor.check(session, store.id, utcnow())
            if raised:
                log.warning("capture alerts", extra={"store": store.code, "rules": [a.rule for a in raised]})


JOBS = [(raise_alerts, {"trigger": "interval", "seconds": 60})]
