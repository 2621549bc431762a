"""KPI API: revenue, orders, footfall, conversion, 坪效 and 人效 per day or month, and the dashboard.

All staff read; tenant staff see only their own shop (``kpi_service.series_for`` / ``dashboard_for``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from store.auth.deps import CurrentStaff
from store.db import SessionDep
from store.kpi import service as kpi_service
from store.kpi.errors import PeriodError
from store.kpi.schemas import Dashboard, Grain, GroupBy, KpiSeries
from store.wire import Day

router = APIRouter(prefix="/kpi", tags=["kpi"])
MAX_DAYS = 400


@router.get("/series", response_model=KpiSeries, responses={400: {}})
def read_series(
    session: SessionDep,
    who: CurrentStaff,
    start: Day,
    end: Day,
    grain: Grain = Grain.day,
    by: GroupBy = GroupBy.store,
    baseline_start: Annotated[Day | None, Query()] = None,
    baseline_end: Annotated[Day | None, Query()] = None,
) -> KpiSeries:
    """KPIs per day or month, for the store or per floor, shop or category, with growth against a baseline."""
    if (baseline_start is None) != (baseline_end is None):
        raise PeriodError("both_baseline_ends")
    if grain == Grain.day and (end - start).days > MAX_DAYS:
        raise PeriodError("too_many_days", limit=MAX_DAYS)
    baseline = (baseline_start, baseline_end) if baseline_start and baseline_end else None
    rows = kpi_service.series_for(session, who, start=start, end=end, grain=grain, by=by, baseline=baseline)
    return KpiSeries(
        start=start, end=end, grain=grain, by=by, baseline_start=baseline_start, baseline_end=baseline_end, rows=rows
    )


@router.get("/dashboard", response_model=Dashboard)
def read_dashboard(session: SessionDep, who: CurrentStaff, today: Day | None = None) -> Dashboard:
    """Today and month to date beside the same days last year (tenant staff: their own shop)."""
    return kpi_service.dashboard_for(session, who, today=today)
