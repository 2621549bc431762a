"""Patrol logic: cameras and their status, heatmaps, findings (one open per camera and kind), routes and rounds.

A camera is *online* while its node reported a frame within ``ONLINE_WITHIN``. A finding is raised by a
camera node's check (or a patrol round) and is open until staff acknowledge and close it; the node's
"clear" records the recovery on the same finding, so an outage makes exactly one finding.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.clock import utcnow
from store.patrol.errors import (
    BadPatrolInput,
    CameraNotFound,
    FindingNotFound,
    PatrolConflict,
    RoundNotFound,
    RouteNotFound,
)
from store.patrol.models import (
    Camera,
    CameraHeatmap,
    CameraRole,
    FindingKind,
    FindingStatus,
    PatrolFinding,
    PatrolRound,
    PatrolRoundStop,
    PatrolRoute,
    PatrolStop,
    RoundStatus,
)
from store.patrol.schemas import (
    CameraConfig,
    CameraIn,
    CameraRead,
    CameraSettings,
    EventsRecorded,
    FindingBatch,
    HeatmapBatch,
    NodeConfig,
    OpeningHoursWire,
    RouteIn,
    RouteRead,
    StatusBatch,
    StopRead,
    StopViewIn,
)
from store.premises import service as premises_service
from store.scoping import get_in_store

ONLINE_WITHIN = timedelta(minutes=2)
# A round's stop counts as viewed by the schedule when its camera is online and showed frames at least this long.
JPEG_MAGIC = b"\xff\xd8\xff"


def _snapshot(text: str | None, where: str) -> bytes | None:
    if text is None:
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadPatrolInput(f"{where}: snapshot_jpeg is not base64") from None
    if not data.startswith(JPEG_MAGIC):
        raise BadPatrolInput(f"{where}: snapshot_jpeg is not a JPEG")
    return data


def is_online(camera: Camera, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return camera.active and camera.last_frame_at is not None and now - camera.last_frame_at <= ONLINE_WITHIN


def camera_read(camera: Camera, now: datetime | None = None) -> CameraRead:
    read = CameraRead.model_validate(camera)
    read.online = is_online(camera, now)
    return read


# Cameras
def get_camera(session: Session, store_id: int, camera_id: int) -> Camera:
    return get_in_store(session, Camera, camera_id, store_id=store_id, not_found=CameraNotFound, label="camera")


def list_cameras(session: Session, store_id: int, *, device_id: int | None = None) -> list[Camera]:
    query = select(Camera).where(Camera.store_id == store_id)
    if device_id is not None:
        query = query.where(Camera.device_id == device_id, col(Camera.active).is_(True))
    return list(session.exec(query.order_by(col(Camera.code))))


def create_camera(session: Session, store_id: int, data: CameraIn) -> Camera:
    if data.zone_id is not None:
        zones = {z.id for z in premises_service.list_zones(session, store_id)}
        if data.zone_id not in zones:
            raise BadPatrolInput(f"zone {data.zone_id} does not exist in this store")
    if data.device_id is not None:
        from store.auth.models import Device, DeviceKind

        device = session.get(Device, data.device_id)
        if device is None or device.store_id != store_id or device.kind != DeviceKind.camera_node:
            raise BadPatrolInput(f"device {data.device_id} is not a camera node of this store")
    taken = session.exec(select(Camera).where(Camera.store_id == store_id, Camera.code == data.code)).first()
    if taken is not None:
        raise PatrolConflict(f"camera code {data.code!r} is already used")
    camera = Camera(
        store_id=store_id,
        device_id=data.device_id,
        zone_id=data.zone_id,
        code=data.code,
        name=data.name,
        role=CameraRole(data.role),
        source=data.source,
        settings=data.settings.model_dump(),
    )
    session.add(camera)
    session.flush()
    return camera


def request_rebaseline(session: Session, store_id: int, camera_id: int) -> Camera:
    """Staff ask the node to take the camera's current view as its reference (after maintenance)."""
    camera = get_camera(session, store_id, camera_id)
    camera.rebaseline_at = utcnow()
    session.flush()
    return camera


