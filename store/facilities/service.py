"""The facilities domain's logic: the device register, live status (stale, never a live-looking last value),
alerts, commands with who sent them, coverage surveys, and the facts the F1, F5 and C3 evaluators read.

Functions take a ``Session`` and never commit (the caller's unit of work does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.clock import day_bounds_utc
from store.facilities import ingest, thresholds
from store.facilities.errors import BadDevice, BadSurvey, CommandNotSent, DeviceNotFound
from store.facilities.ingest import topic
from store.facilities.models import (
    AlertState,
    FacilityAlert,
    FacilityCommand,
    FacilityCommandAck,
    FacilityDevice,
    FacilityDeviceDay,
    FacilityIngestCount,
    FacilityKind,
    FacilityReading,
    FacilityRollup,
    FacilitySurvey,
    FacilityUsage,
    RollupGrain,
)
from store.premises import service as premises_service
from store.premises.models import Floor, Store, Zone
from store.scoping import get_in_store

COMMAND_ACTIONS = ("switch_on", "switch_off", "broadcast")


def get_device(session: Session, store_id: int, device_id: int) -> FacilityDevice:
    return get_in_store(session, FacilityDevice, device_id, store_id=store_id, not_found=DeviceNotFound, label="device")


def list_devices(session: Session, store_id: int, *, kind: FacilityKind | None = None) -> list[FacilityDevice]:
    query = select(FacilityDevice).where(col(FacilityDevice.store_id) == store_id)
    if kind is not None:
        query = query.where(col(FacilityDevice.kind) == kind.value)
    return list(session.exec(query.order_by(col(FacilityDevice.code))).all())


def create_device(
    session: Session,
    store_id: int,
    *,
    code: str,
    kind: FacilityKind,
    installed_on: date,
    zone_id: int | None = None,
    name: str = "",
    vendor: str = "",
    removed_on: date | None = None,
    stale_after_s: int = 900,
) -> FacilityDevice:
    if not code.strip() or "/" in code or "+" in code or "#" in code:
        raise BadDevice(f"device code {code!r} must be non-empty and free of '/', '+' and '#' (MQTT topics)")
    if removed_on is not None and removed_on < installed_on:
        raise BadDevice("removed_on is before installed_on")
    if zone_id is not None:
        zones = {z.id for z in premises_service.list_zones(session, store_id)}
        if zone_id not in zones:
            raise BadDevice(f"zone {zone_id} does not exist in this store")
    taken = session.exec(
        select(FacilityDevice.id).where(col(FacilityDevice.store_id) == store_id, col(FacilityDevice.code) == code)
    ).first()
    if taken is not None:
        raise BadDevice(f"device code {code!r} is already registered")
    device = FacilityDevice(
        store_id=store_id,
        code=code,
        kind=kind,
        installed_on=installed_on,
        zone_id=zone_id,
        name=name,
        vendor=vendor,
        removed_on=removed_on,
        stale_after_s=stale_after_s,
    )
    session.add(device)
    session.flush()
    return device


def is_stale(device: FacilityDevice, now: datetime) -> bool:
    """Silent for longer than its ``stale_after_s`` (or never heard from): its values are not live."""
    last = device.last_heartbeat_at
    return last is None or now - last > timedelta(seconds=device.stale_after_s)


@dataclass(frozen=True)
class DeviceStatus:
    device: FacilityDevice
    zone: str
    floor: str
    stale: bool
    latest: dict[str, tuple[float, datetime]]  # metric → (value, measured at); empty when stale


def status_wall(session: Session, store_id: int, now: datetime) -> list[DeviceStatus]:
    """Every device in service with its latest values; a stale device shows no value, only since when."""
    zones = {
        z.id: (z.code, f.code)
        for z, f in session.exec(
            select(Zone, Floor).join(Floor, col(Floor.id) == col(Zone.floor_id)).where(col(Zone.store_id) == store_id)
        ).all()
    }
    devices = [d for d in list_devices(session, store_id) if d.removed_on is None or d.removed_on > now.date()]
    latest: dict[int, dict[str, tuple[float, datetime]]] = {}
    live_ids = [d.id for d in devices if not is_stale(d, now)]
    if live_ids:
        newest = (
            select(FacilityReading.device_id, FacilityReading.metric, func.max(FacilityReading.measured_at).label("at"))
            .where(col(FacilityReading.device_id).in_(live_ids), col(FacilityReading.measured_at) <= now)
            .group_by(col(FacilityReading.device_id), col(FacilityReading.metric))
            .subquery()
        )
        rows = session.exec(
            select(FacilityReading.device_id, FacilityReading.metric, FacilityReading.value, newest.c.at).join(
                newest,
                (col(FacilityReading.device_id) == newest.c.device_id)
                & (col(FacilityReading.metric) == newest.c.metric)
                & (col(FacilityReading.measured_at) == newest.c.at),
            )
        ).all()
        for device_id, metric, value, at in rows:
            latest.setdefault(device_id, {})[metric] = (value, at)
    return [
        DeviceStatus(
            device=d,
            zone=zones.get(d.zone_id, ("", ""))[0],
            floor=zones.get(d.zone_id, ("", ""))[1],
            stale=is_stale(d, now),
            latest={} if is_stale(d, now) else latest.get(d.id or 0, {}),
        )
        for d in devices
    ]


def zones_with_live_devices(
    session: Session, store_id: int, now: datetime, kinds: tuple[FacilityKind, ...]
) -> set[int]:
    """Zones holding a device of one of ``kinds`` in service and live now (reported within its timeout)."""
    rows = session.exec(
        select(FacilityDevice).where(
            col(FacilityDevice.store_id) == store_id,
            col(FacilityDevice.kind).in_([k.value for k in kinds]),
            col(FacilityDevice.zone_id).is_not(None),
        )
    ).all()
    return {
        d.zone_id
        for d in rows
        if d.zone_id is not None and (d.removed_on is None or d.removed_on > now.date()) and not is_stale(d, now)
    }


def list_alerts(session: Session, store_id: int, *, open_only: bool = True, limit: int = 200) -> list[FacilityAlert]:
    query = select(FacilityAlert).where(col(FacilityAlert.store_id) == store_id)
    if open_only:
        query = query.where(col(FacilityAlert.state) == AlertState.active.value)
    return list(session.exec(query.order_by(col(FacilityAlert.since_at).desc()).limit(limit)).all())


def acknowledge_alert(session: Session, store_id: int, alert_id: int, *, by: str, now: datetime) -> FacilityAlert:
    alert = get_in_store(session, FacilityAlert, alert_id, store_id=store_id, not_found=DeviceNotFound, label="alert")
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = by, now
        session.add(alert)
        session.flush()
    return alert


def check_silent(session: Session, now: datetime) -> int:
    """Raise one 'silent' alert per device that stopped reporting (cleared by its next message)."""
    raised = 0
    open_silent = set(
        session.exec(
            select(FacilityAlert.device_id).where(
                col(FacilityAlert.rule) == thresholds.SILENT, col(FacilityAlert.state) == AlertState.active.value
            )
        ).all()
    )
    for device in session.exec(select(FacilityDevice).where(col(FacilityDevice.removed_on).is_(None))).all():
        if device.last_heartbeat_at is None or device.id in open_silent or not is_stale(device, now):
            continue  # a device never heard from is 'stale' on the wall, but not an alert storm on install day
        session.add(
            FacilityAlert(
                store_id=device.store_id,
                device_id=device.id,  # type: ignore[arg-type]
                rule=thresholds.SILENT,
                state=AlertState.active,
                since_at=device.last_heartbeat_at,
                raised_at=now,
            )
        )
        raised += 1
    session.flush()
    return raised


def check_unconfirmed(session: Session, now: datetime) -> int:
    """Raise one 'unconfirmed' alert per device with a command published but not confirmed (no ``ack``)
    within ``thresholds.COMMAND_ACK_TIMEOUT``; the device's next ack of its open commands clears it."""
    overdue = ingest.unconfirmed(session, now)
    if not overdue:
        return 0
    open_ids = set(
        session.exec(
            select(FacilityAlert.device_id).where(
                col(FacilityAlert.rule) == thresholds.UNCONFIRMED, col(FacilityAlert.state) == AlertState.active.value
            )
        ).all()
    )
    raised = 0
    for store_id, device_id, first_sent in overdue:
        if device_id in open_ids:
            continue
        session.add(
            FacilityAlert(
                store_id=store_id,
                device_id=device_id,
                rule=thresholds.UNCONFIRMED,
                state=AlertState.active,
                since_at=first_sent,
                raised_at=now,
            )
        )
        raised += 1
    session.flush()
    return raised


