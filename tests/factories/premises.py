"""Factories for stores, floors, shops and headcount."""

from __future__ import annotations

from datetime import date
from itertools import count

from sqlmodel import Session

from store.premises.models import Floor, Shop, ShopArea, StaffHeadcount, Store

_seq = count(1)


def create_store(
    session: Session, *, code: str | None = None, timezone: str = "Asia/Shanghai", smart_upgrade_on: date | None = None
) -> Store:
    n = next(_seq)
    store = Store(
        code=code or f"S{n:03d}",
        name=f"测试百货{n}",
        name_en=f"Test Store {n}",
        timezone=timezone,
        smart_upgrade_on=smart_upgrade_on,
    )
    session.add(store)
    session.flush()
    return store


def create_floor(session: Session, store: Store, *, code: str = "1F", level: int = 1) -> Floor:
    floor = Floor(store_id=store.id, code=code, name=f"{code}层", name_en=f"Floor {code}", level=level)
    session.add(floor)
    session.flush()
    return floor


def create_shop(
    session: Session,
    store: Store,
    floor: Floor | None = None,
    *,
    code: str | None = None,
    category: str = "cosmetics",
    area_m2: float = 100.0,
    opened_on: date = date(2020, 1, 1),
    closed_on: date | None = None,
) -> Shop:
    floor = floor or create_floor(session, store, code=f"F{next(_seq)}", level=next(_seq))
    n = next(_seq)
    shop = Shop(
        store_id=store.id,
        floor_id=floor.id,
        code=code or f"SH{n:04d}",
        name=f"店铺{n}",
        name_en=f"Shop {n}",
        category=category,
        selling_area_m2=area_m2,
        opened_on=opened_on,
        closed_on=closed_on,
    )
    session.add(shop)
    session.flush()
    session.add(ShopArea(store_id=store.id, shop_id=shop.id, effective_on=opened_on, selling_area_m2=area_m2))
    session.flush()
    return shop


def set_headcount(
    session: Session, store: Store, headcount: int, *, shop: Shop | None = None, effective_on: date = date(2020, 1, 1)
) -> StaffHeadcount:
    row = StaffHeadcount(
        store_id=store.id, shop_id=shop.id if shop else None, effective_on=effective_on, headcount=headcount
    )
    session.add(row)
    session.flush()
    return row
