"""Car park API: gate controllers report plate reads; staff see the stays and set the fee rule; kiosks quote
a plate; members bind their plates (member and spend minutes off)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import Session

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.db import SessionDep
from store.members.deps import CurrentMember
from store.parking import plates
from store.parking import service as parking_service
from store.parking.errors import NotThisGate
from store.parking.models import Direction, ParkingSession
from store.parking.schemas import (
    FeeRuleRead,
    FeeRuleUpdate,
    GateEventIn,
    GateEventRead,
    PlateIn,
    PlateRead,
    QuoteRead,
    SessionPage,
    SessionRead,
)

router = APIRouter(prefix="/parking", tags=["parking"])

Gate = Annotated[Principal, Depends(require(devices=(DeviceKind.gate_controller,)))]
Viewer = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.security))]
Manager = Annotated[Principal, Depends(require(Role.admin, Role.manager))]
Quoter = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.security, devices=(DeviceKind.kiosk,)))]


@router.post("/gate-events", response_model=GateEventRead, responses={400: {}, 403: {}, 404: {}})
def gate_event(data: GateEventIn, session: SessionDep, gate: Gate) -> GateEventRead:
    """A plate read at a gate: the stay it opens or closes, and whether the barrier opens."""
    if gate.device is None:  # pragma: no cover (the dependency admits gate controllers only)
        raise NotThisGate("only a gate controller reports plate reads")
    result = parking_service.record_gate_event(
        session,
        gate.store_id,
        gate_code=data.gate,
        direction=Direction(data.direction.value),
        raw_plate=data.plate,
        at=data.at,
        event_key=data.event_id,
        device_id=gate.device.id,
    )
    return GateEventRead(
        outcome=result.outcome.value,
        open_barrier=result.open_barrier,
        session_id=result.session_id,
        owed_fen=result.owed_fen,
        message=result.message,
    )


def session_read(session: Session, stay: ParkingSession, zones: dict[int, str]) -> SessionRead:
    owed = parking_service.quote(session, stay).owed_fen if stay.exited_at is None else 0
    return SessionRead(
        id=stay.id,  # type: ignore[arg-type]
        plate=stay.plate,
        entered_at=stay.entered_at,
        zone=zones.get(stay.zone_id or 0, ""),
        space=stay.space,
        exited_at=stay.exited_at,
        paid_fen=stay.paid_fen,
        owed_fen=owed,
    )


@router.get("/sessions", response_model=SessionPage)
def list_sessions(session: SessionDep, viewer: Viewer) -> SessionPage:
    """The cars in the car park now (newest first, at most 500) with what each owes."""
    zones = {z.id or 0: z.code for z in parking_service.list_zones(session, viewer.store_id)}
    stays = parking_service.in_lot(session, viewer.store_id)
    items = [session_read(session, s, zones) for s in stays]
    return SessionPage(items=items, in_lot=parking_service.count_in_lot(session, viewer.store_id))


@router.get("/quote", response_model=QuoteRead, responses={400: {}, 404: {}})
def get_quote(
    session: SessionDep, quoter: Quoter, plate: Annotated[str, Query(min_length=1, max_length=16)]
) -> QuoteRead:
    """What the car with exactly this plate owes now (a near match is never quoted)."""
    stay = parking_service.find_or_raise(session, quoter.store_id, plate)
    quote = parking_service.quote(session, stay)
    return QuoteRead(
        session_id=stay.id,  # type: ignore[arg-type]
        plate=stay.plate,
        entered_at=stay.entered_at,
        stay_minutes=quote.stay_s // 60,
        discount_minutes=quote.discount_minutes,
        paid_fen=quote.paid_fen,
        owed_fen=quote.owed_fen,
        grace_until=quote.grace_until,
    )


@router.get("/fee-rule", response_model=FeeRuleRead)
def get_fee_rule(session: SessionDep, manager: Manager) -> FeeRuleRead:
    """The store's fee rule: free minutes, hourly rate, daily cap, member and spend minutes, exit grace."""
    row = parking_service.rule_row(session, manager.store_id)
    return FeeRuleRead.model_validate(row, from_attributes=True)


@router.put("/fee-rule", response_model=FeeRuleRead, responses={400: {}})
def put_fee_rule(data: FeeRuleUpdate, session: SessionDep, manager: Manager) -> FeeRuleRead:
    """Replace the fee rule (applies to every quote from now on, stays already paid keep what they paid)."""
    row = parking_service.save_rule(session, manager.store_id, data)
    return FeeRuleRead.model_validate(row, from_attributes=True)


@router.get("/me/plates", response_model=list[PlateRead])
def my_plates(who: CurrentMember, session: SessionDep) -> list[PlateRead]:
    """The plates bound to the signed-in member."""
    rows = parking_service.plates_of(session, who.store_id, who.member_id)
    return [PlateRead(plate=r.plate, new_energy=plates.is_new_energy(r.plate)) for r in rows]


@router.post("/me/plates", status_code=201, response_model=PlateRead, responses={400: {}, 409: {}})
def bind_plate(data: PlateIn, who: CurrentMember, session: SessionDep) -> PlateRead:
    """Bind a plate to the signed-in member: the car's stays get the member's and the day's spend minutes off."""
    row = parking_service.bind_plate(session, who.store_id, who.member_id, data.plate)
    return PlateRead(plate=row.plate, new_energy=plates.is_new_energy(row.plate))
