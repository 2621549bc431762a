"""`smartstore import` on a fresh database: the examples build a whole store from files alone.

The last class is the end-to-end check of issue 4 item 6: the store built from examples/import is
assessed, and S4, C2 and B1–B4 come out measured with real figures (it needs kpi and assessment).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import inspect, text
from sqlmodel import Session

from store import db
from store.cli import cli
from tests.conftest import separate_database

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
ORDER = ("store", "floors", "shops", "staff", "zones", "members", "daily-totals", "orders", "footfall", "evidence")
BUSINESS_TABLES = (
    "store",
    "floor",
    "zone",
    "shop",
    "staff_headcount",
    "member",
    "sales_order",
    "sales_order_line",
    "sales_payment",
    "sales_daily_total",
    "footfall_count",
    "kpi_sales_daily",
    "kpi_footfall_daily",
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty, migrated database of its own; the suite's database comes back afterwards."""
    with separate_database(tmp_path_factory.mktemp("imports"), "imports") as url:
        yield url


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["import", *map(str, args)], catch_exceptions=False)


def row_counts() -> dict[str, int]:
    with db.get_engine().connect() as conn:
        return {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in BUSINESS_TABLES}


@pytest.fixture(scope="module")
def built(database: str) -> dict[str, Result]:
    """The example store, imported file by file into the empty database."""
    return {kind: run(kind, EXAMPLES / f"{kind}.csv") for kind in ORDER}


class TestExamplesBuildAStoreFromFilesAlone:
    def test_every_example_file_imports_without_a_bad_row(self, built):
        assert {kind: result.exit_code for kind, result in built.items()} == dict.fromkeys(ORDER, 0)
        assert built["shops"].output == "shops: imported 6, unchanged 0, skipped 0 bad rows\n"
        assert all("skipped 0 bad rows" in result.output for result in built.values())

    def test_the_store_has_its_history_and_rollups(self, built):
        counts = row_counts()
        assert counts["store"] == 1 and counts["zone"] == 3
        assert counts["sales_daily_total"] > 0 and counts["sales_order"] > 0 and counts["footfall_count"] > 0
        assert counts["kpi_sales_daily"] > 0 and counts["kpi_footfall_daily"] > 0

    def test_reimporting_every_file_changes_no_business_table(self, built):
        before = row_counts()
        results = {kind: run(kind, EXAMPLES / f"{kind}.csv") for kind in ORDER}
        assert all(result.exit_code == 0 and " imported 0," in result.output for result in results.values())
        assert row_counts() == before


class TestExitCodes:
    def test_bad_rows_exit_1_print_each_row_and_import_nothing(self, built, tmp_path: Path):
        bad = tmp_path / "staff.csv"
        bad.write_text("shop_code,effective_on,headcount\nCO01,2025-10-01,7\nCO01,2025-10-02,-1\n", encoding="utf-8")
        before = row_counts()
        result = run("staff", bad)
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            "staff: imported 1, unchanged 0, skipped 1 bad rows (nothing imported: fix the rows or use --skip-bad)",
            "row 3: headcount: must not be negative",
        ]
        assert row_counts() == before

    def test_skip_bad_imports_the_good_rows_and_exits_0(self, built, tmp_path: Path):
        bad = tmp_path / "staff.csv"
        bad.write_text("shop_code,effective_on,headcount\nCO01,2025-10-01,7\nCO01,2025-10-02,-1\n", encoding="utf-8")
        result = run("staff", bad, "--skip-bad", "--store", "XH01")
        assert (result.exit_code, result.output.splitlines()[0]) == (
            0,
            "staff: imported 1, unchanged 0, skipped 1 bad rows",
        )

    def test_a_missing_column_exits_2_naming_the_columns_expected(self, built, tmp_path: Path):
        bad = tmp_path / "floors.csv"
        bad.write_text("floor_code,name\n3F,三层\n", encoding="utf-8")
        result = CliRunner().invoke(cli, ["import", "floors", str(bad)])
        assert result.exit_code == 2
        assert "missing column(s) level; floors files have the columns: floor_code, name, level" in result.output

    @pytest.mark.parametrize("args", [["members", "x.csv"], ["floors", "no-such-file.csv"]])
    def test_an_unknown_kind_or_missing_file_exits_2(self, built, args):
        assert CliRunner().invoke(cli, ["import", *args]).exit_code == 2

    def test_an_unknown_store_code_exits_2(self, built):
        result = CliRunner().invoke(cli, ["import", "floors", str(EXAMPLES / "floors.csv"), "--store", "NOPE"])
        assert (result.exit_code, "no store with code 'NOPE'" in result.output) == (2, True)


class TestExampleStoreIsAssessedFromImportedHistory:
    """End to end (needs store.kpi and store.assessment): S4, C2 and B1–B4 measured with real figures."""

    def test_online_share_pos_coverage_and_the_bonus_group_are_measured(self, built):
        from store.assessment import service as assessment_service
        from store.premises import service as premises_service

        with Session(db.get_engine()) as session:
            store = premises_service.get_store_by_code(session, "XH01")
            report = assessment_service.assess(session, store.id, period_from="2025-07", period_to="2025-09")
        results = {result.id: result for result in report.indicators}
        for ident in ("S4", "C2", "B1", "B2", "B3", "B4"):
            assert results[ident].status == "measured", ident
            assert results[ident].points == results[ident].maximum, (ident, results[ident].figures)
            assert any(figure.value not in (None, 0) for figure in results[ident].figures), ident
        assert report.baseline_to == "2025-06"  # the months before smart_upgrade_on, from imported history


def test_the_database_fixture_is_migrated_to_head(database):
    assert "import_batch" in inspect(db.get_engine()).get_table_names()
