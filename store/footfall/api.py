"""Footfall API: camera nodes post counts per entrance and occupancy per zone; staff read the counts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.db import SessionDep
from store.footfall import service as footfall_service
from store.footfall.schemas import (
    CountsRecorded,
    FootfallBatch,
    FootfallCountPage,
    FootfallCountRead,
    OccupancyBatch,
    OccupancyRead,
)
from store.idempotency import IdempotencyKey, respond_once
from store.wire import Day, NotBool, Offset, RowId

router = APIRouter(prefix="/footfall", tags=["footfall"])

Camera = Annotated[Principal, Depends(require(Role.admin, Role.manager, devices=(DeviceKind.camera_node,)))]
Reader = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.marketing, Role.security))]


def _device_id(principal: Principal) -> int | None:
    return principal.device.id if principal.device is not None else None


@router.post("/counts", response_model=CountsRecorded, responses={400: {}, 409: {}})
def post_counts(
    request: Request, data: FootfallBatch, session: SessionDep, camera: Camera, key: IdempotencyKey = None
) -> JSONResponse:
    """Record people in and out per entrance and interval; a resent interval replaces, never doubles."""
    return respond_once(
        session,
        request,
        camera.label,
        key=key,
        payload=data,
        status_code=200,
        produce=lambda: footfall_service.record_batch(session, camera.store_id, data, device_id=_device_id(camera)),
    )


@router.post("/occupancy", response_model=list[OccupancyRead], responses={400: {}, 409: {}})
def post_occupancy(
    request: Request, data: OccupancyBatch, session: SessionDep, camera: Camera, key: IdempotencyKey = None
) -> JSONResponse:
    """Record how many people zones held at given moments."""

    def produce() -> list[dict]:
        rows = footfall_service.record_occupancy(session, camera.store_id, data, device_id=_device_id(camera))
        return [OccupancyRead.model_validate(row).model_dump(mode="json") for row in rows]

    return respond_once(session, request, camera.label, key=key, payload=data, status_code=200, produce=produce)


@router.get("/counts", response_model=FootfallCountPage)
def list_counts(
    session: SessionDep,
    reader: Reader,
    zone_id: RowId | None = None,
    day: Annotated[Day | None, Query(description="Business day in the store's timezone")] = None,
    limit: Annotated[int, Query(ge=1, le=1000), NotBool] = 100,
    offset: Offset = 0,
) -> FootfallCountPage:
    """Counted intervals, newest first, by entrance zone and business day."""
    rows, total = footfall_service.list_counts(
        session, reader.store_id, zone_id=zone_id, day=day, limit=limit, offset=offset
    )
    items = [FootfallCountRead.model_validate(row) for row in rows]
    return FootfallCountPage(items=items, total=total, limit=limit, offset=offset)
