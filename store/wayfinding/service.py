"""Wayfinding service: the store's map (replace, generate from premises, import/export), connector status,
routes, the kiosk search index, and the guide kiosks (placement, heartbeat, usage).

Each server process keeps the validated map and its per-profile graphs in memory, keyed by the map's
version: every write bumps the version in the database, so a lift marked out of service leaves every
process's routes on its next request.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from store.catalog import service as catalog_service
from store.clock import utcnow
from store.premises import service as premises_service
from store.premises.models import ZoneKind
from store.scoping import get_in_store
from store.wayfinding import features as feature_mod
from store.wayfinding import imdf, layout, routing, search
from store.wayfinding.errors import BadMapData, KioskNotFound, MapNotReady, NoRoute, PlaceNotFound
from store.wayfinding.models import FeatureType, Kiosk, KioskEvent, KioskFunction, MapFeature, MapState

FEATURE = MapFeature.__table__  # type: ignore[attr-defined]
EVENT = KioskEvent.__table__  # type: ignore[attr-defined]
BEAT_EVERY_S = 300  # heartbeats kept as events at most this often (the kiosk beats every minute)
ONLINE_S = 180  # a kiosk silent for longer shows as offline
SEARCH_TTL_S = 60.0


@dataclass(frozen=True)
class LoadedMap:
    version: tuple[int, str]
    data: feature_mod.MapData
    graphs: dict[routing.Profile, routing.Graph]
    occupant_by_shop: dict[str, dict[str, Any]]  # shop code → occupant feature
    unit_by_anchor: dict[str, str]


_maps: dict[int, LoadedMap] = {}
_indexes: dict[tuple[int, date], tuple[float, search.Index]] = {}
_lock = threading.Lock()
_pending: list[dict[str, Any]] = []
_last_flush = time.monotonic()
FLUSH_S = 10.0
FLUSH_ROWS = 200


def clear_caches() -> None:
    with _lock:
        _maps.clear()
        _indexes.clear()
        _pending.clear()


# --- the map ------------------------------------------------------------------------------------------------


def state(session: Session, store_id: int) -> MapState:
    found = session.get(MapState, store_id)
    if found is None:
        found = MapState(store_id=store_id)
        session.add(found)
        session.flush()
    return found


def version(session: Session, store_id: int) -> int | None:
    return session.exec(select(MapState.version).where(MapState.store_id == store_id)).first()


def _stamp(session: Session, store_id: int) -> tuple[int, str] | None:
    """The map's version and when it was written: what the in-memory copy is checked against."""
    row = session.exec(select(MapState.version, MapState.updated_at).where(MapState.store_id == store_id)).first()
    return None if row is None else (int(row[0]), row[1].isoformat())


def features(session: Session, store_id: int) -> list[dict[str, Any]]:
    rows = session.exec(select(MapFeature).where(MapFeature.store_id == store_id).order_by(col(MapFeature.id)))
    return [
        {
            "type": "Feature",
            "id": r.id,
            "feature_type": str(r.feature_type),
            "geometry": r.geometry,
            "properties": r.properties,
        }
        for r in rows
    ]


def _bump(session: Session, store_id: int) -> None:
    current = state(session, store_id)
    current.version += 1
    current.updated_at = utcnow()
    session.add(current)
    session.flush()


def replace_map(
    session: Session, store_id: int, new: list[dict[str, Any]], *, origin: tuple[float, float] | None = None
) -> feature_mod.MapData:
    """Validate ``new`` and make it the store's whole map; invalid data raises ``BadMapData`` and writes nothing."""
    premises_service.get_store(session, store_id)
    data = feature_mod.build(new)
    taken = session.exec(
        select(MapFeature.id).where(col(MapFeature.id).in_(list(data.features)), MapFeature.store_id != store_id)
    ).first()
    if taken:
        raise BadMapData(f"feature id {taken} belongs to another store's map")
    session.execute(delete(FEATURE).where(FEATURE.c.store_id == store_id))
    rows = [
        {
            "id": f["id"],
            "store_id": store_id,
            "feature_type": f["feature_type"],
            "category": str(f["properties"].get("category", ""))[:40],
            "level_id": data.level_of.get(f["id"]),
            "properties": f["properties"],
            "geometry": f.get("geometry"),
        }
        for f in new
    ]
    if rows:
        session.execute(insert(FEATURE), rows)
    current = state(session, store_id)
    if origin is not None:
        current.origin_lon, current.origin_lat = origin
    _bump(session, store_id)
    return data


