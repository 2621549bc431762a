"""A shopper finds their car: types the plate on the kiosk's keyboard (1080×1920 touch), sees zone, space and
the way, scans the QR and pays on the phone (390×844); a misread plate offers masked candidates only.
Screenshots of each screen are saved under ``SHOTS`` (/tmp/shots) for a person to look at."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from store import db
from store.clock import utcnow
from store.parking import service as parking_service
from store.parking.models import Direction
from store.premises import service as premises_service
from store.premises.models import Zone, ZoneKind
from store.wayfinding import service as wayfinding_service
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow
from tests.factories.parking import create_car_park

pytestmark = pytest.mark.browser
KIOSK = {"viewport": {"width": 1080, "height": 1920}, "locale": "zh-CN", "has_touch": True}
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "has_touch": True, "is_mobile": True}


@pytest.fixture(scope="module")
def parked(live_server: LiveServer) -> LiveServer:
    """The live store with its map (a kiosk at the main entrance, the car park entrance on B1) and two cars in."""
    with db.unit_of_work() as session:
        store = premises_service.default_store(session)
        if not parking_service.list_gates(session, store.id):  # type: ignore[arg-type]
            for floor_code, code, name in (("1F", "1F-MAIN", "正门"), ("B1", "B1-PARK", "地下车库入口")):
                if not any(z.code == code for z in session.exec(select(Zone)).all()):
                    floor = premises_service.get_floor_by_code(session, store.id, floor_code)  # type: ignore[arg-type]
                    session.add(
                        Zone(store_id=store.id, floor_id=floor.id, code=code, name=name, kind=ZoneKind.entrance)  # type: ignore[arg-type]
                    )
            session.flush()
            wayfinding_service.generate_from_premises(session, store.id)  # type: ignore[arg-type]
            loaded = wayfinding_service.load(session, store.id)  # type: ignore[arg-type]
            anchor = next(a for a in loaded.data.by_type["anchor"] if a["properties"].get("entrance") == "1F-MAIN")
            if wayfinding_service.kiosk_by_code(session, store.id, "K-MAIN") is None:  # type: ignore[arg-type]
                wayfinding_service.save_kiosk(
                    session,
                    store.id,
                    code="K-MAIN",
                    name="正门导购屏",
                    anchor_id=anchor["id"],
                    at_main_entrance=True,  # type: ignore[arg-type]
                )
            park = create_car_park(session, store)
            for plate, minutes in (("沪AD23456", 95), ("沪A88888", 40)):
                parking_service.record_gate_event(
                    session,
                    store.id,  # type: ignore[arg-type]
                    gate_code="G-IN",
                    direction=Direction.entry,
                    raw_plate=plate,
                    at=utcnow() - timedelta(minutes=minutes),
                )
            parking_service.record_space(
                session, store.id, zone_code=park.zone.code, space="058", raw_plate="沪AD23456"
            )  # type: ignore[arg-type]
    return live_server


def type_plate(page, plate: str) -> None:
    for char in plate:
        page.locator(f".plate-board .key[data-key='{char}']").first.click()


class TestFindMyCar:
    def test_a_shopper_finds_their_car_and_pays_on_the_phone(self, browser, parked: LiveServer):
        context = browser.new_context(**KIOSK)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(parked.url + "/kiosk/?kiosk=K-MAIN")
        page.locator(".tile[href='/kiosk/parking']").click()
        page.wait_for_url("**/kiosk/parking")
        assert no_horizontal_overflow(page)
        box = page.locator(".plate-board .key").first.bounding_box()
        assert box["height"] >= 60 and box["width"] >= 60  # finger-sized keys
        type_plate(page, "沪AD23456")
        assert page.locator("#plate").input_value() == "沪AD23456"  # 8 characters: a new-energy plate
        page.screenshot(path=str(SHOTS / "kiosk-parking-keyboard-1080x1920.png"))
        page.locator("#plate-form button[type=submit]").click()
        page.wait_for_url("**plate=*")
        assert page.locator(".car-zone").inner_text() == "B2 A区" and page.locator(".car-space").inner_text() == "058"
        assert "¥20.00" in page.locator(".car-fee").inner_text()  # 95 minutes: 2 started hours
        assert page.locator("svg.qr").count() == 1 and page.locator("#car-route").count() == 1
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 1920, f"the car page is {height - 1920} px taller than the kiosk"
        page.screenshot(path=str(SHOTS / "kiosk-parking-car-1080x1920.png"))
        page.locator("#car-route").click()
        page.wait_for_url("**/kiosk/route**")
        assert page.locator(".legs .step").count() >= 1
        page.screenshot(path=str(SHOTS / "kiosk-parking-route-1080x1920.png"), full_page=True)
        page.go_back()
        link = page.locator(".phone-link").get_attribute("href")
        context.close()

        phone = browser.new_context(**PHONE)
        mobile = phone.new_page()
        mobile.goto(parked.url + link)
        assert mobile.locator(".car-space").inner_text() == "058" and no_horizontal_overflow(mobile)
        mobile.screenshot(path=str(SHOTS / "phone-parking-390x844.png"), full_page=True)
        mobile.locator("#pay-wechat").click()
        mobile.wait_for_url("**/kiosk/m/parking/pay")
        assert "支付成功" in mobile.locator("#pay-status").inner_text()
        assert "无需缴费" in mobile.locator("#fee").inner_text() and mobile.locator("#grace").is_visible()
        mobile.screenshot(path=str(SHOTS / "phone-parking-paid-390x844.png"), full_page=True)
        phone.close()

    def test_a_misread_plate_shows_masked_candidates(self, browser, parked: LiveServer):
        context = browser.new_context(**KIOSK)
        page = context.new_page()
        page.goto(parked.url + "/kiosk/parking?kiosk=K-MAIN&plate=" + "沪A023456")
        cards = page.locator(".candidate")
        assert cards.count() == 1 and "沪A·****56" in cards.first.inner_text()
        assert "沪AD23456" not in page.content()
        page.screenshot(path=str(SHOTS / "kiosk-parking-candidates-1080x1920.png"))
        cards.first.click()
        page.wait_for_url("**/kiosk/parking/car**")
        assert page.locator("svg.qr").count() == 0 and page.locator("#car-mine").is_visible()
        context.close()

    def test_large_text_mode(self, browser, parked: LiveServer):
        context = browser.new_context(**KIOSK)
        page = context.new_page()
        page.goto(parked.url + "/kiosk/parking?kiosk=K-MAIN&care=1")
        box = page.locator(".plate-board .key").first.bounding_box()
        assert box["height"] >= 96
        page.screenshot(path=str(SHOTS / "kiosk-parking-large-text-1080x1920.png"))
        context.close()
