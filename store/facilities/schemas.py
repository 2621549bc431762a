"""Wire contract of the facilities API: the register, the status wall, alerts, commands and surveys."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from store.facilities.models import FacilityKind
from store.wire import Day, Int32, Real, RowId


class DeviceCreate(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    kind: FacilityKind
    installed_on: Day
    zone_id: RowId | None = None
    name: str = Field(default="", max_length=120)
    vendor: str = Field(default="", max_length=80)
    stale_after_s: Int32 = 900


class DeviceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: FacilityKind
    zone_id: int | None
    vendor: str
    installed_on: date
    removed_on: date | None
    stale_after_s: int
    last_heartbeat_at: datetime | None


class LatestValue(BaseModel):
    metric: str
    value: float
    measured_at: datetime


class DeviceStatusRead(BaseModel):
    """A device on the status wall: a stale device carries no values, only when it was last heard."""

    device: DeviceRead
    zone: str
    floor: str
    stale: bool
    latest: list[LatestValue]


class AlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    device_id: int
    rule: str
    state: str
    since_at: datetime
    raised_at: datetime | None
    cleared_at: datetime | None
    peak: float | None
    limit: float | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None


class CommandIn(BaseModel):
    action: str = Field(description="switch_on, switch_off or broadcast", max_length=32)
    args: dict[str, Any] = Field(default_factory=dict, description="e.g. {'circuit': 3} or {'message': '...'}")


class CommandRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    device_id: int
    action: str
    topic: str
    sent_by: str
    sent_at: datetime
    published: bool


class SurveyIn(BaseModel):
    """One WiFi / 5G measurement of a zone (F1); a figure left out means no signal found there."""

    zone_id: RowId
    surveyed_on: Day
    wifi_dbm: Int32 | None = None
    wifi_mbps: Real | None = None
    g5_dbm: Int32 | None = None
    g5_mbps: Real | None = None
    other_signal: bool = False


class SurveyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    zone_id: int
    surveyed_on: date
    wifi_dbm: int | None
    wifi_mbps: float | None
    g5_dbm: int | None
    g5_mbps: float | None
    other_signal: bool
    source: str
    recorded_by: str
