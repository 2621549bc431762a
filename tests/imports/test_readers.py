"""Reading the files that old systems export: CSV in UTF-8 or GB18030, and Excel workbooks."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from store.imports.errors import UnusableFile
from store.imports.readers import read_table

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

SHOPS = "shop_code,name,selling_area_m2\nCO01,兰蔻,120\n\nJW01,周大福,80.5\n"


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.create_sheet("ignored").append(["only the first sheet is read"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class TestCsvEncodings:
    def test_utf8_with_a_byte_order_mark_reads_its_first_column_name(self):
        table = read_table(b"\xef\xbb\xbf" + SHOPS.encode(), "shops.csv")
        assert table.columns == ["shop_code", "name", "selling_area_m2"]
        assert table.rows[0].values["shop_code"] == "CO01"

    def test_a_chinese_excel_export_in_gb18030_reads_its_chinese_names(self):
        table = read_table(SHOPS.encode("gb18030"), "shops.csv")
        assert table.encoding == "gb18030"
        assert [row.get("name") for row in table.rows] == ["兰蔻", "周大福"]

    def test_text_in_neither_encoding_is_unusable(self):
        with pytest.raises(UnusableFile, match="UTF-8"):
            read_table(b"shop_code\n\xff\xfe\xfa\n", "shops.csv")


class TestRowNumbers:
    def test_rows_are_numbered_as_in_a_spreadsheet_skipping_blank_lines(self):
        table = read_table(SHOPS.encode(), "shops.csv")
        assert [row.number for row in table.rows] == [2, 4]

    def test_a_quoted_cell_with_a_line_break_is_still_one_row(self):
        table = read_table(b'code,address\nA,"line 1\nline 2"\nB,x\n', "store.csv")
        assert [row.number for row in table.rows] == [2, 3]

    def test_column_names_ignore_case_and_spaces(self):
        table = read_table(b" Shop Code ,NAME\nCO01,x\n", "shops.csv")
        assert table.columns == ["shop_code", "name"]


class TestXlsx:
    def test_the_first_sheet_is_read_with_typed_cells_as_text(self):
        content = xlsx(
            [
                ["shop_code", "selling_area_m2", "opened_on", "ordered_at"],
                ["CO01", 120, date(2019, 9, 1), datetime(2025, 7, 1, 10, 30)],
                [None, None, None, None],
                ["JW01", 80.5, "2019-09-01", None],
            ]
        )
        table = read_table(content, "shops.xlsx")
        assert [row.number for row in table.rows] == [2, 4]
        first, second = (row.values for row in table.rows)
        assert first == {
            "shop_code": "CO01",
            "selling_area_m2": "120",
            "opened_on": "2019-09-01 00:00:00",
            "ordered_at": "2025-07-01 10:30:00",
        }
        assert second["selling_area_m2"] == "80.5"

    def test_a_file_that_is_not_a_workbook_is_unusable(self):
        with pytest.raises(UnusableFile, match="xlsx"):
            read_table(b"not a zip", "shops.xlsx")


class TestUnusableFiles:
    @pytest.mark.parametrize(
        ("content", "name", "message"),
        [
            (b"", "shops.csv", "empty"),
            (b"a,b\n", "shops.txt", "use .csv or .xlsx"),
            (b"code,code\nX,Y\n", "shops.csv", "appears twice"),
        ],
    )
    def test_is_refused_with_the_reason(self, content, name, message):
        with pytest.raises(UnusableFile, match=message):
            read_table(content, name)
