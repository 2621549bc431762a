"""Demo hook of rentals: a service desk and a power-bank cabinet with their assets, a charging station and a
vending machine (registered as facility devices), 30 days of rentals by demo members, two still out (one
overdue), and the devices' usage events sent through the facilities' own MQTT ingest. A few hundred rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from store.clock import utcnow
from store.facilities import ingest
from store.premises import service as premises_service
from store.rentals import service as rentals_service
from store.rentals.models import AssetKind, AssetStatus, Rental, RentalStatus, StationKind

DAYS = 30
STATIONS = (
    ("DESK-1F", "1F 服务台", "1F service desk", StationKind.rental, "1F 东门服务台 / east entrance desk"),
    ("CAB-B1", "B1 充电宝柜", "B1 power-bank cabinet", StationKind.rental, "B1 电梯厅 / lift lobby"),
    ("CHG-2F", "2F 手机充电站", "2F phone-charging station", StationKind.charging, "2F 休息区 / rest area"),
    ("VEND-1F", "1F 自动售货机", "1F vending machine", StationKind.vending, "1F 北门 / north entrance"),
)
# (code prefix, station, kind, how many, deposit fen, loan minutes)
ASSETS = (
    ("WC", "DESK-1F", AssetKind.wheelchair, 3, 0, 240),
    ("ST", "DESK-1F", AssetKind.stroller, 4, 0, 240),
    ("UM", "DESK-1F", AssetKind.umbrella, 8, 3000, 1440),
    ("PB", "CAB-B1", AssetKind.power_bank, 8, 9900, 240),
)


def generate(ctx: Any) -> None:
    if ctx.store_id is None or "members" not in ctx.shared:
        return
    session, store_id = ctx.session, ctx.store_id
    rng = ctx.rng("rentals")
    store = premises_service.get_store(session, store_id)
    tz = ZoneInfo(store.timezone)
    start = ctx.end_on - timedelta(days=DAYS - 1)
    stations = {
        code: rentals_service.create_station(
            session, store_id, code=code, name=name, name_en=en, kind=kind, location=where, installed_on=start
        )
        for code, name, en, kind, where in STATIONS
    }
    assets = [
        rentals_service.create_asset(
            session, store_id, code=f"{prefix}{i:02d}", station_code=st, kind=kind, deposit_fen=dep, loan_minutes=mins
        )
        for prefix, st, kind, n, dep, mins in ASSETS
        for i in range(1, n + 1)
    ]
    first, count = ctx.shared["members"]["first_id"], ctx.shared["members"]["count"]
    rows = []
    for offset in range(DAYS):
        day = start + timedelta(days=offset)
        for asset in rng.sample(assets, k=min(len(assets), rng.randint(2, 6))):
            at = datetime.combine(day, time(rng.randint(10, 20), rng.randint(0, 59)), tz).astimezone(UTC)
            back = at + timedelta(minutes=rng.randint(20, min(asset.loan_minutes, 300)))
            rows.append(_rental(store_id, asset, first + rng.randrange(count), at, back, rng.getrandbits(32)))
            asset.rentals += 1
    now = utcnow()
    for asset, rented_at in ((assets[0], now - timedelta(hours=6)), (assets[-1], now - timedelta(minutes=30))):
        rows.append(_rental(store_id, asset, first + rng.randrange(count), rented_at, None, rng.getrandbits(32)))
        asset.rentals += 1
        asset.status = AssetStatus.out
    session.add_all(rows)
    session.flush()
    rentals_service.check_overdue(session, now)
    _device_usage(ctx, store.code, [stations["CHG-2F"].code, stations["VEND-1F"].code], start, tz, rng)
    ctx.echo(f"rentals: {len(stations)} stations, {len(assets)} assets, {len(rows)} rentals")


def _rental(store_id: int, asset: Any, member_id: int, at: datetime, back: datetime | None, tag: int) -> Rental:
    return Rental(
        store_id=store_id,
        rental_no=f"R{at:%y%m%d}{tag:08X}",
        asset_id=asset.id,
        station_id=asset.station_id,
        member_id=member_id,
        status=RentalStatus.returned if back else RentalStatus.out,
        rented_at=at,
        due_at=at + timedelta(minutes=asset.loan_minutes),
        returned_at=back,
        return_station_id=asset.station_id if back else None,
        deposit_fen=0,  # the demo's history takes no deposits (no payment rows to fake)
    )


def _device_usage(ctx: Any, store_code: str, codes: list[str], start: Any, tz: ZoneInfo, rng: Any) -> None:
    """Usage events as the devices would send them, through the facilities' ingest (no table written here)."""
    messages = []
    for offset in range(DAYS):
        day = start + timedelta(days=offset)
        for code in codes:
            for _ in range(rng.randint(3, 9)):
                at = datetime.combine(day, time(rng.randint(10, 21), rng.randint(0, 59), rng.randint(0, 59)), tz)
                body = {"ts": at.isoformat(), "kind": "session", "duration_s": rng.randint(30, 1800)}
                messages.append(
                    ingest.Message(
                        ingest.topic(store_code, code, "usage"), json.dumps(body).encode(), at.astimezone(UTC)
                    )
                )
    ingest.store_batch(ctx.session, messages, now=utcnow())
