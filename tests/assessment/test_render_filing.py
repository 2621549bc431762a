"""The report files as a manager files them (issue 9): the PDF carries its own Chinese font, m², the
filing block and an English version; the XLSX names its units and groups truly."""

from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest

from store.assessment import render
from store.assessment.render import pdf as pdf_render
from tests.factories.assessment import sample_report

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils' pdftotext is missing")


class TestPdfFont:
    def test_the_font_ships_with_the_package_and_is_embedded(self) -> None:
        assert pdf_render.VENDORED_FONT.is_file()
        assert pdf_render.CJK_FONT_CANDIDATES[0][0] == str(pdf_render.VENDORED_FONT)
        data = render.render_pdf(sample_report())
        assert render.cjk_font() == "SmartstoreCJK"
        assert b"STSong-Light" not in data and b"/FontFile2" in data and b"WenQuanYiMicroHei" in data


@needs_pdftotext
class TestPdfText:
    def test_square_metres_are_written_as_m2_with_a_superscript(self) -> None:
        text = pdf_text(render.render_pdf(sample_report()))
        assert "m²" in text and "m2" not in text

    def test_the_filing_block_has_room_for_name_date_signature_and_seal(self) -> None:
        text = pdf_text(render.render_pdf(sample_report()))
        for label in ("填报人", "填报日期", "负责人签字", "盖章"):
            assert label in text

    def test_the_english_report_is_in_english(self) -> None:
        text = pdf_text(render.render_pdf(sample_report(), lang="en"))
        assert "Smart store self-assessment" in text and "Prepared by" in text and "Seal" in text
        assert "指标得分" not in text and "填报人" not in text and "第 1 页" not in text

    def test_times_are_in_the_stores_timezone(self) -> None:
        report = sample_report()
        text = pdf_text(render.render_pdf(report))
        assert f"({report.timezone})" in text.splitlines()[-3] or f"({report.timezone})" in text


class TestXlsxLabels:
    def test_the_monthly_averages_say_yuan_not_fen(self) -> None:
        sheet = openpyxl.load_workbook(io.BytesIO(render.render_xlsx(sample_report())))["月度KPI Monthly"]
        units = [row[1] for row in sheet.iter_rows(values_only=True) if row[0] and "月均" in str(row[0])]
        assert units and not any(str(unit).startswith("fen") for unit in units)
        assert "元 ¥" in units

    def test_indicators_show_group_names(self) -> None:
        report = sample_report()
        sheet = openpyxl.load_workbook(io.BytesIO(render.render_xlsx(report)))["指标 Indicators"]
        groups = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert groups == {f"{g.name_zh} {g.name_en}" for g in report.groups}
