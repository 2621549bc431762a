"""Scheduled jobs (APScheduler); one worker per database, held by a lock row."""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Callable
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.blocking import BlockingScheduler

from store import watchdog
from store.config import get_settings
from store.errors import Conflict
from store.metrics import counted
from store.registry import domain_modules
from store.worker_lock import acquire_lock, release_lock

log = logging.getLogger("store.jobs")


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
        scheduler.add_job(counted(func), id=f"{func.__module__}.{func.__name__}", **trigger)  # /metrics job runs
    every = watchdog.interval_s()
    if every:  # systemd restarts a worker whose scheduler stopped running jobs (WatchdogSec)
        scheduler.add_job(watchdog.notify, "interval", args=["WATCHDOG=1"], seconds=every, id="watchdog")
    scheduler.add_listener(lambda _event: watchdog.notify("READY=1"), EVENT_SCHEDULER_STARTED)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("worker started", extra={"jobs": len(scheduler.get_jobs()), "holder": holder})
    try:
        scheduler.start()
    finally:
        release_lock(holder)
