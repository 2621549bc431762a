"""The downsampled history: 15-minute and daily rollups of every metric, and the retention of raw rows.

Two paths give the same rows (``tests/facilities/test_rollups.py`` checks it on random data, as
``tests/kpi/test_incremental.py`` does for sales): ``add`` folds each batch of new raw readings into
the rollups as they are stored, ``rebuild`` recomputes a range of business days from the raw rows.
``apply_retention`` rebuilds the days whose raw rows are about to go before deleting them, and only
days that still have raw rows, so a rollup never loses a bucket whose raw data is already gone.

Retention: raw readings 90 days, 15-minute rollups 3 years, daily rollups forever.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, func, insert
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from store.clock import business_day, day_bounds_utc
from store.facilities.models import FacilityReading, FacilityRollup, RollupGrain

RAW_DAYS = 90
QUARTER_DAYS = 3 * 365 + 1  # 3 years, a leap day included
QUARTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Sample:
    device_id: int
    metric: str
    measured_at: datetime
    value: float


Key = tuple[int, str, str, datetime]  # device, metric, grain, bucket start
Agg = list[float]  # samples, total, minimum, maximum


def quarter_start(at: datetime) -> datetime:
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


def day_start(at: datetime, tz: str) -> datetime:
    return day_bounds_utc(business_day(at, tz), tz)[0]


def _fold(samples: Iterable[Sample], tz: str) -> dict[Key, Agg]:
    out: dict[Key, Agg] = {}
    for s in samples:
        for key in (
            (s.device_id, s.metric, RollupGrain.quarter.value, quarter_start(s.measured_at)),
            (s.device_id, s.metric, RollupGrain.day.value, day_start(s.measured_at, tz)),
        ):
            agg = out.get(key)
            if agg is None:
                out[key] = [1, s.value, s.value, s.value]
            else:
                agg[0] += 1
                agg[1] += s.value
                agg[2] = min(agg[2], s.value)
                agg[3] = max(agg[3], s.value)
    return out


def add(session: Session, store_id: int, tz: str, samples: Sequence[Sample]) -> None:
    """Fold newly stored raw readings into their rollups (incremental path): one range read, then Core
    executemany inserts and updates (no per-row ORM work)."""
    folded = _fold(samples, tz)
    if not folded:
        return
    table = FacilityRollup.__table__  # type: ignore[attr-defined]
    starts = [key[3] for key in folded]
    existing = {
        (d, m, str(g), b): (rid, n, total, low, high)
        for rid, d, m, g, b, n, total, low, high in session.execute(
            core_select(
                table.c.id,
                table.c.device_id,
                table.c.metric,
                table.c.grain,
                table.c.bucket_start,
                table.c.samples,
                table.c.total,
                table.c.minimum,
                table.c.maximum,
            ).where(
                table.c.device_id.in_({key[0] for key in folded}),
                table.c.bucket_start >= min(starts),
                table.c.bucket_start <= max(starts),
            )
        ).all()
    }
    new, changed = [], []
    for key, (n, total, low, high) in folded.items():
        row = existing.get(key)
        if row is None:
            device_id, metric, grain, bucket = key
            new.append(
                {
                    "store_id": store_id,
                    "device_id": device_id,
                    "metric": metric,
                    "grain": grain,
                    "bucket_start": bucket,
                    "samples": int(n),
                    "total": total,
                    "minimum": low,
                    "maximum": high,
                }
            )
        else:
            rid, n0, total0, low0, high0 = row
            changed.append(
                {"rid": rid, "n": n0 + int(n), "t": total0 + total, "lo": min(low0, low), "hi": max(high0, high)}
            )
    if new:
        session.execute(table.insert(), new)
    if changed:
        session.execute(
            table.update()
            .where(table.c.id == bindparam("rid"))
            .values(samples=bindparam("n"), total=bindparam("t"), minimum=bindparam("lo"), maximum=bindparam("hi")),
            changed,
        )


def rebuild(session: Session, store_id: int, tz: str, first: date, last: date) -> int:
    """Recompute both grains of the business days ``first``..``last`` from the raw rows; returns buckets written."""
    start, end = day_bounds_utc(first, tz)[0], day_bounds_utc(last, tz)[1]
    session.execute(
        delete(FacilityRollup).where(
            col(FacilityRollup.store_id) == store_id,
            col(FacilityRollup.bucket_start) >= start,
            col(FacilityRollup.bucket_start) < end,
        )
    )
    rows = session.exec(
        select(FacilityReading.device_id, FacilityReading.metric, FacilityReading.measured_at, FacilityReading.value)
        .where(
            col(FacilityReading.store_id) == store_id,
            col(FacilityReading.measured_at) >= start,
            col(FacilityReading.measured_at) < end,
        )
        .order_by(col(FacilityReading.id))
    ).all()
    folded = _fold((Sample(*row) for row in rows), tz)
    if folded:
        _insert(session, store_id, folded)
    session.flush()
    return len(folded)


def _insert(session: Session, store_id: int, folded: dict[Key, Agg]) -> None:
    session.execute(
        insert(FacilityRollup),
        [
            {
                "store_id": store_id,
                "device_id": d,
                "metric": m,
                "grain": g,
                "bucket_start": b,
                "samples": int(a[0]),
                "total": a[1],
                "minimum": a[2],
                "maximum": a[3],
            }
            for (d, m, g, b), a in folded.items()
        ],
    )


def apply_retention(session: Session, store_id: int, tz: str, today: date) -> tuple[int, int]:
    """Drop raw rows older than RAW_DAYS (after rebuilding their days' rollups) and 15-minute rollups older
    than QUARTER_DAYS; returns (raw rows deleted, 15-minute rollups deleted)."""
    raw_cut = day_bounds_utc(today - timedelta(days=RAW_DAYS), tz)[0]
    oldest = session.exec(
        select(func.min(FacilityReading.measured_at)).where(
            col(FacilityReading.store_id) == store_id, col(FacilityReading.measured_at) < raw_cut
        )
    ).one()
    raw_deleted = 0
    if oldest is not None:
        first = business_day(oldest, tz)
        rebuild(session, store_id, tz, first, today - timedelta(days=RAW_DAYS + 1))  # rollups first
        result = session.execute(
            delete(FacilityReading).where(
                col(FacilityReading.store_id) == store_id, col(FacilityReading.measured_at) < raw_cut
            )
        )
        raw_deleted = result.rowcount or 0  # type: ignore[attr-defined]
    quarter_cut = day_bounds_utc(today - timedelta(days=QUARTER_DAYS), tz)[0]
    result = session.execute(
        delete(FacilityRollup).where(
            col(FacilityRollup.store_id) == store_id,
            col(FacilityRollup.grain) == RollupGrain.quarter.value,
            col(FacilityRollup.bucket_start) < quarter_cut,
        )
    )
    session.flush()
    return raw_deleted, result.rowcount or 0  # type: ignore[attr-defined]
