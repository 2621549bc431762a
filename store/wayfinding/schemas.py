"""Wire shapes of wayfinding."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class HeartbeatIn(BaseModel):
    kiosk: str = Field(min_length=1, max_length=32, description="the kiosk's code (placed in the admin)")


class KioskRead(BaseModel):
    code: str
    name: str
    at_main_entrance: bool
    anchor_id: str | None
    last_beat_at: datetime | None
    online: bool


class RouteRead(BaseModel):
    profile: str
    seconds: float
    metres: float
    steps: list[str]
    legs: list[dict[str, Any]]
    url: str  # the kiosk / phone page of this route (docs/contracts.md)


class ConnectorStatusIn(BaseModel):
    in_service: bool
