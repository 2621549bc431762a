"""Receipts as the printer gets them: python-escpos's Dummy printer captures the bytes."""

from __future__ import annotations

from datetime import datetime

import pytest
from escpos.printer import Dummy

from pos_bridge.agent.receipt import COLUMNS, Receipt, ReceiptLine, render, width

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

FS_CHINESE = b"\x1c\x26"
CUT = b"\x1dV"
QR_STORE = b"\x1d(k"


def _receipt(**kwargs) -> Receipt:
    base = {
        "store_name": "智慧百货",
        "shop_name": "收银台 T1",
        "order_no": "T1-000042",
        "till_code": "T1",
        "ordered_at": datetime(2026, 5, 1, 14, 30),
        "lines": [
            ReceiptLine("拿铁咖啡（大杯）", "SKU-1", 2, 2800, 5600),
            ReceiptLine("一个名字特别特别特别特别特别长的商品", "SKU-2", 1, 1999, 1999),
        ],
        "subtotal_fen": 7599,
        "discount_fen": 500,
        "total_fen": 7099,
        "payments": [("wechat", 7099)],
        "member_no": "M00012345",
        "points_estimate": 70,
        "qr_url": "https://store.example/kiosk/receipts/T1-000042",
    }
    return Receipt(**{**base, **kwargs})


def _text_lines(data: bytes) -> list[str]:
    """The printable lines: control sequences dropped, GB18030 decoded."""
    import re

    plain = re.sub(rb"\x1b[!Ea]\S|\x1b@|\x1c&|\x1d\(k..[\x00-\x7f]*?(?=\x1d|\n|$)|\x1dV.|\x1bd.", b"", data)
    return [line.decode("gb18030", errors="replace") for line in plain.split(b"\n")]


class TestReceiptBytes:
    def test_the_receipt_carries_everything_in_chinese(self):
        data = render(_receipt())
        assert data.startswith(b"\x1b@") and FS_CHINESE in data
        for text in (
            "智慧百货",
            "拿铁咖啡",
            "合计",
            "￥70.99",
            "微信支付",
            "70.99",
            "会员",
            "M00012345",
            "+70",
            "优惠",
        ):
            assert text.encode("gb18030") in data, text
        assert b"https://store.example/kiosk/receipts/T1-000042" in data and QR_STORE in data
        assert data.rstrip(b"\x00").endswith(CUT + b"\x00") or CUT in data[-8:]

    @pytest.mark.parametrize("paper", [58, 80])
    def test_no_line_is_wider_than_the_paper(self, paper):
        data = render(_receipt(), paper_mm=paper)
        lines = [line for line in _text_lines(data) if line and "\ufffd" not in line]
        assert lines and max(width(line) for line in lines) <= COLUMNS[paper]
        assert any(width(line) == COLUMNS[paper] for line in lines)  # totals reach the right edge

    def test_a_non_member_is_invited_to_claim_points(self):
        data = render(_receipt(member_no=None, points_estimate=None))
        assert "扫码领取积分".encode("gb18030") in data and "本单积分".encode("gb18030") not in data

    def test_bytes_go_through_python_escpos_unchanged(self):
        data = render(_receipt())
        printer = Dummy()
        printer._raw(data)
        assert printer.output == data

    def test_other_paper_sizes_are_refused(self):
        with pytest.raises(ValueError, match="58 or 80"):
            render(_receipt(), paper_mm=76)


class TestPrinters:
    def test_a_file_printer_gets_the_receipt_bytes_unchanged(self, tmp_path):
        from pos_bridge.agent.printer import open_printer

        data = render(_receipt(), paper_mm=58)
        target = tmp_path / "receipt.bin"
        open_printer(f"file:{target}").print_bytes(data)
        assert target.read_bytes() == data

    def test_an_unknown_printer_spec_is_a_clear_error(self):
        from pos_bridge.agent.printer import open_printer

        with pytest.raises(ValueError, match="network:HOST"):
            open_printer("serial:/dev/ttyS0")
