"""仪表盘 The dashboard: today and this month so far beside last year, and the last 30 days as a chart.

M2 运营分析管理: the footfall and sales figures a manager reads every morning. Growth arrows come from
the KPI service, which gives them for completed days only (today's cards show the day so far, no arrow)
and never against a last year the store's history does not cover (the card shows "—" instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from admin.deps import StaffContext, require_role
from admin.i18n import N_, gettext, negotiate
from admin.pages.formats import Growth, growth, number, share, yuan, yuan_short
from admin.pages.kpi import json_script
from admin.pages.kpi_view import yuan_value
from admin.render import render
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.kpi import service as kpi_service
from store.kpi.periods import same_day_last_year
from store.kpi.schemas import Dashboard, KpiRow

router = APIRouter(prefix="/admin", include_in_schema=False)

DASHBOARD_READERS = (Role.admin, Role.manager, Role.marketing, Role.tenant)
DashboardReader = Annotated[StaffContext, Depends(require_role(*DASHBOARD_READERS))]
CHART_DAYS = 30

# (label, KpiRow field, formatter, growth field); money is shortened on the cards (exact in the title).
METRICS: tuple[tuple[str, str, Any, str], ...] = (
    (N_("Revenue"), "revenue_fen", yuan, "revenue_growth"),
    (N_("Orders"), "orders", number, "orders_growth"),
    (N_("Footfall"), "footfall", number, "footfall_growth"),
    (N_("Conversion"), "conversion", share, "conversion_growth"),
    (N_("Sales per m² (坪效)"), "sales_per_m2_fen", yuan, "sales_per_m2_growth"),
    (N_("Sales per staff (人效)"), "sales_per_staff_fen", yuan, "sales_per_staff_growth"),
)
LONG_FIGURE = 10  # characters: a longer figure gets the smaller type so it stays on one line


@dataclass(frozen=True)
class Figure:
    text: str  # as shown: '¥1,249.18万'
    exact: str  # the title: '¥12,491,784.80'

    @property
    def long(self) -> bool:
        return len(self.text) > LONG_FIGURE


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    value: Figure
    last_year: Figure
    growth: Growth | None  # None: no arrow (the day is not over yet)


def _figure(show: Any, value: Any, locale: str) -> Figure:
    exact = show(value)
    return Figure(yuan_short(value, locale) if show is yuan else exact, exact)


def cards(row: KpiRow, last_year: KpiRow, locale: str, *, compared: bool = True) -> list[Card]:
    """One card per metric: this period, the same days last year, and the growth arrow.

    Last year's figure is a dash when the store's history does not cover it in full."""
    missing = Figure("—", "—")
    return [
        Card(
            field,
            label,
            _figure(show, getattr(row, field), locale),
            missing if row.baseline_incomplete else _figure(show, getattr(last_year, field), locale),
            growth(getattr(row, change)) if compared else None,
        )
        for label, field, show, change in METRICS
    ]


def trend_chart(rows: list[KpiRow], locale: str, last_year: dict[str, KpiRow] | None = None) -> dict[str, Any]:
    """Daily revenue bars and footfall line of the last 30 completed days, and last year's revenue on the
    same days as a line (``last_year``: by this year's day; a day outside the history has no point)."""
    series: list[dict[str, Any]] = [
        {
            "name": gettext("Revenue (¥)", locale),
            "kind": "bar",
            "axis": 0,
            "values": [yuan_value(row.revenue_fen) for row in rows],
        },
        {"name": gettext("Footfall", locale), "kind": "line", "axis": 1, "values": [row.footfall for row in rows]},
    ]
    if last_year is not None:
        before = [last_year.get(row.period) for row in rows]
        series.append(
            {
                "name": gettext("Revenue last year (¥)", locale),
                "kind": "line",
                "axis": 0,
                "dashed": True,
                "values": [yuan_value(r.revenue_fen) if r is not None else None for r in before],
            }
        )
    return {"categories": [row.period[5:] for row in rows], "series": series}  # "03-14": the year is in the heading


def dashboard_context(session: SessionDep, staff: StaffContext, today: date, locale: str) -> dict[str, Any]:
    """The cards of today and month to date, and the 30-day chart (tenants: their shop only)."""
    board = kpi_service.dashboard(session, staff.store_id, today=today, shop_id=staff.shop_id)
    # Completed days only: today's unfinished day would plot as a dive to zero.
    first, last = today - timedelta(days=CHART_DAYS), today - timedelta(days=1)
    trend = kpi_service.series(
        session, staff.store_id, start=first, end=last, grain="day", by="store", shop_id=staff.shop_id
    )
    history = kpi_service.first_sales_day(session, staff.store_id)
    ly_first, ly_last = same_day_last_year(first), same_day_last_year(last)
    last_year: dict[str, KpiRow] = {}
    if history is not None and ly_last >= history:
        before = kpi_service.series(
            session, staff.store_id, start=ly_first, end=ly_last, grain="day", by="store", shop_id=staff.shop_id
        )
        by_day = {row.period: row for row in before if date.fromisoformat(row.period) >= history}
        for row in trend:
            match = by_day.get(same_day_last_year(date.fromisoformat(row.period)).isoformat())
            if match is not None:
                last_year[row.period] = match
    return {
        "today": today,
        "month_start": today.replace(day=1),
        "day_done": board.compared_through == today,
        "compared_through": board.compared_through,
        "day_cards": cards(board.day, board.day_last_year, locale, compared=board.compared_through == today),
        "month_cards": cards(board.month_to_date, board.month_to_date_last_year, locale),
        "incomplete": _incomplete(board),
        "chart": json_script(trend_chart(trend, locale, last_year)),
        "chart_from": first,
        "chart_to": last,
        "tenant": staff.shop_id is not None,
    }


def _incomplete(board: Dashboard) -> bool:
    return board.day.baseline_incomplete or board.month_to_date.baseline_incomplete


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, session: SessionDep, staff: DashboardReader) -> HTMLResponse:
    """Today and month to date against last year, with the last 30 days."""
    today = business_day(utcnow(), staff.store_timezone)
    context = dashboard_context(session, staff, today, negotiate(request))
    return render(request, "dashboard/dashboard.html", context, staff=staff)
