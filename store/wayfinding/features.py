"""IMDF features as GeoJSON in local metres: validation (geojson-pydantic for shape, shapely for geometry) and
the in-memory map the router and the SVG drawer read.

A feature is a plain GeoJSON dict ``{"type": "Feature", "id", "feature_type", "geometry", "properties"}``.
Checks follow the IMDF rules the product relies on: unique ids, references that resolve, valid polygons,
each anchor inside its unit, each opening on the edge of a unit of its level, levels with distinct ordinals,
and relationships (lifts, escalators, stairs, ramps) between connector units of different levels.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from geojson_pydantic import Feature
from pydantic import ValidationError
from shapely.geometry import LineString, Point, Polygon, shape

from store.wayfinding.errors import BadMapData

FEATURE_TYPES = ("venue", "level", "unit", "opening", "amenity", "occupant", "anchor", "relationship")
GEOMETRY = {
    "venue": ("Polygon",),
    "level": ("Polygon",),
    "unit": ("Polygon",),
    "opening": ("LineString",),
    "amenity": ("Point",),
    "anchor": ("Point",),
    "occupant": (None,),
    "relationship": (None,),
}
CONNECTORS = ("elevator", "escalator", "stairs", "ramp")
STEP_FREE = ("elevator", "ramp")
TOUCH_M = 0.05  # an opening within 5 cm of a unit's edge is on it
MAX_ERRORS = 20


@dataclass
class MapData:
    """The validated features of one store, indexed for routing and drawing."""

    features: dict[str, dict[str, Any]]
    by_type: dict[str, list[dict[str, Any]]]
    shapes: dict[str, Any]  # id → shapely geometry (units, levels, openings, anchors, amenities)
    level_of: dict[str, str]  # unit / opening / anchor / amenity id → level id
    unit_of: dict[str, str] = field(default_factory=dict)  # anchor / amenity id → unit id
    opening_units: dict[str, list[str]] = field(default_factory=dict)  # opening id → the units it joins

    def levels(self) -> list[dict[str, Any]]:
        """Levels bottom to top."""
        return sorted(self.by_type.get("level", []), key=lambda f: f["properties"]["ordinal"])

    def name(self, feature: dict[str, Any], locale: str = "zh_CN") -> str:
        names = feature["properties"].get("name") or {}
        if locale == "en":
            return names.get("en") or names.get("zh") or ""
        return names.get("zh") or names.get("en") or ""


def build(features: list[dict[str, Any]]) -> MapData:
    """Validate ``features`` and index them; ``BadMapData`` lists the first problems found, nothing is kept."""
    errors: list[str] = []
    by_id: dict[str, dict[str, Any]] = {}
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    shapes: dict[str, Any] = {}
    for raw in features:
        fid, kind = str(raw.get("id", "")), raw.get("feature_type")
        if kind not in FEATURE_TYPES:
            errors.append(f"{fid or '?'}: unknown feature_type {kind!r}")
            continue
        if not fid or fid in by_id:
            errors.append(f"{fid or '?'}: missing or duplicate id")
            continue
        try:
            Feature.model_validate(
                {"type": "Feature", "geometry": raw.get("geometry"), "properties": raw.get("properties")}
            )
        except ValidationError as exc:
            errors.append(f"{fid}: not a GeoJSON feature ({exc.errors()[0]['msg']})")
            continue
        geometry = raw.get("geometry")
        expected = GEOMETRY[kind]
        if (geometry or {}).get("type") not in expected:
            errors.append(f"{fid}: a {kind} needs geometry {expected[0] or 'null'}")
            continue
        if geometry:
            geom = shape(geometry)
            if not geom.is_valid:
                errors.append(f"{fid}: invalid {geometry['type']} (self-intersecting or empty)")
                continue
            shapes[fid] = geom
        by_id[fid] = raw
        by_type[kind].append(raw)
    data = MapData(by_id, dict(by_type), shapes, {})
    if not errors:
        errors = _check_references(data)
    if errors:
        more = f" (and {len(errors) - MAX_ERRORS} more)" if len(errors) > MAX_ERRORS else ""
        raise BadMapData("; ".join(errors[:MAX_ERRORS]) + more)
    return data


def _ref(data: MapData, fid: Any, kind: str, owner: str, errors: list[str]) -> dict[str, Any] | None:
    target = data.features.get(str(fid)) if fid else None
    if target is None or target["feature_type"] != kind:
        errors.append(f"{owner}: {kind} {fid!r} does not exist")
        return None
    return target


def _check_references(data: MapData) -> list[str]:
    errors: list[str] = []
    if len(data.by_type.get("venue", [])) != 1:
        errors.append("the map needs exactly one venue")
    ordinals = [f["properties"].get("ordinal") for f in data.by_type.get("level", [])]
    if any(not isinstance(o, int) for o in ordinals) or len(set(ordinals)) != len(ordinals):
        errors.append("each level needs its own integer ordinal")
    for kind in ("unit", "opening", "amenity"):
        for f in data.by_type.get(kind, []):
            level = _ref(data, f["properties"].get("level_id"), "level", f["id"], errors)
            if level is not None:
                data.level_of[f["id"]] = level["id"]
    for f in data.by_type.get("anchor", []):
        unit = _ref(data, f["properties"].get("unit_id"), "unit", f["id"], errors)
        if unit is None:
            continue
        data.unit_of[f["id"]] = unit["id"]
        data.level_of[f["id"]] = data.level_of.get(unit["id"], "")
        if not data.shapes[unit["id"]].buffer(TOUCH_M).contains(data.shapes[f["id"]]):
            errors.append(f"{f['id']}: anchor outside its unit {unit['id']}")
    for f in data.by_type.get("amenity", []):
        units = f["properties"].get("unit_ids") or []
        for uid in units:
            _ref(data, uid, "unit", f["id"], errors)
        if units and str(units[0]) in data.features:
            data.unit_of[f["id"]] = str(units[0])
    for f in data.by_type.get("occupant", []):
        _ref(data, f["properties"].get("anchor_id"), "anchor", f["id"], errors)
    _check_openings(data, errors)
    _check_relationships(data, errors)
    return errors


def _check_openings(data: MapData, errors: list[str]) -> None:
    units_by_level: dict[str, list[str]] = defaultdict(list)
    for u in data.by_type.get("unit", []):
        units_by_level[data.level_of.get(u["id"], "")].append(u["id"])
    for f in data.by_type.get("opening", []):
        line: LineString = data.shapes[f["id"]]
        joined = [
            uid
            for uid in units_by_level.get(data.level_of.get(f["id"], ""), [])
            if data.shapes[uid].exterior.distance(line.centroid) <= TOUCH_M
        ]
        if not joined:
            errors.append(f"{f['id']}: opening on no unit's edge of its level")
        data.opening_units[f["id"]] = joined


def _check_relationships(data: MapData, errors: list[str]) -> None:
    for f in data.by_type.get("relationship", []):
        props = f["properties"]
        if f.get("category", props.get("category")) not in CONNECTORS:
            errors.append(f"{f['id']}: relationship category must be one of {', '.join(CONNECTORS)}")
            continue
        stops = props.get("units") or []
        levels = set()
        for uid in stops:
            unit = _ref(data, uid, "unit", f["id"], errors)
            if unit is not None:
                levels.add(data.level_of.get(unit["id"]))
        if len(stops) < 2 or len(levels) != len(stops):
            errors.append(f"{f['id']}: a connector joins units on at least two different levels")


def point(data: MapData, fid: str) -> tuple[float, float]:
    """Where a feature is drawn and routed to: an anchor's point, an opening's middle, a unit's inside."""
    geom = data.shapes[fid]
    if isinstance(geom, Point):
        return geom.x, geom.y
    if isinstance(geom, LineString):
        mid = geom.interpolate(0.5, normalized=True)
        return mid.x, mid.y
    assert isinstance(geom, Polygon)
    inside = geom.representative_point() if not geom.contains(geom.centroid) else geom.centroid
    return inside.x, inside.y
