"""The worker's lock row: one worker runs the scheduled jobs of a database at a time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.dbtypes import AwareDateTime

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
