"""Demo hook of premises: the 7-floor 智慧示范百货 with ~150 shops, ~40,000 m² and ~900 staff.

Deterministic from ``ctx.rng("premises")``. Leaves ``ctx.store_id`` set and hands other hooks
``ctx.shared["premises"]`` = {"entrance_zone_ids", "shop_ids", "floor_ids"}.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, time, timedelta
from typing import Any

from store.premises import service as premises_service
from store.premises.demo_catalogue import (
    FLOORS,
    NAMES,
    PLAN,
    STAFF,
    STORE_OPENED_ON,
    STORE_STAFF,
    STORE_STAFF_AFTER_UPGRADE,
    TENANT_CITIES,
    ZONES,
)
from store.premises.models import Floor, OpeningHours, Shop, ShopArea, StaffHeadcount, Store, Zone, ZoneKind
from store.premises.schemas import FloorCreate, StoreCreate

ANCHORS = {"supermarket", "cinema"}  # run by the store itself, open since the grand opening
REPLACEABLE = ("cosmetics", "womenswear", "menswear", "restaurant", "sports", "kidswear", "jewellery")
CLOSINGS = 4  # shops that close during the history; each is replaced by a new brand weeks later
SCAN_TO_ORDER = {"restaurant", "food_court", "cafe"}  # one fewer counter staff after the upgrade


def generate(ctx: Any) -> None:
    """Create the store, floors, zones, shops, headcount history and opening hours."""
    session, rng = ctx.session, ctx.rng("premises")
    store = premises_service.create_store(
        session,
        StoreCreate(
            code="DEMO",
            name="智慧示范百货",
            name_en="Smart Demo Department Store",
            timezone="Asia/Shanghai",
            smart_upgrade_on=ctx.calendar.upgrade_on,
            address="上海市黄浦区南京东路 800 号",
        ),
    )
    ctx.store_id = store_id = _id(store)
    floors = {
        code: premises_service.create_floor(session, store_id, FloorCreate(code=code, level=level, name=zh, name_en=en))
        for code, level, zh, en in FLOORS
    }
    zones = _zones(store_id, floors)
    shops = _shops(rng, store_id, floors, ctx.start_on, ctx.end_on)
    session.add_all([*zones, *shops])
    session.flush()
    session.add_all(  # each shop's area from its opening day: the first of its dated area records
        ShopArea(
            store_id=store_id, shop_id=_id(shop), effective_on=shop.opened_on, selling_area_m2=shop.selling_area_m2
        )
        for shop in shops
    )
    session.add_all(_headcount(rng, store_id, shops, ctx.start_on, ctx.end_on, ctx.calendar.upgrade_on))
    session.add_all(_opening_hours(store_id))
    session.flush()
    ctx.shared["premises"] = {
        "entrance_zone_ids": [z.id for z in zones if z.kind == ZoneKind.entrance],
        "shop_ids": [s.id for s in shops],
        "floor_ids": {code: f.id for code, f in floors.items()},
    }
    area = sum(s.selling_area_m2 for s in shops if _trading(s, ctx.end_on))
    ctx.echo(f"demo: premises   {len(shops)} shops on {len(floors)} floors, {area:,.0f} m² trading on {ctx.end_on}")


def _id(row: Store | Floor | Shop) -> int:
    assert row.id is not None, "flushed rows have ids"
    return row.id


def _zones(store_id: int, floors: dict[str, Floor]) -> list[Zone]:
    zones = []
    for code, floor in floors.items():
        zones.append(
            Zone(
                store_id=store_id, floor_id=_id(floor), code=f"{code}-ATRIUM", name=f"{code} 中庭", kind=ZoneKind.atrium
            )
        )
        for suffix, zh, kind in ZONES[code]:
            zones.append(
                Zone(store_id=store_id, floor_id=_id(floor), code=f"{code}-{suffix}", name=f"{code} {zh}", kind=kind)
            )
    return zones


def _name_pools(rng: random.Random) -> dict[str, Iterator[tuple[str, str]]]:
    return {category: iter(rng.sample(names, len(names))) for category, names in NAMES.items()}


def _shop(
    rng: random.Random,
    store_id: int,
    floor: Floor,
    number: int,
    category: str,
    names: Iterator[tuple[str, str]],
    area: float,
    opened_on: date,
) -> Shop:
    zh, en = next(names)
    tenant = "本店自营" if category in ANCHORS else f"{rng.choice(TENANT_CITIES)}{zh}商贸有限公司"
    return Shop(
        store_id=store_id,
        floor_id=_id(floor),
        code=f"{floor.code}-{number:02d}",
        name=zh,
        name_en=en,
        tenant=tenant,
        category=category,
        selling_area_m2=area,
        opened_on=opened_on,
    )


def _shops(rng: random.Random, store_id: int, floors: dict[str, Floor], start_on: date, end_on: date) -> list[Shop]:
    """The floor plan's shops, then a few closings, each followed by a new brand in the same space."""
    pools = _name_pools(rng)
    shops: list[Shop] = []
    settled = (start_on - STORE_OPENED_ON).days - 60  # ordinary shops opened before the history
    for code, plan in PLAN.items():
        for category, count, (low, high) in plan:
            for _ in range(count):
                opened = STORE_OPENED_ON if category in ANCHORS else STORE_OPENED_ON + timedelta(rng.randrange(settled))
                area = round(rng.uniform(low, high) * 2) / 2
                number = sum(1 for s in shops if s.floor_id == floors[code].id) + 1
                shops.append(_shop(rng, store_id, floors[code], number, category, pools[category], area, opened))
    span = (end_on - start_on).days
    if span < 240:  # a short demo history has no room for closings
        return shops
    by_floor = {f.id: f for f in floors.values()}
    for closing in rng.sample([s for s in shops if s.category in REPLACEABLE], CLOSINGS):
        closing.closed_on = start_on + timedelta(rng.randrange(60, span - 120))
        floor = by_floor[closing.floor_id]
        number = sum(1 for s in shops if s.floor_id == floor.id) + 1
        area = round(closing.selling_area_m2 * rng.uniform(0.9, 1.1) * 2) / 2
        opened = closing.closed_on + timedelta(rng.randint(21, 60))  # refit between the two brands
        shops.append(_shop(rng, store_id, floor, number, closing.category, pools[closing.category], area, opened))
    return shops


