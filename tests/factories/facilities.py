"""Factories for the facilities domain: a store with zones and devices, and MQTT messages."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from store.facilities import ingest
from store.facilities import service as facilities_service
from store.facilities.models import FacilityDevice, FacilityKind
from store.premises.models import Store, Zone
from tests.factories import footfall as footfall_factory
from tests.factories import premises


def create_store_with_zone(session: Session, *, code: str | None = None) -> tuple[Store, Zone]:
    store = premises.create_store(session, code=code)
    floor = premises.create_floor(session, store)
    return store, footfall_factory.create_zone(session, store, floor)


def create_device(
    session: Session,
    store: Store,
    *,
    code: str,
    kind: FacilityKind = FacilityKind.air_quality,
    zone: Zone | None = None,
    installed_on: date = date(2024, 1, 1),
    stale_after_s: int = 900,
) -> FacilityDevice:
    assert store.id is not None
    return facilities_service.create_device(
        session,
        store.id,
        code=code,
        kind=kind,
        installed_on=installed_on,
        zone_id=zone.id if zone else None,
        stale_after_s=stale_after_s,
    )


def reading(store: Store, device: str, at: datetime, received: datetime | None = None, **values: Any) -> ingest.Message:
    body = {"ts": at.isoformat(), "values": values}
    return ingest.Message(ingest.topic(store.code, device, "reading"), json.dumps(body).encode(), received or at)


def raw(store: Store, device: str, payload: bytes, received: datetime, channel: str = "reading") -> ingest.Message:
    return ingest.Message(ingest.topic(store.code, device, channel), payload, received)
