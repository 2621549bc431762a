"""Premises logic: stores, floors, zones, shops, staff headcount and opening hours.

Services flush but never commit: the request (or the CLI's unit of work) commits once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, time
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store import driver_sql
from store.clock import business_day, utcnow
from store.errors import InvalidInput
from store.premises.errors import (
    BadDates,
    CodeTaken,
    FloorNotFound,
    ShopClosed,
    ShopCodeTaken,
    ShopNotFound,
    StoreNotFound,
)
from store.premises.models import Floor, OpeningHours, Shop, ShopArea, StaffHeadcount, Store, Zone, ZoneKind
from store.premises.schemas import (
    FloorCreate,
    FloorUpdate,
    ShopCreate,
    ShopUpdate,
    StoreCreate,
    StoreUpdate,
    ZoneCreate,
)
from store.scoping import Viewer, get_in_store

# --- stores -------------------------------------------------------------------------------------


def get_store(session: Session, store_id: int) -> Store:
    store = session.get(Store, store_id)
    if store is None:
        raise StoreNotFound(f"store {store_id} does not exist")
    return store


def get_store_by_code(session: Session, code: str) -> Store:
    store = session.exec(select(Store).where(Store.code == code)).first()
    if store is None:
        raise StoreNotFound(f"no store with code {code!r}")
    return store


def default_store(session: Session) -> Store:
    """The only (or first) store of this deployment."""
    store = session.exec(select(Store).order_by(col(Store.id))).first()
    if store is None:
        raise StoreNotFound("no store: run smartstore demo or import")
    return store


def list_stores(session: Session) -> list[Store]:
    """Every store of this deployment, in the order they were created."""
    return list(session.exec(select(Store).order_by(col(Store.id))))


def create_store(session: Session, data: StoreCreate) -> Store:
    if session.exec(select(Store.id).where(Store.code == data.code)).first() is not None:
        raise CodeTaken(f"store code {data.code!r} is already used")
    store = Store(**data.model_dump())
    session.add(store)
    session.flush()
    return store


def update_store(session: Session, store_id: int, data: StoreUpdate) -> Store:
    store = get_store(session, store_id)
    changes = data.model_dump(exclude_unset=True)
    _refuse_nulls(changes, ("name", "name_en", "timezone", "address"))
    _apply(store, changes)
    session.add(store)
    session.flush()
    return store


# --- floors and zones ---------------------------------------------------------------------------


def list_floors(session: Session, store_id: int) -> list[Floor]:
    """Floors bottom to top."""
    query = select(Floor).where(Floor.store_id == store_id).order_by(col(Floor.level))
    return list(session.exec(query))


def get_floor(session: Session, store_id: int, floor_id: int) -> Floor:
    return get_in_store(session, Floor, floor_id, store_id=store_id, not_found=FloorNotFound, label="floor")


def get_floor_by_code(session: Session, store_id: int, code: str) -> Floor:
    floor = session.exec(select(Floor).where(Floor.store_id == store_id, Floor.code == code)).first()
    if floor is None:
        raise FloorNotFound(f"floor {code!r} does not exist in this store")
    return floor


def create_floor(session: Session, store_id: int, data: FloorCreate) -> Floor:
    get_store(session, store_id)
    taken = select(Floor.id).where(Floor.store_id == store_id, Floor.code == data.code)
    if session.exec(taken).first() is not None:
        raise CodeTaken(f"floor code {data.code!r} is already used in this store")
    floor = Floor(store_id=store_id, **data.model_dump())
    session.add(floor)
    session.flush()
    return floor


def update_floor(session: Session, store_id: int, floor_id: int, data: FloorUpdate) -> Floor:
    """Rename or re-level a floor (the code is its identity and stays)."""
    floor = get_floor(session, store_id, floor_id)
    changes = data.model_dump(exclude_unset=True)
    _refuse_nulls(changes, ("name", "name_en", "level"))
    _apply(floor, changes)
    session.add(floor)
    session.flush()
    return floor


def list_zones(
    session: Session, store_id: int, *, floor_id: int | None = None, kind: ZoneKind | None = None
) -> list[Zone]:
    query = select(Zone).where(Zone.store_id == store_id)
    if floor_id is not None:
        query = query.where(Zone.floor_id == floor_id)
    if kind is not None:
        query = query.where(Zone.kind == kind)
    return list(session.exec(query.order_by(col(Zone.floor_id), col(Zone.code))))


def create_zone(session: Session, store_id: int, data: ZoneCreate) -> Zone:
    floor = get_floor_by_code(session, store_id, data.floor_code)
    taken = select(Zone.id).where(Zone.store_id == store_id, Zone.code == data.code)
    if session.exec(taken).first() is not None:
        raise CodeTaken(f"zone code {data.code!r} is already used in this store")
    zone = Zone(store_id=store_id, floor_id=_id(floor), code=data.code, name=data.name, kind=data.kind)
    session.add(zone)
    session.flush()
    return zone


# --- shops --------------------------------------------------------------------------------------


def _shop_query(
    store_id: int,
    *,
    floor_id: int | None = None,
    open_on: date | None = None,
    category: str | None = None,
    only_shop_id: int | None = None,
) -> Any:
    query = select(Shop).where(Shop.store_id == store_id)
    if floor_id is not None:
        query = query.where(Shop.floor_id == floor_id)
    if category is not None:
        query = query.where(Shop.category == category)
    if open_on is not None:
        query = query.where(
            col(Shop.opened_on) <= open_on, or_(col(Shop.closed_on).is_(None), col(Shop.closed_on) >= open_on)
        )
    if only_shop_id is not None:
        query = query.where(Shop.id == only_shop_id)
    return query


def list_shops(
    session: Session,
    store_id: int,
    *,
    floor_id: int | None = None,
    open_on: date | None = None,
    category: str | None = None,
) -> list[Shop]:
    """Shops by code; ``open_on`` keeps those trading that day."""
    query = _shop_query(store_id, floor_id=floor_id, open_on=open_on, category=category)
    return list(session.exec(query.order_by(col(Shop.code))))


def get_shop(session: Session, store_id: int, shop_id: int) -> Shop:
    return get_in_store(session, Shop, shop_id, store_id=store_id, not_found=ShopNotFound, label="shop")


def get_shop_by_code(session: Session, store_id: int, code: str) -> Shop:
    shop = session.exec(select(Shop).where(Shop.store_id == store_id, Shop.code == code)).first()
    if shop is None:
        raise ShopNotFound(f"no shop with code {code!r} in this store")
    return shop


# The one place where tenant staff (and shop-bound devices) are limited to their own shop: every
# route and page that reads shops or headcount goes through these two functions.
def shop_for(session: Session, viewer: Viewer, shop_id: int) -> Shop:
    """The shop if ``viewer`` may see it; another tenant's shop reads as not found, so ids don't leak."""
    shop = get_shop(session, viewer.store_id, shop_id)
    if not viewer.can_see_shop(shop.id):  # type: ignore[arg-type]
        raise ShopNotFound(f"shop {shop_id} does not exist in this store")
    return shop


def shops_for(
    session: Session,
    viewer: Viewer,
    *,
    limit: int = 50,
    offset: int = 0,
    floor_id: int | None = None,
    open_on: date | None = None,
    category: str | None = None,
) -> tuple[list[Shop], int]:
    """One page of the shops ``viewer`` may see, and how many there are in all."""
    query = _shop_query(
        viewer.store_id, floor_id=floor_id, open_on=open_on, category=category, only_shop_id=viewer.shop_id
    )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Shop.code)).limit(limit).offset(offset))
    return [shop for shop in rows if viewer.can_see_shop(shop.id)], total  # type: ignore[arg-type]


def create_shop(session: Session, store_id: int, data: ShopCreate) -> Shop:
    """A new shop; a duplicate code is a conflict naming the code, and nothing is written."""
    get_store(session, store_id)
    _check_dates(data.opened_on, data.closed_on)
    floor = get_floor_by_code(session, store_id, data.floor_code)
    if session.exec(select(Shop.id).where(Shop.store_id == store_id, Shop.code == data.code)).first():
        raise ShopCodeTaken(f"shop code {data.code!r} is already used in this store")
    shop = Shop(store_id=store_id, floor_id=_id(floor), **data.model_dump(exclude={"floor_code", "area_from"}))
    try:
        with session.begin_nested():  # a concurrent insert of the same code loses here, not at commit
            session.add(shop)
    except IntegrityError:
        raise ShopCodeTaken(f"shop code {data.code!r} is already used in this store") from None
    # The area holds from the opening day (or the day given): the first of the shop's dated records (坪效).
    first = data.area_from or shop.opened_on
    session.add(
        ShopArea(store_id=store_id, shop_id=_id(shop), effective_on=first, selling_area_m2=shop.selling_area_m2)
    )
    session.flush()
    return shop


def _check_dates(opened_on: date, closed_on: date | None) -> None:
    if closed_on is not None and closed_on < opened_on:
        raise BadDates(
            f"closed_on {closed_on} is before opened_on {opened_on}",
            errors=[{"loc": ["body", "closed_on"], "msg": "must not be before opened_on"}],
        )


def update_shop(session: Session, store_id: int, shop_id: int, data: ShopUpdate) -> Shop:
    """Change the fields sent; dates are checked against the shop's other date before anything changes.

    A different ``selling_area_m2`` is recorded from ``area_from`` (default: the store's today): the
    days before keep their area. Moving ``opened_on`` earlier takes the from-opening area record along."""
    shop = get_shop(session, store_id, shop_id)
    before = {name: getattr(shop, name) for name in WATCHED_SHOP_FIELDS}
    changes = data.model_dump(exclude_unset=True)
    _refuse_nulls(changes, ("name", "name_en", "tenant", "category", "selling_area_m2", "opened_on", "floor_code"))
    area, area_from = changes.pop("selling_area_m2", None), changes.pop("area_from", None)
    _check_dates(changes.get("opened_on", shop.opened_on), changes.get("closed_on", shop.closed_on))
    if "floor_code" in changes:
        shop.floor_id = get_floor_by_code(session, store_id, changes.pop("floor_code")).id  # type: ignore[assignment]
    if "opened_on" in changes and changes["opened_on"] < shop.opened_on:
        _move_opening_area(session, shop, changes["opened_on"])
    _apply(shop, changes)
    session.add(shop)
    session.flush()
    if area is not None and (area_from is not None or area != shop.selling_area_m2):  # a form re-sends it unchanged
        on = area_from or business_day(utcnow(), get_store(session, store_id).timezone)
        set_area(session, store_id, _id(shop), effective_on=on, selling_area_m2=area)
    changed = {name for name in WATCHED_SHOP_FIELDS if getattr(shop, name) != before[name]}
    if changed:
        _shop_changed(session, shop, changed)
    return shop


# Fields other domains print or show next to a shop (the credit QR poster: name, unit, floor). When one
# changes, ``store.<domain>.hooks.shop_changed(session, shop, changed)`` of every domain that has one runs
# in the same transaction (found by name, so premises imports none of them).
WATCHED_SHOP_FIELDS = ("code", "name", "name_en", "floor_id", "closed_on")


@cache
def _shop_hooks() -> tuple[Callable[[Session, Shop, set[str]], None], ...]:
    from store.registry import domain_modules

    return tuple(m.shop_changed for m in domain_modules("hooks") if hasattr(m, "shop_changed"))


def _shop_changed(session: Session, shop: Shop, changed: set[str]) -> None:
    for hook in _shop_hooks():
        hook(session, shop, changed)


def ensure_shop_trading(session: Session, store_id: int, shop_id: int, on: date) -> Shop:
    """The shop, if it trades on ``on``; sales calls this for every order."""
    shop = get_shop(session, store_id, shop_id)
    if on < shop.opened_on:
        raise ShopClosed(f"shop {shop.code} opens on {shop.opened_on}; it did not trade on {on}")
    if shop.closed_on is not None and on > shop.closed_on:
        raise ShopClosed(f"shop {shop.code} closed after {shop.closed_on}; it did not trade on {on}")
    return shop


_TRADING_WINDOW = (
    select(Store.timezone, Shop.opened_on, Shop.closed_on)  # type: ignore[call-overload]
    .join(Shop, col(Shop.store_id) == col(Store.id))
    .where(col(Store.id) == bindparam("store_id"), col(Shop.id) == bindparam("shop_id"))
)


def trading_window(
    session: Session, store_id: int, shop_id: int, *, conn: Connection | None = None
) -> tuple[str, date, date | None] | None:
    """(store timezone, shop's first and last trading day) in one prebuilt query; None: no such shop.

    For the tills' hot path, which asks this of every sale (with the session's connection, which it holds);
    ``ensure_shop_trading`` words a refusal."""
    params = {"store_id": store_id, "shop_id": shop_id}
    rows = driver_sql.fetch(conn or session.connection(), _TRADING_WINDOW, params)
    return (rows[0][0], rows[0][1], rows[0][2]) if rows else None


def total_area_m2(session: Session, store_id: int, on: date) -> float:
    """Selling area of the shops trading on ``on`` (the 坪效 denominator), each as recorded for that day."""
    shops = list_shops(session, store_id, open_on=on)
    records = area_records(session, store_id)
    return float(sum(area_in_effect(records.get(_id(shop), []), on) or 0 for shop in shops))


# --- dated selling areas (坪效 denominator) --------------------------------------------------------


def area_records(session: Session, store_id: int, *, shop_id: int | None = None) -> dict[int, list[ShopArea]]:
    """Each shop's area records by effective_on (a shop without records is absent)."""
    query = select(ShopArea).where(ShopArea.store_id == store_id)
    if shop_id is not None:
        query = query.where(ShopArea.shop_id == shop_id)
    result: dict[int, list[ShopArea]] = {}
    for row in session.exec(query.order_by(col(ShopArea.shop_id), col(ShopArea.effective_on))):
        result.setdefault(row.shop_id, []).append(row)
    return result


def area_in_effect(records: Sequence[ShopArea], day: date) -> float | None:
    """The area of the latest record on or before ``day`` (records sorted by effective_on); None before the first."""
    current = None
    for record in records:
        if record.effective_on > day:
            break
        current = record.selling_area_m2
    return current


def areas_for(session: Session, viewer: Viewer, shop_id: int) -> list[ShopArea]:
    """A shop's area history, if ``viewer`` may see the shop."""
    shop = shop_for(session, viewer, shop_id)
    return area_records(session, viewer.store_id, shop_id=_id(shop)).get(_id(shop), [])


def set_area(session: Session, store_id: int, shop_id: int, *, effective_on: date, selling_area_m2: float) -> ShopArea:
    """Record the area a shop has from ``effective_on`` until its next record; the days before keep theirs.

    A record on the same day is corrected in place; an area equal to the one already in effect that day
    adds nothing. The shop's ``selling_area_m2`` follows its latest record."""
    if not 0 < selling_area_m2 <= 100_000:
        raise InvalidInput(
            f"selling area must be above 0 and at most 100,000 m², not {selling_area_m2}",
            errors=[{"loc": ["body", "selling_area_m2"], "msg": "must be above 0"}],
        )
    shop = get_shop(session, store_id, shop_id)
    records = _materialized_areas(session, shop)
    same_day = next((r for r in records if r.effective_on == effective_on), None)
    if same_day is None and area_in_effect(records, effective_on) == selling_area_m2:
        return next(r for r in reversed(records) if r.effective_on <= effective_on)
    row = same_day or ShopArea(store_id=store_id, shop_id=shop_id, effective_on=effective_on, selling_area_m2=0)
    row.selling_area_m2 = selling_area_m2
    session.add(row)
    session.flush()
    latest = max([*records, row], key=lambda r: r.effective_on)
    if shop.selling_area_m2 != latest.selling_area_m2:
        shop.selling_area_m2 = latest.selling_area_m2
        session.add(shop)
        session.flush()
    return row


def _materialized_areas(session: Session, shop: Shop) -> list[ShopArea]:
    """The shop's area records; a shop written without any (before 0010, or straight into the table) gets
    its one area from its opening day first, which is what that single value meant."""
    records = area_records(session, shop.store_id, shop_id=_id(shop)).get(_id(shop), [])
    if records:
        return records
    first = ShopArea(
        store_id=shop.store_id, shop_id=_id(shop), effective_on=shop.opened_on, selling_area_m2=shop.selling_area_m2
    )
    session.add(first)
    session.flush()
    return [first]


def _move_opening_area(session: Session, shop: Shop, opened_on: date) -> None:
    """An earlier opening day: the record that held from the old opening day now holds from the new one."""
    records = area_records(session, shop.store_id, shop_id=_id(shop)).get(_id(shop), [])
    if records and records[0].effective_on == shop.opened_on:
        records[0].effective_on = opened_on
        session.add(records[0])
        session.flush()


def _id(row: Floor | Shop | Store) -> int:
    assert row.id is not None, "flushed rows have ids"
    return row.id


def _refuse_nulls(changes: dict[str, Any], required: tuple[str, ...]) -> None:
    """A PATCH may leave a field out, but may not blank a required one."""
    for name in required:
        if name in changes and changes[name] is None:
            raise InvalidInput(f"{name} may not be empty", errors=[{"loc": ["body", name], "msg": "required"}])


def _apply(row: Any, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(row, name, value)


# --- opening hours ------------------------------------------------------------------------------


def set_opening_hours(session: Session, store_id: int, weekday: int, opens_at: time, closes_at: time) -> OpeningHours:
    """Upsert the hours of one weekday (0 = Monday)."""
    if not 0 <= weekday <= 6:
        raise BadDates(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")
    if closes_at <= opens_at:
        raise BadDates(f"closes_at {closes_at} must be after opens_at {opens_at}")
    get_store(session, store_id)
    query = select(OpeningHours).where(OpeningHours.store_id == store_id, OpeningHours.weekday == weekday)
    row = session.exec(query).first() or OpeningHours(
        store_id=store_id, weekday=weekday, opens_at=opens_at, closes_at=closes_at
    )
    row.opens_at, row.closes_at = opens_at, closes_at
    session.add(row)
    session.flush()
    return row


def list_opening_hours(session: Session, store_id: int) -> list[OpeningHours]:
    query = select(OpeningHours).where(OpeningHours.store_id == store_id).order_by(col(OpeningHours.weekday))
    return list(session.exec(query))


# --- staff headcount (人效 denominator) ----------------------------------------------------------


def set_headcount(
    session: Session, store_id: int, *, shop_id: int | None, effective_on: date, headcount: int
) -> StaffHeadcount:
    """Upsert the headcount that holds from ``effective_on`` (shop_id None: the store's own staff)."""
    if headcount < 0:
        raise InvalidInput(
            f"headcount must not be negative, not {headcount}",
            errors=[{"loc": ["body", "headcount"], "msg": "must be 0 or more"}],
        )
    get_store(session, store_id)
    if shop_id is not None:
        get_shop(session, store_id, shop_id)
    query = select(StaffHeadcount).where(
        StaffHeadcount.store_id == store_id,
        StaffHeadcount.effective_on == effective_on,
        col(StaffHeadcount.shop_id).is_(None) if shop_id is None else StaffHeadcount.shop_id == shop_id,
    )
    row = session.exec(query).first() or StaffHeadcount(
        store_id=store_id, shop_id=shop_id, effective_on=effective_on, headcount=headcount
    )
    row.headcount = headcount
    session.add(row)
    session.flush()
    return row


def headcount_entries(session: Session, store_id: int) -> list[StaffHeadcount]:
    """Every headcount entry of the store, by effective_on."""
    query = select(StaffHeadcount).where(StaffHeadcount.store_id == store_id)
    return list(session.exec(query.order_by(col(StaffHeadcount.effective_on), col(StaffHeadcount.id))))


def headcount_for(session: Session, viewer: Viewer, *, shop_id: int | None = None) -> list[StaffHeadcount]:
    """The entries ``viewer`` may see (tenant staff: their own shop's), optionally of one shop."""
    if shop_id is not None:
        shop_for(session, viewer, shop_id)
    entries = headcount_entries(session, viewer.store_id)
    if shop_id is not None:
        return [e for e in entries if e.shop_id == shop_id]
    if viewer.shop_id is not None:
        return [e for e in entries if e.shop_id is not None and viewer.can_see_shop(e.shop_id)]
    return entries


def _latest(entries: Sequence[StaffHeadcount], day: date) -> dict[int | None, int]:
    current: dict[int | None, int] = {}
    for entry in entries:  # sorted by effective_on: later entries overwrite
        if entry.effective_on <= day:
            current[entry.shop_id] = entry.headcount
    return current


def headcount_on(session: Session, store_id: int, day: date, *, shop_id: int | None = None) -> int:
    """Staff on ``day``: one shop's, or the store total (own staff plus every shop trading that day)."""
    current = _latest(headcount_entries(session, store_id), day)
    trading = {s.id for s in list_shops(session, store_id, open_on=day)}
    if shop_id is not None:
        return current.get(shop_id, 0) if shop_id in trading else 0
    return current.get(None, 0) + sum(n for key, n in current.items() if key in trading)
