"""A small car park: one zone, an entry and an exit gate (each with its controller's key)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from store.auth.models import DeviceKind
from store.parking import service as parking_service
from store.parking.models import Direction, ParkingGate, ParkingZone
from store.premises.models import Store
from tests.factories.auth import create_device


@dataclass
class CarPark:
    store: Store
    zone: ParkingZone
    entry: ParkingGate
    exit: ParkingGate
    key: str  # the controller's device key (it controls both gates)


def create_car_park(session: Session, store: Store) -> CarPark:
    key, device = create_device(session, store, kind=DeviceKind.gate_controller, name="Gate controller")
    zone = parking_service.add_zone(
        session,
        store.id,  # type: ignore[arg-type]
        code="B2-A",
        name="B2 A区",
        name_en="B2 zone A",
        level="B2",
        spaces=120,
        map_place="entrance:B1-PARK",
        lobby_hint="出电梯右转",
        lobby_hint_en="turn right out of the lift",
    )
    entry = parking_service.add_gate(
        session, store.id, code="G-IN", name="入口", direction=Direction.entry, zone_id=zone.id, device_id=device.id
    )
    exit_ = parking_service.add_gate(
        session, store.id, code="G-OUT", name="出口", direction=Direction.exit, device_id=device.id
    )
    return CarPark(store, zone, entry, exit_, key)
