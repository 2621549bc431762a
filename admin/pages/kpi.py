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
from admin.pages.formats import MonthError, MonthRange, last_full_months, month_range
from admin.render import render
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.kpi import service as kpi_service
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


def parse_query(staff: StaffContext, view: str, start: str | None, end: str | None,
                base_start: str | None, base_end: str | None, sort: str | None, order: str) -> KpiQuery:
    """The form's fields with defaults: the last 12 full months against the same months a year before."""
    today = business_day(utcnow(), staff.store_timezone)
    period = month_range(start, end, last_full_months(today, 12))
    same_last_year = period.shifted(-12)
    baseline = month_range(base_start, base_end, same_last_year)
    return KpiQuery(view if view in VIEWS else "month", period, baseline, baseline == same_last_year,
                    sort if sort in kpi_view.SORT_KEYS else None, order != "asc", today)


def kpi_rows(session: Session, staff: StaffContext, q: KpiQuery) -> list[KpiRow]:
    """The rows of the table: one per month, or one per floor/shop/category over the period."""
    by = "store" if q.view == "month" else q.view
    common: dict[str, Any] = {"grain": "month", "by": by, "shop_id": staff.shop_id}
    if q.view == "month" and not q.default_baseline:
        # A chosen baseline: every month against that whole period, per day (the service's rule).
        return kpi_service.series(session, staff.store_id, start=q.period.first_day, end=q.end,
                                  baseline=(q.baseline.first_day, q.baseline.last_day), **common)
    rows = kpi_service.series(session, staff.store_id, start=q.period.first_day, end=q.end, **common)
    base = kpi_service.series(session, staff.store_id, start=q.baseline.first_day, end=q.baseline.last_day,
                              **common)
    if q.view == "month":
        return kpi_view.matched_growth(rows, base, by_period=True)
    return kpi_view.matched_growth(kpi_view.per_key(rows), kpi_view.per_key(base), by_period=False)


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


def chart_spec(rows: list[KpiRow], names: list[str], view: str, locale: str) -> dict[str, Any]:
    """Revenue bars with 坪效 (and footfall by month) as lines: the JSON charts.js draws."""
    series: list[dict[str, Any]] = [
        {"name": gettext("Revenue (¥)", locale), "kind": "bar", "axis": 0,
         "values": [kpi_view.yuan_value(r.revenue_fen) for r in rows]},
        {"name": gettext("Sales per m² (¥)", locale), "kind": "line", "axis": 1,
         "values": [kpi_view.yuan_value(r.sales_per_m2_fen) for r in rows]},
    ]
    if view == "month":
        series.append({"name": gettext("Footfall", locale), "kind": "line", "axis": 2,
                       "values": [r.footfall for r in rows]})
    return {"categories": names, "series": series, "horizontal": view != "month" and len(rows) > 12}


def json_script(value: Any) -> Markup:
    """JSON safe to embed in a <script type="application/json"> element."""
    text = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("&", "\\u0026"))


@router.get("/kpi", response_class=HTMLResponse)
def kpi_page(request: Request, session: SessionDep, staff: KpiReader, by: str = "month",
             start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
             end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
             base_from: MonthParam = None, base_to: MonthParam = None,
             sort: MonthParam = None, order: MonthParam = "desc") -> HTMLResponse:
    """KPIs by month, floor, shop or category, with a chart and a sortable table."""
    locale = negotiate(request)
    form = {"by": by, "from": start or "", "to": end or "", "base_from": base_from or "", "base_to": base_to or ""}
    try:
        q = parse_query(staff, by, start, end, base_from, base_to, sort, order or "desc")
    except MonthError as exc:
        return render(request, "kpi/kpi.html", {"form": form, "views": VIEWS, "error": str(exc)},
                      staff=staff, status_code=400)
    rows = kpi_view.sort_rows(kpi_rows(session, staff, q), q.sort, q.descending)
    name, columns = row_name(q.view, locale), kpi_view.columns_for(q.view)
    form.update({"by": q.view, "from": q.period.from_text, "to": q.period.to_text,
                 "base_from": q.baseline.from_text, "base_to": q.baseline.to_text})
    context = {
        "form": form, "views": VIEWS, "error": None, "q": q, "columns": columns,
        "rows": kpi_view.table_rows(rows, columns, name_of=name),
        "any_partial": any(row.partial for row in rows),
        "chart": json_script(chart_spec(rows, [name(r) for r in rows], q.view, locale)),
        # Horizontal bars for many shops: one 22 px band per shop keeps every name readable.
        "chart_height": 60 + 22 * len(rows) if q.view != "month" and len(rows) > 12 else None,
        "sort_url": lambda key: _sort_url(form, q, key), "tenant": staff.shop_id is not None,
        "exports": None if staff.shop_id is not None else {
            ext: f"/admin/exports/monthly-kpi.{ext}?" + urlencode({"from": form["from"], "to": form["to"]})
            for ext in ("csv", "xlsx")},
    }
    return render(request, "kpi/kpi.html", context, staff=staff)


def _sort_url(form: dict[str, str], q: KpiQuery, key: str) -> str:
    """The table header link: sort by ``key``, flipping the direction when it is already sorted by it."""
    order = "asc" if q.sort == key and q.descending else "desc"
    return "/admin/kpi?" + urlencode({**form, "sort": key, "order": order})

