"""Demo hook of parking: the demo store's underground car park (B2 and B3 below the B1 mall floor, reached by
the B1 地下车库入口 zone), two entry and two exit gates on one controller, 30 days of stays, cars in the car park
now (some placed by space sensors), member plates with same-day spend, QR payments and find-my-car lookups.

Deterministic from ``ctx.rng("parking")``; the stays are one set-based insert (no explicit ids).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from store.auth import service as auth_service
from store.auth.models import DeviceKind
from store.clock import utcnow
from store.members import service as members_service
from store.parking import fees
from store.parking import service as parking_service
from store.parking.models import Direction, ParkingLookup, ParkingSession
from store.premises import service as premises_service

DAYS = 30
PER_DAY = 240  # stays on an ordinary day at full scale
IN_LOT_NOW = 60
PAID_NOW = 12
ZONES = (
    ("B2-A", "B2 A区", "B2 zone A", "B2", 180, "出电梯右转，A区在东侧", "turn right out of the lift: zone A is east"),
    ("B2-B", "B2 B区", "B2 zone B", "B2", 160, "出电梯左转，B区在西侧", "turn left out of the lift: zone B is west"),
    ("B3-A", "B3 A区", "B3 zone A", "B3", 220, "乘电梯至B3，出电梯直行", "take the lift to B3, then straight on"),
)
LETTERS = "ABCDEFGHJKLMN"
CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _plate(rng: Any) -> str:
    province = rng.choice("沪沪沪沪沪苏浙皖")
    if rng.random() < 0.25:  # new energy: 8 characters
        return province + rng.choice(LETTERS) + rng.choice("DF") + rng.choice(CHARS) + f"{rng.randint(0, 9999):04d}"
    return province + rng.choice(LETTERS) + "".join(rng.choice(CHARS) for _ in range(4)) + rng.choice("0123456789")


def generate(ctx: Any) -> None:
    session, store_id, rng = ctx.session, ctx.store_id, ctx.rng("parking")
    store = premises_service.get_store(session, store_id)
    zone_tz = ZoneInfo(store.timezone)
    _key, device = auth_service.create_device(
        session, store_id=store_id, kind=DeviceKind.gate_controller, name="停车场道闸控制器"
    )
    zones = [
        parking_service.add_zone(
            session,
            store_id,
            code=code,
            name=zh,
            name_en=en,
            level=level,
            spaces=spaces,
            map_place="entrance:B1-PARK",
            lobby_hint=hint,
            lobby_hint_en=hint_en,
        )
        for code, zh, en, level, spaces, hint, hint_en in ZONES
    ]
    gates = [
        parking_service.add_gate(
            session,
            store_id,
            code=f"G-IN-{i}",
            name=f"{i}号入口",
            direction=Direction.entry,
            zone_id=z.id,
            device_id=device.id,
        )
        for i, z in ((1, zones[0]), (2, zones[2]))
    ] + [
        parking_service.add_gate(
            session, store_id, code=f"G-OUT-{i}", name=f"{i}号出口", direction=Direction.exit, device_id=device.id
        )
        for i in (1, 2)
    ]
    rule = fees.FeeRule()
    now = utcnow()
    rows: list[dict[str, Any]] = []
    lookups: list[dict[str, Any]] = []
    for back in range(DAYS, 0, -1):
        day = ctx.end_on - timedelta(days=back - 1)
        n = max(1, int(PER_DAY * ctx.options.scale * ctx.calendar.factor(day)))
        opens = datetime.combine(day, time(10, 0), tzinfo=zone_tz).astimezone(UTC)
        for _ in range(n):
            entered = opens + timedelta(seconds=rng.randint(0, 10 * 3600))
            stay_s = int(rng.lognormvariate(8.6, 0.6))  # median about 1.5 h
            gate = rng.choice(gates[:2])
            fee = fees.charge(rule, stay_s)
            paid_at = entered + timedelta(seconds=max(0, stay_s - rng.randint(60, 600))) if fee else None
            rows.append(
                {
                    "store_id": store_id,
                    "plate": _plate(rng),
                    "entered_at": entered,
                    "entry_gate_id": gate.id,
                    "zone_id": gate.zone_id,
                    "space": "",
                    "exited_at": entered + timedelta(seconds=stay_s),
                    "exit_gate_id": rng.choice(gates[2:]).id,
                    "paid_fen": fee,
                    "paid_at": paid_at,
                    "member_id": None,
                }
            )
        for _ in range(max(1, n // 12)):
            at = opens + timedelta(seconds=rng.randint(0, 10 * 3600))
            lookups.append({"store_id": store_id, "at": at, "channel": rng.choice(("kiosk", "phone")), "found": True})
    if rows:
        session.execute(insert(ParkingSession.__table__), rows)  # type: ignore[attr-defined]
    if lookups:
        session.execute(insert(ParkingLookup.__table__), lookups)  # type: ignore[attr-defined]
    _in_lot_now(ctx, session, store_id, gates, zones, now, rng)
    ctx.echo(f"demo: parking    {len(rows):,} stays over {DAYS} days, {IN_LOT_NOW} cars in the car park now")


def _in_lot_now(
    ctx: Any, session: Any, store_id: int, gates: list[Any], zones: list[Any], now: datetime, rng: Any
) -> None:
    """Cars in the car park now through the real gate path; some bound to members, some placed, some paid."""
    seen: set[str] = set()
    members = members_service.snapshot_members(session, store_id, after_id=0, limit=10)
    for i in range(IN_LOT_NOW):
        plate = _plate(rng)
        while plate in seen:
            plate = _plate(rng)
        seen.add(plate)
        gate = gates[i % 2]
        result = parking_service.record_gate_event(
            session,
            store_id,
            gate_code=gate.code,
            direction=Direction.entry,
            raw_plate=plate,
            at=now - timedelta(minutes=rng.randint(5, 300)),
            event_key=f"demo-{i}",
        )
        zone = next(z for z in zones if z.id == gate.zone_id)
        if i % 3 == 0:
            parking_service.record_space(
                session, store_id, zone_code=zone.code, space=f"{rng.randint(1, zone.spaces):03d}", raw_plate=plate
            )
        if i < len(members):
            parking_service.bind_plate(session, store_id, members[i].id, plate)  # type: ignore[arg-type]
        if i < PAID_NOW and result.session_id is not None:
            stay = parking_service.get_session(session, store_id, result.session_id)
            owed = parking_service.quote(session, stay, now=now).owed_fen
            if owed > 0:
                stay_id: int = stay.id  # type: ignore[assignment]
                method = rng.choice(("wechat", "alipay"))
                parking_service.pay(session, store_id, stay_id, expected_fen=owed, method=method)
