"""仪表盘 The dashboard: today and this month so far beside last year, and the last 30 days as a chart.

M2 运营分析管理: the footfall and sales figures a manager reads every morning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from admin.deps import StaffContext, require_role
from admin.i18n import N_, gettext, negotiate
from admin.pages.formats import Growth, growth, number, share, yuan
from admin.pages.kpi import json_script
from admin.pages.kpi_view import yuan_value
from admin.render import render
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.kpi import service as kpi_service
from store.kpi.schemas import KpiRow

router = APIRouter(prefix="/admin", include_in_schema=False)

DASHBOARD_READERS = (Role.admin, Role.manager, Role.marketing, Role.tenant)
DashboardReader = Annotated[StaffContext, Depends(require_role(*DASHBOARD_READERS))]
CHART_DAYS = 30

# (label, KpiRow field, formatter, growth field)
METRICS: tuple[tuple[str, str, Any, str], ...] = (
    (N_("Revenue"), "revenue_fen", yuan, "revenue_growth"),
    (N_("Orders"), "orders", number, "orders_growth"),
    (N_("Footfall"), "footfall", number, "footfall_growth"),
    (N_("Conversion"), "conversion", share, "conversion_growth"),
    (N_("Sales per m² (坪效)"), "sales_per_m2_fen", yuan, "sales_per_m2_growth"),
    (N_("Sales per staff (人效)"), "sales_per_staff_fen", yuan, "sales_per_staff_growth"),
)


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    value: str
    last_year: str
    growth: Growth


def cards(row: KpiRow, last_year: KpiRow) -> list[Card]:
    """One card per metric: this period, the same days last year, and the growth arrow."""
    return [
        Card(field, label, show(getattr(row, field)), show(getattr(last_year, field)), growth(getattr(row, change)))
        for label, field, show, change in METRICS
    ]


def trend_chart(rows: list[KpiRow], locale: str) -> dict[str, Any]:
    """Daily revenue bars and footfall line of the last 30 days."""
    return {
        "categories": [row.period[5:] for row in rows],  # "03-14": the year is in the heading
        "series": [
            {"name": gettext("Revenue (¥)", locale), "kind": "bar", "axis": 0,
             "values": [yuan_value(row.revenue_fen) for row in rows]},
            {"name": gettext("Footfall", locale), "kind": "line", "axis": 1,
             "values": [row.footfall for row in rows]},
        ],
    }


def dashboard_context(session: SessionDep, staff: StaffContext, today: date, locale: str) -> dict[str, Any]:
    """The cards of today and month to date, and the 30-day chart (tenants: their shop only)."""
    board = kpi_service.dashboard(session, staff.store_id, today=today, shop_id=staff.shop_id)
    trend = kpi_service.series(session, staff.store_id, start=today - timedelta(days=CHART_DAYS - 1), end=today,
                               grain="day", by="store", shop_id=staff.shop_id)
    return {
        "today": today,
        "month_start": today.replace(day=1),
        "day_cards": cards(board.day, board.day_last_year),
        "month_cards": cards(board.month_to_date, board.month_to_date_last_year),
        "chart": json_script(trend_chart(trend, locale)),
        "tenant": staff.shop_id is not None,
    }


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, session: SessionDep, staff: DashboardReader) -> HTMLResponse:
    """Today and month to date against last year, with the last 30 days."""
    today = business_day(utcnow(), staff.store_timezone)
    context = dashboard_context(session, staff, today, negotiate(request))
    return render(request, "dashboard/dashboard.html", context, staff=staff)
