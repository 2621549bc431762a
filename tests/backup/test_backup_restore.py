"""`smartstore backup` and `smartstore restore FILE` on a database of their own (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from store import db, migrate
from store.backup import service as backup_service
from store.backup.manifest import complete_backups, manifest_path
from store.backup.models import BackupDrill, BackupFile
from tests.backup.conftest import counts_in, run


def _backup(folder: Path, *args: str) -> Path:
    result = run("backup", "--to", folder, *args)
    assert result.exit_code == 0, result.output
    return complete_backups(folder)[-1][0]


def _rows(model):
    with db.unit_of_work() as session:
        return list(session.exec(select(model).order_by(model.id)))


@pytest.mark.usefixtures("live")
class TestBackup:
    def test_the_backup_holds_every_row_and_says_so_in_its_manifest(self, live, tmp_path):
        before = counts_in(live)

        file = _backup(tmp_path)

        manifest = json.loads(manifest_path(file).read_text())
        assert manifest["tables"] == before
        assert manifest["tables"]["sales_order"] == 12 and manifest["tables"]["sales_refund"] == 4
        assert manifest["revision"] == migrate.head_revision()
        assert manifest["backend"] == ("sqlite" if live.startswith("sqlite") else "postgresql")
        assert file.stat().st_size == manifest["size_bytes"]

    def test_each_backup_is_recorded_in_the_database_with_its_check(self, tmp_path):
        file = _backup(tmp_path)

        row = _rows(BackupFile)[-1]
        assert (row.file_name, row.ok, row.directory) == (file.name, True, str(tmp_path.resolve()))
        assert row.row_counts["sales_order"] == 12
        assert "integrity_check: ok" in row.check or "pg_restore --list" in row.check

    def test_the_command_prints_the_file_its_check_and_the_retention(self, tmp_path):
        result = run("backup", "--to", tmp_path)
        assert result.exit_code == 0
        lines = result.output.splitlines()
        assert lines[0].startswith(f"backup:   {tmp_path}") and "rows, migration" in lines[0]
        assert lines[1].startswith("check:") and lines[3] == "retention: deleted nothing"

    def test_retention_keeps_the_newest_and_deletes_the_oldest_with_their_manifests(self, tmp_path):
        files = [_backup(tmp_path, "--keep", "2") for _ in range(3)]

        assert [path for path, _ in complete_backups(tmp_path)] == files[1:]
        assert not files[0].exists() and not manifest_path(files[0]).exists()
        pruned = {row.file_name: row.pruned_at for row in _rows(BackupFile) if row.directory == str(tmp_path.resolve())}
        assert pruned[files[0].name] is not None and pruned[files[2].name] is None

    def test_no_temporary_file_is_left_behind(self, tmp_path):
        _backup(tmp_path)
        assert sorted(p.suffix for p in tmp_path.iterdir()) == [
            ".json",
            ".pgdump" if any(tmp_path.glob("*.pgdump")) else ".sqlite3",
        ]

    def test_keep_below_one_is_refused_with_nothing_written(self, tmp_path):
        result = run("backup", "--to", tmp_path / "b", "--keep", "0")
        assert result.exit_code == 2 and not (tmp_path / "b").exists()


@pytest.mark.usefixtures("live")
class TestRestore:
    def test_a_backup_restores_into_an_empty_database_with_every_count_compared(self, live, tmp_path, point_at_empty):
        file = _backup(tmp_path)
        expected = json.loads(manifest_path(file).read_text())["tables"]
        target = point_at_empty()

        result = run("restore", file)

        assert result.exit_code == 0, result.output
        assert counts_in(target) == expected
        assert f"result:   all {len(expected)} tables match" in result.output
        order_line = next(line for line in result.output.splitlines() if line.startswith("sales_order "))
        assert order_line.split() == ["sales_order", "12", "12"]

    def test_a_database_that_is_not_empty_is_refused_with_one_line(self, live, tmp_path):
        file = _backup(tmp_path)
        before = counts_in(live)

        result = run("restore", file)  # the settings point at the live database

        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: the target database")
        assert "is not empty" in result.stderr and result.stdout == ""
        assert counts_in(live) == before

    def test_a_damaged_file_is_refused(self, tmp_path, point_at_empty):
        file = _backup(tmp_path)
        data = bytearray(file.read_bytes())
        data[len(data) // 2] ^= 0xFF
        file.write_bytes(bytes(data))
        target = point_at_empty()

        result = run("restore", file)

        assert result.exit_code == 2 and "SHA-256 differs from the manifest" in result.stderr
        assert counts_in(target) == {}

    def test_a_file_without_its_manifest_is_refused(self, tmp_path, point_at_empty):
        file = _backup(tmp_path)
        manifest_path(file).unlink()
        point_at_empty()

        result = run("restore", file)

        assert result.exit_code == 2 and "no manifest beside it" in result.stderr

    def test_counts_that_differ_from_the_manifest_are_shown_and_exit_1(self, tmp_path, point_at_empty):
        file = _backup(tmp_path)
        manifest = json.loads(manifest_path(file).read_text())
        manifest["tables"]["sales_order"] += 1
        manifest_path(file).write_text(json.dumps(manifest))
        point_at_empty()

        result = run("restore", file)

        assert result.exit_code == 1
        assert "sales_order" in next(line for line in result.output.splitlines() if "≠ differs" in line)
        assert "result:   1 of" in result.output


@pytest.mark.usefixtures("live")
class TestDrill:
    def test_a_drill_restores_into_a_scratch_database_and_is_recorded(self, live, tmp_path):
        file = _backup(tmp_path)
        before = counts_in(live)

        result = run("restore", file, "--drill")

        assert result.exit_code == 0, result.output
        assert "drill:    passed" in result.output
        drill = _rows(BackupDrill)[-1]
        assert (drill.ok, drill.file_name, drill.mismatched) == (True, file.name, 0)
        assert drill.tables == len(json.loads(manifest_path(file).read_text())["tables"])
        after = counts_in(live)
        assert after["backup_drill"] == before["backup_drill"] + 1
        assert {k: v for k, v in after.items() if not k.startswith("backup_")} == {
            k: v for k, v in before.items() if not k.startswith("backup_")
        }

    def test_backup_with_drill_does_both(self, tmp_path):
        result = run("backup", "--to", tmp_path, "--drill")
        assert result.exit_code == 0, result.output
        assert "drill:    passed" in result.output
        assert len(list(tmp_path.iterdir())) == 2  # the backup and its manifest: the scratch database is gone

    def test_a_failed_drill_is_recorded_as_failed(self, tmp_path):
        file = _backup(tmp_path)
        file.write_bytes(file.read_bytes()[:-100])

        result = run("restore", file, "--drill")

        assert result.exit_code == 2 and "drill:    FAILED" in result.output
        drill = _rows(BackupDrill)[-1]
        assert not drill.ok and "SHA-256" in drill.message

    def test_last_good_backup_and_drill_skip_failures(self, tmp_path):
        good = _backup(tmp_path)
        run("restore", good, "--drill")
        bad = _backup(tmp_path)
        bad.write_bytes(b"x")
        run("restore", bad, "--drill")

        with db.unit_of_work() as session:
            assert backup_service.last_good_drill(session).file_name == good.name
            assert backup_service.last_good_backup(session).file_name == bad.name  # the backup itself was good


@pytest.fixture
def backup_settings(live, tmp_path):
    """SMARTSTORE_BACKUP_DIR (and a switch for the nightly job) set for one test."""
    import os

    from store import config

    def apply(**values: str) -> Path:
        for name, value in {"SMARTSTORE_BACKUP_DIR": str(tmp_path / "nightly"), **values}.items():
            os.environ[name] = value
        config.get_settings.cache_clear()
        return tmp_path / "nightly"

    yield apply
    for name in ("SMARTSTORE_BACKUP_DIR", "SMARTSTORE_BACKUP_NIGHTLY"):
        os.environ.pop(name, None)
    config.get_settings.cache_clear()


class TestNightlyJob:
    def test_the_worker_backs_up_and_drills_every_night(self, backup_settings):
        from store.backup.jobs import nightly_backup
        from store.jobs import scheduled_jobs

        folder = backup_settings()
        drills = len(_rows(BackupDrill))

        nightly_backup()

        assert len(complete_backups(folder)) == 1
        newest = _rows(BackupDrill)[-1]
        assert len(_rows(BackupDrill)) == drills + 1 and newest.ok
        assert newest.file_name == complete_backups(folder)[0][0].name
        assert (nightly_backup, {"trigger": "cron", "hour": 2, "minute": 30}) in scheduled_jobs()

    def test_the_nightly_backup_can_be_turned_off(self, backup_settings):
        from store.backup.jobs import nightly_backup

        folder = backup_settings(SMARTSTORE_BACKUP_NIGHTLY="false")
        nightly_backup()
        assert not folder.exists()


@pytest.mark.usefixtures("live")
class TestFailedBackup:
    def test_a_backup_that_fails_its_check_leaves_no_file_and_is_recorded(self, tmp_path, monkeypatch):
        from store.backup import pg_dump, sqlite_copy
        from store.backup.errors import BackupFailed

        def damaged(*_args, **_kwargs):
            raise BackupFailed("PRAGMA integrity_check: page 7 is never used")

        monkeypatch.setattr(sqlite_copy, "check", damaged)
        monkeypatch.setattr(pg_dump, "check", damaged)

        result = run("backup", "--to", tmp_path)

        assert result.exit_code == 2 and result.stderr == "error: PRAGMA integrity_check: page 7 is never used\n"
        assert list(tmp_path.iterdir()) == []
        row = _rows(BackupFile)[-1]
        assert (row.ok, row.file_name, row.check) == (False, "", "PRAGMA integrity_check: page 7 is never used")


class TestRestoreTarget:
    @pytest.mark.usefixtures("live")
    def test_a_target_that_cannot_be_opened_is_one_line(self, live, tmp_path):
        from sqlalchemy.engine import make_url

        from store.backup.errors import RestoreFailed
        from store.backup.service import _tables_in

        if live.startswith("sqlite"):
            bad = tmp_path / "not-a-database.db"
            bad.write_bytes(b"this is not sqlite" * 100)
            url = make_url(f"sqlite:///{bad}")
        else:
            url = make_url(live).set(database="smartstore_no_such_database")
        with pytest.raises(RestoreFailed) as caught:
            _tables_in(url)
        assert "\n" not in caught.value.message and "cannot open the target database" in caught.value.message
