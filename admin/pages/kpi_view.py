"""Turning KPI rows into what the KPI pages show: columns, sorting and table cells.

Every figure, growth included, comes from the KPI service (``kpi_service.series``); this module only
formats and orders them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from admin.i18n import N_, gettext
from admin.pages.formats import Growth, growth, number, share, yuan
from store import formats
from store.kpi.schemas import Coverage, KpiRow

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
    Column("staff", N_("Staff"), lambda v: number(v, decimals=0)),  # people, not 907.9
    Column("sales_per_m2_fen", N_("Sales per m² (坪效)"), yuan, "sales_per_m2_growth"),
    Column("sales_per_staff_fen", N_("Sales per staff (人效)"), yuan, "sales_per_staff_growth"),
)
SORT_KEYS = {"label", "period"} | {c.key for c in COLUMNS}


@dataclass(frozen=True)
class Cell:
    text: str
    growth: Growth | None
    note: str = ""  # why the value is "—": how many days its data covers
    growth_note: str = ""  # why the growth is "—": how many days of the baseline its data covers


# The figure whose own data backs each column (a "—" there says how many days it covers).
COVERED_BY = {
    "footfall": "footfall",
    "conversion": "footfall",
    "sales_per_m2_fen": "sales_per_m2",
    "sales_per_staff_fen": "sales_per_staff",
}
SOURCE_NAMES = {
    "revenue": N_("sales"),
    "footfall": N_("footfall"),
    "sales_per_m2": N_("selling area"),
    "sales_per_staff": N_("headcount"),
}


def coverage_text(gap: Coverage, locale: str, *, baseline: bool = False) -> str:
    """'footfall on 20 of 30 days', or 'baseline: footfall on 31 of 365 days', in the page's language."""
    text = (
        N_("baseline: %(figure)s on %(days)s of %(of)s days")
        if baseline
        else N_("%(figure)s on %(days)s of %(of)s days")
    )
    figure = gettext(SOURCE_NAMES[gap.figure], locale)
    return gettext(text, locale) % {"figure": figure, "days": f"{gap.days:,}", "of": f"{gap.of:,}"}


def _notes(row: KpiRow, column: Column, locale: str) -> tuple[str, str]:
    figure = COVERED_BY.get(column.key)
    own = next((g for g in row.gaps if g.figure == figure), None)
    # A baseline outside the sales history is flagged once on the row ("baseline incomplete"), not per cell.
    base = None if row.baseline_incomplete else next((g for g in row.baseline_gaps if g.figure == figure), None)
    note = coverage_text(own, locale) if own is not None and getattr(row, column.key) is None else ""
    growth_note = coverage_text(base, locale, baseline=True) if base is not None and column.growth else ""
    return note, growth_note


@dataclass(frozen=True)
class TableRow:
    name: str
    cells: tuple[Cell, ...]
    incomplete: bool = False  # the baseline is not fully covered by the store's history: no growth


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


def table_rows(
    rows: Sequence[KpiRow], columns: Sequence[Column], *, name_of: Callable[[KpiRow], str], locale: str = "zh_CN"
) -> list[TableRow]:
    """Formatted cells of every row, with its growth under each value, and why a "—" is a dash."""
    return [
        TableRow(
            name_of(row),
            tuple(
                Cell(
                    c.show(getattr(row, c.key)),
                    growth(getattr(row, c.growth)) if c.growth else None,
                    *_notes(row, c, locale),
                )
                for c in columns
            ),
            incomplete=row.baseline_incomplete,
        )
        for row in rows
    ]


def by_revenue(rows: Sequence[KpiRow]) -> list[KpiRow]:
    """Largest revenue first (a breakdown chart's bars, whatever the table's order)."""
    return sorted(rows, key=lambda r: r.revenue_fen, reverse=True)


def yuan_value(fen: int | None) -> float | None:
    """Fen as a float of yuan for charts (never for tables or files), rounded as store.formats rounds."""
    amount = formats.yuan_amount(fen)
    return None if amount is None else float(amount)


def totals_row(rows: Sequence[KpiRow], columns: Sequence[Column]) -> tuple[Cell, ...]:
    """The table's total: revenue, orders and footfall added up; ticket, conversion, 坪效 and 人效 of the sums
    (a dash where a row lacks its figure, rather than a total of the rows that have one). Area and staff
    are added up across floors, shops or categories, and averaged per day across periods (rows with a
    ``period`` of their own: days, weeks, months), since a month's 800 m² and the next month's are the
    same 800 m²."""
    revenue = sum(r.revenue_fen for r in rows)
    orders = sum(r.orders for r in rows)
    over_time = len({r.period for r in rows}) == len(rows) and len(rows) > 0 and len({r.key for r in rows}) == 1
    days = sum(r.days for r in rows)
    if over_time and days:
        area = sum(r.selling_area_m2 * r.days for r in rows) / days
        staff = sum(r.staff * r.days for r in rows) / days
    else:
        area = sum(r.selling_area_m2 for r in rows)
        staff = sum(r.staff for r in rows)
    complete = {
        key: all(getattr(r, key) is not None for r in rows)
        for key in ("sales_per_m2_fen", "sales_per_staff_fen", "footfall")
    }
    footfall = sum(r.footfall or 0 for r in rows) if complete["footfall"] else None
    values: dict[str, Any] = {
        "revenue_fen": revenue,
        "orders": orders,
        "avg_ticket_fen": round(revenue / orders) if orders else None,
        "footfall": footfall,
        "conversion": round(orders / footfall, 4) if footfall else None,
        "selling_area_m2": area,
        "staff": staff,
        "sales_per_m2_fen": round(revenue / area) if area and complete["sales_per_m2_fen"] else None,
        "sales_per_staff_fen": round(revenue / staff) if staff and complete["sales_per_staff_fen"] else None,
    }
    return tuple(Cell(c.show(values.get(c.key)), None) for c in columns)


def averages_row(rows: Sequence[KpiRow], columns: Sequence[Column]) -> tuple[Cell, ...]:
    """The average row: each column's mean over the rows (a dash where a row lacks the figure)."""
    cells = []
    for c in columns:
        values = [getattr(r, c.key) for r in rows]
        if not values or any(v is None for v in values):
            cells.append(Cell(c.show(None), None))
            continue
        mean = sum(values) / len(values)
        cells.append(Cell(c.show(mean if c.key in ("conversion", "selling_area_m2", "staff") else round(mean)), None))
    return tuple(cells)
