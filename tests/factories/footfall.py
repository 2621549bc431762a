"""Factories for footfall: entrance zones, camera nodes and intervals."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

from sqlmodel import Session

from store.auth import service as auth_service
from store.auth.models import DeviceKind
from store.premises.models import Floor, Store, Zone, ZoneKind

_seq = count(1)


def create_zone(session: Session, store: Store, floor: Floor, *, kind: ZoneKind = ZoneKind.entrance) -> Zone:
    n = next(_seq)
    zone = Zone(store_id=store.id, floor_id=floor.id, code=f"Z{n:03d}", name=f"入口{n}", kind=kind)
    session.add(zone)
    session.flush()
    return zone


def create_camera(session: Session, store: Store) -> str:
    """A camera node's API key."""
    return auth_service.create_device(
        session, store_id=store.id, kind=DeviceKind.camera_node, name=f"Camera {next(_seq)}"
    )[0]


def interval(zone: Zone, start: datetime, count_in: int, count_out: int = 0, minutes: int = 15) -> dict[str, Any]:
    """One interval as a camera node sends it."""
    return {
        "zone_id": zone.id,
        "interval_start": start.isoformat(),
        "interval_minutes": minutes,
        "count_in": count_in,
        "count_out": count_out,
    }
