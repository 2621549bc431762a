"""``smartstore map export`` then ``import`` on a real database, as a person would run them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from store.cli import cli
from tests.conftest import separate_database


def test_export_then_import_round_trips_and_garbage_is_refused(tmp_path: Path):
    from store import db
    from tests.factories.wayfinding import create_mapped_store

    with separate_database(tmp_path, "mapcli"):
        with db.unit_of_work() as session:
            create_mapped_store(session, code="MAPCLI")
        archive = tmp_path / "imdf.zip"
        done = CliRunner().invoke(cli, ["map", "export", str(archive), "--store", "MAPCLI"])
        assert done.exit_code == 0, done.output
        assert archive.stat().st_size > 1000
        done = CliRunner().invoke(cli, ["map", "import", str(archive), "--store", "MAPCLI"])
        assert done.exit_code == 0 and "imported" in done.output, done.output
        bad = tmp_path / "bad.zip"
        bad.write_bytes(b"not a zip")
        done = CliRunner().invoke(cli, ["map", "import", str(bad), "--store", "MAPCLI"])
        assert done.exit_code == 2 and "not a zip" in done.output