def node_config(session: Session, store_id: int, device_id: int) -> NodeConfig:
    """The cameras a node reads, with their lines, zones and thresholds."""
    cameras = [
        CameraConfig(
            id=c.id,  # type: ignore[arg-type]
            code=c.code,
            name=c.name,
            role=CameraRole(c.role).value,  # type: ignore[arg-type]
            source=c.source,
            zone_id=c.zone_id,
            settings=CameraSettings.model_validate(c.settings),
            rebaseline_at=c.rebaseline_at,
        )
        for c in list_cameras(session, store_id, device_id=device_id)
    ]
    hours = [
        OpeningHoursWire(
            weekday=h.weekday, opens_at=h.opens_at.strftime("%H:%M"), closes_at=h.closes_at.strftime("%H:%M")
        )
        for h in premises_service.list_opening_hours(session, store_id)
    ]
    return NodeConfig(cameras=cameras, timezone=premises_service.get_store(session, store_id).timezone, hours=hours)


def _node_cameras(session: Session, store_id: int, device_id: int | None, ids: set[int]) -> dict[int, Camera]:
    """The cameras named, if all of them belong to this store (and to this node when a node posts)."""
    rows = {c.id: c for c in session.exec(select(Camera).where(col(Camera.id).in_(ids), Camera.store_id == store_id))}
    wrong = sorted(i for i in ids if i not in rows or (device_id is not None and rows[i].device_id != device_id))
    if wrong:
        raise BadPatrolInput(f"cameras {wrong} are not read by this node")
    return rows  # type: ignore[return-value]


def record_status(session: Session, store_id: int, device_id: int | None, data: StatusBatch) -> list[Camera]:
    cameras = _node_cameras(session, store_id, device_id, {s.camera_id for s in data.cameras})
    snapshots = [_snapshot(s.snapshot_jpeg, f"cameras.{i}") for i, s in enumerate(data.cameras)]
    now = utcnow()
    for status, snapshot in zip(data.cameras, snapshots, strict=True):
        camera = cameras[status.camera_id]
        if status.frame_at is not None:
            camera.last_frame_at = min(status.frame_at, now)
        camera.fps, camera.people = status.fps, status.people
        if snapshot is not None:
            camera.snapshot, camera.snapshot_at = snapshot, now
    session.flush()
    return list(cameras.values())


def record_heatmaps(session: Session, store_id: int, device_id: int | None, data: HeatmapBatch) -> int:
    """Store hourly heatmaps; a resent hour replaces the earlier grid."""
    _node_cameras(session, store_id, device_id, {h.camera_id for h in data.heatmaps})
    for i, heatmap in enumerate(data.heatmaps):
        if len(heatmap.cells) != heatmap.cols * heatmap.rows:
            raise BadPatrolInput(f"heatmaps.{i}: {len(heatmap.cells)} cells for a {heatmap.cols}x{heatmap.rows} grid")
        if heatmap.hour_start.minute or heatmap.hour_start.second or heatmap.hour_start.microsecond:
            raise BadPatrolInput(f"heatmaps.{i}: hour_start must be on the hour")
    for heatmap in data.heatmaps:
        row = session.exec(
            select(CameraHeatmap).where(
                CameraHeatmap.camera_id == heatmap.camera_id, CameraHeatmap.hour_start == heatmap.hour_start
            )
        ).first()
        if row is None:
            row = CameraHeatmap(
                store_id=store_id, camera_id=heatmap.camera_id, hour_start=heatmap.hour_start, cols=1, rows=1
            )
            session.add(row)
        row.cols, row.rows, row.cells = heatmap.cols, heatmap.rows, list(heatmap.cells)
    session.flush()
    return len(data.heatmaps)


