"""Parking: stays from gate events, the fee rule, find-my-car and paying a stay.

What a driver notices:

- The entry gate's read opens a stay (one per plate: a second entry read of a car already in is the same stay).
- The exit gate opens only for a stay with *exactly* the plate read that owes nothing (free, or paid within the
  grace period); anything else keeps the barrier down and says why. A plate that matches a stay only by
  misread characters (0/D/Q, B/8, 2/Z, 5/S) is a candidate for a person to confirm, never a charge or a release.
- Fees come from ``store.parking.fees`` with the member's minutes when the plate is bound to a member, and the
  spend minutes from that member's sales on the quote's business day (``store.sales``).
- Paying goes through the payment plugin (``store.payments``), one reference per billing segment, so paying the
  same segment twice is refused there; a pending payment is asked about before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store.clock import business_day, utcnow
from store.parking import fees, plates
from store.parking.errors import (
    BadRule,
    FeeChanged,
    GateNotFound,
    InvalidPlate,
    NothingToPay,
    NotThisGate,
    PlateNotFound,
    PlateTaken,
    SessionNotFound,
)
from store.parking.models import (
    Direction,
    GateOutcome,
    ParkingFeeRule,
    ParkingGate,
    ParkingGateEvent,
    ParkingLookup,
    ParkingPlate,
    ParkingSession,
    ParkingZone,
)
from store.parking.schemas import FeeRuleUpdate
from store.payments import service as payments_service
from store.payments.models import PaymentOrder
from store.payments.schemas import PaymentStatus
from store.premises import service as premises_service
from store.sales import service as sales_service

PURPOSE = "parking"
MAX_CANDIDATES = 5
RULE_FIELDS = tuple(f for f in FeeRuleUpdate.model_fields)


# --- plates, zones, gates, the rule ------------------------------------------------------------------------------


def plate_or_raise(raw: str) -> str:
    """The normalised plate, or ``InvalidPlate`` saying what a plate looks like."""
    plate = plates.normalise(raw)
    if not plates.is_valid(plate):
        raise InvalidPlate(
            f"{raw[:16]!r} is not a plate: a province, a letter and 5 letters or digits (7), or 6 for new energy (8)"
        )
    return plate


def list_zones(session: Session, store_id: int) -> list[ParkingZone]:
    return list(session.exec(select(ParkingZone).where(ParkingZone.store_id == store_id).order_by(ParkingZone.code)))


def list_gates(session: Session, store_id: int) -> list[ParkingGate]:
    return list(session.exec(select(ParkingGate).where(ParkingGate.store_id == store_id).order_by(ParkingGate.code)))


def add_zone(session: Session, store_id: int, **values: Any) -> ParkingZone:
    zone = ParkingZone(store_id=store_id, **values)
    session.add(zone)
    session.flush()
    return zone


def add_gate(session: Session, store_id: int, **values: Any) -> ParkingGate:
    gate = ParkingGate(store_id=store_id, **values)
    session.add(gate)
    session.flush()
    return gate


def gate_by_code(session: Session, store_id: int, code: str) -> ParkingGate:
    gate = session.exec(select(ParkingGate).where(ParkingGate.store_id == store_id, ParkingGate.code == code)).first()
    if gate is None:
        raise GateNotFound(f"no gate {code[:32]!r} in this car park")
    return gate


def rule_row(session: Session, store_id: int) -> ParkingFeeRule:
    return session.get(ParkingFeeRule, store_id) or ParkingFeeRule(store_id=store_id)


def rule(session: Session, store_id: int) -> fees.FeeRule:
    row = rule_row(session, store_id)
    return fees.FeeRule(**{name: getattr(row, name) for name in RULE_FIELDS})


def save_rule(session: Session, store_id: int, data: FeeRuleUpdate) -> ParkingFeeRule:
    """Replace the store's fee rule; a daily cap below one hour's rate would make the cap meaningless: 400."""
    if data.daily_cap_fen < data.hourly_fen:
        raise BadRule(f"the daily cap ({data.daily_cap_fen} fen) is below one hour's rate ({data.hourly_fen} fen)")
    row = session.get(ParkingFeeRule, store_id) or ParkingFeeRule(store_id=store_id)
    for name in RULE_FIELDS:
        setattr(row, name, getattr(data, name))
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


# --- stays -------------------------------------------------------------------------------------------------------


def get_session(session: Session, store_id: int, session_id: int) -> ParkingSession:
    found = session.get(ParkingSession, session_id)
    if found is None or found.store_id != store_id:
        raise SessionNotFound(f"no parking stay {session_id}")
    return found


def open_by_plate(session: Session, store_id: int, plate: str) -> ParkingSession | None:
    query = select(ParkingSession).where(
        ParkingSession.store_id == store_id, ParkingSession.plate == plate, col(ParkingSession.exited_at).is_(None)
    )
    return session.exec(query).first()


def in_lot(session: Session, store_id: int, *, limit: int = 500) -> list[ParkingSession]:
    query = (
        select(ParkingSession)
        .where(ParkingSession.store_id == store_id, col(ParkingSession.exited_at).is_(None))
        .order_by(col(ParkingSession.entered_at).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def count_in_lot(session: Session, store_id: int) -> int:

    query = select(func.count()).where(
        col(ParkingSession.store_id) == store_id, col(ParkingSession.exited_at).is_(None)
    )
    return int(session.exec(query).one())


def _reference(stay: ParkingSession) -> str:
    """The payment reference of the stay's current billing segment: what was paid so far grows with each
    payment, so each segment has its own reference and paying one segment twice is refused by payments."""
    return f"PK{stay.id}-{stay.paid_fen}"


def sync_payment(session: Session, stay: ParkingSession) -> None:
    """Book the payments the network has confirmed for the stay (pending ones are asked about first)."""
    while True:
        attempts = payments_service.attempts(session, stay.store_id, PURPOSE, _reference(stay))
        for attempt in attempts:
            if attempt.status == PaymentStatus.pending:
                payments_service.resolve(session, stay.store_id, attempt.id)  # type: ignore[arg-type]
        paid = [a for a in attempts if a.status == PaymentStatus.paid and a.refunded_fen < a.amount_fen]
        if not paid:
            return
        stay.paid_fen += paid[0].amount_fen
        stay.paid_at = paid[0].resolved_at or utcnow()
        session.add(stay)
        session.flush()


def member_of(session: Session, store_id: int, plate: str) -> int | None:
    query = select(ParkingPlate.member_id).where(ParkingPlate.store_id == store_id, ParkingPlate.plate == plate)
    return session.exec(query).first()


def quote(session: Session, stay: ParkingSession, *, now: datetime | None = None) -> fees.Quote:
    """What the stay owes now: the fee rule with the member's and the day's spend minutes, after payments."""
    now = now or utcnow()
    sync_payment(session, stay)
    member_id = member_of(session, stay.store_id, stay.plate)
    spend = 0
    if member_id is not None:
        timezone = premises_service.get_store(session, stay.store_id).timezone
        spend = sales_service.member_spend_on(session, stay.store_id, member_id, business_day(now, timezone))
        if stay.member_id != member_id:
            stay.member_id = member_id
            session.add(stay)
    the_rule = rule(session, stay.store_id)
    discount = fees.discount_minutes(the_rule, member=member_id is not None, spend_fen=spend)
    return fees.quote(
        the_rule,
        entered_at=stay.entered_at,
        now=now,
        discount_min=discount,
        paid_fen=stay.paid_fen,
        paid_at=stay.paid_at,
    )


# --- gate events -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateResult:
    outcome: GateOutcome
    session_id: int | None
    owed_fen: int
    message: str

    @property
    def open_barrier(self) -> bool:
        return self.outcome in (GateOutcome.entered, GateOutcome.duplicate_entry, GateOutcome.exited)


MESSAGES = {
    GateOutcome.entered: "welcome",
    GateOutcome.duplicate_entry: "already in the car park: the same stay",
    GateOutcome.exited: "goodbye",
    GateOutcome.owes: "a fee is due: pay by QR or at the exit",
    GateOutcome.no_entry_record: "no stay with exactly this plate: staff to check (never opened on a near match)",
    GateOutcome.invalid_plate: "the plate read is not a valid plate: staff to check",
}


def record_gate_event(
    session: Session,
    store_id: int,
    *,
    gate_code: str,
    direction: Direction,
    raw_plate: str,
    at: datetime | None = None,
    event_key: str = "",
    device_id: int | None = None,
) -> GateResult:
    """One plate read at a gate: opens, continues or closes a stay; a retried event (same key) changes nothing."""
    gate = gate_by_code(session, store_id, gate_code)
    if device_id is not None and gate.device_id != device_id:
        raise NotThisGate(f"gate {gate.code} is not controlled by this device")
    at = at or utcnow()
    key = event_key[:64] or f"{at.isoformat()}|{raw_plate[:16]}|{direction.value}"
    seen = session.exec(
        select(ParkingGateEvent).where(ParkingGateEvent.gate_id == gate.id, ParkingGateEvent.event_key == key)
    ).first()
    if seen is not None:
        outcome = GateOutcome(seen.outcome)  # read back as the column's text
        return GateResult(outcome, seen.session_id, seen.owed_fen, MESSAGES[outcome])
    plate = plates.normalise(raw_plate)
    if not plates.is_valid(plate):
        result = GateResult(GateOutcome.invalid_plate, None, 0, MESSAGES[GateOutcome.invalid_plate])
    elif direction == Direction.entry:
        result = _enter(session, store_id, gate, plate, at)
    else:
        result = _exit(session, store_id, gate, plate, at)
    gate.last_event_at = max(gate.last_event_at or at, at)
    session.add(gate)
    session.add(
        ParkingGateEvent(
            store_id=store_id,
            gate_id=gate.id,  # type: ignore[arg-type]
            event_key=key,
            plate=plate[:16],
            direction=direction,
            at=at,
            outcome=result.outcome,
            session_id=result.session_id,
            owed_fen=result.owed_fen,
        )
    )
    session.flush()
    return result


def _enter(session: Session, store_id: int, gate: ParkingGate, plate: str, at: datetime) -> GateResult:
    existing = open_by_plate(session, store_id, plate)
    if existing is not None:
        return GateResult(GateOutcome.duplicate_entry, existing.id, 0, MESSAGES[GateOutcome.duplicate_entry])
    stay = ParkingSession(store_id=store_id, plate=plate, entered_at=at, entry_gate_id=gate.id, zone_id=gate.zone_id)
    try:
        with session.begin_nested():
            session.add(stay)
            session.flush()
    except IntegrityError:  # another process opened it a moment ago: the same stay
        existing = open_by_plate(session, store_id, plate)
        return GateResult(
            GateOutcome.duplicate_entry, existing.id if existing else None, 0, MESSAGES[GateOutcome.duplicate_entry]
        )
    return GateResult(GateOutcome.entered, stay.id, 0, MESSAGES[GateOutcome.entered])


def _exit(session: Session, store_id: int, gate: ParkingGate, plate: str, at: datetime) -> GateResult:
    stay = open_by_plate(session, store_id, plate)
    if stay is None:
        return GateResult(GateOutcome.no_entry_record, None, 0, MESSAGES[GateOutcome.no_entry_record])
    owed = quote(session, stay, now=at)
    if owed.owed_fen > 0:
        return GateResult(GateOutcome.owes, stay.id, owed.owed_fen, MESSAGES[GateOutcome.owes])
    stay.exited_at = at
    stay.exit_gate_id = gate.id
    session.add(stay)
    return GateResult(GateOutcome.exited, stay.id, 0, MESSAGES[GateOutcome.exited])


def record_space(session: Session, store_id: int, *, zone_code: str, space: str, raw_plate: str) -> bool:
    """A space sensor saw ``raw_plate`` in ``space``: the stay with exactly that plate is there (True if found)."""
    plate = plates.normalise(raw_plate)
    stay = open_by_plate(session, store_id, plate) if plates.is_valid(plate) else None
    zone = session.exec(
        select(ParkingZone).where(ParkingZone.store_id == store_id, ParkingZone.code == zone_code[:16])
    ).first()
    if stay is None or zone is None:
        return False
    stay.zone_id, stay.space = zone.id, space[:16]
    session.add(stay)
    session.flush()
    return True


# --- find my car -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    session_id: int
    masked: str
    entered_at: datetime
    closeness: int  # 1: only misread characters differ; 2: also the province


@dataclass(frozen=True)
class Found:
    plate: str
    stay: ParkingSession | None  # exactly this plate
    candidates: list[Candidate]  # near matches, masked: the shopper picks one, nothing is charged or freed


def find(session: Session, store_id: int, raw_plate: str) -> Found:
    """The car in the lot with exactly this plate, else the stays whose plate differs only by misreads."""
    plate = plates.normalise(raw_plate)
    if not plates.is_valid(plate) and not plates.is_plausible(plate):
        plate_or_raise(raw_plate)
    exact = open_by_plate(session, store_id, plate) if plates.is_valid(plate) else None
    if exact is not None:
        return Found(plate, exact, [])
    near = []
    for stay in in_lot(session, store_id, limit=5_000):
        closeness = plates.candidate(plate, stay.plate)
        if closeness is not None:
            near.append(Candidate(stay.id, plates.mask(stay.plate), stay.entered_at, closeness))  # type: ignore[arg-type]
    near.sort(key=lambda c: (c.closeness, c.entered_at))
    return Found(plate, None, near[:MAX_CANDIDATES])


def log_lookup(session: Session, store_id: int, *, channel: str, found: bool) -> None:
    """Count a find-my-car lookup (C5); the plate is not kept."""
    session.add(ParkingLookup(store_id=store_id, channel=channel[:10], found=found))


def find_or_raise(session: Session, store_id: int, raw_plate: str) -> ParkingSession:
    found = find(session, store_id, raw_plate)
    if found.stay is None:
        raise PlateNotFound(f"no car with plate {found.plate} in the car park")
    return found.stay


def zone_of(session: Session, stay: ParkingSession) -> ParkingZone | None:
    return session.get(ParkingZone, stay.zone_id) if stay.zone_id else None


# --- paying ------------------------------------------------------------------------------------------------------


def pay(
    session: Session,
    store_id: int,
    session_id: int,
    *,
    expected_fen: int,
    method: str,
    now: datetime | None = None,
) -> PaymentOrder:
    """Pay what the stay owes now through the payment plugin; ``expected_fen`` is the amount the payer saw."""
    stay = get_session(session, store_id, session_id)
    if stay.exited_at is not None:
        raise NothingToPay(f"the stay of {plates.mask(stay.plate)} has ended: nothing to pay")
    owed = quote(session, stay, now=now)
    if owed.owed_fen == 0:
        raise NothingToPay("nothing to pay: the car may leave now")
    if owed.owed_fen != expected_fen:
        raise FeeChanged(f"the fee is now {owed.owed_fen} fen, not {expected_fen}: check the new amount")
    payment = payments_service.start(
        session,
        store_id,
        purpose=PURPOSE,
        reference=_reference(stay),
        amount_fen=owed.owed_fen,
        method=method,
        description=f"停车费 {plates.mask(stay.plate)}",
    )
    if payment.status == PaymentStatus.paid:
        sync_payment(session, stay)
    return payment


# --- members' plates ---------------------------------------------------------------------------------------------


def bind_plate(session: Session, store_id: int, member_id: int, raw_plate: str) -> ParkingPlate:
    """Bind a plate to a member (again: the same row); a plate another member holds is a 409."""
    plate = plate_or_raise(raw_plate)
    row = session.exec(
        select(ParkingPlate).where(ParkingPlate.store_id == store_id, ParkingPlate.plate == plate)
    ).first()
    if row is not None:
        if row.member_id != member_id:
            raise PlateTaken("this plate is bound to another member: ask at the service desk")
        return row
    row = ParkingPlate(store_id=store_id, member_id=member_id, plate=plate)
    session.add(row)
    session.flush()
    return row


def plates_of(session: Session, store_id: int, member_id: int) -> list[ParkingPlate]:
    query = select(ParkingPlate).where(ParkingPlate.store_id == store_id, ParkingPlate.member_id == member_id)
    return list(session.exec(query.order_by(col(ParkingPlate.id))))


# --- evidence for C5 ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    gates: int
    sessions: int  # stays that began in the window
    finds: int  # find-my-car lookups that found the car exactly (kiosk and phone)
    qr_payments: int  # parking payments paid through the plugin


def usage(session: Session, store_id: int, since: datetime, until: datetime) -> Usage:
    """What C5 reads: gates registered, stays begun, QR payments paid in ``[since, until)``."""

    gates = session.exec(select(func.count()).where(col(ParkingGate.store_id) == store_id)).one()
    stays = session.exec(
        select(func.count()).where(
            col(ParkingSession.store_id) == store_id,
            col(ParkingSession.entered_at) >= since,
            col(ParkingSession.entered_at) < until,
        )
    ).one()
    paid = session.exec(
        select(func.count()).where(
            col(PaymentOrder.store_id) == store_id,
            col(PaymentOrder.purpose) == PURPOSE,
            col(PaymentOrder.status) == PaymentStatus.paid,
            col(PaymentOrder.created_at) >= since,
            col(PaymentOrder.created_at) < until,
        )
    ).one()
    finds = session.exec(
        select(func.count()).where(
            col(ParkingLookup.store_id) == store_id,
            col(ParkingLookup.found).is_(True),
            col(ParkingLookup.at) >= since,
            col(ParkingLookup.at) < until,
        )
    ).one()
    return Usage(int(gates), int(stays), int(finds), int(paid))


def route_goal(session: Session, store_id: int, zone: ParkingZone | None) -> str | None:
    """The map place the route to ``zone`` ends at (the car park entrance or lift lobby), None without a map."""
    if zone is None or not zone.map_place:
        return None
    kind, _, value = zone.map_place.partition(":")
    if kind != "entrance":
        return zone.map_place
    from store.errors import StoreError
    from store.wayfinding import service as wayfinding_service

    try:
        loaded = wayfinding_service.load(session, store_id)
    except StoreError:
        return None
    for anchor in loaded.data.by_type.get("anchor", []):
        if anchor["properties"].get("entrance") == value:
            return f"anchor:{anchor['id']}"
    return None
