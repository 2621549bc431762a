"""Demo hook of facilities: a device register on every floor, the last week of readings up to now (air
quality, energy meters with one meter swap, electrical monitors), usage events of the interactive
devices, one open CO₂ alert and a coverage survey of every zone.

Readings are generated in Python and written with set-based inserts; the meters' uses go through the
same ``meter.step`` as live ingestion, and the rollups are rebuilt from the raw rows at the end.
Deterministic from ``ctx.rng("facilities")`` (times are relative to now: the wall shows live devices).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from store.clock import business_day, utcnow
from store.facilities import meter, rollups
from store.facilities import service as facilities_service
from store.facilities.models import (
    AlertState,
    FacilityAlert,
    FacilityDevice,
    FacilityDeviceDay,
    FacilityKind,
    FacilityMeter,
    FacilityReading,
    FacilityUsage,
)
from store.premises import service as premises_service
from store.premises.models import ZoneKind

DAYS = 7
STEP = timedelta(minutes=15)
BATCH = 10_000
PER_FLOOR = (
    ("AQ", FacilityKind.air_quality, "海康威视"),
    ("EM", FacilityKind.energy_meter, "正泰"),
    ("EL", FacilityKind.electrical_monitor, "正泰"),
)
ONCE = (
    ("PC-1", FacilityKind.power_control, "正泰"),
    ("BC-1", FacilityKind.ip_broadcast, "ITC"),
    ("MIR-1", FacilityKind.fitting_mirror, "魔镜"),
    ("MUP-1", FacilityKind.makeup_mirror, "魔镜"),
    ("SHELF-1", FacilityKind.smart_shelf, "汉朔"),
    ("LED-1", FacilityKind.led_touch_screen, "视源"),
    ("CAM-1", FacilityKind.camera, "海康威视"),
    ("AP-1", FacilityKind.network, "华为"),
)


def _register(ctx: Any, start: date) -> list[FacilityDevice]:
    session, store_id = ctx.session, ctx.store_id
    zones = premises_service.list_zones(session, store_id)
    floors = {f.id: f for f in premises_service.list_floors(session, store_id)}
    by_floor: dict[int, Any] = {}
    for zone in zones:
        if zone.kind == ZoneKind.atrium or zone.floor_id not in by_floor:
            by_floor[zone.floor_id] = zone
    devices = []
    for floor_id, zone in sorted(by_floor.items(), key=lambda item: floors[item[0]].level):
        for prefix, kind, vendor in PER_FLOOR:
            code = f"{prefix}-{floors[floor_id].code}"
            devices.append(_device(ctx, code, kind, vendor, zone.id, start))
    first_zone = next(iter(by_floor.values()), None)
    for code, kind, vendor in ONCE:
        devices.append(_device(ctx, code, kind, vendor, first_zone.id if first_zone else None, start))
    return devices


def _device(ctx: Any, code: str, kind: FacilityKind, vendor: str, zone_id: int | None, start: date) -> FacilityDevice:
    return facilities_service.create_device(
        ctx.session, ctx.store_id, code=code, kind=kind, installed_on=start, zone_id=zone_id, vendor=vendor, name=code
    )


def _air(rng: Any, at: datetime, hour: float) -> dict[str, float]:
    busy = max(0.0, math.sin((hour - 9) / 13 * math.pi)) if 9 <= hour <= 22 else 0.0
    return {
        "co2_ppm": round(450 + 480 * busy + rng.uniform(-30, 30)),
        "temp_c": round(22 + 3 * busy + rng.uniform(-0.5, 0.5), 1),
        "pm25_ugm3": round(18 + 10 * busy + rng.uniform(-4, 4), 1),
    }


def generate(ctx: Any) -> None:
    """Devices, a week of readings up to now, usage events, an alert and the surveys."""
    if ctx.store_id is None:
        return
    session, rng = ctx.session, ctx.rng("facilities")
    store = premises_service.get_store(session, ctx.store_id)
    now = utcnow().replace(second=0, microsecond=0)
    now = now - timedelta(minutes=now.minute % 15)
    first = now - timedelta(days=DAYS)
    devices = _register(ctx, ctx.start_on)
    rows: list[dict[str, Any]] = []
    days: dict[tuple[int, date], int] = {}
    meters: dict[int, tuple[float, datetime] | None] = {}
    totals: dict[int, float] = {}
    at = first
    while at <= now:
        local_hour = (at.hour + 8) % 24 + at.minute / 60  # the demo store is in Asia/Shanghai
        for device in devices:
            assert device.id is not None
            values = _values(rng, device, at, local_hour, now, totals)
            for metric, value in values.items():
                rows.append(
                    {"store_id": store.id, "device_id": device.id, "metric": metric, "measured_at": at, "value": value}
                )
            if device.kind == FacilityKind.energy_meter:
                step = meter.step(meters.get(device.id), values["energy_kwh"], at)
                if step.reference is not None:
                    meters[device.id] = step.reference
                if step.use_kwh > 0:
                    rows.append(
                        {
                            "store_id": store.id,
                            "device_id": device.id,
                            "metric": "energy_use_kwh",
                            "measured_at": at,
                            "value": step.use_kwh,
                        }
                    )
            key = (device.id, business_day(at, store.timezone))
            days[key] = days.get(key, 0) + 1
        if len(rows) >= BATCH:
            session.execute(insert(FacilityReading), rows)
            rows = []
        at += STEP
    if rows:
        session.execute(insert(FacilityReading), rows)
    _finish(ctx, store, devices, days, meters, first, now)


def _values(
    rng: Any, device: FacilityDevice, at: datetime, hour: float, now: datetime, totals: dict[int, float]
) -> dict[str, float]:
    if device.kind == FacilityKind.air_quality:
        values = _air(rng, at, hour)
        if device.code.endswith("1F") and now - at <= timedelta(minutes=45):
            values["co2_ppm"] = 1180 + rng.randrange(0, 40)  # the ground floor is crowded right now
        return values
    if device.kind == FacilityKind.energy_meter:
        busy = 1.0 if 9 <= hour <= 22 else 0.25
        total = totals.get(device.id or 0, 20_000.0 + 5_000 * rng.random()) + busy * rng.uniform(18, 26)
        if device.code.endswith("2F") and at == now - timedelta(days=3):
            total = 1.5  # the 2F meter was swapped three days ago: a reset, not a day's use
        totals[device.id or 0] = total
        return {"energy_kwh": round(total, 2)}
    if device.kind == FacilityKind.electrical_monitor:
        return {"leak_ma": round(rng.uniform(2, 9), 1), "current_a": round(rng.uniform(80, 160), 1)}
    return {}


def _finish(
    ctx: Any,
    store: Any,
    devices: list[FacilityDevice],
    days: dict[tuple[int, date], int],
    meters: dict[int, tuple[float, datetime] | None],
    first: datetime,
    now: datetime,
) -> None:
    session, rng = ctx.session, ctx.rng("facilities-usage")
    usage = []
    for device in devices:
        device.last_heartbeat_at = now
        session.add(device)
        if device.kind in (FacilityKind.fitting_mirror, FacilityKind.makeup_mirror, FacilityKind.smart_shelf):
            kind = "interaction" if device.kind == FacilityKind.smart_shelf else "session"
            for day in range(DAYS):
                base = first + timedelta(days=day, hours=3)
                for minute in sorted(rng.sample(range(0, 11 * 60), 25)):
                    usage.append(
                        {
                            "store_id": store.id,
                            "device_id": device.id,
                            "kind": kind,
                            "started_at": base + timedelta(minutes=minute),
                            "duration_s": rng.randrange(20, 300),
                        }
                    )
    session.execute(insert(FacilityUsage), usage)
    session.execute(
        insert(FacilityDeviceDay),
        [{"device_id": d, "business_on": day, "store_id": store.id, "messages": n} for (d, day), n in days.items()],
    )
    session.execute(
        insert(FacilityMeter),
        [{"device_id": d, "total_kwh": ref[0], "read_at": ref[1]} for d, ref in meters.items() if ref is not None],
    )
    crowded = next((d for d in devices if d.kind == FacilityKind.air_quality), None)
    if crowded is not None:
        session.add(
            FacilityAlert(
                store_id=store.id,
                device_id=crowded.id,  # type: ignore[arg-type]
                rule="co2_ppm",
                state=AlertState.active,
                since_at=now - timedelta(minutes=45),
                raised_at=now - timedelta(minutes=30),
                peak=1219,
                limit=1000,
            )
        )
    today = business_day(now, store.timezone)
    rollups.rebuild(session, store.id, store.timezone, business_day(first, store.timezone), today)
    for zone in premises_service.list_zones(session, store.id):
        facilities_service.add_survey(
            session,
            store.id,
            zone_id=zone.id,  # type: ignore[arg-type]
            surveyed_on=today - timedelta(days=20),
            wifi_dbm=rng.randrange(-68, -52),
            wifi_mbps=float(rng.randrange(60, 180)),
            g5_dbm=rng.randrange(-99, -85),
            g5_mbps=float(rng.randrange(150, 600)),
            other_signal=True,
            recorded_by="demo",
            source="csv",
            today=today,
        )
    ctx.echo(
        f"demo: facilities {len(devices)} devices, {sum(days.values())} device-intervals, {len(usage)} usage events"
    )
