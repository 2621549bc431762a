"""Renderers of the Annex 4 self-assessment report: HTML (Jinja2), XLSX (openpyxl) and PDF (reportlab)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter
from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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


# --- HTML ---------------------------------------------------------------------------------------


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


def _context(report: AssessmentReport, lang: str) -> dict[str, Any]:
    """Everything the template shows, formatted."""
    by_group = {g.group: [r for r in report.indicators if r.group == g.group] for g in report.groups}
    period, baseline = period_text(report)
    return {
        "r": report,
        "lang": lang,
        "title_zh": TITLE_ZH,
        "title_en": TITLE_EN,
        "period": period,
        "baseline": baseline,
        "generated_utc": utc_time(report).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "generated_local": local_time(report).strftime("%Y-%m-%d %H:%M:%S") + f" ({report.timezone})",
        "verdict": verdict(report),
        "groups": report.groups,
        "by_group": by_group,
        "status_names": STATUS_NAMES,
        "figure_value": figure_value,
        "months": [month_row(report, m) for m in report.monthly],
        "summary": kpi_summary(report),
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
        html_lang="zh-CN" if lang == "zh" else "en",
        title=f"{title} · {report.store_name}",
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


# --- XLSX ---------------------------------------------------------------------------------------

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
    """Fen as an exact yuan amount for a spreadsheet cell."""
    return Decimal(int(round(Fraction(fen)))).scaleb(-2)


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
    for result in report.indicators:
        status = " ".join(STATUS_NAMES[result.status])
        ws.append(
            [
                result.id,
                result.group,
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
    ws.append(["月均值与增长 Monthly averages", "", "基期 Baseline", "本期 Period", "增长 Growth"])
    for kpi in report.kpi_averages:
        money = kpi.unit.startswith("fen")
        values = [
            None if v is None else (_money(v) if money else round(float(v), 2)) for v in (kpi.baseline, kpi.period)
        ]
        growth = None if kpi.growth is None else round(float(kpi.growth), 6)
        ws.append([f"{kpi.label_zh} {kpi.label_en}", kpi.unit, *values, growth])
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


# --- PDF ----------------------------------------------------------------------------------------

CJK_FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
CID_FALLBACK = "STSong-Light"
INDICATOR_COLUMNS_MM = (9, 29, 12, 17, 49, 40, 30)  # id, name, points, status, rule, figures, missing
MONTHLY_COLUMNS_MM = (22, 26, 16, 19, 18, 13, 22, 24)


@cache
def cjk_font() -> str:
    """Register the first usable CJK TrueType font (else the built-in CID font) and return its name."""
    for path, index in CJK_FONT_CANDIDATES:
        if not Path(path).exists():
            continue
        try:  # CFF-outline OpenType (Noto CJK .ttc) is refused by reportlab: try the next one
            pdfmetrics.registerFont(TTFont("SmartstoreCJK", path, subfontIndex=index))
        except Exception:  # an unreadable font file: try the next one
            continue
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping("SmartstoreCJK", bold, italic, "SmartstoreCJK")
        return "SmartstoreCJK"
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CID_FALLBACK


def _styles(font: str) -> dict[str, Any]:
    """Paragraph styles, all in the CJK font with CJK line breaking."""
    base = ParagraphStyle("base", fontName=font, fontSize=7, leading=9, wordWrap="CJK")
    return {
        "body": base,
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, leading=12),
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=22, spaceAfter=2),
        "sub": ParagraphStyle("sub", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#486581")),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4),
        "head": ParagraphStyle("head", parent=base, textColor=colors.white),
        "group": ParagraphStyle("group", parent=base, fontSize=8.5, leading=11),
        "verdict": ParagraphStyle("verdict", parent=base, fontSize=15, leading=20),
        "num": ParagraphStyle("num", parent=base, alignment=2),
    }


def _p(text: str, style: Any) -> Any:
    """A Paragraph of plain text (escaped; newlines become line breaks)."""

    return Paragraph(_glyphs(escape(text)).replace("\n", "<br/>"), style)


def _glyphs(text: str) -> str:
    """Swap characters the built-in CID fallback font lacks (it has no '²')."""
    return text.replace("²", "2") if cjk_font() == CID_FALLBACK else text


def _table(rows: list[list[Any]], widths_mm: tuple[float, ...], extra: list[tuple[Any, ...]], repeat: int = 1) -> Any:
    """A grid table with a dark header row, repeated (with `repeat` rows) after a page break."""
    table = Table(rows, colWidths=[w * mm for w in widths_mm], repeatRows=repeat, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9fb3c8")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#243b53")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                *extra,
            ]
        )
    )
    return table


def _figures_paragraph(result: IndicatorResult, style: Any) -> Any:
    """The figures of one indicator: label, value in bold, then period and source in grey."""

    if not result.figures:
        return Paragraph("—", style)
    lines = [
        f"{escape(f.label_zh)} {escape(f.label_en)}: <b>{escape(figure_value(f))}</b><br/>"
        f"<font color='#627d98'>{escape(f.period)} | {escape(f.source)}</font>"
        for f in result.figures
    ]
    return Paragraph(_glyphs("<br/>".join(lines)), style)


def _indicator_tables(report: AssessmentReport, st: dict[str, Any]) -> list[Any]:
    """One table per group: column header and subtotal row repeat on a page break, never orphaned."""
    head = [
        "编号\nID",
        "指标\nIndicator",
        "得分\nPoints",
        "状态\nStatus",
        "适用规则\nRule applied",
        "依据数据\nFigures",
        "尚缺\nMissing",
    ]
    tables = []
    for group in report.groups:
        title = f"{group.name_zh} {group.name_en} — {group.points} / {group.maximum}"
        rows: list[list[Any]] = [[_p(text, st["head"]) for text in head], [_p(title, st["group"])] + [""] * 6]
        for r in (r for r in report.indicators if r.group == group.group):
            status = "\n".join(STATUS_NAMES[r.status])
            rows.append(
                [
                    _p(r.id, st["body"]),
                    _p(f"{r.name_zh}\n{r.name_en}", st["body"]),
                    _p(f"{r.points} / {r.maximum}", st["num"]),
                    _p(status, st["body"]),
                    _p(r.rule, st["body"]),
                    _figures_paragraph(r, st["body"]),
                    _p(r.missing or "—", st["body"]),
                ]
            )
        extra = [("SPAN", (0, 1), (-1, 1)), ("BACKGROUND", (0, 1), (-1, 1), colors.HexColor("#f0f4f8"))]
        tables += [_table(rows, INDICATOR_COLUMNS_MM, extra, repeat=2), Spacer(1, 3 * mm)]
    return tables


def _totals_table(report: AssessmentReport, st: dict[str, Any]) -> Any:
    """Group subtotals, base, bonus and total."""
    rows = [[_p(t, st["head"]) for t in ("类别 Group", "得分 Points", "满分 Maximum")]]
    rows += [
        [_p(f"{g.name_zh} {g.name_en}", st["body"]), _p(str(g.points), st["num"]), _p(str(g.maximum), st["num"])]
        for g in report.groups
    ]
    overall = f"{report.base_maximum} + {report.bonus_maximum}"
    for label, points, maximum in (
        ("基础分 Base", report.base_points, str(report.base_maximum)),
        ("加分 Bonus", report.bonus_points, str(report.bonus_maximum)),
        ("总分 Total", report.total, overall),
    ):
        rows.append([_p(label, st["group"]), _p(str(points), st["num"]), _p(maximum, st["num"])])
    return _table(rows, (60, 25, 25), [])


def _monthly_tables(report: AssessmentReport, st: dict[str, Any]) -> list[Any]:
    """Monthly KPI rows, then averages and growth against the baseline."""
    head = [
        "月份\nMonth",
        "营业额\nRevenue",
        "订单\nOrders",
        "客流\nFootfall",
        "面积 m²\nArea m²",
        "员工\nStaff",
        "坪效 ¥/m²\nSales/m²",
        "人效 ¥/人\nSales/staff",
    ]
    rows = [[_p(t, st["head"]) for t in head]]
    extra = []
    for m in report.monthly:
        row = month_row(report, m)
        rows.append(
            [_p(m.month + (" 基期" if row.baseline else ""), st["body"]), *(_p(cell, st["num"]) for cell in row.cells)]
        )
        if row.baseline:
            extra.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), colors.HexColor("#f5f7fa")))
    summary_head = ("月均 KPI", "基期月均 Baseline", "本期月均 Period", "增长 Growth")
    summary = [[_p(t, st["head"]) for t in summary_head]]
    summary += [
        [
            _p(f"{s['label_zh']} {s['label_en']}", st["body"]),
            _p(s["baseline"], st["num"]),
            _p(s["period"], st["num"]),
            _p(s["growth"], st["num"]),
        ]
        for s in kpi_summary(report)
    ]
    return [_table(rows, MONTHLY_COLUMNS_MM, extra), Spacer(1, 4 * mm), _table(summary, (62, 36, 36, 24), [])]


def _header(report: AssessmentReport, st: dict[str, Any]) -> list[Any]:
    """Title, store, period, generated at and the verdict in a coloured box."""
    period, baseline = period_text(report)
    upgrade = report.smart_upgrade_on.isoformat() if report.smart_upgrade_on else "—"
    meta = [
        ("门店 Store", f"{report.store_name} ({report.store_code})"),
        ("评价期 Period", period),
        ("基期 Baseline", baseline),
        ("智慧化改造日期 Smart upgrade on", upgrade),
        *(("注意 Notice", notice) for notice in report.notices),
        (
            "生成时间 Generated at",
            f"{utc_time(report):%Y-%m-%d %H:%M:%S} UTC | {local_time(report):%Y-%m-%d %H:%M:%S} ({report.timezone})",
        ),
    ]
    meta_rows = [[_p(k, st["meta"]), _p(v, st["meta"])] for k, v in meta]
    meta_table = Table(meta_rows, colWidths=[52 * mm, 134 * mm], hAlign="LEFT")
    meta_table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    zh, en = verdict(report)
    edge, fill = ("#3f9142", "#e3f9e5") if report.passes else ("#cf1124", "#ffe3e3")
    box = Table([[_p(f"{zh}\n{en}", st["verdict"])]], colWidths=[186 * mm])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, colors.HexColor(edge)),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(fill)),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return [_p(f"{TITLE_ZH} {TITLE_EN}", st["title"]), _p(f"{SOURCE_ZH} | {SOURCE_EN}", st["sub"]), meta_table, box]


def render_pdf(report: AssessmentReport) -> bytes:
    """The report as an A4 PDF with Chinese text; the same report gives the same bytes."""
    font = cjk_font()
    st = _styles(font)
    period = f"{report.period_from}..{report.period_to}"
    footer = f"{report.store_code} | {period} | {utc_time(report):%Y-%m-%d %H:%M} UTC"

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.setFont(font, 7)
        canvas.drawString(12 * mm, 7 * mm, f"{TITLE_ZH} | {footer}")
        canvas.drawRightString(A4[0] - 12 * mm, 7 * mm, f"第 {doc.page} 页 / page {doc.page}")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=f"{TITLE_ZH} {report.store_name}",
        author="smartstore",
        creator="smartstore",
        subject=f"{report.store_code} {report.period_from}..{report.period_to}",
        invariant=1,
    )
    story = [
        *_header(report, st),
        Spacer(1, 4 * mm),
        _p("得分汇总 Totals", st["h2"]),
        _totals_table(report, st),
        _p("指标得分 Indicators", st["h2"]),
        *_indicator_tables(report, st),
        _p("月度经营指标（综合效益 B1–B4）Monthly KPIs behind B1–B4", st["h2"]),
        *_monthly_tables(report, st),
    ]
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
