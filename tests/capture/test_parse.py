"""Templates reading receipts: sales, reprints (重打), X/Z reports, images, unknown code pages, drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.capture import parse
from store.capture.schemas import JobKind
from store.capture.templates import ZH_BASIC

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

FIXTURES = Path(__file__).parent / "fixtures"


def _parse(name: str) -> parse.ParsedReceipt:
    return parse.parse((FIXTURES / name).read_bytes(), ZH_BASIC)


class TestSales:
    def test_python_escpos_receipt_parses_into_a_whole_sale(self) -> None:
        parsed = _parse("escpos_sale.bin")
        assert (parsed.kind, parsed.receipt_no, parsed.total_fen, parsed.score) == (
            JobKind.sale,
            "A20261130-000123",
            49700,
            100,
        )
        assert [(line.name, line.quantity, line.unit_price_fen) for line in parsed.lines] == [
            ("纯棉T恤", 2, 9900),
            ("牛仔裤", 1, 29900),
        ]
        assert [(p.method, p.amount_fen) for p in parsed.payments] == [("wechat", 49700)]

    def test_sale_becomes_an_order_the_sales_api_accepts(self) -> None:
        order = parse.to_order(_parse("hand_gbk_sale.bin"), 7, "Asia/Shanghai")
        assert order.order_no == "CAP7-B-778"
        assert order.source == "receipt_capture"
        assert order.ordered_at.isoformat() == "2026-11-30T15:20:00+08:00"
        assert order.subtotal_fen == order.total_fen == 49700


class TestNotSales:
    def test_reprint_is_not_a_second_sale(self) -> None:
        parsed = _parse("escpos_reprint.bin")
        assert parsed.kind == JobKind.reprint
        assert parsed.receipt_no == "A20261130-000123"

    def test_z_report_is_ignored(self) -> None:
        assert _parse("hand_z_report.bin").kind == JobKind.report

    def test_image_receipt_kept_for_review_with_reason(self) -> None:
        parsed = _parse("hand_raster_only.bin")
        assert parsed.kind == JobKind.image
        assert "printed as an image" in parsed.reason

    def test_unknown_code_page_goes_to_review_naming_it(self) -> None:
        parsed = _parse("hand_unknown_codepage.bin")
        assert parsed.kind == JobKind.unparsed
        assert "ESC t 99" in parsed.reason


class TestHealthScore:
    def test_template_that_matches_nothing_scores_zero(self) -> None:
        spec = ZH_BASIC.model_copy(update={"receipt_no": "NOPE(\\d+)", "total": "NOPE(\\d+)", "time": "NOPE"})
        spec = spec.model_copy(update={"line": "NOPE", "payment": "NOPE"})
        parsed = parse.parse((FIXTURES / "escpos_sale.bin").read_bytes(), spec)
        assert (parsed.kind, parsed.score) == (JobKind.unparsed, 0)
        assert "receipt_no" in parsed.reason

    def test_lines_not_adding_up_lose_thirty_points(self) -> None:
        data = (FIXTURES / "escpos_sale.bin").read_bytes().replace(b"497.00", b"490.00", 1)
        parsed = parse.parse(data, ZH_BASIC)
        assert parsed.kind == JobKind.unparsed
        assert parsed.score == 70

    def test_amounts(self) -> None:
        assert parse.amount_fen("¥1,234.5") == 123450
        assert parse.amount_fen("合计") is None


class TestOddTemplates:
    def test_optional_group_that_did_not_match_is_not_found(self) -> None:
        spec = ZH_BASIC.model_copy(update={"receipt_no": r"单号: (XYZ)?"})
        assert _parse_with(spec).receipt_no is None

    def test_a_run_of_digits_is_not_an_amount(self) -> None:
        assert parse.amount_fen("9" * 40) is None


def _parse_with(spec: object) -> parse.ParsedReceipt:
    return parse.parse((FIXTURES / "escpos_sale.bin").read_bytes(), spec)  # type: ignore[arg-type]
