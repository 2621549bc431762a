"""Scheduled jobs (APScheduler); one worker per database, held by a lock row."""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from store.clock import utcnow
from store.config import get_settings
from store.db import get_engine
from store.errors import Conflict
from store.registry import domain_modules

log = logging.getLogger("store.jobs")
LOCK_TTL = timedelta(minutes=2)


def _ensure_lock_table() -> None:
    with get_engine().begin() as conn:
        conn.execute(text(
            "CREATE TABLE IF NOT EXISTS worker_lock (name VARCHAR(32) PRIMARY KEY, holder VARCHAR(120) NOT NULL,"
            " expires_at VARCHAR(40) NOT NULL)"
        ))


def acquire_lock(holder: str) -> bool:
    """Take or renew the worker lock; False when another live worker holds it."""
    now = utcnow()
    with get_engine().begin() as conn:
        row = conn.execute(text("SELECT holder, expires_at FROM worker_lock WHERE name = 'worker'")).first()
        if row is None:
            try:
                conn.execute(
                    text("INSERT INTO worker_lock (name, holder, expires_at) VALUES ('worker', :h, :e)"),
                    {"h": holder, "e": (now + LOCK_TTL).isoformat()},
                )
            except IntegrityError:
                return False
            return True
        if row.holder != holder and row.expires_at > now.isoformat():
            return False
        conn.execute(
            text("UPDATE worker_lock SET holder = :h, expires_at = :e WHERE name = 'worker'"),
            {"h": holder, "e": (now + LOCK_TTL).isoformat()},
        )
        return True


def scheduled_jobs() -> list[tuple[Callable[[], Any], dict[str, Any]]]:
    """Every domain's ``jobs.JOBS``: (function, APScheduler trigger kwargs)."""
    return [job for module in domain_modules("jobs") for job in module.JOBS]


def run_worker() -> None:
    """Block running the scheduled jobs until interrupted."""
    from store.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    _ensure_lock_table()
    holder = f"{socket.gethostname()}:{os.getpid()}"
    if not acquire_lock(holder):
        raise Conflict("another `smartstore worker` holds the lock for this database")
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(lambda: acquire_lock(holder), "interval", seconds=30, id="lock-renew")
    for func, trigger in scheduled_jobs():
        scheduler.add_job(func, id=f"{func.__module__}.{func.__name__}", **trigger)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("worker started", extra={"jobs": len(scheduler.get_jobs()), "holder": holder})
    scheduler.start()
