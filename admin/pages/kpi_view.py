"""Turning KPI rows into what the KPI pages show: whole-period rows per key, growth, sorting, table cells."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from admin.i18n import N_
from admin.pages.formats import Growth, growth, number, share, yuan
from store.kpi.schemas import KpiRow


def _ratio(numerator: float, denominator: float) -> int | None:
    return round(numerator / denominator) if denominator > 0 else None


def _per_day_growth(now: float | None, now_days: int, base: float | None, base_days: int) -> float | None:
    """Growth of a per-day rate, as the KPI service compares periods of different lengths."""
    if now is None or base is None or base <= 0 or now_days <= 0 or base_days <= 0:
        return None
    return round((now / now_days) / (base / base_days) - 1, 4)


def combine(rows: Sequence[KpiRow]) -> KpiRow:
    """One key's monthly rows folded into one row of the whole period.

    The same sums the KPI service makes for one bucket: revenue and orders add up, area and staff are
    day-weighted averages, 坪效 and 人效 divide the period's revenue by them.
    """
    first = rows[0]
    days = sum(r.days for r in rows)
    revenue, orders = sum(r.revenue_fen for r in rows), sum(r.orders for r in rows)
    area = sum(r.selling_area_m2 * r.days for r in rows) / days
    staff = sum(r.staff * r.days for r in rows) / days
    footfall = None if any(r.footfall is None for r in rows) else sum(r.footfall or 0 for r in rows)
    period = first.period if len(rows) == 1 else f"{first.period}..{rows[-1].period}"
    return KpiRow(
        period=period, key=first.key, label=first.label, days=days, partial=any(r.partial for r in rows),
        revenue_fen=revenue, orders=orders, avg_ticket_fen=_ratio(revenue, orders),
        footfall=footfall, conversion=round(orders / footfall, 4) if footfall else None,
        selling_area_m2=round(area, 2), staff=round(staff, 2),
        sales_per_m2_fen=_ratio(revenue, area), sales_per_staff_fen=_ratio(revenue, staff),
    )


def with_growth(row: KpiRow, base: KpiRow | None) -> KpiRow:
    """``row`` with its growth fields filled against ``base`` (amounts compared per day)."""
    if base is None:
        return row
    changes = {
        f"{name}_growth": _per_day_growth(getattr(row, attr), row.days, getattr(base, attr), base.days)
        for name, attr in (("revenue", "revenue_fen"), ("orders", "orders"), ("footfall", "footfall"),
                           ("sales_per_m2", "sales_per_m2_fen"), ("sales_per_staff", "sales_per_staff_fen"))
    }
    changes["avg_ticket_growth"] = _per_day_growth(row.avg_ticket_fen, 1, base.avg_ticket_fen, 1)
    changes["conversion_growth"] = _per_day_growth(row.conversion, 1, base.conversion, 1)
    return row.model_copy(update=changes)


def per_key(rows: Sequence[KpiRow]) -> list[KpiRow]:
    """Monthly rows of many keys → one whole-period row per key, in the service's key order."""
    grouped: dict[str, list[KpiRow]] = {}
    for row in rows:
        grouped.setdefault(row.key, []).append(row)
    return [combine(group) for group in grouped.values()]


def matched_growth(rows: Sequence[KpiRow], baseline: Sequence[KpiRow], *, by_period: bool) -> list[KpiRow]:
    """Each row against its baseline row: the same key, or (by month) the month at the same position."""
    if by_period:
        return [with_growth(row, baseline[i] if i < len(baseline) else None) for i, row in enumerate(rows)]
    base = {row.key: row for row in baseline}
    return [with_growth(row, base.get(row.key)) for row in rows]


# --- table columns ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str  # the KpiRow field; also the ?sort= value
    label: str  # English message id
    show: Callable[[Any], str]
    growth: str | None = None  # the growth field shown under the value


COLUMNS: tuple[Column, ...] = (
    Column("revenue_fen", N_("Revenue"), yuan, "revenue_growth"),
    Column("orders", N_("Orders"), number, "orders_growth"),
    Column("avg_ticket_fen", N_("Average ticket"), yuan, "avg_ticket_growth"),
    Column("footfall", N_("Footfall"), number, "footfall_growth"),
    Column("conversion", N_("Conversion"), share, "conversion_growth"),
    Column("selling_area_m2", N_("Selling area m²"), lambda v: number(v, decimals=0)),
    Column("staff", N_("Staff"), lambda v: number(v, decimals=1)),
    Column("sales_per_m2_fen", N_("Sales per m² (坪效)"), yuan, "sales_per_m2_growth"),
    Column("sales_per_staff_fen", N_("Sales per staff (人效)"), yuan, "sales_per_staff_growth"),
)
SORT_KEYS = {"label", "period"} | {c.key for c in COLUMNS}


@dataclass(frozen=True)
class Cell:
    text: str
    growth: Growth | None


@dataclass(frozen=True)
class TableRow:
    name: str
    cells: tuple[Cell, ...]


def sort_rows(rows: list[KpiRow], sort: str | None, descending: bool) -> list[KpiRow]:
    """Sort by one column; rows without a value go last whichever the direction."""
    if not sort or sort not in SORT_KEYS:
        return rows
    present = [r for r in rows if getattr(r, sort) is not None]
    missing = [r for r in rows if getattr(r, sort) is None]
    return sorted(present, key=lambda r: getattr(r, sort), reverse=descending) + missing


STORE_ONLY = {"footfall", "conversion"}  # counted at the entrances: no figure per floor, shop or category


def columns_for(view: str) -> tuple[Column, ...]:
    """The columns that have figures in this view."""
    return COLUMNS if view == "month" else tuple(c for c in COLUMNS if c.key not in STORE_ONLY)


def table_rows(rows: Sequence[KpiRow], columns: Sequence[Column], *, name_of: Callable[[KpiRow], str]
               ) -> list[TableRow]:
    """Formatted cells of every row, with its growth under each value."""
    return [
        TableRow(name_of(row), tuple(
            Cell(c.show(getattr(row, c.key)), growth(getattr(row, c.growth)) if c.growth else None)
            for c in columns
        ))
        for row in rows
    ]


def yuan_value(fen: int | None) -> float | None:
    """Fen as a float of yuan for charts (never for tables or files)."""
    return None if fen is None else round(fen / 100, 2)
