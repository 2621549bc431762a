"""Wire contract of the footfall API (camera nodes import these, never the models)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from store.wire import Int32, RowId


class IntervalIn(BaseModel):
    zone_id: RowId  # an entrance zone
    interval_start: AwareDatetime
    interval_minutes: Int32 = 15  # 1..60
    count_in: Int32
    count_out: Int32


class FootfallBatch(BaseModel):
    """Intervals a camera node posts together; resending one replaces it."""

    intervals: list[IntervalIn] = Field(max_length=5000)


class OccupancyIn(BaseModel):
    zone_id: RowId
    measured_at: AwareDatetime
    people: Int32


class OccupancyBatch(BaseModel):
    readings: list[OccupancyIn] = Field(max_length=5000)


class FootfallCountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    zone_id: int
    interval_start: datetime
    interval_minutes: int
    business_on: date
    count_in: int
    count_out: int
    device_id: int | None
    received_at: datetime


class FootfallCountPage(BaseModel):
    items: list[FootfallCountRead]
    total: int
    limit: int
    offset: int


class CountsRecorded(BaseModel):
    """What a batch did: how many intervals were new and how many replaced an earlier count."""

    created: int
    replaced: int
    items: list[FootfallCountRead]


class OccupancyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    zone_id: int
    measured_at: datetime
    people: int
