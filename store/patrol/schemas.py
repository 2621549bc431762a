"""Wire contract of patrol: what camera nodes read (their cameras) and post (status, heatmaps, findings),
and what staff send and read. Camera nodes import these, never the models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from annotated_types import Ge, Le
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from store.wire import NotBool, NotReal, RowId

Pixel = Annotated[float, Ge(-10), Le(10000), NotReal]
Seconds = Annotated[int, Ge(0), Le(86400), NotBool]
Ratio = Annotated[float, Ge(0), Le(1), NotReal]
CameraRoleName = Literal["entrance", "area", "exit", "restricted"]
FindingKindName = Literal[
    "offline",
    "frozen",
    "black",
    "white",
    "covered",
    "blur",
    "moved",
    "crowd_warn",
    "crowd_alarm",
    "intrusion",
    "exit_blocked",
    "checklist",
]
# A snapshot is a small JPEG (480 px wide, quality 60: about 30,000 base64 characters). Batches carrying
# snapshots are short, so even the largest body the schema allows stays under the 1 MiB body limit.
SNAPSHOT_MAX = 40_000
Snapshot = Annotated[str, Field(max_length=SNAPSHOT_MAX, pattern=r"^[A-Za-z0-9+/]*={0,2}$")]
SNAPSHOT_BATCH = 4


class CameraSettings(BaseModel):
    """Where to count and what to watch, in the camera's pixels; thresholds of its checks."""

    model_config = ConfigDict(extra="forbid")

    # A line [x1, y1, x2, y2], p1→p2: right = in; or a polygon [x1, y1, x2, y2, x3, y3, ...]: entering it = in.
    lines: list[Annotated[list[Pixel], Field(min_length=4, max_length=64)]] = Field(default_factory=list, max_length=8)
    zone: list[list[Pixel]] = Field(default_factory=list, max_length=64)  # polygon of the area watched
    area_m2: Annotated[float, Ge(0), Le(100000), NotReal] = 0.0  # floor area of ``zone``
    design_density: Annotated[float, Ge(0), Le(10), NotReal] = 0.5  # people per m² (GB 50016: 0.43–0.60)
    keep_clear: list[list[Pixel]] = Field(default_factory=list, max_length=64)  # fire-exit polygon
    keep_clear_s: Seconds = 60  # something standing in it this long: exit blocked
    offline_grace_s: Seconds = 60
    frozen_s: Seconds = 30
    # Restricted zones are armed outside the store's opening hours (NodeConfig.hours); these two, both set,
    # arm this camera on hours of its own instead (a stockroom, a plant room), local time "HH:MM".
    opens_at: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] | None = None
    closes_at: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] | None = None
    timezone: str = "Asia/Shanghai"

    @field_validator("lines")
    @classmethod
    def _lines_or_polygons(cls, value: list[list[float]]) -> list[list[float]]:
        for i, numbers in enumerate(value):
            if len(numbers) != 4 and len(numbers) % 2:
                raise ValueError(f"lines[{i}]: a line is 4 numbers and a polygon 6 or more in x, y pairs")
            if len(numbers) == 4 and numbers[:2] == numbers[2:]:
                raise ValueError(f"lines[{i}]: p1 and p2 are the same point")
        return value


class CameraConfig(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    role: CameraRoleName
    source: str
    zone_id: int | None
    settings: CameraSettings
    rebaseline_at: datetime | None


class OpeningHoursWire(BaseModel):
    weekday: int  # 0 = Monday
    opens_at: str  # local "HH:MM"
    closes_at: str


class NodeConfig(BaseModel):
    """The cameras a camera node reads, and the store's opening hours that arm its restricted zones."""

    cameras: list[CameraConfig]
    timezone: str = "Asia/Shanghai"
    hours: list[OpeningHoursWire] = Field(default_factory=list)  # a weekday not listed: closed all day


class CameraStatusIn(BaseModel):
    camera_id: RowId
    frame_at: AwareDatetime | None = None  # last frame read; None: nothing read yet
    fps: Annotated[float, Ge(0), Le(1000), NotReal] = 0.0
    people: Annotated[int, Ge(0), Le(100000), NotBool] | None = None
    snapshot_jpeg: Snapshot | None = None  # base64, people blurred


class StatusBatch(BaseModel):
    cameras: list[CameraStatusIn] = Field(max_length=SNAPSHOT_BATCH)


class HeatmapIn(BaseModel):
    camera_id: RowId
    hour_start: AwareDatetime
    cols: Annotated[int, Ge(1), Le(32), NotBool]
    rows: Annotated[int, Ge(1), Le(32), NotBool]
    cells: list[Annotated[int, Ge(0), Le(10_000_000), NotBool]] = Field(max_length=1024)


class HeatmapBatch(BaseModel):
    heatmaps: list[HeatmapIn] = Field(max_length=24)  # a day of one camera; the body stays under 1 MiB


class FindingEventIn(BaseModel):
    """A check's state changed on a camera: ``raise`` opens a finding (one per camera and kind), ``clear``
    records its recovery."""

    camera_id: RowId
    kind: FindingKindName
    state: Literal["raise", "clear"]
    at: AwareDatetime
    detail: str = Field(default="", max_length=500)
    snapshot_jpeg: Snapshot | None = None


class FindingBatch(BaseModel):
    events: list[FindingEventIn] = Field(max_length=SNAPSHOT_BATCH)


class FindingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    camera_id: int
    round_id: int | None
    kind: str
    status: str
    detail: str
    raised_at: datetime
    cleared_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    closed_at: datetime | None
    closed_by: str | None


class EventsRecorded(BaseModel):
    raised: int  # new findings
    cleared: int  # recoveries recorded
    ignored: int  # a raise while already open, a clear with nothing open


class CameraIn(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=80)
    role: CameraRoleName = "entrance"
    source: str = Field(min_length=1, max_length=500)
    zone_id: RowId | None = None
    device_id: RowId | None = None
    settings: CameraSettings = Field(default_factory=CameraSettings)


class CameraRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    role: str
    zone_id: int | None
    device_id: int | None
    active: bool
    last_frame_at: datetime | None
    fps: float
    people: int | None
    online: bool = False


class StopIn(BaseModel):
    camera_id: RowId
    min_view_s: Annotated[int, Ge(1), Le(3600), NotBool] = 10
    checklist: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list, max_length=10)


class RouteIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    every_minutes: Annotated[int, Ge(5), Le(10080), NotBool] | None = None
    stops: list[StopIn] = Field(min_length=1, max_length=50)


class StopRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int
    camera_id: int
    min_view_s: int
    checklist: list[str]


class RouteRead(BaseModel):
    id: int
    name: str
    every_minutes: int | None
    active: bool
    stops: list[StopRead]


class StopViewIn(BaseModel):
    """A guard's view of one stop: how long, and each checklist item right (true) or not (false)."""

    stop_id: RowId
    viewed_s: Seconds
    checks: dict[Annotated[str, Field(max_length=40)], bool] = Field(default_factory=dict, max_length=10)
    note: str = Field(default="", max_length=500)


class RoundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    route_id: int
    started_by: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    stops_total: int
    stops_viewed: int