def generate_from_premises(session: Session, store_id: int, *, on: date | None = None) -> int:
    """Draw the map from the premises register (floors, entrance zones, shops trading ``on``); returns features."""
    store = premises_service.get_store(session, store_id)
    floors = premises_service.list_floors(session, store_id)
    by_id = {f.id: f for f in floors}
    shops = premises_service.list_shops(session, store_id, open_on=on or utcnow().date())
    entrances = premises_service.list_zones(session, store_id, kind=ZoneKind.entrance)
    built = layout.build(
        store.code,
        (store.name, store.name_en or store.name),
        [layout.FloorIn(f.code, f.name, f.name_en, f.level) for f in floors],
        [layout.ShopIn(s.id or 0, s.code, s.name, s.name_en, s.category, by_id[s.floor_id].code) for s in shops],
        [layout.EntranceIn(z.code, z.name, by_id[z.floor_id].code) for z in entrances],
    )
    replace_map(session, store_id, built)
    return len(built)


def load(session: Session, store_id: int) -> LoadedMap:
    """The validated map and its graphs, rebuilt only when the version in the database moved."""
    current = _stamp(session, store_id)
    if current is None:
        raise MapNotReady("the store has no map yet: generate it from the premises or import an IMDF archive")
    cached = _maps.get(store_id)
    if cached is not None and cached.version == current:
        return cached
    data = feature_mod.build(features(session, store_id))
    occupants = {
        str(f["properties"].get("shop_code")): f
        for f in data.by_type.get("occupant", [])
        if f["properties"].get("shop_code")
    }
    loaded = LoadedMap(current, data, routing.build_graphs(data), occupants, dict(data.unit_of))
    with _lock:
        _maps[store_id] = loaded
    return loaded


def export_archive(session: Session, store_id: int) -> bytes:
    current = state(session, store_id)
    return imdf.export_zip(features(session, store_id), (current.origin_lon, current.origin_lat))


def import_archive(session: Session, store_id: int, raw: bytes) -> int:
    current = state(session, store_id)
    new, origin = imdf.read_zip(raw, (current.origin_lon, current.origin_lat))
    replace_map(session, store_id, new, origin=origin)
    return len(new)


def connectors(session: Session, store_id: int) -> list[MapFeature]:
    query = select(MapFeature).where(
        MapFeature.store_id == store_id, MapFeature.feature_type == FeatureType.relationship
    )
    return sorted(session.exec(query), key=lambda r: (r.category, str(r.properties.get("name", {}).get("zh", ""))))


def set_in_service(session: Session, store_id: int, feature_id: str, in_service: bool) -> MapFeature:
    """Mark a lift (or escalator, stairs) in or out of service; every route leaves it at once."""
    row = session.get(MapFeature, feature_id)
    if row is None or row.store_id != store_id or row.feature_type != FeatureType.relationship:
        raise PlaceNotFound(f"no connector {feature_id} on this store's map")
    row.properties = {**row.properties, "status": "in_service" if in_service else "out_of_service"}
    session.add(row)
    _bump(session, store_id)
    return row


def closed_units(loaded: LoadedMap) -> frozenset[str]:
    """Connector units of connectors out of service (drawn greyed with a cross)."""
    out: set[str] = set()
    for rel in loaded.data.by_type.get("relationship", []):
        if rel["properties"].get("status", "in_service") != "in_service":
            out.update(rel["properties"].get("units", []))
    return frozenset(out)


# --- places and routes -----------------------------------------------------------------------------------------


def occupant_anchor(loaded: LoadedMap, shop_code: str) -> str:
    occupant = loaded.occupant_by_shop.get(shop_code)
    if occupant is None:
        raise PlaceNotFound(f"shop {shop_code} is not on the map")
    return str(occupant["properties"]["anchor_id"])


