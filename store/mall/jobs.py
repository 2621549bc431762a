"""Scheduled upkeep of online orders: payments the network had not answered, and orders never paid."""

from __future__ import annotations

import logging

from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.mall import service

log = logging.getLogger("store.mall")


def settle_orders() -> None:
    """Ask the network about pending payments; give back the stock of orders not paid within their hold."""
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        settled = service.settle_pending(session)
        expired = service.expire_unpaid(session)
        if settled or expired:
            log.info("online orders settled", extra={"settled": settled, "expired": expired})


JOBS = [(settle_orders, {"trigger": "interval", "minutes": 2})]
