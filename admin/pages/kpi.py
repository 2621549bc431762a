"""经营指标 KPI pages: revenue, footfall, 坪效 and 人效 by month, floor, shop or category, with growth.

Growth is against a baseline the form chooses; by default each month is set beside the same month
last year (and each floor, shop or category beside its own figures of the same months last year).
Tenant staff see only their own shop: the KPI service limits every figure with ``shop_id``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlmodel import Session

from admin.deps import StaffContext, require_role
from admin.i18n import N_, gettext, negotiate
from admin.pages import kpi_view
from admin.pages.formats import DayRange, day_range, growth, last_full_months, period_message
from admin.render import render
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.footfall import service as footfall_service
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
VIEWS = {"month": N_("Over time"), "floor": N_("By floor"), "shop": N_("By shop"), "category": N_("By category")}
GRAINS = {"day": N_("Days"), "week": N_("Weeks"), "month": N_("Months")}
PERIOD_HEADS = {"day": N_("Day"), "week": N_("Week"), "month": N_("Month")}  # the first column over time
COMPARES = {"year": N_("Last year"), "week": N_("A week before")}
TOP_CHOICES = (0, 10, 20, 50)  # top/bottom N of a breakdown (0: every row)
CHART_BARS = 30  # a breakdown's chart shows this many bars at most (the biggest); the table has them all
MAX_DAYS = 400  # a daily series covers at most this many days (the API's limit too)
YEAR_IN_WEEKS = 364  # 52 weeks: the same weekday a year before (a Monday beside a Monday)
Text = Annotated[str | None, Query(max_length=20)]


@dataclass(frozen=True)
class KpiParams:
    """The query parameters of the KPI page, as given (the page and its exports read the same ones)."""

    by: str = "month"
    grain: str | None = None
    start: str | None = None
    end: str | None = None
    base_from: str | None = None
    base_to: str | None = None
    compare: str | None = None
    sort: str | None = None
    order: str | None = "desc"
    floor: str | None = None
    shop: int | None = None
    closed: str | None = None
    top: int = 0


def kpi_params(
    by: Annotated[str, Query(max_length=20)] = "month",
    grain: Text = None,
    start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
    base_from: Text = None,
    base_to: Text = None,
    compare: Text = None,
    sort: Text = None,
    order: Text = "desc",
    floor: Annotated[str | None, Query(max_length=32)] = None,
    shop: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    closed: Text = None,
    top: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> KpiParams:
    """The one declaration of the KPI view's parameters (``from``/``to``: a month YYYY-MM or a day)."""
    return KpiParams(by, grain, start, end, base_from, base_to, compare, sort, order, floor, shop, closed, top)


KpiView = Annotated[KpiParams, Depends(kpi_params)]


@dataclass(frozen=True)
class KpiQuery:
    """What the form asked for, checked."""

    view: str
    period: DayRange
    baseline: DayRange
    default_baseline: bool
    sort: str | None
    descending: bool
    today: date
    grain: str = "month"  # the rows of the view over time: days, weeks or months
    compare: str = "year"  # the default baseline: a year before, or a week before (the same weekdays)
    clipped_baseline: bool = False  # the default baseline, cut to the whole months the sales history covers
    floor: Floor | None = None  # a floor's shops only (the drill-down from the floor view)
    shop: Shop | None = None  # one shop's months (the drill-down from the shop view)
    closed: bool = False  # show shops that closed before the period
    top: int = 0  # the N biggest (or smallest, sorted ascending) rows; 0: all

    @property
    def params(self) -> dict[str, str]:
        """The view as query parameters (links that keep it: sorting, exports, language)."""
        params = {"by": self.view, "from": self.period.from_text, "to": self.period.to_text}
        if self.grain != "month":
            params["grain"] = self.grain
        if self.compare != "year":
            params["compare"] = self.compare
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

    @property
    def over_time(self) -> bool:
        return self.view == "month"