def recent_commands(
    session: Session, store_id: int, *, limit: int = 20
) -> list[tuple[FacilityCommand, FacilityCommandAck | None]]:
    """The latest commands, newest first, each with its device's answer (None: not confirmed yet)."""
    query = (
        select(FacilityCommand, FacilityCommandAck)
        .outerjoin(
            FacilityCommandAck,
            (col(FacilityCommandAck.device_id) == col(FacilityCommand.device_id))
            & (col(FacilityCommandAck.command_id) == col(FacilityCommand.id)),
        )
        .where(col(FacilityCommand.store_id) == store_id)
        .order_by(col(FacilityCommand.sent_at).desc(), col(FacilityCommand.id).desc())
        .limit(limit)
    )
    return [(command, ack) for command, ack in session.exec(query).all()]


Publisher = Callable[[str, bytes], None]  # (topic, payload): publishes with retain=False, QoS 1


def send_command(
    session: Session,
    store: Store,
    device_id: int,
    *,
    action: str,
    args: dict[str, Any],
    sent_by: str,
    publish: Publisher,
) -> tuple[FacilityCommand, CommandNotSent | None]:
    """Log the command with who sent it, then publish it (never retained). A broker that cannot be reached
    leaves the command logged as not published, with the error to report (the log is kept: the caller's
    unit of work commits it)."""
    import json

    assert store.id is not None
    device = get_device(session, store.id, device_id)
    if action not in COMMAND_ACTIONS:
        raise BadDevice(f"action must be one of {', '.join(COMMAND_ACTIONS)}")
    if device.kind not in (FacilityKind.power_control, FacilityKind.ip_broadcast):
        raise BadDevice(f"device {device.code} ({device.kind}) takes no commands")
    where = topic(store.code, device.code, ingest.OUTGOING)
    row = FacilityCommand(
        store_id=store.id, device_id=device_id, action=action, payload=args, topic=where, sent_by=sent_by
    )
    session.add(row)
    session.flush()
    body = json.dumps({"id": row.id, "action": action, "args": args}, ensure_ascii=False).encode()
    try:
        publish(where, body)
    except OSError as exc:
        return row, CommandNotSent(f"command {row.id} logged but not sent: {exc}")
    row.published = True
    session.add(row)
    session.flush()
    return row, None


