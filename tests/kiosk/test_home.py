"""The kiosk home screen and floor pages a shopper sees."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from store.premises import service as premises_service
from store.premises.models import Store
from store.premises.schemas import FloorCreate, ShopCreate, StoreCreate


def _shop(session: Session, store: Store, code: str, floor: str, category: str, **dates: date) -> None:
    data = ShopCreate(
        code=code,
        name=f"商户{code}",
        name_en=f"Shop {code}",
        category=category,
        floor_code=floor,
        selling_area_m2=50,
        opened_on=dates.get("opened_on", date(2020, 1, 1)),
        closed_on=dates.get("closed_on"),
    )
    premises_service.create_shop(session, store.id, data)  # type: ignore[arg-type]


@pytest.fixture
def store(session: Session) -> Store:
    store = premises_service.create_store(session, StoreCreate(code="KIO", name="导购百货", name_en="Guide Mall"))
    for code, name, name_en, level in (("B1", "地下一层", "Basement 1", -1), ("1F", "一楼", "Level 1", 1)):
        premises_service.create_floor(
            session,
            store.id,
            FloorCreate(  # type: ignore[arg-type]
                code=code, name=name, name_en=name_en, level=level
            ),
        )
    _shop(session, store, "B1-01", "B1", "supermarket")
    _shop(session, store, "1F-01", "1F", "cosmetics")
    _shop(session, store, "1F-02", "1F", "cosmetics")
    _shop(session, store, "1F-03", "1F", "jewellery")
    _shop(session, store, "1F-99", "1F", "watches", closed_on=date(2021, 1, 1))  # closed: not on the board
    return store


@pytest.fixture
def only_store(session: Session, store: Store) -> Store:
    """The kiosk shows the deployment's first store: skip when the test database already has an older one."""
    if premises_service.default_store(session).id != store.id:
        pytest.skip("another store was committed earlier in this database")
    return store


class TestHome:
    def test_shows_store_name_in_chinese_and_english(self, client: TestClient, only_store: Store):
        html = client.get("/kiosk/").text
        assert "导购百货" in html and "Guide Mall" in html

    def test_lists_floors_top_first_with_open_shops_and_main_categories(self, client: TestClient, only_store: Store):
        html = client.get("/kiosk/").text
        assert html.index("一楼") < html.index("地下一层")
        first_floor = html.split('href="/kiosk/floors/1F"')[1].split("</a>")[0]
        assert "<strong>3</strong>" in first_floor  # the closed watch shop is not counted
        assert first_floor.index("化妆品") < first_floor.index("珠宝")
        assert "钟表" not in first_floor

    def test_english_switch(self, client: TestClient, only_store: Store):
        html = client.get("/kiosk/?lang=en").text
        assert '<html lang="en">' in html and "Floor guide" in html and "Cosmetics" in html


class TestFloorPage:
    def test_lists_the_floors_open_shops(self, client: TestClient, only_store: Store):
        html = client.get("/kiosk/floors/1F").text
        assert "商户1F-01" in html and "Shop 1F-01" in html and "商户1F-99" not in html

    def test_unknown_floor_is_a_friendly_page(self, client: TestClient, only_store: Store):
        response = client.get("/kiosk/floors/9F")
        assert response.status_code == 404
        assert "找不到该楼层" in response.text and "返回首页" in response.text
