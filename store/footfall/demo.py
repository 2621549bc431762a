"""Demo hook of footfall: 15-minute counts at every entrance during opening hours, matching sales.

Daily footfall = the day's orders / a conversion of about 12–18%, so conversion stays in the 10–20% band
and the smart-upgrade uplift of sales shows in footfall too. Deterministic from ``ctx.rng("footfall")``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from store.clock import day_bounds_utc, utcnow
from store.footfall import rollups
from store.footfall.models import FootfallCount, FootfallOccupancy
from store.premises import service as premises_service
from store.premises.models import ZoneKind

INTERVAL = 15  # minutes
BATCH = 20_000
# Arrivals per local hour (share of the day); people leave about 90 minutes later.
ARRIVALS = {10: 6, 11: 8, 12: 9, 13: 9, 14: 10, 15: 10, 16: 9, 17: 9, 18: 10, 19: 10, 20: 7, 21: 3, 22: 1}
STAY_INTERVALS = 6
ORDERS_WITHOUT_SALES = 1100  # a day's orders at scale 1.0, used when the sales hook did not run
OCCUPANCY_DAYS = 14  # hourly occupancy of the atriums for the last two weeks


def _day_orders(ctx: Any) -> dict[date, int]:
    known = ctx.shared.get("sales", {}).get("orders_by_day")
    if known:
        return dict(known)
    return {day: round(ORDERS_WITHOUT_SALES * ctx.options.scale * ctx.calendar.factor(day)) for day in ctx.days()}


def _hours(session: Session, store_id: int) -> dict[int, tuple[time, time]]:
    rows = premises_service.list_opening_hours(session, store_id)
    hours = {row.weekday: (row.opens_at, row.closes_at) for row in rows}
    return {weekday: hours.get(weekday, (time(10), time(22))) for weekday in range(7)}


def _slots(opens_at: time, closes_at: time) -> tuple[list[int], list[float]]:
    """Minutes after midnight of each 15-minute interval while open, and the share of arrivals in it."""
    start = opens_at.hour * 60 + opens_at.minute
    end = closes_at.hour * 60 + closes_at.minute
    minutes = list(range(start, end, INTERVAL))
    weights = [ARRIVALS.get(m // 60, 1) for m in minutes]
    total = sum(weights)
    return minutes, [w / total for w in weights]


def _entrance_day(
    rng: random.Random, zone_id: int, people: float, midnight: datetime, day: date, slots: tuple[list[int], list[float]]
) -> list[dict[str, Any]]:
    minutes, shares = slots
    noisy = [share * rng.uniform(0.8, 1.2) for share in shares]
    total, scale = round(people), 1.0 / sum(noisy)
    # Cumulative rounding: the intervals add up to the day's total even when it is small.
    marks = [round(total * scale * c) for c in accumulate(noisy)]
    ins = [b - a for a, b in zip([0, *marks], marks, strict=False)]
    outs = [0] * len(ins)
    for i, n in enumerate(ins):  # everyone who came in leaves, about an hour and a half later
        outs[min(i + STAY_INTERVALS + rng.randint(-2, 2), len(ins) - 1)] += n
    return [
        {
            "store_id": None,
            "zone_id": zone_id,
            "interval_start": midnight + timedelta(minutes=m),
            "interval_minutes": INTERVAL,
            "business_on": day,
            "count_in": n_in,
            "count_out": n_out,
            "device_id": None,
            "received_at": midnight + timedelta(minutes=m + INTERVAL),
        }
        for m, n_in, n_out in zip(minutes, ins, outs, strict=True)
    ]


def _occupancy(rng: random.Random, ctx: Any, atriums: list[int], tz: str) -> list[dict[str, Any]]:
    rows = []
    for day in ctx.days()[-OCCUPANCY_DAYS:]:
        midnight = day_bounds_utc(day, tz)[0]
        for zone_id in atriums:
            for hour in range(10, 22):
                people = round(ARRIVALS.get(hour, 1) * 12 * ctx.calendar.factor(day) * rng.uniform(0.7, 1.3))
                at = midnight + timedelta(hours=hour, minutes=30)
                rows.append(
                    {
                        "store_id": ctx.store_id,
                        "zone_id": zone_id,
                        "measured_at": at,
                        "people": people,
                        "device_id": None,
                        "received_at": at,
                    }
                )
    return rows


def generate(ctx: Any) -> None:
    """Create footfall counts per entrance and interval, and recent occupancy of the atriums."""
    session, rng = ctx.session, ctx.rng("footfall")
    entrances: list[int] = [z.id for z in premises_service.list_zones(session, ctx.store_id, kind=ZoneKind.entrance)]  # type: ignore[misc]
    if not entrances:
        ctx.echo("demo: footfall   no entrance zones, no footfall")
        return
    tz = premises_service.get_store(session, ctx.store_id).timezone
    hours = _hours(session, ctx.store_id)
    slots = {weekday: _slots(*hours[weekday]) for weekday in range(7)}
    split = [rng.uniform(0.5, 1.5) for _ in entrances]  # some doors are busier than others
    split = [w / sum(split) for w in split]
    conn, rows, written, total_in = session.connection(), [], 0, 0
    for day, orders in sorted(_day_orders(ctx).items()):
        people = orders / rng.uniform(0.12, 0.18)
        midnight = day_bounds_utc(day, tz)[0]
        for zone_id, share in zip(entrances, split, strict=True):
            rows += _entrance_day(rng, zone_id, people * share, midnight, day, slots[day.weekday()])
        if len(rows) >= BATCH:
            written, total_in = written + len(rows), total_in + _insert(conn, ctx.store_id, rows)
            rows = []
    written, total_in = written + len(rows), total_in + _insert(conn, ctx.store_id, rows)
    atriums: list[int] = [z.id for z in premises_service.list_zones(session, ctx.store_id, kind=ZoneKind.atrium)]  # type: ignore[misc]
    occupancy = [r for r in _occupancy(rng, ctx, atriums, tz) if r["measured_at"] <= utcnow()]
    if occupancy:
        conn.execute(insert(FootfallOccupancy.__table__), occupancy)  # type: ignore[attr-defined]
    rollups.rebuild(session, ctx.store_id)  # the counts were bulk-inserted without their rollups
    ctx.echo(
        f"demo: footfall   {written:,} intervals at {len(entrances)} entrances, {total_in:,} people in, "
        f"{len(occupancy):,} occupancy readings"
    )


def _insert(conn: Any, store_id: int, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    for row in rows:
        row["store_id"] = store_id
    conn.execute(insert(FootfallCount.__table__), rows)  # type: ignore[attr-defined]
    return sum(row["count_in"] for row in rows)