def default_period(grain: str, today: date) -> DayRange:
    """Months: the last 12 whole months; weeks: the last 12 whole weeks (Monday to Sunday); days: the last
    28 completed days (four of each weekday)."""
    if grain == "day":
        return DayRange(today - timedelta(days=28), today - timedelta(days=1))
    if grain == "week":
        last_sunday = today - timedelta(days=today.weekday() + 1)
        return DayRange(last_sunday - timedelta(days=12 * 7 - 1), last_sunday)
    return DayRange.of_months(last_full_months(today, 12))


def compared_range(period: DayRange, compare: str, *, months: bool) -> DayRange:
    """The default baseline of ``period``: the same weekdays a week before, or a year before (the same
    months where the rows are months or the range is whole months, else the same weekdays 52 weeks before)."""
    if compare == "week":
        return period.shifted_days(-7)
    return period.shifted_months(-12) if months else period.shifted_days(-YEAR_IN_WEEKS)


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
    *,
    grain: str | None = None,
    compare: str | None = None,
) -> KpiQuery:
    """The form's fields with defaults: the last 12 full months (weeks, or 28 days) against a year before.

    Each end of the period is a month (YYYY-MM) or a day (YYYY-MM-DD). Where the store's sales history
    does not reach back to the baseline, a breakdown's default baseline is the newest part of it the
    history covers (the page says which); a baseline chosen in the form is taken as it is. A period that
    starts after today is refused, and so is a daily series of more than 400 days."""
    today = business_day(utcnow(), staff.store_timezone)
    view = view if view in VIEWS else "month"
    grain = grain if grain in GRAINS else "month"
    period = day_range(start, end, default_period(grain, today), name="period")
    if period.first_day > today:
        raise PeriodError("after_today", start=period.from_text, today=today.isoformat())
    if view == "month" and grain == "day" and period.days > MAX_DAYS:
        raise PeriodError("too_many_days", limit=MAX_DAYS)
    # A week before compares weekdays: days or weeks over time, or any breakdown; months stay with a year.
    compare = "week" if compare == "week" and (view != "month" or grain != "month") else "year"
    months = grain == "month" if view == "month" else period.whole_months
    same_before = compared_range(period, compare, months=months)
    # Over time each period has its own one before (a dash where the history lacks it).
    default = same_before if view == "month" else newest_covered(same_before, history_from)
    clipped = default != same_before
    baseline = day_range(base_start, base_end, default, name="baseline")
    return KpiQuery(
        view,
        period,
        baseline,
        baseline == default,
        sort if sort in kpi_view.SORT_KEYS else None,
        order != "asc",
        today,
        grain=grain,
        compare=compare,
        clipped_baseline=clipped and baseline == default,
    )


def newest_covered(baseline: DayRange, history_from: date | None) -> DayRange:
    """``baseline`` cut to start where the sales history does (at its first whole month, for a baseline
    of whole months); the baseline itself when the history covers it, or when nothing of it would be left."""
    if history_from is None or history_from <= baseline.first_day:
        return baseline
    first = history_from
    if baseline.whole_months and history_from.day != 1:
        first = add_months(history_from.replace(day=1), 1)
    if first > baseline.last_day:
        return baseline
    return DayRange(first, baseline.last_day)


def kpi_rows(session: Session, staff: StaffContext, q: KpiQuery) -> tuple[list[KpiRow], dict[str, KpiRow]]:
    """The rows of the table: one per day, week or month, or one per floor/shop/category over the whole
    period; and over time, each period's baseline figures by its period (the chart's dashed line).

    Over time with the default baseline each period is set beside its own one a year (or a week) before;
    otherwise every row is compared with the chosen baseline as a whole, per day (the service's rules).
    Shops that closed before the period are left out unless asked for; ``q.floor`` keeps one floor's shops."""
    over_time = q.over_time
    shop_id = staff.shop_id if staff.shop_id is not None else (q.shop.id if q.shop is not None else None)
    per_period = over_time and q.default_baseline
    rows, beside = kpi_service.series_beside_baseline(
        session,
        staff.store_id,
        start=q.period.first_day,
        end=q.end,
        grain=q.grain if over_time else "total",
        by="store" if over_time else q.view,
        baseline=(q.baseline.first_day, q.baseline.last_day),
        per_period=per_period,
        shop_id=shop_id,
        shops_of=kpi_service.ShopFilter(
            floor_id=q.floor.id if q.floor is not None else None,
            trading_from=None if q.closed else q.period.first_day,
        ),
    )
    before = {row.period: base for row, base in zip(rows, beside, strict=True) if base is not None and per_period}
    return rows, before