def heatmap(session: Session, store_id: int, camera_id: int, start: datetime, end: datetime) -> CameraHeatmap | None:
    """The dwell grid of a camera summed over ``start``..``end`` (None when nothing was posted)."""
    rows = list(
        session.exec(
            select(CameraHeatmap).where(
                CameraHeatmap.store_id == store_id,
                CameraHeatmap.camera_id == camera_id,
                CameraHeatmap.hour_start >= start,
                CameraHeatmap.hour_start < end,
            )
        )
    )
    if not rows:
        return None
    first = rows[-1]
    total = [0] * (first.cols * first.rows)
    for row in rows:
        if (row.cols, row.rows) == (first.cols, first.rows):
            total = [a + b for a, b in zip(total, row.cells, strict=True)]
    return CameraHeatmap(
        store_id=store_id, camera_id=camera_id, hour_start=start, cols=first.cols, rows=first.rows, cells=total
    )


# Findings
def _open_finding(session: Session, camera_id: int, kind: str) -> PatrolFinding | None:
    return session.exec(
        select(PatrolFinding).where(
            PatrolFinding.camera_id == camera_id,
            PatrolFinding.kind == kind,
            col(PatrolFinding.cleared_at).is_(None),
            PatrolFinding.status != FindingStatus.closed,
        )
    ).first()


def record_events(session: Session, store_id: int, device_id: int | None, data: FindingBatch) -> EventsRecorded:
    """Raise and clear findings: a raise while one is open for the camera and kind adds nothing."""
    _node_cameras(session, store_id, device_id, {e.camera_id for e in data.events})
    snapshots = [_snapshot(e.snapshot_jpeg, f"events.{i}") for i, e in enumerate(data.events)]
    raised = cleared = ignored = 0
    for event, snapshot in zip(sorted(data.events, key=lambda e: e.at), snapshots, strict=True):
        current = _open_finding(session, event.camera_id, event.kind)
        if event.state == "raise":
            if current is not None:
                ignored += 1
                continue
            session.add(
                PatrolFinding(
                    store_id=store_id,
                    camera_id=event.camera_id,
                    kind=FindingKind(event.kind),
                    detail=event.detail,
                    snapshot=snapshot,
                    raised_at=event.at,
                )
            )
            raised += 1
        elif current is None:
            ignored += 1
        else:
            current.cleared_at = max(event.at, current.raised_at)
            cleared += 1
        session.flush()
    return EventsRecorded(raised=raised, cleared=cleared, ignored=ignored)


def get_finding(session: Session, store_id: int, finding_id: int) -> PatrolFinding:
    return get_in_store(
        session, PatrolFinding, finding_id, store_id=store_id, not_found=FindingNotFound, label="finding"
    )


def list_findings(
    session: Session, store_id: int, *, status: str | None = None, limit: int = 100
) -> list[PatrolFinding]:
    query = select(PatrolFinding).where(PatrolFinding.store_id == store_id)
    if status == "unclosed":
        query = query.where(PatrolFinding.status != FindingStatus.closed)
    elif status is not None:
        query = query.where(PatrolFinding.status == status)
    return list(session.exec(query.order_by(col(PatrolFinding.raised_at).desc()).limit(limit)))


def acknowledge(session: Session, store_id: int, finding_id: int, by: str) -> PatrolFinding:
    finding = get_finding(session, store_id, finding_id)
    if finding.status != FindingStatus.open:
        raise PatrolConflict(f"finding {finding_id} is already {finding.status}")
    finding.status, finding.acknowledged_at, finding.acknowledged_by = FindingStatus.acknowledged, utcnow(), by
    session.flush()
    return finding


def close(session: Session, store_id: int, finding_id: int, by: str) -> PatrolFinding:
    finding = get_finding(session, store_id, finding_id)
    if finding.status == FindingStatus.closed:
        raise PatrolConflict(f"finding {finding_id} is already closed")
    now = utcnow()
    if finding.acknowledged_at is None:
        finding.acknowledged_at, finding.acknowledged_by = now, by
    finding.status, finding.closed_at, finding.closed_by = FindingStatus.closed, now, by
    session.flush()
    return finding


# Routes and rounds
def _stops(session: Session, route_id: int) -> list[PatrolStop]:
    return list(
        session.exec(select(PatrolStop).where(PatrolStop.route_id == route_id).order_by(col(PatrolStop.position)))
    )


