"""``smartstore import products`` and ``price-book``: row errors with row numbers, all or nothing, and a
file imported twice changes nothing the second time (issue 11, item 6)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import func, select

from store.catalog import parity
from store.catalog import service as catalog_service
from store.catalog.models import Price, Sku
from store.catalog.schemas import PriceChannel
from tests.imports.conftest import errors_of

PRODUCTS = "sku,product_code,name,brand,category,shop_code,barcode,spec,tax_rate\n"
PRICES = "sku,channel,price_yuan,starts_at\n"
GOOD_PRODUCTS = PRODUCTS + (
    "LIP-01-RED,LIP-01,丝绒唇膏,Rouge,beauty,CO01,6901234567890,红色 3.5g,13\n"
    "LIP-01-NUDE,LIP-01,丝绒唇膏,Rouge,beauty,CO01,6901234567891,裸色 3.5g,13%\n"
)
GOOD_PRICES = PRICES + (
    "LIP-01-RED,offline,320.00,2025-08-01 10:00\n"
    "LIP-01-RED,小程序,320.00,2025-08-01 10:00\n"
    "LIP-01-NUDE,offline,320.00,2025-08-01 10:00\n"
    "LIP-01-NUDE,online,299.00,2025-08-01 10:00\n"
)


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


class TestProductsFile:
    def test_products_and_skus_are_created_and_a_reimport_changes_nothing(self, session, mall, import_text):
        first = import_text("products", GOOD_PRODUCTS)
        version = catalog_service.current_version(session, mall.store.id)
        again = import_text("products", GOOD_PRODUCTS)
        assert (first.imported, again.imported, again.unchanged) == (2, 0, 2)
        sku = catalog_service.get_sku_by_code(session, mall.store.id, "LIP-01-NUDE")
        assert (sku.spec, sku.tax_rate_bp, sku.shop_id) == ("裸色 3.5g", 1300, mall.cosmetics.id)
        assert catalog_service.current_version(session, mall.store.id) == version  # nothing new to publish

    def test_bad_rows_are_named_by_row_and_nothing_is_written(self, session, import_text):
        report = import_text(
            "products",
            PRODUCTS + "A-1,A,甲,,beauty,CO01,,,13\nB-1,B,乙,,beauty,ZZ99,,,13\nC-1,A,丙,,beauty,CO01,,,13\n"
            "D-1,D,丁,,beauty,CO01,,,130\n",
        )
        assert errors_of(report) == [
            "row 3: shop_code: unknown shop 'ZZ99' (import shops first)",
            "row 4: product_code: product 'A' is described differently on an earlier row",
            "row 5: tax_rate: '130' must lie between 0 and 100 with at most 2 decimals",
        ]
        assert _count(session, Sku) == 0


class TestPriceBookFile:
    def test_price_history_feeds_the_parity_report(self, session, mall, import_text):
        import_text("products", GOOD_PRODUCTS)
        report = import_text("price-book", GOOD_PRICES)
        assert report.imported == 4
        at = datetime(2025, 9, 1, tzinfo=UTC)
        found = parity.report(session, mall.store.id, datetime(2025, 8, 15, tzinfo=UTC), at)
        assert (found.total.in_parity, found.total.counted) == (1, 2)
        assert [d.sku for d in found.drifted] == ["LIP-01-NUDE"]
        sku = catalog_service.get_sku_by_code(session, mall.store.id, "LIP-01-RED")
        assert catalog_service.resolve(session, mall.store.id, sku, PriceChannel.online, at).price_fen == 32_000

    def test_reimporting_the_price_book_changes_nothing(self, session, import_text):
        import_text("products", GOOD_PRODUCTS)
        import_text("price-book", GOOD_PRICES)
        again = import_text("price-book", GOOD_PRICES)
        assert (again.imported, again.unchanged) == (0, 4)
        assert _count(session, Price) == 4

    def test_negative_price_unknown_sku_and_channel_are_bad_rows_and_nothing_is_written(self, session, import_text):
        import_text("products", GOOD_PRODUCTS)
        report = import_text(
            "price-book",
            PRICES + "LIP-01-RED,offline,320.00,2025-08-01 10:00\n"
            "LIP-01-RED,offline,-1.00,2025-08-02 10:00\n"
            "NOPE,offline,1.00,2025-08-01 10:00\n"
            "LIP-01-RED,tv,1.00,2025-08-01 10:00\n",
        )
        assert errors_of(report) == [
            "row 3: price_yuan: must not be negative",
            "row 4: sku: unknown SKU 'NOPE' (import products first)",
            "row 5: channel: 'tv' is not one of offline, online, live",
        ]
        assert _count(session, Price) == 0


class TestExampleFilesFromTheCommand:
    def test_examples_import_and_a_second_run_changes_nothing(self, tmp_path):
        from pathlib import Path

        from click.testing import CliRunner

        from store.cli import cli
        from tests.conftest import separate_database

        examples = Path(__file__).resolve().parents[2] / "examples" / "import"

        def run(kind: str):
            return CliRunner().invoke(cli, ["import", kind, str(examples / f"{kind}.csv")], catch_exceptions=False)

        with separate_database(tmp_path, "catalog_cli"):
            first = {kind: run(kind) for kind in ("store", "floors", "shops", "products", "price-book")}
            assert {kind: r.exit_code for kind, r in first.items()} == dict.fromkeys(first, 0)
            assert first["products"].output == "products: imported 7, unchanged 0, skipped 0 bad rows\n"
            assert first["price-book"].output == "price-book: imported 15, unchanged 0, skipped 0 bad rows\n"
            again = run("price-book")
            assert again.output == "price-book: imported 0, unchanged 15, skipped 0 bad rows\n"
