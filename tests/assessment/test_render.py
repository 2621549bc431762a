"""Renderers of the self-assessment report: HTML, reproducible XLSX and PDF with Chinese text."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

from store.assessment import render
from store.assessment.report import AssessmentReport
from tests.factories.assessment import sample_report

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


def failing_report() -> AssessmentReport:
    """The sample report with S1 dropped to 0, below the 90-point bar."""
    report = sample_report()
    return replace(report, indicators=tuple(replace(r, points=0) if r.id == "S1" else r for r in report.indicators))


class TestMoney:
    def test_fen_are_formatted_as_yuan_with_separators(self) -> None:
        assert render.yuan(123_450) == "¥1,234.50"

    def test_negative_amounts_put_the_sign_first(self) -> None:
        assert render.yuan(-100) == "-¥1.00"


class TestHtml:
    def test_document_is_standalone_and_chinese(self) -> None:
        html = render.render_html(sample_report())
        assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in html
        assert "<link" not in html and "<script" not in html

    def test_every_indicator_appears_with_its_chinese_name(self) -> None:
        report = sample_report()
        html = render.render_html(report)
        for result in report.indicators:
            assert f'id="indicator-{result.id}"' in html
            assert result.name_zh in html

    def test_verdict_says_the_bar_is_reached(self) -> None:
        assert "达到 90 分申报线" in render.render_html(sample_report())

    def test_verdict_says_how_many_points_are_short(self) -> None:
        html = render.render_html(failing_report())
        assert "未达 90 分申报线（差 4 分）" in html and 'class="verdict fail"' in html

    def test_store_name_is_escaped(self) -> None:
        assert "上海智慧百货 &lt;南京路店&gt; &amp; Co" in render.render_html(sample_report())

    def test_money_and_growth_are_formatted(self) -> None:
        html = render.render_html(sample_report())
        assert "¥28,500,000.00" in html and "+6.5%" in html

    def test_document_wraps_the_fragment_unchanged(self) -> None:
        report = sample_report()
        fragment = render.render_html_fragment(report, "zh")
        assert "<html" not in fragment and "<head>" not in fragment and "<body" not in fragment
        assert fragment in render.render_html(report)

    def test_english_first_on_request(self) -> None:
        html = render.render_html(sample_report(), lang="en")
        assert '<html lang="en">' in html
        assert '<span lang="en">Smart store self-assessment</span> <span class="alt" lang="zh-CN">' in html


def sheet_xml(data: bytes) -> dict[str, bytes]:
    """Every entry of an xlsx zip by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


class TestXlsx:
    def test_values_match_the_report(self) -> None:
        report = sample_report()
        workbook = openpyxl.load_workbook(io.BytesIO(render.render_xlsx(report)))
        assert workbook.sheetnames == ["总览 Summary", "指标 Indicators", "月度KPI Monthly"]
        rows = list(workbook["指标 Indicators"].iter_rows(min_row=2, values_only=True))
        assert [(row[0], row[4], row[5]) for row in rows] == [(r.id, r.points, r.maximum) for r in report.indicators]
        summary = {row[0]: row[1:] for row in workbook["总览 Summary"].iter_rows(values_only=True) if row[0]}
        assert summary["总分 Total"][0] == report.total
        assert summary["生成时间 Generated at (UTC)"][0] == datetime(2026, 11, 5, 2, 30)

    def test_money_is_a_number_in_yuan(self) -> None:
        report = sample_report()
        sheet = openpyxl.load_workbook(io.BytesIO(render.render_xlsx(report)))["月度KPI Monthly"]
        assert "(¥)" in sheet["C1"].value
        assert Decimal(str(sheet["C2"].value)) == Decimal(report.monthly[0].revenue_fen) / 100
        assert sheet["C2"].number_format == "#,##0.00"

    def test_two_renders_are_byte_identical(self) -> None:
        assert render.render_xlsx(sample_report()) == render.render_xlsx(sample_report())

    def test_entries_have_fixed_timestamps(self) -> None:
        with zipfile.ZipFile(io.BytesIO(render.render_xlsx(sample_report()))) as archive:
            assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}

    def test_another_run_time_changes_only_the_run_time(self) -> None:
        first = sample_report()
        later = sample_report(generated_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
        a, b = sheet_xml(render.render_xlsx(first)), sheet_xml(render.render_xlsx(later))
        assert a.keys() == b.keys()
        changed = {name for name in a if a[name] != b[name]}
        assert changed == {"docProps/core.xml", "xl/worksheets/sheet1.xml"}
        summary = openpyxl.load_workbook(io.BytesIO(render.render_xlsx(first)))["总览 Summary"]
        cells = [c.coordinate for row in summary.iter_rows() for c in row if isinstance(c.value, datetime)]
        assert len(cells) == 2

        def without_run_time(xml: bytes) -> bytes:
            for ref in cells:
                xml = re.sub(rb'<c r="' + ref.encode() + rb'"[^>]*>.*?</c>', b"", xml)
            return xml

        assert without_run_time(a["xl/worksheets/sheet1.xml"]) == without_run_time(b["xl/worksheets/sheet1.xml"])
        core = [re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\1>", b"", x["docProps/core.xml"]) for x in (a, b)]
        assert core[0] == core[1]


class TestPdf:
    def test_is_a_pdf_and_reproducible(self) -> None:
        first, second = render.render_pdf(sample_report()), render.render_pdf(sample_report())
        assert first.startswith(b"%PDF") and first == second

    def test_registers_a_font_that_can_write_chinese(self) -> None:
        assert render.cjk_font() in ("SmartstoreCJK", render.CID_FALLBACK)

    @pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils' pdftotext is not installed")
    def test_text_holds_the_title_and_every_indicator(self) -> None:
        report = failing_report()
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=render.render_pdf(report), capture_output=True, check=True
        ).stdout.decode()
        assert "智慧商店" in text and "未达 90 分申报线" in text
        for result in report.indicators:
            assert re.search(rf"\b{result.id}\b", text), result.id
