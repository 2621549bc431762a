"""Renderers of the Annex 4 self-assessment report: HTML (Jinja2), XLSX (openpyxl) and PDF (reportlab)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from store.assessment.report import PASS_MARK, AssessmentReport, Figure, IndicatorResult, MonthlyKpi

TITLE_ZH = "智慧商店示范创建自评报告"
TITLE_EN = "Smart store self-assessment"
STATUS_NAMES: dict[str, tuple[str, str]] = {
    "measured": ("实测", "measured"),
    "recorded": ("登记佐证", "recorded"),
    "not_measured": ("未测量", "not measured"),
}
UNIT_NAMES: dict[str, tuple[str, str]] = {
    "people": ("人次", "people"), "shops": ("家", "shops"), "staff": ("人", "staff"),
    "orders": ("单", "orders"), "zones": ("个区域", "zones"), "m²": ("m²", "m²"),
}
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_DOCUMENT = _TEMPLATES.from_string(
    '<!DOCTYPE html>\n<html lang="{{ html_lang }}">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    "<title>{{ title }}</title>\n</head>\n<body>\n{{ fragment }}\n</body>\n</html>\n"
)


# --- formatting (money is formatted only here, at the edge) ---------------------------------------

def yuan(fen: int | Fraction | float) -> str:
    """Fen as '¥1,234.50' (negative as '-¥1.00'), rounded half-even to the fen."""
    amount = Decimal(int(round(Fraction(fen)))).scaleb(-2)
    return f"-¥{-amount:,.2f}" if amount < 0 else f"¥{amount:,.2f}"


def number(value: float | int | Fraction) -> str:
    """Thousands separators, one decimal only where the value has one."""
    rounded = round(float(value), 1)
    return f"{rounded:,.0f}" if rounded == int(rounded) else f"{rounded:,.1f}"


def percent(share: Fraction | None) -> str:
    """A signed percentage with one decimal, or a dash."""
    return "—" if share is None else f"{float(share * 100):+.1f}%"


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
        return (f"总分 {report.total} 分，达到 {PASS_MARK} 分申报线",
                f"Total {report.total}: reaches the {PASS_MARK}-point bar")
    short = PASS_MARK - report.total
    return (f"总分 {report.total} 分，未达 {PASS_MARK} 分申报线（差 {short} 分）",
            f"Total {report.total}: below the {PASS_MARK}-point bar ({short} short)")


def figure_line(figure: Figure, lang: str = "zh") -> str:
    """One figure as a line of text: label, value, period and source."""
    label = f"{figure.label_zh} {figure.label_en}" if lang == "zh" else f"{figure.label_en} {figure.label_zh}"
    return f"{label}: {figure_value(figure, lang)} ({figure.period}; {figure.source})"


def period_text(report: AssessmentReport) -> tuple[str, str]:
    """Period and baseline as text."""
    baseline = f"{report.baseline_from} – {report.baseline_to}" if report.baseline_from else "—"
    return f"{report.period_from} – {report.period_to}", baseline


# --- HTML ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MonthRow:
    """One formatted row of the monthly KPI table."""

    month: str
    baseline: bool
    cells: tuple[str, ...]


def month_row(report: AssessmentReport, row: MonthlyKpi) -> MonthRow:
    """Format one month of KPIs."""
    return MonthRow(row.month, report.is_baseline_month(row.month), (
        yuan(row.revenue_fen), number(row.orders), number(row.footfall), number(row.selling_area_m2),
        number(row.staff), yuan(row.sales_per_m2_fen), yuan(row.sales_per_staff_fen),
    ))


def kpi_summary(report: AssessmentReport) -> list[dict[str, str]]:
    """Baseline average, period average and growth of footfall, revenue, 坪效 and 人效."""
    rows = []
    for kpi in report.kpi_averages:
        show = yuan if kpi.unit.startswith("fen") else number
        rows.append({
            "label_zh": kpi.label_zh, "label_en": kpi.label_en,
            "baseline": "—" if kpi.baseline is None else show(kpi.baseline),
            "period": "—" if kpi.period is None else show(kpi.period),
            "growth": percent(kpi.growth),
        })
    return rows


def _context(report: AssessmentReport, lang: str) -> dict[str, Any]:
    """Everything the template shows, formatted."""
    by_group = {g.group: [r for r in report.indicators if r.group == g.group] for g in report.groups}
    period, baseline = period_text(report)
    return {
        "r": report, "lang": lang, "title_zh": TITLE_ZH, "title_en": TITLE_EN,
        "period": period, "baseline": baseline,
        "generated_utc": utc_time(report).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "generated_local": local_time(report).strftime("%Y-%m-%d %H:%M:%S") + f" ({report.timezone})",
        "verdict": verdict(report), "groups": report.groups, "by_group": by_group,
        "status_names": STATUS_NAMES, "figure_value": figure_value,
        "months": [month_row(report, m) for m in report.monthly], "summary": kpi_summary(report),
    }


def render_html_fragment(report: AssessmentReport, lang: str = "zh") -> str:
    """The report body (scoped CSS included), without <html>/<head>, for embedding in a layout."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}")
    return _TEMPLATES.get_template("report.html").render(_context(report, lang))


def render_html(report: AssessmentReport, *, lang: str = "zh") -> str:
    """A complete standalone HTML document: the fragment inside a minimal page."""
    title = f"{TITLE_ZH} {TITLE_EN}" if lang == "zh" else f"{TITLE_EN} {TITLE_ZH}"
    return _DOCUMENT.render(
        html_lang="zh-CN" if lang == "zh" else "en", title=f"{title} · {report.store_name}",
        fragment=Markup(render_html_fragment(report, lang)),
    )


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
