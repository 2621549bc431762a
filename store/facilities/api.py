"""Facilities API: the device register and status wall, alerts, commands to devices, coverage surveys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from store.auth.deps import Principal, require
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.config import get_settings
from store.db import SessionDep
from store.facilities import metrics as _metrics  # noqa: F401  (adds the facilities figures to /metrics)
from store.facilities import service as facilities_service
from store.facilities.mqtt import publisher
from store.facilities.schemas import (
    AlertRead,
    CommandIn,
    CommandRead,
    DeviceCreate,
    DeviceRead,
    DeviceStatusRead,
    LatestValue,
    SurveyIn,
    SurveyRead,
)
from store.premises import service as premises_service
from store.wire import RowId

router = APIRouter(prefix="/facilities", tags=["facilities"])

Operator = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.security))]
BackOffice = Annotated[Principal, Depends(require(Role.admin, Role.manager))]


def _who(principal: Principal) -> str:
    return principal.user.username if principal.user else principal.label


@router.get("/devices", response_model=list[DeviceStatusRead])
def list_devices(session: SessionDep, caller: Operator) -> list[DeviceStatusRead]:
    """The status wall: every device in service, its zone and latest values; a stale device shows none."""
    wall = facilities_service.status_wall(session, caller.store_id, utcnow())
    return [
        DeviceStatusRead(
            device=DeviceRead.model_validate(s.device),
            zone=s.zone,
            floor=s.floor,
            stale=s.stale,
            latest=[LatestValue(metric=m, value=v, measured_at=at) for m, (v, at) in sorted(s.latest.items())],
        )
        for s in wall
    ]


@router.post("/devices", response_model=DeviceRead, status_code=201, responses={400: {}})
def create_device(data: DeviceCreate, session: SessionDep, caller: BackOffice) -> DeviceRead:
    """Register a device; its code names its MQTT topics."""
    device = facilities_service.create_device(session, caller.store_id, **data.model_dump())
    return DeviceRead.model_validate(device)


@router.get("/alerts", response_model=list[AlertRead])
def list_alerts(session: SessionDep, caller: Operator, open_only: bool = True) -> list[AlertRead]:
    """Alerts of the store, newest first; by default only those still active."""
    rows = facilities_service.list_alerts(session, caller.store_id, open_only=open_only)
    return [AlertRead.model_validate(row) for row in rows]


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertRead)
def acknowledge_alert(alert_id: RowId, session: SessionDep, caller: Operator) -> AlertRead:
    """Acknowledge an alert (who and when are kept); acknowledging twice keeps the first."""
    row = facilities_service.acknowledge_alert(session, caller.store_id, alert_id, by=_who(caller), now=utcnow())
    return AlertRead.model_validate(row)


@router.post("/devices/{device_id}/commands", response_model=CommandRead, responses={400: {}, 503: {}})
def send_command(device_id: RowId, data: CommandIn, session: SessionDep, caller: BackOffice) -> JSONResponse:
    """Send a command (smart power, IP broadcast): logged with the sender, published at QoS 1, never retained."""
    settings = get_settings()
    store = premises_service.get_store(session, caller.store_id)
    row, error = facilities_service.send_command(
        session,
        store,
        device_id,
        action=data.action,
        args=data.args,
        sent_by=_who(caller),
        publish=publisher(settings.mqtt_host, settings.mqtt_port),
    )
    if error is not None:  # the log row is committed all the same: an attempt is never lost
        return JSONResponse(error.problem(), status_code=error.status_code, media_type="application/problem+json")
    return JSONResponse(CommandRead.model_validate(row).model_dump(mode="json"), status_code=201)


@router.post("/surveys", response_model=SurveyRead, status_code=201, responses={400: {}})
def add_survey(data: SurveyIn, session: SessionDep, caller: BackOffice) -> SurveyRead:
    """Record one WiFi / 5G measurement of a zone (F1 网络通信设施)."""
    store = premises_service.get_store(session, caller.store_id)
    row = facilities_service.add_survey(
        session,
        caller.store_id,
        **data.model_dump(),
        recorded_by=_who(caller),
        today=business_day(utcnow(), store.timezone),
    )
    return SurveyRead.model_validate(row)