def route_read(session: Session, route: PatrolRoute) -> RouteRead:
    return RouteRead(
        id=route.id,  # type: ignore[arg-type]
        name=route.name,
        every_minutes=route.every_minutes,
        active=route.active,
        stops=[StopRead.model_validate(s) for s in _stops(session, route.id)],  # type: ignore[arg-type]
    )


def create_route(session: Session, store_id: int, data: RouteIn) -> PatrolRoute:
    cameras = {c.id for c in list_cameras(session, store_id)}
    wrong = sorted({s.camera_id for s in data.stops} - cameras)
    if wrong:
        raise BadPatrolInput(f"cameras {wrong} do not exist in this store")
    if session.exec(select(PatrolRoute).where(PatrolRoute.store_id == store_id, PatrolRoute.name == data.name)).first():
        raise PatrolConflict(f"a patrol route named {data.name!r} exists already")
    route = PatrolRoute(store_id=store_id, name=data.name, every_minutes=data.every_minutes)
    session.add(route)
    session.flush()
    for position, stop in enumerate(data.stops, start=1):
        session.add(
            PatrolStop(
                route_id=route.id,  # type: ignore[arg-type]
                position=position,
                camera_id=stop.camera_id,
                min_view_s=stop.min_view_s,
                checklist=list(stop.checklist),
            )
        )
    session.flush()
    return route


def list_routes(session: Session, store_id: int) -> list[PatrolRoute]:
    return list(
        session.exec(select(PatrolRoute).where(PatrolRoute.store_id == store_id).order_by(col(PatrolRoute.name)))
    )


def get_route(session: Session, store_id: int, route_id: int) -> PatrolRoute:
    return get_in_store(session, PatrolRoute, route_id, store_id=store_id, not_found=RouteNotFound, label="route")


def get_round(session: Session, store_id: int, round_id: int) -> PatrolRound:
    return get_in_store(session, PatrolRound, round_id, store_id=store_id, not_found=RoundNotFound, label="round")


def start_round(session: Session, store_id: int, route_id: int, by: str) -> PatrolRound:
    get_route(session, store_id, route_id)  # this store's, or not found
    round_ = PatrolRound(
        store_id=store_id, route_id=route_id, started_by=by, stops_total=len(_stops(session, route_id))
    )
    session.add(round_)
    session.flush()
    return round_


def view_stop(
    session: Session, store_id: int, round_id: int, data: StopViewIn, *, camera: Camera | None = None
) -> PatrolRoundStop:
    """Record what a round saw at a stop; an item of the checklist marked not right raises a finding."""
    round_ = get_round(session, store_id, round_id)
    if round_.status != RoundStatus.running:
        raise PatrolConflict(f"round {round_id} is finished")
    stop = session.get(PatrolStop, data.stop_id)
    if stop is None or stop.route_id != round_.route_id:
        raise BadPatrolInput(f"stop {data.stop_id} is not on this round's route")
    unknown = sorted(set(data.checks) - set(stop.checklist))
    if unknown:
        raise BadPatrolInput(f"checks {unknown} are not on stop {stop.id}'s checklist")
    camera = camera or session.get(Camera, stop.camera_id)
    row = session.exec(
        select(PatrolRoundStop).where(PatrolRoundStop.round_id == round_id, PatrolRoundStop.stop_id == stop.id)
    ).first()
    if row is None:
        row = PatrolRoundStop(round_id=round_id, stop_id=stop.id)  # type: ignore[arg-type]
        session.add(row)
    row.viewed_s, row.checks, row.note, row.viewed_at = data.viewed_s, dict(data.checks), data.note, utcnow()
    row.snapshot = camera.snapshot if camera is not None else None  # evidence: what the camera showed
    bad = [item for item, ok in data.checks.items() if not ok]
    if bad and camera is not None:
        session.add(
            PatrolFinding(
                store_id=store_id,
                camera_id=camera.id,  # type: ignore[arg-type]
                round_id=round_id,
                kind=FindingKind.checklist,
                detail=", ".join(bad) + (f": {data.note}" if data.note else ""),
                snapshot=camera.snapshot,
            )
        )
    session.flush()
    return row


