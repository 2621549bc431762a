"""Scheduled jobs (APScheduler); one worker per database, held by a lock row."""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.config import get_settings
from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.dbtypes import AwareDateTime
from store.errors import Conflict
from store.registry import domain_modules

log = logging.getLogger("store.jobs")
LOCK_TTL = timedelta(seconds=60)  # renewed every 20 s


class WorkerLock(SQLModel, table=True):
    """Who runs the scheduled jobs of this database; a worker renews ``expires_at`` while it lives."""

    __tablename__ = "worker_lock"

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=120)
    expires_at: datetime = Field(sa_type=AwareDateTime)


def acquire_lock(holder: str, *, now: datetime | None = None, name: str = "worker") -> bool:
    """Take or renew the lock; False while another live worker holds it (a dead one's lapses after LOCK_TTL)."""
    now = now or utcnow()
    try:
        with unit_of_work(_writer()) as session:
            lock = session.get(WorkerLock, name)
            if lock is None:
                session.add(WorkerLock(name=name, holder=holder, expires_at=now + LOCK_TTL))
                return True
            if lock.holder != holder and lock.expires_at > now:
                return False
            lock.holder, lock.expires_at = holder, now + LOCK_TTL
            session.add(lock)
            return True
    except IntegrityError:  # another worker inserted the row first
        return False


def release_lock(holder: str, *, name: str = "worker") -> None:
    """Give the lock up at shutdown, so a restarted worker need not wait for it to lapse."""
    with unit_of_work(_writer()) as session:
        lock = session.get(WorkerLock, name)
        if lock is not None and lock.holder == holder:
            session.delete(lock)


def _writer() -> Engine:
    return get_engine().execution_options(**{WRITE_INTENT: True})


def scheduled_jobs() -> list[tuple[Callable[[], Any], dict[str, Any]]]:
    """Every domain's ``jobs.JOBS``: (function, APScheduler trigger kwargs)."""
    return [job for module in domain_modules("jobs") for job in module.JOBS]


def run_worker() -> None:
    """Block running the scheduled jobs until interrupted."""
    from store.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    holder = f"{socket.gethostname()}:{os.getpid()}"
    if not acquire_lock(holder):
        raise Conflict("another `smartstore worker` holds the lock for this database")
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(acquire_lock, "interval", args=[holder], seconds=20, id="lock-renew")
    for func, trigger in scheduled_jobs():
        scheduler.add_job(func, id=f"{func.__module__}.{func.__name__}", **trigger)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("worker started", extra={"jobs": len(scheduler.get_jobs()), "holder": holder})
    try:
        scheduler.start()
    finally:
        release_lock(holder)
