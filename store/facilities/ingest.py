"""IoT ingestion: MQTT messages in, validated readings, usage events, meter deltas, alerts and rollups out.

Topic scheme (docs/architecture.md, facilities):

    smartstore/{store_code}/device/{device_code}/reading    {"ts": "...", "values": {"co2_ppm": 812}}
    smartstore/{store_code}/device/{device_code}/usage      {"ts": "...", "kind": "session", "duration_s": 95}
    smartstore/{store_code}/device/{device_code}/heartbeat  {} (or any JSON object)
    smartstore/{store_code}/device/{device_code}/command    published by the store, never retained:
                                                            {"id": 17, "action": "switch_off", "args": {}}
    smartstore/{store_code}/device/{device_code}/ack        {"id": 17, "ok": true} or {"id": 17, "ok": false,
                                                            "error": "breaker tripped"}: the device confirms it

``ts`` is ISO 8601 with an offset, or Unix seconds; without it the broker's arrival time is used.
Every message is counted by outcome in ``facility_ingest_count``; one that cannot be used (bad JSON,
unknown device, future time, no valid value) is counted and dropped, and a batch never fails because
of one bad message. Values out of a metric's range are dropped one by one: the good values of the
same message are kept.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, tuple_
from sqlmodel import Session, col, select

from store.clock import business_day
from store.facilities import meter, rollups, thresholds
from store.facilities.models import (
    AlertState,
    FacilityAlert,
    FacilityCommand,
    FacilityCommandAck,
    FacilityDevice,
    FacilityDeviceDay,
    FacilityIngestCount,
    FacilityMeter,
    FacilityReading,
    FacilityUsage,
)
from store.facilities.thresholds import Phase
from store.premises.models import Store

TOPIC_PREFIX = "smartstore"
SUBSCRIPTION = f"{TOPIC_PREFIX}/+/device/+/+"
CHANNELS = ("reading", "usage", "heartbeat", "ack")
OUTGOING = "command"  # the store's own commands to devices: the subscription hears them too; not a device's message
FUTURE_SLACK = timedelta(minutes=2)  # device clocks run a little ahead; beyond this a time is refused
MAX_AGE = timedelta(days=rollups.RAW_DAYS)  # older than the raw retention: refused (would be dropped at once)
USAGE_KINDS = ("session", "interaction")
MAX_USAGE_S = 24 * 3600


def topic(store_code: str, device_code: str, channel: str) -> str:
    return f"{TOPIC_PREFIX}/{store_code}/device/{device_code}/{channel}"


@dataclass(frozen=True)
class Message:
    topic: str
    payload: bytes
    received_at: datetime


@dataclass
class Parsed:
    store_code: str
    device_code: str
    channel: str
    at: datetime
    values: dict[str, float] = field(default_factory=dict)
    usage_kind: str = ""
    duration_s: int = 0
    command_id: int = 0  # an ack: the command it confirms
    ack_ok: bool = True
    ack_error: str = ""
    dropped_values: int = 0  # out of range or unknown metric


class Rejected(Exception):
    def __init__(self, outcome: str, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _time(raw: object, received_at: datetime) -> datetime:
    if raw is None:
        return received_at
    if isinstance(raw, str):
        try:
            at = datetime.fromisoformat(raw)
        except ValueError:
            raise Rejected("invalid", f"ts {raw[:40]!r} is not ISO 8601") from None
        if at.tzinfo is None:
            raise Rejected("invalid", "ts needs an offset (Z or +08:00)")
        return at.astimezone(UTC)
    seconds = _number(raw)
    if seconds is None or not 0 < seconds < 10**11:
        raise Rejected("invalid", "ts must be ISO 8601 or Unix seconds")
    return datetime.fromtimestamp(seconds, UTC)


def outgoing(message: Message) -> bool:
    """A command the store itself published (``.../device/<code>/command``): skipped, neither stored nor counted."""
    parts = message.topic.split("/")
    return len(parts) == 5 and parts[0] == TOPIC_PREFIX and parts[2] == "device" and parts[4] == OUTGOING


def parse(message: Message) -> Parsed:
    """The message as a reading, usage event or heartbeat; raises ``Rejected`` with the outcome to count."""
    parts = message.topic.split("/")
    if len(parts) != 5 or parts[0] != TOPIC_PREFIX or parts[2] != "device" or parts[4] not in CHANNELS:
        raise Rejected("bad_topic", f"topic {message.topic[:80]!r} is not {SUBSCRIPTION}")
    try:
        body = json.loads(message.payload)
    except (ValueError, UnicodeDecodeError):
        raise Rejected("bad_json", "payload is not JSON") from None
    if not isinstance(body, dict):
        raise Rejected("bad_json", "payload must be a JSON object")
    at = _time(body.get("ts"), message.received_at)
    if at > message.received_at + FUTURE_SLACK:
        raise Rejected("future", f"ts {at.isoformat()} is in the future")
    if at < message.received_at - MAX_AGE:
        raise Rejected("too_old", f"ts {at.isoformat()} is older than the raw retention")
    parsed = Parsed(parts[1], parts[3], parts[4], at)
    if parsed.channel == "reading":
        values = body.get("values")
        if not isinstance(values, dict) or not values:
            raise Rejected("invalid", "a reading needs a non-empty object 'values'")
        for metric, raw in values.items():
            number = _number(raw)
            if (
                metric not in thresholds.METRICS
                or metric in thresholds.DERIVED
                or number is None
                or thresholds.out_of_range(metric, number)
            ):
                parsed.dropped_values += 1
                continue
            parsed.values[metric] = number
        if not parsed.values:
            raise Rejected("out_of_range", "no value of the reading is a known metric within its range")
    elif parsed.channel == "usage":
        kind, duration = body.get("kind"), body.get("duration_s", 0)
        if kind not in USAGE_KINDS:
            raise Rejected("invalid", f"usage kind must be one of {', '.join(USAGE_KINDS)}")
        if isinstance(duration, bool) or not isinstance(duration, int) or not 0 <= duration <= MAX_USAGE_S:
            raise Rejected("invalid", f"duration_s must be a whole number of seconds 0..{MAX_USAGE_S}")
        parsed.usage_kind, parsed.duration_s = kind, duration
    elif parsed.channel == "ack":
        command_id, ok, error = body.get("id"), body.get("ok", True), body.get("error", "")
        if isinstance(command_id, bool) or not isinstance(command_id, int) or command_id <= 0:
            raise Rejected("invalid", "an ack needs the command's 'id' (a positive whole number)")
        if not isinstance(ok, bool) or not isinstance(error, str):
            raise Rejected("invalid", "an ack's 'ok' must be true or false and 'error' a text")
        parsed.command_id, parsed.ack_ok, parsed.ack_error = command_id, ok, error[:200]
    return parsed


@dataclass
class _Device:
    row: FacilityDevice
    tz: str
    store_code: str


def _devices(session: Session, keys: set[tuple[str, str]], today: date) -> dict[tuple[str, str], _Device]:
    """Registered devices by (store code, device code); removed devices are unknown to ingestion."""
    if not keys:
        return {}
    rows = session.exec(
        select(FacilityDevice, Store.code, Store.timezone)
        .join(Store, col(Store.id) == col(FacilityDevice.store_id))
        .where(tuple_(col(Store.code), col(FacilityDevice.code)).in_(list(keys)))
    ).all()
    return {
        (code, device.code): _Device(device, tz, code)
        for device, code, tz in rows
        if device.removed_on is None or device.removed_on > today
    }


def _bump(counts: Counter[str], outcome: str, n: int = 1) -> None:
    counts[outcome] += n


def store_batch(session: Session, messages: Sequence[Message], *, now: datetime) -> Counter[str]:
    """Store a batch of messages in the session (the caller commits); returns messages per outcome."""
    counts: Counter[str] = Counter()
    parsed: list[Parsed] = []
    for message in messages:
        try:
            parsed.append(parse(message))
        except Rejected as exc:
            _bump(counts, exc.outcome)
    today = now.date()
    devices = _devices(session, {(p.store_code, p.device_code) for p in parsed}, today)
    readings: dict[tuple[int, str, datetime], tuple[_Device, float]] = {}
    usages: dict[tuple[int, datetime], tuple[_Device, Parsed]] = {}
    acks: list[tuple[int, Parsed]] = []
    seen: Counter[tuple[int, date]] = Counter()
    for p in parsed:
        device = devices.get((p.store_code, p.device_code))
        if device is None:
            _bump(counts, "unknown_device")
            continue
        assert device.row.id is not None
        _bump(counts, "stored")
        _bump(counts, "out_of_range", p.dropped_values)
        seen[(device.row.id, business_day(now, device.tz))] += 1
        for metric, value in p.values.items():
            readings[(device.row.id, metric, p.at)] = (device, value)
        if p.channel == "usage":
            usages[(device.row.id, p.at)] = (device, p)
        elif p.channel == "ack":
            acks.append((device.row.id, p))
    by_id = {d.row.id: d for d in devices.values()}
    new = _new_readings(session, readings)
    new += _meter_uses(session, new, by_id)
    _insert_readings(session, new, by_id)
    _alerts(session, new, by_id)
    _usages(session, usages)
    _acks(session, acks, by_id, now)
    _heartbeats(session, by_id, seen, now)
    _count(session, counts, business_day(now, "Asia/Shanghai"))
    return counts


def _new_readings(
    session: Session, readings: dict[tuple[int, str, datetime], tuple[_Device, float]]
) -> list[rollups.Sample]:
    """The readings not stored before (a QoS 1 redelivery repeats a message): those alone go on.

    One range query per batch (the devices of the batch between its first and last time), not one
    lookup per reading: live batches span seconds."""
    if not readings:
        return []
    times = [at for _, _, at in readings]
    known = set(
        session.exec(
            select(FacilityReading.device_id, FacilityReading.metric, FacilityReading.measured_at).where(
                col(FacilityReading.device_id).in_({d for d, _, _ in readings}),
                col(FacilityReading.measured_at) >= min(times),
                col(FacilityReading.measured_at) <= max(times),
            )
        ).all()
    )
    return [rollups.Sample(d, m, at, value) for (d, m, at), (_, value) in readings.items() if (d, m, at) not in known]


def _meter_uses(session: Session, new: list[rollups.Sample], by_id: dict[int | None, _Device]) -> list[rollups.Sample]:
    """Energy use between cumulative totals, one derived ``energy_use_kwh`` sample per booked use."""
    totals = sorted((s for s in new if s.metric == "energy_kwh"), key=lambda s: (s.device_id, s.measured_at))
    uses: list[rollups.Sample] = []
    meters: dict[int, FacilityMeter | None] = {}
    for s in totals:
        if s.device_id not in meters:
            meters[s.device_id] = session.get(FacilityMeter, s.device_id)
        row = meters[s.device_id]
        result = meter.step((row.total_kwh, row.read_at) if row else None, s.value, s.measured_at)
        if result.reference is not None:
            if row is None:
                row = FacilityMeter(device_id=s.device_id, total_kwh=0, read_at=s.measured_at)
                meters[s.device_id] = row
            row.total_kwh, row.read_at = result.reference
        if row is not None:
            row.resets += result.event is meter.MeterEvent.reset
            row.glitches += result.event is meter.MeterEvent.glitch
            session.add(row)
        if result.use_kwh > 0:
            uses.append(rollups.Sample(s.device_id, "energy_use_kwh", s.measured_at, result.use_kwh))
    return uses


def _insert_readings(session: Session, new: list[rollups.Sample], by_id: dict[int | None, _Device]) -> None:
    if not new:
        return
    session.execute(
        FacilityReading.__table__.insert(),  # type: ignore[attr-defined]  # Core executemany: no ORM bulk cost
        [
            {
                "store_id": by_id[s.device_id].row.store_id,
                "device_id": s.device_id,
                "metric": s.metric,
                "measured_at": s.measured_at,
                "value": s.value,
            }
            for s in new
        ],
    )
    per_store: dict[int, list[rollups.Sample]] = defaultdict(list)
    for s in new:
        per_store[by_id[s.device_id].row.store_id].append(s)
    for store_id, samples in per_store.items():
        tz = next(d.tz for d in by_id.values() if d.row.store_id == store_id)
        rollups.add(session, store_id, tz, samples)


def _alerts(session: Session, new: list[rollups.Sample], by_id: dict[int | None, _Device]) -> None:
    """Threshold rules, value by value in time order; the open alert row carries the state across batches.

    The open alerts of the batch's devices are read in one query; a value within its limit with no open
    alert (the usual case) costs nothing more."""
    ruled = sorted((s for s in new if s.metric in thresholds.RULES), key=lambda s: (s.device_id, s.measured_at))
    if not ruled:
        return
    open_rows: dict[tuple[int, str], FacilityAlert] = {
        (row.device_id, row.rule): row
        for row in session.exec(
            select(FacilityAlert).where(
                col(FacilityAlert.device_id).in_({s.device_id for s in ruled}),
                col(FacilityAlert.state).in_([AlertState.pending.value, AlertState.active.value]),
            )
        ).all()
    }
    for s in ruled:
        rule = thresholds.RULES[s.metric]
        key = (s.device_id, rule.metric)
        open_row = open_rows.get(key)
        if open_row is None and s.value <= rule.limit:
            continue
        if open_row is not None and s.measured_at < open_row.since_at:
            continue  # a late value from before the alert's state began changes nothing
        phase = Phase(open_row.state) if open_row else Phase.idle
        result = thresholds.step(rule, phase, open_row.since_at if open_row else None, s.value, s.measured_at)
        if open_row is None:
            if result.phase is Phase.idle:
                continue
            open_row = FacilityAlert(
                store_id=by_id[s.device_id].row.store_id,
                device_id=s.device_id,
                rule=rule.metric,
                state=AlertState.pending,
                since_at=s.measured_at,
                limit=rule.limit,
                peak=s.value,
            )
            open_rows[key] = open_row
        if result.phase is Phase.idle:
            del open_rows[key]
            if result.clear_now:
                open_row.state, open_row.cleared_at = AlertState.cleared, s.measured_at
                session.add(open_row)
            elif open_row.id is not None:
                session.delete(open_row)  # a pending timer that ran out without raising leaves no trace
            elif open_row in session:
                session.expunge(open_row)  # pending since earlier in this batch: never written
            continue
        open_row.state = AlertState(result.phase.value)
        open_row.peak = max(open_row.peak or s.value, s.value)
        if result.raise_now:
            open_row.raised_at = s.measured_at
        session.add(open_row)
    session.flush()


def _usages(session: Session, usages: dict[tuple[int, datetime], tuple[_Device, Parsed]]) -> None:
    if not usages:
        return
    keys = list(usages)
    known = set(
        session.exec(
            select(FacilityUsage.device_id, FacilityUsage.started_at).where(
                tuple_(col(FacilityUsage.device_id), col(FacilityUsage.started_at)).in_(keys)
            )
        ).all()
    )
    rows = [
        {
            "store_id": device.row.store_id,
            "device_id": key[0],
            "kind": p.usage_kind,
            "started_at": key[1],
            "duration_s": p.duration_s,
        }
        for key, (device, p) in usages.items()
        if key not in known
    ]
    if rows:
        session.execute(insert(FacilityUsage), rows)


def _acks(session: Session, acks: list[tuple[int, Parsed]], by_id: dict[int | None, _Device], now: datetime) -> None:
    """Store each device's answer (the first stands); the device's ``unconfirmed`` alert clears once none of
    its commands is left unconfirmed past the timeout."""
    if not acks:
        return
    keys = {(device_id, p.command_id): p for device_id, p in acks}
    known = set(
        session.exec(
            select(FacilityCommandAck.device_id, FacilityCommandAck.command_id).where(
                tuple_(col(FacilityCommandAck.device_id), col(FacilityCommandAck.command_id)).in_(list(keys))
            )
        ).all()
    )
    rows = [
        {
            "device_id": device_id,
            "command_id": command_id,
            "store_id": by_id[device_id].row.store_id,
            "acked_at": p.at,
            "ok": p.ack_ok,
            "error": p.ack_error,
        }
        for (device_id, command_id), p in keys.items()
        if (device_id, command_id) not in known
    ]
    if rows:
        session.execute(insert(FacilityCommandAck), rows)
    devices = {device_id for device_id, _ in acks}
    still = {device_id for _, device_id, _ in unconfirmed(session, now, devices=devices)}
    for alert in session.exec(
        select(FacilityAlert).where(
            col(FacilityAlert.device_id).in_(devices - still),
            col(FacilityAlert.rule) == thresholds.UNCONFIRMED,
            col(FacilityAlert.state) == AlertState.active.value,
        )
    ).all():
        alert.state, alert.cleared_at = AlertState.cleared, now
        session.add(alert)


def unconfirmed(session: Session, now: datetime, *, devices: set[int] | None = None) -> list[tuple[int, int, datetime]]:
    """(store, device, first sent) of every device with a published command that its device has not answered
    within ``thresholds.COMMAND_ACK_TIMEOUT``."""
    query = (
        select(FacilityCommand.store_id, FacilityCommand.device_id, func.min(FacilityCommand.sent_at))
        .outerjoin(
            FacilityCommandAck,
            (col(FacilityCommandAck.device_id) == col(FacilityCommand.device_id))
            & (col(FacilityCommandAck.command_id) == col(FacilityCommand.id)),
        )
        .where(
            col(FacilityCommand.published).is_(True),
            col(FacilityCommandAck.command_id).is_(None),
            col(FacilityCommand.sent_at) <= now - thresholds.COMMAND_ACK_TIMEOUT,
        )
        .group_by(col(FacilityCommand.store_id), col(FacilityCommand.device_id))
    )
    if devices is not None:
        query = query.where(col(FacilityCommand.device_id).in_(devices))
    return [(store_id, device_id, first) for store_id, device_id, first in session.exec(query).all()]


def _heartbeats(
    session: Session, by_id: dict[int | None, _Device], seen: Counter[tuple[int, date]], now: datetime
) -> None:
    """Every message is a heartbeat: the device is live now, its silent alert (if any) clears."""
    if not seen:
        return
    device_ids = {device_id for device_id, _ in seen}
    for device_id in device_ids:
        by_id[device_id].row.last_heartbeat_at = now
        session.add(by_id[device_id].row)
    known = {
        (row.device_id, row.business_on): row
        for row in session.exec(
            select(FacilityDeviceDay).where(
                tuple_(col(FacilityDeviceDay.device_id), col(FacilityDeviceDay.business_on)).in_(list(seen))
            )
        ).all()
    }
    for (device_id, day), n in seen.items():
        row = known.get((device_id, day))
        if row is None:
            session.add(
                FacilityDeviceDay(
                    device_id=device_id, business_on=day, store_id=by_id[device_id].row.store_id, messages=n
                )
            )
        else:
            row.messages += n
            session.add(row)
    for alert in session.exec(
        select(FacilityAlert).where(
            col(FacilityAlert.device_id).in_(device_ids),
            col(FacilityAlert.rule) == thresholds.SILENT,
            col(FacilityAlert.state) == AlertState.active.value,
        )
    ).all():
        alert.state, alert.cleared_at = AlertState.cleared, now
        session.add(alert)
    session.flush()


def _count(session: Session, counts: Counter[str], day: date) -> None:
    for outcome, n in counts.items():
        if n <= 0:
            continue
        row = session.get(FacilityIngestCount, (day, outcome))
        if row is None:
            session.add(FacilityIngestCount(business_on=day, outcome=outcome, messages=n))
        else:
            row.messages += n
            session.add(row)
    session.flush()
