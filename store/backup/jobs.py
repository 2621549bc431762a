"""The nightly backup: a verified backup, the retention, and a restore drill of it (F3 数据中心)."""

from __future__ import annotations

import logging

from store.backup import service as backup_service
from store.config import get_settings

log = logging.getLogger("store.backup")


def nightly_backup() -> None:
    """Back up the database into SMARTSTORE_BACKUP_DIR and drill the new file; failures are recorded and logged."""
    if not get_settings().backup_nightly:
        return
    try:
        result = backup_service.backup()
    except Exception:
        log.exception("nightly backup failed")
        return
    if result.offsite.startswith("off-box copy"):
        log.error("nightly backup: off-box copy failed", extra={"file": result.path.name, "error": result.offsite})
    report, drill = backup_service.drill(result.path)
    log.info(
        "nightly backup",
        extra={"file": result.path.name, "pruned": len(result.pruned), "drill_ok": drill.ok, "drill": drill.message},
    )


JOBS = [(nightly_backup, {"trigger": "cron", "hour": 2, "minute": 30})]
