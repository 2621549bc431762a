"""District reporting: the store's monthly KPIs as CSV or XLSX, one row per month.

The district's commerce bureau asks for revenue, footfall, 坪效 and 人效 each month (B1–B4's figures);
these files are what a manager uploads. Headers are Chinese and English; the CSV starts with a BOM so
Excel on a Chinese Windows opens it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlmodel import Session

from admin.deps import StaffContext, require_role
from admin.i18n import gettext, negotiate
from admin.pages import kpi
from admin.pages.formats import (
    MonthRange,
    last_full_months,
    month_range,
    period_message,
    places_off_marks,
    yuan_plain,
)
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.errors import InvalidInput, NotFound
from store.kpi import service as kpi_service
from store.kpi.errors import PeriodError
from store.kpi.schemas import KpiRow
from store.premises import service as premises_service

router = APIRouter(prefix="/admin/exports", include_in_schema=False)

EXPORTERS = (Role.admin, Role.manager, Role.marketing)
Exporter = Annotated[StaffContext, Depends(require_role(*EXPORTERS))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER = (
    "月份 Month",
    "营业额(元) Revenue (CNY)",
    "订单数 Orders",
    "客流(人次) Footfall",
    "转化率 Conversion",
    "经营面积(m²) Selling area (m²)",
    "员工数 Staff",
    "坪效(元/m²) Sales per m² (CNY)",
    "人效(元/人) Sales per staff (CNY)",
    "营业额同比 Revenue YoY",
    "客流同比 Footfall YoY",
    "坪效同比 Sales per m² YoY",
    "人效同比 Sales per staff YoY",
)
GROWTH_FIELDS = ("revenue_growth", "footfall_growth", "sales_per_m2_growth", "sales_per_staff_growth")


def _period(request: Request, staff: StaffContext, start: str | None, end: str | None) -> MonthRange:
    """The months asked for; blank: the last 12 full months of the store's calendar.

    A bad month is shown on the error page in the page's language (translated here, by its code)."""
    today = business_day(utcnow(), staff.store_timezone)
    try:
        return month_range(start, end, last_full_months(today, 12), name="period")
    except PeriodError as exc:
        raise InvalidInput(period_message(exc, negotiate(request))) from None


def monthly_rows(session: Session, store_id: int, period: MonthRange, today: date) -> list[KpiRow]:
    """Store-level months, each with its growth against the same month a year before (per day, so a
    month under way compares its days so far; empty where that month is not fully in the store's history)."""
    end = max(min(period.last_day, today), period.first_day)
    last_year = period.shifted(-12)
    return kpi_service.series(
        session,
        store_id,
        start=period.first_day,
        end=end,
        grain="month",
        by="store",
        baseline=(last_year.first_day, last_year.last_day),
        per_period=True,
    )


def _ratio(value: float | None, places: int = 4) -> Decimal | None:
    """A ratio with ``places`` decimals, more where rounding would land on 0.05 or 0 (the bonus boundaries)
    while the value is not there: 0.049996 stays 0.049996, never 0.0500."""
    if value is None:
        return None
    exact = Decimal(str(value))
    return round(exact, places_off_marks(exact, places, (Decimal("0.05"), 0), most=8))


def cells(row: KpiRow) -> list[Any]:
    """One month as typed cells: yuan as 2-decimal numbers, shares and growth as ratios (0.123)."""
    return [
        row.period,
        yuan_plain(row.revenue_fen),
        row.orders,
        row.footfall,
        _ratio(row.conversion),
        round(Decimal(str(row.selling_area_m2)), 2),
        round(Decimal(str(row.staff)), 2),
        yuan_plain(row.sales_per_m2_fen),
        yuan_plain(row.sales_per_staff_fen),
        *(_ratio(getattr(row, name)) for name in GROWTH_FIELDS),
    ]


