"""Calendar arithmetic of the KPIs: months, overlaps, and day-weighted area and headcount."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from store.kpi.errors import PeriodError
from store.premises.models import Shop, StaffHeadcount

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str, *, name: str = "month") -> date:
    """The first day of a ``YYYY-MM`` month; PeriodError ``bad_month`` on anything else."""
    match = _MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise PeriodError("bad_month", name=name, text=text)
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_end(first: date) -> date:
    """The last day of the month that ``first`` lies in."""
    return next_month(first) - timedelta(days=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def add_months(first: date, count: int) -> date:
    """The first day of the month ``count`` months after (or before) ``first``'s month."""
    index = first.year * 12 + first.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months(start: date, end: date) -> list[date]:
    """First days of every month touching ``start``..``end``."""
    result, current = [], start.replace(day=1)
    while current <= end:
        result.append(current)
        current = next_month(current)
    return result


def overlap_days(start: date, end: date, other_start: date, other_end: date) -> int:
    """Days that two inclusive ranges share."""
    return max(0, (min(end, other_end) - max(start, other_start)).days + 1)


def trading_span(shop: Shop) -> tuple[date, date]:
    """First and last trading day of a shop (closed_on is its last day; open-ended → date.max)."""
    return shop.opened_on, shop.closed_on or date.max


def area_days(shops: Iterable[Shop], start: date, end: date) -> float:
    """Σ over the days of the range of the selling area trading that day (m²·days)."""
    return sum(shop.selling_area_m2 * overlap_days(start, end, *trading_span(shop)) for shop in shops)


def staff_days(
    entries: Sequence[StaffHeadcount], shops: Iterable[Shop], start: date, end: date, *, store_staff: bool
) -> float:
    """Σ over the days of the range of the headcount (people·days).

    Headcount is a step function per shop (and for the store's own staff, shop None); a shop's staff
    count only while it trades, as ``premises_service.headcount_on`` counts them.
    """
    spans: dict[int | None, tuple[date, date]] = {shop.id: trading_span(shop) for shop in shops}
    if store_staff:
        spans[None] = (date.min, date.max)
    steps: dict[int | None, list[StaffHeadcount]] = defaultdict(list)
    for entry in entries:
        if entry.shop_id in spans:
            steps[entry.shop_id].append(entry)
    total = 0
    for key, rows in steps.items():
        rows.sort(key=lambda e: e.effective_on)
        lo, hi = max(start, spans[key][0]), min(end, spans[key][1])
        for index, entry in enumerate(rows):
            until = rows[index + 1].effective_on - timedelta(days=1) if index + 1 < len(rows) else date.max
            total += entry.headcount * overlap_days(lo, hi, entry.effective_on, until)
    return float(total)


def same_day_last_year(day: date) -> date:
    """The same calendar day a year before (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
