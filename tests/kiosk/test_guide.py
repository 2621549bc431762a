"""The guide pages on the kiosk and the phone: search, shop pages, routes, promotions and claim QR, the
kiosk's reset, elderly mode and module tiles; bad input gets a readable page and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from store import signed_codes
from store.catalog import service as catalog_service
from store.catalog.schemas import PriceChannel, PromotionCreate
from store.clock import utcnow
from store.premises import service as premises_service
from store.wayfinding import service as wayfinding_service
from tests.factories.wayfinding import MappedStore, create_mapped_store


@pytest.fixture
def mapped(session: Session) -> MappedStore:
    wayfinding_service.clear_caches()
    mapped = create_mapped_store(session)
    if premises_service.default_store(session).id != mapped.store.id:
        pytest.skip("another store was committed earlier in this database")
    return mapped


@pytest.fixture
def promotion(session: Session, mapped: MappedStore):
    now = utcnow()
    data = PromotionCreate(  # type: ignore[call-arg]
        name="秋季美妆节",
        channel=PriceChannel.offline,
        percent_off=20,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=5),
        category=None,
        sku=None,
    )
    return catalog_service.add_promotion(session, mapped.store.id, data)


def on_kiosk(client: TestClient) -> TestClient:
    client.get("/kiosk/?kiosk=K1")
    return client


class TestSearch:
    def test_first_letters_find_the_shop(self, client: TestClient, mapped: MappedStore):
        html = client.get("/kiosk/search", params={"q": "nk"}).text
        assert "耐克" in html and "1F-01" in html

    def test_a_wrong_character_still_finds_it(self, client: TestClient, mapped: MappedStore):
        assert "星巴克" in client.get("/kiosk/search", params={"q": "星巴客"}).text

    def test_nothing_found_says_so(self, client: TestClient, mapped: MappedStore):
        assert "没有找到" in client.get("/kiosk/search", params={"q": "zzzz"}).text


class TestFloorPage:
    def test_shows_unit_numbers_the_map_and_filters(self, client: TestClient, mapped: MappedStore):
        html = on_kiosk(client).get("/kiosk/floors/1F").text
        assert 'class="unit-no">1F-02' in html and "<svg" in html and "您在这里" in html
        filtered = client.get("/kiosk/floors/1F", params={"q": "zdf"}).text.split('class="shop-list"')[1]
        assert "周大福" in filtered and "星巴克" not in filtered  # the list; the map above still shows every shop


class TestShopAndRoute:
    def test_shop_page_has_floor_unit_and_the_way(self, client: TestClient, mapped: MappedStore):
        html = on_kiosk(client).get("/kiosk/shops/2F-02").text
        assert "屈臣氏" in html and "2F-02" in html and "/kiosk/route?to=shop%3A2F-02" in html

    def test_unknown_shop_is_a_readable_page(self, client: TestClient, mapped: MappedStore):
        response = client.get("/kiosk/shops/NOPE")
        assert response.status_code == 404 and "返回首页" in response.text

    def test_accessible_route_uses_the_lift_floor_by_floor_with_a_phone_qr(
        self, client: TestClient, mapped: MappedStore
    ):
        html = on_kiosk(client).get("/kiosk/route", params={"to": "shop:2F-02", "mode": "accessible"}).text
        assert "电梯" in html and "扶梯" not in html.split('class="legs"')[1].split("</ol>")[0]
        assert html.count('class="leg"') == 2 and 'class="qr"' in html

    def test_the_route_url_works_without_a_kiosk(self, client: TestClient, mapped: MappedStore):
        start = f"anchor:{mapped.kiosk.anchor_id}"
        html = client.get("/kiosk/route", params={"to": "shop:B1-01", "from": start, "via": "qr"}).text
        assert "华润万家" in html

    def test_no_step_free_route_says_so_and_never_sends_stairs(self, client: TestClient, session: Session, mapped):
        for lift in wayfinding_service.connectors(session, mapped.store.id):
            if lift.category == "elevator":
                wayfinding_service.set_in_service(session, mapped.store.id, lift.id, False)
        response = on_kiosk(client).get("/kiosk/route", params={"to": "shop:2F-02", "mode": "accessible"})
        assert response.status_code == 409 and "没有无障碍路线" in response.text

    def test_a_route_to_nowhere_is_a_readable_page(self, client: TestClient, mapped: MappedStore):
        response = on_kiosk(client).get("/kiosk/route", params={"to": "shop:NOPE"})
        assert response.status_code == 404 and "找不到该地点" in response.text


class TestPromotions:
    def test_claim_qr_opens_the_phone_page(self, client: TestClient, mapped: MappedStore, promotion):
        assert "秋季美妆节" in client.get("/kiosk/").text
        html = client.get(f"/kiosk/promotions/{promotion.id}/claim").text
        assert 'class="qr"' in html
        link = html.split('class="phone-link" href="')[1].split('"')[0].replace("&amp;", "&")
        phone = client.get(link).text
        assert "秋季美妆节" in phone and "claim-status" in phone

    def test_an_expired_claim_qr_says_so(self, client: TestClient, mapped: MappedStore, promotion):
        code = signed_codes.sign(
            "kiosk-claim",
            {"p": promotion.id, "s": mapped.store.id},
            max_age=timedelta(minutes=10),
            now=utcnow() - timedelta(minutes=11),
        )
        response = client.get("/kiosk/m/claim", params={"c": code})
        assert response.status_code == 400 and "二维码已过期" in response.text

    def test_elderly_mode_shows_no_promotions(self, client: TestClient, mapped: MappedStore, promotion):
        html = client.get("/kiosk/?care=1").text
        assert 'class="care"' in html and "秋季美妆节" not in html


class TestKioskBehaviour:
    def test_modules_not_installed_say_so(self, client: TestClient, mapped: MappedStore):
        from kiosk.guide import module_tiles

        html = client.get("/kiosk/").text
        tiles = module_tiles()  # a module's tile links to its page once the module exists (parking does)
        for key, url in tiles.items():
            assert (f'href="{url}"' if url else f'data-tile="{key}"') in html
        assert ("暂未开通" in html) == (None in tiles.values())

    def test_reset_forgets_language_and_large_text(self, client: TestClient, mapped: MappedStore):
        client.get("/kiosk/?lang=en&care=1")
        assert "Floor guide" in client.get("/kiosk/").text
        html = client.get("/kiosk/reset").text
        assert '<html lang="zh-CN">' in html and 'class="care"' not in html

    def test_pages_warn_before_resetting_but_a_fresh_home_does_not(self, client: TestClient, mapped: MappedStore):
        assert "data-idle" not in client.get("/kiosk/").text
        assert 'data-idle="45"' in client.get("/kiosk/search").text
        assert 'data-idle="90"' in client.get("/kiosk/search?care=1").text

    def test_heartbeat_puts_the_kiosk_online(self, client: TestClient, session: Session, mapped: MappedStore):
        from tests.factories.wayfinding import install_kiosk

        install_kiosk(client, session, mapped)
        client.post("/kiosk/beat")
        session.refresh(mapped.kiosk)
        assert wayfinding_service.is_online(mapped.kiosk)
