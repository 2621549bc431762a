"""Rentals API: stations and assets (back office), rent and return by member code (desk staff and kiosks),
open and overdue rentals, and the C4 usage by kind."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.clock import utcnow
from store.db import SessionDep
from store.rentals import service as rentals_service
from store.rentals.schemas import (
    AssetCreate,
    AssetRead,
    KindUsage,
    RentalRead,
    RentIn,
    ReturnIn,
    StationCreate,
    StationRead,
)

router = APIRouter(prefix="/rentals", tags=["rentals"])

BackOffice = Annotated[Principal, Depends(require(Role.admin, Role.manager))]
Desk = Annotated[Principal, Depends(require(Role.admin, Role.manager, devices=(DeviceKind.kiosk,)))]
USAGE_DAYS = 30


@router.get("/stations", response_model=list[StationRead])
def list_stations(session: SessionDep, caller: BackOffice) -> list[StationRead]:
    """Rental desks, charging stations and vending machines of the store."""
    return [StationRead.model_validate(s) for s in rentals_service.list_stations(session, caller.store_id)]


@router.post("/stations", response_model=StationRead, status_code=201, responses={400: {}})
def create_station(data: StationCreate, session: SessionDep, caller: BackOffice) -> StationRead:
    """Add a station; a charging station or vending machine is registered as a facility device too."""
    station = rentals_service.create_station(session, caller.store_id, **data.model_dump())
    return StationRead.model_validate(station)


@router.get("/assets", response_model=list[AssetRead])
def list_assets(session: SessionDep, caller: BackOffice) -> list[AssetRead]:
    """Every lendable asset with its status and usage count."""
    return [AssetRead.model_validate(a) for a in rentals_service.list_assets(session, caller.store_id)]


@router.post("/assets", response_model=AssetRead, status_code=201, responses={400: {}, 404: {}})
def create_asset(data: AssetCreate, session: SessionDep, caller: BackOffice) -> AssetRead:
    """Add an asset (power bank, wheelchair, stroller, umbrella) to a rental station."""
    asset = rentals_service.create_asset(session, caller.store_id, **data.model_dump())
    return AssetRead.model_validate(asset)


@router.post("/rent", response_model=RentalRead, status_code=201, responses={400: {}, 403: {}, 404: {}, 409: {}})
def rent(data: RentIn, session: SessionDep, caller: Desk) -> RentalRead:
    """Lend an asset to the member whose dynamic code is scanned; of two renters at once one wins (409)."""
    rental = rentals_service.rent(session, caller.store_id, data.asset_code, data.member_code)
    return RentalRead.model_validate(rental)


@router.post("/return", response_model=RentalRead, responses={400: {}, 403: {}, 404: {}, 409: {}})
def give_back(data: ReturnIn, session: SessionDep, caller: Desk) -> RentalRead:
    """Take an asset back with the renter's member code; the deposit is refunded."""
    rental = rentals_service.give_back(
        session, caller.store_id, data.asset_code, data.member_code, station_code=data.station_code
    )
    return RentalRead.model_validate(rental)


@router.get("/rentals", response_model=list[RentalRead])
def list_rentals(session: SessionDep, caller: BackOffice, open_only: bool = False) -> list[RentalRead]:
    """Rentals, newest first (at most 200)."""
    rows = rentals_service.list_rentals(session, caller.store_id, open_only=open_only)
    return [RentalRead.model_validate(r) for r in rows]


@router.get("/overdue", response_model=list[RentalRead])
def list_overdue(session: SessionDep, caller: BackOffice) -> list[RentalRead]:
    """Rentals past their due time and not back yet, the longest overdue first."""
    return [RentalRead.model_validate(r) for r in rentals_service.overdue(session, caller.store_id, utcnow())]


@router.get("/usage", response_model=list[KindUsage])
def usage(session: SessionDep, caller: BackOffice) -> list[KindUsage]:
    """Uses per self-service kind (C4) over the last 30 days."""
    now = utcnow()
    counts = rentals_service.usage_by_kind(session, caller.store_id, now - timedelta(days=USAGE_DAYS), now)
    return [KindUsage(kind=k, uses=n) for k, n in sorted(counts.items())]
