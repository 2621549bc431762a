"""Factories for rentals: a station with assets, and a member with a fresh dynamic code."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from store.members import codes
from store.members.models import Member
from store.premises.models import Store
from store.rentals import service
from store.rentals.models import AssetKind, RentalAsset, RentalStation, StationKind


def create_station(
    session: Session, store: Store, *, code: str = "DESK", kind: StationKind = StationKind.rental
) -> RentalStation:
    return service.create_station(
        session, store.id, code=code, name=f"站点 {code}", name_en=f"Station {code}", kind=kind
    )  # type: ignore[arg-type]


def create_asset(
    session: Session,
    store: Store,
    *,
    code: str = "PB01",
    station: str = "DESK",
    kind: AssetKind = AssetKind.power_bank,
    deposit_fen: int = 0,
    loan_minutes: int = 240,
) -> RentalAsset:
    return service.create_asset(
        session,
        store.id,  # type: ignore[arg-type]
        code=code,
        station_code=station,
        kind=kind,
        deposit_fen=deposit_fen,
        loan_minutes=loan_minutes,
    )


def member_code(member: Member, at: datetime | None = None) -> str:
    """The code the member's app shows now (the next step once one was used)."""
    return codes.current_code(member, at).digits
