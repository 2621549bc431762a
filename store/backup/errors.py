"""Errors of the backup domain (the command line prints them as one ``error:`` line, exit code 2)."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, StoreError


class BackupFailed(StoreError):
    """The backup could not be written or did not pass its check; nothing was kept."""

    status_code = 500
    type = "backup-failed"
    title = "Backup failed"


class BackupUnusable(InvalidInput):
    """The file to restore is missing, is not a backup, or does not match its manifest."""

    type = "backup-unusable"
    title = "Backup cannot be restored"


class TargetNotEmpty(Conflict):
    """A restore goes only into an empty database, so it can never mix two histories."""

    type = "restore-target-not-empty"
    title = "Target database is not empty"


class RestoreFailed(StoreError):
    """The restore tool failed or the restored database did not pass its check."""

    status_code = 500
    type = "restore-failed"
    title = "Restore failed"