def _trading(shop: Shop, day: date) -> bool:
    return shop.opened_on <= day and (shop.closed_on is None or day <= shop.closed_on)


def _headcount(
    rng: random.Random, store_id: int, shops: list[Shop], start_on: date, end_on: date, upgrade_on: date
) -> list[StaffHeadcount]:
    """Store and shop headcount as steps over time: a few changes per shop and a step after the upgrade."""
    rows: list[StaffHeadcount] = []

    def add(shop_id: int | None, steps: dict[date, int]) -> None:
        rows.extend(
            StaffHeadcount(store_id=store_id, shop_id=shop_id, effective_on=day, headcount=n)
            for day, n in sorted(steps.items())
        )

    span = (end_on - start_on).days
    settled = upgrade_on + timedelta(30)
    store_steps = {STORE_OPENED_ON: STORE_STAFF, start_on + timedelta(span // 5): STORE_STAFF + 3}
    if settled <= end_on:
        store_steps[settled] = STORE_STAFF_AFTER_UPGRADE
    add(None, store_steps)
    for shop in shops:
        low, high = STAFF[shop.category]
        staff = rng.randint(low, high)
        steps = {shop.opened_on: staff}
        first = max(shop.opened_on, start_on) + timedelta(30)
        for _ in range(rng.choice((0, 1, 1, 2))):  # staff come and go: a few changes in two years
            if first < end_on:
                staff = max(max(1, low - 1), staff + rng.choice((-1, 1)))
                steps[first + timedelta(rng.randrange((end_on - first).days + 1))] = staff
        if settled <= end_on and _trading(shop, settled):
            cut = {"supermarket": 8, "cinema": 4}.get(shop.category, 1 if shop.category in SCAN_TO_ORDER else 0)
            if cut:  # self-checkout, self-service ticketing, scan-to-order (C2 智能支付)
                cut_on = settled + timedelta(rng.randint(0, 45))
                steps[cut_on] = steps[max(d for d in steps if d <= cut_on)]
                steps.update({d: max(2, n - cut) for d, n in steps.items() if d >= cut_on})
        add(shop.id, steps)
    return rows


def _opening_hours(store_id: int) -> list[OpeningHours]:
    """10:00–22:00, Friday and Saturday until 22:30."""
    return [
        OpeningHours(store_id=store_id, weekday=day, opens_at=time(10), closes_at=time(22, 30 if day in (4, 5) else 0))
        for day in range(7)
    ]
