"""Wire contract of the KPI API: one row of figures per period and key, and the dashboard."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class Grain(StrEnum):
    day = "day"
    week = "week"  # Monday to Sunday, named by its ISO week (2026-W05)
    month = "month"
    total = "total"  # one period: the whole range


class GroupBy(StrEnum):
    store = "store"
    floor = "floor"
    shop = "shop"
    category = "category"


CoverageFigure = Literal["revenue", "footfall", "sales_per_m2", "sales_per_staff"]


class Coverage(BaseModel):
    """How many days of a period a figure's own data covers, where it is fewer than all.

    ``revenue``: days inside the store's sales history (from its first sale to today); ``footfall``: days
    with entrance counts; ``sales_per_m2``: days every trading shop has a selling-area record;
    ``sales_per_staff``: days every trading shop (and the store's own staff, if the store records them) has
    a headcount record."""

    figure: CoverageFigure
    days: int
    of: int


class KpiRow(BaseModel):
    """The KPIs of one period (a day or a month) for one key (the store, a floor, shop or category).

    Money in fen. ``revenue_fen`` is net of refunds (a refund counts on its own business day).
    ``selling_area_m2`` and ``staff`` are day-weighted averages over the period; a month cut short by
    the requested range (or by today) has ``partial`` set and ``days`` below the month's length.
    A figure whose own data does not cover every day (footfall, 坪效, 人效) is None, never a zero, and
    ``gaps`` says how many days are covered; figures are exact inside and rounded only here.
    """

    period: str  # "2026-03" or "2026-03-14"
    key: str  # "store", a floor code, a shop code or a category code
    label: str
    days: int
    partial: bool = False
    revenue_fen: int
    orders: int
    avg_ticket_fen: int | None  # 客单价: revenue / orders
    footfall: int | None  # None below store level (cameras count entrances, not shops) or with days uncounted
    conversion: float | None  # orders / footfall
    selling_area_m2: float
    staff: float
    sales_per_m2_fen: int | None  # 坪效 B3; None unless every trading shop has an area on record each day
    sales_per_staff_fen: int | None  # 人效 B4; None unless the headcount is on record each day
    gaps: list[Coverage] = Field(default_factory=list)  # this row's figures its data does not cover in full
    # Growth against the baseline period (None without a baseline or a zero baseline); amounts that
    # grow with the length of a period are compared per day, so a month compares with a year fairly.
    # Computed from exact fractions (never from the rounded figures above) and not rounded.
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
    # The baseline's figures that their own data does not cover in full: their growth is None.
    baseline_gaps: list[Coverage] = Field(default_factory=list)


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