def round_coverage(stops: Sequence[PatrolStop], views: dict[int, PatrolRoundStop]) -> int:
    """Stops viewed for at least their minimum time (a stop missed or viewed too briefly does not count)."""
    return sum(1 for s in stops if s.id in views and views[s.id].viewed_s >= s.min_view_s)


def finish_round(session: Session, store_id: int, round_id: int) -> PatrolRound:
    round_ = get_round(session, store_id, round_id)
    if round_.status != RoundStatus.running:
        raise PatrolConflict(f"round {round_id} is finished already")
    stops = _stops(session, round_.route_id)
    views = {v.stop_id: v for v in session.exec(select(PatrolRoundStop).where(PatrolRoundStop.round_id == round_id))}
    round_.stops_total, round_.stops_viewed = len(stops), round_coverage(stops, views)
    round_.status = RoundStatus.complete if round_.stops_viewed == len(stops) else RoundStatus.incomplete
    round_.finished_at = utcnow()
    session.flush()
    return round_


def run_scheduled_round(session: Session, store_id: int, route_id: int, now: datetime | None = None) -> PatrolRound:
    """A round by the schedule: each stop's camera is viewed through its node (online: viewed for its minimum
    time, checklist answered from the camera's open findings; offline: missed)."""
    now = now or utcnow()
    round_ = start_round(session, store_id, route_id, "schedule")
    for stop in _stops(session, route_id):
        camera = session.get(Camera, stop.camera_id)
        if camera is None or not is_online(camera, now):
            continue  # missed: the round is incomplete
        open_kinds = {f.kind for f in list_findings(session, store_id, status="open") if f.camera_id == camera.id}
        checks = {item: not (open_kinds - {FindingKind.checklist}) for item in stop.checklist}
        view_stop(
            session,
            store_id,
            round_.id,  # type: ignore[arg-type]
            StopViewIn(stop_id=stop.id, viewed_s=stop.min_view_s, checks=checks),  # type: ignore[arg-type]
            camera=camera,
        )
    return finish_round(session, store_id, round_.id)  # type: ignore[arg-type]


def due_routes(session: Session, now: datetime) -> list[PatrolRoute]:
    """Scheduled routes whose last round started at least ``every_minutes`` ago (or never ran)."""
    last = dict(
        session.exec(
            select(col(PatrolRound.route_id), func.max(PatrolRound.started_at)).group_by(col(PatrolRound.route_id))
        ).all()
    )
    due = []
    for route in session.exec(
        select(PatrolRoute).where(col(PatrolRoute.active).is_(True), col(PatrolRoute.every_minutes).is_not(None))
    ):
        started = last.get(route.id or 0)
        if started is not None and started.tzinfo is None:
            from datetime import UTC

            started = started.replace(tzinfo=UTC)
        if started is None or now - started >= timedelta(minutes=route.every_minutes or 0):
            due.append(route)
    return due


def list_rounds(session: Session, store_id: int, *, limit: int = 50) -> list[PatrolRound]:
    query = select(PatrolRound).where(PatrolRound.store_id == store_id).order_by(col(PatrolRound.started_at).desc())
    return list(session.exec(query.limit(limit)))


def rounds_between(session: Session, store_id: int, start: datetime, end: datetime) -> list[PatrolRound]:
    query = select(PatrolRound).where(
        PatrolRound.store_id == store_id, PatrolRound.started_at >= start, PatrolRound.started_at < end
    )
    return list(session.exec(query))


# Figures of the Annex 4 evaluators (F2, F4, M4)
REPORTING_WITHIN = timedelta(days=1)  # an entrance camera's counts must have reached the store this recently
F2_ONLINE_WITHIN = timedelta(minutes=15)