def resolve_place(loaded: LoadedMap, place: str) -> str:
    """A place as the route URL names it: ``shop:<code>``, ``anchor:<uuid>`` or ``amenity:<uuid>``."""
    kind, _, value = place.partition(":")
    if kind == "shop":
        return occupant_anchor(loaded, value)
    feature = loaded.data.features.get(value)
    if kind == "anchor" and feature is not None and feature["feature_type"] == "anchor":
        return value
    if kind == "amenity" and feature is not None and feature["feature_type"] == "amenity":
        unit = loaded.data.unit_of.get(value)
        doors = [o for o, units in loaded.data.opening_units.items() if unit in units]
        if doors:
            return doors[0]
    raise PlaceNotFound(f"no place {place!r} on the map")


def route(session: Session, store_id: int, start: str, goal: str, profile: routing.Profile) -> routing.Route:
    """The shortest route between two places; ``NoRoute`` when the profile has none (never a fallback)."""
    loaded = load(session, store_id)
    a, b = resolve_place(loaded, start), resolve_place(loaded, goal)
    found = routing.route(loaded.graphs[profile], loaded.data, profile, a, b)
    if found is None:
        if profile is routing.Profile.accessible:
            raise NoRoute("no step-free route: the lifts that would lead there are out of service")
        raise NoRoute("these two places are not connected on the map")
    return found


# --- search ------------------------------------------------------------------------------------------------------


def search_index(session: Session, store_id: int, today: date) -> search.Index:
    """The search index of the shops trading today (names, English names, brands and products sold)."""
    key = (store_id, today)
    cached = _indexes.get(key)
    if cached is not None and time.monotonic() - cached[0] < SEARCH_TTL_S:
        return cached[1]
    shops = premises_service.list_shops(session, store_id, open_on=today)
    extra: dict[int, list[str]] = {}
    for shop_id, name, brand in catalog_service.product_names(session, store_id):
        extra.setdefault(shop_id, [])
        for text in (brand, name):
            if text and text not in extra[shop_id] and len(extra[shop_id]) < 12:
                extra[shop_id].append(text)
    index = search.build(
        search.Entry(f"shop:{s.code}", s.name, s.name_en, tuple(extra.get(s.id or 0, ()))) for s in shops
    )
    with _lock:
        _indexes[key] = (time.monotonic(), index)
    return index


# --- kiosks ------------------------------------------------------------------------------------------------------


def list_kiosks(session: Session, store_id: int) -> list[Kiosk]:
    return list(session.exec(select(Kiosk).where(Kiosk.store_id == store_id).order_by(col(Kiosk.code))))


def get_kiosk(session: Session, store_id: int, kiosk_id: int) -> Kiosk:
    return get_in_store(session, Kiosk, kiosk_id, store_id=store_id, not_found=KioskNotFound, label="kiosk")


def kiosk_by_code(session: Session, store_id: int, code: str) -> Kiosk | None:
    return session.exec(select(Kiosk).where(Kiosk.store_id == store_id, Kiosk.code == code)).first()


def save_kiosk(
    session: Session,
    store_id: int,
    *,
    code: str,
    name: str = "",
    anchor_id: str | None = None,
    at_main_entrance: bool = False,
    device_id: int | None = None,
) -> Kiosk:
    """Create or update the kiosk ``code``: its "you are here" anchor and whether it stands at a main entrance."""
    code = code.strip()
    if not code or len(code) > 32:
        raise BadMapData("a kiosk code is 1 to 32 characters")
    if anchor_id:
        anchor = session.get(MapFeature, anchor_id)
        if anchor is None or anchor.store_id != store_id or anchor.feature_type != FeatureType.anchor:
            raise PlaceNotFound(f"no anchor {anchor_id} on this store's map")
    kiosk = kiosk_by_code(session, store_id, code) or Kiosk(store_id=store_id, code=code)
    kiosk.name, kiosk.anchor_id, kiosk.at_main_entrance = name.strip()[:120], anchor_id or None, at_main_entrance
    if device_id is not None:
        kiosk.device_id = device_id
    session.add(kiosk)
    session.flush()
    return kiosk


