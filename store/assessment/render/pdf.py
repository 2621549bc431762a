"""The self-assessment report as an A4 PDF, its Chinese font embedded (a subset of the vendored
WenQuanYi Micro Hei), with the filing block (prepared by, date, signature and seal)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from store.assessment.render.common import (
    SOURCE_EN,
    SOURCE_ZH,
    STATUS_NAMES,
    TITLE_EN,
    TITLE_ZH,
    bi,
    figure_value,
    kpi_summary,
    local_time,
    month_row,
    period_text,
    utc_time,
    verdict,
)
from store.assessment.report import AssessmentReport, IndicatorResult

# The font shipped with the package comes first, so the PDF never depends on the machine's fonts:
# WenQuanYi Micro Hei (Apache-2.0, see fonts/LICENSE-wqy-microhei), a TrueType collection reportlab can
# read (subfont 0); reportlab embeds the subset of glyphs each report uses. The system's copies follow
# only in case the vendored file was stripped from an installation.
VENDORED_FONT = Path(__file__).parents[1] / "fonts" / "wqy-microhei.ttc"
CJK_FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    (str(VENDORED_FONT), 0),
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


def _two(zh: str, en: str, lang: str) -> str:
    """A column head: Chinese over English, or English alone in an English report."""
    return en if lang == "en" else f"{zh}\n{en}"


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


class _Paragraph(Paragraph):
    """A Paragraph that breaks its lines once per width.

    reportlab wraps every cell of a table to size its rows, again to draw them, and once more for every page
    the table is split across; breaking CJK text measures it character by character, which was most of the
    report's time. Lines broken for a width are the same every time (the text and style never change), so the
    second and later wraps at that width take what the first computed: the same layout, the same bytes."""

    _broken: tuple[float, tuple[Any, ...]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        broken = self._broken
        if broken is not None and broken[0] == availWidth:
            self.width, wrap_widths, self.blPara, self.height = broken[1]
            self._wrapWidths = list(wrap_widths)
            return self.width, self.height
        width, height = super().wrap(availWidth, availHeight)
        if getattr(self, "blPara", None) is not None and width == availWidth:
            self._broken = (availWidth, (self.width, tuple(self._wrapWidths), self.blPara, self.height))
        return width, height


def _p(text: str, style: Any) -> Any:
    """A Paragraph of plain text (escaped; newlines become line breaks)."""

    return _Paragraph(_glyphs(escape(text)).replace("\n", "<br/>"), style)


def _glyphs(text: str) -> str:
    """Swap characters the built-in CID fallback font lacks (it has no '²')."""
    return text.replace("²", "2") if cjk_font() == CID_FALLBACK else text


def _table(rows: list[list[Any]], widths_mm: tuple[float, ...], extra: list[tuple[Any, ...]], repeat: int = 1) -> Any:
    """A grid table with a dark header row, repeated (with `repeat` rows) after a page break."""
    # splitInRow: a row taller than a page (a long list of figures) continues on the next page.
    table = Table(rows, colWidths=[w * mm for w in widths_mm], repeatRows=repeat, hAlign="LEFT", splitInRow=1)
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


def _figures_paragraph(result: IndicatorResult, style: Any, lang: str = "zh") -> Any:
    """The figures of one indicator: label and value in bold, then period and source in grey, said once under
    the figures that share them (not repeated under each: shorter to read, and to lay out)."""

    if not result.figures:
        return _Paragraph("—", style)
    lines: list[str] = []
    for n, f in enumerate(result.figures):
        lines.append(f"{escape(bi(f.label_zh, f.label_en, lang))}: <b>{escape(figure_value(f, lang))}</b>")
        after = result.figures[n + 1] if n + 1 < len(result.figures) else None
        if after is None or (after.period, after.source) != (f.period, f.source):
            lines.append(f"<font color='#627d98'>{escape(f.period)} | {escape(f.source)}</font>")
    return _Paragraph(_glyphs("<br/>".join(lines)), style)


def _indicator_tables(report: AssessmentReport, st: dict[str, Any], lang: str = "zh") -> list[Any]:
    """One table per group: column header and subtotal row repeat on a page break, never orphaned."""
    head = [
        _two(zh, en, lang)
        for zh, en in (
            ("编号", "ID"),
            ("指标", "Indicator"),
            ("得分", "Points"),
            ("状态", "Status"),
            ("适用规则", "Rule applied"),
            ("依据数据", "Figures"),
            ("尚缺", "Missing"),
        )
    ]
    tables = []
    for group in report.groups:
        title = f"{bi(group.name_zh, group.name_en, lang)} — {group.points} / {group.maximum}"
        rows: list[list[Any]] = [[_p(text, st["head"]) for text in head], [_p(title, st["group"])] + [""] * 6]
        for r in (r for r in report.indicators if r.group == group.group):
            status = _two(*STATUS_NAMES[r.status], lang)
            rows.append(
                [
                    _p(r.id, st["body"]),
                    _p(_two(r.name_zh, r.name_en, lang), st["body"]),
                    _p(f"{r.points} / {r.maximum}", st["num"]),
                    _p(status, st["body"]),
                    _p(r.rule, st["body"]),
                    _figures_paragraph(r, st["body"], lang),
                    _p(r.missing or "—", st["body"]),
                ]
            )
        extra = [("SPAN", (0, 1), (-1, 1)), ("BACKGROUND", (0, 1), (-1, 1), colors.HexColor("#f0f4f8"))]
        tables += [_table(rows, INDICATOR_COLUMNS_MM, extra, repeat=2), Spacer(1, 3 * mm)]
    return tables


def _totals_table(report: AssessmentReport, st: dict[str, Any], lang: str = "zh") -> Any:
    """Group subtotals, base, bonus and total."""
    heads = (bi("类别", "Group", lang), bi("得分", "Points", lang), bi("满分", "Maximum", lang))
    rows = [[_p(t, st["head"]) for t in heads]]
    rows += [
        [_p(bi(g.name_zh, g.name_en, lang), st["body"]), _p(str(g.points), st["num"]), _p(str(g.maximum), st["num"])]
        for g in report.groups
    ]
    overall = f"{report.base_maximum} + {report.bonus_maximum}"
    for label, points, maximum in (
        (bi("基础分", "Base", lang), report.base_points, str(report.base_maximum)),
        (bi("加分", "Bonus", lang), report.bonus_points, str(report.bonus_maximum)),
        (bi("总分", "Total", lang), report.total, overall),
    ):
        rows.append([_p(label, st["group"]), _p(str(points), st["num"]), _p(maximum, st["num"])])
    return _table(rows, (60, 25, 25), [])


def _monthly_tables(report: AssessmentReport, st: dict[str, Any], lang: str = "zh") -> list[Any]:
    """Monthly KPI rows, then averages and growth against the baseline."""
    head = [
        _two(zh, en, lang)
        for zh, en in (
            ("月份", "Month"),
            ("营业额 ¥", "Revenue ¥"),
            ("订单", "Orders"),
            ("客流", "Footfall"),
            ("面积 m²", "Area m²"),
            ("员工", "Staff"),
            ("坪效 ¥/m²", "Sales ¥/m²"),
            ("人效 ¥/人", "Sales ¥/staff"),
        )
    ]
    rows = [[_p(t, st["head"]) for t in head]]
    extra = []
    base_mark = " baseline" if lang == "en" else " 基期"
    for m in report.monthly:
        row = month_row(report, m)
        rows.append(
            [
                _p(m.month + (base_mark if row.baseline else ""), st["body"]),
                *(_p(cell, st["num"]) for cell in row.cells),
            ]
        )
        if row.baseline:
            extra.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), colors.HexColor("#f5f7fa")))
    summary_head = (
        "Monthly average" if lang == "en" else "月均 KPI",
        bi("基期月均", "Baseline", lang),
        bi("本期月均", "Period", lang),
        bi("增长", "Growth", lang),
    )
    summary = [[_p(t, st["head"]) for t in summary_head]]
    summary += [
        [
            _p(bi(s["label_zh"], s["label_en"], lang), st["body"]),
            _p(s["baseline"], st["num"]),
            _p(s["period"], st["num"]),
            _p(s["growth"], st["num"]),
        ]
        for s in kpi_summary(report)
    ]
    return [_table(rows, MONTHLY_COLUMNS_MM, extra), Spacer(1, 4 * mm), _table(summary, (62, 36, 36, 24), [])]


def _header(report: AssessmentReport, st: dict[str, Any], lang: str = "zh") -> list[Any]:
    """Title, store, period, generated at (the store's time first) and the verdict in a coloured box."""
    period, baseline = period_text(report)
    upgrade = report.smart_upgrade_on.isoformat() if report.smart_upgrade_on else "—"
    meta = [
        (bi("门店", "Store", lang), f"{report.store_name} ({report.store_code})"),
        (bi("评价期", "Period", lang), period),
        (bi("基期", "Baseline", lang), baseline),
        (bi("智慧化改造日期", "Smart upgrade on", lang), upgrade),
        *((bi("注意", "Notice", lang), notice) for notice in report.notices),
        (
            bi("生成时间", "Generated at", lang),
            f"{local_time(report):%Y-%m-%d %H:%M:%S} ({report.timezone}) | {utc_time(report):%Y-%m-%d %H:%M:%S} UTC",
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
    box = Table([[_p(_two(zh, en, lang), st["verdict"])]], colWidths=[186 * mm])
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
    title = TITLE_EN if lang == "en" else f"{TITLE_ZH} {TITLE_EN}"
    source = SOURCE_EN if lang == "en" else f"{SOURCE_ZH} | {SOURCE_EN}"
    return [_p(title, st["title"]), _p(source, st["sub"]), meta_table, box]


FILING_LINES: tuple[tuple[str, str], ...] = (
    ("填报单位（盖章）", "Reporting company (seal)"),
    ("填报人", "Prepared by"),
    ("联系电话", "Telephone"),
    ("负责人签字", "Signature of the person in charge"),
    ("填报日期", "Date"),
)


def _filing(report: AssessmentReport, st: dict[str, Any], lang: str = "zh") -> list[Any]:
    """The block the filing needs: who prepared the report, the date, a signature and the company seal,
    with room to write by hand and a box for the seal; kept on one page."""
    rows = [[_p(bi(zh, en, lang), st["meta"]), ""] for zh, en in FILING_LINES]
    rows[0][1] = _p(report.store_name, st["meta"])
    table = Table(rows, colWidths=[58 * mm, 78 * mm], rowHeights=[11 * mm] * len(rows), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.HexColor("#52606d")),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    seal = Table([[_p(bi("盖章处", "Seal", lang), st["sub"])]], colWidths=[42 * mm], rowHeights=[42 * mm])
    seal.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.75, colors.HexColor("#9fb3c8")),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    block = Table([[table, seal]], colWidths=[142 * mm, 44 * mm], hAlign="LEFT")
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    note = bi(
        "本单位承诺以上数据真实、准确，来源于门店经营记录。",
        "We confirm that the figures above are true and come from the store's records.",
        lang,
    )
    heading = _p(bi("填报信息", "Filing", lang), st["h2"])
    return [KeepTogether([heading, _p(note, st["meta"]), Spacer(1, 3 * mm), block])]


def render_pdf(report: AssessmentReport, *, lang: str = "zh") -> bytes:
    """The report as an A4 PDF, Chinese with English beside it (``lang="en"``: English), its font
    embedded; the same report gives the same bytes."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}")
    font = cjk_font()
    st = _styles(font)
    period = f"{report.period_from}..{report.period_to}"
    footer = f"{report.store_code} | {period} | {local_time(report):%Y-%m-%d %H:%M} ({report.timezone})"
    title = TITLE_EN if lang == "en" else TITLE_ZH

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.setFont(font, 7)
        canvas.drawString(12 * mm, 7 * mm, f"{title} | {footer}")
        page = f"page {doc.page}" if lang == "en" else f"第 {doc.page} 页 / page {doc.page}"
        canvas.drawRightString(A4[0] - 12 * mm, 7 * mm, page)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=f"{title} {report.store_name}",
        author="smartstore",
        creator="smartstore",
        subject=f"{report.store_code} {report.period_from}..{report.period_to}",
        invariant=1,
    )
    story = [
        *_header(report, st, lang),
        Spacer(1, 4 * mm),
        _p(bi("得分汇总", "Totals", lang), st["h2"]),
        _totals_table(report, st, lang),
        _p(bi("指标得分", "Indicators", lang), st["h2"]),
        *_indicator_tables(report, st, lang),
        _p(bi("月度经营指标（综合效益 B1–B4）", "Monthly KPIs behind B1–B4", lang), st["h2"]),
        *_monthly_tables(report, st, lang),
        Spacer(1, 6 * mm),
        *_filing(report, st, lang),
    ]
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
