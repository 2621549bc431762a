"""经营指标 KPI pages: revenue, footfall, 坪效 and 人效 by month, floor, shop or category, with growth.

Growth is against a baseline the form chooses; by default each month is set beside the same month
last year (and each floor, shop or category beside its own figures of the same months last year).
Tenant staff see only their own shop: the KPI service limits every figure with ``shop_id``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlmodel import Session

from admin.deps import StaffContext, require_role
from admin.i18n import N_, gettext, negotiate
from admin.pages import kpi_view
from admin.pages.formats import MonthRange, last_full_months, month_range, period_message
from admin.render import render
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.kpi import service as kpi_service
from store.kpi.errors import PeriodError
from store.kpi.schemas import KpiRow
from store.premises.categories import CATEGORIES

router = APIRouter(prefix="/admin", include_in_schema=False)

KPI_READERS = (Role.admin, Role.manager, Role.marketing, Role.tenant)
KpiReader = Annotated[StaffContext, Depends(require_role(*KPI_READERS))]
VIEWS = {"month": N_("By month"), "floor": N_("By floor"), "shop": N_("By shop"), "category": N_("By category")}
MonthParam = Annotated[str | None, Query(max_length=20)]


@dataclass(frozen=True)
class KpiQuery:
    """What the form asked for, checked."""

    view: str
    period: MonthRange
    baseline: MonthRange
    default_baseline: bool
    sort: str | None
    descending: bool
    today: date

    @property
    def end(self) -> date:
        """The period's last day, cut at today: a month under way counts its days so far."""
        return max(min(self.period.last_day, self.today), self.period.first_day)


def parse_query(
    staff: StaffContext,
    view: str,
    start: str | None,
    end: str | None,
    base_start: str | None,
    base_end: str | None,
    sort: str | None,
    order: str,
) -> KpiQuery:
    """The form's fields with defaults: the last 12 full months against the same months a year before."""
    today = business_day(utcnow(), staff.store_timezone)
    period = month_range(start, end, last_full_months(today, 12), name="period")
    same_last_year = period.shifted(-12)
    baseline = month_range(base_start, base_end, same_last_year, name="baseline")
    return KpiQuery(
        view if view in VIEWS else "month",
        period,
        baseline,
        baseline == same_last_year,
        sort if sort in kpi_view.SORT_KEYS else None,
        order != "asc",
        today,
    )


def kpi_rows(session: Session, staff: StaffContext, q: KpiQuery) -> list[KpiRow]:
    """The rows of the table: one per month, or one per floor/shop/category over the whole period.

    By month with the default baseline each month is set beside the same month last year; otherwise
    every row is compared with the chosen baseline as a whole, per day (the service's rules)."""
    by_month = q.view == "month"
    return kpi_service.series(
        session,
        staff.store_id,
        start=q.period.first_day,
        end=q.end,
        grain="month" if by_month else "total",
        by="store" if by_month else q.view,
        baseline=(q.baseline.first_day, q.baseline.last_day),
        per_period=by_month and q.default_baseline,
        shop_id=staff.shop_id,
    )


def row_name(view: str, locale: str) -> Any:
    """How a table row is named: the month, or the floor/shop label, or the category in the locale."""

    def name(row: KpiRow) -> str:
        if view == "month":
            return row.period + (" *" if row.partial else "")
        if view == "category" and row.key in CATEGORIES:
            zh, en = CATEGORIES[row.key]
            return zh if locale == "zh_CN" else en
        return row.label

    return name


