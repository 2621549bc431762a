"""IMDF archives: a zip of one GeoJSON FeatureCollection per feature type plus ``manifest.json``.

IMDF requires WGS84 (RFC 7946); the product keeps local metres. Export places the local origin at the map's
``origin_lon``/``origin_lat`` (equirectangular: exact enough over a building's few hundred metres) and import
converts back, so an export re-imported gives the same features (to a millimetre).
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from typing import Any

from store.wayfinding.errors import BadMapData
from store.wayfinding.features import FEATURE_TYPES

EARTH_M = 6_378_137.0
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 50 * 1024 * 1024


def _convert(coords: Any, fn: Any) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        return list(fn(coords[0], coords[1]))
    return [_convert(c, fn) for c in coords]


def to_wgs84(origin: tuple[float, float], geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    if geometry is None:
        return None
    lon0, lat0 = origin
    k = math.cos(math.radians(lat0))

    def fn(x: float, y: float) -> tuple[float, float]:
        return lon0 + math.degrees(x / (EARTH_M * k)), lat0 + math.degrees(y / EARTH_M)

    return {"type": geometry["type"], "coordinates": _convert(geometry["coordinates"], fn)}


def to_local(origin: tuple[float, float], geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    if geometry is None:
        return None
    lon0, lat0 = origin
    k = math.cos(math.radians(lat0))

    def fn(lon: float, lat: float) -> tuple[float, float]:
        return round(math.radians(lon - lon0) * EARTH_M * k, 3), round(math.radians(lat - lat0) * EARTH_M, 3)

    return {"type": geometry["type"], "coordinates": _convert(geometry["coordinates"], fn)}


def export_zip(features: list[dict[str, Any]], origin: tuple[float, float], *, language: str = "zh-CN") -> bytes:
    """The IMDF archive of ``features``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        manifest = {
            "version": "1.0.0",
            "language": language,
            "generated_by": "smartstore",
            "extensions": {"smartstore:origin": list(origin)},
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for kind in FEATURE_TYPES:
            collection = {
                "type": "FeatureCollection",
                "name": kind,
                "features": [
                    {**f, "geometry": to_wgs84(origin, f["geometry"])} for f in features if f["feature_type"] == kind
                ],
            }
            archive.writestr(f"{kind}.geojson", json.dumps(collection, ensure_ascii=False))
    return buffer.getvalue()


def read_zip(raw: bytes, default_origin: tuple[float, float]) -> tuple[list[dict[str, Any]], tuple[float, float]]:
    """Features in local metres and the origin they were placed at, from an IMDF archive."""
    if len(raw) > MAX_ARCHIVE_BYTES:
        raise BadMapData(f"the archive is larger than {MAX_ARCHIVE_BYTES // 1024 // 1024} MB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise BadMapData("not a zip archive: an IMDF archive is a zip of .geojson files") from exc
    with archive:
        names = {info.filename.rsplit("/", 1)[-1]: info for info in archive.infolist()}
        if "manifest.json" not in names:
            raise BadMapData("manifest.json is missing from the archive")
        if any(info.file_size > MAX_MEMBER_BYTES for info in names.values()):
            raise BadMapData("a file in the archive is too large")
        try:
            manifest = json.loads(archive.read(names["manifest.json"]))
            origin = tuple(manifest.get("extensions", {}).get("smartstore:origin") or default_origin)
            features = []
            for kind in FEATURE_TYPES:
                if f"{kind}.geojson" not in names:
                    continue
                collection = json.loads(archive.read(names[f"{kind}.geojson"]))
                for f in collection.get("features", []):
                    f = dict(f)
                    f["feature_type"] = kind
                    f["geometry"] = to_local(origin, f.get("geometry"))  # type: ignore[arg-type]
                    f.setdefault("properties", {})
                    features.append(f)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise BadMapData(f"the archive could not be read: {exc}") from exc
    return features, (float(origin[0]), float(origin[1]))
