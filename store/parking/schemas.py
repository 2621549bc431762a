"""Wire contract of ``/api/v1/parking``: gate controllers, kiosks, staff and members."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field

from store.wire import Int32, Money


class GateDirection(StrEnum):
    entry = "in"
    exit = "out"


class GateEventIn(BaseModel):
    """One plate read at a gate, as the gate controller sends it."""

    gate: str = Field(min_length=1, max_length=32, description="the gate's code, e.g. G-IN-1")
    direction: GateDirection
    plate: str = Field(min_length=1, max_length=16, description="as read: 沪A12345, 沪AD12345 (new energy)")
    at: AwareDatetime | None = Field(default=None, description="when it was read (default: now)")
    event_id: str = Field(
        default="", max_length=64, description="the controller's id of this read: a retry with it is stored once"
    )


class GateEventRead(BaseModel):
    outcome: str  # entered, duplicate_entry, exited, owes, no_entry_record, invalid_plate
    open_barrier: bool
    session_id: int | None
    owed_fen: int
    message: str


class SessionRead(BaseModel):
    id: int
    plate: str
    entered_at: datetime
    zone: str
    space: str
    exited_at: datetime | None
    paid_fen: int
    owed_fen: int


class SessionPage(BaseModel):
    items: list[SessionRead]
    in_lot: int


class FeeRuleRead(BaseModel):
    free_minutes: int
    hourly_fen: int
    daily_cap_fen: int
    member_free_minutes: int
    spend_threshold_fen: int
    spend_free_minutes: int
    max_discount_minutes: int
    exit_grace_minutes: int


class FeeRuleUpdate(BaseModel):
    """The whole rule; minutes within a week, amounts from 0 (a daily cap below the hourly rate is a 400)."""

    free_minutes: Int32 = Field(ge=0, le=10_080)
    hourly_fen: Money = Field(ge=0, le=100_000_000)
    daily_cap_fen: Money = Field(ge=0, le=100_000_000)
    member_free_minutes: Int32 = Field(ge=0, le=10_080)
    spend_threshold_fen: Money = Field(ge=0, le=100_000_000)
    spend_free_minutes: Int32 = Field(ge=0, le=10_080)
    max_discount_minutes: Int32 = Field(ge=0, le=10_080)
    exit_grace_minutes: Int32 = Field(ge=0, le=1_440)


class QuoteRead(BaseModel):
    session_id: int
    plate: str
    entered_at: datetime
    stay_minutes: int
    discount_minutes: int
    paid_fen: int
    owed_fen: int
    grace_until: datetime | None


class PlateIn(BaseModel):
    plate: str = Field(min_length=1, max_length=16)


class PlateRead(BaseModel):
    plate: str
    new_energy: bool
