"""视频巡更 Patrol: cameras and their status, a live-ish view with the heatmap, open findings (acknowledge,
close), patrol routes and rounds (started here by security staff), the patrol log, and the privacy notice.

Snapshots shown here were pixelated on the camera box before they left it: no frame with a recognisable
person reaches the store (PIPL art. 26). A stop's viewing time is measured by the server, from the round's
start or the previous stop to the moment the guard records the stop.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, select

from admin.deps import CheckedForm, StaffContext, require_role
from admin.i18n import N_
from admin.render import render
from store.auth.models import Role
from store.clock import utcnow
from store.db import SessionDep
from store.errors import StoreError
from store.patrol import service as patrol_service
from store.patrol.models import PatrolRoundStop, PatrolStop
from store.patrol.schemas import StopViewIn

router = APIRouter(prefix="/admin/patrol", include_in_schema=False)

Guard = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.security))]
REFRESH_S = 5  # the live-ish view reloads its snapshot this often

FINDING_LABELS = {
    "offline": N_("Camera offline"),
    "frozen": N_("Picture frozen"),
    "black": N_("Picture black"),
    "white": N_("Picture white"),
    "covered": N_("Lens covered"),
    "blur": N_("Out of focus"),
    "moved": N_("View moved"),
    "crowd_warn": N_("Crowding (70% of capacity)"),
    "crowd_alarm": N_("Crowding (90% of capacity)"),
    "intrusion": N_("Person in a restricted zone after hours"),
    "exit_blocked": N_("Fire exit blocked"),
    "checklist": N_("Checklist item not right"),
}
ROLE_LABELS = {"entrance": N_("Entrance"), "area": N_("Area"), "exit": N_("Fire exit"), "restricted": N_("Restricted")}
STATUS_LABELS = (N_("Open"), N_("Acknowledged"), N_("Closed"), N_("Running"), N_("Complete"), N_("Incomplete"))


def _helpers(staff: StaffContext) -> dict[str, Any]:
    zone = ZoneInfo(staff.store_timezone)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if moment else ""

    return {"local": local, "finding_labels": FINDING_LABELS, "role_labels": ROLE_LABELS}


def _cameras(session: Any, store_id: int) -> dict[int, Any]:
    return {c.id: c for c in patrol_service.list_cameras(session, store_id)}  # type: ignore[misc]


@router.get("")
def overview(request: Request, session: SessionDep, staff: Guard) -> Response:
    """Cameras, open findings, routes and the patrol log on one page."""
    now = utcnow()
    cameras = patrol_service.list_cameras(session, staff.store_id)
    context = {
        "cameras": [(c, patrol_service.is_online(c, now)) for c in cameras],
        "names": {c.id: c.name for c in cameras},
        "findings": patrol_service.list_findings(session, staff.store_id, status="unclosed"),
        "routes": [patrol_service.route_read(session, r) for r in patrol_service.list_routes(session, staff.store_id)],
        "rounds": patrol_service.list_rounds(session, staff.store_id, limit=20),
        "route_names": {r.id: r.name for r in patrol_service.list_routes(session, staff.store_id)},
        "refresh_s": REFRESH_S,
    } | _helpers(staff)
    return render(request, "patrol/index.html", context, staff=staff)


@router.get("/cameras/{camera_id}")
def camera_view(request: Request, session: SessionDep, staff: Guard, camera_id: int) -> Response:
    """The latest snapshot (people blurred), refreshed, with today's heatmap over it."""
    camera = patrol_service.get_camera(session, staff.store_id, camera_id)
    now = utcnow()
    grid = patrol_service.heatmap(
        session, staff.store_id, camera_id, now - timedelta(hours=24), now + timedelta(hours=1)
    )
    cells: list[float] = []
    if grid is not None:
        peak = max(grid.cells) or 1
        cells = [round(v / peak, 3) for v in grid.cells]
    context = {
        "camera": camera,
        "online": patrol_service.is_online(camera, now),
        "grid": grid,
        "cells": cells,
        "refresh_s": REFRESH_S,
        "findings": [
            f
            for f in patrol_service.list_findings(session, staff.store_id, status="unclosed")
            if f.camera_id == camera_id
        ],
    } | _helpers(staff)
    return render(request, "patrol/camera.html", context, staff=staff)


