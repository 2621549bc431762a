"""A shopper at the entrance kiosk (1080×1920 touch) and on a phone (390×844): finds a shop by pinyin first
letters, gets a step-free route drawn floor by floor, claims a promotion by QR, and the kiosk resets itself.
Screenshots of each screen are saved under ``SHOTS`` (/tmp/shots) for a person to look at."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import db
from store.catalog import service as catalog_service
from store.catalog.schemas import PriceChannel, PromotionCreate
from store.clock import utcnow
from store.premises import service as premises_service
from store.premises.models import Zone, ZoneKind
from store.wayfinding import service as wayfinding_service
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow

pytestmark = pytest.mark.browser
KIOSK = {"viewport": {"width": 1080, "height": 1920}, "locale": "zh-CN", "has_touch": True}
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "has_touch": True, "is_mobile": True}


@pytest.fixture(scope="module")
def mapped(live_server: LiveServer) -> LiveServer:
    """The live store with its map drawn from the premises, a kiosk at the main entrance and a promotion."""
    with db.unit_of_work() as session:
        store = premises_service.default_store(session)
        if wayfinding_service.kiosk_by_code(session, store.id, "K-MAIN") is None:  # type: ignore[arg-type]
            floor = premises_service.get_floor_by_code(session, store.id, "1F")  # type: ignore[arg-type]
            session.add(Zone(store_id=store.id, floor_id=floor.id, code="1F-MAIN", name="正门", kind=ZoneKind.entrance))  # type: ignore[arg-type]
            session.flush()
            wayfinding_service.generate_from_premises(session, store.id)  # type: ignore[arg-type]
            loaded = wayfinding_service.load(session, store.id)  # type: ignore[arg-type]
            anchor = next(a for a in loaded.data.by_type["anchor"] if a["properties"].get("entrance") == "1F-MAIN")
            wayfinding_service.save_kiosk(
                session,
                store.id,
                code="K-MAIN",
                name="正门导购屏",
                anchor_id=anchor["id"],
                at_main_entrance=True,  # type: ignore[arg-type]
            )
            now = utcnow()
            catalog_service.add_promotion(
                session,
                store.id,  # type: ignore[arg-type]
                PromotionCreate(  # type: ignore[call-arg]
                    name="金秋美妆节 全场八折",
                    channel=PriceChannel.offline,
                    percent_off=20,
                    starts_at=now - timedelta(days=1),
                    ends_at=now + timedelta(days=7),
                    category=None,
                    sku=None,
                ),
            )
    return live_server


def kiosk_page(browser, server: LiveServer):
    context = browser.new_context(**KIOSK)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(server.url + "/kiosk/?kiosk=K-MAIN")
    return context, page


class TestFindShopByInitials:
    def test_zdf_on_the_touch_keyboard_finds_zhou_da_fu(self, browser, mapped: LiveServer):
        context, page = kiosk_page(browser, mapped)
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 1920, f"the home screen is {height - 1920} px taller than the kiosk"
        assert no_horizontal_overflow(page)
        assert page.locator(".tile[href='/kiosk/parking']").count() == 1  # the parking module is installed
        page.screenshot(path=str(SHOTS / "kiosk-guide-home-1080x1920.png"))
        page.locator(".tile", has_text="找店铺").click()
        page.wait_for_url("**/kiosk/search")
        for key in ("z", "d", "f"):
            page.locator(f".key[data-key='{key}']").click()
            page.wait_for_url(f"**q=*{key}")
        first = page.locator(".results .shop-card").first
        assert "周大福" in first.inner_text() and "1F" in first.inner_text()
        box = page.locator(".key").first.bounding_box()
        assert box["height"] >= 60 and box["width"] >= 60  # finger-sized keys
        page.screenshot(path=str(SHOTS / "kiosk-guide-search-1080x1920.png"))
        first.click()
        page.wait_for_url("**/kiosk/shops/1F-02")
        page.screenshot(path=str(SHOTS / "kiosk-guide-shop-1080x1920.png"))
        context.close()

    def test_floor_page_has_unit_numbers_and_the_map(self, browser, mapped: LiveServer):
        context, page = kiosk_page(browser, mapped)
        page.goto(mapped.url + "/kiosk/floors/1F")
        assert page.locator(".shop-card .unit-no").first.inner_text() == "1F-01"
        assert page.locator("svg.map .here").count() == 1
        page.screenshot(path=str(SHOTS / "kiosk-guide-floor-1080x1920.png"))
        context.close()


class TestAccessibleRoute:
    def test_step_free_route_to_the_third_floor_takes_the_lift(self, browser, mapped: LiveServer):
        context, page = kiosk_page(browser, mapped)
        page.goto(mapped.url + "/kiosk/shops/3F-01")
        page.locator(".big-button", has_text="无障碍路线").click()
        page.wait_for_url("**mode=accessible**")
        steps = page.locator(".legs .step").all_inner_texts()
        assert len(steps) == 2 and "电梯" in steps[0] and "3F" in steps[0] and "安踏" in steps[-1]
        assert not any("扶梯" in s or "楼梯" in s for s in steps)
        assert page.locator("svg.map .route").count() >= 2 and page.locator("svg.qr").count() == 1
        page.screenshot(path=str(SHOTS / "kiosk-guide-route-accessible-1080x1920.png"), full_page=True)
        phone_url = page.locator(".phone-link").get_attribute("href")
        context.close()
        phone = browser.new_context(**PHONE)
        mobile = phone.new_page()
        mobile.goto(mapped.url + phone_url + "&via=qr")
        assert mobile.locator(".legs .step").count() == 2 and no_horizontal_overflow(mobile)
        mobile.screenshot(path=str(SHOTS / "phone-route-390x844.png"), full_page=True)
        phone.close()


class TestClaimPromotion:
    def test_the_claim_qr_opens_the_phone_page(self, browser, mapped: LiveServer):
        context, page = kiosk_page(browser, mapped)
        page.locator(".tile", has_text="促销").click()
        page.wait_for_url("**/kiosk/promotions")
        page.screenshot(path=str(SHOTS / "kiosk-guide-promotions-1080x1920.png"))
        page.locator(".promo-card").first.click()
        page.wait_for_url("**/claim")
        assert page.locator("svg.qr").bounding_box()["width"] >= 200
        page.screenshot(path=str(SHOTS / "kiosk-guide-claim-qr-1080x1920.png"))
        link = page.locator(".phone-link").get_attribute("href")
        context.close()
        phone = browser.new_context(**PHONE)
        mobile = phone.new_page()
        mobile.goto(mapped.url + link)
        assert "金秋美妆节" in mobile.locator("h1").inner_text()
        assert mobile.locator("#claim-status").is_visible()
        mobile.screenshot(path=str(SHOTS / "phone-claim-390x844.png"), full_page=True)
        phone.close()

    def test_a_member_claims_the_promotions_coupon_on_the_phone(self, browser, mapped: LiveServer):
        """The shopper taps claim on the kiosk, opens the QR's link on the phone (390×844), signs in with the SMS
        code and claims the coupon of the campaign linked to the promotion (store.marketing.kiosk)."""
        from playwright.sync_api import expect
        from sqlmodel import col, select

        from store.catalog.models import Promotion
        from store.marketing import service as marketing_service
        from store.marketing.schemas import CampaignCreate, CouponCreate
        from store.members.models import SmsOutbox

        with db.unit_of_work() as session:
            store = premises_service.default_store(session)
            promotion = session.exec(select(Promotion).where(Promotion.name == "金秋美妆节 全场八折")).one()
            now = utcnow()
            campaign = marketing_service.create_campaign(
                session,
                store.id,  # type: ignore[arg-type]
                CampaignCreate(
                    name="金秋美妆节 领券",
                    starts_on=now.date() - timedelta(days=1),
                    ends_on=now.date() + timedelta(days=7),
                    channels=["kiosk"],  # type: ignore[list-item]
                    promotion_id=promotion.id,
                ),
            )
            marketing_service.create_coupon(
                session,
                store.id,  # type: ignore[arg-type]
                CouponCreate(  # type: ignore[call-arg]
                    campaign_id=campaign.id,  # type: ignore[arg-type]
                    name="美妆满200减30",
                    kind="amount",  # type: ignore[arg-type]
                    amount_off_fen=3_000,
                    threshold_fen=20_000,
                    total_quantity=50,
                    valid_from=now - timedelta(hours=1),
                    valid_until=now + timedelta(days=7),
                ),
            )
        context, page = kiosk_page(browser, mapped)
        page.goto(mapped.url + "/kiosk/promotions")
        page.locator(".promo-card", has_text="金秋美妆节").first.click()
        page.wait_for_url("**/claim")
        link = page.locator(".phone-link").get_attribute("href")
        context.close()
        phone = browser.new_context(**PHONE)
        mobile = phone.new_page()
        mobile.set_default_timeout(15_000)
        mobile.goto(mapped.url + link)
        assert "满 ¥200 减 ¥30" in mobile.locator(".coupon-deal").inner_text()
        assert no_horizontal_overflow(mobile)
        mobile.screenshot(path=str(SHOTS / "phone-coupon-claim-390x844.png"), full_page=True)
        mobile.locator("#phone").fill("1380013")
        mobile.locator("#send-code").click()
        assert "11 位手机号" in mobile.locator("#claim-status").inner_text()
        mobile.screenshot(path=str(SHOTS / "phone-coupon-claim-bad-phone-390x844.png"), full_page=True)
        mobile.locator("#phone").fill("13800138123")
        mobile.locator("#send-code").click()
        expect(mobile.locator("#claim-status")).to_contain_text("验证码已")
        with db.unit_of_work() as session:
            body = session.exec(select(SmsOutbox.body).order_by(col(SmsOutbox.id).desc())).first()
        mobile.locator("#code").fill(body.split("验证码是 ")[1][:6])  # type: ignore[union-attr]
        mobile.screenshot(path=str(SHOTS / "phone-coupon-claim-code-390x844.png"), full_page=True)
        mobile.locator("#claim-button").click()
        mobile.locator("#claimed").wait_for(state="visible")
        assert mobile.locator("#coupon-code").inner_text().startswith("C")
        assert "领取成功" in mobile.locator("#claim-status").inner_text()
        mobile.screenshot(path=str(SHOTS / "phone-coupon-claimed-390x844.png"), full_page=True)
        mobile.goto(mapped.url + link)  # again, still signed in: the per-member limit refuses a second one
        assert "已登录会员" in mobile.locator("#signed-in").inner_text()
        mobile.locator("#claim-button").click()
        expect(mobile.locator("#claim-status")).to_contain_text("限领")
        mobile.screenshot(path=str(SHOTS / "phone-coupon-claim-limit-390x844.png"), full_page=True)
        phone.close()


class TestKioskBehaviour:
    def test_idle_warning_can_be_extended_then_the_kiosk_resets_to_chinese(self, browser, mapped: LiveServer):
        context = browser.new_context(**KIOSK)
        page = context.new_page()
        page.clock.install()
        page.goto(mapped.url + "/kiosk/search?lang=en&kiosk=K-MAIN")
        page.clock.fast_forward(46_000)
        warning = page.locator("#idle-warning")
        assert warning.is_visible() and "still there" in warning.inner_text()
        page.screenshot(path=str(SHOTS / "kiosk-guide-idle-warning-1080x1920.png"))
        page.locator("#idle-extend").click()
        assert warning.is_hidden()
        page.clock.fast_forward(45_000 + 1_000)  # idle again: the warning counts down
        assert warning.is_visible()
        # A jump fires a due timer once, so one 21 s jump left 19 of the countdown's ticks to real seconds: the
        # clock is paused and the ticks that are left stepped through, one second each.
        page.clock.pause_at(page.evaluate("Date.now()") + 100)
        for _ in range(int(page.locator("#idle-seconds").inner_text())):
            page.clock.fast_forward(1_000)
        page.wait_for_url("**/kiosk/")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        context.close()

    @pytest.mark.parametrize("options,name", [(KIOSK, "1080x1920"), (PHONE, "390x844")])
    def test_elderly_mode_has_large_text_and_controls_and_no_promotions(
        self, browser, mapped: LiveServer, options, name
    ):
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(mapped.url + "/kiosk/?care=1")
        assert page.locator(".promo-strip, .promo").count() == 0
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.floor-name')).fontSize)")
        assert size >= 18
        for selector in (".tile", ".lang a", ".floor-card"):
            box = page.locator(selector).first.bounding_box()
            assert box["height"] >= 60 and box["width"] >= 60, selector
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / f"kiosk-guide-elderly-{name}.png"))
        context.close()

    def test_phone_search_page(self, browser, mapped: LiveServer):
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(mapped.url + "/kiosk/search?q=at")
        assert "安踏" in page.locator(".results").inner_text() and no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / "phone-search-390x844.png"), full_page=True)
        context.close()


class TestAdminMapPage:
    def test_manager_marks_a_lift_out_of_service_and_sees_the_kiosk(self, browser, mapped: LiveServer):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.goto(mapped.url + "/admin/wayfinding")
        page.fill("#username", mapped.username)
        page.fill("#password", mapped.password)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/wayfinding")
        assert "K-MAIN" in page.locator("#kiosks").inner_text()
        row = page.locator("#connectors tr", has_text="西电梯")
        row.locator("button").click()
        page.wait_for_url("**saved=1**")
        assert "停用" in page.locator("#connectors tr", has_text="西电梯").inner_text()
        page.screenshot(path=str(SHOTS / "admin-wayfinding-1366.png"), full_page=True)
        row = page.locator("#connectors tr", has_text="西电梯")
        row.locator("button").click()  # back in service for the other tests
        page.wait_for_url("**saved=1**")
        context.close()
