"""Wayfinding API: kiosk heartbeats (device key), routes between places, the IMDF archive, connector status."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.db import SessionDep
from store.wayfinding import routing
from store.wayfinding import service as wayfinding_service
from store.wayfinding.errors import KioskNotFound, KioskOfAnotherDevice
from store.wayfinding.schemas import ConnectorStatusIn, HeartbeatIn, KioskRead, RouteRead

router = APIRouter(prefix="/wayfinding", tags=["wayfinding"])

KioskDevice = Annotated[Principal, Depends(require(devices=(DeviceKind.kiosk,)))]
Reader = Annotated[Principal, Depends(require(*Role, devices=(DeviceKind.kiosk,)))]
BackOffice = Annotated[Principal, Depends(require(Role.admin, Role.manager))]
Operator = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.security))]


def route_url(start: str, goal: str, profile: str = "default") -> str:
    """The stable kiosk / phone page of a route (see docs/contracts.md)."""
    params = {"to": goal, "from": start} if start else {"to": goal}
    if profile != "default":
        params["mode"] = profile
    return "/kiosk/route?" + urlencode(params)


@router.post("/kiosks/heartbeat", response_model=KioskRead, responses={403: {}, 404: {}})
def heartbeat(body: HeartbeatIn, session: SessionDep, device: KioskDevice) -> KioskRead:
    """A kiosk says it is alive; the admin shows it online for three minutes after. A kiosk without a device is
    bound to the caller's; one bound to another device is refused (403)."""
    kiosk = wayfinding_service.kiosk_by_code(session, device.store_id, body.kiosk)
    if kiosk is None:
        raise KioskNotFound(f"no kiosk {body.kiosk} in this store: place it in the admin first")
    if device.device is not None and kiosk.device_id not in (None, device.device.id):
        raise KioskOfAnotherDevice(f"kiosk {body.kiosk} is bound to another device")
    if device.device is not None and kiosk.device_id is None:
        kiosk.device_id = device.device.id
    wayfinding_service.beat(session, kiosk)
    return KioskRead(**kiosk.model_dump(), online=True)


@router.get("/route", response_model=RouteRead, responses={404: {}, 409: {}})
def get_route(
    session: SessionDep,
    caller: Reader,
    to: Annotated[str, Query(max_length=80, description="shop:<code>, anchor:<id> or amenity:<id>")],
    from_: Annotated[str, Query(alias="from", max_length=80)],
    mode: Literal["default", "accessible"] = "default",
) -> RouteRead:
    """The shortest route between two places; accessible mode never uses stairs or escalators (409 if none)."""
    profile = routing.Profile(mode)
    found = wayfinding_service.route(session, caller.store_id, from_, to, profile)
    loaded = wayfinding_service.load(session, caller.store_id)
    steps = routing.describe(loaded.data, found, to, "zh_CN")
    data = routing.as_dict(found)
    return RouteRead(**data, steps=steps, url=route_url(from_, to, mode))


@router.get("/imdf", response_class=Response)
def export_imdf(session: SessionDep, caller: BackOffice) -> Response:
    """The store's map as an IMDF archive (zip of GeoJSON, WGS84)."""
    body = wayfinding_service.export_archive(session, caller.store_id)
    headers = {"Content-Disposition": 'attachment; filename="imdf.zip"'}
    return Response(body, media_type="application/zip", headers=headers)


@router.put("/connectors/{feature_id}/status", responses={404: {}})
def set_connector_status(
    feature_id: str, body: ConnectorStatusIn, session: SessionDep, caller: Operator
) -> dict[str, str]:
    """Mark a lift, escalator or stairs in or out of service; routes leave it at once."""
    row = wayfinding_service.set_in_service(session, caller.store_id, feature_id, body.in_service)
    return {"id": row.id, "status": str(row.properties["status"])}
