"""The credit walk in a real browser: a shopper scans a shop's code on a phone, reads its credit page and files
a complaint; a store officer resolves it in the admin; the shopper follows it with the tracking number."""

from __future__ import annotations

import io
import re

import pytest

from store import db
from store.credit import codes, service
from store.premises import service as premises_service
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def scan_url(live_server: LiveServer) -> str:
    """The URL the poster of shop 1F-01 carries, with a licence, a permit and an inspection on file."""
    with db.unit_of_work() as session:
        store = premises_service.get_store_by_code(session, "LIVE")
        shop = premises_service.get_shop_by_code(session, store.id, "1F-01")  # type: ignore[arg-type]
        service.update_profile(
            session,
            store.id,  # type: ignore[arg-type]
            shop.id,  # type: ignore[arg-type]
            licence_no="91310101MA1FL0ABCD",
            licence_name="雅诗兰黛（上海）商贸有限公司",
            contact_name="王店长",
            rent_late_months=0,
        )
        from datetime import date

        service.add_permit(
            session, store.id, shop.id, kind="other", number="JY31010100001", expires_on=date(2030, 1, 1)
        )  # type: ignore[arg-type]
        qr = codes.issue(session, store.id, shop.id)  # type: ignore[arg-type]
        return f"{live_server.url}/kiosk/q/{qr.code}"


def test_scan_complain_resolve_follow(browser, live_server: LiveServer, scan_url: str):
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    shopper = phone.new_page()
    shopper.set_default_timeout(10_000)

    shopper.goto(scan_url)
    assert "雅诗兰黛" in shopper.locator("h1").inner_text()
    body = shopper.inner_text("body")
    assert "1F-01" in body and "91310101****L0ABCD"[:8] in body and "91310101MA1FL0ABCD" not in body
    assert no_horizontal_overflow(shopper)
    shopper.screenshot(path=str(SHOTS / "credit-shop-390.png"), full_page=True)

    shopper.click("text=我要投诉")
    shopper.wait_for_url("**/complaint")
    shopper.fill("#text", "粉底液价签 380 元，收银收了 420 元，店员不肯退差价。")
    shopper.fill("#phone", "13812345678")
    shopper.set_input_files("#photos", files=[{"name": "receipt.png", "mimeType": "image/png", "buffer": _png()}])
    a, b = map(int, re.findall(r"(\d) \+ (\d)", shopper.inner_text("label[for=answer]"))[0])
    shopper.fill("#answer", str(a + b))
    assert no_horizontal_overflow(shopper)
    shopper.screenshot(path=str(SHOTS / "credit-complaint-form-390.png"), full_page=True)
    shopper.click("button[type=submit]")
    shopper.wait_for_url(re.compile(r".*/kiosk/complaints/TS[0-9A-Z]{10}\?new=1"))
    tracking = shopper.locator("#tracking-no").inner_text()
    assert "138****5678" in shopper.inner_text("body")
    shopper.screenshot(path=str(SHOTS / "credit-complaint-filed-390.png"), full_page=True)

    office = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    officer = office.new_page()
    officer.set_default_timeout(10_000)
    officer.goto(live_server.url + "/admin/credit/complaints")
    officer.fill("#username", live_server.username)
    officer.fill("#password", live_server.password)
    officer.click("button[type=submit]")
    officer.wait_for_url("**/admin/credit/complaints")
    officer.click(f"text={tracking}")
    officer.wait_for_url("**/admin/credit/complaints/*")
    assert "店员不肯退差价" in officer.inner_text("body")
    officer.fill("#officer", "客服部 周敏")
    officer.click("text=分派")
    officer.wait_for_load_state()
    officer.fill("#reason", "已核对小票，退还差价 40 元并向顾客致歉。")
    officer.click("text=办结（投诉成立）")
    officer.wait_for_load_state()
    assert "已解决" in officer.inner_text("h1")
    officer.screenshot(path=str(SHOTS / "credit-admin-resolved-1366.png"), full_page=True)
    officer.goto(live_server.url + "/admin/credit")
    officer.screenshot(path=str(SHOTS / "credit-admin-overview-1366.png"), full_page=True)
    office.close()

    shopper.goto(live_server.url + "/kiosk/complaints")
    shopper.fill("#no", tracking)
    shopper.click("button[type=submit]")
    shopper.wait_for_url(f"**/kiosk/complaints/{tracking}")
    assert shopper.locator("#complaint-status").inner_text() == "已解决"
    assert "退还差价 40 元" in shopper.locator("#complaint-response").inner_text()
    shopper.click("button[value='5']")
    shopper.wait_for_url("**rated=1")
    assert "★★★★★" in shopper.inner_text("body")
    assert no_horizontal_overflow(shopper)
    shopper.screenshot(path=str(SHOTS / "credit-complaint-result-390.png"), full_page=True)

    shopper.goto(scan_url)
    assert "97" in shopper.locator(".score").inner_text() or "98" in shopper.locator(".score").inner_text()
    phone.close()
