"""A manager signs in through the real form, reads the premises page, adds a shop and sets its staff."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server: LiveServer):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/admin/premises")
    page.screenshot(path=str(SHOTS / "admin-login-1366.png"))
    page.fill("#username", live_server.username)
    page.fill("#password", live_server.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/premises")
    yield page
    context.close()


class TestManagerInBrowser:
    def test_signs_in_and_sees_floors_and_shops(self, page):
        assert page.locator("h1").inner_text() == "门店与商户"
        assert page.locator("#floors tbody tr").count() == 4
        assert "雅诗兰黛" in page.locator("#shop-table").inner_text()
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / "admin-premises-1366.png"), full_page=True)

    def test_adds_a_shop_after_fixing_the_area(self, page):
        page.click("text=新增商户")
        page.fill("#f-code", "3F-09")
        page.fill("#f-name", "李宁")
        page.select_option("#f-category", "sports")
        page.select_option("#f-floor_code", "3F")
        page.fill("#f-selling_area_m2", "-5")
        page.click("button.primary")
        assert page.locator("#e-selling_area_m2").inner_text() == "必须大于 0。"
        page.screenshot(path=str(SHOTS / "admin-shop-form-error.png"), full_page=True)
        page.fill("#f-selling_area_m2", "88")
        page.click("button.primary")
        page.wait_for_url("**/admin/premises?saved=1")
        assert "李宁" in page.locator("#shop-table").inner_text()

    def test_sets_staff_in_place_with_htmx(self, page):
        row = page.locator("#shop-table tr", has_text="雅诗兰黛")
        row.locator("input[name=headcount]").fill("9")
        row.locator("button").click()
        row.locator(".saved").wait_for()
        assert row.locator("input[name=headcount]").input_value() == "9"
        assert page.url.endswith("/admin/premises")  # swapped in place, no navigation

    def test_phone_layout_in_english(self, page):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(page.url.split("/admin/")[0] + "/admin/premises?lang=en")
        assert page.locator("h1").inner_text() == "Premises"
        page.screenshot(path=str(SHOTS / "admin-premises-390-en.png"), full_page=True)
        assert no_horizontal_overflow(page)
