"""经营指标 KPI pages: revenue, footfall, 坪效 and 人效 by month, floor, shop or category, with growth.

Growth is against a baseline the form chooses; by default each month is set beside the same month
last year (and each floor, shop or category beside its own figures of the same months last year).
Tenant staff see only their own shop: the KPI service limits every figure with ``shop_id``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
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
from store.kpi.periods import add_months
from store.kpi.schemas import KpiRow
from store.premises import service as premises_service
from store.premises.categories import CATEGORIES
from store.premises.models import Floor, Shop

router = APIRouter(prefix="/admin", include_in_schema=False)

KPI_READERS = (Role.admin, Role.manager, Role.marketing, Role.tenant)
KpiReader = Annotated[StaffContext, Depends(require_role(*KPI_READERS))]
VIEWS = {"month": N_("By month"), "floor": N_("By floor"), "shop": N_("By shop"), "category": N_("By category")}
MonthParam = Annotated[str | None, Query(max_length=20)]
TOP_CHOICES = (0, 10, 20, 50)  # top/bottom N of a breakdown (0: every row)
CHART_BARS = 30  # a breakdown's chart shows this many bars at most (the biggest); the table has them all


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
    clipped_baseline: bool = False  # the default baseline, cut to the whole months the sales history covers
    floor: Floor | None = None  # a floor's shops only (the drill-down from the floor view)
    shop: Shop | None = None  # one shop's months (the drill-down from the shop view)
    closed: bool = False  # show shops that closed before the period
    top: int = 0  # the N biggest (or smallest, sorted ascending) rows; 0: all

    @property
    def params(self) -> dict[str, str]:
        """The view as query parameters (links that keep it: sorting, exports, language)."""
        params = {"by": self.view, "from": self.period.from_text, "to": self.period.to_text}
        if not self.default_baseline:
            params |= {"base_from": self.baseline.from_text, "base_to": self.baseline.to_text}
        if self.floor is not None:
            params["floor"] = self.floor.code
        if self.shop is not None:
            params["shop"] = str(self.shop.id)
        if self.closed:
            params["closed"] = "1"
        if self.top:
            params["top"] = str(self.top)
        if self.sort:
            params |= {"sort": self.sort, "order": "desc" if self.descending else "asc"}
        return params

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
    history_from: date | None = None,
) -> KpiQuery:
    """The form's fields with defaults: the last 12 full months against the same months a year before.

    Where the store's sales history does not reach back to those months, the default baseline is the
    newest whole months it does cover up to the same months a year before (the page says which); a
    baseline chosen in the form is taken as it is. A period that starts after today is refused."""
    today = business_day(utcnow(), staff.store_timezone)
    period = month_range(start, end, last_full_months(today, 12), name="period")
    if period.first_day > today:
        raise PeriodError("after_today", start=period.from_text, today=today.isoformat())
    same_last_year = period.shifted(-12)
    # By month each month has its own month a year before (a dash where the history lacks it).
    default = same_last_year if view == "month" else newest_covered(same_last_year, history_from)
    clipped = default != same_last_year
    baseline = month_range(base_start, base_end, default, name="baseline")
    return KpiQuery(
        view if view in VIEWS else "month",
        period,
        baseline,
        baseline == default,
        sort if sort in kpi_view.SORT_KEYS else None,
        order != "asc",
        today,
        clipped_baseline=clipped and baseline == default,
    )


def newest_covered(baseline: MonthRange, history_from: date | None) -> MonthRange:
    """``baseline`` cut to the whole months from the first one the sales history covers in full; the
    baseline itself when the history covers it, or when nothing of it would be left."""
    if history_from is None or history_from <= baseline.first_day:
        return baseline
    first_whole = history_from if history_from.day == 1 else add_months(history_from.replace(day=1), 1)
    if first_whole > baseline.end:
        return baseline
    return MonthRange(first_whole, baseline.end)


def kpi_rows(session: Session, staff: StaffContext, q: KpiQuery) -> list[KpiRow]:
    """The rows of the table: one per month, or one per floor/shop/category over the whole period.

    By month with the default baseline each month is set beside the same month last year; otherwise
    every row is compared with the chosen baseline as a whole, per day (the service's rules). Shops that
    closed before the period are left out unless asked for; ``q.floor`` keeps one floor's shops."""
    by_month = q.view == "month"
    shop_id = staff.shop_id if staff.shop_id is not None else (q.shop.id if q.shop is not None else None)
    return kpi_service.series(
        session,
        staff.store_id,
        start=q.period.first_day,
        end=q.end,
        grain="month" if by_month else "total",
        by="store" if by_month else q.view,
        baseline=(q.baseline.first_day, q.baseline.last_day),
        per_period=by_month and q.default_baseline,
        shop_id=shop_id,
        shops_of=kpi_service.ShopFilter(
            floor_id=q.floor.id if q.floor is not None else None,
            trading_from=None if q.closed else q.period.first_day,
        ),
    )


def top_rows(rows: list[KpiRow], q: KpiQuery) -> list[KpiRow]:
    """The first ``q.top`` rows in the table's order (biggest revenue first unless sorted otherwise)."""
    return rows[: q.top] if q.top and q.view != "month" else rows


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


def chart_spec(rows: list[KpiRow], name: Any, view: str, locale: str, *, footfall: bool = True) -> dict[str, Any]:
    """Revenue bars with 坪效 (and footfall by month) as lines: the JSON charts.js draws.

    Months run in calendar order; floors, shops and categories largest first (on top when horizontal)."""
    if view != "month":
        rows = kpi_view.by_revenue(rows)[:CHART_BARS]
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
    if view == "month" and footfall:
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
    floor: Annotated[str | None, Query(max_length=32)] = None,
    shop: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    closed: MonthParam = None,
    top: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> HTMLResponse:
    """KPIs by month, floor, shop or category, with a chart and a sortable table; a floor's shops
    (``floor``) and one shop's months (``shop``) are the drill-down from the store to a shop's trend."""
    locale = negotiate(request)
    form = {"by": by, "from": start or "", "to": end or "", "base_from": base_from or "", "base_to": base_to or ""}
    try:
        q = read_query(session, staff, by, start, end, base_from, base_to, sort, order, floor, shop, closed, top)
        rows = kpi_view.sort_rows(kpi_rows(session, staff, q), q.sort or default_sort(q), q.descending)
    except PeriodError as exc:  # said in the page's language, by the error's code
        return render(
            request,
            "kpi/kpi.html",
            {"form": form, "views": VIEWS, "error": period_message(exc, locale), "top_choices": TOP_CHOICES},
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
    context = page_context(session, staff, q, top_rows(rows, q), locale, all_rows=rows)
    view = urlencode({k: v for k, v in q.params.items() if k not in ("sort", "order")} | sort_params(q))
    months = urlencode({"from": form["from"], "to": form["to"]})
    exports = {ext: f"/admin/exports/monthly-kpi.{ext}?{months}" for ext in ("csv", "xlsx")}
    context.update(
        {
            "form": form,
            "sort_url": lambda key: _sort_url(q, key),
            "exports": None if staff.shop_id is not None else exports,
            "view_exports": None
            if staff.shop_id is not None
            else {ext: f"/admin/exports/kpi.{ext}?{view}" for ext in ("csv", "xlsx")},
            "top_choices": TOP_CHOICES,
        }
    )
    return render(request, "kpi/kpi.html", context, staff=staff)


def default_sort(q: KpiQuery) -> str | None:
    """Breakdowns biggest revenue first (not in the order of internal keys); months in calendar order."""
    return None if q.view == "month" else "revenue_fen"


def sort_params(q: KpiQuery) -> dict[str, str]:
    return {"sort": q.sort, "order": "desc" if q.descending else "asc"} if q.sort else {}


def read_query(
    session: Session,
    staff: StaffContext,
    by: str,
    start: str | None,
    end: str | None,
    base_from: str | None,
    base_to: str | None,
    sort: str | None,
    order: str | None,
    floor: str | None,
    shop: int | None,
    closed: str | None,
    top: int,
) -> KpiQuery:
    """:func:`parse_query` and the drill-down's floor and shop, looked up in the signed-in store."""
    history_from = kpi_service.first_sales_day(session, staff.store_id)
    q = parse_query(staff, by, start, end, base_from, base_to, sort, order or "desc", history_from)
    the_floor = premises_service.get_floor_by_code(session, staff.store_id, floor) if floor else None
    the_shop = premises_service.get_shop(session, staff.store_id, shop) if shop is not None else None
    if staff.shop_id is not None:  # a tenant sees their own shop whatever the link says
        the_shop, the_floor = None, None
    view = "month" if the_shop is not None else q.view
    return replace(
        q,
        view=view,
        floor=the_floor if view == "shop" else None,
        shop=the_shop,
        closed=closed == "1",
        top=top if top in TOP_CHOICES else 0,
    )


def page_context(
    session: Session,
    staff: StaffContext,
    q: KpiQuery,
    rows: list[KpiRow],
    locale: str,
    *,
    all_rows: list[KpiRow] | None = None,
) -> dict[str, Any]:
    """The table, the chart and the notes under them."""
    one_shop = q.shop is not None or staff.shop_id is not None  # entrances count the store, not a shop
    name, columns = row_name(q.view, locale), kpi_view.columns_for("shop" if one_shop else q.view)
    incomplete = any(row.baseline_incomplete for row in rows)
    places = shop_places(session, staff, q, locale)
    table = kpi_view.table_rows(rows, columns, name_of=name, locale=locale)
    return {
        "views": VIEWS,
        "error": None,
        "q": q,
        "columns": columns,
        "rows": [
            (row, drill_link(q, kpi_row, places), places.get(kpi_row.key, ("", "", 0)))
            for row, kpi_row in zip(table, rows, strict=True)
        ],
        "totals": kpi_view.totals_row(all_rows or rows, columns) if q.view != "month" and len(rows) > 1 else None,
        "any_gaps": any(row.gaps or row.baseline_gaps for row in rows),
        "any_partial": any(row.partial for row in rows),
        "chart": json_script(chart_spec(rows, name, q.view, locale, footfall=not one_shop)),
        # Horizontal bars for many shops: one 22 px band per shop keeps every name readable.
        "chart_height": 60 + 22 * min(len(rows), CHART_BARS) if q.view != "month" and len(rows) > 12 else None,
        "chart_cut": q.view != "month" and len(rows) > CHART_BARS,
        "chart_bars": CHART_BARS,
        "tenant": staff.shop_id is not None,
        "any_incomplete": incomplete,
        "history_from": kpi_service.first_sales_day(session, staff.store_id) if incomplete else None,
        "shop_label": shop_label(q.shop, locale) if q.shop is not None else "",
        "floor_label": floor_label(q.floor, locale) if q.floor is not None else "",
    }


def shop_label(shop: Shop, locale: str) -> str:
    return (shop.name_en or shop.name) if locale == "en" else shop.name


def floor_label(floor: Floor, locale: str) -> str:
    return (floor.name_en or floor.name) if locale == "en" else floor.name


def shop_places(session: Session, staff: StaffContext, q: KpiQuery, locale: str) -> dict[str, tuple[str, str, int]]:
    """Shop code → (floor, category, id) for the shop view's extra columns and links."""
    if q.view != "shop":
        return {}
    floors = {f.id: floor_label(f, locale) for f in premises_service.list_floors(session, staff.store_id)}
    return {
        s.code: (floors.get(s.floor_id, ""), category_label(s.category, locale), s.id or 0)
        for s in premises_service.list_shops(session, staff.store_id)
    }


def category_label(code: str, locale: str) -> str:
    zh, en = CATEGORIES.get(code, (code, code))
    return zh if locale == "zh_CN" else en


def drill_link(q: KpiQuery, row: KpiRow, places: dict[str, tuple[str, str, int]]) -> str | None:
    """Where a row leads: a floor to its shops, a shop to its months (its trend)."""
    keep = {"from": q.period.from_text, "to": q.period.to_text}
    if q.view == "floor":
        return "/admin/kpi?" + urlencode({"by": "shop", "floor": row.key, **keep})
    if q.view == "shop" and row.key in places:
        return "/admin/kpi?" + urlencode({"by": "month", "shop": str(places[row.key][2]), **keep})
    return None


def _sort_url(q: KpiQuery, key: str) -> str:
    """The table header link: sort by ``key``, flipping the direction when it is already sorted by it."""
    current = q.sort or default_sort(q)
    order = "asc" if current == key and q.descending else "desc"
    return "/admin/kpi?" + urlencode({**q.params, "sort": key, "order": order})
