"""Scheduled auth housekeeping: expired sessions and dead tokens are deleted nightly."""

from __future__ import annotations

import logging

from store.auth import service as auth_service
from store.db import unit_of_work

log = logging.getLogger("store.auth")


def purge_expired_logins() -> None:
    """Delete expired sessions and expired or revoked tokens (they already read as signed out)."""
    with unit_of_work() as session:
        removed = auth_service.purge_expired(session)
    log.info("purged expired logins", extra={"removed": removed})


JOBS = [(purge_expired_logins, {"trigger": "cron", "hour": 4, "minute": 10})]