def top_rows(rows: list[KpiRow], q: KpiQuery) -> list[KpiRow]:
    """The first ``q.top`` rows in the table's order (biggest revenue first unless sorted otherwise)."""
    return rows[: q.top] if q.top and not q.over_time else rows


WEEKDAYS = {
    "zh_CN": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def weekday_name(day: date, locale: str) -> str:
    return WEEKDAYS["zh_CN" if locale == "zh_CN" else "en"][day.weekday()]


def week_days(key: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week key (2026-W05)."""
    year, week = key.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return monday, monday + timedelta(days=6)


def period_name(period: str, grain: str, locale: str, *, short: bool = False) -> str:
    """A period as a row or an axis names it: '2026-03', '2026-11-23 周一', '2026-W47 11-16 – 11-22'."""
    if grain == "day":
        day = date.fromisoformat(period)
        return f"{period[5:] if short else period} {weekday_name(day, locale)}"
    if grain == "week":
        monday, sunday = week_days(period)
        days = f"{monday:%m-%d}" if short else f"{monday:%m-%d} – {sunday:%m-%d}"
        return f"{period[5:] if short else period} {days}"
    return period


def row_name(view: str, locale: str, grain: str = "month", places: dict[str, str] | None = None) -> Any:
    """How a table row is named: the period, or the floor/shop label in the locale (``places``: code → name,
    from :func:`place_names`; the English name where one was given), or the category in the locale."""

    def name(row: KpiRow) -> str:
        if view == "month":
            return period_name(row.period, grain, locale) + (" *" if row.partial else "")
        if view == "category" and row.key in CATEGORIES:
            zh, en = CATEGORIES[row.key]
            return zh if locale == "zh_CN" else en
        return (places or {}).get(row.key, row.label)

    return name


BEFORE_LABELS = {"year": N_("Revenue last year (¥)"), "week": N_("Revenue a week before (¥)")}


def chart_spec(
    rows: list[KpiRow],
    name: Any,
    view: str,
    locale: str,
    *,
    footfall: bool = True,
    before: dict[str, KpiRow] | None = None,
    compare: str = "year",
    grain: str = "month",
) -> dict[str, Any]:
    """Revenue bars with 坪效 (and footfall over time) as lines, and over time the baseline's revenue as a
    dashed line (last year, or a week before): the JSON charts.js draws.

    Periods run in calendar order; floors, shops and categories largest first (on top when horizontal)."""
    rows = kpi_view.by_revenue(rows)[:CHART_BARS] if view != "month" else sorted(rows, key=lambda r: r.period)
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
    if view == "month" and before:
        series.append(
            {
                "name": gettext(BEFORE_LABELS[compare], locale),
                "kind": "line",
                "axis": 0,
                "dashed": True,
                "values": [
                    kpi_view.yuan_value(before[r.period].revenue_fen) if r.period in before else None for r in rows
                ],
            }
        )
    categories = [period_name(r.period, grain, locale, short=True) for r in rows] if view == "month" else None
    return {
        "categories": categories or [name(r) for r in rows],
        "series": series,
        "horizontal": view != "month" and len(rows) > 12,
    }


def json_script(value: Any) -> Markup:
    """JSON safe to embed in a <script type="application/json"> element."""
    text = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("&", "\\u0026"))


@router.get("/kpi", response_class=HTMLResponse)
def kpi_page(request: Request, session: SessionDep, staff: KpiReader, view: KpiView) -> HTMLResponse:
    """KPIs over time (days, weeks or months) or by floor, shop or category, with a chart and a sortable
    table; a floor's shops (``floor``) and one shop's trend (``shop``) are the drill-down from the store
    to a shop, a month's or a week's row opens its days and a day's row its hours."""
    locale = negotiate(request)
    form = {
        "by": view.by,
        "grain": view.grain or "month",
        "compare": view.compare or "year",
        "from": view.start or "",
        "to": view.end or "",
        "base_from": view.base_from or "",
        "base_to": view.base_to or "",
    }
    try:
        q = read_query(session, staff, view)
        found, before = kpi_rows(session, staff, q)
        rows = kpi_view.sort_rows(found, q.sort or default_sort(q), q.descending)
    except PeriodError as exc:  # said in the page's language, by the error's code
        return render(
            request,
            "kpi/kpi.html",
            {
                "form": form,
                "views": VIEWS,
                "grains": GRAINS,
                "compares": COMPARES,
                "error": period_message(exc, locale),
                "top_choices": TOP_CHOICES,
                "presets": [],
            },
            staff=staff,
            status_code=400,
        )
    form.update(
        {
            "by": q.view,
            "grain": q.grain,
            "compare": q.compare,
            "from": picker_text(q.period.first_day, q.period.from_text, q.grain),
            "to": picker_text(q.period.last_day, q.period.to_text, q.grain),
            "base_from": picker_text(q.baseline.first_day, q.baseline.from_text, q.grain),
            "base_to": picker_text(q.baseline.last_day, q.baseline.to_text, q.grain),
        }
    )
    context = page_context(session, staff, q, top_rows(rows, q), locale, all_rows=rows, before=before)
    link = urlencode({k: v for k, v in q.params.items() if k not in ("sort", "order")} | sort_params(q))
    months = urlencode({"from": q.period.first_day.isoformat()[:7], "to": q.end.isoformat()[:7]})
    exports = {ext: f"/admin/exports/monthly-kpi.{ext}?{months}" for ext in ("csv", "xlsx")}
    context.update(
        {
            "form": form,
            "sort_url": lambda key: _sort_url(q, key),
            "exports": None if staff.shop_id is not None else exports,
            "view_exports": None
            if staff.shop_id is not None
            else {ext: f"/admin/exports/kpi.{ext}?{link}" for ext in ("csv", "xlsx")},
            "top_choices": TOP_CHOICES,
            "presets": presets(q),
            "baseline_note": baseline_note(q, locale),
        }
    )
    return render(request, "kpi/kpi.html", context, staff=staff)


def picker_text(day: date, text: str, grain: str) -> str:
    """What a picker shows: a month picker takes YYYY-MM (whole months by month), a date picker a day."""
    return text if grain == "month" and len(text) == 7 else day.isoformat()


def presets(q: KpiQuery) -> list[tuple[str, str, bool]]:
    """Quick ranges beside the date pickers: (label, link, current) for the last 7 and 28 days, the last
    12 weeks, this month so far, last month and the last 12 months (the view, floor and shop kept)."""
    today = q.today
    keep = {k: v for k, v in q.params.items() if k not in ("from", "to", "grain", "base_from", "base_to")}
    last_month = DayRange.of_months(last_full_months(today, 1))
    ranges = (
        (N_("Last 7 days"), "day", DayRange(today - timedelta(days=7), today - timedelta(days=1))),
        (N_("Last 28 days"), "day", default_period("day", today)),
        (N_("Last 12 weeks"), "week", default_period("week", today)),
        (N_("This month"), "day", DayRange(today.replace(day=1), today)),
        (N_("Last month"), "day", last_month),
        (N_("Last 12 months"), "month", default_period("month", today)),
    )
    result = []
    for label, grain, days in ranges:
        params = keep | {"from": days.from_text, "to": days.to_text}
        if grain != "month":
            params["grain"] = grain
        current = days == q.period and (grain == q.grain or not q.over_time)
        result.append((label, "/admin/kpi?" + urlencode(params), current))
    return result


def baseline_note(q: KpiQuery, locale: str) -> str:
    """What each growth figure compares with, in the page's language."""
    ends = {"start": q.baseline.from_text, "end": q.baseline.to_text}
    if not q.default_baseline:
        return gettext("Growth: against the daily average of the baseline %(start)s – %(end)s.", locale) % ends
    if q.clipped_baseline:
        return (
            gettext(
                "Growth: against the daily average of %(start)s – %(end)s, the newest whole months the sales "
                "history covers (the same months last year start before it).",
                locale,
            )
            % ends
        )
    if q.over_time:
        texts = {
            ("month", "year"): N_("Growth: against the same months last year."),
            ("week", "year"): N_("Growth: each week against the same week 52 weeks before."),
            ("day", "year"): N_(
                "Growth: each day against the same weekday 52 weeks before (a Monday beside a Monday)."
            ),
            ("week", "week"): N_("Growth: each week against the week before."),
            ("day", "week"): N_("Growth: each day against the same weekday a week before."),
        }
        return gettext(texts[q.grain, q.compare], locale)
    if q.compare == "week":
        return (
            gettext(
                "Growth: against the daily average of the same weekdays a week before (%(start)s – %(end)s).", locale
            )
            % ends
        )
    if q.period.whole_months:
        return gettext("Growth: against the same months last year.", locale)
    return (
        gettext("Growth: against the daily average of the same weekdays 52 weeks before (%(start)s – %(end)s).", locale)
        % ends
    )


def default_sort(q: KpiQuery) -> str | None:
    """Breakdowns biggest revenue first (not in the order of internal keys); periods in calendar order."""
    return None if q.over_time else "revenue_fen"


def sort_params(q: KpiQuery) -> dict[str, str]:
    return {"sort": q.sort, "order": "desc" if q.descending else "asc"} if q.sort else {}


def read_query(session: Session, staff: StaffContext, view: KpiParams) -> KpiQuery:
    """:func:`parse_query` and the drill-down's floor and shop, looked up in the signed-in store."""
    history_from = kpi_service.first_sales_day(session, staff.store_id)
    q = parse_query(
        staff,
        view.by,
        view.start,
        view.end,
        view.base_from,
        view.base_to,
        view.sort,
        view.order or "desc",
        history_from,
        grain=view.grain,
        compare=view.compare,
    )
    floor, shop = view.floor, view.shop
    the_floor = premises_service.get_floor_by_code(session, staff.store_id, floor) if floor else None
    the_shop = premises_service.get_shop(session, staff.store_id, shop) if shop is not None else None
    if staff.shop_id is not None:  # a tenant sees their own shop whatever the link says
        the_shop, the_floor = None, None
    by = "month" if the_shop is not None else q.view
    return replace(
        q,
        view=by,
        floor=the_floor if by == "shop" else None,
        shop=the_shop,
        closed=view.closed == "1",
        top=view.top if view.top in TOP_CHOICES else 0,
    )


def page_context(
    session: Session,
    staff: StaffContext,
    q: KpiQuery,
    rows: list[KpiRow],
    locale: str,
    *,
    all_rows: list[KpiRow] | None = None,
    before: dict[str, KpiRow] | None = None,
) -> dict[str, Any]:
    """The table, the chart and the notes under them."""
    one_shop = q.shop is not None or staff.shop_id is not None  # entrances count the store, not a shop
    name = row_name(q.view, locale, q.grain, place_names(session, staff.store_id, q.view, locale))
    columns = kpi_view.columns_for("shop" if one_shop else q.view)
    incomplete = any(row.baseline_incomplete for row in rows)
    places = shop_places(session, staff, q, locale)
    table = kpi_view.table_rows(rows, columns, name_of=name, locale=locale)
    spec = chart_spec(
        rows, name, q.view, locale, footfall=not one_shop, before=before, compare=q.compare, grain=q.grain
    )
    return {
        "views": VIEWS,
        "grains": GRAINS,
        "period_heads": PERIOD_HEADS,
        "compares": COMPARES,
        "error": None,
        "q": q,
        "columns": columns,
        "rows": [
            (row, drill_link(q, kpi_row, places, hours=not one_shop), places.get(kpi_row.key, ("", "", 0)))
            for row, kpi_row in zip(table, rows, strict=True)
        ],
        "totals": kpi_view.totals_row(all_rows or rows, columns) if len(rows) > 1 else None,
        "averages": kpi_view.averages_row(all_rows or rows, columns) if len(rows) > 1 else None,
        "any_gaps": any(row.gaps or row.baseline_gaps for row in rows),
        "any_partial": any(row.partial for row in rows),
        "chart": json_script(spec),
        # Horizontal bars for many shops: one 22 px band per shop keeps every name readable.
        "chart_height": 60 + 22 * min(len(rows), CHART_BARS) if q.view != "month" and len(rows) > 12 else None,
        "chart_cut": q.view != "month" and len(rows) > CHART_BARS,
        "chart_bars": CHART_BARS,
        "tenant": staff.shop_id is not None,
        "any_incomplete": incomplete,
        "history_from": kpi_service.first_sales_day(session, staff.store_id) if incomplete else None,
        "shop_label": shop_label(q.shop, locale) if q.shop is not None else "",
        "floor_label": floor_label(q.floor, locale) if q.floor is not None else "",
        "hours_link": None if one_shop else hours_link(q),
    }


def shop_label(shop: Shop, locale: str) -> str:
    return (shop.name_en or shop.name) if locale == "en" else shop.name


def floor_label(floor: Floor, locale: str) -> str:
    return (floor.name_en or floor.name) if locale == "en" else floor.name


def place_names(session: Session, store_id: int, view: str, locale: str) -> dict[str, str]:
    """Floor or shop code → its name in the locale: an English page shows the English name, or the code
    where none was given (never the Chinese name alone)."""
    if locale != "en" or view not in ("floor", "shop"):
        return {}
    if view == "floor":
        return {f.code: f.name_en or f.code for f in premises_service.list_floors(session, store_id)}
    return {s.code: s.name_en or s.code for s in premises_service.list_shops(session, store_id)}


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


def drill_link(q: KpiQuery, row: KpiRow, places: dict[str, tuple[str, str, int]], *, hours: bool = True) -> str | None:
    """Where a row leads: a floor to its shops, a shop to its months (its trend), a month or a week to its
    days, and a day to its hours (store-wide: the entrances count the store, not a shop)."""
    keep = {"from": q.period.from_text, "to": q.period.to_text}
    if q.view == "floor":
        return "/admin/kpi?" + urlencode({"by": "shop", "floor": row.key, **keep})
    if q.view == "shop" and row.key in places:
        return "/admin/kpi?" + urlencode({"by": "month", "shop": str(places[row.key][2]), **keep})
    if q.view != "month":
        return None
    shop = {"shop": str(q.shop.id)} if q.shop is not None else {}
    if q.grain == "day":
        return "/admin/kpi/hours?" + urlencode({"day": row.period}) if hours else None
    if q.grain == "week":
        first, last = week_days(row.period)
    else:
        first = date.fromisoformat(row.period + "-01")
        last = add_months(first, 1) - timedelta(days=1)
    first, last = max(first, q.period.first_day), min(last, q.period.last_day)
    return "/admin/kpi?" + urlencode(
        {"by": "month", "grain": "day", "from": first.isoformat(), "to": last.isoformat(), **shop}
    )


def hours_link(q: KpiQuery) -> str:
    """The hourly footfall of the view's last completed day."""
    day = min(q.end, q.today - timedelta(days=1))
    return "/admin/kpi/hours?" + urlencode({"day": day.isoformat()})


def _sort_url(q: KpiQuery, key: str) -> str:
    """The table header link: sort by ``key``, flipping the direction when it is already sorted by it."""
    current = q.sort or default_sort(q)
    order = "asc" if current == key and q.descending else "desc"
    return "/admin/kpi?" + urlencode({**q.params, "sort": key, "order": order})


# --- hourly footfall: one day beside the same weekday of the weeks before and a year before ---------

HOURS_READERS = (Role.admin, Role.manager, Role.marketing)  # entrances count the store: not a tenant's page
HoursReader = Annotated[StaffContext, Depends(require_role(*HOURS_READERS))]
WEEK_CHOICES = (1, 2, 4, 8)


@dataclass(frozen=True)
class HourRow:
    hour: str  # '10:00'
    people: int | None  # the day's count (None: no count that hour)
    average: int | None  # the same weekday's average over the weeks before
    growth: Any  # against that average
    last_year: int | None
    last_year_growth: Any


def _mean(values: list[int]) -> int | None:
    return round(sum(values) / len(values)) if values else None


def _change(now: int | None, base: int | None) -> Any:
    return growth(now / base - 1 if now is not None and base else None)


def hours_context(session: Session, staff: StaffContext, day: date, weeks: int, locale: str) -> dict[str, Any]:
    """The day's footfall hour by hour, the average of the same weekday over ``weeks`` weeks before, and
    the same weekday 52 weeks before; the chart draws each of those weeks as a line of its own."""
    earlier = [day - timedelta(days=7 * n) for n in range(1, weeks + 1)]
    year_before = day - timedelta(days=YEAR_IN_WEEKS)
    counts = footfall_service.hourly_in(session, staff.store_id, [day, *earlier, year_before], staff.store_timezone)
    hours = sorted({h for by_hour in counts.values() for h in by_hour})
    counted = [d for d in earlier if d in counts]  # weeks without counts are not averaged as zeros

    def at(d: date, h: int) -> int | None:
        return counts[d].get(h, 0) if d in counts else None

    rows = []
    for h in hours:
        now, average, before = at(day, h), _mean([counts[d].get(h, 0) for d in counted]), at(year_before, h)
        rows.append(HourRow(f"{h:02d}:00", now, average, _change(now, average), before, _change(now, before)))
    total_now = sum(counts[day].values()) if day in counts else None
    total_avg = _mean([sum(counts[d].values()) for d in counted])
    total_ly = sum(counts[year_before].values()) if year_before in counts else None
    total = HourRow(
        gettext("Day", locale),
        total_now,
        total_avg,
        _change(total_now, total_avg),
        total_ly,
        _change(total_now, total_ly),
    )
    labels = [f"{h:02d}:00" for h in hours]

    def line(d: date, name: str, **style: Any) -> dict[str, Any]:
        return {"name": name, "kind": "line", "axis": 0, "values": [at(d, h) for h in hours], **style}

    series = [
        {
            "name": f"{day:%m-%d} {weekday_name(day, locale)}",
            "kind": "bar",
            "axis": 0,
            "values": [at(day, h) for h in hours],
        }
    ]
    series += [line(d, f"{d:%m-%d}", thin=True) for d in counted]
    if counted:
        series.append(
            {
                "name": gettext("Average of %(n)s weeks before", locale) % {"n": len(counted)},
                "kind": "line",
                "axis": 0,
                "values": [r.average for r in rows],
            }
        )
    if year_before in counts:
        series.append(
            line(
                year_before,
                gettext("Same weekday last year (%(day)s)", locale) % {"day": year_before.isoformat()},
                dashed=True,
            )
        )
    return {
        "day": day,
        "weekday": weekday_name(day, locale),
        "weeks": weeks,
        "week_choices": WEEK_CHOICES,
        "earlier": earlier,
        "counted": counted,
        "year_before": year_before,
        "has_year_before": year_before in counts,
        "rows": rows,
        "total": total,
        "has_day": day in counts,
        "chart": json_script({"categories": labels, "series": series}),
        "days_link": "/admin/kpi?"
        + urlencode({"grain": "day", "from": (day - timedelta(days=27)).isoformat(), "to": day.isoformat()}),
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "prev_week": day - timedelta(days=7),
        "next_week": day + timedelta(days=7),
    }


@router.get("/kpi/hours", response_class=HTMLResponse)
def hours_page(
    request: Request,
    session: SessionDep,
    staff: HoursReader,
    day: Annotated[str | None, Query(max_length=20)] = None,
    weeks: Annotated[int, Query(ge=1, le=8)] = 4,
) -> HTMLResponse:
    """Footfall by hour of one day (the last completed day by default) beside the same weekday of the
    weeks before (this Monday against the last Mondays) and a year before."""
    locale = negotiate(request)
    today = business_day(utcnow(), staff.store_timezone)
    error = None
    chosen = today - timedelta(days=1)
    if day:
        try:
            chosen = date.fromisoformat(day)
            if len(day) != 10:
                raise ValueError(day)
        except ValueError:
            error = period_message(PeriodError("bad_day", name="day", text=day), locale)
            chosen = today - timedelta(days=1)
    chosen = min(chosen, today)
    context = hours_context(session, staff, chosen, weeks if weeks in WEEK_CHOICES else 4, locale)
    context |= {"error": error, "today": today}
    return render(request, "kpi/hours.html", context, staff=staff, status_code=400 if error else 200)
