"""The delivery promise, fixed when an order is placed: a per-store cut-off and the official working days.

- Placed on a working day (调休 make-up days included) before the store's cut-off: **same day**, due by
  the end of that day.
- Otherwise (after the cut-off, or on a weekend or official holiday): **next day**, due by the end of the
  next working day.
- A customer may ask for next day; asking for same day after the cut-off gets next day.

Every order also carries its next-day deadline (the end of the next working day after the day it was
placed): S7 即时送达's "next-day 100%" is measured against it, its "same-day share" against the first.
Deadlines are exclusive instants: delivered *before* ``promised_by`` keeps the promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from store import workdays
from store.clock import business_day, day_bounds_utc
from store.delivery.schemas import DeliveryLevel


@dataclass(frozen=True)
class Promise:
    level: DeliveryLevel
    placed_on: date
    promised_by: datetime
    next_day_by: datetime
    calendar_published: bool  # False: the year's official notice is not in the table (weekends only)


def make(placed_at: datetime, tz: str, cutoff: time, requested: DeliveryLevel | None = None) -> Promise:
    """The promise for an order placed at ``placed_at`` (aware) in a store of timezone ``tz``."""
    placed_on = business_day(placed_at, tz)
    local = placed_at.astimezone(ZoneInfo(tz)).time()
    same_day_possible = workdays.is_working_day(placed_on) and local < cutoff
    level = DeliveryLevel.same_day if same_day_possible else DeliveryLevel.next_day
    if requested == DeliveryLevel.next_day:
        level = DeliveryLevel.next_day
    return fixed(placed_at, tz, level)


def fixed(placed_at: datetime, tz: str, level: DeliveryLevel) -> Promise:
    """The deadlines of an order whose level is already known (imported history)."""
    placed_on = business_day(placed_at, tz)
    next_day = workdays.next_working_day(placed_on)
    next_day_by = day_bounds_utc(next_day, tz)[1]
    promised_by = day_bounds_utc(placed_on, tz)[1] if level == DeliveryLevel.same_day else next_day_by
    published = workdays.is_published(placed_on.year) and workdays.is_published(next_day.year)
    return Promise(level, placed_on, promised_by, next_day_by, published)
