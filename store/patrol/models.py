"""Tables of patrol: cameras (config served to camera nodes, status), heatmaps, patrol routes and rounds, findings.

No frame is ever stored: a camera's latest snapshot and a finding's evidence are small JPEGs in which the
camera node has already pixelated every person (PIPL art. 26).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Index, LargeBinary, String, UniqueConstraint
from sqlmodel import JSON, Column, Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class CameraRole(StrEnum):
    entrance = "entrance"  # counts people in and out of an entrance zone
    area = "area"  # occupancy, heatmap, crowding
    exit = "exit"  # a fire exit or corridor to keep clear
    restricted = "restricted"  # nobody inside outside opening hours


class FindingKind(StrEnum):
    offline = "offline"
    frozen = "frozen"
    black = "black"
    white = "white"
    covered = "covered"
    blur = "blur"
    moved = "moved"
    crowd_warn = "crowd_warn"
    crowd_alarm = "crowd_alarm"
    intrusion = "intrusion"
    exit_blocked = "exit_blocked"
    checklist = "checklist"  # a patrol stop's checklist item marked not right


class FindingStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    closed = "closed"


class RoundStatus(StrEnum):
    running = "running"
    complete = "complete"
    incomplete = "incomplete"


class Camera(SQLModel, table=True):
    """A camera a camera node reads; ``settings`` holds its lines, zones and thresholds (served to the node)."""

    __tablename__ = "camera"
    __table_args__ = (UniqueConstraint("store_id", "code"), CheckConstraint("fps >= 0", name="fps_not_negative"))

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    device_id: int | None = Field(default=None, foreign_key="device.id", index=True)  # the node that reads it
    zone_id: int | None = Field(default=None, foreign_key="zone.id")  # the entrance or area it watches
    code: str = Field(max_length=32)
    name: str = Field(max_length=80)
    role: CameraRole = Field(default=CameraRole.entrance, sa_type=String(16))
    source: str = Field(max_length=500)  # RTSP URL or a video file on the camera box
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    active: bool = True
    last_frame_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    fps: float = 0.0
    people: int | None = None  # people in view at the last status
    snapshot: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # people blurred
    snapshot_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    rebaseline_at: datetime | None = Field(default=None, sa_type=AwareDateTime)  # staff asked for new references
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class CameraHeatmap(SQLModel, table=True):
    """Dwell counts of one camera over one hour on a small grid (row-major), drawn over its snapshot."""

    __tablename__ = "camera_heatmap"
    __table_args__ = (UniqueConstraint("camera_id", "hour_start"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    camera_id: int = Field(foreign_key="camera.id")
    hour_start: datetime = Field(sa_type=AwareDateTime)
    cols: int
    rows: int
    cells: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class PatrolRoute(SQLModel, table=True):
    """An ordered list of cameras to look at, run every ``every_minutes`` by the worker and by staff."""

    __tablename__ = "patrol_route"
    __table_args__ = (UniqueConstraint("store_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    name: str = Field(max_length=80)
    every_minutes: int | None = None  # None: only by hand
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class PatrolStop(SQLModel, table=True):
    __tablename__ = "patrol_stop"
    __table_args__ = (UniqueConstraint("route_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    route_id: int = Field(foreign_key="patrol_route.id", index=True)
    position: int
    camera_id: int = Field(foreign_key="camera.id")
    min_view_s: int = 10
    checklist: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class PatrolRound(SQLModel, table=True):
    """One run of a route: by the schedule or by a security guard in the admin."""

    __tablename__ = "patrol_round"
    __table_args__ = (Index("ix_patrol_round_store_started", "store_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    route_id: int = Field(foreign_key="patrol_route.id", index=True)
    started_by: str = Field(max_length=80)  # "schedule" or the user name
    started_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    status: RoundStatus = Field(default=RoundStatus.running, sa_type=String(12))
    stops_total: int = 0
    stops_viewed: int = 0  # viewed for at least their minimum time


class PatrolRoundStop(SQLModel, table=True):
    """What a round saw at one stop: how long, the checklist answers, and the camera's snapshot as evidence."""

    __tablename__ = "patrol_round_stop"
    __table_args__ = (UniqueConstraint("round_id", "stop_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="patrol_round.id", index=True)
    stop_id: int = Field(foreign_key="patrol_stop.id")
    viewed_s: int = 0
    checks: dict[str, bool] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=500)
    snapshot: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    viewed_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class PatrolFinding(SQLModel, table=True):
    """Something wrong on a camera: open until security staff acknowledge and close it.

    One finding per camera and kind is open at a time; the node's "clear" sets ``cleared_at`` (the
    recovery), and staff still close it."""

    __tablename__ = "patrol_finding"
    __table_args__ = (Index("ix_patrol_finding_store_status", "store_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    camera_id: int = Field(foreign_key="camera.id", index=True)
    round_id: int | None = Field(default=None, foreign_key="patrol_round.id")
    kind: FindingKind = Field(sa_type=String(16))
    status: FindingStatus = Field(default=FindingStatus.open, sa_type=String(16))
    detail: str = Field(default="", max_length=500)
    snapshot: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    raised_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    cleared_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=64)
    closed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    closed_by: str | None = Field(default=None, max_length=64)