def to_csv(rows: list[KpiRow]) -> bytes:
    """UTF-8 with BOM, CRLF line ends; empty cells where a figure has no value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(["" if value is None else value for value in cells(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[KpiRow], sheet_title: str) -> bytes:
    """One sheet, header in bold, money as 0.00, ratios as percentages."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = {2: "#,##0.00", 5: "0.00%", 8: "#,##0.00", 9: "#,##0.00"} | {c: "0.00%" for c in range(10, 14)}
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in cells(row)])
        for column, number_format in formats.items():
            sheet.cell(row=sheet.max_row, column=column).number_format = number_format
    for letter, width in zip("ABCDEFGHIJKLM", (10, 18, 12, 14, 12, 16, 10, 18, 18, 14, 14, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _filename(session: Session, staff: StaffContext, period: MonthRange, ext: str) -> str:
    code = premises_service.get_store(session, staff.store_id).code
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in code)
    return f"monthly-kpi-{safe}-{period.from_text}_{period.to_text}.{ext}"


@router.get("/monthly-kpi.csv")
def monthly_kpi_csv(
    request: Request,
    session: SessionDep,
    staff: Exporter,
    start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
) -> Response:
    """Monthly KPIs for the district's report, as CSV."""
    period = _period(request, staff, start, end)
    rows = monthly_rows(session, staff.store_id, period, business_day(utcnow(), staff.store_timezone))
    return _download(to_csv(rows), "text/csv; charset=utf-8", _filename(session, staff, period, "csv"))


@router.get("/monthly-kpi.xlsx")
def monthly_kpi_xlsx(
    request: Request,
    session: SessionDep,
    staff: Exporter,
    start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
) -> Response:
    """Monthly KPIs for the district's report, as an Excel workbook."""
    period = _period(request, staff, start, end)
    rows = monthly_rows(session, staff.store_id, period, business_day(utcnow(), staff.store_timezone))
    return _download(
        to_xlsx(rows, f"{period.from_text}_{period.to_text}"), XLSX, _filename(session, staff, period, "xlsx")
    )


# --- the KPI page's current view ----------------------------------------------------------------

# How each KPI column goes into a file: money as yuan numbers, ratios as ratios, the rest as they are.
VIEW_MONEY = {"revenue_fen", "avg_ticket_fen", "sales_per_m2_fen", "sales_per_staff_fen"}
VIEW_RATIOS = {"conversion"}
VIEW_UNITS = {
    "revenue_fen": "¥",
    "avg_ticket_fen": "¥",
    "sales_per_m2_fen": "¥/m²",
    "sales_per_staff_fen": "¥",
}


def view_table(
    request: Request, session: Session, staff: StaffContext, view: kpi.KpiParams
) -> tuple[list[str], list[list[Any]], str]:
    """The rows the KPI page shows for these parameters, as a header and typed cells (the same query,
    grain, sort, top N, floor and shop as on screen), and a name for the file."""
    locale = negotiate(request)
    try:
        q = kpi.read_query(session, staff, view)
        rows = kpi_view_rows(session, staff, q)
    except PeriodError as exc:
        raise InvalidInput(period_message(exc, locale)) from None
    one_shop = q.shop is not None or staff.shop_id is not None
    columns = kpi.kpi_view.columns_for("shop" if one_shop else q.view)
    name = kpi.row_name(q.view, locale, q.grain, kpi.place_names(session, staff.store_id, q.view, locale))
    places = kpi.shop_places(session, staff, q, locale)
    first = gettext(kpi.PERIOD_HEADS[q.grain] if q.view == "month" else kpi.VIEWS[q.view], locale)
    header = [first]
    if q.view == "shop":
        header += [gettext("Floor", locale), gettext("Category", locale)]
    for c in columns:
        unit = VIEW_UNITS.get(c.key)
        header.append(gettext(c.label, locale) + (f" ({unit})" if unit else ""))
        if c.growth:
            header.append(gettext(c.label, locale) + " " + gettext("growth", locale))
    body = []
    for row in rows:
        line: list[Any] = [name(row)]
        if q.view == "shop":
            line += list(places.get(row.key, ("", "", 0))[:2])
        for c in columns:
            value = getattr(row, c.key)
            line.append(yuan_plain(value) if c.key in VIEW_MONEY else _ratio(value) if c.key in VIEW_RATIOS else value)
            if c.growth:
                line.append(_ratio(getattr(row, c.growth)))
        body.append(line)
    scope = q.floor.code if q.floor else (q.shop.code if q.shop else "")
    label = "-".join(part for part in (q.view, scope, q.period.from_text, q.period.to_text) if part)
    return header, body, label


def kpi_view_rows(session: Session, staff: StaffContext, q: kpi.KpiQuery) -> list[KpiRow]:
    rows, _ = kpi.kpi_rows(session, staff, q)
    return kpi.top_rows(kpi.kpi_view.sort_rows(rows, q.sort or kpi.default_sort(q), q.descending), q)


@router.get("/kpi.{ext}")
def kpi_view_export(
    request: Request,
    session: SessionDep,
    staff: Exporter,
    ext: str,
    view: kpi.KpiView,
) -> Response:
    """The KPI page's current view (its rows, columns and order) as CSV or XLSX."""
    if ext not in ("csv", "xlsx"):
        raise NotFound("Not found")
    header, body, label = view_table(request, session, staff, view)
    code = premises_service.get_store(session, staff.store_id).code
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in f"kpi-{code}-{label}")
    if ext == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in line] for line in body])
        return _download(("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", f"{safe}.csv")
    book = Workbook()
    sheet = book.active
    sheet.title = label[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in body:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in line])
    money = {i + 1 for i, h in enumerate(header) if h.endswith(("(¥)", "(¥/m²)"))}
    ratios = {i + 1 for i, h in enumerate(header) if h.endswith(gettext("growth", negotiate(request)))}
    ratios |= {i + 1 for i, h in enumerate(header) if h == gettext("Conversion", negotiate(request))}
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column in money:
                cell.number_format = "#,##0.00"
            elif cell.column in ratios:
                cell.number_format = "0.00%"
    sheet.freeze_panes = "B2"
    out_bytes = io.BytesIO()
    book.save(out_bytes)
    return _download(out_bytes.getvalue(), XLSX, f"{safe}.xlsx")
