"""Premises API: the store, floors, zones, shops, staff headcount and opening hours.

All staff read; managers and admins write; tenant staff see only their own shop (enforced in
``premises_service.shop_for`` / ``shops_for`` / ``headcount_for``, not here).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from store.auth.deps import CurrentStaff, Manager
from store.db import SessionDep
from store.premises import service as premises_service
from store.premises.models import ZoneKind
from store.premises.schemas import (
    FloorCreate,
    FloorRead,
    HeadcountRead,
    HeadcountSet,
    OpeningHoursRead,
    OpeningHoursSet,
    ShopAreaRead,
    ShopAreaSet,
    ShopCreate,
    ShopPage,
    ShopRead,
    ShopUpdate,
    StoreRead,
    StoreUpdate,
    ZoneCreate,
    ZoneRead,
)
from store.wire import Day, NotBool, Offset, RowId

router = APIRouter(prefix="/premises", tags=["premises"])


@router.get("/store", response_model=StoreRead)
def read_store(session: SessionDep, who: CurrentStaff) -> StoreRead:
    """The caller's store: names, timezone, smart-upgrade date."""
    return StoreRead.model_validate(premises_service.get_store(session, who.store_id))


@router.patch("/store", response_model=StoreRead)
def update_store(data: StoreUpdate, session: SessionDep, who: Manager) -> StoreRead:
    """Change the store's names, timezone, address or smart-upgrade date (managers)."""
    return StoreRead.model_validate(premises_service.update_store(session, who.store_id, data))


@router.get("/floors", response_model=list[FloorRead])
def list_floors(session: SessionDep, who: CurrentStaff) -> list[FloorRead]:
    """Floors from the lowest to the highest."""
    return [FloorRead.model_validate(f) for f in premises_service.list_floors(session, who.store_id)]


@router.post("/floors", response_model=FloorRead, status_code=status.HTTP_201_CREATED, responses={409: {}})
def create_floor(data: FloorCreate, session: SessionDep, who: Manager) -> FloorRead:
    """Add a floor (managers)."""
    return FloorRead.model_validate(premises_service.create_floor(session, who.store_id, data))


@router.get("/zones", response_model=list[ZoneRead], responses={404: {}})
def list_zones(
    session: SessionDep, who: CurrentStaff, floor: str | None = None, kind: ZoneKind | None = None
) -> list[ZoneRead]:
    """Zones (entrances, atria, selling and dining areas), optionally of one floor or kind."""
    floor_id = premises_service.get_floor_by_code(session, who.store_id, floor).id if floor else None
    zones = premises_service.list_zones(session, who.store_id, floor_id=floor_id, kind=kind)
    return [ZoneRead.model_validate(z) for z in zones]


@router.post("/zones", response_model=ZoneRead, status_code=status.HTTP_201_CREATED, responses={404: {}, 409: {}})
def create_zone(data: ZoneCreate, session: SessionDep, who: Manager) -> ZoneRead:
    """Add a zone to a floor (managers)."""
    return ZoneRead.model_validate(premises_service.create_zone(session, who.store_id, data))


@router.get("/shops", response_model=ShopPage, responses={404: {}})
def list_shops(
    session: SessionDep,
    who: CurrentStaff,
    limit: Annotated[int, Query(ge=1, le=500), NotBool] = 50,
    offset: Offset = 0,
    floor: Annotated[str | None, Query(description="Floor code, e.g. 1F")] = None,
    category: str | None = None,
    open_on: Annotated[Day | None, Query(description="Only shops trading on this day")] = None,
) -> ShopPage:
    """Shops by code, one page at a time (tenant staff see only their own)."""
    floor_id = premises_service.get_floor_by_code(session, who.store_id, floor).id if floor else None
    shops, total = premises_service.shops_for(
        session, who, limit=limit, offset=offset, floor_id=floor_id, category=category, open_on=open_on
    )
    return ShopPage(items=[ShopRead.model_validate(s) for s in shops], total=total, limit=limit, offset=offset)


@router.get("/shops/{shop_id}", response_model=ShopRead)
def read_shop(shop_id: RowId, session: SessionDep, who: CurrentStaff) -> ShopRead:
    """One shop (tenant staff: only their own)."""
    return ShopRead.model_validate(premises_service.shop_for(session, who, shop_id))


@router.post("/shops", response_model=ShopRead, status_code=status.HTTP_201_CREATED, responses={404: {}, 409: {}})
def create_shop(data: ShopCreate, session: SessionDep, who: Manager) -> ShopRead:
    """Open a new shop (managers); a duplicate code is a 409 naming the code."""
    return ShopRead.model_validate(premises_service.create_shop(session, who.store_id, data))


@router.patch("/shops/{shop_id}", response_model=ShopRead)
def update_shop(shop_id: RowId, data: ShopUpdate, session: SessionDep, who: Manager) -> ShopRead:
    """Change a shop: category, floor, dates, or its area from a day on (managers)."""
    return ShopRead.model_validate(premises_service.update_shop(session, who.store_id, shop_id, data))


@router.get("/shops/{shop_id}/areas", response_model=list[ShopAreaRead])
def list_shop_areas(shop_id: RowId, session: SessionDep, who: CurrentStaff) -> list[ShopAreaRead]:
    """A shop's selling area over time: each record holds from its day until the next (坪效 uses them)."""
    return [ShopAreaRead.model_validate(r) for r in premises_service.areas_for(session, who, shop_id)]


@router.put("/shops/{shop_id}/areas", response_model=ShopAreaRead)
def set_shop_area(shop_id: RowId, data: ShopAreaSet, session: SessionDep, who: Manager) -> ShopAreaRead:
    """Record a shop's selling area from a day on; the days before keep theirs (managers)."""
    row = premises_service.set_area(
        session, who.store_id, shop_id, effective_on=data.effective_on, selling_area_m2=data.selling_area_m2
    )
    return ShopAreaRead.model_validate(row)


@router.get("/headcount", response_model=list[HeadcountRead], responses={404: {}})
def list_headcount(session: SessionDep, who: CurrentStaff, shop_id: RowId | None = None) -> list[HeadcountRead]:
    """Headcount entries by effective date (each holds until the next one of the same shop)."""
    entries = premises_service.headcount_for(session, who, shop_id=shop_id)
    return [HeadcountRead.model_validate(e) for e in entries]


@router.put("/headcount", response_model=HeadcountRead, responses={404: {}})
def set_headcount(data: HeadcountSet, session: SessionDep, who: Manager) -> HeadcountRead:
    """Set the headcount of a shop (or the store's own staff) from a day on (managers)."""
    row = premises_service.set_headcount(
        session, who.store_id, shop_id=data.shop_id, effective_on=data.effective_on, headcount=data.headcount
    )
    return HeadcountRead.model_validate(row)


@router.get("/opening-hours", response_model=list[OpeningHoursRead])
def list_opening_hours(session: SessionDep, who: CurrentStaff) -> list[OpeningHoursRead]:
    """The store's opening hours, Monday (0) to Sunday (6)."""
    return [OpeningHoursRead.model_validate(h) for h in premises_service.list_opening_hours(session, who.store_id)]


@router.put("/opening-hours", response_model=OpeningHoursRead)
def set_opening_hours(data: OpeningHoursSet, session: SessionDep, who: Manager) -> OpeningHoursRead:
    """Set the opening hours of one weekday (managers)."""
    row = premises_service.set_opening_hours(session, who.store_id, data.weekday, data.opens_at, data.closes_at)
    return OpeningHoursRead.model_validate(row)