def add_survey(
    session: Session,
    store_id: int,
    *,
    zone_id: int,
    surveyed_on: date,
    wifi_dbm: int | None,
    wifi_mbps: float | None,
    g5_dbm: int | None,
    g5_mbps: float | None,
    other_signal: bool,
    recorded_by: str,
    source: str = "admin",
    today: date,
) -> FacilitySurvey:
    if zone_id not in {z.id for z in premises_service.list_zones(session, store_id)}:
        raise BadSurvey(f"zone {zone_id} does not exist in this store")
    if surveyed_on > today:
        raise BadSurvey(f"surveyed_on {surveyed_on} is in the future")
    for name, dbm in (("wifi_dbm", wifi_dbm), ("g5_dbm", g5_dbm)):
        if dbm is not None and not -140 <= dbm <= 0:
            raise BadSurvey(f"{name} {dbm} must lie between -140 and 0 dBm")
    for name, mbps in (("wifi_mbps", wifi_mbps), ("g5_mbps", g5_mbps)):
        if mbps is not None and not 0 <= mbps <= 100_000:
            raise BadSurvey(f"{name} {mbps} must lie between 0 and 100000 Mbit/s")
    row = FacilitySurvey(
        store_id=store_id,
        zone_id=zone_id,
        surveyed_on=surveyed_on,
        wifi_dbm=wifi_dbm,
        wifi_mbps=wifi_mbps,
        g5_dbm=g5_dbm,
        g5_mbps=g5_mbps,
        other_signal=other_signal,
        source=source,
        recorded_by=recorded_by,
    )
    session.add(row)
    session.flush()
    return row


def latest_surveys(session: Session, store_id: int, *, until: date) -> dict[int, FacilitySurvey]:
    """The newest survey of every zone on or before ``until`` (a later entry of the same day wins)."""
    rows = session.exec(
        select(FacilitySurvey)
        .where(col(FacilitySurvey.store_id) == store_id, col(FacilitySurvey.surveyed_on) <= until)
        .order_by(col(FacilitySurvey.surveyed_on), col(FacilitySurvey.id))
    ).all()
    return {row.zone_id: row for row in rows}


