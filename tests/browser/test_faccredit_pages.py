"""In a real browser: a manager uploads a shop's shopfront photo, a shopper's phone shows it on the credit page
(390×844); the operations page names device kinds in Chinese and shows a command no device confirmed."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from store import db
from store.clock import utcnow
from store.credit import codes
from store.facilities import service as facilities_service
from store.facilities.models import FacilityKind
from store.premises import service as premises_service
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}


def _shopfront() -> bytes:
    """A drawn shopfront: a sign with the unit over a glass front."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 700), (226, 222, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 60, 1120, 220), fill=(20, 24, 40))
    draw.rectangle((120, 260, 1080, 680), fill=(160, 190, 205))
    draw.rectangle((560, 300, 640, 680), fill=(90, 110, 120))
    draw.text((140, 110), "ESTEE LAUDER  1F-01", fill=(230, 200, 120))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _sign_in(page, server: LiveServer, next_path: str) -> None:
    page.goto(f"{server.url}/admin/login?next={next_path}")
    page.fill("#username", server.username)
    page.fill("#password", server.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_path}*")


def test_shopfront_photo_on_the_phone_page(browser, live_server: LiveServer):
    with db.unit_of_work() as session:
        store = premises_service.get_store_by_code(session, "LIVE")
        shop = premises_service.get_shop_by_code(session, store.id, "1F-01")  # type: ignore[arg-type]
        code = codes.issue(session, store.id, shop.id).code  # type: ignore[arg-type]
        shop_id = shop.id
    office = browser.new_context(viewport=DESK, locale="zh-CN")
    manager = office.new_page()
    manager.set_default_timeout(10_000)
    _sign_in(manager, live_server, f"/admin/credit/shops/{shop_id}")
    manager.set_input_files(
        "input[name=photo]", files=[{"name": "front.jpg", "mimeType": "image/jpeg", "buffer": _shopfront()}]
    )
    manager.click("#shopfront button[type=submit]")
    manager.wait_for_url("**saved=shopfront*")
    assert manager.evaluate("document.querySelector('#shopfront img').naturalWidth") > 0
    manager.screenshot(path=str(SHOTS / "credit-admin-shopfront-1366.png"), full_page=True)
    office.close()

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    shopper = phone.new_page()
    shopper.goto(f"{live_server.url}/kiosk/q/{code}")
    shopper.wait_for_load_state("networkidle")
    assert shopper.evaluate("document.querySelector('img.shopfront').naturalWidth") > 0
    assert "门头照片" in (shopper.get_attribute("img.shopfront", "alt") or "")
    assert no_horizontal_overflow(shopper)
    shopper.screenshot(path=str(SHOTS / "credit-shop-shopfront-390.png"), full_page=True)
    phone.close()


def test_operations_page_kinds_and_unconfirmed_command(browser, live_server: LiveServer):
    with db.unit_of_work() as session:
        store = premises_service.get_store_by_code(session, "LIVE")
        assert store.id is not None
        for code, kind in (
            ("AQ-1F-01", FacilityKind.air_quality),
            ("EM-1F-02", FacilityKind.electrical_monitor),
            ("PC-B1-01", FacilityKind.power_control),
        ):
            facilities_service.create_device(session, store.id, code=code, kind=kind, installed_on=date(2025, 1, 1))
        plug = facilities_service.list_devices(session, store.id, kind=FacilityKind.power_control)[0]
        command, _ = facilities_service.send_command(
            session, store, plug.id, action="switch_off", args={}, sent_by="王店长", publish=lambda t, b: None
        )
        command.sent_at = utcnow() - timedelta(minutes=5)
        session.add(command)
        session.flush()
        facilities_service.check_unconfirmed(session, utcnow())
    office = browser.new_context(viewport=DESK, locale="zh-CN")
    page = office.new_page()
    page.set_default_timeout(10_000)
    _sign_in(page, live_server, "/admin/facilities")
    text = page.inner_text("body")
    assert "空气质量监测" in text and "电气监测" in text and "智能控电" in text
    assert "air_quality" not in text and "electrical_monitor" not in text
    assert "指令未确认" in text and "未确认" in page.inner_text("#commands")
    page.screenshot(path=str(SHOTS / "facilities-ops-1366.png"), full_page=True)
    office.close()


def test_a_tenant_appeals_a_score_line(browser, live_server: LiveServer):
    from store.auth import service as auth_service
    from store.auth.models import Role
    from store.credit import service as credit_service

    with db.unit_of_work() as session:
        store = premises_service.get_store_by_code(session, "LIVE")
        shop = premises_service.get_shop_by_code(session, store.id, "2F-01")  # type: ignore[arg-type]
        credit_service.add_inspection(
            session,
            store.id,  # type: ignore[arg-type]
            shop.id,  # type: ignore[arg-type]
            inspected_on=date.today() - timedelta(days=20),
            passed=False,
            note="消防通道堆放货物",
        )
        auth_service.create_user(
            session,
            store_id=store.id,  # type: ignore[arg-type]
            username="tenant-2f01",
            password="tenant-live-password",
            role=Role.tenant,
            shop_id=shop.id,
            display_name="江南布衣 店长",
        )
    office = browser.new_context(viewport=DESK, locale="zh-CN")
    page = office.new_page()
    page.set_default_timeout(10_000)
    tenant = LiveServer(live_server.url, "tenant-2f01", "tenant-live-password")
    _sign_in(page, tenant, "/admin/credit/appeals")
    assert "检查不合格" in page.inner_text("#score-lines") or "-10" in page.inner_text("#score-lines")
    page.fill("#score-lines textarea[name=text]", "检查当日货物为临时卸货，十分钟内已清走，有监控为证。")
    page.click("#score-lines button[type=submit]")
    page.wait_for_url("**saved=1*")
    assert "申诉处理中" in page.inner_text("body")
    page.screenshot(path=str(SHOTS / "credit-appeals-tenant-1366.png"), full_page=True)
    office.close()
