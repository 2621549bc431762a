"""Wire contract of the KPI API: one row of figures per period and key, and the dashboard."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel


class Grain(StrEnum):
    day = "day"
    month = "month"
    total = "total"  # one period: the whole range


class GroupBy(StrEnum):
    store = "store"
    floor = "floor"
    shop = "shop"
    category = "category"


class KpiRow(BaseModel):
    """The KPIs of one period (a day or a month) for one key (the store, a floor, shop or category).

    Money in fen. ``revenue_fen`` is net of refunds (a refund counts on its own business day).
    ``selling_area_m2`` and ``staff`` are day-weighted averages over the period; a month cut short by
    the requested range (or by today) has ``partial`` set and ``days`` below the month's length.
    """

    period: str  # "2026-03" or "2026-03-14"
    key: str  # "store", a floor code, a shop code or a category code
    label: str
    days: int
    partial: bool = False
    revenue_fen: int
    orders: int
    avg_ticket_fen: int | None  # 客单价: revenue / orders
    footfall: int | None  # None below store level: cameras count entrances, not shops
    conversion: float | None  # orders / footfall
    selling_area_m2: float
    staff: float
    sales_per_m2_fen: int | None  # 坪效 B3
    sales_per_staff_fen: int | None  # 人效 B4
    # Growth against the baseline period (None without a baseline or a zero baseline); amounts that
    # grow with the length of a period are compared per day, so a month compares with a year fairly.
    revenue_growth: float | None = None
    orders_growth: float | None = None
    avg_ticket_growth: float | None = None
    footfall_growth: float | None = None
    conversion_growth: float | None = None
    sales_per_m2_growth: float | None = None
    sales_per_staff_growth: float | None = None
    # The baseline holds days before the store's first sales or after today: no growth is given, as
    # comparing with a half-recorded month would mislead (the page shows "baseline incomplete").
    baseline_incomplete: bool = False


class KpiSeries(BaseModel):
    start: date
    end: date
    grain: Grain
    by: GroupBy
    baseline_start: date | None = None
    baseline_end: date | None = None
    rows: list[KpiRow]


class Dashboard(BaseModel):
    """Today and month to date, each beside the same days last year (growth filled against them).

    Growth covers completed days only: ``compared_through`` is the last day it covers (today once the
    day is over, else yesterday; None while no day of the month is over), and ``month_to_date_last_year``
    runs to the same day a year before.
    """

    today: date
    day: KpiRow
    day_last_year: KpiRow
    month_to_date: KpiRow
    month_to_date_last_year: KpiRow
    compared_through: date | None = None
