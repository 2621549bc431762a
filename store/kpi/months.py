"""One whole month of the store's KPIs as B1–B4 compare them: exact figures and the days each is covered.

A figure whose own data does not cover every day of the month is None, never a zero: footfall needs a
count on each day, 坪效 an area record for every shop trading each day, 人效 a headcount record for the
trading shops (and the store's own staff, once it records them) each day, and all that divides revenue
needs the day inside the store's sales history. ``covered`` says how many days each source does cover,
so a report can say "footfall on 31 of 365 days" instead of averaging in zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

# The B1–B4 figures and the data each one needs, by source: (source, label zh, label en).
SOURCES: dict[str, tuple[str, ...]] = {
    "footfall": ("footfall",),
    "revenue_fen": ("revenue",),
    "sales_per_m2_fen": ("revenue", "area"),
    "sales_per_staff_fen": ("revenue", "staff"),
}
SOURCE_LABELS: dict[str, tuple[str, str]] = {
    "revenue": ("销售记录", "sales"),
    "footfall": ("客流计数", "footfall"),
    "area": ("营业面积记录", "selling area"),
    "staff": ("员工人数记录", "headcount"),
}


@dataclass(frozen=True)
class MonthlyKpi:
    """The KPIs behind B1–B4 for one month, exact (round only to show them)."""

    month: str  # "2026-03"
    days: int
    revenue_fen: int  # net of refunds, as recorded
    orders: int
    footfall: int | None  # None unless counted on every day
    selling_area_m2: Fraction  # day-weighted average of the areas on record
    staff: Fraction  # day-weighted average of the headcount on record
    sales_per_m2_fen: Fraction | None  # 坪效; None unless sales history and area records cover every day
    sales_per_staff_fen: Fraction | None  # 人效; None unless sales history and headcount cover every day
    revenue_days: int  # days inside the store's sales history (from its first sale to today)
    footfall_days: int  # days with counts
    area_days: int  # days every trading shop has an area record
    staff_days: int  # days every trading shop (and the store's own staff, if recorded) have a headcount record

    def covered(self, source: str) -> int:
        """Days of the month that ``source`` (revenue, footfall, area, staff) covers."""
        return {
            "revenue": self.revenue_days,
            "footfall": self.footfall_days,
            "area": self.area_days,
            "staff": self.staff_days,
        }[source]

    def value(self, field: str) -> Fraction | None:
        """A B1–B4 figure exactly, or None where its data does not cover the whole month."""
        if any(self.covered(source) < self.days for source in SOURCES[field]):
            return None
        value = getattr(self, field)
        return None if value is None else Fraction(value)
