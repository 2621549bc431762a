"""Calendar arithmetic of the KPIs: months, overlaps, and day-weighted area and headcount, exact, with the
days their records cover."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from store.kpi.errors import PeriodError
from store.premises.models import Shop, ShopArea, StaffHeadcount

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


def exact(value: float | int) -> Fraction:
    """A stored number as an exact fraction; a float by its decimal text (80.5 m² is 161/2, 0.1 is 1/10)."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


@dataclass(frozen=True)
class Measure:
    """A day-weighted sum over a range (m²·days, people·days) and the days its records cover in full."""

    total: Fraction
    covered: int


Step = tuple[date, Fraction]  # a value that holds from a day until the next step
_DAY = timedelta(days=1)


def _weigh(
    steps: Sequence[Step], lo: date, hi: date, sums: dict[int, int] | None = None
) -> tuple[Fraction, tuple[date, date] | None]:
    """Σ value·days of a step function over lo..hi, and the days before its first step (uncovered).

    Exact, in integers: each value's numerator·days is added up per denominator in ``sums`` (areas like
    80.5 m² have a few denominators, headcounts none), and steps outside lo..hi are skipped, since the
    day-grain pages weigh thousands of these. With ``sums`` given the total is left there (and 0 returned)."""
    acc: dict[int, int] = {} if sums is None else sums
    count = len(steps)
    for index, (on, value) in enumerate(steps):
        if on > hi:
            break
        until = steps[index + 1][0] - _DAY if index + 1 < count else date.max
        if until < lo:
            continue
        days = (min(hi, until) - max(lo, on)).days + 1
        acc[value.denominator] = acc.get(value.denominator, 0) + value.numerator * days
    first = steps[0][0] if steps else date.max
    gap = (lo, min(hi, first - _DAY)) if first > lo else None
    return (_total(acc) if sums is None else Fraction(0)), gap


def _total(sums: dict[int, int]) -> Fraction:
    return sum((Fraction(numerator, denominator) for denominator, numerator in sums.items()), Fraction(0))


def _union_days(gaps: Iterable[tuple[date, date]]) -> int:
    """Days in the union of inclusive ranges."""
    days, reach = 0, date.min
    for lo, hi in sorted(gaps):
        lo = max(lo, reach)
        if hi >= lo:
            days += (hi - lo).days + 1
            reach = hi + timedelta(days=1)
    return days


def _measure(
    spans: dict[Any, tuple[date, date]], steps: Mapping[Any, Sequence[Step]], start: date, end: date
) -> Measure:
    sums: dict[int, int] = {}
    gaps = []
    for key, (opened, closed) in spans.items():
        lo, hi = max(start, opened), min(end, closed)
        if lo > hi:
            continue
        _, gap = _weigh(steps.get(key, ()), lo, hi, sums)
        if gap is not None:
            gaps.append(gap)
    return Measure(_total(sums), (end - start).days + 1 - _union_days(gaps))


def area_steps(shops: Iterable[Shop], records: Mapping[int, Sequence[ShopArea]]) -> dict[int | None, list[Step]]:
    """Each shop's area as steps; a shop without records has its one area from its opening day."""
    steps: dict[int | None, list[Step]] = {}
    for shop in shops:
        rows = records.get(shop.id or 0)
        if rows:
            steps[shop.id] = [(r.effective_on, exact(r.selling_area_m2)) for r in rows]
        else:
            steps[shop.id] = [(shop.opened_on, exact(shop.selling_area_m2))]
    return steps


def area_days(shops: Iterable[Shop], steps: Mapping[int | None, Sequence[Step]], start: date, end: date) -> Measure:
    """Σ over the days of the range of the selling area trading that day (m²·days), each shop's area as
    recorded for that day; a day is covered when every shop trading that day has an area on record."""
    return _measure({shop.id: trading_span(shop) for shop in shops}, steps, start, end)


def staff_steps(entries: Sequence[StaffHeadcount]) -> dict[int | None, list[Step]]:
    """Headcount as steps per shop (None: the store's own staff), by effective_on."""
    steps: dict[int | None, list[Step]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.effective_on):
        steps[entry.shop_id].append((entry.effective_on, Fraction(entry.headcount)))
    return dict(steps)


def staff_days(
    steps: Mapping[int | None, Sequence[Step]], shops: Iterable[Shop], start: date, end: date, *, store_staff: bool
) -> Measure:
    """Σ over the days of the range of the headcount (people·days).

    Headcount is a step function per shop (and for the store's own staff, shop None); a shop's staff
    count only while it trades, as ``premises_service.headcount_on`` counts them. A day is covered when
    every shop trading that day has a headcount on record (a shop with no record yet is unknown, not
    zero) and, for the whole store, when its own staff have one too, if the store records them at all
    (a store that never keeps its own staff's count is measured by its shops' staff).
    """
    spans: dict[int | None, tuple[date, date]] = {shop.id: trading_span(shop) for shop in shops}
    if store_staff and steps.get(None):
        spans[None] = (date.min, date.max)
    return _measure(spans, steps, start, end)


def same_day_last_year(day: date) -> date:
    """The same calendar day a year before (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