def entrances_reporting(session: Session, store_id: int, now: datetime) -> tuple[int, int, list[str]]:
    """Entrance zones, how many have a camera online and counts received in the last day, and the silent ones."""
    from store.footfall.models import FootfallCount
    from store.premises.models import ZoneKind

    entrances = premises_service.list_zones(session, store_id, kind=ZoneKind.entrance)
    online_zones = {
        c.zone_id
        for c in list_cameras(session, store_id)
        if c.active and c.last_frame_at is not None and now - c.last_frame_at <= F2_ONLINE_WITHIN
    }
    counted_zones = set(
        session.exec(
            select(FootfallCount.zone_id).where(
                FootfallCount.store_id == store_id,
                col(FootfallCount.device_id).is_not(None),
                FootfallCount.received_at >= now - REPORTING_WITHIN,
            )
        ).all()
    )
    reporting = [z for z in entrances if z.id in online_zones and z.id in counted_zones]
    silent = [z.code for z in entrances if z not in reporting]
    return len(entrances), len(reporting), silent


def cameras_online_since(session: Session, store_id: int, since: datetime) -> int:
    return len([c for c in list_cameras(session, store_id) if c.last_frame_at is not None and c.last_frame_at >= since])


def camera_counted_intervals(session: Session, store_id: int, start: date, end: date) -> int:
    """Footfall intervals in ``start``..``end`` posted by camera nodes (not imported or typed in)."""
    from store.footfall.models import FootfallCount

    query = select(func.count()).where(
        FootfallCount.store_id == store_id,
        col(FootfallCount.device_id).is_not(None),
        FootfallCount.business_on >= start,
        FootfallCount.business_on <= end,
    )
    return int(session.exec(query).one())


def patrol_figures(session: Session, store_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    """Active scheduled routes, and rounds finished between ``start`` and ``end``."""
    scheduled = len([r for r in list_routes(session, store_id) if r.active and r.every_minutes])
    finished = len([r for r in rounds_between(session, store_id, start, end) if r.finished_at is not None])
    return scheduled, finished


# Footfall as the cameras count it (admin pages): per entrance and day, per hour, occupancy
def footfall_by_entrance_day(
    session: Session, store_id: int, start: date, end: date
) -> dict[tuple[int, date], tuple[int, int]]:
    """(zone, business day) → (people in, people out) over ``start``..``end``."""
    from store.footfall.models import FootfallCount

    query = (
        select(
            col(FootfallCount.zone_id),
            col(FootfallCount.business_on),
            func.sum(FootfallCount.count_in),
            func.sum(FootfallCount.count_out),
        )
        .where(FootfallCount.store_id == store_id, FootfallCount.business_on >= start, FootfallCount.business_on <= end)
        .group_by(col(FootfallCount.zone_id), col(FootfallCount.business_on))
    )
    return {(zone, day): (int(i or 0), int(o or 0)) for zone, day, i, o in session.exec(query)}


def footfall_by_hour(session: Session, store_id: int, day: date, timezone: str) -> dict[int, tuple[int, int]]:
    """Local hour → (people in, people out) on one business day, all entrances together."""
    from zoneinfo import ZoneInfo

    from store.footfall.models import FootfallCount

    zone = ZoneInfo(timezone)
    rows = session.exec(
        select(FootfallCount).where(FootfallCount.store_id == store_id, FootfallCount.business_on == day)
    )
    hours: dict[int, tuple[int, int]] = {}
    for row in rows:
        hour = row.interval_start.astimezone(zone).hour
        i, o = hours.get(hour, (0, 0))
        hours[hour] = (i + row.count_in, o + row.count_out)
    return dict(sorted(hours.items()))


def latest_occupancy(session: Session, store_id: int) -> list[tuple[int, datetime, int]]:
    """Each zone's latest occupancy reading: (zone, measured at, people)."""
    from store.footfall.models import FootfallOccupancy

    latest = (
        select(col(FootfallOccupancy.zone_id), func.max(FootfallOccupancy.measured_at).label("at"))
        .where(FootfallOccupancy.store_id == store_id)
        .group_by(col(FootfallOccupancy.zone_id))
        .subquery()
    )
    query = (
        select(FootfallOccupancy)
        .join(
            latest,
            (col(FootfallOccupancy.zone_id) == latest.c.zone_id) & (col(FootfallOccupancy.measured_at) == latest.c.at),
        )
        .where(FootfallOccupancy.store_id == store_id)
    )
    return [(r.zone_id, r.measured_at, r.people) for r in session.exec(query)]
