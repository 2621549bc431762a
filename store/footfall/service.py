"""Footfall logic: counts per entrance and interval (a resent interval replaces, never adds), occupancy.

Store footfall (B1 客流量, and the KPI denominator of conversion) is the sum of ``count_in`` over entrance zones, so
counts are accepted for entrance zones only; occupancy may be measured in any zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store.clock import business_day, utcnow
from store.footfall.errors import BadCounts, CountsRace
from store.footfall.models import FootfallCount, FootfallOccupancy
from store.footfall.schemas import CountsRecorded, FootfallBatch, FootfallCountRead, IntervalIn, OccupancyBatch
from store.kpi import service as kpi_service
from store.premises import service as premises_service
from store.premises.models import ZoneKind

# Camera clocks drift a little; an interval ending this far ahead of the server is still complete.
CLOCK_SKEW = timedelta(minutes=1)


def _summary(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)


def _interval_errors(i: int, item: IntervalIn, entrances: set[int], now: datetime) -> list[dict[str, Any]]:
    loc: list[str | int] = ["intervals", i]
    errors = []
    if item.zone_id not in entrances:
        errors.append({"loc": [*loc, "zone_id"], "msg": f"zone {item.zone_id} is not an entrance of this store"})
    if not 1 <= item.interval_minutes <= 60:
        errors.append({"loc": [*loc, "interval_minutes"], "msg": f"must be 1..60, got {item.interval_minutes}"})
    for name in ("count_in", "count_out"):
        if getattr(item, name) < 0:
            errors.append({"loc": [*loc, name], "msg": f"must not be negative, got {getattr(item, name)}"})
    end = item.interval_start + timedelta(minutes=max(item.interval_minutes, 1))
    if end > now + CLOCK_SKEW:
        errors.append({"loc": [*loc, "interval_start"], "msg": f"interval ends in the future ({end.isoformat()})"})
    return errors


def _validate(session: Session, store_id: int, data: FootfallBatch) -> None:
    entrances: set[int] = {z.id for z in premises_service.list_zones(session, store_id, kind=ZoneKind.entrance)}  # type: ignore[misc]
    now = utcnow()
    errors = []
    seen: set[tuple[int, datetime]] = set()
    for i, item in enumerate(data.intervals):
        errors += _interval_errors(i, item, entrances, now)
        key = (item.zone_id, item.interval_start)
        if key in seen:
            errors.append({"loc": ["intervals", i], "msg": "the same zone and interval appear twice in this batch"})
        seen.add(key)
    if errors:
        raise BadCounts(_summary(errors), errors=errors)


def _record(
    session: Session, store_id: int, data: FootfallBatch, device_id: int | None
) -> tuple[list[FootfallCount], int]:
    _validate(session, store_id, data)
    timezone = premises_service.get_store(session, store_id).timezone
    starts = {item.interval_start for item in data.intervals}
    zones = {item.zone_id for item in data.intervals}
    existing = {
        (row.zone_id, row.interval_start): row
        for row in session.exec(
            select(FootfallCount).where(
                FootfallCount.store_id == store_id,
                col(FootfallCount.zone_id).in_(zones),
                col(FootfallCount.interval_start).in_(starts),
            )
        )
    }
    delta_by_day: dict[date, int] = defaultdict(int)
    rows, replaced = [], 0
    now = utcnow()
    for item in data.intervals:
        row = existing.get((item.zone_id, item.interval_start))
        if row is None:
            row = FootfallCount(
                store_id=store_id, business_on=business_day(item.interval_start, timezone), **item.model_dump()
            )
            session.add(row)
            delta_by_day[row.business_on] += item.count_in
        else:
            replaced += 1
            delta_by_day[row.business_on] += item.count_in - row.count_in
            row.interval_minutes, row.count_in, row.count_out = item.interval_minutes, item.count_in, item.count_out
        row.device_id, row.received_at = device_id, now
        rows.append(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise CountsRace("another camera node posted the same interval at the same moment: resend") from None
    for day, delta in sorted(delta_by_day.items()):
        if delta:
            kpi_service.apply_footfall(session, store_id, day, delta)
    return rows, replaced


def record_counts(
    session: Session, store_id: int, data: FootfallBatch, *, device_id: int | None = None
) -> list[FootfallCount]:
    """Store a batch of intervals: new ones are added, resent ones replace the earlier count."""
    return _record(session, store_id, data, device_id)[0]


def record_batch(
    session: Session, store_id: int, data: FootfallBatch, *, device_id: int | None = None
) -> CountsRecorded:
    """``record_counts`` answering how many intervals were new and how many replaced earlier ones."""
    rows, replaced = _record(session, store_id, data, device_id)
    items = [FootfallCountRead.model_validate(row) for row in rows]
    return CountsRecorded(created=len(rows) - replaced, replaced=replaced, items=items)


def record_occupancy(
    session: Session, store_id: int, data: OccupancyBatch, *, device_id: int | None = None
) -> list[FootfallOccupancy]:
    """Store occupancy readings of any zone; a resent reading replaces the earlier one."""
    zones = {z.id for z in premises_service.list_zones(session, store_id)}
    now = utcnow()
    errors: list[dict[str, Any]] = []
    for i, reading in enumerate(data.readings):
        loc: list[str | int] = ["readings", i]
        if reading.zone_id not in zones:
            errors.append({"loc": [*loc, "zone_id"], "msg": f"zone {reading.zone_id} does not exist in this store"})
        if reading.people < 0:
            errors.append({"loc": [*loc, "people"], "msg": f"must not be negative, got {reading.people}"})
        if reading.measured_at > now + CLOCK_SKEW:
            errors.append({"loc": [*loc, "measured_at"], "msg": f"{reading.measured_at.isoformat()} is in the future"})
    if errors:
        raise BadCounts(_summary(errors), errors=errors)
    rows = []
    for reading in data.readings:
        row = session.exec(
            select(FootfallOccupancy).where(
                FootfallOccupancy.store_id == store_id,
                FootfallOccupancy.zone_id == reading.zone_id,
                FootfallOccupancy.measured_at == reading.measured_at,
            )
        ).first()
        if row is None:
            row = FootfallOccupancy(store_id=store_id, **reading.model_dump())
            session.add(row)
        row.people, row.device_id, row.received_at = reading.people, device_id, now
        rows.append(row)
    session.flush()
    return rows


def list_counts(
    session: Session,
    store_id: int,
    *,
    zone_id: int | None = None,
    day: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[FootfallCount], int]:
    """One page of intervals (newest first) and how many match."""
    query = select(FootfallCount).where(FootfallCount.store_id == store_id)
    if zone_id is not None:
        query = query.where(FootfallCount.zone_id == zone_id)
    if day is not None:
        query = query.where(FootfallCount.business_on == day)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = query.order_by(col(FootfallCount.interval_start).desc(), col(FootfallCount.zone_id)).limit(limit)
    return list(session.exec(page.offset(offset))), total


def daily_footfall(session: Session, store_id: int, start: date, end: date) -> dict[date, int]:
    """People in through the entrances per business day, ``start``..``end`` inclusive (raw rows)."""
    query = (
        select(col(FootfallCount.business_on), func.sum(FootfallCount.count_in))
        .where(FootfallCount.store_id == store_id, FootfallCount.business_on >= start, FootfallCount.business_on <= end)
        .group_by(col(FootfallCount.business_on))
    )
    return {day: int(total) for day, total in session.exec(query)}


def hourly_in(session: Session, store_id: int, days: Collection[date], timezone: str) -> dict[date, dict[int, int]]:
    """People in through the entrances per local hour of each business day in ``days``, all entrances
    together, summed in SQL per interval. Only counts of an hour or less are placed in an hour: a day
    imported as one daily total has no hours (it is left out rather than put at its opening hour)."""
    if not days:
        return {}
    zone = ZoneInfo(timezone)
    query = (
        select(
            col(FootfallCount.business_on),
            col(FootfallCount.interval_start),
            col(FootfallCount.interval_minutes),
            func.sum(FootfallCount.count_in),
        )
        .where(FootfallCount.store_id == store_id, col(FootfallCount.business_on).in_(list(days)))
        .group_by(
            col(FootfallCount.business_on), col(FootfallCount.interval_start), col(FootfallCount.interval_minutes)
        )
    )
    result: dict[date, dict[int, int]] = {}
    for day, start, minutes, people in session.exec(query):
        if minutes > 60:
            continue
        hour = start.astimezone(zone).hour
        hours = result.setdefault(day, {})
        hours[hour] = hours.get(hour, 0) + int(people or 0)
    return result
