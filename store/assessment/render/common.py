"""What the HTML, XLSX and PDF renderers of the self-assessment report share: titles, names, times and
the formatted rows. Money and numbers are formatted by :mod:`store.formats` only."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from store import formats
from store.assessment.report import PASS_MARK, AssessmentReport, Figure, IndicatorResult, MonthlyKpi
from store.kpi.months import SOURCES

TITLE_ZH = "智慧商店示范创建自评报告"
TITLE_EN = "Smart store self-assessment"
SOURCE_ZH = "商务部《智慧商店示范创建评价指标（试行）》附件4"
SOURCE_EN = "MOFCOM Annex 4 smart-store indicators"
STATUS_NAMES: dict[str, tuple[str, str]] = {
    "measured": ("实测", "measured"),
    "recorded": ("登记佐证", "recorded"),
    "not_measured": ("未测量", "not measured"),
}
UNIT_NAMES: dict[str, tuple[str, str]] = {
    "people": ("人次", "people"),
    "shops": ("家", "shops"),
    "staff": ("人", "staff"),
    "orders": ("单", "orders"),
    "zones": ("个区域", "zones"),
    "m²": ("m²", "m²"),
}


# --- formatting: through store.formats, the one set of formatters (Babel) ------------------------


def yuan(fen: int | Fraction | float) -> str:
    """Fen as '¥1,234.50' (negative as '-¥1.00'), rounded half-even to the fen."""
    return formats.yuan(fen)


def number(value: float | int | Fraction) -> str:
    """Thousands separators, one decimal only where the value has one."""
    return formats.number(value, decimals=None)


def percent(share: Fraction | None) -> str:
    """A signed percentage with one decimal, or a dash."""
    return formats.signed_percent(share)


def bi(zh: str, en: str, lang: str) -> str:
    """A label in the report's language: Chinese with its English beside it, or English alone."""
    return en if lang == "en" else f"{zh} {en}"


def figure_value(figure: Figure, lang: str = "zh") -> str:
    """A figure's value with its unit, money in yuan."""
    value, unit = figure.value, figure.unit
    if value is None:
        return "—"
    if isinstance(value, str):
        return f"{value} {unit}".strip()
    money = {"fen": "", "fen/m²": "/m²", "fen/staff": "/人" if lang == "zh" else "/staff"}
    if unit in money:
        return yuan(value) + money[unit]
    if unit == "%":
        return f"{value}%"
    zh, en = UNIT_NAMES.get(unit, (unit, unit))
    return f"{number(value)} {zh if lang == 'zh' else en}".strip()


def local_time(report: AssessmentReport) -> datetime:
    """When the report ran, in the store's timezone."""
    return report.generated_at.astimezone(ZoneInfo(report.timezone))


def utc_time(report: AssessmentReport) -> datetime:
    """When the report ran, in UTC (naive datetimes are read as UTC)."""
    moment = report.generated_at
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def verdict(report: AssessmentReport) -> tuple[str, str]:
    """Whether the store reaches the 90-point bar, zh and en."""
    if report.passes:
        return (
            f"总分 {report.total} 分，达到 {PASS_MARK} 分申报线",
            f"Total {report.total}: reaches the {PASS_MARK}-point bar",
        )
    short = PASS_MARK - report.total
    return (
        f"总分 {report.total} 分，未达 {PASS_MARK} 分申报线（差 {short} 分）",
        f"Total {report.total}: below the {PASS_MARK}-point bar ({short} short)",
    )


def figure_line(figure: Figure, lang: str = "zh") -> str:
    """One figure as a line of text: label, value, period and source."""
    label = f"{figure.label_zh} {figure.label_en}" if lang == "zh" else f"{figure.label_en} {figure.label_zh}"
    return f"{label}: {figure_value(figure, lang)} ({figure.period}; {figure.source})"


def period_text(report: AssessmentReport) -> tuple[str, str]:
    """Period and baseline as text (the baseline says whether its months were chosen or the default)."""
    return f"{report.period_from} – {report.period_to}", report.baseline_text


def covered_cell(row: MonthlyKpi, field: str, show: Any) -> str:
    """A B1–B4 figure of a month, or a dash with the days its data covers (never a zero for no data)."""
    value = row.value(field)
    if value is not None:
        return show(value)
    short = [(row.covered(source), row.days) for source in SOURCES[field] if row.covered(source) < row.days]
    return "— (" + ", ".join(f"{n}/{days}" for n, days in short) + ")" if short else "—"


# --- rows shared by every format -----------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    """One formatted row of the monthly KPI table."""

    month: str
    baseline: bool
    cells: tuple[str, ...]


def month_row(report: AssessmentReport, row: MonthlyKpi) -> MonthRow:
    """Format one month of KPIs."""
    return MonthRow(
        row.month,
        report.is_baseline_month(row.month),
        (
            covered_cell(row, "revenue_fen", yuan),
            number(row.orders),
            covered_cell(row, "footfall", number),
            number(row.selling_area_m2),
            number(row.staff),
            covered_cell(row, "sales_per_m2_fen", yuan),
            covered_cell(row, "sales_per_staff_fen", yuan),
        ),
    )


def kpi_summary(report: AssessmentReport) -> list[dict[str, str]]:
    """Baseline average, period average and growth of footfall, revenue, 坪效 and 人效."""
    rows = []
    for kpi in report.kpi_averages:
        show = yuan if kpi.unit.startswith("fen") else number
        rows.append(
            {
                "label_zh": kpi.label_zh,
                "label_en": kpi.label_en,
                "baseline": "—" if kpi.baseline is None else show(kpi.baseline),
                "period": "—" if kpi.period is None else show(kpi.period),
                "growth": percent(kpi.growth),
            }
        )
    return rows


def indicator_figures(result: IndicatorResult, lang: str = "zh") -> str:
    """All figures of one indicator as lines of text."""
    return "\n".join(figure_line(f, lang) for f in result.figures)


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps (1980-01-01), order and compression."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