def chart_spec(rows: list[KpiRow], name: Any, view: str, locale: str) -> dict[str, Any]:
    """Revenue bars with 坪效 (and footfall by month) as lines: the JSON charts.js draws.

    Months run in calendar order; floors, shops and categories largest first (on top when horizontal)."""
    if view != "month":
        rows = kpi_view.by_revenue(rows)
    series: list[dict[str, Any]] = [
        {
            "name": gettext("Revenue (¥)", locale),
            "kind": "bar",
            "axis": 0,
            "values": [kpi_view.yuan_value(r.revenue_fen) for r in rows],
        },
        {
            "name": gettext("Sales per m² (¥)", locale),
            "kind": "line",
            "axis": 1,
            "values": [kpi_view.yuan_value(r.sales_per_m2_fen) for r in rows],
        },
    ]
    if view == "month":
        series.append(
            {"name": gettext("Footfall", locale), "kind": "line", "axis": 2, "values": [r.footfall for r in rows]}
        )
    return {"categories": [name(r) for r in rows], "series": series, "horizontal": view != "month" and len(rows) > 12}


def json_script(value: Any) -> Markup:
    """JSON safe to embed in a <script type="application/json"> element."""
    text = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("&", "\\u0026"))


@router.get("/kpi", response_class=HTMLResponse)
def kpi_page(
    request: Request,
    session: SessionDep,
    staff: KpiReader,
    by: str = "month",
    start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
    base_from: MonthParam = None,
    base_to: MonthParam = None,
    sort: MonthParam = None,
    order: MonthParam = "desc",
) -> HTMLResponse:
    """KPIs by month, floor, shop or category, with a chart and a sortable table."""
    locale = negotiate(request)
    form = {"by": by, "from": start or "", "to": end or "", "base_from": base_from or "", "base_to": base_to or ""}
    try:
        q = parse_query(staff, by, start, end, base_from, base_to, sort, order or "desc")
        rows = kpi_view.sort_rows(kpi_rows(session, staff, q), q.sort, q.descending)
    except PeriodError as exc:  # said in the page's language, by the error's code
        return render(
            request,
            "kpi/kpi.html",
            {"form": form, "views": VIEWS, "error": period_message(exc, locale)},
            staff=staff,
            status_code=400,
        )
    form.update(
        {
            "by": q.view,
            "from": q.period.from_text,
            "to": q.period.to_text,
            "base_from": q.baseline.from_text,
            "base_to": q.baseline.to_text,
        }
    )
    context = page_context(session, staff, q, rows, locale)
    months = urlencode({"from": form["from"], "to": form["to"]})
    exports = {ext: f"/admin/exports/monthly-kpi.{ext}?{months}" for ext in ("csv", "xlsx")}
    context.update(
        {
            "form": form,
            "sort_url": lambda key: _sort_url(form, q, key),
            "exports": None if staff.shop_id is not None else exports,
        }
    )
    return render(request, "kpi/kpi.html", context, staff=staff)


def page_context(session: Session, staff: StaffContext, q: KpiQuery, rows: list[KpiRow], locale: str) -> dict[str, Any]:
    """The table, the chart and the notes under them."""
    name, columns = row_name(q.view, locale), kpi_view.columns_for(q.view)
    incomplete = any(row.baseline_incomplete for row in rows)
    return {
        "views": VIEWS,
        "error": None,
        "q": q,
        "columns": columns,
        "rows": kpi_view.table_rows(rows, columns, name_of=name, locale=locale),
        "any_gaps": any(row.gaps or row.baseline_gaps for row in rows),
        "any_partial": any(row.partial for row in rows),
        "chart": json_script(chart_spec(rows, name, q.view, locale)),
        # Horizontal bars for many shops: one 22 px band per shop keeps every name readable.
        "chart_height": 60 + 22 * len(rows) if q.view != "month" and len(rows) > 12 else None,
        "tenant": staff.shop_id is not None,
        "any_incomplete": incomplete,
        "history_from": kpi_service.first_sales_day(session, staff.store_id) if incomplete else None,
    }


def _sort_url(form: dict[str, str], q: KpiQuery, key: str) -> str:
    """The table header link: sort by ``key``, flipping the direction when it is already sorted by it."""
    order = "asc" if q.sort == key and q.descending else "desc"
    return "/admin/kpi?" + urlencode({**form, "sort": key, "order": order})
