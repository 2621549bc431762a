"""A map drawn from the premises register: one floor plate per floor, a corridor along it, the shops that
trade on the floor on either side, two lift cores (lift, escalator, stairs) and a kiosk anchor at each
entrance zone. Good enough to guide shoppers until a surveyed IMDF map is imported over it.

Pure: premises rows in, GeoJSON features out (ids are UUID5 of the store code and a name, so a re-run gives
the same ids and links to them survive).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from store.premises.categories import CATEGORIES

SHOP_W = 10.0  # metres of corridor frontage per shop
DEPTH = 20.0  # shop depth either side of the corridor
CORRIDOR = 8.0
CORE_W = 16.0  # lift core at each end of the corridor
MIN_SLOTS = 4
ZH_SIDE = {"W": "西", "E": "东"}


@dataclass(frozen=True)
class FloorIn:
    code: str
    name: str
    name_en: str
    level: int  # premises numbering: B1 = -1, 1F = 1


@dataclass(frozen=True)
class ShopIn:
    id: int
    code: str
    name: str
    name_en: str
    category: str
    floor_code: str


@dataclass(frozen=True)
class EntranceIn:
    code: str
    name: str
    floor_code: str


def ordinal(level: int) -> int:
    """IMDF ordinal (0 = ground) from the premises numbering, which has no floor 0."""
    return level - 1 if level > 0 else level


def _id(store_code: str, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"smartstore:{store_code}:{name}"))


def _rect(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def _feature(fid: str, kind: str, geometry: dict[str, Any] | None, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "feature_type": kind, "geometry": geometry, "properties": properties}


class _Builder:
    def __init__(self, store_code: str) -> None:
        self.store_code = store_code
        self.out: list[dict[str, Any]] = []

    def id(self, name: str) -> str:
        return _id(self.store_code, name)

    def add(self, fid: str, kind: str, geometry: dict[str, Any] | None, **properties: Any) -> str:
        self.out.append(_feature(fid, kind, geometry, **properties))
        return fid

    def unit(self, key: str, level_id: str, box: tuple[float, float, float, float], category: str, **props: Any) -> str:
        return self.add(self.id(f"unit:{key}"), "unit", _rect(*box), category=category, level_id=level_id, **props)

    def door(self, key: str, level_id: str, x: float, y: float) -> str:
        line = {"type": "LineString", "coordinates": [[x - 1.0, y], [x + 1.0, y]]}
        return self.add(self.id(f"opening:{key}"), "opening", line, category="pedestrian", level_id=level_id)


def build(
    store_code: str,
    store_name: tuple[str, str],
    floors: Sequence[FloorIn],
    shops: Sequence[ShopIn],
    entrances: Sequence[EntranceIn],
) -> list[dict[str, Any]]:
    """The IMDF features of the store's map."""
    b = _Builder(store_code)
    per_floor = {f.code: [s for s in shops if s.floor_code == f.code] for f in floors}
    slots = max([MIN_SLOTS, *(math.ceil(len(v) / 2) for v in per_floor.values())])
    width = 2 * CORE_W + slots * SHOP_W
    height = 2 * DEPTH + CORRIDOR
    y_corr0, y_corr1 = DEPTH, DEPTH + CORRIDOR
    b.add(
        b.id("venue"),
        "venue",
        _rect(0, 0, width, height),
        category="shoppingcenter",
        name={"zh": store_name[0], "en": store_name[1]},
    )
    cores: dict[str, list[tuple[str, str]]] = {}  # connector key → [(level id, unit id)] bottom to top
    for floor in sorted(floors, key=lambda f: f.level):
        level_id = b.add(
            b.id(f"level:{floor.code}"),
            "level",
            _rect(0, 0, width, height),
            category="unspecified",
            ordinal=ordinal(floor.level),
            short_name={"zh": floor.code, "en": floor.code},
            name={"zh": floor.name, "en": floor.name_en or floor.name},
        )
        b.unit(f"{floor.code}:corridor", level_id, (0, y_corr0, width, y_corr1), "walkway")
        for side, x0 in (("W", 0.0), ("E", width - CORE_W)):
            # lift below the corridor, escalator and stairs above it
            for key, category, box, y_door, name in (
                ("lift", "elevator", (x0, y_corr0 - 8, x0 + CORE_W / 2, y_corr0), y_corr0, ("电梯", "Lift")),
                (
                    "escalator",
                    "escalator",
                    (x0, y_corr1, x0 + CORE_W / 2, y_corr1 + 10),
                    y_corr1,
                    ("扶梯", "Escalator"),
                ),
                (
                    "stairs",
                    "stairs",
                    (x0 + CORE_W / 2, y_corr1, x0 + CORE_W, y_corr1 + 10),
                    y_corr1,
                    ("楼梯", "Stairs"),
                ),
            ):
                unit_key = f"{floor.code}:{key}{side}"
                uid = b.unit(
                    unit_key,
                    level_id,
                    box,
                    category,
                    name={"zh": f"{ZH_SIDE[side]}{name[0]}", "en": f"{name[1]} {side}"},
                )
                b.door(unit_key, level_id, (box[0] + box[2]) / 2, y_door)
                cores.setdefault(f"{key}{side}", []).append((level_id, uid))
            box = (x0 + CORE_W / 2, y_corr0 - 8, x0 + CORE_W, y_corr0)
            rid = b.unit(
                f"{floor.code}:restroom{side}", level_id, box, "restroom", name={"zh": "洗手间", "en": "Restrooms"}
            )
            b.door(f"{floor.code}:restroom{side}", level_id, (box[0] + box[2]) / 2, y_corr0)
            b.add(
                b.id(f"amenity:{floor.code}:restroom{side}"),
                "amenity",
                {"type": "Point", "coordinates": [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]},
                category="restroom.wheelchair",
                level_id=level_id,
                unit_ids=[rid],
                name={"zh": "洗手间（无障碍）", "en": "Restrooms (accessible)"},
            )
        for i, shop in enumerate(per_floor[floor.code]):
            slot, top = i // 2, i % 2 == 0
            x0 = CORE_W + slot * SHOP_W
            box = (x0, y_corr1, x0 + SHOP_W, y_corr1 + DEPTH) if top else (x0, 0, x0 + SHOP_W, y_corr0)
            uid = b.unit(
                f"shop:{shop.code}", level_id, box, "retail", ref=shop.code, name={"zh": shop.code, "en": shop.code}
            )
            b.door(f"shop:{shop.code}", level_id, x0 + SHOP_W / 2, y_corr1 if top else y_corr0)
            anchor = b.add(
                b.id(f"anchor:shop:{shop.code}"),
                "anchor",
                {"type": "Point", "coordinates": [x0 + SHOP_W / 2, (box[1] + box[3]) / 2]},
                unit_id=uid,
            )
            zh_cat, en_cat = CATEGORIES.get(shop.category, (shop.category, shop.category))
            b.add(
                b.id(f"occupant:{shop.code}"),
                "occupant",
                None,
                category=shop.category,
                anchor_id=anchor,
                shop_id=shop.id,
                shop_code=shop.code,
                name={"zh": shop.name, "en": shop.name_en or shop.name},
                category_name={"zh": zh_cat, "en": en_cat},
            )
        here = [e for e in entrances if e.floor_code == floor.code]
        for j, entrance in enumerate(here):
            x = width * (j + 1) / (len(here) + 1)
            b.add(
                b.id(f"anchor:entrance:{entrance.code}"),
                "anchor",
                {"type": "Point", "coordinates": [x, (y_corr0 + y_corr1) / 2]},
                unit_id=b.id(f"unit:{floor.code}:corridor"),
                entrance=entrance.code,
                name={"zh": entrance.name, "en": entrance.code},
            )
    for key, stops in cores.items():
        category = {"lift": "elevator", "escalator": "escalator", "stairs": "stairs"}[key[:-1]]
        side = key[-1]
        names = {"elevator": ("电梯", "Lift"), "escalator": ("扶梯", "Escalator"), "stairs": ("楼梯", "Stairs")}[
            category
        ]
        if category == "elevator":
            b.add(
                b.id(f"rel:{key}"),
                "relationship",
                None,
                category=category,
                direction="undirected",
                units=[uid for _, uid in stops],
                name={"zh": f"{ZH_SIDE[side]}{names[0]}", "en": f"{names[1]} {side}"},
                status="in_service",
            )
            continue
        for (_l0, lower), (_l1, upper) in zip(stops, stops[1:], strict=False):
            b.add(
                b.id(f"rel:{key}:{lower}"),
                "relationship",
                None,
                category=category,
                direction="undirected",
                units=[lower, upper],
                name={"zh": f"{ZH_SIDE[side]}{names[0]}", "en": f"{names[1]} {side}"},
                status="in_service",
            )
    return b.out
