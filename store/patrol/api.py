"""Patrol API: camera nodes read their cameras and post status, heatmaps and findings; staff manage cameras,
patrol routes and rounds, and acknowledge and close findings."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.db import SessionDep
from store.idempotency import IdempotencyKey, respond_once
from store.patrol import service as patrol_service
from store.patrol.schemas import (
    CameraIn,
    CameraRead,
    EventsRecorded,
    FindingBatch,
    FindingRead,
    HeatmapBatch,
    NodeConfig,
    RoundRead,
    RouteIn,
    RouteRead,
    StatusBatch,
    StopViewIn,
)
from store.wire import RowId

router = APIRouter(prefix="/patrol", tags=["patrol"])

Node = Annotated[Principal, Depends(require(devices=(DeviceKind.camera_node,)))]
Security = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.security))]
Manager = Annotated[Principal, Depends(require(Role.admin, Role.manager))]


def _device_id(principal: Principal) -> int | None:
    return principal.device.id if principal.device is not None else None


def _who(principal: Principal) -> str:
    return principal.user.username if principal.user is not None else principal.label


# Camera nodes
@router.get("/node/config", response_model=NodeConfig)
def node_config(session: SessionDep, node: Node) -> NodeConfig:
    """The cameras this camera node reads: sources, counting lines, zones and check thresholds."""
    return patrol_service.node_config(session, node.store_id, node.device.id)  # type: ignore[union-attr, arg-type]


@router.post("/node/status", response_model=list[CameraRead], responses={400: {}})
def post_status(data: StatusBatch, session: SessionDep, node: Node) -> list[CameraRead]:
    """Each camera's last frame time, fps, people in view and latest snapshot (people blurred)."""
    cameras = patrol_service.record_status(session, node.store_id, _device_id(node), data)
    return [patrol_service.camera_read(c) for c in cameras]


@router.post("/node/heatmaps", response_model=int, responses={400: {}, 409: {}})
def post_heatmaps(
    request: Request, data: HeatmapBatch, session: SessionDep, node: Node, key: IdempotencyKey = None
) -> JSONResponse:
    """Hourly dwell grids per camera; a resent hour replaces the earlier grid."""
    return respond_once(
        session,
        request,
        node.label,
        key=key,
        payload=data,
        status_code=200,
        produce=lambda: patrol_service.record_heatmaps(session, node.store_id, _device_id(node), data),
    )


@router.post("/node/findings", response_model=EventsRecorded, responses={400: {}, 409: {}})
def post_findings(
    request: Request, data: FindingBatch, session: SessionDep, node: Node, key: IdempotencyKey = None
) -> JSONResponse:
    """Checks that raised (a new finding, one per camera and kind) or cleared (its recovery)."""
    return respond_once(
        session,
        request,
        node.label,
        key=key,
        payload=data,
        status_code=200,
        produce=lambda: patrol_service.record_events(session, node.store_id, _device_id(node), data),
    )


# Staff
@router.get("/cameras", response_model=list[CameraRead])
def list_cameras(session: SessionDep, staff: Security) -> list[CameraRead]:
    """Every camera of the store with its status (online, last frame, fps)."""
    return [patrol_service.camera_read(c) for c in patrol_service.list_cameras(session, staff.store_id)]


@router.post("/cameras", response_model=CameraRead, status_code=201, responses={400: {}, 409: {}})
def create_camera(data: CameraIn, session: SessionDep, staff: Manager) -> CameraRead:
    """Register a camera, the node that reads it, and where it counts and watches."""
    return patrol_service.camera_read(patrol_service.create_camera(session, staff.store_id, data))


@router.post("/cameras/{camera_id}/rebaseline", response_model=CameraRead, responses={404: {}})
def rebaseline(camera_id: RowId, session: SessionDep, staff: Security) -> CameraRead:
    """Ask the node to take the camera's current view as its reference (after maintenance)."""
    return patrol_service.camera_read(patrol_service.request_rebaseline(session, staff.store_id, camera_id))


@router.get("/findings", response_model=list[FindingRead])
def list_findings(
    session: SessionDep,
    staff: Security,
    status: Annotated[Literal["open", "acknowledged", "closed", "unclosed"] | None, Query()] = None,
) -> list[FindingRead]:
    """Findings, newest first (``unclosed``: open and acknowledged)."""
    rows = patrol_service.list_findings(session, staff.store_id, status=status)
    return [FindingRead.model_validate(r) for r in rows]


@router.post("/findings/{finding_id}/acknowledge", response_model=FindingRead, responses={404: {}, 409: {}})
def acknowledge(finding_id: RowId, session: SessionDep, staff: Security) -> FindingRead:
    return FindingRead.model_validate(patrol_service.acknowledge(session, staff.store_id, finding_id, _who(staff)))


@router.post("/findings/{finding_id}/close", response_model=FindingRead, responses={404: {}, 409: {}})
def close(finding_id: RowId, session: SessionDep, staff: Security) -> FindingRead:
    return FindingRead.model_validate(patrol_service.close(session, staff.store_id, finding_id, _who(staff)))


@router.get("/routes", response_model=list[RouteRead])
def list_routes(session: SessionDep, staff: Security) -> list[RouteRead]:
    return [patrol_service.route_read(session, r) for r in patrol_service.list_routes(session, staff.store_id)]


@router.post("/routes", response_model=RouteRead, status_code=201, responses={400: {}, 409: {}})
def create_route(data: RouteIn, session: SessionDep, staff: Manager) -> RouteRead:
    """A patrol route: cameras in order, each with a minimum viewing time and a checklist; optionally scheduled."""
    return patrol_service.route_read(session, patrol_service.create_route(session, staff.store_id, data))


@router.get("/rounds", response_model=list[RoundRead])
def list_rounds(session: SessionDep, staff: Security) -> list[RoundRead]:
    """The patrol log: rounds newest first with their coverage."""
    return [RoundRead.model_validate(r) for r in patrol_service.list_rounds(session, staff.store_id)]


@router.post("/routes/{route_id}/rounds", response_model=RoundRead, status_code=201, responses={404: {}})
def start_round(route_id: RowId, session: SessionDep, staff: Security) -> RoundRead:
    """Start a round of a route by hand."""
    return RoundRead.model_validate(patrol_service.start_round(session, staff.store_id, route_id, _who(staff)))


@router.post("/rounds/{round_id}/stops", response_model=RoundRead, responses={400: {}, 404: {}, 409: {}})
def view_stop(round_id: RowId, data: StopViewIn, session: SessionDep, staff: Security) -> RoundRead:
    """Record a stop viewed: for how long, and each checklist item right or not (not right: a finding)."""
    patrol_service.view_stop(session, staff.store_id, round_id, data)
    return RoundRead.model_validate(patrol_service.get_round(session, staff.store_id, round_id))


@router.post("/rounds/{round_id}/finish", response_model=RoundRead, responses={404: {}, 409: {}})
def finish_round(round_id: RowId, session: SessionDep, staff: Security) -> RoundRead:
    """End a round: complete when every stop was viewed for its minimum time, else incomplete."""
    return RoundRead.model_validate(patrol_service.finish_round(session, staff.store_id, round_id))
