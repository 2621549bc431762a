"""The decoder on byte streams written by other software (python-escpos, hand-made as other tills emit them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.capture.escpos import decode, split_receipts

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

FIXTURES = Path(__file__).parent / "fixtures"


def _bin(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class TestTextAsPrinted:
    def test_python_escpos_chinese_receipt_reads_as_on_paper(self) -> None:
        decoded = decode(_bin("escpos_sale.bin"))
        assert decoded.lines[0] == "XX服饰专柜"
        assert "单号: A20261130-000123" in decoded.lines
        assert "合计: 497.00" in decoded.lines
        assert "[BARCODE EAN13: 6901234567892]" in decoded.lines
        assert "[QR: https://mall.example.cn/r/A20261130-000123]" in decoded.lines
        assert decoded.replaced == 0

    def test_gbk_in_fs_ampersand_chinese_mode(self) -> None:
        decoded = decode(_bin("hand_gbk_sale.bin"))
        assert "支付宝: 497.00" in decoded.lines
        assert "[BARCODE CODE128: 778-20261130]" in decoded.lines  # the {B code-set selector is not printed
        assert decoded.status_queries == 1  # the till's DLE EOT handshake

    def test_code_pages_chosen_with_esc_t_outside_chinese_mode(self) -> None:
        decoded = decode(_bin("hand_latin_codepages.bin"))
        assert decoded.lines[:2] == ["Café Zoë  €5.00", "╔══╗ total"]

    def test_unknown_code_page_is_said_not_guessed(self) -> None:
        decoded = decode(_bin("hand_unknown_codepage.bin"))
        assert decoded.warnings == ["unknown code page ESC t 99: decoded as CP437"]
        assert decoded.unsure == 64

    def test_epson_default_is_cp437_when_chinese_mode_is_off(self) -> None:
        assert decode(b"\x1b@\x9c 5\n", chinese_default=False).lines == ["£ 5"]


class TestImagesAndCuts:
    @pytest.mark.parametrize(
        ("name", "placeholder"),
        [
            ("escpos_raster_only.bin", "[IMAGE: GS v 0 raster 384x160]"),
            ("hand_raster_only.bin", "[IMAGE: GS v 0 raster 384x200]"),
            ("hand_logo_then_sale.bin", "[IMAGE: ESC * bit image 48 dots wide]"),
        ],
    )
    def test_images_are_placeholders_and_their_bytes_print_no_text(self, name: str, placeholder: str) -> None:
        decoded = decode(_bin(name))
        assert decoded.lines[0] == placeholder
        assert decoded.replaced == 0

    def test_back_to_back_receipts_split_at_each_cut(self) -> None:
        pieces = split_receipts(_bin("hand_two_receipts.bin"))
        assert len(pieces) == 2
        assert "单号: B-779" in decode(pieces[1]).lines
        assert b"".join(pieces) == _bin("hand_two_receipts.bin")

    def test_a_truncated_stream_keeps_what_was_printed(self) -> None:
        decoded = decode(_bin("hand_truncated.bin"))
        assert decoded.truncated
        assert "单号: B-778" in decoded.lines


class TestControlBytesInCodes:
    def test_a_nul_inside_barcode_or_qr_data_never_reaches_the_text(self) -> None:
        data = b"\x1dkI\x03a\x00b" + b"\x1d(k\x06\x001P0x\x00y" + b"\x1d(k\x03\x001Q0"
        decoded = decode(data)
        assert "\x00" not in decoded.text
        assert decoded.lines == ["[BARCODE CODE128: a?b]", "[QR: x?y]"]
