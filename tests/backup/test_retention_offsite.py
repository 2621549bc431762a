"""Backups kept 7 daily, 4 weekly, 12 monthly, and a copy off the box; an off-box folder that cannot be
written is a recorded failure that never undoes the local backup."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from store import config, db
from store.backup import retention
from store.backup import service as backup_service
from store.backup.manifest import complete_backups
from store.backup.models import BackupFile

NIGHTS = [datetime(2026, 1, 1, 18, 30, tzinfo=UTC) + timedelta(days=i) for i in range(400)]


class TestGrandfatherFatherSon:
    def test_a_year_of_nightly_backups_keeps_7_daily_4_weekly_12_monthly(self):
        kept = retention.to_keep(NIGHTS, daily=7, weekly=4, monthly=12, tz="Asia/Shanghai")
        newest = sorted(kept, reverse=True)
        assert newest[:7] == list(range(399, 392, -1))  # the last seven nights
        months = {(NIGHTS[i] + timedelta(hours=8)).strftime("%Y-%m") for i in kept}
        assert len(months) == 12  # one backup per month for the last 12 months (the current one included)
        assert len(kept) <= 7 + 4 + 12

    def test_the_newest_backup_of_a_month_is_the_one_kept(self):
        times = [datetime(2026, 3, d, tzinfo=UTC) for d in (1, 15, 31)] + [datetime(2026, 4, 2, tzinfo=UTC)]
        assert retention.to_keep(times, daily=1, monthly=2, tz="UTC") == {2, 3}

    def test_without_weeks_and_months_the_newest_n_are_kept(self):
        assert retention.to_keep(NIGHTS[:5], daily=2) == {3, 4}


@pytest.fixture
def settings(live, tmp_path: Path):
    names = ("SMARTSTORE_BACKUP_DIR", "SMARTSTORE_BACKUP_OFFSITE_DIR")

    def apply(offsite: Path) -> Path:
        os.environ["SMARTSTORE_BACKUP_DIR"] = str(tmp_path / "local")
        os.environ["SMARTSTORE_BACKUP_OFFSITE_DIR"] = str(offsite)
        config.get_settings.cache_clear()
        return tmp_path / "local"

    yield apply
    for name in names:
        os.environ.pop(name, None)
    config.get_settings.cache_clear()


class TestOffBox:
    def test_each_good_backup_is_copied_off_the_box(self, settings, tmp_path):
        local = settings(tmp_path / "nas")
        result = backup_service.backup()
        assert result.offsite == f"copied to {tmp_path / 'nas'}"
        assert [p.name for p, _ in complete_backups(tmp_path / "nas")] == [p.name for p, _ in complete_backups(local)]

    def test_an_off_box_folder_that_cannot_be_written_is_a_recorded_failure(self, settings, tmp_path):
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the NAS mount should be")
        local = settings(blocker / "nas")
        result = backup_service.backup()
        assert result.offsite.startswith("off-box copy to") and "failed" in result.offsite
        assert len(complete_backups(local)) == 1  # the local backup is kept
        with db.unit_of_work() as session:
            failed = session.exec(select(BackupFile).where(col(BackupFile.ok).is_(False))).all()
            assert any("off-box copy" in row.check for row in failed)
            assert backup_service.last_good_backup(session).file_name == result.path.name
