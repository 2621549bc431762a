"""The self-assessment report as an Excel workbook: summary, indicators and the monthly KPIs as numbers."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from store import formats
from store.assessment.render.common import (
    STATUS_NAMES,
    TITLE_EN,
    TITLE_ZH,
    fixed_zip,
    indicator_figures,
    local_time,
    period_text,
    utc_time,
    verdict,
)
from store.assessment.report import AssessmentReport

SUMMARY_SHEET, INDICATOR_SHEET, MONTHLY_SHEET = "总览 Summary", "指标 Indicators", "月度KPI Monthly"
INDICATOR_HEADERS = (
    "编号 ID",
    "分组 Group",
    "指标 Indicator",
    "Indicator (en)",
    "得分 Points",
    "满分 Max",
    "状态 Status",
    "适用规则 Rule applied",
    "依据数据 Figures",
    "尚缺 Missing",
)
MONTHLY_HEADERS = (
    "月份 Month",
    "基期/本期 Kind",
    "营业额 Revenue (¥)",
    "订单数 Orders",
    "客流 Footfall (people)",
    "经营面积 Area (m²)",
    "员工 Staff",
    "坪效 Sales per m² (¥/m²)",
    "人效 Sales per staff (¥/staff)",
)
MONEY_FORMAT, DATETIME_FORMAT = "#,##0.00", "yyyy-mm-dd hh:mm:ss"


def _money(fen: int | Fraction) -> Decimal:
    """Fen as a yuan amount for a spreadsheet cell, rounded half-even to the fen."""
    amount = formats.yuan_amount(fen)
    assert amount is not None
    return amount


# What a KPI's unit means in the cells beside it (they hold yuan, not fen).
SHOWN_UNITS: dict[str, str] = {
    "fen": "元 ¥",
    "fen/m²": "元/m² ¥/m²",
    "fen/staff": "元/人 ¥/staff",
    "people": "人次 people",
    "m²": "m²",
}


def _maybe_money(fen: Fraction | None) -> Decimal | None:
    return None if fen is None else _money(fen)


def _summary_sheet(ws: Any, report: AssessmentReport) -> None:
    """Store, period, generated at, group subtotals, totals and the verdict."""
    period, baseline = period_text(report)
    upgrade = report.smart_upgrade_on.isoformat() if report.smart_upgrade_on else "—"
    ws.append([f"{TITLE_ZH} {TITLE_EN}"])
    ws["A1"].font = Font(bold=True, size=14)
    for row in (
        ("门店 Store", report.store_name),
        ("门店代码 Code", report.store_code),
        ("时区 Timezone", report.timezone),
        ("评价期 Period", period),
        ("基期 Baseline", baseline),
        ("智慧化改造日期 Smart upgrade on", upgrade),
        *(("注意 Notice", notice) for notice in report.notices),
        ("生成时间 Generated at (UTC)", utc_time(report).replace(tzinfo=None)),
        (f"生成时间 Generated at ({report.timezone})", local_time(report).replace(tzinfo=None)),
    ):
        ws.append(list(row))
        if isinstance(row[1], datetime):
            ws.cell(ws.max_row, 2).number_format = DATETIME_FORMAT
    ws.append([])
    ws.append(["类别 Group", "得分 Points", "满分 Maximum"])
    for group in report.groups:
        ws.append([f"{group.name_zh} {group.name_en}", group.points, group.maximum])
    ws.append(["基础分 Base", report.base_points, report.base_maximum])
    ws.append(["加分 Bonus", report.bonus_points, report.bonus_maximum])
    ws.append(["总分 Total", report.total, report.base_maximum + report.bonus_maximum])
    ws.append(["结论 Verdict", " / ".join(verdict(report))])
    ws.cell(ws.max_row, 2).font = Font(bold=True, color="05400A" if report.passes else "CF1124")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 34, 48


def _indicator_sheet(ws: Any, report: AssessmentReport) -> None:
    """One row per indicator with figures as text, rule and what is missing."""
    ws.append(list(INDICATOR_HEADERS))
    group_names = {g.group: f"{g.name_zh} {g.name_en}" for g in report.groups}
    for result in report.indicators:
        status = " ".join(STATUS_NAMES[result.status])
        ws.append(
            [
                result.id,
                group_names.get(result.group, result.group),
                result.name_zh,
                result.name_en,
                result.points,
                result.maximum,
                status,
                result.rule,
                indicator_figures(result),
                result.missing,
            ]
        )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGHIJ", (6, 11, 16, 20, 8, 8, 14, 60, 60, 40), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"


def _monthly_sheet(ws: Any, report: AssessmentReport) -> None:
    """Monthly KPIs as numbers (money in yuan, two decimals), then averages and growth."""
    ws.append(list(MONTHLY_HEADERS))
    for m in report.monthly:
        kind = "基期 baseline" if report.is_baseline_month(m.month) else "本期 period"
        ws.append(
            [
                m.month,
                kind,
                _money(m.revenue_fen),
                m.orders,
                m.footfall,
                round(float(m.selling_area_m2), 2),
                round(float(m.staff), 2),
                _maybe_money(m.value("sales_per_m2_fen")),
                _maybe_money(m.value("sales_per_staff_fen")),
            ]
        )
        for column in (3, 8, 9):
            ws.cell(ws.max_row, column).number_format = MONEY_FORMAT
    ws.append([])
    ws.append(["月均值与增长 Monthly averages", "单位 Unit", "基期 Baseline", "本期 Period", "增长 Growth"])
    for kpi in report.kpi_averages:
        money = kpi.unit.startswith("fen")
        values = [
            None if v is None else (_money(v) if money else round(float(v), 2)) for v in (kpi.baseline, kpi.period)
        ]
        growth = None if kpi.growth is None else round(float(kpi.growth), 6)
        ws.append([f"{kpi.label_zh} {kpi.label_en}", SHOWN_UNITS.get(kpi.unit, kpi.unit), *values, growth])
        ws.cell(ws.max_row, 3).number_format = ws.cell(ws.max_row, 4).number_format = MONEY_FORMAT
        ws.cell(ws.max_row, 5).number_format = "0.0%"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHI", (30, 14, 20, 14, 16, 16, 10, 20, 24), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def render_xlsx(report: AssessmentReport) -> bytes:
    """The report as an Excel workbook; the same report (same generated_at) gives the same bytes."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = SUMMARY_SHEET
    _summary_sheet(summary, report)
    _indicator_sheet(workbook.create_sheet(INDICATOR_SHEET), report)
    _monthly_sheet(workbook.create_sheet(MONTHLY_SHEET), report)
    stamp = utc_time(report).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = workbook.properties.lastModifiedBy = "smartstore"
    workbook.properties.title = f"{TITLE_ZH} {report.store_code} {report.period_from}..{report.period_to}"
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook would stamp `modified` with the wall clock.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return fixed_zip(buffer.getvalue())
