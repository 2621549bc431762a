"""Time in one place: UTC for storage, the store's timezone for business days and months."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, timezone-aware in UTC."""
    return datetime.now(UTC)


def business_day(moment: datetime, tz: str) -> date:
    """The store's calendar day that ``moment`` (aware) falls on."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz)).date()


def day_bounds_utc(day: date, tz: str) -> tuple[datetime, datetime]:
    """The UTC instants where the store's business ``day`` starts and the next one starts."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def month_key(day: date) -> str:
    """``YYYY-MM`` of a business day."""
    return f"{day.year:04d}-{day.month:02d}"