def kinds_reporting(session: Session, store_id: int, first: date, last: date) -> dict[str, int]:
    """Device kind → devices that sent at least one message on a business day ``first``..``last``."""
    rows = session.exec(
        select(FacilityDevice.kind, func.count(func.distinct(FacilityDeviceDay.device_id)))
        .join(FacilityDevice, col(FacilityDevice.id) == col(FacilityDeviceDay.device_id))
        .where(
            col(FacilityDeviceDay.store_id) == store_id,
            col(FacilityDeviceDay.business_on) >= first,
            col(FacilityDeviceDay.business_on) <= last,
        )
        .group_by(col(FacilityDevice.kind))
    ).all()
    return {str(kind): n for kind, n in rows}


def usage_by_kind(session: Session, store_id: int, tz: str, first: date, last: date) -> dict[str, int]:
    """Device kind → usage events (sessions, interactions) in the business days ``first``..``last``."""
    start, end = day_bounds_utc(first, tz)[0], day_bounds_utc(last, tz)[1]
    rows = session.exec(
        select(FacilityDevice.kind, func.count(col(FacilityUsage.id)))
        .join(FacilityDevice, col(FacilityDevice.id) == col(FacilityUsage.device_id))
        .where(
            col(FacilityUsage.store_id) == store_id,
            col(FacilityUsage.started_at) >= start,
            col(FacilityUsage.started_at) < end,
        )
        .group_by(col(FacilityDevice.kind))
    ).all()
    return {str(kind): n for kind, n in rows}


def energy_per_floor(
    session: Session, store_id: int, tz: str, first: date, last: date
) -> dict[tuple[str, date], float]:
    """(floor code, business day) → kWh used, from the meters' daily rollups (resets and dips excluded)."""
    start, end = day_bounds_utc(first, tz)[0], day_bounds_utc(last, tz)[1]
    rows = session.exec(
        select(Floor.code, FacilityRollup.bucket_start, func.sum(FacilityRollup.total))
        .join(FacilityDevice, col(FacilityDevice.id) == col(FacilityRollup.device_id))
        .join(Zone, col(Zone.id) == col(FacilityDevice.zone_id))
        .join(Floor, col(Floor.id) == col(Zone.floor_id))
        .where(
            col(FacilityRollup.store_id) == store_id,
            col(FacilityRollup.metric) == "energy_use_kwh",
            col(FacilityRollup.grain) == RollupGrain.day.value,
            col(FacilityRollup.bucket_start) >= start,
            col(FacilityRollup.bucket_start) < end,
        )
        .group_by(col(Floor.code), col(FacilityRollup.bucket_start))
    ).all()
    from store.clock import business_day

    return {(floor, business_day(at, tz)): float(kwh) for floor, at, kwh in rows}


def ingest_counts(session: Session, first: date, last: date) -> dict[str, int]:
    rows = session.exec(
        select(FacilityIngestCount.outcome, func.sum(FacilityIngestCount.messages))
        .where(col(FacilityIngestCount.business_on) >= first, col(FacilityIngestCount.business_on) <= last)
        .group_by(col(FacilityIngestCount.outcome))
    ).all()
    return {outcome: int(n) for outcome, n in rows}


def messages_since(session: Session, store_id: int, since: datetime) -> int:
    """Readings stored since ``since`` (the integration status of the facilities module)."""
    return session.exec(
        select(func.count(col(FacilityReading.id))).where(
            col(FacilityReading.store_id) == store_id, col(FacilityReading.measured_at) >= since
        )
    ).one()


def usage_by_device(
    session: Session, store_id: int, device_ids: Sequence[int], start: datetime, end: datetime
) -> dict[int, int]:
    """Device id → usage events in ``start``..``end`` (self-service stations' usage counts, C4)."""
    if not device_ids:
        return {}
    rows = session.exec(
        select(FacilityUsage.device_id, func.count(col(FacilityUsage.id)))
        .where(
            col(FacilityUsage.store_id) == store_id,
            col(FacilityUsage.device_id).in_(list(device_ids)),
            col(FacilityUsage.started_at) >= start,
            col(FacilityUsage.started_at) < end,
        )
        .group_by(col(FacilityUsage.device_id))
    ).all()
    return {device_id: n for device_id, n in rows}
