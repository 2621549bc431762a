"""Scheduled auth housekeeping: expired sessions, dead tokens and stale failed sign-ins are deleted nightly."""

from __future__ import annotations

import logging

from store.auth import service as auth_service
from store.db import unit_of_work

log = logging.getLogger("store.auth")


def purge_expired_logins() -> None:
    """Delete expired sessions, expired or revoked tokens, and failed sign-ins older than the throttle window."""
    with unit_of_work() as session:
        removed = auth_service.purge_expired(session)
    log.info("purged expired logins", extra={"removed": removed})


JOBS = [(purge_expired_logins, {"trigger": "cron", "hour": 4, "minute": 10})]
