"""A small mapped store: three floors, shops on each, an entrance kiosk on 1F (map drawn from the premises)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from store.premises.models import Shop, Store
from store.premises.schemas import FloorCreate, ShopCreate
from store.wayfinding import service as wayfinding_service
from store.wayfinding.models import Kiosk
from tests.factories.premises import create_store

SHOPS = (
    ("B1-01", "B1", "supermarket", "华润万家", "Vanguard"),
    ("1F-01", "1F", "sports", "耐克", "Nike"),
    ("1F-02", "1F", "cafe", "星巴克", "Starbucks"),
    ("1F-03", "1F", "jewellery", "周大福", "Chow Tai Fook"),
    ("2F-01", "2F", "restaurant", "重庆小面", "Chongqing Noodles"),
    ("2F-02", "2F", "cosmetics", "屈臣氏", "Watsons"),
    ("2F-03", "2F", "womenswear", "王府井精品", "Wangfujing Select"),
)


@dataclass
class MappedStore:
    store: Store
    shops: dict[str, Shop]
    kiosk: Kiosk


def create_mapped_store(session: Session, *, code: str | None = None) -> MappedStore:
    from store.premises import service as premises_service

    store = create_store(session, code=code)
    store_id = store.id or 0
    for floor_code, level in (("B1", -1), ("1F", 1), ("2F", 2)):
        premises_service.create_floor(
            session, store_id, FloorCreate(code=floor_code, name=f"{floor_code}层", name_en=floor_code, level=level)
        )
    shops = {}
    for shop_code, floor_code, category, name, name_en in SHOPS:
        shops[shop_code] = premises_service.create_shop(
            session,
            store_id,
            ShopCreate(  # type: ignore[call-arg]
                code=shop_code,
                name=name,
                name_en=name_en,
                category=category,
                floor_code=floor_code,
                selling_area_m2=80.0,
                opened_on=date(2020, 1, 1),
            ),
        )
    from store.premises.models import Zone, ZoneKind

    floor_1f = premises_service.get_floor_by_code(session, store_id, "1F")
    session.add(Zone(store_id=store_id, floor_id=floor_1f.id or 0, code="1F-MAIN", name="正门", kind=ZoneKind.entrance))
    session.flush()
    wayfinding_service.generate_from_premises(session, store_id)
    loaded = wayfinding_service.load(session, store_id)
    entrance = next(a for a in loaded.data.by_type["anchor"] if a["properties"].get("entrance") == "1F-MAIN")
    kiosk = wayfinding_service.save_kiosk(
        session, store_id, code="K1", name="正门导购屏", anchor_id=entrance["id"], at_main_entrance=True
    )
    return MappedStore(store, shops, kiosk)


def install_kiosk(client, session: Session, mapped: MappedStore, *, code: str = "K1"):  # type: ignore[no-untyped-def]
    """Install the client's screen as kiosk ``code`` with a new kiosk device's key (``/kiosk/install``); returns
    the POST's response and the device."""
    import re

    from store.auth import service as auth_service
    from store.auth.models import DeviceKind

    key, device = auth_service.create_device(session, store_id=mapped.store.id, kind=DeviceKind.kiosk, name=code)
    session.commit()
    form = client.get("/kiosk/install").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/kiosk/install", data={"kiosk": code, "key": key, "csrf_token": token}, follow_redirects=False
    )
    return response, device
