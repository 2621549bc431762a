"""A shopper rents a wheelchair at the kiosk (1080×1920) with the member QR, follows it on the phone (390×844),
a second shopper is told it is out; large-text mode; the shop page shows the shop's credit rating.
Screenshots go under ``SHOTS`` (/tmp/shots) for a person to look at."""

from __future__ import annotations

import pytest

from store import db
from store.clock import utcnow
from store.credit.models import CreditProfile
from store.members import codes
from store.members.models import Member
from store.premises import service as premises_service
from store.rentals import service as rentals_service
from store.rentals.models import AssetKind, StationKind
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow
from tests.factories.members import create_member
from tests.factories.rentals import create_asset, create_station

pytestmark = pytest.mark.browser
KIOSK = {"viewport": {"width": 1080, "height": 1920}, "locale": "zh-CN", "has_touch": True}
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "has_touch": True, "is_mobile": True}


@pytest.fixture(scope="module")
def rentals(live_server: LiveServer) -> LiveServer:
    """Stations with a wheelchair, a stroller and an umbrella (deposit); two members; a rated shop."""
    with db.unit_of_work() as session:
        store = premises_service.default_store(session)
        create_station(session, store, code="DESK-1F")
        create_station(session, store, code="VEND-1F", kind=StationKind.vending)
        create_asset(session, store, code="WC01", station="DESK-1F", kind=AssetKind.wheelchair)
        create_asset(session, store, code="ST01", station="DESK-1F", kind=AssetKind.stroller)
        create_asset(session, store, code="UM01", station="DESK-1F", kind=AssetKind.umbrella, deposit_fen=3000)
        for _ in range(2):
            create_member(session, store)
        shop = premises_service.get_shop_by_code(session, store.id, "1F-02")  # type: ignore[arg-type]
        session.add(CreditProfile(store_id=store.id, shop_id=shop.id, score=93, rating="A", computed_at=utcnow()))  # type: ignore[arg-type]
    return live_server


def _code(n: int) -> str:
    with db.unit_of_work() as session:
        member = session.exec(Member.__table__.select().order_by(Member.id).offset(n).limit(1)).first()  # type: ignore[attr-defined]
        return codes.current_code(Member(**member._asdict())).digits


def _rent(page, asset: str, code: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#asset_code", asset)
    page.fill("#member_code", code)
    page.locator("#rent-button").click()
    page.wait_for_load_state()


class TestRentAtTheKiosk:
    def test_rent_a_wheelchair_and_follow_it_on_the_phone(self, browser, rentals: LiveServer):
        context = browser.new_context(**KIOSK)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(rentals.url + "/kiosk/")
        page.locator(".tile", has_text="自助租借").click()
        page.wait_for_url("**/kiosk/rentals")
        assert "轮椅" in page.locator(".station-list").inner_text() and no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / "kiosk-rentals-1080x1920.png"))
        code = _code(0)
        _rent(page, "WC01", code)
        receipt = page.locator("#rental-receipt").inner_text()
        assert "请于此前归还" in receipt and "会员免费" in receipt and code not in page.content()
        assert page.locator("svg.qr").bounding_box()["width"] >= 150
        page.screenshot(path=str(SHOTS / "kiosk-rental-receipt-1080x1920.png"))
        link = page.locator(".phone-link").get_attribute("href")
        context.close()
        phone = browser.new_context(**PHONE)
        mobile = phone.new_page()
        mobile.goto(rentals.url + link)
        assert "借用中" in mobile.locator("#rental-state").inner_text() and no_horizontal_overflow(mobile)
        mobile.screenshot(path=str(SHOTS / "phone-rental-status-390x844.png"), full_page=True)
        phone.close()

    def test_a_second_renter_is_told_it_is_out(self, browser, rentals: LiveServer):
        # The stroller goes out to the first member here, not in another test: xdist may run tests of this
        # module on two workers, each with its own server and database.
        with db.unit_of_work() as session:
            store = premises_service.default_store(session)
            rentals_service.rent(session, store.id, "ST01", _code(1))  # type: ignore[arg-type]
        context = browser.new_context(**KIOSK)
        page = context.new_page()
        page.goto(rentals.url + "/kiosk/rentals")
        _rent(page, "ST01", _code(1))
        assert "该物品已被借出" in page.locator("#rental-refusal").inner_text()
        assert page.input_value("#member_code") == ""  # the member code is not left on screen
        page.screenshot(path=str(SHOTS / "kiosk-rental-refused-1080x1920.png"))
        context.close()

    def test_large_text_mode_has_finger_sized_controls(self, browser, rentals: LiveServer):
        context = browser.new_context(**KIOSK)
        page = context.new_page()
        page.goto(rentals.url + "/kiosk/rentals?care=1")
        for selector in ("#asset_code", "#rent-button", "#return-button"):
            assert page.locator(selector).bounding_box()["height"] >= 60
        page.screenshot(path=str(SHOTS / "kiosk-rentals-large-text-1080x1920.png"))
        context.close()


class TestShopCredit:
    def test_the_shop_page_shows_its_rating(self, browser, rentals: LiveServer):
        context = browser.new_context(**KIOSK)
        page = context.new_page()
        page.goto(rentals.url + "/kiosk/shops/1F-02")
        assert page.locator("#shop-credit").inner_text() == "A"
        page.screenshot(path=str(SHOTS / "kiosk-shop-credit-1080x1920.png"))
        context.close()