@router.get("/cameras/{camera_id}/snapshot.jpg")
def snapshot(session: SessionDep, staff: Guard, camera_id: int) -> Response:
    camera = patrol_service.get_camera(session, staff.store_id, camera_id)
    if camera.snapshot is None:
        return Response(status_code=404)
    return Response(camera.snapshot, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/findings/{finding_id}/snapshot.jpg")
def finding_snapshot(session: SessionDep, staff: Guard, finding_id: int) -> Response:
    finding = patrol_service.get_finding(session, staff.store_id, finding_id)
    if finding.snapshot is None:
        return Response(status_code=404)
    return Response(finding.snapshot, media_type="image/jpeg")


def _back(request: Request, fallback: str = "/admin/patrol") -> RedirectResponse:
    target = request.headers.get("referer") or fallback
    if "://" in target:
        target = "/" + target.split("://", 1)[1].split("/", 1)[-1]
    return RedirectResponse(target if target.startswith("/admin/patrol") else fallback, status_code=303)


@router.post("/findings/{finding_id}/acknowledge")
def acknowledge(request: Request, session: SessionDep, staff: Guard, form: CheckedForm, finding_id: int) -> Response:
    try:
        patrol_service.acknowledge(session, staff.store_id, finding_id, staff.username)
    except StoreError as exc:
        if exc.status_code == 404:
            raise
    return _back(request)


@router.post("/findings/{finding_id}/close")
def close(request: Request, session: SessionDep, staff: Guard, form: CheckedForm, finding_id: int) -> Response:
    try:
        patrol_service.close(session, staff.store_id, finding_id, staff.username)
    except StoreError as exc:
        if exc.status_code == 404:
            raise
    return _back(request)


@router.post("/cameras/{camera_id}/rebaseline")
def rebaseline(request: Request, session: SessionDep, staff: Guard, form: CheckedForm, camera_id: int) -> Response:
    patrol_service.request_rebaseline(session, staff.store_id, camera_id)
    return RedirectResponse(f"/admin/patrol/cameras/{camera_id}?rebaselined=1", status_code=303)


@router.post("/routes/{route_id}/rounds")
def start_round(request: Request, session: SessionDep, staff: Guard, form: CheckedForm, route_id: int) -> Response:
    round_ = patrol_service.start_round(session, staff.store_id, route_id, staff.username)
    return RedirectResponse(f"/admin/patrol/rounds/{round_.id}", status_code=303)


def _round_context(session: Any, staff: StaffContext, round_id: int) -> dict[str, Any]:
    round_ = patrol_service.get_round(session, staff.store_id, round_id)
    stops = list(
        session.exec(
            select(PatrolStop).where(PatrolStop.route_id == round_.route_id).order_by(col(PatrolStop.position))
        )
    )
    views = {v.stop_id: v for v in session.exec(select(PatrolRoundStop).where(PatrolRoundStop.round_id == round_id))}
    route = patrol_service.get_route(session, staff.store_id, round_.route_id)
    cameras = _cameras(session, staff.store_id)
    return {"round": round_, "route": route, "stops": stops, "views": views, "cameras": cameras} | _helpers(staff)


@router.get("/rounds/{round_id}")
def round_page(request: Request, session: SessionDep, staff: Guard, round_id: int) -> Response:
    """A round: each stop's camera and checklist; the guard records a stop after looking at it."""
    return render(request, "patrol/round.html", _round_context(session, staff, round_id), staff=staff)


@router.post("/rounds/{round_id}/stops/{stop_id}")
def record_stop(
    request: Request, session: SessionDep, staff: Guard, form: CheckedForm, round_id: int, stop_id: int
) -> Response:
    round_ = patrol_service.get_round(session, staff.store_id, round_id)
    stop = session.get(PatrolStop, stop_id)
    if stop is None or stop.route_id != round_.route_id:
        return RedirectResponse(f"/admin/patrol/rounds/{round_id}", status_code=303)
    views = list(session.exec(select(PatrolRoundStop).where(PatrolRoundStop.round_id == round_id)))
    since = max([round_.started_at, *(v.viewed_at for v in views if v.stop_id != stop_id)])
    viewed_s = max(0, min(int((utcnow() - since).total_seconds()), 86400))
    checks = {item: form.get(f"check_{i}") == "ok" for i, item in enumerate(stop.checklist)}
    data = StopViewIn(stop_id=stop_id, viewed_s=viewed_s, checks=checks, note=form.get("note", "")[:500])
    try:
        patrol_service.view_stop(session, staff.store_id, round_id, data)
    except StoreError as exc:
        context = _round_context(session, staff, round_id) | {"error": exc.message}
        return render(request, "patrol/round.html", context, staff=staff, status_code=exc.status_code)
    return RedirectResponse(f"/admin/patrol/rounds/{round_id}", status_code=303)


@router.post("/rounds/{round_id}/finish")
def finish(request: Request, session: SessionDep, staff: Guard, form: CheckedForm, round_id: int) -> Response:
    try:
        patrol_service.finish_round(session, staff.store_id, round_id)
    except StoreError as exc:
        if exc.status_code == 404:
            raise
    return RedirectResponse("/admin/patrol#rounds", status_code=303)


@router.get("/privacy")
def privacy(request: Request, staff: Guard) -> Response:
    """The notice for the signs at the entrances (PIPL art. 26), ready to print."""
    return render(request, "patrol/privacy.html", {}, staff=staff)