def beat(session: Session, kiosk: Kiosk, *, now: datetime | None = None) -> Kiosk:
    """A kiosk's heartbeat: it is online; one event kept every ``BEAT_EVERY_S`` for the C1 history."""
    now = now or utcnow()
    previous = kiosk.last_beat_at
    kiosk.last_beat_at = now
    session.add(kiosk)
    if previous is None or (now - previous).total_seconds() >= BEAT_EVERY_S:
        session.add(KioskEvent(store_id=kiosk.store_id, kiosk_id=kiosk.id, function=KioskFunction.heartbeat, at=now))
    session.flush()
    return kiosk


def log_use(session: Session, store_id: int, kiosk_id: int | None, function: KioskFunction) -> None:
    """One use of a kiosk function (no shopper data: which function, which kiosk, when).

    Kept in memory and written in batches (every ``FLUSH_S`` seconds or ``FLUSH_ROWS`` rows, and before any
    read of the usage): a page view never waits for SQLite's write lock. A crash loses at most those seconds.
    """
    global _last_flush
    row = {"store_id": store_id, "kiosk_id": kiosk_id, "function": function.value, "at": utcnow()}
    with _lock:
        _pending.append(row)
        due = len(_pending) >= FLUSH_ROWS or time.monotonic() - _last_flush >= FLUSH_S
    if due:
        flush_usage(session, store_id)


def flush_usage(session: Session, store_id: int) -> int:
    """Write the store's buffered usage rows with ``session`` (the caller's unit of work commits them)."""
    global _last_flush
    with _lock:
        mine = [r for r in _pending if r["store_id"] == store_id]
        _pending[:] = [r for r in _pending if r["store_id"] != store_id]
        _last_flush = time.monotonic()
    kiosk_ids = {r["kiosk_id"] for r in mine if r["kiosk_id"] is not None}
    if kiosk_ids:  # a kiosk removed meanwhile takes its buffered uses with it
        known = set(session.exec(select(Kiosk.id).where(col(Kiosk.id).in_(kiosk_ids), Kiosk.store_id == store_id)))
        mine = [r for r in mine if r["kiosk_id"] is None or r["kiosk_id"] in known]
    if mine:
        session.execute(insert(EVENT), mine)
    return len(mine)


def is_online(kiosk: Kiosk, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return kiosk.last_beat_at is not None and (now - kiosk.last_beat_at).total_seconds() <= ONLINE_S


def usage(session: Session, store_id: int, since: datetime, until: datetime) -> dict[int | None, Counter[str]]:
    """Per kiosk (None: phone pages), how often each function was used in ``[since, until)``; heartbeats too."""
    query = (
        select(KioskEvent.kiosk_id, KioskEvent.function, func.count())
        .where(KioskEvent.store_id == store_id, col(KioskEvent.at) >= since, col(KioskEvent.at) < until)
        .group_by(col(KioskEvent.kiosk_id), col(KioskEvent.function))
    )
    flush_usage(session, store_id)
    out: dict[int | None, Counter[str]] = {}
    for kiosk_id, function, count in session.exec(query):
        out.setdefault(kiosk_id, Counter())[str(function)] = int(count)
    return out


def anchors(loaded: LoadedMap) -> list[tuple[str, str]]:
    """(anchor id, label) of the anchors a kiosk can stand at (entrances and corridors, not shops)."""
    out = []
    for f in loaded.data.by_type.get("anchor", []):
        unit = loaded.data.features.get(loaded.data.unit_of.get(f["id"], ""))
        if unit is None or unit["properties"].get("category") != "walkway":
            continue
        level = loaded.data.features[loaded.data.level_of[f["id"]]]
        out.append((f["id"], f"{level['properties']['short_name']['zh']} · {loaded.data.name(f) or f['id'][:8]}"))
    return sorted(out, key=lambda a: a[1])


def purge_events(session: Session, store_id: int, before: datetime) -> int:
    result = session.execute(delete(EVENT).where(EVENT.c.store_id == store_id, EVENT.c.at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def seen_since(kiosks: list[Kiosk], hours: int = 24) -> int:
    cutoff = utcnow() - timedelta(hours=hours)
    return sum(1 for k in kiosks if k.last_beat_at is not None and k.last_beat_at >= cutoff)
