"""Demo hook of patrol: a camera node, a camera at every entrance (online, counting), a fire-exit camera,
today's heatmaps, a scheduled closing patrol with two weeks of rounds, and a few findings.

Set-based inserts; deterministic from ``ctx.rng("patrol")``. A real camera node that plays ``vtest.avi``
is set up by ``smartstore patrol demo-camera`` (see README).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from store.auth import service as auth_service
from store.auth.models import DeviceKind
from store.clock import day_bounds_utc, utcnow
from store.patrol.models import (
    Camera,
    CameraHeatmap,
    CameraRole,
    FindingKind,
    FindingStatus,
    PatrolFinding,
    PatrolRound,
    PatrolRoute,
    PatrolStop,
    RoundStatus,
)
from store.premises import service as premises_service
from store.premises.models import ZoneKind

ROUND_DAYS = 14
CHECKLIST = ["消防通道畅通", "照明正常", "卷帘门关闭"]
COLS, ROWS = 16, 12


def _grid(rng: Any, people: int) -> list[int]:
    """A dwell grid with a busy path across the view."""
    cells = []
    for row in range(ROWS):
        for col in range(COLS):
            path = math.exp(-((row - 6 - (col - 8) * 0.25) ** 2) / 4.0)
            cells.append(int(people * path * rng.uniform(0.6, 1.4)))
    return cells


def generate(ctx: Any) -> None:
    session, rng = ctx.session, ctx.rng("patrol")
    store_id = ctx.store_id
    entrances = premises_service.list_zones(session, store_id, kind=ZoneKind.entrance)
    if not entrances:
        ctx.echo("demo: patrol     no entrance zones, no cameras")
        return
    _, node = auth_service.create_device(session, store_id=store_id, kind=DeviceKind.camera_node, name="摄像头采集盒 1")
    now = utcnow()
    cameras = []
    for i, zone in enumerate(entrances, start=1):
        cameras.append(
            Camera(
                store_id=store_id,
                device_id=node.id,
                zone_id=zone.id,
                code=f"CAM-E{i}",
                name=f"{zone.name}摄像头",
                role=CameraRole.entrance,
                source=f"rtsp://192.168.10.{10 + i}/stream1",
                settings={"lines": [[250, 420, 250, 130]]},
                last_frame_at=now - timedelta(seconds=rng.randint(1, 20)),
                fps=round(rng.uniform(9.0, 10.0), 1),
                people=rng.randint(0, 12),
            )
        )
    exit_camera = Camera(
        store_id=store_id,
        device_id=node.id,
        code="CAM-X1",
        name="1F 消防通道",
        role=CameraRole.exit,
        source="rtsp://192.168.10.31/stream1",
        settings={"keep_clear": [[560, 380], [700, 380], [700, 520], [560, 520]], "keep_clear_s": 60},
        last_frame_at=now - timedelta(seconds=4),
        fps=10.0,
        people=0,
    )
    cameras.append(exit_camera)
    session.add_all(cameras)
    session.flush()
    conn = session.connection()
    hours = [(now - timedelta(hours=h)).replace(minute=0, second=0, microsecond=0) for h in range(24)]
    conn.execute(
        insert(CameraHeatmap.__table__),  # type: ignore[attr-defined]
        [
            {
                "store_id": store_id,
                "camera_id": c.id,
                "hour_start": h,
                "cols": COLS,
                "rows": ROWS,
                "cells": _grid(rng, 40),
            }
            for c in cameras
            if c.role == CameraRole.entrance
            for h in hours
        ],
    )
    route = PatrolRoute(store_id=store_id, name="闭店巡检", every_minutes=120)
    session.add(route)
    session.flush()
    session.add_all(
        PatrolStop(route_id=route.id, position=n, camera_id=c.id, min_view_s=15, checklist=CHECKLIST)  # type: ignore[arg-type]
        for n, c in enumerate(cameras, start=1)
    )
    tz = premises_service.get_store(session, store_id).timezone
    today = ctx.days()[-1]
    rounds = []
    for back in range(ROUND_DAYS, 0, -1):
        midnight = day_bounds_utc(today - timedelta(days=back), tz)[0]
        for hour in (8, 12, 16, 20, 22):
            started = midnight + timedelta(hours=hour, minutes=rng.randint(0, 9))
            missed = rng.random() < 0.08
            rounds.append(
                {
                    "store_id": store_id,
                    "route_id": route.id,
                    "started_by": "schedule",
                    "started_at": started,
                    "finished_at": started + timedelta(minutes=2),
                    "status": RoundStatus.incomplete if missed else RoundStatus.complete,
                    "stops_total": len(cameras),
                    "stops_viewed": len(cameras) - 1 if missed else len(cameras),
                }
            )
    conn.execute(insert(PatrolRound.__table__), rounds)  # type: ignore[attr-defined]
    findings = [
        _finding(store_id, exit_camera.id, FindingKind.exit_blocked, now - timedelta(minutes=7), "纸箱堆放在消防通道"),
        _finding(store_id, cameras[0].id, FindingKind.offline, now - timedelta(days=2, hours=3), "CAM-E1: offline")
        | {"cleared_at": now - timedelta(days=2, hours=2, minutes=40), "status": FindingStatus.closed}
        | {"acknowledged_at": now - timedelta(days=2, hours=2), "acknowledged_by": "security"}
        | {"closed_at": now - timedelta(days=2, hours=1), "closed_by": "security"},
        _finding(store_id, cameras[-2].id, FindingKind.blur, now - timedelta(hours=5), "镜头起雾")
        | {
            "status": FindingStatus.acknowledged,
            "acknowledged_at": now - timedelta(hours=4),
            "acknowledged_by": "security",
        },
    ]
    conn.execute(insert(PatrolFinding.__table__), findings)  # type: ignore[attr-defined]
    ctx.echo(
        f"demo: patrol     {len(cameras)} cameras, {len(hours) * len(entrances)} heatmap hours, "
        f"{len(rounds)} patrol rounds, {len(findings)} findings"
    )


def _finding(store_id: int, camera_id: Any, kind: FindingKind, at: datetime, detail: str) -> dict[str, Any]:
    return {
        "store_id": store_id,
        "camera_id": camera_id,
        "round_id": None,
        "kind": kind,
        "status": FindingStatus.open,
        "detail": detail,
        "snapshot": None,
        "raised_at": at,
        "cleared_at": None,
        "acknowledged_at": None,
        "acknowledged_by": None,
        "closed_at": None,
        "closed_by": None,
    }
