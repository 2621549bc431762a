"""Device keys seen lately, so a till posting every few seconds is not looked up again for each sale.

A hit costs a dictionary lookup instead of a query. An entry lives ``TTL_S`` seconds: a key revoked in
this process stops working at once (``service.revoke_device`` clears the cache), one revoked through
another server process within ``TTL_S``. The cached device is a detached copy, never bound to a session.
"""

from __future__ import annotations

import time

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from store.auth import service
from store.auth.models import Device
from store.db import database_key, defers_writes, when_writing

TTL_S = 5.0
_entries: dict[tuple[str, str], tuple[float, Device]] = {}


def authenticate(session: Session, key: str) -> Device | None:
    """``service.authenticate_device`` through the cache: the active device with this key, or None."""
    entry = (database_key(session.get_bind().engine), service.digest(key))
    hit = _entries.get(entry)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        device = found = hit[1]
    else:
        resolved = service.resolve_device(session, key)
        if resolved is None:
            _entries.pop(entry, None)
            return None
        found = resolved
        device = Device(**{name: getattr(found, name) for name in Device.model_fields})
        _entries[entry] = (now + TTL_S, device)
    _touch_later(session, device, found)
    return device


def cached(session: Session, key: str) -> Device | None:
    """The device of ``key`` if the cache holds it and using it needs no I/O now, else None (no query).

    No I/O: the session defers its small writes (a :func:`store.db.reads_first` request), so the
    last-seen time is written in its write lock. Lets an ``async`` dependency admit a till without a
    trip to the thread pool; on None, call :func:`authenticate` there.
    """
    if not defers_writes(session):
        return None
    hit = _entries.get((database_key(session.get_bind().engine), service.digest(key)))
    if hit is None or hit[0] <= time.monotonic():
        return None
    _touch_later(session, hit[1], hit[1])
    return hit[1]


def _touch_later(session: Session, device: Device, found: Device) -> None:
    def touch(session: Session) -> None:
        # The session's own row when it was just read (so the session sees the new time), else the copy.
        if service.touch_device(session, found) and found is not device:
            set_committed_value(device, "last_seen_at", found.last_seen_at)

    # Not now in a request that reads first: a reader holding SQLite's write lock would block the writers.
    when_writing(session, touch)


def clear() -> None:
    """Forget every cached key (a device was revoked)."""
    _entries.clear()
